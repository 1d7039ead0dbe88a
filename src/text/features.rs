//! What the trained text model reads: a comment turned into a short list of (bucket, value)
//! pairs, plus what is known about the comment besides its words (its FFT answer and the kind of
//! question it answers).
//!
//! Words and character sequences are hashed into a fixed number of buckets ("the hashing
//! trick"), so the model needs no vocabulary list: a bucket never seen in training simply has no
//! weight. The hash is FNV-1a, written out here, because the buckets must be the same on every
//! machine and in every Rust release (the standard library's hasher is randomly seeded).
//!
//! Families of features, each a separate block so one long comment does not drown the rest:
//! - words: single words and pairs of neighbouring words, with words after a negation ("not",
//!   "never", "nobody" ...) also counted in a negated form until the next punctuation, so "not
//!   helpful" and "helpful" pull different ways;
//! - characters: runs of 2 to 5 letters inside each word (with its edges), which catch
//!   misspellings and word endings ("waitin", "apointment");
//! - keywords (themes only): which default themes' keywords the comment has;
//! - context (sentiment only): the FFT answer, the kind of question, both together, each word
//!   paired with the kind of question (so "Nothing" answering "what could be better" and
//!   "Nothing" answering "what was good" can mean opposite things), the comment's length, and
//!   the lexicon score of `sentiment.rs` (VADER plus the domain rules).

use serde::{Deserialize, Serialize};

/// Buckets are numbers below `1 << HASH_BITS`. A million buckets keep collisions rare; only the
/// buckets that training saw are stored, so this does not set the size of the weights file.
pub(crate) const HASH_BITS: u32 = 20;

/// Bumped whenever the features change, so weights trained on other features are refused.
pub(crate) const FEATURES_VERSION: u32 = 1;

/// One non-zero feature: its bucket and its value.
pub(crate) type Feature = (u32, f32);

/// The kind of question a comment answers, which changes what short answers mean: "Nothing"
/// is praise when asked what could be better and a complaint when asked what was good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionAsked {
    /// "Please tell us the main reason for your answer", "FFT Why?".
    Reason,
    /// "What could we do better?", "How could we improve?".
    Improve,
    /// "What was good?".
    Liked,
    /// Anything else, or not known.
    #[default]
    Other,
}

impl QuestionAsked {
    /// Reads the kind from a question's wording or from its id (`fft_reason`,
    /// `one_improvement`, `anything_else`), whichever the caller has.
    pub fn from_question(question: &str) -> Self {
        let q = question.to_lowercase();
        let has = |word: &str| q.contains(word);
        if has("improve") || has("better") || has("change") {
            QuestionAsked::Improve
        } else if has("reason") || has("why") {
            QuestionAsked::Reason
        } else if has("good") || has("went well") || has("liked") || has("best") {
            QuestionAsked::Liked
        } else {
            QuestionAsked::Other
        }
    }

    /// A short stable name, hashed into features and shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionAsked::Reason => "reason",
            QuestionAsked::Improve => "improve",
            QuestionAsked::Liked => "liked",
            QuestionAsked::Other => "other",
        }
    }
}

/// What is known about a comment besides its words. The default (no FFT answer, question not
/// known) is what `sentiment::classify` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommentContext {
    /// The same response's FFT answer on the service's scale: 5 very good ... 1 very poor.
    /// None when not given or "don't know".
    pub fft: Option<u8>,
    /// The kind of question the comment answers.
    pub question: QuestionAsked,
}

/// Words after one of these count in a negated form too, up to the next punctuation.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "nobody", "nothing", "none", "cannot", "cant", "couldnt", "didnt",
    "dont", "doesnt", "wasnt", "werent", "wont", "wouldnt", "isnt", "arent", "havent", "hasnt",
    "hadnt", "shouldnt", "mustnt", "neednt", "aint", "without", "lack", "neither", "nor",
];

/// A word of a comment and whether a negation governs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) word: String,
    pub(crate) negated: bool,
}

