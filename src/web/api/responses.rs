//! `POST /api/v1/teams/{code}/responses`: a returned paper form, or answers taken by telephone,
//! keyed in by staff. The same checks, scrubbing, risk language, release and anonymity rules
//! apply as to answers sent through a link.

use super::{ApiUser, parse_body};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::staff::Permission;
use crate::submissions::{Collected, Unlinked};
use crate::surveys::answers;
use crate::web::State;
use crate::web::blocking::run_db;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// A response taken on paper or by telephone.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnteredResponse {
    /// A questionnaire's slug.
    survey: String,
    /// `paper` or `telephone`.
    mode: String,
    /// Answers by question id, spelt as the questionnaire's form sends them (`"5"`,
    /// `"dont_know"`, `"yes"`, an option's id, or free text).
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    answers: serde_json::Map<String, serde_json::Value>,
}

/// What was stored.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Entered {
    /// It waits for its release, like any response.
    stored: bool,
    /// Whether it used risk language (its team's duty contact is alerted).
    urgent: bool,
}

/// `POST /api/v1/teams/{code}/responses`
#[utoipa::path(
    post,
    path = "/api/v1/teams/{code}/responses",
    tag = "invitations",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = EnteredResponse,
    responses(
        (status = 201, description = "Stored, to be released with its group's batch", body = Entered),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn enter(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::IssueInvitations)
        .await?;
    let given: EnteredResponse = parse_body(&body)?;
    let collected = match given.mode.as_str() {
        "paper" => Collected::Paper,
        "telephone" => Collected::Telephone,
        _ => return Err(AppError::field("mode", "mode must be paper or telephone")),
    };
    let version = state
        .catalogue
        .current(given.survey.trim())
        .ok_or_else(|| {
            AppError::field(
                "survey",
                format!(
                    "there is no questionnaire with slug `{}`",
                    given.survey.trim()
                ),
            )
        })?;
    let fields: Vec<(String, String)> = given
        .answers
        .iter()
        .map(|(question, value)| {
            let value = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (question.clone(), value)
        })
        .collect();
    let parsed = answers::parse(&version.survey, &fields).map_err(|errors| {
        let first = &errors[0];
        AppError::field(
            &format!("answers.{}", first.field),
            errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let unlinked = Unlinked {
        team_id: team.id.clone(),
        survey_version_id: version.id.clone(),
        respondent: version.survey.respondent,
        collected: collected.clone(),
    };
    let accepted = state.submissions.submit_unlinked(unlinked, &parsed).await?;
    state.metrics.responses_stored.inc();
    let actor = user.0.audit_label();
    // That a response was entered, by whom and how; never which.
    let detail = format!(
        "survey={} mode={}",
        version.survey.slug,
        collected.channel()
    );
    run_db(&state.pool, move |conn| {
        audit::record(
            conn,
            &actor,
            AuditAction::ResponseEntered,
            Some(&team.id),
            &detail,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(Entered {
        stored: true,
        urgent: accepted.urgent,
    }))
}
