//! The equality breakdown (`?by=ethnic_group`, `age_band`, `gender` or `disability`): the
//! responses, the FFT and agreement per criterion and source for each "About you" category of
//! service users and carers. Pure, like `build`, and made from the same shown cells of the one
//! protected table.
//!
//! Small numbers: a category with fewer than `min_n` responses is hidden, with the
//! next-smallest beside it; and since every category's figures add up to the report's own
//! (responses not answering the question are a category too, `not_answered`, worked out by
//! subtraction from the report's figures), whatever is hidden can be worked out only as a pool
//! of at least `min_n` (`suppress_pooled`). A category hidden in the responses is hidden in
//! every figure. The Trust-wide breakdown also hides a category when the teams' breakdowns
//! would leave fewer than `min_n` of it unaccounted for.

use super::build::{Counted, Measure, SourceFigures, add_fft, add_proportion, counted, to_u32};
use super::queries::{EqualityCount, Loaded};
use crate::analysis::agreement::{self, Proportion};
use crate::analysis::fft::{FftCounts, FftFigures, fft_figures};
use crate::analysis::suppression::suppress_pooled;
use crate::protection::Cells;
use crate::surveys::equality::{self, Dimension};
use crate::surveys::{Criterion, Respondent, SurveyVersion};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// `?by=` as pages and the API take it.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ByQuery {
    /// `ethnic_group`, `age_band`, `gender` or `disability`: adds `breakdown`, the figures by
    /// what service users and carers said about themselves.
    pub by: Option<String>,
}

impl ByQuery {
    /// The dimension asked for, if any; an unknown one is refused, naming the field.
    pub fn dimension(&self) -> Result<Option<Dimension>, crate::error::AppError> {
        match self.by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(raw) => Dimension::parse(raw).map(Some).ok_or_else(|| {
                crate::error::AppError::field(
                    "by",
                    "by must be ethnic_group, age_band, gender or disability",
                )
            }),
        }
    }
}

/// What every breakdown says about itself.
pub const BREAKDOWN_NOTE: &str = "Figures by what service users and carers said about \
     themselves, where they chose to. A category with too few responses is not shown, nor is the \
     next-smallest, so that no one can be picked out or worked out from the totals.";

/// The breakdown as the API gives it, beside the report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EqualityBreakdown {
    /// `ethnic_group`, `age_band`, `gender` or `disability`.
    #[schema(value_type = String)]
    pub by: Dimension,
    pub label: &'static str,
    pub note: &'static str,
    /// The groups asked about themselves: `service_user` and `carer`.
    #[schema(value_type = Vec<String>)]
    pub groups: Vec<Respondent>,
    /// Responses of those groups in all; `null` when withheld.
    pub responses: Option<u32>,
    /// Every category, in the questionnaire's order, `not_answered` last.
    pub categories: Vec<CategoryFigures>,
}

/// One category's figures; every figure `null` (and `suppressed`) when hidden.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryFigures {
    /// The option's id, e.g. `black_african`, or `not_answered`.
    pub category: String,
    pub label: String,
    pub responses: Option<u32>,
    /// True when the category is hidden for small numbers.
    pub suppressed: bool,
    pub fft: FftFigures,
    pub criteria: Vec<CategoryCriterion>,
}

/// A criterion's agreement in one category, by source.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CategoryCriterion {
    #[schema(value_type = String)]
    pub criterion: Criterion,
    pub measure: Measure,
    pub sources: Vec<SourceFigures>,
}

/// What a breakdown is built from besides the loaded totals.
pub struct BreakdownInputs<'a> {
    pub dimension: Dimension,
    /// Every questionnaire version the loaded totals refer to, by id.
    pub versions: &'a HashMap<String, Arc<SurveyVersion>>,
    /// The questionnaires in use now, for the categories and criteria.
    pub current: &'a [Arc<SurveyVersion>],
    pub min_n: u32,
}

/// One figure of a category: its count decides whether it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Figure {
    Responses,
    Fft,
    Agreement(Criterion, Respondent),
}

/// The counts behind one category's figures (or a whole group's).
#[derive(Debug, Default, Clone)]
struct Tallies {
    responses: u32,
    fft: FftCounts,
    agreement: BTreeMap<(Criterion, Respondent), Proportion>,
}

