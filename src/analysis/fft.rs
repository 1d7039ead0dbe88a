//! NHS Friends and Family Test counts and the published figures derived from them.
//!
//! NHS England's rule: % positive = (Very good + Good) / all responses and
//! % negative = (Poor + Very poor) / all responses, where all responses
//! include "Neither" and "Don't know", so the two need not sum to 100. Units
//! with 1 to `min_n - 1` responses are suppressed; a unit with 0 is shown as 0.

use serde::Serialize;

use super::agreement::ratio_pct_1dp;

/// Counts of each FFT answer for one unit and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FftCounts {
    /// Stored "5".
    pub very_good: u32,
    /// Stored "4".
    pub good: u32,
    /// Stored "3": neither good nor poor.
    pub neither: u32,
    /// Stored "2".
    pub poor: u32,
    /// Stored "1".
    pub very_poor: u32,
    /// Stored "dont_know".
    pub dont_know: u32,
}

impl FftCounts {
    /// Counts one stored answer ("5" very good .. "1" very poor, or
    /// "dont_know"); anything else, such as a skipped question, is ignored.
    pub fn add(&mut self, code: &str) {
        let cell = match code {
            "5" => &mut self.very_good,
            "4" => &mut self.good,
            "3" => &mut self.neither,
            "2" => &mut self.poor,
            "1" => &mut self.very_poor,
            "dont_know" => &mut self.dont_know,
            _ => return,
        };
        *cell = cell.saturating_add(1);
    }

    /// All responses, including "Neither" and "Don't know" (the FFT denominator).
    pub fn total(&self) -> u32 {
        [
            self.very_good,
            self.good,
            self.neither,
            self.poor,
            self.very_poor,
            self.dont_know,
        ]
        .iter()
        .fold(0u32, |sum, c| sum.saturating_add(*c))
    }
}

/// What a report shows for one unit's FFT: counts and percentages, all hidden
/// when the unit has 1 to `min_n - 1` responses.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FftFigures {
    /// All responses.
    pub total: Option<u32>,
    /// Very good.
    pub very_good: Option<u32>,
    /// Good.
    pub good: Option<u32>,
    /// Neither good nor poor.
    pub neither: Option<u32>,
    /// Poor.
    pub poor: Option<u32>,
    /// Very poor.
    pub very_poor: Option<u32>,
    /// Don't know.
    pub dont_know: Option<u32>,
    /// (Very good + Good) / total, percent to 1 dp; None when suppressed or total is 0.
    pub positive_pct: Option<f64>,
    /// (Poor + Very poor) / total, percent to 1 dp; None when suppressed or total is 0.
    pub negative_pct: Option<f64>,
    /// True when the unit's figures are withheld for small numbers.
    pub suppressed: bool,
}

impl FftFigures {
    /// Every figure withheld: a small unit, or one hidden so another cannot be worked out.
    pub fn hidden() -> Self {
        FftFigures {
            total: None,
            very_good: None,
            good: None,
            neither: None,
            poor: None,
            very_poor: None,
            dont_know: None,
            positive_pct: None,
            negative_pct: None,
            suppressed: true,
        }
    }
}