/// Lower-cased words with apostrophes dropped ("didn't" -> "didnt"), split at anything that is
/// not a letter or digit, each marked when a negation earlier in the same clause governs it.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut negating = false;
    let flush = |current: &mut String, negating: &mut bool, out: &mut Vec<Token>| {
        if current.is_empty() {
            return;
        }
        let word = std::mem::take(current);
        let is_negation = NEGATIONS.contains(&word.as_str());
        out.push(Token {
            word,
            negated: *negating,
        });
        if is_negation {
            *negating = true;
        }
    };
    for ch in text.chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() {
            current.push(ch);
        } else if matches!(ch, '\'' | '\u{2018}' | '\u{2019}' | '`') {
            // "didn't" is one word.
        } else {
            flush(&mut current, &mut negating, &mut out);
            if matches!(ch, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '\n') {
                negating = false;
            }
        }
    }
    flush(&mut current, &mut negating, &mut out);
    out
}

/// FNV-1a over a family tag and the bytes of one or more parts, folded into a bucket.
fn bucket(family: u8, parts: &[&[u8]]) -> u32 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    };
    eat(family);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            eat(0x1f);
        }
        for &byte in *part {
            eat(byte);
        }
    }
    let folded = hash ^ (hash >> 32);
    (folded as u32) & ((1 << HASH_BITS) - 1)
}

/// Feature families, one tag byte each, so a word and a character run that spell the same
/// never share a bucket by design.
mod family {
    pub(super) const WORD: u8 = 1;
    pub(super) const PAIR: u8 = 2;
    pub(super) const NEGATED: u8 = 3;
    pub(super) const CHARS: u8 = 4;
    pub(super) const FFT: u8 = 5;
    pub(super) const QUESTION: u8 = 6;
    pub(super) const FFT_QUESTION: u8 = 7;
    pub(super) const QUESTION_WORD: u8 = 8;
    pub(super) const LENGTH: u8 = 9;
    pub(super) const LEXICON: u8 = 10;
    pub(super) const KEYWORDS: u8 = 11;
}

/// Scales a block of features to unit length, so each block weighs the same in every comment.
fn normalise(block: &mut [Feature], weight: f32) {
    let norm = block.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, v) in block.iter_mut() {
            *v *= weight / norm;
        }
    }
}

/// Sorts by bucket and adds up values that landed in the same bucket.
fn merge(mut features: Vec<Feature>) -> Vec<Feature> {
    features.sort_unstable_by_key(|(b, _)| *b);
    let mut out: Vec<Feature> = Vec::with_capacity(features.len());
    for (b, v) in features {
        match out.last_mut() {
            Some((last, total)) if *last == b => *total += v,
            _ => out.push((b, v)),
        }
    }
    out
}

/// Each distinct item once: presence, not counts, is what short comments carry.
fn unique_buckets(mut buckets: Vec<u32>) -> Vec<Feature> {
    buckets.sort_unstable();
    buckets.dedup();
    buckets.into_iter().map(|b| (b, 1.0)).collect()
}

/// The word and character blocks of a comment: the larger part of what every head reads.
pub(crate) fn text_features(tokens: &[Token]) -> Vec<Feature> {
    let mut words = Vec::with_capacity(tokens.len() * 3);
    for (i, t) in tokens.iter().enumerate() {
        words.push(bucket(family::WORD, &[t.word.as_bytes()]));
        if t.negated {
            words.push(bucket(family::NEGATED, &[t.word.as_bytes()]));
        }
        if let Some(next) = tokens.get(i + 1) {
            words.push(bucket(
                family::PAIR,
                &[t.word.as_bytes(), next.word.as_bytes()],
            ));
        }
    }
    let mut chars = Vec::with_capacity(tokens.len() * 16);
    for t in tokens {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(t.word.chars())
            .chain(std::iter::once(' '))
            .collect();
        let mut buf = [0u8; 4 * 5];
        for n in 2..=5 {
            for window in padded.windows(n) {
                let mut len = 0;
                for c in window {
                    len += c.encode_utf8(&mut buf[len..]).len();
                }
                chars.push(bucket(family::CHARS, &[&buf[..len]]));
            }
        }
    }
    let mut words = unique_buckets(words);
    let mut chars = unique_buckets(chars);
    normalise(&mut words, 1.0);
    normalise(&mut chars, 1.0);
    words.extend(chars);
    merge(words)
}

/// What the theme heads read: the word and character blocks, and one feature per default theme
/// whose keywords the comment has (`matched`, theme ids), so a head can lean on the
/// hand-picked keywords where its few labelled examples are not enough.
pub(crate) fn theme_features<'a>(
    tokens: &[Token],
    matched: impl Iterator<Item = &'a str>,
) -> Vec<Feature> {
    let mut all = text_features(tokens);
    all.extend(matched.map(|id| (bucket(family::KEYWORDS, &[id.as_bytes()]), 1.0)));
    merge(all)
}

