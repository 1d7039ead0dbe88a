//! Urgent comments over the API: a team's list, acknowledging one with a note of what was done,
//! and the team's duty contact.

use super::{ApiUser, parse_body};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::staff::Permission;
use crate::urgent::{self, AckNote};
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// `GET /api/v1/teams/{code}/urgent`
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/urgent",
    tag = "urgent",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    responses(
        (status = 200, description = "The team's urgent comments, whatever the size of their group, those waiting for acknowledgement first", body = Vec<crate::urgent::UrgentComment>),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn list(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ViewUrgent)
        .await?;
    let actor = user.0.audit_label();
    let list = run_db(&state.pool, move |conn| {
        audit::record(conn, &actor, AuditAction::UrgentView, Some(&team.id), "")?;
        urgent::list(conn, &team.id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// What was done about an urgent comment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// Required: what was done.
    note: String,
}

/// `POST /api/v1/urgent/{id}/acknowledge`
#[utoipa::path(
    post,
    path = "/api/v1/urgent/{id}/acknowledge",
    tag = "urgent",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The urgent comment's id")),
    request_body = Acknowledgement,
    responses(
        (status = 200, description = "The urgent comment, acknowledged", body = crate::urgent::UrgentComment),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn acknowledge(
    user: ApiUser,
    state: State,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lookup = id.clone();
    let found = run_db_read(&state.pool, move |conn| urgent::find(conn, &lookup)).await?;
    let (team_id, _) = found.ok_or(AppError::NotFound("urgent comment"))?;
    user.0
        .may_touch(&team_id, Permission::ViewUrgent, "urgent comment")?;
    let given: Acknowledgement = parse_body(&body)?;
    let note = AckNote::parse(&given.note).map_err(|why| AppError::field("note", why))?;
    let actor = user.0.audit_label();
    // Staff see who acknowledged it by their work address; the audit log keeps the user id.
    let by = user.0.email.clone();
    let done = run_db(&state.pool, move |conn| {
        let done = urgent::acknowledge(conn, &id, &by, &note)?
            .ok_or(AppError::NotFound("urgent comment"))?;
        audit::record(
            conn,
            &actor,
            AuditAction::UrgentAcknowledge,
            Some(&team_id),
            &format!("urgent={id}"),
        )?;
        Ok::<_, AppError>(done)
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// A change to a team's duty contact: give a field to set it, `null` or "" to clear it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamChange {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    urgent_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    urgent_mobile: Option<Option<String>>,
}

/// A field that is there, even as `null`, is `Some`: an absent field changes nothing.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// The team's duty contact as the API shows it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TeamView {
    code: String,
    name: String,
    urgent_email: Option<String>,
    urgent_mobile: Option<String>,
}

/// Checks one part of a change: absent stays, empty or `null` clears, anything else is parsed.
fn checked(
    given: Option<Option<String>>,
    parse: fn(&str) -> Result<String, String>,
    field: &str,
) -> Result<Option<Option<String>>, AppError> {
    match given {
        None => Ok(None),
        Some(value) => match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Some(None)),
            Some(v) => parse(v)
                .map(|ok| Some(Some(ok)))
                .map_err(|why| AppError::field(field, why)),
        },
    }
}

/// `PATCH /api/v1/teams/{code}`
#[utoipa::path(
    patch,
    path = "/api/v1/teams/{code}",
    tag = "urgent",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = TeamChange,
    responses(
        (status = 200, description = "The team's duty contact as it now stands", body = TeamView),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn update_team(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::SetDutyContact)
        .await?;
    let change: TeamChange = parse_body(&body)?;
    let email = checked(
        change.urgent_email,
        urgent::parse_duty_email,
        "urgent_email",
    )?;
    let mobile = checked(
        change.urgent_mobile,
        urgent::parse_duty_mobile,
        "urgent_mobile",
    )?;
    let actor = user.0.audit_label();
    let contact = run_db(&state.pool, move |conn| {
        urgent::set_duty_contact(
            conn,
            &team.id,
            email.as_ref().map(Option::as_deref),
            mobile.as_ref().map(Option::as_deref),
        )?;
        audit::record(
            conn,
            &actor,
            AuditAction::TeamDutyContact,
            Some(&team.id),
            "",
        )?;
        let contact = urgent::duty_contact(conn, &team.id)?;
        Ok::<_, AppError>((team, contact))
    })
    .await?;
    let (team, contact) = contact;
    Ok(HttpResponse::Ok().json(TeamView {
        code: team.code,
        name: team.name,
        urgent_email: contact.email,
        urgent_mobile: contact.mobile,
    }))
}