impl Tallies {
    fn add_answer(&mut self, counts: Option<Counted<'_>>, respondent: Respondent, count: u32) {
        match counts {
            Some(Counted::Fft(value)) => add_fft(&mut self.fft, value, count),
            Some(Counted::Criterion(c, agreed)) => add_proportion(
                self.agreement.entry((c, respondent)).or_default(),
                count,
                agreed,
            ),
            None => {}
        }
    }

    fn add(&mut self, other: &Tallies) {
        self.responses += other.responses;
        for (slot, n) in fft_slots(&mut self.fft)
            .into_iter()
            .zip(fft_values(&other.fft))
        {
            *slot += n;
        }
        for (key, p) in &other.agreement {
            let mine = self.agreement.entry(*key).or_default();
            mine.n += p.n;
            mine.agree += p.agree;
        }
    }

    /// What `self` has beyond `other` (never below zero).
    fn minus(&self, other: &Tallies) -> Tallies {
        let mut rest = self.clone();
        rest.responses = rest.responses.saturating_sub(other.responses);
        for (slot, n) in fft_slots(&mut rest.fft)
            .into_iter()
            .zip(fft_values(&other.fft))
        {
            *slot = slot.saturating_sub(n);
        }
        for (key, p) in &other.agreement {
            let mine = rest.agreement.entry(*key).or_default();
            mine.n = mine.n.saturating_sub(p.n);
            mine.agree = mine.agree.saturating_sub(p.agree).min(mine.n);
        }
        rest
    }

    fn count(&self, figure: Figure) -> u32 {
        match figure {
            Figure::Responses => self.responses,
            Figure::Fft => self.fft.total(),
            Figure::Agreement(c, r) => self.agreement.get(&(c, r)).map_or(0, |p| p.n),
        }
    }
}

fn fft_slots(c: &mut FftCounts) -> [&mut u32; 6] {
    [
        &mut c.very_good,
        &mut c.good,
        &mut c.neither,
        &mut c.poor,
        &mut c.very_poor,
        &mut c.dont_know,
    ]
}

fn fft_values(c: &FftCounts) -> [u32; 6] {
    [
        c.very_good,
        c.good,
        c.neither,
        c.poor,
        c.very_poor,
        c.dont_know,
    ]
}

/// One team's (or every team's) tallies, category by category, in `Categories` order.
type Unit = Vec<Tallies>;

/// Which figures of which categories are hidden, figure by figure.
type Hidden = BTreeMap<Figure, Vec<bool>>;

/// The categories of a dimension, in the questionnaires' order, `not_answered` last.
struct Categories(Vec<(String, String)>);

