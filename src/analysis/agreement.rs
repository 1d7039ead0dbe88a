//! Agreement figures for one survey question, and the all-source agreement
//! indicator used as evidence for CORE CRT Fidelity Scale criteria.
//!
//! The service supplies evidence; it never declares a criterion met, so the
//! indicator says what the sources say, and which sources are too thin to say
//! anything.

use serde::Serialize;

/// z for a two-sided 95% interval, to the precision the service publishes.
const Z_95: f64 = 1.959964;

/// How many of the people who gave a usable answer agreed.
///
/// `n` counts answers on the 1..5 scale or yes/no only: "don't know" is left
/// out before this point, so it never dilutes agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Proportion {
    /// Usable answers.
    pub n: u32,
    /// Answers that agreed (4 or 5 on the scale, or yes).
    pub agree: u32,
}

impl Proportion {
    /// Builds a proportion; a shorthand for tests and callers.
    pub fn new(n: u32, agree: u32) -> Self {
        Self { n, agree }
    }

    /// Unrounded percentage agreeing, or None when there is nothing to divide
    /// or the counts are impossible (more agreeing than answering).
    pub fn pct(&self) -> Option<f64> {
        if self.n == 0 || self.agree > self.n {
            return None;
        }
        // One multiplication and one division of exact values, so a true
        // percentage that is a whole number (e.g. 4/5 = 80) comes out exact
        // and compares equal to a threshold of 80.
        Some(f64::from(self.agree) * 100.0 / f64::from(self.n))
    }
}

/// 95% Wilson score interval for `successes` out of `n`, as fractions in 0..=1;
/// None when n = 0 (or successes > n, which has no meaning).
///
/// Wilson rather than the normal approximation because team-level samples are
/// small and often at 0% or 100%, where the normal interval collapses to a point.
pub fn wilson_interval(successes: u32, n: u32) -> Option<(f64, f64)> {
    if n == 0 || successes > n {
        return None;
    }
    let n = f64::from(n);
    let p = f64::from(successes) / n;
    let z2 = Z_95 * Z_95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At 0% or 100% the open end is exactly 0 or 1 in theory; pin it there
    // rather than trust rounding, and clamp against error elsewhere.
    let low = if successes == 0 { 0.0 } else { centre - half };
    let high = if p >= 1.0 { 1.0 } else { centre + half };
    Some((low.clamp(0.0, 1.0), high.clamp(0.0, 1.0)))
}

/// Rounds a percentage to one decimal place, halves away from zero
/// (66.666.. -> 66.7, 12.25 -> 12.3, 1.45 -> 1.5).
///
/// A tolerance of one part in 10^9 absorbs binary representation error, so
/// decimal halves such as 1.45 (stored as 1.4499999..) round up as a person
/// would round them. Negative zero is returned as zero.
pub fn pct_1dp(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scaled = x * 10.0;
    let tolerance = 1e-9 * scaled.abs().max(1.0);
    let nudged = if scaled >= 0.0 {
        scaled + tolerance
    } else {
        scaled - tolerance
    };
    // Adding 0.0 turns -0.0 into 0.0 so "-0.0" never reaches a report.
    nudged.round() / 10.0 + 0.0
}

/// Exact percentage of `part` in `whole`, to one decimal place (halves up):
/// integer arithmetic, so no representation error can tip a half.
pub(crate) fn ratio_pct_1dp(part: u32, whole: u32) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    let (part, whole) = (u64::from(part), u64::from(whole));
    // Tenths of a percent, rounded half up: floor((1000*part/whole) + 1/2).
    let tenths = (2000 * part + whole) / (2 * whole);
    let tenths = u32::try_from(tenths).ok()?;
    Some(f64::from(tenths) / 10.0)
}

/// What a report shows for one question and one source: counts, percentage
/// agreeing and its 95% interval, all hidden when there are too few answers.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AgreementFigures {
    /// Usable answers, or None when suppressed.
    pub n: Option<u32>,
    /// Answers agreeing, or None when suppressed.
    pub agree: Option<u32>,
    /// Percentage agreeing, to 1 dp.
    pub agree_pct: Option<f64>,
    /// Lower end of the 95% Wilson interval, in percent to 1 dp.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% Wilson interval, in percent to 1 dp.
    pub ci_high: Option<f64>,
    /// True when the figures are withheld (fewer than `min_n` answers, or
    /// counts that cannot be right).
    pub suppressed: bool,
}

