//! The period a report covers. Running totals are kept by month, so a period covers whole
//! months: from the first day of `from`'s month to the last day of `to`'s month.

use crate::error::AppError;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// `?from=YYYY-MM-DD&to=YYYY-MM-DD` as pages and the API take it; both optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`; twelve months before `to` when absent.
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD`; today when absent.
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The checked period, the twelve months to today by default.
    pub fn period(&self) -> Result<Period, AppError> {
        Period::parse(self.from.as_deref(), self.to.as_deref(), crate::db::today())
    }
}

/// A checked reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn parse_day(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    crate::concerns::actions::parse_date(field, raw)
}

impl Period {
    /// From optional `from`/`to` (YYYY-MM-DD); the default is the twelve months to `today`.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: NaiveDate) -> Result<Self, AppError> {
        let to = match to.filter(|s| !s.trim().is_empty()) {
            Some(raw) => parse_day("to", raw)?,
            None => today,
        };
        let from = match from.filter(|s| !s.trim().is_empty()) {
            Some(raw) => parse_day("from", raw)?,
            None => to.checked_sub_months(Months::new(11)).unwrap_or(to),
        };
        if from > to {
            return Err(AppError::field("from", "from must be on or before to"));
        }
        let from = from.with_day(1).unwrap_or(from);
        let to = to
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(to);
        Ok(Period { from, to })
    }

    /// The first and last months, as totals store them (`YYYY-MM`).
    pub fn months(&self) -> (String, String) {
        (
            self.from.format("%Y-%m").to_string(),
            self.to.format("%Y-%m").to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_is_the_twelve_months_to_today_in_whole_months() {
        let p = Period::parse(None, None, day("2026-11-22")).unwrap();
        assert_eq!(p.from, day("2025-12-01"));
        assert_eq!(p.to, day("2026-11-30"));
        assert_eq!(p.months(), ("2025-12".to_string(), "2026-11".to_string()));
    }

    #[test]
    fn given_dates_widen_to_whole_months_and_must_be_in_order() {
        let p = Period::parse(Some("2024-02-10"), Some("2024-02-20"), day("2026-01-01")).unwrap();
        assert_eq!((p.from, p.to), (day("2024-02-01"), day("2024-02-29")));
        assert!(Period::parse(Some("2024-03-01"), Some("2024-02-01"), day("2026-01-01")).is_err());
        assert!(Period::parse(Some("yesterday"), None, day("2026-01-01")).is_err());
    }
}