/// Published FFT figures for one unit, following NHS England's rule.
///
/// A total of 1 to `min_n - 1` hides everything (`suppressed`). A total of
/// 0 is shown, as NHS England shows it: every count is `Some(0)` and the
/// percentages are None because there is nothing to divide by; a zero cannot
/// identify anyone. Counts within a shown unit are not cell-suppressed here;
/// use [`super::suppression::suppress_cells`] where a breakdown needs it.
pub fn fft_figures(c: &FftCounts, min_n: u32) -> FftFigures {
    let total = c.total();
    if total > 0 && total < min_n {
        return FftFigures::hidden();
    }
    FftFigures {
        total: Some(total),
        very_good: Some(c.very_good),
        good: Some(c.good),
        neither: Some(c.neither),
        poor: Some(c.poor),
        very_poor: Some(c.very_poor),
        dont_know: Some(c.dont_know),
        positive_pct: ratio_pct_1dp(c.very_good.saturating_add(c.good), total),
        negative_pct: ratio_pct_1dp(c.poor.saturating_add(c.very_poor), total),
        suppressed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(codes: &[&str]) -> FftCounts {
        let mut c = FftCounts::default();
        for code in codes {
            c.add(code);
        }
        c
    }

    #[test]
    fn stored_codes_land_in_the_right_answer() {
        let c = counts(&["5", "5", "4", "3", "2", "1", "1", "1", "dont_know"]);
        assert_eq!(
            c,
            FftCounts {
                very_good: 2,
                good: 1,
                neither: 1,
                poor: 1,
                very_poor: 3,
                dont_know: 1,
            }
        );
        assert_eq!(c.total(), 9);
    }

    #[test]
    fn unknown_codes_and_blanks_are_ignored() {
        let c = counts(&["6", "", "very_good", "0", " 5", "DONT_KNOW"]);
        assert_eq!(c, FftCounts::default());
        assert_eq!(c.total(), 0);
    }

    #[test]
    fn dont_know_and_neither_count_in_the_denominator() {
        // 4 very good + 3 good = 7 of 12 -> 58.3%; 1 poor of 12 -> 8.3%.
        let c = FftCounts {
            very_good: 4,
            good: 3,
            neither: 2,
            poor: 1,
            very_poor: 0,
            dont_know: 2,
        };
        let f = fft_figures(&c, 5);
        assert_eq!(f.total, Some(12));
        assert_eq!(f.positive_pct, Some(58.3));
        assert_eq!(f.negative_pct, Some(8.3));
        assert!(!f.suppressed);
    }

    #[test]
    fn positive_and_negative_need_not_sum_to_a_hundred() {
        // 3 of 8 positive = 37.5%, 2 of 8 negative = 25.0%, 3 neither/don't know.
        let c = counts(&["5", "4", "4", "3", "3", "2", "1", "dont_know"]);
        let f = fft_figures(&c, 5);
        assert_eq!(f.positive_pct, Some(37.5));
        assert_eq!(f.negative_pct, Some(25.0));
    }

    #[test]
    fn two_thirds_positive_shows_as_66_7() {
        let c = counts(&["5", "5", "4", "4", "3", "1"]);
        assert_eq!(fft_figures(&c, 5).positive_pct, Some(66.7));
        assert_eq!(fft_figures(&c, 5).negative_pct, Some(16.7));
    }

    #[test]
    fn four_responses_are_suppressed_when_five_are_needed() {
        let c = counts(&["5", "5", "1", "dont_know"]);
        let f = fft_figures(&c, 5);
        assert!(f.suppressed);
        assert_eq!(
            [
                f.total,
                f.very_good,
                f.good,
                f.neither,
                f.poor,
                f.very_poor,
                f.dont_know
            ],
            [None; 7]
        );
        assert_eq!(f.positive_pct, None);
        assert_eq!(f.negative_pct, None);
    }

    #[test]
    fn five_responses_are_shown_when_five_are_needed() {
        let c = counts(&["5", "5", "5", "5", "5"]);
        let f = fft_figures(&c, 5);
        assert!(!f.suppressed);
        assert_eq!(f.very_good, Some(5));
        assert_eq!(f.positive_pct, Some(100.0));
        assert_eq!(f.negative_pct, Some(0.0));
    }

    #[test]
    fn a_unit_with_no_responses_is_shown_as_zero_without_percentages() {
        let f = fft_figures(&FftCounts::default(), 5);
        assert!(!f.suppressed);
        assert_eq!(f.total, Some(0));
        assert_eq!(f.very_poor, Some(0));
        assert_eq!(f.positive_pct, None);
        assert_eq!(f.negative_pct, None);
    }

    #[test]
    fn figures_serialise_with_field_names_a_template_can_use() {
        let c = counts(&["5", "4", "3", "2", "1"]);
        let json = serde_json::to_string(&fft_figures(&c, 5)).unwrap();
        assert_eq!(
            json,
            r#"{"total":5,"very_good":1,"good":1,"neither":1,"poor":1,"very_poor":1,"dont_know":0,"positive_pct":40.0,"negative_pct":40.0,"suppressed":false}"#
        );
    }
}
