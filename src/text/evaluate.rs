//! Measuring the text model: on the kept-aside test split (by `text train`, and by the unit test
//! that checks the shipped figures), and on a Trust's own labelled comments
//! (`crt-feedback text evaluate FILE`), so a Trust can check the model before relying on it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::corpus::{LabelledComment, Part, Source};
use super::features::{CommentContext, QuestionAsked};
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
    /// The theme's id.
    pub id: String,
    /// The framework categories it stands for.
    pub categories: Vec<String>,
    /// How its head and keywords decide together (keywords alone when it has no head).
    pub combination: Combination,
    /// The shipped way's figures.
    pub model: ThemeScores,
    /// The keywords alone, for comparison.
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
    /// The same on the mental-health comments.
    pub rules_mental_health: SentimentScores,
    /// VADER alone, likewise.
    pub vader: SentimentScores,
    /// The same on the mental-health comments.
    pub vader_mental_health: SentimentScores,
    /// Each mapped default theme.
    pub themes: Vec<ThemeFigures>,
}

/// What a training run records beside the weights it writes: what it was trained on, what
/// cross-validation chose, and the test figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// The data file, as given to `--data`, and the SHA-256 of its bytes.
    pub data: String,
    /// Hex SHA-256 of the data file.
    pub data_sha256: String,
    /// Comments in each part (NHS and project sentences together).
    pub train_comments: usize,
    /// Comments kept aside for the test split.
    pub test_comments: usize,
    /// Choices made by cross-validation on the training part, and their cross-validated
    /// figures (never the test split's).
    pub chosen: serde_json::Value,
    /// Seconds the run took.
    pub training_seconds: f64,
    /// The figures on the test split.
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
    let tagger = themes::Tagger::keywords_only(&themes::default_themes());
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
        let theme_features = model.locate(&super::model::theme_features(&comment.text));
        for (i, (id, categories)) in THEME_CATEGORIES.iter().enumerate() {
            let wanted = labelled_with(comment, categories);
            let keywords = tagger.keywords_match(id, &comment.text);
            let shipped = model.theme_decision(id, &theme_features, keywords);
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
    /// The shipped model (with the non-answer rule).
    pub model: SentimentScores,
    /// VADER plus the domain rules.
    pub rules: SentimentScores,
    /// VADER alone.
    pub vader: SentimentScores,
    /// Mean time the model took to read one comment (sentiment, then themes), in microseconds:
    /// what it adds to every submission.
    pub model_micros_per_comment: f64,
}

