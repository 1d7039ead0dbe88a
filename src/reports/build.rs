//! Turning totals into the evidence report: pure, given what `queries::load` read and the
//! questionnaire versions it refers to.

use super::period::Period;
use super::queries::Loaded;
use super::rules::EvidenceRules;
use crate::analysis::agreement::{self, AgreementFigures, Indicator, Proportion};
use crate::analysis::fft::{FftCounts, FftFigures, fft_figures};
use crate::analysis::median_days;
use crate::analysis::suppression::{needs_total_withheld, suppress_cells};
use crate::protection::Cells;
use crate::surveys::{Criterion, Question, QuestionKind, Respondent, SurveyVersion};
use serde::Serialize;
use serde::ser::SerializeMap;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The wording every report carries: evidence, never a verdict.
pub const EVIDENCE_NOTE: &str = "Evidence for fidelity reviewers: what each source says, with numbers. \
     It is not a judgement that any criterion is met; reviewers decide that.";

/// One source's figures for a criterion.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceFigures {
    #[schema(value_type = String)]
    pub source: Respondent,
    #[serde(flatten)]
    pub figures: AgreementFigures,
}

/// How a criterion is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Agree (4 or 5) on a five-point scale.
    Agreement,
    /// Yes out of yes and no.
    YesNo,
}

/// Counts by category with small cells hidden, and their total (hidden too when it would give
/// a hidden cell away). Serialises as one object: each category's count, then `total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub cells: Vec<(&'static str, Option<u32>)>,
    pub total: Option<u32>,
}

impl Breakdown {
    /// Hides cells under `min_n` and the next-smallest with them, and the total when it is
    /// small or would pin every hidden cell.
    pub fn protect(names: &[&'static str], counts: &[u32], min_n: u32) -> Self {
        let cells = names
            .iter()
            .copied()
            .zip(suppress_cells(counts, min_n))
            .collect();
        let total: u32 = counts.iter().sum();
        let hide_total = (total > 0 && total < min_n) || needs_total_withheld(counts, min_n);
        Breakdown {
            cells,
            total: (!hide_total).then_some(total),
        }
    }

    /// A category's count: `None` for an unknown category, `Some(None)` when hidden.
    pub fn get(&self, name: &str) -> Option<Option<u32>> {
        self.cells.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// Whether a category's count is hidden.
    pub fn hidden(&self, name: &str) -> bool {
        self.get(name).is_some_and(|c| c.is_none())
    }
}

impl Serialize for Breakdown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.cells.len() + 1))?;
        for (name, count) in &self.cells {
            map.serialize_entry(name, count)?;
        }
        map.serialize_entry("total", &self.total)?;
        map.end()
    }
}

/// One criterion's evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriterionEvidence {
    #[schema(value_type = String)]
    pub criterion: Criterion,
    pub measure: Measure,
    pub indicator: Indicator,
    pub missing_sources: Vec<String>,
    pub sources: Vec<SourceFigures>,
}

/// Criterion 22c: feedback sought, and action shown on concerns.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedbackAction {
    pub service_user_responses: Option<u32>,
    pub latest_response_on: Option<chrono::NaiveDate>,
    pub concerns: usize,
    pub concerns_with_action: usize,
    pub actions: usize,
    pub actions_done: usize,
    pub median_days_to_first_action: Option<f64>,
    pub overdue_actions: usize,
}

/// One month of the FFT trend.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FftMonth {
    pub month: String,
    #[serde(flatten)]
    pub figures: FftFigures,
}

/// Comment sentiment counts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentimentCounts {
    pub comments: Option<u32>,
    pub positive: Option<u32>,
    pub neutral: Option<u32>,
    pub negative: Option<u32>,
    pub suppressed: bool,
}

/// Sentiment in one month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentimentMonth {
    pub month: String,
    #[serde(flatten)]
    pub counts: SentimentCounts,
}

