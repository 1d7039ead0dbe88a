//! The figures every sentiment and theme measurement reports, computed one way for training,
//! for the shipped model's test and for a Trust's own comments.

use serde::{Deserialize, Serialize};

use super::sentiment::Sentiment;

/// The three classes in a fixed order, for tables.
pub const CLASSES: [Sentiment; 3] = [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative];

fn class_index(s: Sentiment) -> usize {
    match s {
        Sentiment::Positive => 0,
        Sentiment::Neutral => 1,
        Sentiment::Negative => 2,
    }
}

/// Counts of (wanted, got) pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Confusion {
    /// `counts[wanted][got]`, classes in [`CLASSES`] order.
    counts: [[usize; 3]; 3],
}

impl Confusion {
    /// Counts one comment.
    pub fn add(&mut self, wanted: Sentiment, got: Sentiment) {
        self.counts[class_index(wanted)][class_index(got)] += 1;
    }

    /// How many comments were counted.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }

    /// The figures, rounded as they are recorded and printed.
    pub fn scores(&self) -> SentimentScores {
        let total = self.total();
        let right: usize = (0..3).map(|i| self.counts[i][i]).sum();
        let mut recall = [0.0; 3];
        let mut f1 = [0.0; 3];
        for i in 0..3 {
            let wanted: usize = self.counts[i].iter().sum();
            let got: usize = (0..3).map(|j| self.counts[j][i]).sum();
            let r = ratio(self.counts[i][i], wanted);
            let p = ratio(self.counts[i][i], got);
            recall[i] = r;
            f1[i] = harmonic(p, r);
        }
        SentimentScores {
            n: total,
            accuracy: round4(ratio(right, total)),
            recall_positive: round4(recall[0]),
            recall_neutral: round4(recall[1]),
            recall_negative: round4(recall[2]),
            macro_f1: round4(f1.iter().sum::<f64>() / 3.0),
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn harmonic(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Rounds to the four decimals figures are recorded with, so a recorded figure and a fresh
/// evaluation compare exactly.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Three-class figures for one set of comments.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SentimentScores {
    /// Comments counted.
    pub n: usize,
    /// Share right.
    pub accuracy: f64,
    /// Share of positive comments called positive.
    pub recall_positive: f64,
    /// Share of neutral (and mixed) comments called neutral.
    pub recall_neutral: f64,
    /// Share of negative comments called negative: the figure that says how many complaints
    /// are missed.
    pub recall_negative: f64,
    /// The mean of the three classes' F1, so the small neutral class counts as much as the rest.
    pub macro_f1: f64,
}

impl std::fmt::Display for SentimentScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "n {:>5}  accuracy {:.1}%  recall positive {:.1}% neutral {:.1}% negative {:.1}%  macro-F1 {:.3}",
            self.n,
            100.0 * self.accuracy,
            100.0 * self.recall_positive,
            100.0 * self.recall_neutral,
            100.0 * self.recall_negative,
            self.macro_f1
        )
    }
}

/// Counts for one yes/no label (a theme).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinaryCounts {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
}

impl BinaryCounts {
    /// Counts one comment.
    pub fn add(&mut self, wanted: bool, got: bool) {
        match (wanted, got) {
            (true, true) => self.true_positive += 1,
            (false, true) => self.false_positive += 1,
            (true, false) => self.false_negative += 1,
            (false, false) => {}
        }
    }

    /// Precision, recall and F1, rounded as recorded.
    pub fn scores(&self) -> ThemeScores {
        let p = ratio(self.true_positive, self.true_positive + self.false_positive);
        let r = ratio(self.true_positive, self.true_positive + self.false_negative);
        ThemeScores {
            labelled: self.true_positive + self.false_negative,
            precision: round4(p),
            recall: round4(r),
            f1: round4(harmonic(p, r)),
        }
    }

    /// F1 unrounded, for choosing between ways of tagging.
    pub(crate) fn f1(&self) -> f64 {
        let p = ratio(self.true_positive, self.true_positive + self.false_positive);
        let r = ratio(self.true_positive, self.true_positive + self.false_negative);
        harmonic(p, r)
    }
}

/// Figures for one theme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThemeScores {
    /// Comments NHS staff labelled with the theme's categories.
    pub labelled: usize,
    /// Share of the comments tagged that NHS staff labelled.
    pub precision: f64,
    /// Share of the labelled comments that were tagged.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
}

impl std::fmt::Display for ThemeScores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "P {:.2} R {:.2} F1 {:.2}",
            self.precision, self.recall, self.f1
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Sentiment::*;

    #[test]
    fn figures_follow_their_definitions() {
        let mut c = Confusion::default();
        for (w, g) in [
            (Positive, Positive),
            (Positive, Positive),
            (Positive, Neutral),
            (Neutral, Neutral),
            (Negative, Negative),
            (Negative, Positive),
        ] {
            c.add(w, g);
        }
        let s = c.scores();
        assert_eq!(s.n, 6);
        assert_eq!(s.accuracy, 0.6667);
        assert_eq!(s.recall_positive, 0.6667);
        assert_eq!(s.recall_neutral, 1.0);
        assert_eq!(s.recall_negative, 0.5);
        // F1: positive 2/3, neutral 2/3, negative 2/3.
        assert_eq!(s.macro_f1, 0.6667);
    }

    #[test]
    fn a_theme_never_predicted_has_zero_precision_not_a_division_by_zero() {
        let mut b = BinaryCounts::default();
        b.add(true, false);
        b.add(false, false);
        let s = b.scores();
        assert_eq!(
            (s.precision, s.recall, s.f1, s.labelled),
            (0.0, 0.0, 0.0, 1)
        );
    }
}
