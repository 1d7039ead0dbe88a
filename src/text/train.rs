//! `crt-feedback text train`: rebuilds the shipped text model from the labelled NHS file and
//! this project's own sentences, and records its figures on the kept-aside test split.
//!
//! 1. Read and split the comments (`corpus.rs`): a fixed fifth of every stratum is the test
//!    split, which is used once, at the end, to measure; nothing is chosen by looking at it.
//! 2. Work out every comment's features; keep the hashed buckets seen in at least two training
//!    comments (rarer ones only learn noise, and would swell the file).
//! 3. Sentiment: five-fold cross-validation on the training part chooses the L2 penalty and how
//!    far to even out the classes' weights (the neutral class is small), by the mean of accuracy
//!    and macro-F1 on the NHS comments; the chosen setting is then fitted on the whole
//!    training part. Non-answers are left to the rule that calls them neutral.
//! 4. Themes: for each default theme mapped to framework categories, three sets of folds choose
//!    the penalty, the probability threshold and how to combine the head with the keywords, by
//!    pooled F1; the keywords alone stay unless a head beats them by `HEAD_MARGIN`.
//! 5. The model is written, read back (so the rounded weights are what is measured), measured
//!    on the test split, and the figures are printed and recorded beside the weights.
//!
//! Everything is deterministic: the split and the folds come from hashes of comment ids, and
//! the optimiser has no random start, so the same data gives the same weights.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use sha2::Digest;

use super::corpus::{self, LabelledComment, Part, Source};
use super::evaluate::{self, ModelCard, THEME_CATEGORIES, labelled_with};
use super::features::{self, Feature};
use super::logistic::{self, FitSettings, Fitted, Problem, SparseRows};
use super::metrics::{BinaryCounts, CLASSES, Confusion, SentimentScores};
use super::model::{Combination, Head, SENTIMENT_HEAD, TextModel};
use super::sentiment::{self, Sentiment};
use super::themes;

/// `crt-feedback text train`.
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// The labelled NHS comments (the publishers' CSV).
    #[arg(long, default_value = corpus::DEFAULT_DATA)]
    pub data: PathBuf,
    /// Where to write the weights; the recorded figures go beside it, with `.json`.
    #[arg(long, default_value = "src/text/weights/model.bin")]
    pub out: PathBuf,
}

/// A bucket is kept when at least this many training comments have it.
const MIN_COMMENTS_PER_BUCKET: usize = 2;

/// Cross-validation folds inside the training part.
const FOLDS: usize = 5;

/// Theme choices pool this many differently-drawn sets of folds: themes with a few dozen
/// labelled comments give noisy figures on any one set.
const THEME_REPEATS: usize = 3;

/// L2 penalties tried for the sentiment head.
const SENTIMENT_L2: [f64; 4] = [3e-5, 1e-4, 3e-4, 1e-3];

/// How far class weights are evened out: 0 leaves them, 1 weighs each class equally in total.
const SENTIMENT_BALANCE: [f64; 3] = [0.0, 0.5, 1.0];

/// L2 penalties tried for the theme heads.
const THEME_L2: [f64; 4] = [3e-5, 1e-4, 3e-4, 1e-3];

/// Class balance for theme heads: themes are rare, so comments with and without one weigh the
/// same in total.
const THEME_BALANCE: f64 = 1.0;

/// A theme's head is used only when cross-validation puts it at least this much F1 ahead of the
/// keywords alone: keywords are easier for staff to understand, so a head must earn its place.
const HEAD_MARGIN: f64 = 0.01;

/// Enough for the penalties above to converge on this data.
const MAX_ITERATIONS: usize = 400;

/// A comment with everything training needs worked out once.
struct Example<'a> {
    comment: &'a LabelledComment,
    says_nothing: bool,
    /// Sentiment features and theme features, as columns of the kept buckets.
    sentiment_row: Vec<Feature>,
    theme_row: Vec<Feature>,
    /// Whether each theme of `THEME_CATEGORIES` has a keyword in the comment.
    keywords: Vec<bool>,
    /// The comment's fold in each set of folds (the first set also serves sentiment).
    folds: [usize; THEME_REPEATS],
}

/// A fold from the comment id, salted by the set of folds and differently from the test split.
fn fold_of(id: &str, set: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let salt = format!("crt-feedback fold {set}\x1f");
    for byte in salt.as_bytes().iter().chain(id.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % FOLDS as u64) as usize
}

/// `f` over every item, on up to two threads (the work is independent fits), results in order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 2);
    let mut results: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    items
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, item)| (i, f(item)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A panic in a worker is a bug in training: pass it on.
            let done = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, r) in done {
                results[i] = Some(r);
            }
        }
    });
    results.into_iter().flatten().collect()
}

