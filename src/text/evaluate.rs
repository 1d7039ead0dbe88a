//! Measuring the text model: on the kept-aside test split (by `text train`, and by the unit test
//! that checks the shipped figures), and on a Trust's own labelled comments
//! (`crt-feedback text evaluate FILE`), so a Trust can check the model before relying on it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::corpus::{LabelledComment, Part, Source};
use super::features::{self, CommentContext, QuestionAsked};
use super::metrics::{BinaryCounts, Confusion, SentimentScores, ThemeScores};
use super::model::{Combination, TextModel};
use super::sentiment::{self, Sentiment};
use super::themes;

/// A default theme and the NHS England framework categories (version 6) it stands for: a
/// comment NHS staff marked with any of them is about the theme. "Practical and social help"
/// has no category in the framework, so it keeps its keywords alone.
pub const THEME_CATEGORIES: &[(&str, &[&str])] = &[
    (
        "communication",
        &[
            "Unspecified communication",
            "Staff listening, understanding & involving patients",
            "Information directly from staff during care",
            "Being kept informed, clarity & consistency of information",
            "Contacting services",
        ],
    ),
    ("continuity", &["Staff continuity"]),
    ("waiting", &["Timeliness of care"]),
    ("family", &["Interaction with family/ carers"]),
    ("medication", &["Supplying & understanding medication"]),
    ("kindness", &["Staff manner & personal attributes"]),
    (
        "discharge",
        &["Discharge", "Information provision & guidance"],
    ),
];

/// Whether NHS staff marked a comment with any of a theme's categories.
pub(crate) fn labelled_with(comment: &LabelledComment, categories: &[&str]) -> bool {
    comment
        .categories
        .iter()
        .any(|c| categories.contains(&c.as_str()))
}

/// One theme's figures on the test split: the shipped way (model and keywords combined as
/// chosen) beside the keywords alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeFigures {
    pub id: String,
    pub categories: Vec<String>,
    pub combination: Combination,
    pub model: ThemeScores,
    pub keywords: ThemeScores,
}

/// Everything measured on the test split; recorded beside the shipped weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestFigures {
    /// The model on every NHS test comment.
    pub sentiment: SentimentScores,
    /// The model on the community mental-health test comments.
    pub sentiment_mental_health: SentimentScores,
    /// The model on this project's own test sentences (crisis-team style, not real comments).
    pub sentiment_project: SentimentScores,
    /// Today's VADER plus domain rules, on every NHS test comment and on the mental-health ones.
    pub rules: SentimentScores,
    pub rules_mental_health: SentimentScores,
    /// VADER alone, likewise.
    pub vader: SentimentScores,
    pub vader_mental_health: SentimentScores,
    pub themes: Vec<ThemeFigures>,
}

/// What a training run records beside the weights it writes: what it was trained on, what
/// cross-validation chose, and the test figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// The data file, as given to `--data`, and the SHA-256 of its bytes.
    pub data: String,
    pub data_sha256: String,
    /// Comments in each part (NHS and project sentences together).
    pub train_comments: usize,
    pub test_comments: usize,
    /// Choices made by cross-validation on the training part, and their cross-validated
    /// figures (never the test split's).
    pub chosen: serde_json::Value,
    /// Seconds the run took.
    pub training_seconds: f64,
    pub test: TestFigures,
}

/// The figures recorded with the shipped weights.
pub fn shipped_card() -> Result<ModelCard, String> {
    serde_json::from_str(super::model::SHIPPED_CARD)
        .map_err(|e| format!("the shipped model card does not read: {e}"))
}

/// Three confusions: everything, mental health, project sentences.
#[derive(Default)]
struct Tallies {
    nhs: Confusion,
    mental_health: Confusion,
    project: Confusion,
}

impl Tallies {
    fn add(&mut self, comment: &LabelledComment, got: Sentiment) {
        match comment.source {
            Source::Nhs => {
                self.nhs.add(comment.sentiment, got);
                if comment.mental_health {
                    self.mental_health.add(comment.sentiment, got);
                }
            }
            Source::Project => self.project.add(comment.sentiment, got),
        }
    }
}

/// Measures `model` on the test part of `comments`, exactly as the service would read them.
pub(crate) fn measure(model: &TextModel, comments: &[LabelledComment]) -> TestFigures {
    let tagger = themes::Tagger::new(&themes::default_themes());
    let mut by_model = Tallies::default();
    let mut by_rules = Tallies::default();
    let mut by_vader = Tallies::default();
    let mut theme_counts =
        vec![(BinaryCounts::default(), BinaryCounts::default()); THEME_CATEGORIES.len()];
    for comment in comments.iter().filter(|c| c.part == Part::Test) {
        by_model.add(
            comment,
            sentiment::classify_with(model, &comment.text, &comment.context),
        );
        by_rules.add(comment, sentiment::lexicon_and_rules(&comment.text));
        by_vader.add(comment, sentiment::lexicon_only(&comment.text));
        if comment.source != Source::Nhs {
            continue;
        }
        let text_features = features::text_features(&features::tokens(&comment.text));
        for (i, (id, categories)) in THEME_CATEGORIES.iter().enumerate() {
            let wanted = labelled_with(comment, categories);
            let keywords = tagger.keywords_match(id, &comment.text);
            let shipped = model.theme_decision(id, &text_features, keywords);
            theme_counts[i].0.add(wanted, shipped);
            theme_counts[i].1.add(wanted, keywords);
        }
    }
    let themes = THEME_CATEGORIES
        .iter()
        .zip(theme_counts)
        .map(|((id, categories), (shipped, keywords))| ThemeFigures {
            id: (*id).to_owned(),
            categories: categories.iter().map(|c| (*c).to_owned()).collect(),
            combination: model.combination(id).unwrap_or(Combination::Keywords),
            model: shipped.scores(),
            keywords: keywords.scores(),
        })
        .collect();
    TestFigures {
        sentiment: by_model.nhs.scores(),
        sentiment_mental_health: by_model.mental_health.scores(),
        sentiment_project: by_model.project.scores(),
        rules: by_rules.nhs.scores(),
        rules_mental_health: by_rules.mental_health.scores(),
        vader: by_vader.nhs.scores(),
        vader_mental_health: by_vader.mental_health.scores(),
        themes,
    }
}