impl SentimentCounts {
    /// Every figure withheld.
    fn hidden() -> Self {
        SentimentCounts {
            comments: None,
            positive: None,
            neutral: None,
            negative: None,
            suppressed: true,
        }
    }

    /// Counts of positive, neutral and negative comments with small numbers withheld.
    fn protect(counts: [u32; 3], min_n: u32) -> Self {
        let total: u32 = counts.iter().sum();
        if total < min_n {
            return Self::hidden();
        }
        let cells = suppress_cells(&counts, min_n);
        SentimentCounts {
            comments: (!needs_total_withheld(&counts, min_n)).then_some(total),
            positive: cells[0],
            neutral: cells[1],
            negative: cells[2],
            suppressed: cells.iter().any(Option::is_none),
        }
    }

    /// The three counts, when all are shown.
    pub fn cells(&self) -> Option<[u32; 3]> {
        match (self.positive, self.neutral, self.negative) {
            (Some(p), Some(n), Some(g)) => Some([p, n, g]),
            _ => None,
        }
    }
}

/// One theme's comments, split by sentiment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThemeCounts {
    pub theme: String,
    pub label: String,
    #[serde(flatten)]
    pub counts: SentimentCounts,
}

/// One criterion's agreement by month, every source's answers together; a month is hidden
/// when it has too few answers, with the next-smallest, as in the FFT trend.
#[derive(Debug)]
pub struct CriterionTrend {
    pub criterion: Criterion,
    pub months: Vec<(String, AgreementFigures)>,
}

/// The whole report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub team: Option<String>,
    pub period: Period,
    pub note: &'static str,
    pub threshold_pct: f64,
    pub min_n: u32,
    #[schema(value_type = std::collections::BTreeMap<String, Option<u32>>)]
    pub responses: Breakdown,
    #[schema(value_type = std::collections::BTreeMap<String, Option<u32>>)]
    pub responses_by_channel: Breakdown,
    pub invitations_issued: i64,
    pub response_rate_pct: Option<f64>,
    pub criteria: Vec<CriterionEvidence>,
    pub feedback_action: FeedbackAction,
    pub fft: FftFigures,
    pub fft_trend: Vec<FftMonth>,
    pub sentiment: SentimentCounts,
    pub sentiment_by_month: Vec<SentimentMonth>,
    pub themes: Vec<ThemeCounts>,
    /// Agreement per criterion by month, every source together, for the dashboard's trend
    /// charts; left out of the JSON, which stays as documented.
    #[serde(skip)]
    #[schema(ignore)]
    pub criteria_trend: Vec<CriterionTrend>,
    /// Only with `?by=`: the figures by an "About you" category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<super::breakdown::EqualityBreakdown>,
}

/// What the report is built from besides the loaded totals.
pub struct Inputs<'a> {
    pub team: Option<String>,
    pub period: Period,
    /// Every questionnaire version the loaded totals refer to, by id.
    pub versions: &'a HashMap<String, Arc<SurveyVersion>>,
    /// The questionnaires in use now, which decide which criteria are reported.
    pub current: &'a [Arc<SurveyVersion>],
    pub rules: &'a EvidenceRules,
    pub today: chrono::NaiveDate,
}

pub(super) fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The channels responses are counted by, in report order.
/// The ways a response can come: by a link (texted, emailed, printed or handed over), or
/// collected without one (a tablet at the team's base, a paper form, a telephone call).
const CHANNELS: [&str; 7] = [
    "sms",
    "email",
    "printed",
    "other",
    "tablet",
    "paper",
    "telephone",
];

/// The channels of responses that answer an invitation, and so count towards the response
/// rate; a tablet, paper or telephone response was never invited.
const INVITED_CHANNELS: [&str; 4] = ["sms", "email", "printed", "other"];