/// Keeps the features whose bucket has a column, renumbered to it.
fn to_columns(features: &[Feature], columns: &HashMap<u32, u32>) -> Vec<Feature> {
    features
        .iter()
        .filter_map(|(b, v)| columns.get(b).map(|&c| (c, *v)))
        .collect()
}

fn class_of(s: Sentiment) -> usize {
    CLASSES.iter().position(|c| *c == s).unwrap_or(1)
}

/// Row weights that even out classes by `balance` (0: all 1; 1: each class the same total).
fn balanced_weights(labels: &[usize], classes: usize, balance: f64) -> Vec<f64> {
    let mut counts = vec![0usize; classes];
    for &y in labels {
        counts[y] += 1;
    }
    let n = labels.len() as f64;
    labels
        .iter()
        .map(|&y| (n / (classes as f64 * counts[y].max(1) as f64)).powf(balance))
        .collect()
}

/// Fits on the chosen examples with the given labels.
fn fit_on<'a>(
    examples: &[&Example<'a>],
    row: for<'e> fn(&'e Example<'a>) -> &'e [Feature],
    labels: &[usize],
    classes: usize,
    columns: usize,
    l2: f64,
    balance: f64,
) -> Fitted {
    let mut rows = SparseRows::new();
    for e in examples {
        rows.push(row(e).iter().copied());
    }
    let row_weights = balanced_weights(labels, classes, balance);
    logistic::fit(
        &Problem {
            rows: &rows,
            labels,
            row_weights: &row_weights,
            classes,
            columns,
        },
        FitSettings {
            l2,
            max_iterations: MAX_ITERATIONS,
        },
    )
}

fn sentiment_row<'e>(e: &'e Example<'_>) -> &'e [Feature] {
    &e.sentiment_row
}

fn theme_row<'e>(e: &'e Example<'_>) -> &'e [Feature] {
    &e.theme_row
}

fn scores_of(fitted: &Fitted, row: &[Feature]) -> Vec<f64> {
    fitted.scores(row.iter().map(|(c, v)| (*c as usize, f64::from(*v))))
}

