//! Turning totals into the evidence report: pure, given what `queries::load` read and the
//! questionnaire versions it refers to.

use super::period::Period;
use super::queries::Loaded;
use super::rules::EvidenceRules;
use crate::analysis::agreement::{self, AgreementFigures, Indicator, Proportion};
use crate::analysis::fft::{FftCounts, FftFigures, fft_figures};
use crate::analysis::median_days;
use crate::analysis::suppression::{needs_total_withheld, suppress_cells};
use crate::surveys::{Criterion, QuestionKind, Respondent, SurveyVersion};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The wording every report carries: evidence, never a verdict.
pub const EVIDENCE_NOTE: &str = "Evidence for fidelity reviewers: what each source says, with numbers. \
     It is not a judgement that any criterion is met; reviewers decide that.";

/// One source's figures for a criterion.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SourceFigures {
    pub source: &'static str,
    #[serde(flatten)]
    pub figures: AgreementFigures,
}

/// One criterion's evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CriterionEvidence {
    pub criterion: &'static str,
    /// `agreement` (agree 4–5 on a five-point scale) or `yes_no`.
    pub measure: &'static str,
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

/// One theme's comments, split by sentiment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThemeCounts {
    pub theme: String,
    pub label: String,
    #[serde(flatten)]
    pub counts: SentimentCounts,
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
    pub responses: Map<String, Value>,
    #[schema(value_type = std::collections::BTreeMap<String, Option<u32>>)]
    pub responses_by_channel: Map<String, Value>,
    pub invitations_issued: i64,
    pub response_rate_pct: Option<f64>,
    pub criteria: Vec<CriterionEvidence>,
    pub feedback_action: FeedbackAction,
    pub fft: FftFigures,
    pub fft_trend: Vec<FftMonth>,
    pub sentiment: SentimentCounts,
    pub sentiment_by_month: Vec<SentimentMonth>,
    pub themes: Vec<ThemeCounts>,
}

