//! Fidelity evidence: the report a manager prints for a review and the FFT return is made from.

pub mod breakdown;
pub mod build;
pub mod comments;
pub mod export;
pub mod period;
pub mod queries;
pub mod rules;

use crate::db::DbConnection;
use crate::surveys::{Catalogue, Dimension, SurveyVersion};
use diesel::QueryResult;
use std::collections::HashMap;
use std::sync::Arc;

pub use build::Report;
pub use period::Period;

/// Reads and builds the report for a team (`None`: every team).
pub fn report(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    rules: &rules::EvidenceRules,
    team: Option<(&str, &str)>,
    period: Period,
) -> QueryResult<Report> {
    report_by(conn, catalogue, rules, team, period, None)
}

/// The report with, when `by` names a dimension, its equality breakdown.
pub fn report_by(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    rules: &rules::EvidenceRules,
    team: Option<(&str, &str)>,
    period: Period,
    by: Option<Dimension>,
) -> QueryResult<Report> {
    let loaded = queries::load(conn, team.map(|(id, _)| id), &period, rules.min_n)?;
    let equality_rows = match by {
        Some(dimension) => {
            queries::load_equality(conn, team.map(|(id, _)| id), &period, dimension)?
        }
        None => Vec::new(),
    };
    let mut versions: HashMap<String, Arc<SurveyVersion>> = HashMap::new();
    let ids: std::collections::BTreeSet<&String> = loaded
        .responses
        .iter()
        .map(|r| &r.version_id)
        .chain(loaded.answers.iter().map(|a| &a.version_id))
        .chain(equality_rows.iter().map(|e| &e.version_id))
        .collect();
    for id in ids {
        if let Some(v) = catalogue.version(conn, id)? {
            versions.insert(id.clone(), v);
        }
    }
    let current: Vec<Arc<SurveyVersion>> = catalogue.all_current().cloned().collect();
    let inputs = build::Inputs {
        team: team.map(|(_, code)| code.to_string()),
        period,
        versions: &versions,
        current: &current,
        rules,
        today: crate::db::today(),
    };
    let mut report = build::build(&inputs, &loaded);
    if let Some(dimension) = by {
        let inputs = breakdown::BreakdownInputs {
            dimension,
            versions: &versions,
            current: &current,
            min_n: rules.min_n,
        };
        report.breakdown = Some(breakdown::build(
            &inputs,
            &loaded,
            &equality_rows,
            team.is_none(),
        ));
    }
    Ok(report)
}
