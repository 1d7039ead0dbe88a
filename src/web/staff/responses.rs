//! Keying in a returned paper form or answers taken by telephone: the questionnaire's own form,
//! plus how the answers were given. Managers and clinicians of the team may.

use super::team_for;
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::staff::Permission;
use crate::submissions::{Collected, Unlinked};
use crate::surveys::SurveyVersion;
use crate::surveys::answers::{self, FieldError};
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::PageError;
use crate::web::public::form_context;
use crate::web::session::{SignedIn, check_csrf};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// Which questionnaire to key in.
#[derive(Deserialize)]
pub struct Which {
    survey: Option<String>,
}

fn form_page(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    version: &SurveyVersion,
    values: &HashMap<String, String>,
    errors: &[FieldError],
    mode_error: Option<&str>,
) -> HttpResponse {
    let mut context = form_context(&version.survey, Lang::En, values, errors);
    let failed = !errors.is_empty() || mode_error.is_some();
    context["title"] = json!(format!(
        "{}Enter a response: {}",
        if failed { "Error: " } else { "" },
        version.survey.title
    ));
    context["form_action"] = json!(format!(
        "/staff/teams/{}/responses?survey={}",
        team.code, version.survey.slug
    ));
    context["entry"] = json!(true);
    context["mode_paper"] = json!(values.get("mode").map(String::as_str) == Some("paper"));
    context["mode_telephone"] = json!(values.get("mode").map(String::as_str) == Some("telephone"));
    context["mode_error"] = json!(mode_error);
    if let Some(why) = mode_error {
        let mut summary = context["errors"].as_array().cloned().unwrap_or_default();
        summary.insert(0, json!({ "href": "#mode", "message": why }));
        context["errors"] = json!(summary);
        context["has_errors"] = json!(true);
    }
    let status = if failed {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    state.page("pages/survey", status, context, &signed_in.chrome())
}

fn questionnaire(state: &State, which: &Which) -> Option<Arc<SurveyVersion>> {
    which
        .survey
        .as_deref()
        .and_then(|slug| state.catalogue.current(slug))
}

/// `GET /staff/teams/{code}/responses/new`: the questionnaires, or one's form.
pub async fn new_form(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    which: web::Query<Which>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::IssueInvitations,
    )
    .await?;
    match questionnaire(&state, &which) {
        Some(version) => Ok(form_page(
            &state,
            &signed_in,
            &team,
            &version,
            &HashMap::new(),
            &[],
            None,
        )),
        None => {
            let surveys: Vec<_> = state
                .catalogue
                .all_current()
                .map(|v| json!({ "slug": v.survey.slug, "title": v.survey.title }))
                .collect();
            let context = json!({
                "title": "Enter a paper or telephone response",
                "team": team,
                "surveys": surveys,
            });
            Ok(state.page(
                "pages/enter_choose",
                StatusCode::OK,
                context,
                &signed_in.chrome(),
            ))
        }
    }
}

/// `POST /staff/teams/{code}/responses?survey=SLUG`
pub async fn enter(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    which: web::Query<Which>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::IssueInvitations,
    )
    .await?;
    let fields = crate::web::form::decode(&body).unwrap_or_default();
    let values: HashMap<String, String> = fields.iter().cloned().collect();
    check_csrf(
        &signed_in.session,
        values.get("csrf_token").map(String::as_str),
    )?;
    let version = questionnaire(&state, &which).ok_or(AppError::NotFound("questionnaire"))?;
    let collected = match values.get("mode").map(String::as_str) {
        Some("paper") => Some(Collected::Paper),
        Some("telephone") => Some(Collected::Telephone),
        _ => None,
    };
    let parsed = answers::parse(&version.survey, &fields);
    let (collected, parsed) = match (collected, parsed) {
        (Some(collected), Ok(parsed)) => (collected, parsed),
        (collected, parsed) => {
            let errors = parsed.err().unwrap_or_default();
            let mode_error = collected
                .is_none()
                .then_some("Say whether the answers were on paper or by telephone");
            return Ok(form_page(
                &state, &signed_in, &team, &version, &values, &errors, mode_error,
            ));
        }
    };
    let unlinked = Unlinked {
        team_id: team.id.clone(),
        survey_version_id: version.id.clone(),
        respondent: version.survey.respondent,
        collected: collected.clone(),
    };
    let accepted = state.submissions.submit_unlinked(unlinked, &parsed).await?;
    state.metrics.responses_stored.inc();
    let actor = signed_in.user.audit_label();
    let team_id = team.id.clone();
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
            Some(&team_id),
            &detail,
        )
    })
    .await?;
    let context = json!({
        "title": format!("Enter a response: {}", version.survey.title),
        "team": team,
        "survey": version.survey.slug,
        "urgent": accepted.urgent,
    });
    Ok(state.page(
        "pages/entered",
        StatusCode::OK,
        context,
        &signed_in.chrome(),
    ))
}