impl Categories {
    fn new(inputs: &BreakdownInputs<'_>, rows: &[EqualityCount]) -> Self {
        let mut list: Vec<(String, String)> = Vec::new();
        let mut asked: Vec<&Arc<SurveyVersion>> = inputs
            .current
            .iter()
            .chain(inputs.versions.values())
            .collect();
        // The standard service-user questionnaire names categories first; then the rest.
        asked.sort_by_key(|v| {
            (
                v.survey.respondent,
                v.survey.slug.len(),
                v.survey.slug.clone(),
            )
        });
        for version in asked {
            if let Some(q) = version.survey.about_you(inputs.dimension) {
                for o in &q.options {
                    if !list.iter().any(|(id, _)| *id == o.id) {
                        list.push((o.id.clone(), o.label.clone()));
                    }
                }
            }
        }
        for row in rows {
            if !list.iter().any(|(id, _)| *id == row.category) {
                list.push((row.category.clone(), row.category.clone()));
            }
        }
        list.retain(|(id, _)| id != equality::NOT_ANSWERED);
        list.push((equality::NOT_ANSWERED.into(), "Not answered".into()));
        Categories(list)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.0.iter().position(|(c, _)| c == id)
    }

    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Builds the breakdown from the loaded totals and the equality rows of the same period.
/// `teams` is `None` for one team's report, where all rows are that team's; for the Trust-wide
/// report it protects each team's own breakdown first (see the module's note).
pub fn build(
    inputs: &BreakdownInputs<'_>,
    everything: &Loaded,
    rows: &[EqualityCount],
    all_teams: bool,
) -> EqualityBreakdown {
    let min_n = inputs.min_n;
    let cells = everything.cells(min_n);
    let loaded = everything.shown_part(&cells);
    let categories = Categories::new(inputs, rows);
    let units = units_by_team(inputs, &loaded, rows, &cells, &categories);
    let figures = figures(inputs, &units);
    let whole: Unit = (0..categories.len())
        .map(|i| {
            let mut t = Tallies::default();
            for unit in units.values() {
                t.add(&unit[i]);
            }
            t
        })
        .collect();
    let hidden = if all_teams {
        let per_team: Vec<(&Unit, Hidden)> = units
            .values()
            .map(|u| (u, protect(u, &figures, &|_, _| false, min_n)))
            .collect();
        // A Trust-wide figure of a category is hidden when the teams' own breakdowns leave 1 to
        // min_n - 1 of it unaccounted for: subtracting them would give those few away.
        let unaccounted = |figure: Figure, i: usize| {
            let shown: u32 = per_team
                .iter()
                .filter(|(_, hidden)| !hidden[&figure][i])
                .map(|(unit, _)| unit[i].count(figure))
                .sum();
            let rest = whole[i].count(figure).saturating_sub(shown);
            rest > 0 && rest < min_n
        };
        protect(&whole, &figures, &unaccounted, min_n)
    } else {
        protect(&whole, &figures, &|_, _| false, min_n)
    };
    let total: u32 = whole.iter().map(|t| t.responses).sum();
    let asked = |c: Criterion| {
        figures
            .iter()
            .filter_map(move |f| match f {
                Figure::Agreement(fc, r) if *fc == c => Some(*r),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let criteria: Vec<Criterion> = figures
        .iter()
        .filter_map(|f| match f {
            Figure::Agreement(c, _) => Some(*c),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let ordered: Vec<Criterion> = Criterion::ALL
        .into_iter()
        .filter(|c| criteria.contains(c))
        .collect();
    EqualityBreakdown {
        by: inputs.dimension,
        label: inputs.dimension.label(),
        note: BREAKDOWN_NOTE,
        groups: equality::ASKED.to_vec(),
        responses: (total == 0 || total >= min_n).then_some(total),
        categories: categories
            .0
            .iter()
            .enumerate()
            .map(|(i, (id, label))| {
                let t = &whole[i];
                let shows = |f: Figure| !hidden[&f][i];
                CategoryFigures {
                    category: id.clone(),
                    label: label.clone(),
                    responses: shows(Figure::Responses).then_some(t.responses),
                    suppressed: !shows(Figure::Responses),
                    fft: if shows(Figure::Fft) {
                        fft_figures(&t.fft, min_n)
                    } else {
                        FftFigures::hidden()
                    },
                    criteria: ordered
                        .iter()
                        .map(|c| CategoryCriterion {
                            criterion: *c,
                            measure: if c.is_agreement() {
                                Measure::Agreement
                            } else {
                                Measure::YesNo
                            },
                            sources: asked(*c)
                                .into_iter()
                                .map(|r| {
                                    let f = Figure::Agreement(*c, r);
                                    let p = t.agreement.get(&(*c, r)).copied().unwrap_or_default();
                                    SourceFigures {
                                        source: r,
                                        figures: if shows(f) {
                                            agreement::figures(p, min_n)
                                        } else {
                                            agreement::figures(Proportion::default(), min_n)
                                        },
                                    }
                                })
                                .collect(),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Each team's tallies by category, from the shown cells of the service users and carers only.
/// `not_answered` is what the report's own figures hold beyond the answered categories, so that
/// every figure's categories add up to the report's.
fn units_by_team(
    inputs: &BreakdownInputs<'_>,
    loaded: &Loaded,
    rows: &[EqualityCount],
    cells: &Cells,
    categories: &Categories,
) -> BTreeMap<String, Unit> {
    let asked = |group: &str| Respondent::parse(group).filter(|r| equality::ASKED.contains(r));
    let question = |version: &str, id: &str| {
        inputs
            .versions
            .get(version)
            .and_then(|v| v.survey.question(id).cloned())
    };
    let mut overall: BTreeMap<String, Tallies> = BTreeMap::new();
    for r in &loaded.responses {
        if asked(&r.respondent).is_some() {
            overall.entry(r.team_id.clone()).or_default().responses += to_u32(r.count);
        }
    }
    for a in &loaded.answers {
        let (Some(group), Some(q)) = (
            asked(&a.respondent),
            question(&a.version_id, &a.question_id),
        ) else {
            continue;
        };
        overall.entry(a.team_id.clone()).or_default().add_answer(
            counted(&q, &a.value),
            group,
            to_u32(a.count),
        );
    }
    let not_answered = categories.len() - 1;
    let mut units: BTreeMap<String, Unit> = overall
        .keys()
        .map(|team| (team.clone(), vec![Tallies::default(); categories.len()]))
        .collect();
    for row in rows {
        let Some(group) = asked(&row.respondent) else {
            continue;
        };
        let (Some(i), Some(unit)) = (
            categories.position(&row.category),
            units.get_mut(&row.team_id),
        ) else {
            continue;
        };
        if i == not_answered || !cells.shows(&row.team_id, &row.month, &row.respondent) {
            continue;
        }
        let count = to_u32(row.count);
        if row.question_id.is_empty() {
            unit[i].responses += count;
        } else if let Some(q) = question(&row.version_id, &row.question_id) {
            unit[i].add_answer(counted(&q, &row.value), group, count);
        }
    }
    for (team, unit) in &mut units {
        let mut answered = Tallies::default();
        for t in &unit[..not_answered] {
            answered.add(t);
        }
        unit[not_answered] = overall[team].minus(&answered);
    }
    units
}

/// Every figure the breakdown gives: responses, the FFT, and agreement for each criterion and
/// source that the questionnaires of service users and carers ask about.
fn figures(inputs: &BreakdownInputs<'_>, units: &BTreeMap<String, Unit>) -> Vec<Figure> {
    let mut asked: BTreeSet<(Criterion, Respondent)> = BTreeSet::new();
    for v in inputs.current.iter().chain(inputs.versions.values()) {
        if !equality::ASKED.contains(&v.survey.respondent) {
            continue;
        }
        for q in &v.survey.questions {
            if let Some(c) = q.criterion {
                asked.insert((c, v.survey.respondent));
            }
        }
    }
    for unit in units.values() {
        for t in unit {
            asked.extend(t.agreement.keys().copied());
        }
    }
    [Figure::Responses, Figure::Fft]
        .into_iter()
        .chain(asked.into_iter().map(|(c, r)| Figure::Agreement(c, r)))
        .collect()
}

/// Decides what is hidden, figure by figure: the responses first, then every other figure with
/// the categories hidden there already hidden, and with `also_hidden` (the Trust-wide rule).
/// A unit of fewer than `min_n` responses in all is hidden whole.
fn protect(
    unit: &Unit,
    figures: &[Figure],
    also_hidden: &dyn Fn(Figure, usize) -> bool,
    min_n: u32,
) -> Hidden {
    let total: u32 = unit.iter().map(|t| t.responses).sum();
    if total > 0 && total < min_n {
        return figures
            .iter()
            .map(|f| (*f, vec![true; unit.len()]))
            .collect();
    }
    let hide = |figure: Figure, first: &[bool]| -> Vec<bool> {
        let counts: Vec<u32> = unit.iter().map(|t| t.count(figure)).collect();
        let first: Vec<bool> = first
            .iter()
            .enumerate()
            .map(|(i, h)| *h || also_hidden(figure, i))
            .collect();
        suppress_pooled(&counts, &first, min_n)
            .iter()
            .map(Option::is_none)
            .collect()
    };
    let categories = hide(Figure::Responses, &vec![false; unit.len()]);
    let mut hidden: Hidden = BTreeMap::new();
    for figure in figures {
        let h = match figure {
            Figure::Responses => categories.clone(),
            other => hide(*other, &categories),
        };
        hidden.insert(*figure, h);
    }
    hidden
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::queries::{AnswerCount, ResponseCount};
    use crate::surveys::{Catalogue, QuestionKind, load_definitions};

    struct Fixture {
        versions: HashMap<String, Arc<SurveyVersion>>,
        current: Vec<Arc<SurveyVersion>>,
        loaded: Loaded,
        rows: Vec<EqualityCount>,
    }

    impl Fixture {
        fn new() -> Self {
            let catalogue = Catalogue::new(load_definitions(None).unwrap());
            let current: Vec<Arc<SurveyVersion>> = catalogue.all_current().cloned().collect();
            let versions = current.iter().map(|v| (v.id.clone(), v.clone())).collect();
            Fixture {
                versions,
                current,
                loaded: Loaded::default(),
                rows: Vec::new(),
            }
        }

        /// `count` responses of `slug` from `team` in March, all answering every question
        /// the same way (FFT `fft`, agreeing or not), in `category` of the ethnic group
        /// (`None`: not answered).
        fn add(
            &mut self,
            team: &str,
            slug: &str,
            count: i64,
            agree: bool,
            fft: &str,
            category: Option<&str>,
        ) {
            let version = self
                .current
                .iter()
                .find(|v| v.survey.slug == slug)
                .unwrap()
                .clone();
            let group = version.survey.respondent.as_str().to_string();
            let month = "2026-03".to_string();
            self.loaded.responses.push(ResponseCount {
                team_id: team.into(),
                version_id: version.id.clone(),
                respondent: group.clone(),
                channel: "printed".into(),
                month: month.clone(),
                count,
            });
            let row = |question_id: &str, value: &str, category: &str| EqualityCount {
                team_id: team.into(),
                version_id: version.id.clone(),
                respondent: group.clone(),
                category: category.into(),
                question_id: question_id.into(),
                value: value.into(),
                month: month.clone(),
                count,
            };
            if let Some(category) = category {
                self.rows.push(row("", "", category));
            }
            for q in &version.survey.questions {
                let value = match q.kind {
                    QuestionKind::Fft => fft,
                    QuestionKind::Agree5 if agree => "5",
                    QuestionKind::Agree5 => "2",
                    QuestionKind::YesNo if agree => "yes",
                    QuestionKind::YesNo => "no",
                    _ => continue,
                };
                self.loaded.answers.push(AnswerCount {
                    team_id: team.into(),
                    version_id: version.id.clone(),
                    question_id: q.id.clone(),
                    respondent: group.clone(),
                    value: value.into(),
                    month: month.clone(),
                    count,
                });
                if let Some(category) = category {
                    self.rows.push(row(&q.id, value, category));
                }
            }
        }

        fn build(&self, all_teams: bool) -> EqualityBreakdown {
            let inputs = BreakdownInputs {
                dimension: Dimension::EthnicGroup,
                versions: &self.versions,
                current: &self.current,
                min_n: 5,
            };
            build(&inputs, &self.loaded, &self.rows, all_teams)
        }
    }

    fn category<'b>(b: &'b EqualityBreakdown, id: &str) -> &'b CategoryFigures {
        b.categories.iter().find(|c| c.category == id).unwrap()
    }

    fn agreement(c: &CategoryFigures, code: &str, source: Respondent) -> Option<f64> {
        c.criteria
            .iter()
            .find(|x| x.criterion.code() == code)
            .and_then(|x| x.sources.iter().find(|s| s.source == source))
            .and_then(|s| s.figures.agree_pct)
    }

    #[test]
    fn categories_with_enough_responses_are_shown_and_a_small_one_hides_with_the_next_smallest() {
        let mut f = Fixture::new();
        f.add("t1", "service-user", 6, true, "5", Some("white_british"));
        f.add("t1", "service-user", 5, false, "1", Some("black_african"));
        f.add("t1", "service-user", 2, true, "4", Some("asian_indian"));
        f.add("t1", "service-user", 3, true, "4", None);
        let b = f.build(false);
        assert_eq!(b.responses, Some(16));
        let white = category(&b, "white_british");
        assert_eq!(white.responses, Some(6));
        assert_eq!(white.fft.very_good, Some(6));
        assert_eq!(
            agreement(white, "22d", Respondent::ServiceUser),
            Some(100.0)
        );
        let black = category(&b, "black_african");
        assert_eq!(black.responses, Some(5));
        assert_eq!(black.fft.very_poor, Some(5));
        assert_eq!(agreement(black, "22d", Respondent::ServiceUser), Some(0.0));
        // The two Indian responses are hidden, and so is the next-smallest, the three who did
        // not answer: the total less the shown categories leaves five, in two places.
        for hidden in ["asian_indian", "not_answered"] {
            let c = category(&b, hidden);
            assert!(
                c.suppressed && c.responses.is_none() && c.fft.suppressed,
                "{hidden}"
            );
            assert_eq!(agreement(c, "22d", Respondent::ServiceUser), None);
        }
        assert_eq!(
            category(&b, "chinese").responses,
            Some(0),
            "a zero gives nothing away"
        );
        assert_eq!(b.categories.last().unwrap().category, "not_answered");
        assert_eq!(b.categories[0].category, "white_british");
    }

    #[test]
    fn a_category_too_small_in_one_figure_takes_another_with_it_in_that_figure() {
        let mut f = Fixture::new();
        f.add("t1", "service-user", 7, true, "5", Some("white_british"));
        f.add("t1", "service-user", 6, true, "5", Some("black_african"));
        f.add("t1", "service-user", 9, true, "5", None);
        // Carers: six White British, two of them Black African (their responses are counted
        // with the service users', so the category is shown; carers' own figures are not).
        f.add("t1", "carer", 6, true, "4", Some("white_british"));
        f.add("t1", "carer", 2, false, "1", Some("black_african"));
        f.add("t1", "carer", 5, true, "4", None);
        let b = f.build(false);
        let black = category(&b, "black_african");
        assert_eq!(black.responses, Some(8));
        assert_eq!(
            agreement(black, "22d", Respondent::ServiceUser),
            Some(100.0)
        );
        assert_eq!(
            agreement(black, "22d", Respondent::Carer),
            None,
            "two carers"
        );
        assert_eq!(
            agreement(category(&b, "not_answered"), "22d", Respondent::Carer),
            None,
            "the next-smallest carers' figure goes too"
        );
        let white = category(&b, "white_british");
        assert_eq!(agreement(white, "22d", Respondent::Carer), Some(100.0));
        // Carers of every category still add up to the report's own carers' figure.
        assert_eq!(
            black.fft.very_poor,
            Some(2),
            "the FFT counts both groups: 8 is enough"
        );
    }

    #[test]
    fn the_trust_wide_breakdown_hides_what_the_teams_breakdowns_would_leave_a_few_of() {
        let mut f = Fixture::new();
        // North has seven Black African service users, shown in its own breakdown; South has
        // one, hidden there. Trust-wide, eight would be shown, and 8 - 7 gives South's one away.
        f.add("north", "service-user", 7, true, "5", Some("black_african"));
        f.add(
            "north",
            "service-user",
            20,
            true,
            "5",
            Some("white_british"),
        );
        f.add("north", "service-user", 9, true, "5", None);
        f.add(
            "south",
            "service-user",
            1,
            false,
            "1",
            Some("black_african"),
        );
        f.add(
            "south",
            "service-user",
            12,
            true,
            "5",
            Some("white_british"),
        );
        f.add("south", "service-user", 6, true, "5", None);
        let trust = f.build(true);
        assert!(
            category(&trust, "black_african").suppressed,
            "{:?}",
            category(&trust, "black_african").responses
        );
        assert_eq!(trust.responses, Some(55));
        // Without North's own breakdown to subtract, eight would be fine.
        let mut g = Fixture::new();
        g.add("north", "service-user", 4, true, "5", Some("black_african"));
        g.add(
            "north",
            "service-user",
            20,
            true,
            "5",
            Some("white_british"),
        );
        g.add("north", "service-user", 9, true, "5", None);
        g.add(
            "south",
            "service-user",
            4,
            false,
            "1",
            Some("black_african"),
        );
        g.add(
            "south",
            "service-user",
            12,
            true,
            "5",
            Some("white_british"),
        );
        g.add("south", "service-user", 6, true, "5", None);
        let trust = g.build(true);
        assert_eq!(category(&trust, "black_african").responses, Some(8));
    }

    #[test]
    fn the_breakdown_serialises_with_nulls_for_hidden_figures() {
        let mut f = Fixture::new();
        f.add("t1", "service-user", 6, true, "5", Some("white_british"));
        f.add("t1", "service-user", 1, true, "5", Some("chinese"));
        f.add("t1", "service-user", 5, true, "5", None);
        let json = serde_json::to_value(f.build(false)).unwrap();
        assert_eq!(json["by"], "ethnic_group");
        assert_eq!(json["groups"], serde_json::json!(["service_user", "carer"]));
        let chinese = json["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == "chinese")
            .unwrap();
        assert_eq!(chinese["responses"], serde_json::Value::Null);
        assert_eq!(chinese["suppressed"], true);
        assert_eq!(chinese["fft"]["total"], serde_json::Value::Null);
    }
}