/// Length bands in words: a one-word answer and a long story read differently.
fn length_band(words: usize) -> &'static str {
    match words {
        0 => "0",
        1 => "1",
        2..=3 => "2-3",
        4..=10 => "4-10",
        11..=30 => "11-30",
        _ => "31+",
    }
}

/// The context block of the sentiment model: FFT answer, question kind, the two together, each
/// word with the question kind, the length band, and the lexicon score with its label.
pub(crate) fn context_features(
    tokens: &[Token],
    context: &CommentContext,
    lexicon_score: f64,
) -> Vec<Feature> {
    let fft = context
        .fft
        .map_or_else(|| "none".to_owned(), |n| n.to_string());
    let question = context.question.as_str().as_bytes();
    let mut out = vec![
        (bucket(family::FFT, &[fft.as_bytes()]), 1.0),
        (bucket(family::QUESTION, &[question]), 1.0),
        (
            bucket(family::FFT_QUESTION, &[fft.as_bytes(), question]),
            1.0,
        ),
        (
            bucket(family::LENGTH, &[length_band(tokens.len()).as_bytes()]),
            1.0,
        ),
    ];
    let mut paired = unique_buckets(
        tokens
            .iter()
            .map(|t| bucket(family::QUESTION_WORD, &[question, t.word.as_bytes()]))
            .collect(),
    );
    normalise(&mut paired, 1.0);
    out.extend(paired);
    let label = if lexicon_score >= 0.05 {
        "positive"
    } else if lexicon_score <= -0.05 {
        "negative"
    } else {
        "neutral"
    };
    out.push((bucket(family::LEXICON, &[label.as_bytes()]), 1.0));
    out.push((
        bucket(family::LEXICON, &[b"score"]),
        lexicon_score.clamp(-2.0, 2.0) as f32,
    ));
    merge(out)
}

/// Everything the sentiment model reads.
pub(crate) fn sentiment_features(
    tokens: &[Token],
    context: &CommentContext,
    lexicon_score: f64,
) -> Vec<Feature> {
    let mut all = text_features(tokens);
    all.extend(context_features(tokens, context, lexicon_score));
    merge(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, bool)> {
        tokens(text)
            .into_iter()
            .map(|t| (t.word, t.negated))
            .collect()
    }

    #[test]
    fn negation_governs_the_words_after_it_until_punctuation() {
        assert_eq!(
            words("Didn't listen, kind staff"),
            [
                ("didnt".to_owned(), false),
                ("listen".to_owned(), true),
                ("kind".to_owned(), false),
                ("staff".to_owned(), false)
            ]
        );
    }

    #[test]
    fn question_kinds_are_read_from_wording_and_ids() {
        use QuestionAsked::*;
        for (question, kind) in [
            ("FFT Why?", Reason),
            ("Please tell us the main reason for your answer.", Reason),
            ("fft_reason", Reason),
            ("What could we do better?", Improve),
            ("How could we improve?", Improve),
            ("one_improvement", Improve),
            ("improve_joint_working", Improve),
            ("What was good?", Liked),
            ("anything_else", Other),
            ("Is there anything else you would like to tell us?", Other),
        ] {
            assert_eq!(QuestionAsked::from_question(question), kind, "{question}");
        }
    }

    #[test]
    fn buckets_are_stable_across_machines_and_releases() {
        // A changed hash would silently scramble the shipped weights.
        assert_eq!(bucket(family::WORD, &[b"waiting"]), 416_516);
    }

    #[test]
    fn features_are_sorted_unique_and_finite() {
        let t = tokens("Waited hours, nobody called back. Not good at all!!");
        let f = sentiment_features(&t, &CommentContext::default(), -0.7);
        assert!(f.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            f.iter()
                .all(|(b, v)| *b < (1 << HASH_BITS) && v.is_finite())
        );
    }

    #[test]
    fn odd_text_gives_features_without_panicking() {
        for text in ["", "😀😀", "İstanbul", "a", &"very ".repeat(400)] {
            let _ = sentiment_features(&tokens(text), &CommentContext::default(), 0.0);
        }
    }
}
