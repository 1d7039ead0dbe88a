//! The audit log page, for admins only. Read-only: nothing in the service edits it.

use crate::concerns::audit::{self, AuditFilter};
use crate::error::AppError;
use crate::web::State;
use crate::web::blocking::run_db_read;
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

/// Filters from the query string.
#[derive(Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    team: Option<String>,
}

/// Shows the newest entries, filtered.
pub async fn show(
    state: State,
    signed_in: SignedIn,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    if !signed_in.user.is_admin {
        return Err(AppError::Forbidden.into());
    }
    let query = query.into_inner();
    let action = query.action.filter(|a| !a.trim().is_empty());
    let team_code = query.team.filter(|t| !t.trim().is_empty());
    let (filter_action, filter_team) = (action.clone(), team_code.clone());
    let entries = run_db_read(&state.pool, move |conn| {
        let team_id = match &filter_team {
            Some(code) => crate::teams::find_by_code(conn, code)?
                .map(|t| t.id)
                .or(Some(String::new())),
            None => None,
        };
        let filter = AuditFilter {
            action: filter_action,
            team_id,
            actor: None,
        };
        audit::list(conn, &filter, 500)
    })
    .await?;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| json!({ "at": e.at.format("%Y-%m-%d %H:%M:%S").to_string(), "actor": e.actor, "action": e.action, "team_id": e.team_id, "detail": e.detail }))
        .collect();
    Ok(state.page(
        "pages/audit",
        StatusCode::OK,
        json!({ "title": "Audit log", "entries": rows, "action": action, "team": team_code }),
        &signed_in.chrome(),
    ))
}