fn to_u32_u64(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Adds `count` answers with the stored FFT value (5 = very good ... 1 = very poor).
fn add_fft(counts: &mut FftCounts, value: &str, count: u32) {
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

/// Counts with small cells hidden, as a JSON object with the total.
fn suppressed_breakdown(names: &[&str], counts: &[u32], min_n: u32) -> Map<String, Value> {
    let cells = suppress_cells(counts, min_n);
    let mut map = Map::new();
    for (name, cell) in names.iter().zip(cells) {
        map.insert((*name).to_string(), json!(cell));
    }
    let total: u32 = counts.iter().sum();
    // A small total, or one that would pin every hidden cell, is hidden too.
    let hide_total = (total > 0 && total < min_n) || needs_total_withheld(counts, min_n);
    map.insert(
        "total".into(),
        json!(if hide_total { None } else { Some(total) }),
    );
    map
}

fn sentiment_counts(p: u32, n: u32, neg: u32, min_n: u32) -> SentimentCounts {
    let total = p + n + neg;
    if total < min_n {
        return SentimentCounts {
            comments: None,
            positive: None,
            neutral: None,
            negative: None,
            suppressed: true,
        };
    }
    let cells = suppress_cells(&[p, n, neg], min_n);
    let hide_total = needs_total_withheld(&[p, n, neg], min_n);
    SentimentCounts {
        comments: if hide_total { None } else { Some(total) },
        positive: cells[0],
        neutral: cells[1],
        negative: cells[2],
        suppressed: cells.iter().any(Option::is_none),
    }
}

fn hidden_sentiment() -> SentimentCounts {
    SentimentCounts {
        comments: None,
        positive: None,
        neutral: None,
        negative: None,
        suppressed: true,
    }
}

/// Builds the report from loaded totals. `versions` maps every version id in `loaded`;
/// `current` are the questionnaires in use now, which decide which criteria are reported.
pub fn build(
    team: Option<String>,
    period: Period,
    loaded: &Loaded,
    versions: &HashMap<String, Arc<SurveyVersion>>,
    current: &[Arc<SurveyVersion>],
    rules: &EvidenceRules,
    today: chrono::NaiveDate,
) -> Report {
    let min_n = rules.min_n;

    // Responses by group and by channel.
    let mut by_group: BTreeMap<Respondent, u32> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, u32> = BTreeMap::new();
    for (_, respondent, channel, _, count) in &loaded.responses {
        if let Some(r) = Respondent::parse(respondent) {
            *by_group.entry(r).or_default() += to_u32(*count);
        }
        *by_channel.entry(channel.clone()).or_default() += to_u32(*count);
    }
    let group_names: Vec<&str> = Respondent::ALL.iter().map(|r| r.as_str()).collect();
    let group_counts: Vec<u32> = Respondent::ALL
        .iter()
        .map(|r| by_group.get(r).copied().unwrap_or(0))
        .collect();
    let channel_names = ["email", "printed", "other"];
    let channel_counts: Vec<u32> = channel_names
        .iter()
        .map(|c| by_channel.get(*c).copied().unwrap_or(0))
        .collect();
    let total_responses: u32 = group_counts.iter().sum();

    // Which criteria each source speaks to, from the questionnaires in use and in the data.
    let mut tagged: BTreeMap<Criterion, BTreeSet<Respondent>> = BTreeMap::new();
    for v in current.iter().chain(versions.values()) {
        for q in &v.survey.questions {
            if let Some(c) = q.criterion {
                tagged.entry(c).or_default().insert(v.survey.respondent);
            }
        }
    }

    // Agreement and yes/no proportions, and FFT counts, from the answer totals.
    let mut proportions: BTreeMap<(Criterion, Respondent), Proportion> = BTreeMap::new();
    let mut fft = FftCounts::default();
    let mut fft_months: BTreeMap<String, FftCounts> = BTreeMap::new();
    for (version_id, question_id, respondent, value, month, count) in &loaded.answers {
        let Some(question) = versions
            .get(version_id)
            .and_then(|v| v.survey.question(question_id))
        else {
            continue;
        };
        let Some(respondent) = Respondent::parse(respondent) else {
            continue;
        };
        let count = to_u32(*count);
        match (question.kind, question.criterion) {
            (QuestionKind::Fft, _) => {
                add_fft(&mut fft, value, count);
                add_fft(fft_months.entry(month.clone()).or_default(), value, count);
            }
            (QuestionKind::Agree5, Some(c)) => {
                let p = proportions
                    .entry((c, respondent))
                    .or_insert(Proportion { n: 0, agree: 0 });
                if matches!(value.as_str(), "1" | "2" | "3" | "4" | "5") {
                    p.n += count;
                    if matches!(value.as_str(), "4" | "5") {
                        p.agree += count;
                    }
                }
            }
            (QuestionKind::YesNo, Some(c)) => {
                let p = proportions
                    .entry((c, respondent))
                    .or_insert(Proportion { n: 0, agree: 0 });
                if matches!(value.as_str(), "yes" | "no") {
                    p.n += count;
                    if value == "yes" {
                        p.agree += count;
                    }
                }
            }
            _ => {}
        }
    }

    let mut responses = suppressed_breakdown(&group_names, &group_counts, min_n);
    let mut responses_by_channel = suppressed_breakdown(&channel_names, &channel_counts, min_n);
    // Both breakdowns share one total: hidden in one, hidden in both.
    if responses.get("total").is_some_and(Value::is_null)
        || responses_by_channel
            .get("total")
            .is_some_and(Value::is_null)
    {
        responses.insert("total".into(), Value::Null);
        responses_by_channel.insert("total".into(), Value::Null);
    }
    // A group hidden in the breakdown stays hidden everywhere, or its count could be rebuilt
    // from its answers to a criterion.
    let hidden_groups: Vec<Respondent> = Respondent::ALL
        .into_iter()
        .filter(|r| responses.get(r.as_str()).is_some_and(Value::is_null))
        .collect();
    let criteria = Criterion::ALL
        .iter()
        .filter(|c| tagged.contains_key(c))
        .map(|&c| {
            let required: Vec<Respondent> = match rules.required_sources.get(&c) {
                Some(list) => list.clone(),
                None => tagged
                    .get(&c)
                    .map(|s| s.iter().copied().collect())
                    .unwrap_or_default(),
            };
            let mut sources: Vec<Respondent> = tagged
                .get(&c)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            for r in &required {
                if !sources.contains(r) {
                    sources.push(*r);
                }
            }
            sources.sort();
            let by_source: Vec<(String, Proportion)> = sources
                .iter()
                .map(|r| {
                    let p = if hidden_groups.contains(r) {
                        None
                    } else {
                        proportions.get(&(c, *r)).copied()
                    };
                    (
                        r.as_str().to_string(),
                        p.unwrap_or(Proportion { n: 0, agree: 0 }),
                    )
                })
                .collect();
            let required_names: Vec<&str> = required.iter().map(|r| r.as_str()).collect();
            let result =
                agreement::indicator(&required_names, &by_source, rules.threshold_pct, min_n);
            CriterionEvidence {
                criterion: c.code(),
                measure: if c.is_agreement() {
                    "agreement"
                } else {
                    "yes_no"
                },
                indicator: result.indicator,
                missing_sources: result.missing_sources,
                sources: sources
                    .iter()
                    .zip(&by_source)
                    .map(|(r, (_, p))| SourceFigures {
                        source: r.as_str(),
                        figures: agreement::figures(*p, min_n),
                    })
                    .collect(),
            }
        })
        .collect();

    // Criterion 22c.
    // Taken from the protected breakdown, so 22c cannot undo its suppression.
    let service_users = responses
        .get(Respondent::ServiceUser.as_str())
        .and_then(Value::as_u64)
        .map(to_u32_u64);
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
    let all_actions = loaded.concerns.iter().flat_map(|c| c.actions.iter());
    let feedback_action = FeedbackAction {
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
        actions: all_actions.clone().count(),
        actions_done: all_actions.clone().filter(|a| a.status == "done").count(),
        median_days_to_first_action: median_days(&mut days_to_first_action),
        overdue_actions: all_actions.filter(|a| a.is_overdue(today)).count(),
    };

    // FFT by month, with small months hidden (and one more, so none can be worked out).
    let month_totals: Vec<u32> = fft_months.values().map(FftCounts::total).collect();
    let shown = suppress_cells(&month_totals, min_n);
    let fft_trend = fft_months
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

    // Sentiment and themes from the comment totals (theme '' counts each comment once).
    let mut overall = [0u32; 3];
    let mut months: BTreeMap<String, [u32; 3]> = BTreeMap::new();
    let mut themes: HashMap<String, [u32; 3]> = HashMap::new();
    for (month, _, sentiment, theme, count) in &loaded.comments {
        let slot = match sentiment.as_str() {
            "positive" => 0,
            "negative" => 2,
            _ => 1,
        };
        let count = to_u32(*count);
        if theme.is_empty() {
            overall[slot] += count;
            months.entry(month.clone()).or_default()[slot] += count;
        } else {
            themes.entry(theme.clone()).or_default()[slot] += count;
        }
    }
    let sentiment = sentiment_counts(overall[0], overall[1], overall[2], min_n);
    // Months are a breakdown of the period's total too: hide a second month when one is hidden.
    let month_totals: Vec<u32> = months.values().map(|c| c.iter().sum()).collect();
    let months_shown = suppress_cells(&month_totals, min_n);
    let sentiment_by_month = months
        .iter()
        .zip(months_shown)
        .map(|((m, c), shown)| SentimentMonth {
            month: m.clone(),
            counts: if shown.is_some() {
                sentiment_counts(c[0], c[1], c[2], min_n)
            } else {
                hidden_sentiment()
            },
        })
        .collect();
    let themes = rules
        .themes
        .iter()
        .map(|t| {
            let c = themes.get(&t.id).copied().unwrap_or_default();
            ThemeCounts {
                theme: t.id.clone(),
                label: t.label.clone(),
                counts: sentiment_counts(c[0], c[1], c[2], min_n),
            }
        })
        .collect();

    let total_shown = responses.get("total").is_some_and(|t| !t.is_null());
    let rate = (loaded.invitations > 0).then(|| {
        agreement::pct_1dp(100.0 * f64::from(total_responses) / loaded.invitations as f64)
    });
    Report {
        team,
        period,
        note: EVIDENCE_NOTE,
        threshold_pct: rules.threshold_pct,
        min_n,
        responses,
        responses_by_channel,
        invitations_issued: loaded.invitations,
        response_rate_pct: if total_shown && total_responses >= min_n {
            rate
        } else {
            None
        },
        criteria,
        feedback_action,
        fft: fft_figures(&fft, min_n),
        fft_trend,
        sentiment,
        sentiment_by_month,
        themes,
    }
}