impl AgreementFigures {
    /// The all-hidden form, so a suppressed row can't leak one field by mistake.
    fn suppressed() -> Self {
        Self {
            n: None,
            agree: None,
            agree_pct: None,
            ci_low: None,
            ci_high: None,
            suppressed: true,
        }
    }
}

/// Figures for one proportion, withheld entirely when n < `min_n` or n = 0.
///
/// Impossible counts (agree > n) are withheld too: publishing them would put
/// a wrong number in front of a fidelity reviewer.
pub fn figures(p: Proportion, min_n: u32) -> AgreementFigures {
    if p.n == 0 || p.n < min_n || p.agree > p.n {
        return AgreementFigures::suppressed();
    }
    let (Some(agree_pct), Some((low, high))) =
        (ratio_pct_1dp(p.agree, p.n), wilson_interval(p.agree, p.n))
    else {
        return AgreementFigures::suppressed();
    };
    AgreementFigures {
        n: Some(p.n),
        agree: Some(p.agree),
        agree_pct: Some(agree_pct),
        ci_low: Some(pct_1dp(low * 100.0)),
        ci_high: Some(pct_1dp(high * 100.0)),
        suppressed: false,
    }
}

/// What one source's figures say against the threshold, in plain words for the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// Enough answers, and at or above the threshold.
    Agrees,
    /// Enough answers, and below the threshold.
    BelowThreshold,
    /// Too few answers to say (the figures are withheld).
    NotEnoughAnswers,
}

impl SourceStatus {
    /// Reads shown figures against `threshold_pct`, with the unrounded percentage as the
    /// indicator does (so 4 of 5 meets 80).
    pub fn of(figures: &AgreementFigures, threshold_pct: f64) -> Self {
        match (figures.suppressed, figures.n, figures.agree) {
            (false, Some(n), Some(agree)) => match Proportion::new(n, agree).pct() {
                Some(pct) if pct >= threshold_pct => SourceStatus::Agrees,
                Some(_) => SourceStatus::BelowThreshold,
                None => SourceStatus::NotEnoughAnswers,
            },
            _ => SourceStatus::NotEnoughAnswers,
        }
    }

    /// The plain words pages show.
    pub fn words(self) -> &'static str {
        match self {
            SourceStatus::Agrees => "agrees",
            SourceStatus::BelowThreshold => "below threshold",
            SourceStatus::NotEnoughAnswers => "not enough answers",
        }
    }
}

/// What the sources together say about an all-source agreement criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Every required source has enough answers and each reaches the threshold.
    Agreement,
    /// At least one source with enough answers falls below the threshold.
    Disagreement,
    /// No source disagrees, but a required source has too few answers.
    InsufficientEvidence,
}

impl Indicator {
    /// The API and CSV spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::Agreement => "agreement",
            Indicator::Disagreement => "disagreement",
            Indicator::InsufficientEvidence => "insufficient_evidence",
        }
    }
}

/// The indicator and the required sources that lack enough answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorResult {
    /// What the evidence shows.
    pub indicator: Indicator,
    /// Required sources with fewer than `min_n` usable answers, in the order
    /// the criterion lists them. Filled whatever the indicator, so a report
    /// can say "staff disagree; too few carers answered" in one line.
    pub missing_sources: Vec<String>,
}