/// Builds the report from loaded totals, one section at a time, each from the shown cells of
/// the one protected table (see `protection`) and nothing else.
pub fn build(inputs: &Inputs<'_>, everything: &Loaded) -> Report {
    let min_n = inputs.rules.min_n;
    let cells = everything.cells(min_n);
    let loaded = &everything.shown_part(&cells);
    let (responses, responses_by_channel) = responses_section(loaded, &cells, min_n);
    let answers = AnswerTotals::add_up(loaded, inputs.versions);
    let criteria = criteria_section(inputs, &answers, &responses);
    let (fft, fft_trend) = fft_section(&answers, min_n);
    let criteria_trend = criteria_trend_section(&criteria, &answers, min_n);
    let (sentiment, sentiment_by_month) = sentiment_section(loaded, min_n);
    let invited_responses: u32 = loaded
        .responses
        .iter()
        .filter(|r| INVITED_CHANNELS.contains(&r.channel.as_str()))
        .map(|r| to_u32(r.count))
        .sum();
    let response_rate_pct = (responses.total.is_some() && invited_responses >= min_n)
        .then_some(loaded.invitations)
        .filter(|issued| *issued > 0)
        .map(|issued| agreement::pct_1dp(100.0 * f64::from(invited_responses) / issued as f64));
    Report {
        team: inputs.team.clone(),
        period: inputs.period,
        note: EVIDENCE_NOTE,
        threshold_pct: inputs.rules.threshold_pct,
        min_n,
        feedback_action: feedback_action_section(loaded, &responses, inputs.today),
        responses,
        responses_by_channel,
        invitations_issued: loaded.invitations,
        response_rate_pct,
        criteria,
        fft,
        fft_trend,
        sentiment,
        sentiment_by_month,
        themes: themes_section(loaded, inputs.rules, min_n),
        criteria_trend,
        breakdown: None,
    }
}

