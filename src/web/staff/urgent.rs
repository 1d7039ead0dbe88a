//! A team's urgent comments for its managers and clinicians (and admins): read at once, and
//! acknowledged with a note of what was done. Every reading goes to the audit log.

use super::{StaffForm, team_for};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::staff::Permission;
use crate::teams::Team;
use crate::urgent::{self, AckNote, UrgentStatus};
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde_json::json;
use std::collections::HashMap;

/// A note typed for one comment that could not be taken, shown back beside it.
struct Refused<'a> {
    id: &'a str,
    typed: &'a str,
    why: String,
}

async fn render(
    state: &State,
    signed_in: &SignedIn,
    team: Team,
    refused: Option<Refused<'_>>,
) -> Result<HttpResponse, PageError> {
    let actor = signed_in.user.audit_label();
    let team_id = team.id.clone();
    let list = run_db(&state.pool, move |conn| {
        audit::record(conn, &actor, AuditAction::UrgentView, Some(&team_id), "")?;
        urgent::list(conn, &team_id)
    })
    .await?;
    let comments: Vec<_> = list
        .iter()
        .map(|c| {
            let refused_here = refused.as_ref().filter(|r| r.id == c.id);
            json!({
                "id": c.id,
                "text": c.text,
                "group": crate::surveys::Respondent::parse(&c.group).map(|r| r.label()).unwrap_or("Unknown"),
                "questionnaire": c.questionnaire,
                "date": c.date.format("%-d %B %Y").to_string(),
                "acknowledged": c.status == UrgentStatus::Acknowledged,
                "acknowledged_by": c.acknowledged_by,
                "acknowledged_at": c.acknowledged_at.map(|t| t.format("%-d %B %Y at %H:%M UTC").to_string()),
                "note": c.note,
                "note_error": refused_here.map(|r| r.why.clone()),
                "note_typed": refused_here.map(|r| r.typed.to_string()),
            })
        })
        .collect();
    let errors: Vec<_> = refused
        .iter()
        .map(|r| json!({ "href": format!("#note-{}", r.id), "message": r.why }))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let context = json!({
        "title": format!("Urgent comments: {}", team.name),
        "team": team,
        "comments": comments,
        "errors": errors,
    });
    Ok(state.page("pages/urgent", status, context, &signed_in.chrome()))
}

/// `GET /staff/teams/{code}/urgent`
pub async fn list(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::ViewUrgent,
    )
    .await?;
    render(&state, &signed_in, team, None).await
}

/// `POST /staff/urgent/{id}/acknowledge`
pub async fn acknowledge(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let lookup = id.clone();
    let found = run_db_read(&state.pool, move |conn| urgent::find(conn, &lookup)).await?;
    let (team_id, _) = found.ok_or(AppError::NotFound("urgent comment"))?;
    signed_in
        .user
        .may_touch(&team_id, Permission::ViewUrgent, "urgent comment")?;
    let form = StaffForm::checked(&signed_in, form)?;
    let team = run_db_read(&state.pool, {
        let team_id = team_id.clone();
        move |conn| crate::teams::find(conn, &team_id)
    })
    .await?
    .ok_or(AppError::NotFound("team"))?;
    let note = match AckNote::parse(form.get("note")) {
        Ok(note) => note,
        Err(why) => {
            let refused = Refused {
                id: &id,
                typed: form.get("note"),
                why,
            };
            return render(&state, &signed_in, team, Some(refused)).await;
        }
    };
    let actor = signed_in.user.audit_label();
    // Staff see who acknowledged it by their work address; the audit log keeps the user id.
    let by = signed_in.user.email.clone();
    let code = team.code.clone();
    run_db(&state.pool, move |conn| {
        urgent::acknowledge(conn, &id, &by, &note)?;
        audit::record(
            conn,
            &actor,
            AuditAction::UrgentAcknowledge,
            Some(&team_id),
            &format!("urgent={id}"),
        )
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, format!("/staff/teams/{code}/urgent")))
        .finish())
}
