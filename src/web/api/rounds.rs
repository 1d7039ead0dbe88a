//! `POST /api/v1/teams/{code}/rounds`: the staff or partner questionnaire sent to a team as one
//! survey round (see `rounds`), by its managers and admins.

use super::{ApiUser, parse_body};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::invitations::MAX_BATCH;
use crate::rounds::{self, RoundRequest};
use crate::staff::Permission;
use crate::web::State;
use crate::web::blocking::run_db;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// A round of the staff or partner questionnaire.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoundRequestBody {
    /// The slug of a staff or partner questionnaire (`staff`, `partner`).
    survey: String,
    /// How many links, 1 to the team's staff size (or partner list size).
    #[schema(minimum = 1, maximum = 500)]
    count: i64,
}

/// A link of the round, to send to one member of staff or partner service.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RoundLink {
    url: String,
    code: String,
    expires_on: chrono::NaiveDate,
}

/// The round just opened.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OpenedRound {
    id: String,
    survey: String,
    /// The last day its links work; the round closes then, or when every link is used.
    closes_on: chrono::NaiveDate,
    invitations: Vec<RoundLink>,
}

/// `POST /api/v1/teams/{code}/rounds`
#[utoipa::path(
    post,
    path = "/api/v1/teams/{code}/rounds",
    tag = "invitations",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = RoundRequestBody,
    responses(
        (status = 201, description = "The round is open; here are its links", body = OpenedRound),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn open(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::RunSurveyRounds)
        .await?;
    let request: RoundRequestBody = parse_body(&body)?;
    let slug = request.survey.trim().to_string();
    let version = state.catalogue.current(&slug).ok_or_else(|| {
        AppError::field(
            "survey",
            format!("there is no questionnaire with slug `{slug}`"),
        )
    })?;
    let count = usize::try_from(request.count)
        .ok()
        .filter(|n| (1..=MAX_BATCH).contains(n))
        .ok_or_else(|| AppError::field("count", format!("count must be from 1 to {MAX_BATCH}")))?;
    let expiry_days = state.settings.invitation_expiry_days;
    let actor = user.0.audit_label();
    let user_id = user.0.id.clone();
    let team_id = team.id.clone();
    let opened = run_db(&state.pool, move |conn| {
        let request = RoundRequest {
            team: &team,
            version: &version,
            count,
            opened_by: &user_id,
            expiry_days,
        };
        let opened = match rounds::open(conn, &request)? {
            Ok(opened) => opened,
            Err(refusal) => {
                let (field, message) = refusal.explain(&version.survey.slug);
                return Err(match refusal {
                    rounds::Refusal::AlreadyOpen { .. } => AppError::NotAllowed {
                        field: Some(field.into()),
                        message,
                    },
                    _ => AppError::field(field, message),
                });
            }
        };
        audit::record(
            conn,
            &actor,
            AuditAction::RoundOpen,
            Some(&team_id),
            &format!(
                "round={} survey={} links={count}",
                opened.id, version.survey.slug
            ),
        )?;
        Ok::<_, AppError>((opened, version.survey.slug.clone()))
    })
    .await?;
    let (opened, survey) = opened;
    let public_url = &state.settings.public_url;
    Ok(HttpResponse::Created().json(OpenedRound {
        id: opened.id,
        survey,
        closes_on: opened.closes_on,
        invitations: opened
            .links
            .into_iter()
            .map(|l| RoundLink {
                url: format!("{public_url}/s/{}", l.token),
                code: l.code,
                expires_on: l.expires_on,
            })
            .collect(),
    }))
}
