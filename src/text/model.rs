//! The trained text model: its weights file, loading it once, and reading a comment with it.
//!
//! One file holds every head: the three-class sentiment head and one yes/no head per theme that
//! has a trained model. The heads share one list of hashed feature buckets (those seen in at
//! least two training comments); each head keeps a weight per bucket and class, stored as
//! 16-bit integers with one scale per head, which keeps the file small without changing
//! what the model says (the recorded figures are measured on the stored, rounded weights).
//!
//! Layout (little-endian): magic `CRTTEXT1`; features version (u32); hash bits (u32); number
//! of buckets (u32) and the buckets, ascending (u32 each); number of heads (u32); then each
//! head: name (u16 length + UTF-8), columns (u32), how it combines with keywords (u8),
//! threshold (f32), scale (f32), one bias per column (f32), and the weights (i16, bucket by
//! bucket, column by column).

use std::sync::LazyLock;

use super::features::{self, CommentContext, FEATURES_VERSION, Feature, HASH_BITS, Token};
use super::sentiment::Sentiment;
use super::themes::{Tagger, default_themes};

/// The shipped weights, produced by `crt-feedback text train` (see the README).
const SHIPPED_WEIGHTS: &[u8] = include_bytes!("weights/model.bin");

/// The shipped figures recorded by the same run, measured on the kept-aside test split.
pub const SHIPPED_CARD: &str = include_str!("weights/model.json");

const MAGIC: &[u8; 8] = b"CRTTEXT1";

/// The name of the sentiment head; theme heads are named by their theme id.
pub(crate) const SENTIMENT_HEAD: &str = "sentiment";

/// How a theme's trained head and its keywords make one decision, chosen per theme by
/// cross-validation on the training part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combination {
    /// The keywords alone (the model did no better).
    Keywords,
    /// The model alone.
    Model,
    /// Either says yes.
    ModelOrKeywords,
    /// Both say yes.
    ModelAndKeywords,
}

impl Combination {
    /// Every way, in a fixed order, for choosing.
    pub(crate) const ALL: [Combination; 4] = [
        Combination::Keywords,
        Combination::Model,
        Combination::ModelOrKeywords,
        Combination::ModelAndKeywords,
    ];

    /// The decision from the model's and the keywords' answers.
    pub(crate) fn decide(self, model: bool, keywords: bool) -> bool {
        match self {
            Combination::Keywords => keywords,
            Combination::Model => model,
            Combination::ModelOrKeywords => model || keywords,
            Combination::ModelAndKeywords => model && keywords,
        }
    }