/// Judges all-source agreement for one criterion from per-source proportions.
///
/// Rules, in order:
/// 1. `Disagreement` when any source, required or not, with at least `min_n`
///    answers has an unrounded percentage agreeing below `threshold_pct`
///    (one clearly dissenting source is evidence against "all sources agree").
/// 2. `Agreement` when every required source has at least `min_n` answers and
///    each is at or above the threshold (exactly at it counts: 4/5 = 80% meets 80).
/// 3. Otherwise `InsufficientEvidence`.
///
/// A source listed more than once in `by_source` has its counts added. A
/// required source that is absent counts as having no answers. With no
/// required sources the result is `InsufficientEvidence` unless a source
/// disagrees: agreement "from all sources" needs at least one named source.
/// Sources with impossible counts (agree > n) are treated as having no usable
/// answers.
pub fn indicator(
    required_sources: &[&str],
    by_source: &[(String, Proportion)],
    threshold_pct: f64,
    min_n: u32,
) -> IndicatorResult {
    let merged = merge_sources(by_source);
    let has_evidence = |p: &Proportion| p.n > 0 && p.n >= min_n && p.agree <= p.n;
    let lookup = |name: &str| {
        merged
            .iter()
            .find(|(source, _)| *source == name)
            .map(|(_, p)| *p)
            .unwrap_or_default()
    };

    let missing_sources: Vec<String> = required_sources
        .iter()
        .filter(|name| !has_evidence(&lookup(name)))
        .map(|name| (*name).to_owned())
        .collect();

    let below = |p: &Proportion| p.pct().is_some_and(|pct| pct < threshold_pct);
    let any_disagrees = merged.iter().any(|(_, p)| has_evidence(p) && below(p));

    let indicator = if any_disagrees {
        Indicator::Disagreement
    } else if !required_sources.is_empty() && missing_sources.is_empty() {
        // Every required source has evidence and none is below threshold.
        Indicator::Agreement
    } else {
        Indicator::InsufficientEvidence
    };
    IndicatorResult {
        indicator,
        missing_sources,
    }
}