/// Each reported criterion's agreement by month, all sources together. The months add up to
/// the period, whose per-source counts the report shows: a small month is hidden with the
/// next-smallest, so none can be worked out.
fn criteria_trend_section(
    criteria: &[CriterionEvidence],
    answers: &AnswerTotals,
    min_n: u32,
) -> Vec<CriterionTrend> {
    criteria
        .iter()
        .map(|c| {
            let months = answers
                .criterion_months
                .get(&c.criterion)
                .cloned()
                .unwrap_or_default();
            let counts: Vec<u32> = months.values().map(|p| p.n).collect();
            let shown = suppress_cells(&counts, min_n);
            CriterionTrend {
                criterion: c.criterion,
                months: months
                    .into_iter()
                    .zip(shown)
                    .map(|((month, p), shown)| {
                        let p = if shown.is_some() {
                            p
                        } else {
                            Proportion::default()
                        };
                        (month, agreement::figures(p, min_n))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Responses by group and by channel, from the shown cells. A group with a withheld cell and
/// none shown is `null`; and while any cell is withheld the total is withheld too, in both
/// breakdowns, rather than another group's evidence: the total would give the withheld count
/// away. Small channel counts are hidden with the next-smallest, as in any breakdown.
fn responses_section(loaded: &Loaded, cells: &Cells, min_n: u32) -> (Breakdown, Breakdown) {
    let mut by_group: BTreeMap<Respondent, u32> = BTreeMap::new();
    let mut by_channel: BTreeMap<&str, u32> = BTreeMap::new();
    for row in &loaded.responses {
        if let Some(r) = Respondent::parse(&row.respondent) {
            *by_group.entry(r).or_default() += to_u32(row.count);
        }
        let channel = CHANNELS
            .iter()
            .find(|c| **c == row.channel)
            .copied()
            .unwrap_or("other");
        *by_channel.entry(channel).or_default() += to_u32(row.count);
    }
    let groups = Breakdown {
        cells: Respondent::ALL
            .iter()
            .map(|r| {
                let shown = by_group.get(r).copied().unwrap_or(0);
                let count = (shown > 0 || !cells.withholds(*r)).then_some(shown);
                (r.as_str(), count)
            })
            .collect(),
        total: (!cells.withholds_any()).then(|| by_group.values().sum()),
    };
    let channel_counts: Vec<u32> = CHANNELS
        .iter()
        .map(|c| by_channel.get(c).copied().unwrap_or(0))
        .collect();
    let mut channels = Breakdown::protect(&CHANNELS, &channel_counts, min_n);
    if groups.total.is_none() || channels.total.is_none() {
        channels.total = None;
    }
    (groups, channels)
}

/// What one stored answer counts towards in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted<'v> {
    /// An FFT answer, in its stored spelling.
    Fft(&'v str),
    /// An answer 1 to 5, or yes or no, to a question evidencing a criterion: whether it agreed
    /// (4 or 5, or yes).
    Criterion(Criterion, bool),
}

/// What `value`, stored for `question`, counts towards: nothing for don't know, free text,
/// choices and questions that evidence no criterion.
pub(super) fn counted<'v>(question: &Question, value: &'v str) -> Option<Counted<'v>> {
    match (question.kind, question.criterion) {
        (QuestionKind::Fft, _) => Some(Counted::Fft(value)),
        (QuestionKind::Agree5, Some(c)) if matches!(value, "1" | "2" | "3" | "4" | "5") => {
            Some(Counted::Criterion(c, matches!(value, "4" | "5")))
        }
        (QuestionKind::YesNo, Some(c)) if matches!(value, "yes" | "no") => {
            Some(Counted::Criterion(c, value == "yes"))
        }
        _ => None,
    }
}

/// Answer totals added up by what the report needs: agreement per criterion and source, FFT
/// counts overall and by month, and agreement per criterion by month (all sources together).
#[derive(Debug, Default)]
struct AnswerTotals {
    proportions: BTreeMap<(Criterion, Respondent), Proportion>,
    fft: FftCounts,
    fft_months: BTreeMap<String, FftCounts>,
    criterion_months: BTreeMap<Criterion, BTreeMap<String, Proportion>>,
}

impl AnswerTotals {
    fn add_up(loaded: &Loaded, versions: &HashMap<String, Arc<SurveyVersion>>) -> Self {
        let mut totals = AnswerTotals::default();
        for row in &loaded.answers {
            let Some(question) = versions
                .get(&row.version_id)
                .and_then(|v| v.survey.question(&row.question_id))
            else {
                continue;
            };
            let Some(respondent) = Respondent::parse(&row.respondent) else {
                continue;
            };
            let count = to_u32(row.count);
            match counted(question, &row.value) {
                Some(Counted::Fft(value)) => {
                    add_fft(&mut totals.fft, value, count);
                    add_fft(
                        totals.fft_months.entry(row.month.clone()).or_default(),
                        value,
                        count,
                    );
                }
                Some(Counted::Criterion(c, agreed)) => {
                    add_proportion(
                        totals.proportions.entry((c, respondent)).or_default(),
                        count,
                        agreed,
                    );
                    add_proportion(
                        totals
                            .criterion_months
                            .entry(c)
                            .or_default()
                            .entry(row.month.clone())
                            .or_default(),
                        count,
                        agreed,
                    );
                }
                None => {}
            }
        }
        totals
    }
}

/// Adds `count` answers, agreeing or not.
pub(super) fn add_proportion(p: &mut Proportion, count: u32, agreed: bool) {
    p.n += count;
    if agreed {
        p.agree += count;
    }
}

/// Agreement per criterion and source, with the indicator. A group hidden in the responses
/// breakdown stays hidden here, or its count could be rebuilt from its answers.
fn criteria_section(
    inputs: &Inputs<'_>,
    answers: &AnswerTotals,
    responses: &Breakdown,
) -> Vec<CriterionEvidence> {
    let rules = inputs.rules;
    // Which criteria each source speaks to, from the questionnaires in use and in the data.
    let mut tagged: BTreeMap<Criterion, BTreeSet<Respondent>> = BTreeMap::new();
    for v in inputs.current.iter().chain(inputs.versions.values()) {
        for q in &v.survey.questions {
            if let Some(c) = q.criterion {
                tagged.entry(c).or_default().insert(v.survey.respondent);
            }
        }
    }
    Criterion::ALL
        .iter()
        .filter_map(|c| tagged.get(c).map(|speaking| (*c, speaking)))
        .map(|(c, speaking)| {
            let required: Vec<Respondent> = match rules.required_sources.get(&c) {
                Some(list) => list.clone(),
                None => speaking.iter().copied().collect(),
            };
            let sources: BTreeSet<Respondent> =
                speaking.iter().chain(required.iter()).copied().collect();
            let by_source: Vec<(Respondent, Proportion)> = sources
                .iter()
                .map(|r| {
                    let p = if responses.hidden(r.as_str()) {
                        None
                    } else {
                        answers.proportions.get(&(c, *r)).copied()
                    };
                    (*r, p.unwrap_or_default())
                })
                .collect();
            let named: Vec<(String, Proportion)> = by_source
                .iter()
                .map(|(r, p)| (r.as_str().to_string(), *p))
                .collect();
            let required_names: Vec<&str> = required.iter().map(|r| r.as_str()).collect();
            let result =
                agreement::indicator(&required_names, &named, rules.threshold_pct, rules.min_n);
            CriterionEvidence {
                criterion: c,
                measure: if c.is_agreement() {
                    Measure::Agreement
                } else {
                    Measure::YesNo
                },
                indicator: result.indicator,
                missing_sources: result.missing_sources,
                sources: by_source
                    .into_iter()
                    .map(|(source, p)| SourceFigures {
                        source,
                        figures: agreement::figures(p, rules.min_n),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Criterion 22c: feedback sought, and action shown on concerns. The service-user count is
/// taken from the protected breakdown, so 22c cannot undo its suppression.
fn feedback_action_section(
    loaded: &Loaded,
    responses: &Breakdown,
    today: chrono::NaiveDate,
) -> FeedbackAction {
    let service_users = responses.get(Respondent::ServiceUser.as_str()).flatten();
    let mut days_to_first_action: Vec<i64> = loaded
        .concerns
        .iter()
        .filter_map(|c| {
            c.actions
                .iter()
                .map(|a| a.planned_on)
                .min()
                .map(|first| (first - c.raised_on).num_days().max(0))
        })
        .collect();
    let all_actions = || loaded.concerns.iter().flat_map(|c| c.actions.iter());
    FeedbackAction {
        service_user_responses: service_users,
        latest_response_on: service_users
            .filter(|n| *n > 0)
            .and(loaded.latest_service_user_response),
        concerns: loaded.concerns.len(),
        concerns_with_action: loaded
            .concerns
            .iter()
            .filter(|c| !c.actions.is_empty())
            .count(),
        actions: all_actions().count(),
        actions_done: all_actions().filter(|a| a.status == "done").count(),
        median_days_to_first_action: median_days(&mut days_to_first_action),
        overdue_actions: all_actions().filter(|a| a.is_overdue(today)).count(),
    }
}

/// The FFT for the period and by month, with small months hidden (and one more, so none can be
/// worked out from the period's figures).
fn fft_section(answers: &AnswerTotals, min_n: u32) -> (FftFigures, Vec<FftMonth>) {
    let month_totals: Vec<u32> = answers.fft_months.values().map(FftCounts::total).collect();
    let shown = suppress_cells(&month_totals, min_n);
    let trend = answers
        .fft_months
        .iter()
        .zip(shown)
        .map(|((month, counts), shown)| FftMonth {
            month: month.clone(),
            figures: if shown.is_some() {
                fft_figures(counts, min_n)
            } else {
                FftFigures::hidden()
            },
        })
        .collect();
    (fft_figures(&answers.fft, min_n), trend)
}

/// Which of positive, neutral and negative a stored sentiment counts as.
fn sentiment_slot(sentiment: &str) -> usize {
    match sentiment {
        "positive" => 0,
        "negative" => 2,
        _ => 1,
    }
}

/// Comment sentiment for the period and by month (theme '' counts each comment once). Months
/// are a breakdown of the period's total too: a second month is hidden when one is.
fn sentiment_section(loaded: &Loaded, min_n: u32) -> (SentimentCounts, Vec<SentimentMonth>) {
    let mut overall = [0u32; 3];
    let mut months: BTreeMap<&str, [u32; 3]> = BTreeMap::new();
    for row in loaded.comments.iter().filter(|r| r.theme.is_empty()) {
        let slot = sentiment_slot(&row.sentiment);
        overall[slot] += to_u32(row.count);
        months.entry(&row.month).or_default()[slot] += to_u32(row.count);
    }
    let month_totals: Vec<u32> = months.values().map(|c| c.iter().sum()).collect();
    let by_month = months
        .iter()
        .zip(suppress_cells(&month_totals, min_n))
        .map(|((month, counts), shown)| SentimentMonth {
            month: (*month).to_string(),
            counts: if shown.is_some() {
                SentimentCounts::protect(*counts, min_n)
            } else {
                SentimentCounts::hidden()
            },
        })
        .collect();
    (SentimentCounts::protect(overall, min_n), by_month)
}

/// Comments per theme, split by sentiment, in the rules' theme order.
fn themes_section(loaded: &Loaded, rules: &EvidenceRules, min_n: u32) -> Vec<ThemeCounts> {
    let mut by_theme: HashMap<&str, [u32; 3]> = HashMap::new();
    for row in loaded.comments.iter().filter(|r| !r.theme.is_empty()) {
        by_theme.entry(&row.theme).or_default()[sentiment_slot(&row.sentiment)] +=
            to_u32(row.count);
    }
    rules
        .themes
        .iter()
        .map(|t| ThemeCounts {
            theme: t.id.clone(),
            label: t.label.clone(),
            counts: SentimentCounts::protect(
                by_theme.get(t.id.as_str()).copied().unwrap_or_default(),
                min_n,
            ),
        })
        .collect()
}

/// Adds `count` answers with the stored FFT value (5 = very good ... 1 = very poor).
pub(super) fn add_fft(counts: &mut FftCounts, value: &str, count: u32) {
    let cell = match value {
        "5" => &mut counts.very_good,
        "4" => &mut counts.good,
        "3" => &mut counts.neither,
        "2" => &mut counts.poor,
        "1" => &mut counts.very_poor,
        "dont_know" => &mut counts.dont_know,
        _ => return,
    };
    *cell += count;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::queries::{AnswerCount, CommentCount, ResponseCount};
    use crate::surveys::{Catalogue, load_definitions};
    use chrono::NaiveDate;

    struct Fixture {
        versions: HashMap<String, Arc<SurveyVersion>>,
        current: Vec<Arc<SurveyVersion>>,
        rules: EvidenceRules,
    }

    impl Fixture {
        fn new() -> Self {
            let catalogue = Catalogue::new(load_definitions(None).unwrap());
            let current: Vec<Arc<SurveyVersion>> = catalogue.all_current().cloned().collect();
            let versions = current.iter().map(|v| (v.id.clone(), v.clone())).collect();
            Fixture {
                versions,
                current,
                rules: EvidenceRules::default(),
            }
        }

        fn version(&self, slug: &str) -> String {
            self.current
                .iter()
                .find(|v| v.survey.slug == slug)
                .unwrap()
                .id
                .clone()
        }

        fn build(&self, loaded: &Loaded) -> Report {
            let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            let inputs = Inputs {
                team: Some("NORTH".into()),
                period: Period {
                    from: day("2026-01-01"),
                    to: day("2026-12-31"),
                },
                versions: &self.versions,
                current: &self.current,
                rules: &self.rules,
                today: day("2026-12-01"),
            };
            build(&inputs, loaded)
        }

        /// `count` responses of `slug`'s group, each agreeing (or not) with every agree5
        /// question and answering the FFT with `fft`.
        fn add(
            &self,
            loaded: &mut Loaded,
            slug: &str,
            month: &str,
            count: i64,
            agree: bool,
            fft: &str,
        ) {
            let version = &self.versions[&self.version(slug)];
            let respondent = version.survey.respondent.as_str().to_string();
            loaded.responses.push(ResponseCount {
                team_id: "t1".into(),
                version_id: version.id.clone(),
                respondent: respondent.clone(),
                channel: "printed".into(),
                month: month.into(),
                count,
            });
            for q in &version.survey.questions {
                let value = match q.kind {
                    QuestionKind::Fft => fft,
                    QuestionKind::Agree5 if agree => "5",
                    QuestionKind::Agree5 => "2",
                    QuestionKind::YesNo => "yes",
                    _ => continue,
                };
                loaded.answers.push(AnswerCount {
                    team_id: "t1".into(),
                    version_id: version.id.clone(),
                    question_id: q.id.clone(),
                    respondent: respondent.clone(),
                    value: value.into(),
                    month: month.into(),
                    count,
                });
            }
        }
    }

    fn criterion<'r>(report: &'r Report, code: &str) -> &'r CriterionEvidence {
        report
            .criteria
            .iter()
            .find(|c| c.criterion.code() == code)
            .unwrap()
    }

    fn source(c: &CriterionEvidence, r: Respondent) -> &AgreementFigures {
        &c.sources.iter().find(|s| s.source == r).unwrap().figures
    }

    #[test]
    fn a_small_cell_is_left_out_of_every_figure_and_the_total_is_withheld_not_another_group() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "service-user", "2026-03", 6, true, "5");
        f.add(&mut loaded, "carer", "2026-03", 3, false, "1");
        f.add(&mut loaded, "staff", "2026-03", 7, true, "5");
        let report = f.build(&loaded);
        assert_eq!(
            report.responses.get("carer"),
            Some(None),
            "3 carers withheld"
        );
        assert_eq!(
            report.responses.get("partner"),
            Some(Some(0)),
            "a zero gives nothing away"
        );
        // The other groups keep their evidence; the total, which would give the carers away,
        // is withheld instead, in both breakdowns.
        assert_eq!(report.responses.get("service_user"), Some(Some(6)));
        assert_eq!(report.responses.get("staff"), Some(Some(7)));
        assert_eq!(report.responses.total, None);
        assert_eq!(report.responses_by_channel.total, None);
        assert_eq!(report.response_rate_pct, None);
        let c22d = criterion(&report, "22d");
        assert!(source(c22d, Respondent::Carer).suppressed);
        assert_eq!(source(c22d, Respondent::ServiceUser).n, Some(6));
        assert_eq!(source(c22d, Respondent::Staff).n, Some(7));
        assert_eq!(report.feedback_action.service_user_responses, Some(6));
        // The carers' very poor answers are not in the FFT either: it counts shown cells only.
        assert_eq!(report.fft.very_good, Some(6));
        assert_eq!(report.fft.very_poor, Some(0));
        assert_eq!(report.fft.total, Some(6));
    }

    #[test]
    fn a_period_is_a_sum_of_whole_shown_cells() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "carer", "2026-03", 5, true, "5");
        f.add(&mut loaded, "carer", "2026-04", 2, false, "1");
        let report = f.build(&loaded);
        // April's two carers are in no figure: the period shows March's five alone.
        assert_eq!(report.responses.get("carer"), Some(Some(5)));
        assert_eq!(report.fft.very_poor, Some(0));
        assert_eq!(
            source(criterion(&report, "22d"), Respondent::Carer).agree_pct,
            Some(100.0)
        );
        assert_eq!(report.responses.total, None, "while a cell is withheld");
    }

    #[test]
    fn agreement_and_the_indicator_come_from_the_answer_totals() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "service-user", "2026-03", 10, true, "5");
        f.add(&mut loaded, "carer", "2026-04", 8, true, "4");
        f.add(&mut loaded, "staff", "2026-04", 6, false, "3");
        loaded.invitations = 48;
        let report = f.build(&loaded);
        let c20b = criterion(&report, "20b");
        assert_eq!(c20b.measure, Measure::Agreement);
        assert_eq!(source(c20b, Respondent::ServiceUser).agree_pct, Some(100.0));
        assert_eq!(source(c20b, Respondent::Staff).agree_pct, Some(0.0));
        assert_eq!(c20b.indicator, Indicator::Disagreement, "staff disagree");
        assert_eq!(criterion(&report, "25f").measure, Measure::YesNo);
        assert_eq!(report.responses.total, Some(24));
        assert_eq!(report.response_rate_pct, Some(50.0));
        // Staff are not asked the FFT.
        assert_eq!(report.fft.very_good, Some(10));
        assert_eq!(report.fft.good, Some(8));
        assert_eq!(report.fft.total, Some(18));
        assert_eq!(report.feedback_action.service_user_responses, Some(10));
    }

    #[test]
    fn a_month_with_a_withheld_cell_is_left_out_of_the_fft_trend() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "service-user", "2026-03", 9, true, "5");
        f.add(&mut loaded, "service-user", "2026-04", 2, true, "5");
        f.add(&mut loaded, "service-user", "2026-05", 12, true, "4");
        let report = f.build(&loaded);
        let shown: Vec<(&str, Option<u32>)> = report
            .fft_trend
            .iter()
            .map(|m| (m.month.as_str(), m.figures.total))
            .collect();
        assert_eq!(shown, [("2026-03", Some(9)), ("2026-05", Some(12))]);
        assert_eq!(report.fft.total, Some(21), "April's two are in no figure");
    }

    #[test]
    fn sentiment_and_themes_are_counted_once_and_small_counts_withheld() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "service-user", "2026-03", 17, true, "5");
        let comment = |sentiment: &str, theme: &str, count| CommentCount {
            team_id: "t1".into(),
            month: "2026-03".into(),
            respondent: "service_user".into(),
            sentiment: sentiment.into(),
            theme: theme.into(),
            count,
        };
        loaded.comments = vec![
            comment("positive", "", 9),
            comment("negative", "", 6),
            comment("neutral", "", 2),
            comment("negative", "waiting", 6),
            comment("positive", "kindness", 3),
        ];
        let report = f.build(&loaded);
        // 2 neutral are withheld, and the next-smallest count with them.
        assert_eq!(report.sentiment.positive, Some(9));
        assert_eq!(report.sentiment.negative, None);
        assert_eq!(report.sentiment.neutral, None);
        assert_eq!(report.sentiment.comments, Some(17));
        let theme = |id: &str| report.themes.iter().find(|t| t.theme == id).unwrap();
        assert_eq!(theme("waiting").counts.negative, Some(6));
        assert_eq!(
            theme("kindness").counts.comments,
            None,
            "3 comments withheld"
        );
    }

    #[test]
    fn the_report_serialises_as_the_api_documents_it() {
        let f = Fixture::new();
        let mut loaded = Loaded::default();
        f.add(&mut loaded, "staff", "2026-03", 5, true, "5");
        let json = serde_json::to_value(f.build(&loaded)).unwrap();
        assert_eq!(json["responses"]["staff"], 5);
        assert_eq!(json["responses"]["total"], 5);
        assert_eq!(json["responses_by_channel"]["printed"], 5);
        let c22d = json["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == "22d")
            .unwrap();
        assert_eq!(c22d["measure"], "agreement");
        assert!(
            c22d["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["source"] == "staff")
        );
    }
}
