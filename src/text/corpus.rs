//! The labelled comments the text model is trained and tested on, and the fixed split between
//! the two.
//!
//! Two sources: the NHS England / Strategy Unit file of real FFT comments labelled by NHS staff
//! (`tests/data/nhs-feedback/`, credited in its README), and this project's own hand-labelled
//! sentences (`sentiment_sample.rs`), written in the style of crisis-team feedback.
//!
//! The split is stable: within each stratum (source × three-class sentiment × mental-health or
//! not) comments are ordered by a hash of their id and the first fifth is the test part. Adding
//! or removing one comment moves at most the comments of its own stratum, and the same file
//! always gives the same split on every machine.

use std::path::Path;

use super::features::{CommentContext, QuestionAsked};
use super::sentiment::Sentiment;

/// Where the shipped model's training data lives in the repository.
pub const DEFAULT_DATA: &str = "tests/data/nhs-feedback/v6framework_230831-train.csv";

/// The service type the publishers give community mental-health rows.
const MENTAL_HEALTH_SERVICE: &str = "Local partnerships- MH";

/// One test comment in this many.
const TEST_SHARE: usize = 5;

/// Where a labelled comment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Source {
    /// The NHS file.
    Nhs,
    /// This project's own sentences.
    Project,
}

/// Training or testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Train,
    Test,
}

/// One labelled comment.
#[derive(Debug, Clone)]
pub(crate) struct LabelledComment {
    /// The publishers' `Comment ID`, or `project-N` for this project's sentences.
    pub(crate) id: String,
    pub(crate) text: String,
    pub(crate) sentiment: Sentiment,
    pub(crate) context: CommentContext,
    /// An NHS comment from a community mental-health service.
    pub(crate) mental_health: bool,
    pub(crate) source: Source,
    /// The framework categories NHS staff marked (empty for this project's sentences, which
    /// carry no theme labels and are left out of theme training and testing).
    pub(crate) categories: Vec<String>,
    pub(crate) part: Part,
}

/// The FFT answer as the publishers code it (1 very good ... 5 very poor, 6 don't know, 7 no
/// answer), on the service's scale (5 very good ... 1 very poor).
fn fft_from_publishers(code: &str) -> Option<u8> {
    match code.trim().parse::<u8>() {
        Ok(n @ 1..=5) => Some(6 - n),
        _ => None,
    }
}

/// Three classes from the publishers' five: 1-2 positive, 3 neutral or mixed, 4-5 negative.
fn sentiment_from_publishers(code: &str) -> Option<Sentiment> {
    match code.trim() {
        "1" | "2" => Some(Sentiment::Positive),
        "3" => Some(Sentiment::Neutral),
        "4" | "5" => Some(Sentiment::Negative),
        _ => None,
    }
}

/// Columns before the framework categories in the publishers' file.
const LEADING_COLUMNS: usize = 11;

/// Reads the NHS file: rows without a sentiment label are left out.
pub(crate) fn read_nhs_file(path: &Path) -> anyhow::Result<Vec<LabelledComment>> {
    let mut reader =
        csv::Reader::from_path(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| anyhow::anyhow!("{}: no `{name}` column", path.display()))
    };
    let id = column("Comment ID")?;
    let service_1 = column("Service type 1")?;
    let service_2 = column("Service type 2")?;
    let fft = column("FFT categorical answer")?;
    let question = column("FFT question")?;
    let answer = column("FFT answer")?;
    let sentiment = column("Comment sentiment")?;
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| anyhow::anyhow!("{} row {}: {e}", path.display(), i + 2))?;
        let field = |c: usize| record.get(c).unwrap_or_default();
        let Some(label) = sentiment_from_publishers(field(sentiment)) else {
            continue;
        };
        let categories = headers
            .iter()
            .enumerate()
            .skip(LEADING_COLUMNS)
            .filter(|(c, _)| field(*c).trim() == "1")
            .map(|(_, name)| name.to_owned())
            .collect();
        out.push(LabelledComment {
            id: field(id).to_owned(),
            text: field(answer).to_owned(),
            sentiment: label,
            context: CommentContext {
                fft: fft_from_publishers(field(fft)),
                question: QuestionAsked::from_question(field(question)),
            },
            mental_health: [service_1, service_2]
                .iter()
                .any(|&c| field(c).trim() == MENTAL_HEALTH_SERVICE),
            source: Source::Nhs,
            categories,
            part: Part::Train,
        });
    }
    anyhow::ensure!(!out.is_empty(), "{}: no labelled rows", path.display());
    Ok(out)
}

