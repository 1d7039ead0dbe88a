//! Actions on a concern: who does what by when, and how it ended.

use crate::db::DbConnection;
use crate::db::schema::actions;
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    NotTakenForward,
}

impl ActionStatus {
    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in_progress",
            ActionStatus::Done => "done",
            ActionStatus::NotTakenForward => "not_taken_forward",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "planned" => Some(ActionStatus::Planned),
            "in_progress" => Some(ActionStatus::InProgress),
            "done" => Some(ActionStatus::Done),
            "not_taken_forward" => Some(ActionStatus::NotTakenForward),
            _ => None,
        }
    }

    /// A plain label for pages.
    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::Planned => "Planned",
            ActionStatus::InProgress => "In progress",
            ActionStatus::Done => "Done",
            ActionStatus::NotTakenForward => "Not taken forward",
        }
    }

    /// Done and not-taken-forward are final: what was reported stays reported.
    pub fn is_final(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::NotTakenForward)
    }

    /// Whether an action may move from `self` to `next`.
    pub fn may_become(self, next: ActionStatus) -> bool {
        self == next || !self.is_final()
    }
}

/// A stored action.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = actions)]
pub struct ActionRow {
    pub id: String,
    pub concern_id: String,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: String,
    pub reason: Option<String>,
    pub outcome: Option<String>,
    pub planned_on: NaiveDate,
    pub in_progress_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub not_taken_forward_on: Option<NaiveDate>,
    pub publishable: bool,
    pub public_you_said: Option<String>,
    pub public_wording: Option<String>,
    #[serde(skip)]
    pub created_at: NaiveDateTime,
}

impl ActionRow {
    /// The parsed status.
    pub fn status(&self) -> ActionStatus {
        ActionStatus::parse(&self.status).unwrap_or(ActionStatus::Planned)
    }

    /// Not finished and past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        !self.status().is_final() && self.due_on < today
    }
}

fn text_field(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(AppError::field(field, format!("{field} must not be empty")));
    }
    if value.chars().count() > max {
        return Err(AppError::field(
            field,
            format!("{field} must be at most {max} characters"),
        ));
    }
    Ok(value.to_string())
}

/// Parses a `YYYY-MM-DD` date, naming the field when it is not one.
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, AppError> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::field(field, format!("{field} must be a date written YYYY-MM-DD"))
    })?;
    let year = chrono::Datelike::year(&date);
    if !(2000..=2100).contains(&year) {
        return Err(AppError::field(
            field,
            format!("{field} must be between the years 2000 and 2100"),
        ));
    }
    Ok(date)
}

/// A new action, checked.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
}

impl NewAction {
    /// Checks the three fields, naming the first one at fault.
    pub fn parse(description: &str, owner: &str, due_on: &str) -> Result<Self, AppError> {
        Ok(NewAction {
            description: text_field("description", description, 1000)?,
            owner: text_field("owner", owner, 200)?,
            due_on: parse_date("due_on", due_on)?,
        })
    }
}

/// Adds an action to a concern, planned from today.
pub fn add(conn: &mut DbConnection, concern_id: &str, new: &NewAction) -> QueryResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(actions::table)
        .values((
            actions::id.eq(&id),
            actions::concern_id.eq(concern_id),
            actions::description.eq(&new.description),
            actions::owner.eq(&new.owner),
            actions::due_on.eq(new.due_on),
            actions::status.eq(ActionStatus::Planned.as_str()),
            actions::planned_on.eq(crate::db::today()),
            actions::publishable.eq(false),
            actions::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// A change to an action; absent fields stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionChange {
    pub status: Option<String>,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub due_on: Option<String>,
    pub publishable: Option<bool>,
    pub public_you_said: Option<String>,
    pub public_wording: Option<String>,
}

/// One action by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ActionRow>> {
    actions::table
        .find(id)
        .select(ActionRow::as_select())
        .get_result(conn)
        .optional()
}

/// The actions of a concern, oldest first.
pub fn for_concern(conn: &mut DbConnection, concern_id: &str) -> QueryResult<Vec<ActionRow>> {
    actions::table
        .filter(actions::concern_id.eq(concern_id))
        .order(actions::created_at.asc())
        .select(ActionRow::as_select())
        .load(conn)
}