/// Adds together repeated entries for a source, keeping first-seen order.
fn merge_sources(by_source: &[(String, Proportion)]) -> Vec<(&str, Proportion)> {
    let mut merged: Vec<(&str, Proportion)> = Vec::new();
    for (name, p) in by_source {
        match merged.iter_mut().find(|(seen, _)| seen == name) {
            Some((_, total)) => {
                total.n = total.n.saturating_add(p.n);
                total.agree = total.agree.saturating_add(p.agree);
            }
            None => merged.push((name.as_str(), *p)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-5
    }

    fn src(name: &str, n: u32, agree: u32) -> (String, Proportion) {
        (name.to_owned(), Proportion::new(n, agree))
    }

    // Reference values worked by hand from the Wilson formula with z = 1.959964
    // (z^2 = 3.841459), and matching published tables.

    #[test]
    fn four_of_five_has_wilson_interval_37_6_to_96_4_percent() {
        // centre = (0.8 + 0.384146) / 1.768292 = 0.669655
        // half   = 1.959964 * sqrt(0.032 + 0.038415) / 1.768292 = 0.294121
        let (low, high) = wilson_interval(4, 5).unwrap();
        assert!(close(low, 0.375534), "low {low}");
        assert!(close(high, 0.963776), "high {high}");
    }

    #[test]
    fn none_of_ten_has_interval_from_zero_to_27_8_percent() {
        // centre = half = 0.192073 / 1.384146 = 0.138766, so low is exactly 0.
        let (low, high) = wilson_interval(0, 10).unwrap();
        assert_eq!(low, 0.0);
        assert!(close(high, 0.277532), "high {high}");
    }

    #[test]
    fn ten_of_ten_has_interval_from_72_2_percent_to_one() {
        let (low, high) = wilson_interval(10, 10).unwrap();
        assert!(close(low, 0.722468), "low {low}");
        assert_eq!(high, 1.0);
    }

    #[test]
    fn fifty_of_a_hundred_has_interval_40_4_to_59_6_percent() {
        let (low, high) = wilson_interval(50, 100).unwrap();
        assert!(close(low, 0.403832), "low {low}");
        assert!(close(high, 0.596168), "high {high}");
    }

    #[test]
    fn no_answers_has_no_interval() {
        assert_eq!(wilson_interval(0, 0), None);
    }

    #[test]
    fn more_successes_than_answers_has_no_interval() {
        assert_eq!(wilson_interval(6, 5), None);
    }

    #[test]
    fn two_thirds_rounds_to_66_7() {
        assert_eq!(pct_1dp(100.0 * 2.0 / 3.0), 66.7);
    }

    #[test]
    fn one_third_rounds_down_to_33_3() {
        assert_eq!(pct_1dp(100.0 / 3.0), 33.3);
    }

    #[test]
    fn exact_halves_round_away_from_zero() {
        assert_eq!(pct_1dp(12.25), 12.3);
        assert_eq!(pct_1dp(1.45), 1.5);
        assert_eq!(pct_1dp(-1.45), -1.5);
        assert_eq!(pct_1dp(0.05), 0.1);
    }

    #[test]
    fn tiny_negative_rounds_to_plain_zero() {
        let r = pct_1dp(-0.01);
        assert_eq!(r, 0.0);
        assert!(r.is_sign_positive());
    }

    #[test]
    fn exact_ratio_rounds_one_in_eight_to_12_5_and_one_in_forty_to_2_5() {
        assert_eq!(ratio_pct_1dp(1, 8), Some(12.5));
        assert_eq!(ratio_pct_1dp(1, 40), Some(2.5));
        // 9/400 = 2.25% exactly: a half, rounds up.
        assert_eq!(ratio_pct_1dp(9, 400), Some(2.3));
        assert_eq!(ratio_pct_1dp(1, 0), None);
    }

    #[test]
    fn four_of_five_shows_80_percent_with_interval() {
        let f = figures(Proportion::new(5, 4), 5);
        assert_eq!(
            f,
            AgreementFigures {
                n: Some(5),
                agree: Some(4),
                agree_pct: Some(80.0),
                ci_low: Some(37.6),
                ci_high: Some(96.4),
                suppressed: false,
            }
        );
    }

    #[test]
    fn two_of_seven_shows_28_6_percent() {
        // 200/7 = 28.571..; interval worked by hand:
        // p = 0.285714, centre = (0.285714 + 0.274390)/1.548780 = 0.361640
        // half = 1.959964*sqrt(0.029155 + 0.019599)/1.548780 = 0.279413
        let f = figures(Proportion::new(7, 2), 5);
        assert_eq!(f.agree_pct, Some(28.6));
        assert_eq!(f.ci_low, Some(8.2));
        assert_eq!(f.ci_high, Some(64.1));
    }

    #[test]
    fn four_answers_are_suppressed_when_five_are_needed() {
        let f = figures(Proportion::new(4, 4), 5);
        assert!(f.suppressed);
        assert_eq!(f.n, None);
        assert_eq!(f.agree, None);
        assert_eq!(f.agree_pct, None);
        assert_eq!(f.ci_low, None);
        assert_eq!(f.ci_high, None);
    }

    #[test]
    fn no_answers_are_suppressed_even_with_no_minimum() {
        let f = figures(Proportion::new(0, 0), 0);
        assert!(f.suppressed);
        assert_eq!(f.n, None);
    }

    #[test]
    fn impossible_counts_are_withheld() {
        assert!(figures(Proportion::new(5, 6), 5).suppressed);
    }

    #[test]
    fn suppressed_figures_serialise_as_nulls() {
        let json = serde_json::to_string(&figures(Proportion::new(2, 1), 5)).unwrap();
        assert_eq!(
            json,
            r#"{"n":null,"agree":null,"agree_pct":null,"ci_low":null,"ci_high":null,"suppressed":true}"#
        );
    }

    #[test]
    fn indicator_names_serialise_in_snake_case() {
        let json = serde_json::to_string(&[
            Indicator::Agreement,
            Indicator::Disagreement,
            Indicator::InsufficientEvidence,
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"["agreement","disagreement","insufficient_evidence"]"#
        );
    }

    #[test]
    fn a_source_status_reads_the_unrounded_percentage_and_says_when_answers_are_too_few() {
        assert_eq!(
            SourceStatus::of(&figures(Proportion::new(5, 4), 5), 80.0),
            SourceStatus::Agrees
        );
        assert_eq!(
            SourceStatus::of(&figures(Proportion::new(6, 4), 5), 80.0),
            SourceStatus::BelowThreshold
        );
        assert_eq!(
            SourceStatus::of(&figures(Proportion::new(4, 4), 5), 80.0),
            SourceStatus::NotEnoughAnswers
        );
        assert_eq!(SourceStatus::BelowThreshold.words(), "below threshold");
    }

    #[test]
    fn all_required_sources_at_or_above_threshold_is_agreement() {
        let sources = [
            src("service_user", 10, 9),
            src("carer", 5, 4),
            src("staff", 8, 7),
        ];
        let r = indicator(&["service_user", "carer", "staff"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::Agreement);
        assert!(r.missing_sources.is_empty());
    }

    #[test]
    fn exactly_at_threshold_counts_as_agreement() {
        // 4/5 = 80% exactly, threshold 80.
        let r = indicator(&["carer"], &[src("carer", 5, 4)], 80.0, 5);
        assert_eq!(r.indicator, Indicator::Agreement);
    }

    #[test]
    fn one_required_source_below_threshold_is_disagreement() {
        // Staff 5/8 = 62.5% < 80.
        let sources = [
            src("service_user", 10, 9),
            src("carer", 6, 6),
            src("staff", 8, 5),
        ];
        let r = indicator(&["service_user", "carer", "staff"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::Disagreement);
    }

    #[test]
    fn a_source_not_required_can_still_show_disagreement() {
        // Partner services are not required here but 2/6 = 33.3% disagrees.
        let sources = [
            src("service_user", 10, 10),
            src("staff", 6, 6),
            src("partner", 6, 2),
        ];
        let r = indicator(&["service_user", "staff"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::Disagreement);
    }

    #[test]
    fn a_thin_source_below_threshold_does_not_count_as_disagreement() {
        // Carers 0/3 is below threshold but has fewer than 5 answers.
        let sources = [
            src("service_user", 10, 9),
            src("carer", 3, 0),
            src("staff", 8, 8),
        ];
        let r = indicator(&["service_user", "carer", "staff"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::InsufficientEvidence);
        assert_eq!(r.missing_sources, vec!["carer".to_owned()]);
    }

    #[test]
    fn missing_sources_keep_the_order_given_and_include_absent_ones() {
        let sources = [src("staff", 9, 9), src("carer", 2, 2)];
        let r = indicator(&["service_user", "carer", "staff"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::InsufficientEvidence);
        assert_eq!(
            r.missing_sources,
            vec!["service_user".to_owned(), "carer".to_owned()]
        );
    }

    #[test]
    fn disagreement_still_lists_required_sources_without_enough_answers() {
        let sources = [src("service_user", 10, 3), src("carer", 1, 1)];
        let r = indicator(&["service_user", "carer"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::Disagreement);
        assert_eq!(r.missing_sources, vec!["carer".to_owned()]);
    }

    #[test]
    fn threshold_is_compared_before_rounding() {
        // 1999/2500 = 79.96% displays as 80.0 but is still below 80.
        let r = indicator(&["staff"], &[src("staff", 2500, 1999)], 80.0, 5);
        assert_eq!(r.indicator, Indicator::Disagreement);
    }

    #[test]
    fn repeated_entries_for_a_source_are_added_together() {
        // 2/3 and 3/3 from two survey versions make carers 5/6 = 83.3%.
        let sources = [src("carer", 3, 2), src("carer", 3, 3)];
        let r = indicator(&["carer"], &sources, 80.0, 5);
        assert_eq!(r.indicator, Indicator::Agreement);
    }

    #[test]
    fn no_required_sources_is_never_agreement() {
        let r = indicator(&[], &[src("staff", 10, 10)], 80.0, 5);
        assert_eq!(r.indicator, Indicator::InsufficientEvidence);
        assert!(r.missing_sources.is_empty());
    }

    #[test]
    fn a_required_source_with_zero_answers_is_missing_even_with_no_minimum() {
        let r = indicator(&["carer"], &[src("carer", 0, 0)], 80.0, 0);
        assert_eq!(r.indicator, Indicator::InsufficientEvidence);
        assert_eq!(r.missing_sources, vec!["carer".to_owned()]);
    }
}