    fn code(self) -> u8 {
        match self {
            Combination::Keywords => 0,
            Combination::Model => 1,
            Combination::ModelOrKeywords => 2,
            Combination::ModelAndKeywords => 3,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// One head: a weight per bucket row and column, a bias per column.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) name: String,
    pub(crate) columns: usize,
    pub(crate) combination: Combination,
    /// For a yes/no head, the probability at or above which it says yes.
    pub(crate) threshold: f32,
    pub(crate) bias: Vec<f32>,
    /// `weights[row * columns + column]`, as trained (before rounding) or as loaded.
    pub(crate) weights: Vec<f32>,
}

/// Every head and the buckets they share.
#[derive(Clone)]
pub struct TextModel {
    /// Hashed buckets with a row of weights, ascending: a feature's row is found by binary
    /// search (a table of every possible bucket would be faster by a few microseconds a comment,
    /// and cost 4 MB of every server's memory).
    buckets: Vec<u32>,
    heads: Vec<Head>,
}

impl std::fmt::Debug for TextModel {
    /// The shape, not the weights.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextModel")
            .field("buckets", &self.buckets.len())
            .field(
                "heads",
                &self
                    .heads
                    .iter()
                    .map(|h| h.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A comment's features as (row of weights, value) pairs: see [`TextModel::locate`].
#[derive(Debug, Clone)]
pub(crate) struct Located(Vec<(usize, f32)>);

/// Rounds weights to 16-bit steps of one scale per head.
fn quantise(weights: &[f32]) -> (f32, Vec<i16>) {
    let largest = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
    let scale = if largest > 0.0 {
        largest / f32::from(i16::MAX)
    } else {
        1.0
    };
    let q = weights
        .iter()
        .map(|w| (w / scale).round().clamp(-32767.0, 32767.0) as i16)
        .collect();
    (scale, q)
}

/// A cursor over the weights file that names what was cut short.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(format!("weights file ends inside {what}"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32(&mut self, what: &str) -> Result<f32, String> {
        Ok(f32::from_bits(self.u32(what)?))
    }
}

impl TextModel {
    /// Builds a model from trained heads (weights unrounded); `to_bytes` rounds them.
    pub(crate) fn new(buckets: Vec<u32>, heads: Vec<Head>) -> Self {
        TextModel { buckets, heads }
    }

    /// The model as stored: rounded weights. Reading these bytes back gives exactly the model
    /// that the recorded figures were measured on.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FEATURES_VERSION.to_le_bytes());
        out.extend_from_slice(&HASH_BITS.to_le_bytes());
        out.extend_from_slice(&(self.buckets.len() as u32).to_le_bytes());
        for b in &self.buckets {
            out.extend_from_slice(&b.to_le_bytes());
        }
        out.extend_from_slice(&(self.heads.len() as u32).to_le_bytes());
        for head in &self.heads {
            out.extend_from_slice(&(head.name.len() as u16).to_le_bytes());
            out.extend_from_slice(head.name.as_bytes());
            out.extend_from_slice(&(head.columns as u32).to_le_bytes());
            out.push(head.combination.code());
            out.extend_from_slice(&head.threshold.to_le_bytes());
            let (scale, q) = quantise(&head.weights);
            out.extend_from_slice(&scale.to_le_bytes());
            for b in &head.bias {
                out.extend_from_slice(&b.to_le_bytes());
            }
            for w in q {
                out.extend_from_slice(&w.to_le_bytes());
            }
        }
        out
    }

    /// Reads a weights file, refusing one made for other features or cut short.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader { bytes };
        if r.take(MAGIC.len(), "the header")? != MAGIC {
            return Err("not a crt-feedback text model".into());
        }
        let version = r.u32("the header")?;
        let bits = r.u32("the header")?;
        if version != FEATURES_VERSION || bits != HASH_BITS {
            return Err(format!(
                "weights were trained on features version {version} with {bits} hash bits; \
                 this build reads version {FEATURES_VERSION} with {HASH_BITS}"
            ));
        }
        let rows = r.u32("the bucket count")? as usize;
        let mut buckets = Vec::with_capacity(rows);
        for _ in 0..rows {
            buckets.push(r.u32("the buckets")?);
        }
        if !buckets.windows(2).all(|w| w[0] < w[1]) {
            return Err("buckets are not in ascending order".into());
        }
        if buckets.last().is_some_and(|&b| b >= 1 << HASH_BITS) {
            return Err("a bucket is out of range".into());
        }
        let head_count = r.u32("the head count")?;
        let mut heads = Vec::new();
        for _ in 0..head_count {
            let name_len = r.take(2, "a head name")?;
            let name_len = usize::from(u16::from_le_bytes([name_len[0], name_len[1]]));
            let name = String::from_utf8(r.take(name_len, "a head name")?.to_vec())
                .map_err(|_| "a head name is not UTF-8".to_owned())?;
            let columns = r.u32("a head")? as usize;
            let combination = Combination::from_code(r.take(1, "a head")?[0])
                .ok_or_else(|| format!("head {name}: unknown combination"))?;
            let threshold = r.f32("a head")?;
            let scale = r.f32("a head")?;
            let mut bias = Vec::with_capacity(columns);
            for _ in 0..columns {
                bias.push(r.f32("a head's bias")?);
            }
            let raw = r.take(rows * columns * 2, "a head's weights")?;
            let weights = raw
                .chunks_exact(2)
                .map(|c| f32::from(i16::from_le_bytes([c[0], c[1]])) * scale)
                .collect();
            heads.push(Head {
                name,
                columns,
                combination,
                threshold,
                bias,
                weights,
            });
        }
        if !r.bytes.is_empty() {
            return Err("weights file has bytes after its last head".into());
        }
        let model = TextModel::new(buckets, heads);
        match model.head(SENTIMENT_HEAD) {
            Some(h) if h.columns == 3 => Ok(model),
            _ => Err("weights file has no three-class sentiment head".into()),
        }
    }

    fn head(&self, name: &str) -> Option<&Head> {
        self.heads.iter().find(|h| h.name == name)
    }

    /// Finds a comment's features among the stored buckets, once for every head that reads
    /// them. Buckets training never kept are dropped.
    pub(crate) fn locate(&self, features: &[Feature]) -> Located {
        Located(
            features
                .iter()
                .filter_map(|&(bucket, value)| {
                    self.buckets
                        .binary_search(&bucket)
                        .ok()
                        .map(|row| (row, value))
                })
                .collect(),
        )
    }

    /// A head's raw scores for a comment's located features.
    fn scores(&self, head: &Head, located: &Located) -> Vec<f32> {
        let mut z = head.bias.clone();
        for &(row, value) in &located.0 {
            let w = &head.weights[row * head.columns..(row + 1) * head.columns];
            for (zk, wk) in z.iter_mut().zip(w) {
                *zk += value * wk;
            }
        }
        z
    }

    /// The sentiment head's reading of a comment (the non-answer rule is applied by the caller).
    pub(crate) fn sentiment(
        &self,
        tokens: &[Token],
        context: &CommentContext,
        lexicon: f64,
    ) -> Sentiment {
        let Some(head) = self.head(SENTIMENT_HEAD) else {
            return Sentiment::Neutral;
        };
        let features = features::sentiment_features(tokens, context, lexicon);
        let z = self.scores(head, &self.locate(&features));
        let best = (0..3)
            .max_by(|&a, &b| z[a].total_cmp(&z[b]).then(b.cmp(&a)))
            .unwrap_or(1);
        super::metrics::CLASSES[best]
    }

    /// How the theme head `name` combines with keywords; None when there is no such head.
    pub(crate) fn combination(&self, name: &str) -> Option<Combination> {
        self.head(name)
            .filter(|h| h.name != SENTIMENT_HEAD)
            .map(|h| h.combination)
    }

    /// Whether a comment is about theme `name`, given whether the theme's keywords matched: the
    /// head and the keywords combined as chosen in training, or the keywords alone when the
    /// theme has no head. `located` is the comment's [`theme_features`], located.
    pub(crate) fn theme_decision(&self, name: &str, located: &Located, keywords: bool) -> bool {
        match self.combination(name) {
            None | Some(Combination::Keywords) => keywords,
            Some(combination) => {
                let model = self.theme_says(name, located).unwrap_or(false);
                combination.decide(model, keywords)
            }
        }
    }

    /// Whether the theme head `name` says the comment is about its theme (None when there is no
    /// such head). `located` is the comment's [`theme_features`], located.
    fn theme_says(&self, name: &str, located: &Located) -> Option<bool> {
        let head = self.head(name).filter(|h| h.name != SENTIMENT_HEAD)?;
        let z = self.scores(head, located);
        let probability = 1.0 / (1.0 + (-z[0]).exp());
        Some(probability >= head.threshold)
    }
}

/// The default themes' keywords, as the theme heads were trained to read them (whatever themes
/// `EVIDENCE_FILE` configures).
static DEFAULT_KEYWORDS: LazyLock<Tagger> =
    LazyLock::new(|| Tagger::keywords_only(&default_themes()));

/// What the theme heads read for `text`: its words and characters, and which default themes'
/// keywords it has.
pub(crate) fn theme_features(text: &str) -> Vec<Feature> {
    let matched = DEFAULT_KEYWORDS.tag(text);
    features::theme_features(&features::tokens(text), matched.iter().map(String::as_str))
}

/// The shipped model, read once. An unreadable file (which the unit tests rule out for the
/// shipped one) leaves the service on the lexicon rules rather than stopping it.
pub(crate) static SHIPPED: LazyLock<Option<TextModel>> =
    LazyLock::new(|| match TextModel::from_bytes(SHIPPED_WEIGHTS) {
        Ok(model) => Some(model),
        Err(why) => {
            tracing::error!(%why, "the shipped text model did not load; using the lexicon rules");
            None
        }
    });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_load_with_a_sentiment_head_and_theme_heads() {
        let model = SHIPPED.as_ref().expect("the shipped weights load");
        assert!(model.head(SENTIMENT_HEAD).is_some());
        assert!(model.buckets.len() > 1000);
        for id in ["communication", "kindness", "waiting"] {
            assert!(model.combination(id).is_some(), "{id}");
        }
        // A few MB at most.
        assert!(
            SHIPPED_WEIGHTS.len() < 3_000_000,
            "{}",
            SHIPPED_WEIGHTS.len()
        );
    }

    #[test]
    fn stored_weights_read_back_to_the_same_model() {
        let model = SHIPPED.as_ref().expect("the shipped weights load");
        let again = TextModel::from_bytes(&model.to_bytes()).unwrap();
        assert_eq!(again.buckets, model.buckets);
        for (a, b) in again.heads.iter().zip(&model.heads) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.bias, b.bias);
            assert_eq!(a.weights, b.weights);
        }
    }

    #[test]
    fn damaged_weights_are_refused_with_a_reason() {
        assert!(TextModel::from_bytes(b"").is_err());
        assert!(TextModel::from_bytes(b"NOTAMODEL").is_err());
        let cut = &SHIPPED_WEIGHTS[..SHIPPED_WEIGHTS.len() - 1];
        assert!(
            TextModel::from_bytes(cut)
                .unwrap_err()
                .contains("ends inside")
        );
        let mut other_version = SHIPPED_WEIGHTS.to_vec();
        other_version[8] ^= 0xff;
        assert!(
            TextModel::from_bytes(&other_version)
                .unwrap_err()
                .contains("features version")
        );
    }
}