/// Prints test figures as the train command shows them.
pub(crate) fn print_figures(figures: &TestFigures) {
    println!("sentiment on the test split (NHS comments never used for training or tuning):");
    println!("  model, all                {}", figures.sentiment);
    println!(
        "  model, mental health      {}",
        figures.sentiment_mental_health
    );
    println!("  model, project sentences  {}", figures.sentiment_project);
    println!("  VADER + rules, all        {}", figures.rules);
    println!(
        "  VADER + rules, MH         {}",
        figures.rules_mental_health
    );
    println!("  VADER alone, all          {}", figures.vader);
    println!(
        "  VADER alone, MH           {}",
        figures.vader_mental_health
    );
    println!("themes on the test split (shipped way vs keywords alone):");
    for t in &figures.themes {
        println!(
            "  {:<14} n {:>3}  shipped ({:?}) {}   keywords {}",
            t.id, t.model.labelled, t.combination, t.model, t.keywords
        );
    }
}

/// `crt-feedback text evaluate FILE`.
#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// A CSV file with a header row and the columns `text` and `sentiment` (positive, neutral
    /// or negative), and optionally `fft` (the same response's FFT answer: 5 very good ... 1
    /// very poor, or the words; blank when not given) and `question` (the question's wording).
    pub file: PathBuf,
}

/// One labelled comment from a Trust's file.
struct TrustComment {
    text: String,
    sentiment: Sentiment,
    context: CommentContext,
}

/// The FFT answer on the service's scale, from a number (5 very good ... 1 very poor) or words.
fn parse_fft(value: &str) -> Result<Option<u8>, String> {
    let v = value.trim().to_lowercase().replace('\'', "");
    Ok(match v.as_str() {
        "" | "dont know" | "dont_know" | "don’t know" => None,
        "5" | "very good" => Some(5),
        "4" | "good" => Some(4),
        "3" | "neither good nor poor" | "neither" => Some(3),
        "2" | "poor" => Some(2),
        "1" | "very poor" => Some(1),
        _ => {
            return Err(format!(
                "fft `{value}` is not 1 to 5 (5 very good), a word answer or blank"
            ));
        }
    })
}

/// Reads a Trust's file, naming the row of the first bad one.
fn read_trust_file(path: &Path) -> anyhow::Result<Vec<TrustComment>> {
    let name = path.display();
    let mut reader = csv::Reader::from_path(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let headers = reader
        .headers()
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?
        .clone();
    let find = |column: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(column))
    };
    let text = find("text").ok_or_else(|| anyhow::anyhow!("{name}: no `text` column"))?;
    let label =
        find("sentiment").ok_or_else(|| anyhow::anyhow!("{name}: no `sentiment` column"))?;
    let fft = find("fft");
    let question = find("question");
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        // Row 1 is the header.
        let row = i + 2;
        let record = record.map_err(|e| anyhow::anyhow!("{name} row {row}: {e}"))?;
        let field = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or_default();
        let sentiment = Sentiment::parse(field(Some(label)).trim().to_lowercase().as_str())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "{name} row {row}: sentiment `{}` is not positive, neutral or negative",
                    field(Some(label))
                )
            })?;
        let fft =
            parse_fft(field(fft)).map_err(|why| anyhow::anyhow!("{name} row {row}: {why}"))?;
        out.push(TrustComment {
            text: field(Some(text)).to_owned(),
            sentiment,
            context: CommentContext {
                fft,
                question: QuestionAsked::from_question(field(question)),
            },
        });
    }
    anyhow::ensure!(!out.is_empty(), "{name}: no comments after the header");
    Ok(out)
}

/// The figures for a Trust's comments: the shipped model beside the lexicon rules and VADER.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustFigures {
    pub model: SentimentScores,
    pub rules: SentimentScores,
    pub vader: SentimentScores,
}

/// Measures the shipped model on a Trust's file.
pub fn evaluate_file(path: &Path) -> anyhow::Result<TrustFigures> {
    let comments = read_trust_file(path)?;
    let mut model = Confusion::default();
    let mut rules = Confusion::default();
    let mut vader = Confusion::default();
    for c in &comments {
        model.add(
            c.sentiment,
            sentiment::classify_in_context(&c.text, &c.context),
        );
        rules.add(c.sentiment, sentiment::lexicon_and_rules(&c.text));
        vader.add(c.sentiment, sentiment::lexicon_only(&c.text));
    }
    Ok(TrustFigures {
        model: model.scores(),
        rules: rules.scores(),
        vader: vader.scores(),
    })
}

/// Runs `crt-feedback text evaluate`.
pub fn run(args: &EvaluateArgs) -> anyhow::Result<()> {
    let figures = evaluate_file(&args.file)?;
    println!("{}:", args.file.display());
    println!("  model          {}", figures.model);
    println!("  VADER + rules  {}", figures.rules);
    println!("  VADER alone    {}", figures.vader);
    println!(
        "For comparison, on the NHS test split the model scored: {}",
        shipped_card()
            .map(|card| card.test.sentiment.to_string())
            .unwrap_or_else(|why| why)
    );
    Ok(())
}
