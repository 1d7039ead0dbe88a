//! Concerns and actions over the API.

use super::Created;
use super::{ApiUser, created, parse_body};
use crate::concerns::actions::{self, ActionChange, NewAction};
use crate::concerns::audit::AuditAction;
use crate::concerns::{self, ConcernFilter, ConcernSource, Summary, audit};
use crate::error::AppError;
use crate::staff::Permission;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// `GET /api/v1/teams/{code}/concerns`
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/concerns",
    tag = "concerns",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    responses(
        (status = 200, description = "Concerns with their actions", body = Vec<crate::concerns::Concern>),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
        (status = 403, description = "No right to this for this team", body = crate::web::errors::ErrorBody),
        (status = 404, description = "No such team or record", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn list(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ViewConcerns)
        .await?;
    let (min_n, actor) = (state.rules.min_n, user.0.audit_label());
    let list = run_db(&state.pool, move |conn| {
        // The list carries survey comments, so reading it is recorded like any comment view.
        audit::record(
            conn,
            &actor,
            AuditAction::CommentsView,
            Some(&team.id),
            "concerns",
        )?;
        concerns::list(conn, &team.id, &ConcernFilter::all(min_n))
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A concern logged by hand (a complaint, PALS contact, audit finding...).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConcern {
    summary: String,
    source: String,
}

/// `POST /api/v1/teams/{code}/concerns`
#[utoipa::path(
    post,
    path = "/api/v1/teams/{code}/concerns",
    tag = "concerns",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = NewConcern,
    responses(
        (status = 201, description = "Logged", body = Created),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn create(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ManageConcerns)
        .await?;
    let request: NewConcern = parse_body(&body)?;
    let summary = Summary::parse(&request.summary)?;
    let source = ConcernSource::parse_loggable(&request.source)?;
    let actor = user.0.audit_label();
    let id = run_db(&state.pool, move |conn| {
        let id = concerns::log(conn, &team.id, source, &summary)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ConcernCreate,
            Some(&team.id),
            &format!("concern={id} source={}", source.as_str()),
        )?;
        Ok::<_, diesel::result::Error>(id)
    })
    .await?;
    Ok(created(id))
}

/// Checks the user may manage the concern's team; another team's concern is a 404, so its
/// existence is not confirmed.
fn concern_team(user: &ApiUser, team_id: Option<String>) -> Result<String, AppError> {
    let team_id = team_id.ok_or(AppError::NotFound("concern"))?;
    user.0
        .may_touch(&team_id, Permission::ManageConcerns, "concern")?;
    Ok(team_id)
}

/// An action on a concern.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActionRequest {
    description: String,
    owner: String,
    due_on: String,
}

/// `POST /api/v1/concerns/{id}/actions`
#[utoipa::path(
    post,
    path = "/api/v1/concerns/{id}/actions",
    tag = "concerns",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The record's id")),
    request_body = NewActionRequest,
    responses(
        (status = 201, description = "Added", body = Created),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn add_action(
    user: ApiUser,
    state: State,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let concern_id = id.into_inner();
    let lookup = concern_id.clone();
    let team_id = run_db_read(&state.pool, move |conn| concerns::team_of(conn, &lookup)).await?;
    let team_id = concern_team(&user, team_id)?;
    let request: NewActionRequest = parse_body(&body)?;
    let new = NewAction::parse(&request.description, &request.owner, &request.due_on)?;
    let actor = user.0.audit_label();
    let action_id = run_db(&state.pool, move |conn| {
        let id = actions::add(conn, &concern_id, &new)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ActionCreate,
            Some(&team_id),
            &format!("concern={concern_id} action={id}"),
        )?;
        Ok::<_, diesel::result::Error>(id)
    })
    .await?;
    Ok(created(action_id))
}

/// `PATCH /api/v1/actions/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/actions/{id}",
    tag = "concerns",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The record's id")),
    request_body = crate::concerns::actions::ActionChange,
    responses(
        (status = 200, description = "The action as it now stands", body = crate::concerns::actions::ActionRow),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn update_action(
    user: ApiUser,
    state: State,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let action_id = id.into_inner();
    let lookup = action_id.clone();
    let team_id = run_db_read(&state.pool, move |conn| {
        concerns::team_of_action(conn, &lookup)
    })
    .await?;
    let team_id = concern_team(&user, team_id)?;
    let change: ActionChange = parse_body(&body)?;
    let actor = user.0.audit_label();
    let updated = run_db(&state.pool, move |conn| {
        let current = actions::find(conn, &action_id)?.ok_or(AppError::NotFound("action"))?;
        let updated = actions::update(conn, &current, &change)?;
        audit::record(
            conn,
            &actor,
            AuditAction::ActionUpdate,
            Some(&team_id),
            &format!("action={action_id} status={}", updated.status),
        )?;
        Ok::<_, AppError>(updated)
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}