/// Cross-validated sentiment figures for one setting: (NHS, mental health).
fn cross_validate_sentiment(
    train: &[&Example<'_>],
    columns: usize,
    l2: f64,
    balance: f64,
) -> (SentimentScores, SentimentScores) {
    let mut all = Confusion::default();
    let mut mental_health = Confusion::default();
    for fold in 0..FOLDS {
        let fitting: Vec<&Example<'_>> = train
            .iter()
            .copied()
            .filter(|e| e.folds[0] != fold && !e.says_nothing)
            .collect();
        let labels: Vec<usize> = fitting
            .iter()
            .map(|e| class_of(e.comment.sentiment))
            .collect();
        let fitted = fit_on(&fitting, sentiment_row, &labels, 3, columns, l2, balance);
        for e in train.iter().filter(|e| e.folds[0] == fold) {
            if e.comment.source != Source::Nhs {
                continue;
            }
            let got = if e.says_nothing {
                Sentiment::Neutral
            } else {
                let z = scores_of(&fitted, &e.sentiment_row);
                CLASSES[(0..3).max_by(|&a, &b| z[a].total_cmp(&z[b])).unwrap_or(1)]
            };
            all.add(e.comment.sentiment, got);
            if e.comment.mental_health {
                mental_health.add(e.comment.sentiment, got);
            }
        }
    }
    (all.scores(), mental_health.scores())
}

/// Probability thresholds tried for theme heads: a coarse grid, as finer steps would only fit
/// the noise of themes with a few dozen labelled comments.
fn thresholds() -> impl Iterator<Item = f64> {
    (1..10).map(|i| f64::from(i) / 10.0)
}

/// What cross-validation chose for one theme.
#[derive(Debug, Clone, serde::Serialize)]
struct ThemeChoice {
    id: String,
    l2: f64,
    threshold: f64,
    combination: Combination,
    cross_validated_f1: f64,
    keywords_cross_validated_f1: f64,
}

/// Chooses penalty, threshold and combination for one theme by pooled out-of-fold F1.
fn choose_theme(train: &[&Example<'_>], theme: usize, columns: usize) -> ThemeChoice {
    let (id, categories) = THEME_CATEGORIES[theme];
    let wanted: Vec<bool> = train
        .iter()
        .map(|e| labelled_with(e.comment, categories))
        .collect();
    let mut keywords_only = BinaryCounts::default();
    for (e, &w) in train.iter().zip(&wanted) {
        keywords_only.add(w, e.keywords[theme]);
    }
    let mut best = ThemeChoice {
        id: id.to_owned(),
        l2: THEME_L2[0],
        threshold: 0.5,
        combination: Combination::Keywords,
        cross_validated_f1: keywords_only.f1(),
        keywords_cross_validated_f1: keywords_only.f1(),
    };
    for l2 in THEME_L2 {
        let mut probability = vec![vec![0.0; train.len()]; THEME_REPEATS];
        for (set, probability) in probability.iter_mut().enumerate() {
            for fold in 0..FOLDS {
                let fitting: Vec<&Example<'_>> = train
                    .iter()
                    .copied()
                    .filter(|e| e.folds[set] != fold)
                    .collect();
                let labels: Vec<usize> = train
                    .iter()
                    .zip(&wanted)
                    .filter(|(e, _)| e.folds[set] != fold)
                    .map(|(_, &w)| usize::from(w))
                    .collect();
                let fitted = fit_on(&fitting, theme_row, &labels, 2, columns, l2, THEME_BALANCE);
                for (i, e) in train
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.folds[set] == fold)
                {
                    let z = scores_of(&fitted, &e.theme_row);
                    probability[i] = 1.0 / (1.0 + (z[0] - z[1]).exp());
                }
            }
        }
        for threshold in thresholds() {
            for combination in Combination::ALL
                .into_iter()
                .filter(|c| *c != Combination::Keywords)
            {
                let mut counts = BinaryCounts::default();
                for probability in &probability {
                    for (i, e) in train.iter().enumerate() {
                        let got =
                            combination.decide(probability[i] >= threshold, e.keywords[theme]);
                        counts.add(wanted[i], got);
                    }
                }
                let to_beat = if best.combination == Combination::Keywords {
                    best.cross_validated_f1 + HEAD_MARGIN
                } else {
                    best.cross_validated_f1
                };
                if counts.f1() > to_beat {
                    best = ThemeChoice {
                        l2,
                        threshold,
                        combination,
                        cross_validated_f1: counts.f1(),
                        ..best
                    };
                }
            }
        }
    }
    best
}

/// A binary fit as one logit column: the difference between the two classes' scores.
fn binary_head(name: &str, fitted: &Fitted, threshold: f64, combination: Combination) -> Head {
    Head {
        name: name.to_owned(),
        columns: 1,
        combination,
        threshold: threshold as f32,
        bias: vec![(fitted.bias[1] - fitted.bias[0]) as f32],
        weights: fitted
            .weights
            .chunks_exact(2)
            .map(|w| (w[1] - w[0]) as f32)
            .collect(),
    }
}

/// Runs `crt-feedback text train`.
pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let bytes =
        std::fs::read(&args.data).map_err(|e| anyhow::anyhow!("{}: {e}", args.data.display()))?;
    let data_sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let comments = corpus::load(&args.data)?;
    let tagger = themes::Tagger::keywords_only(&themes::default_themes());

    // Features of every comment, then the kept buckets from the training part alone.
    let raw: Vec<(Vec<Feature>, Vec<Feature>)> = comments
        .iter()
        .map(|c| {
            let tokens = features::tokens(&c.text);
            let lexicon = sentiment::lexicon_score(&c.text);
            (
                features::sentiment_features(&tokens, &c.context, lexicon),
                super::model::theme_features(&c.text),
            )
        })
        .collect();
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for ((sentiment_features, theme_features), c) in raw.iter().zip(&comments) {
        if c.part == Part::Train {
            let mut both: Vec<u32> = sentiment_features
                .iter()
                .chain(theme_features)
                .map(|(b, _)| *b)
                .collect();
            both.sort_unstable();
            both.dedup();
            for b in both {
                *seen.entry(b).or_default() += 1;
            }
        }
    }
    let mut buckets: Vec<u32> = seen
        .into_iter()
        .filter(|(_, n)| *n >= MIN_COMMENTS_PER_BUCKET)
        .map(|(b, _)| b)
        .collect();
    buckets.sort_unstable();
    let columns: HashMap<u32, u32> = buckets
        .iter()
        .enumerate()
        .map(|(i, &b)| (b, i as u32))
        .collect();
    let examples: Vec<Example<'_>> = comments
        .iter()
        .zip(&raw)
        .map(|(c, (s, t))| Example {
            comment: c,
            says_nothing: sentiment::says_nothing(&c.text, c.context.question),
            sentiment_row: to_columns(s, &columns),
            theme_row: to_columns(t, &columns),
            keywords: THEME_CATEGORIES
                .iter()
                .map(|(id, _)| tagger.keywords_match(id, &c.text))
                .collect(),
            folds: std::array::from_fn(|set| fold_of(&c.id, set)),
        })
        .collect();
    let train: Vec<&Example<'_>> = examples
        .iter()
        .filter(|e| e.comment.part == Part::Train)
        .collect();
    let test_count = examples.len() - train.len();
    println!(
        "{} labelled comments: {} for training, {} kept aside for testing; {} feature buckets kept",
        examples.len(),
        train.len(),
        test_count,
        buckets.len()
    );

    // Sentiment: choose by cross-validation, then fit on the whole training part.
    println!("sentiment, {FOLDS}-fold cross-validation on the training part (NHS comments):");
    let grid: Vec<(f64, f64)> = SENTIMENT_L2
        .iter()
        .flat_map(|&l2| SENTIMENT_BALANCE.iter().map(move |&b| (l2, b)))
        .collect();
    let results = in_parallel(&grid, |&(l2, balance)| {
        cross_validate_sentiment(&train, buckets.len(), l2, balance)
    });
    let mut best: Option<(f64, f64, f64, SentimentScores, SentimentScores)> = None;
    for (&(l2, balance), (all, mh)) in grid.iter().zip(results) {
        println!(
            "  l2 {l2:<7} balance {balance:<4} {all}  | MH accuracy {:.1}%",
            100.0 * mh.accuracy
        );
        // The mean of accuracy and macro-F1: right often, without giving up the small
        // neutral class.
        let score = (all.accuracy + all.macro_f1) / 2.0;
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, l2, balance, all, mh));
        }
    }
    let (_, l2, balance, cv_all, cv_mh) =
        best.ok_or_else(|| anyhow::anyhow!("no sentiment setting was tried"))?;
    println!("  chosen: l2 {l2}, balance {balance} (best mean of accuracy and macro-F1)");
    let fitting: Vec<&Example<'_>> = train.iter().copied().filter(|e| !e.says_nothing).collect();
    let labels: Vec<usize> = fitting
        .iter()
        .map(|e| class_of(e.comment.sentiment))
        .collect();
    let fitted = fit_on(
        &fitting,
        sentiment_row,
        &labels,
        3,
        buckets.len(),
        l2,
        balance,
    );
    println!(
        "  fitted on the whole training part in {} iterations",
        fitted.iterations
    );
    let mut heads = vec![Head {
        name: SENTIMENT_HEAD.to_owned(),
        columns: 3,
        combination: Combination::Model,
        threshold: 0.0,
        bias: fitted.bias.iter().map(|b| *b as f32).collect(),
        weights: fitted.weights.iter().map(|w| *w as f32).collect(),
    }];

    // Themes: NHS comments only (this project's sentences carry no theme labels).
    println!("themes, {FOLDS}-fold cross-validation on the training part (F1):");
    let nhs_train: Vec<&Example<'_>> = train
        .iter()
        .copied()
        .filter(|e| e.comment.source == Source::Nhs)
        .collect();
    let theme_indices: Vec<usize> = (0..THEME_CATEGORIES.len()).collect();
    let theme_choices = in_parallel(&theme_indices, |&theme| {
        choose_theme(&nhs_train, theme, buckets.len())
    });
    for (choice, (id, categories)) in theme_choices.iter().zip(THEME_CATEGORIES) {
        println!(
            "  {id:<14} keywords {:.3}  chosen {:?} (l2 {}, threshold {:.1}) {:.3}",
            choice.keywords_cross_validated_f1,
            choice.combination,
            choice.l2,
            choice.threshold,
            choice.cross_validated_f1
        );
        if choice.combination != Combination::Keywords {
            let labels: Vec<usize> = nhs_train
                .iter()
                .map(|e| usize::from(labelled_with(e.comment, categories)))
                .collect();
            let fitted = fit_on(
                &nhs_train,
                theme_row,
                &labels,
                2,
                buckets.len(),
                choice.l2,
                THEME_BALANCE,
            );
            heads.push(binary_head(
                id,
                &fitted,
                choice.threshold,
                choice.combination,
            ));
        }
    }

    // Write, read back, measure on the test split.
    let model_bytes = TextModel::new(buckets, heads).to_bytes();
    let shipped = TextModel::from_bytes(&model_bytes).map_err(anyhow::Error::msg)?;
    let test = evaluate::measure(&shipped, &comments);
    evaluate::print_figures(&test);
    let card = ModelCard {
        data: args.data.display().to_string(),
        data_sha256,
        train_comments: train.len(),
        test_comments: test_count,
        chosen: serde_json::json!({
            "sentiment": {
                "l2": l2,
                "balance": balance,
                "cross_validated": cv_all,
                "cross_validated_mental_health": cv_mh,
            },
            "themes": theme_choices,
        }),
        training_seconds: (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
        test,
    };
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &model_bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.out.display()))?;
    let card_path = args.out.with_extension("json");
    std::fs::write(&card_path, serde_json::to_string_pretty(&card)? + "\n")
        .map_err(|e| anyhow::anyhow!("{}: {e}", card_path.display()))?;
    println!(
        "wrote {} ({} bytes) and {} in {:.1} s",
        args.out.display(),
        model_bytes.len(),
        card_path.display(),
        card.training_seconds
    );
    Ok(())
}
