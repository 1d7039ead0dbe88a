//! The append-only audit log of staff actions. Nothing here updates or deletes an entry.

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// Records one staff action. `detail` must hold no free text, email address or token.
pub fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: &str,
    team_id: Option<&str>,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(uuid::Uuid::new_v4().to_string()),
            audit_log::at.eq(crate::db::now()),
            audit_log::actor.eq(actor),
            audit_log::action.eq(action),
            audit_log::team_id.eq(team_id),
            audit_log::detail.eq(detail),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One entry as shown to admins.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub team_id: Option<String>,
    pub detail: String,
}

/// Filters for reading the log.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub team_id: Option<String>,
    pub actor: Option<String>,
}

/// The newest entries matching the filter, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(team) = &filter.team_id {
        query = query.filter(audit_log::team_id.eq(team.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor.eq(actor.clone()));
    }
    query
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}