/// Measures the shipped model on a Trust's file.
pub fn evaluate_file(path: &Path) -> anyhow::Result<TrustFigures> {
    let comments = read_trust_file(path)?;
    let tagger = themes::Tagger::new(&themes::default_themes());
    let mut model = Confusion::default();
    for c in &comments {
        model.add(
            c.sentiment,
            sentiment::classify_in_context(&c.text, &c.context),
        );
    }
    // Timed on a second reading, as a running service reads: the model loaded and the rules'
    // automata warmed up by the first.
    let started = std::time::Instant::now();
    let mut tagged = 0;
    for c in &comments {
        std::hint::black_box(sentiment::classify_in_context(&c.text, &c.context));
        tagged += tagger.tag(&c.text).len();
    }
    let elapsed = started.elapsed();
    std::hint::black_box(tagged);
    let mut rules = Confusion::default();
    let mut vader = Confusion::default();
    for c in &comments {
        rules.add(c.sentiment, sentiment::lexicon_and_rules(&c.text));
        vader.add(c.sentiment, sentiment::lexicon_only(&c.text));
    }
    Ok(TrustFigures {
        model: model.scores(),
        rules: rules.scores(),
        vader: vader.scores(),
        model_micros_per_comment: elapsed.as_secs_f64() * 1e6 / comments.len() as f64,
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
        "  the model read each comment (sentiment and themes) in {:.0} µs on average",
        figures.model_micros_per_comment
    );
    println!(
        "For comparison, on the NHS test split the model scored: {}",
        shipped_card()
            .map(|card| card.test.sentiment.to_string())
            .unwrap_or_else(|why| why)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::corpus;
    use crate::text::model::SHIPPED;
    use std::io::Write;

    fn shipped() -> &'static TextModel {
        SHIPPED.as_ref().expect("the shipped weights load")
    }

    fn card() -> ModelCard {
        shipped_card().unwrap()
    }

    #[test]
    fn the_recorded_figures_are_a_fresh_evaluation_of_the_test_split() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join(corpus::DEFAULT_DATA);
        let comments = corpus::load(&data).unwrap();
        let fresh = measure(shipped(), &comments);
        assert_eq!(fresh, card().test);
        let tested = comments.iter().filter(|c| c.part == Part::Test).count();
        assert_eq!(tested, card().test_comments);
    }

    #[test]
    fn the_shipped_model_meets_the_agreed_thresholds_on_the_test_split() {
        let t = card().test;
        assert!(t.sentiment.accuracy >= 0.82, "{}", t.sentiment);
        assert!(
            t.sentiment_mental_health.accuracy >= 0.78,
            "{}",
            t.sentiment_mental_health
        );
        assert!(t.sentiment.macro_f1 >= 0.70, "{}", t.sentiment);
        assert!(t.sentiment.recall_negative >= 0.80, "{}", t.sentiment);
        assert!(t.sentiment.accuracy > t.rules.accuracy);
        assert!(t.sentiment_mental_health.accuracy > t.rules_mental_health.accuracy);
    }

    #[test]
    fn the_shipped_themes_beat_keywords_alone_on_the_test_split() {
        let t = card().test;
        let theme = |id: &str| t.themes.iter().find(|f| f.id == id).unwrap().clone();
        for id in [
            "communication",
            "waiting",
            "kindness",
            "discharge",
            "family",
        ] {
            let theme = theme(id);
            assert!(
                theme.model.f1 > theme.keywords.f1,
                "{id}: shipped {} vs keywords {}",
                theme.model,
                theme.keywords
            );
        }
        // Continuity does not: 7 labelled test comments, shipped F1 0.33 against 0.38 for
        // keywords, where cross-validation on the training part had the head and keywords
        // together slightly ahead (0.39 against 0.35). Too few labels to tell them apart; the
        // README says so. This pins the figure so a retrain that changes it is noticed.
        let continuity = theme("continuity");
        assert_eq!(continuity.model.labelled, 7);
        assert!(continuity.model.f1 > 0.3, "{}", continuity.model);
    }

    fn csv_file(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file
    }

    #[test]
    fn a_trusts_file_is_read_and_measured() {
        let file = csv_file(
            "text,sentiment,fft\n\
             \"Kind staff, they listened and came quickly.\",positive,5\n\
             Nobody called me back for three days,negative,1\n\
             \"Good care, but waited hours for a call back.\",neutral,3\n\
             n/a,neutral,\n",
        );
        let figures = evaluate_file(file.path()).unwrap();
        assert_eq!(figures.model.n, 4);
        assert_eq!(figures.rules.n, 4);
        assert!(figures.model.accuracy >= 0.75, "{}", figures.model);
    }

    #[test]
    fn a_bad_row_is_named() {
        let file = csv_file("text,sentiment\nfine,positive\nawful,bad\n");
        let err = evaluate_file(file.path()).unwrap_err().to_string();
        assert!(err.contains("row 3"), "{err}");
        assert!(err.contains("`bad`"), "{err}");
        let file = csv_file("text,sentiment,fft\nfine,positive,9\n");
        let err = evaluate_file(file.path()).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("fft"), "{err}");
        let file = csv_file("comment,sentiment\nfine,positive\n");
        let err = evaluate_file(file.path()).unwrap_err().to_string();
        assert!(err.contains("no `text` column"), "{err}");
    }

    #[test]
    fn fft_answers_are_read_on_the_services_scale_or_as_words() {
        assert_eq!(parse_fft("5"), Ok(Some(5)));
        assert_eq!(parse_fft("Very poor"), Ok(Some(1)));
        assert_eq!(parse_fft("Don't know"), Ok(None));
        assert_eq!(parse_fft(""), Ok(None));
        assert!(parse_fft("6").is_err());
    }
}
