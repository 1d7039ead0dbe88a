//! The one protected table every staff output is made from.
//!
//! Its cells are a team's responses from one group in one month. A cell with fewer than
//! `min_n` responses is withheld, and everything in it (its count, answers, comments, FFT
//! answers, sentiment) is left out of every output alike: the report, its CSV, the dashboard and
//! evidence pack, the comments, the answers export, the FFT return, the all-teams report and
//! the comments shown on concerns. Because every output leaves out the same cells, no figure
//! withheld in one can be worked out from another, or from two periods: each is a sum of whole
//! shown cells.
//!
//! Responses reach staff only in released batches of at least `min_n` per team group (see
//! `submissions::release`), so every cell is normally empty or shown; the rule here is what
//! keeps that true for data released under a smaller `min_n`, or before releases existed.

use crate::db::DbConnection;
use crate::db::schema::response_totals;
use crate::surveys::Respondent;
use diesel::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Which cells of the table are shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cells {
    shown: BTreeSet<(String, String, Respondent)>,
    /// Teams' groups with at least one withheld cell in the period.
    withheld: BTreeSet<(String, Respondent)>,
}

impl Cells {
    /// Decides each cell from response counts given as (team, month, group, count); several
    /// counts of one cell (one per questionnaire version and channel) are added up first.
    pub fn from_counts<'a>(
        counts: impl IntoIterator<Item = (&'a str, &'a str, &'a str, i64)>,
        min_n: u32,
    ) -> Self {
        let mut per_cell: BTreeMap<(String, String, Respondent), i64> = BTreeMap::new();
        for (team, month, group, count) in counts {
            if let Some(group) = Respondent::parse(group) {
                *per_cell
                    .entry((team.to_string(), month.to_string(), group))
                    .or_default() += count;
            }
        }
        let mut cells = Cells::default();
        for ((team, month, group), count) in per_cell {
            if count >= i64::from(min_n) {
                cells.shown.insert((team, month, group));
            } else if count > 0 {
                cells.withheld.insert((team, group));
            }
        }
        cells
    }

    /// Reads the response counts of a team (or every team) from `first` to `last` (`YYYY-MM`,
    /// inclusive) and decides the cells.
    pub fn load(
        conn: &mut DbConnection,
        team_id: Option<&str>,
        (first, last): (&str, &str),
        min_n: u32,
    ) -> QueryResult<Self> {
        let mut query = response_totals::table
            .filter(response_totals::month.between(first.to_string(), last.to_string()))
            .into_boxed();
        if let Some(team_id) = team_id {
            query = query.filter(response_totals::team_id.eq(team_id.to_string()));
        }
        let counts: Vec<(String, String, String, i64)> = query
            .select((
                response_totals::team_id,
                response_totals::month,
                response_totals::respondent,
                response_totals::count,
            ))
            .load(conn)?;
        Ok(Self::from_counts(
            counts
                .iter()
                .map(|(t, m, g, n)| (t.as_str(), m.as_str(), g.as_str(), *n)),
            min_n,
        ))
    }

    /// Whether a team's responses from `group` in `month` (`YYYY-MM`) are shown.
    pub fn shows(&self, team_id: &str, month: &str, group: &str) -> bool {
        Respondent::parse(group).is_some_and(|group| {
            self.shown
                .contains(&(team_id.to_string(), month.to_string(), group))
        })
    }

    /// Whether any team has a withheld cell of `group`.
    pub fn withholds(&self, group: Respondent) -> bool {
        self.withheld.iter().any(|(_, g)| *g == group)
    }

    /// Whether any cell is withheld at all.
    pub fn withholds_any(&self) -> bool {
        !self.withheld.is_empty()
    }

    /// Groups with a withheld cell, in report order.
    pub fn withheld_groups(&self) -> Vec<Respondent> {
        Respondent::ALL
            .into_iter()
            .filter(|g| self.withholds(*g))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_shown_from_min_n_responses_and_counts_add_up_across_versions() {
        let cells = Cells::from_counts(
            [
                ("t1", "2026-03", "carer", 3),
                ("t1", "2026-03", "carer", 2),
                ("t1", "2026-04", "carer", 4),
                ("t1", "2026-03", "staff", 9),
                ("t2", "2026-03", "staff", 1),
            ],
            5,
        );
        assert!(cells.shows("t1", "2026-03", "carer"), "3 + 2 make 5");
        assert!(!cells.shows("t1", "2026-04", "carer"));
        assert!(cells.shows("t1", "2026-03", "staff"));
        assert!(!cells.shows("t2", "2026-03", "staff"));
        assert!(
            !cells.shows("t1", "2026-05", "staff"),
            "an empty cell shows nothing"
        );
        assert_eq!(
            cells.withheld_groups(),
            vec![Respondent::Carer, Respondent::Staff]
        );
        assert!(!cells.withholds(Respondent::Partner));
    }
}