/// This project's hand-labelled sentences, with no context (no FFT answer, question unknown).
pub(crate) fn project_sentences() -> Vec<LabelledComment> {
    use super::sentiment_sample::{HOLDOUT, SAMPLE};
    SAMPLE
        .iter()
        .chain(HOLDOUT)
        .enumerate()
        .map(|(i, (text, sentiment))| LabelledComment {
            id: format!("project-{i}"),
            text: (*text).to_owned(),
            sentiment: *sentiment,
            context: CommentContext::default(),
            // Written for crisis teams, but not real comments: the mental-health figures are
            // the NHS rows' alone, and these are reported on their own.
            mental_health: false,
            source: Source::Project,
            categories: Vec::new(),
            part: Part::Train,
        })
        .collect()
}

/// FNV-1a of an id with a fixed salt: the order inside a stratum.
fn split_hash(id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in b"crt-feedback split 1\x1f".iter().chain(id.as_bytes()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Marks a fifth of each stratum as the test part (rounded to the nearest comment).
pub(crate) fn split(comments: &mut [LabelledComment]) {
    use std::collections::BTreeMap;
    let mut strata: BTreeMap<(Source, &'static str, bool), Vec<usize>> = BTreeMap::new();
    for (i, c) in comments.iter().enumerate() {
        strata
            .entry((c.source, c.sentiment.as_str(), c.mental_health))
            .or_default()
            .push(i);
    }
    let mut test = Vec::new();
    for members in strata.values_mut() {
        members.sort_by_cached_key(|&i| (split_hash(&comments[i].id), comments[i].id.clone()));
        let take = (members.len() + TEST_SHARE / 2) / TEST_SHARE;
        test.extend_from_slice(&members[..take]);
    }
    for c in comments.iter_mut() {
        c.part = Part::Train;
    }
    for i in test {
        comments[i].part = Part::Test;
    }
}

/// Both sources, split.
pub(crate) fn load(path: &Path) -> anyhow::Result<Vec<LabelledComment>> {
    let mut all = read_nhs_file(path)?;
    all.extend(project_sentences());
    split(&mut all);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_publishers_fft_codes_are_turned_round() {
        assert_eq!(fft_from_publishers("1"), Some(5));
        assert_eq!(fft_from_publishers("5"), Some(1));
        assert_eq!(fft_from_publishers("6"), None);
        assert_eq!(fft_from_publishers("7"), None);
        assert_eq!(fft_from_publishers(""), None);
    }

    #[test]
    fn mixed_comments_are_neutral_and_unlabelled_rows_are_none() {
        assert_eq!(sentiment_from_publishers("3"), Some(Sentiment::Neutral));
        assert_eq!(sentiment_from_publishers("2"), Some(Sentiment::Positive));
        assert_eq!(sentiment_from_publishers("4"), Some(Sentiment::Negative));
        assert_eq!(sentiment_from_publishers(""), None);
    }

    #[test]
    fn the_split_takes_a_fifth_of_every_stratum_and_ignores_input_order() {
        let mut comments = project_sentences();
        split(&mut comments);
        let tested = |c: &[LabelledComment]| {
            let mut ids: Vec<String> = c
                .iter()
                .filter(|c| c.part == Part::Test)
                .map(|c| c.id.clone())
                .collect();
            ids.sort();
            ids
        };
        let first = tested(&comments);
        let share = first.len() as f64 / comments.len() as f64;
        assert!((0.18..0.22).contains(&share), "{share}");
        comments.reverse();
        split(&mut comments);
        assert_eq!(tested(&comments), first);
    }
}