/// Applies a change, enforcing the rules: final statuses stay final, not taken forward needs a
/// reason, and only a done action with public wording may be published.
pub fn update(
    conn: &mut DbConnection,
    current: &ActionRow,
    change: &ActionChange,
) -> Result<ActionRow, AppError> {
    let mut next = current.clone();
    let today = crate::db::today();
    if let Some(raw) = &change.status {
        let status = ActionStatus::parse(raw.trim()).ok_or_else(|| {
            AppError::field(
                "status",
                "status must be one of planned, in_progress, done, not_taken_forward",
            )
        })?;
        if !current.status().may_become(status) {
            return Err(AppError::field(
                "status",
                format!(
                    "an action that is {} cannot become {}",
                    current.status().as_str(),
                    status.as_str()
                ),
            ));
        }
        if status != current.status() {
            match status {
                ActionStatus::Planned => {}
                ActionStatus::InProgress => next.in_progress_on = Some(today),
                ActionStatus::Done => next.done_on = Some(today),
                ActionStatus::NotTakenForward => next.not_taken_forward_on = Some(today),
            }
        }
        next.status = status.as_str().to_string();
    }
    if let Some(v) = &change.outcome {
        next.outcome = Some(text_field("outcome", v, 2000)?);
    }
    if let Some(v) = &change.reason {
        next.reason = Some(text_field("reason", v, 2000)?);
    }
    if let Some(v) = &change.description {
        next.description = text_field("description", v, 1000)?;
    }
    if let Some(v) = &change.owner {
        next.owner = text_field("owner", v, 200)?;
    }
    if let Some(v) = &change.due_on {
        next.due_on = parse_date("due_on", v)?;
    }
    if let Some(v) = &change.public_you_said {
        next.public_you_said = Some(v.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        if next
            .public_you_said
            .as_ref()
            .is_some_and(|s| s.chars().count() > 500)
        {
            return Err(AppError::field(
                "public_you_said",
                "public_you_said must be at most 500 characters",
            ));
        }
    }
    if let Some(v) = &change.public_wording {
        next.public_wording = Some(v.trim()).filter(|s| !s.is_empty()).map(str::to_string);
        if next
            .public_wording
            .as_ref()
            .is_some_and(|s| s.chars().count() > 1000)
        {
            return Err(AppError::field(
                "public_wording",
                "public_wording must be at most 1000 characters",
            ));
        }
    }
    if let Some(p) = change.publishable {
        next.publishable = p;
    }
    if next.status() == ActionStatus::NotTakenForward && next.reason.is_none() {
        return Err(AppError::field(
            "reason",
            "give a reason when an action is not taken forward",
        ));
    }
    if next.publishable {
        if next.status() != ActionStatus::Done {
            return Err(AppError::field(
                "publishable",
                "only a done action can be published",
            ));
        }
        if next.public_wording.is_none() {
            return Err(AppError::field(
                "public_wording",
                "write the public wording before publishing",
            ));
        }
    }
    // Only if nobody changed it since it was read: otherwise a stale copy could undo a final status.
    let written = diesel::update(
        actions::table
            .find(&current.id)
            .filter(actions::status.eq(&current.status)),
    )
    .set((
        actions::status.eq(&next.status),
        actions::outcome.eq(&next.outcome),
        actions::reason.eq(&next.reason),
        actions::description.eq(&next.description),
        actions::owner.eq(&next.owner),
        actions::due_on.eq(next.due_on),
        actions::in_progress_on.eq(next.in_progress_on),
        actions::done_on.eq(next.done_on),
        actions::not_taken_forward_on.eq(next.not_taken_forward_on),
        actions::publishable.eq(next.publishable),
        actions::public_you_said.eq(&next.public_you_said),
        actions::public_wording.eq(&next.public_wording),
    ))
    .execute(conn)?;
    if written == 0 {
        return Err(AppError::field(
            "status",
            "someone else changed this action just now; reload it and try again",
        ));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_statuses_stay_final() {
        assert!(ActionStatus::Planned.may_become(ActionStatus::Done));
        assert!(ActionStatus::InProgress.may_become(ActionStatus::Planned));
        assert!(!ActionStatus::Done.may_become(ActionStatus::InProgress));
        assert!(!ActionStatus::NotTakenForward.may_become(ActionStatus::Done));
        assert!(ActionStatus::Done.may_become(ActionStatus::Done));
    }

    #[test]
    fn dates_must_be_iso_and_plausible() {
        assert!(parse_date("due_on", "2026-12-01").is_ok());
        for bad in ["01/12/2026", "2026-13-01", "9999-01-01", "", "tomorrow"] {
            match parse_date("due_on", bad) {
                Err(AppError::BadRequest { field, .. }) => {
                    assert_eq!(field.as_deref(), Some("due_on"))
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
