//! Survey rounds from the staff area: a manager sends the staff or partner questionnaire to the
//! team as one batch of links (see `rounds`), and sees the team's rounds, open and closed.

use super::{StaffForm, team_for};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::rounds::{self, RoundRequest, Sending};
use crate::staff::Permission;
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;

async fn page(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    values: &HashMap<String, String>,
    errors: &[(&str, String)],
    opened: Option<Value>,
) -> Result<HttpResponse, PageError> {
    let team_id = team.id.clone();
    let list = run_db_read(&state.pool, move |conn| rounds::list(conn, &team_id)).await?;
    let surveys: Vec<Value> = state
        .catalogue
        .all_current()
        .filter(|v| Sending::of(v.survey.respondent) == Sending::ByRound)
        .map(|v| json!({ "slug": v.survey.slug, "title": v.survey.title, "selected": values.get("survey") == Some(&v.survey.slug) }))
        .collect();
    let error = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let context = json!({
        "title": if errors.is_empty() { "Survey rounds" } else { "Error: Survey rounds" },
        "team": team,
        "surveys": surveys,
        "rounds": list,
        "count": values.get("count").cloned().unwrap_or_default(),
        "errors": errors.iter().map(|(f, m)| json!({ "href": format!("#{f}"), "message": m })).collect::<Vec<_>>(),
        "survey_error": error("survey"),
        "count_error": error("count"),
        "opened": opened,
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(state.page("pages/rounds", status, context, &signed_in.chrome()))
}

/// The team's rounds and the form to open one.
pub async fn show(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::RunSurveyRounds,
    )
    .await?;
    page(&state, &signed_in, &team, &HashMap::new(), &[], None).await
}

/// Opens a round and shows its links, once.
pub async fn open(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::RunSurveyRounds,
    )
    .await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let mut errors: Vec<(&str, String)> = Vec::new();
    let version = state
        .catalogue
        .current(form.get("survey"))
        .filter(|v| Sending::of(v.survey.respondent) == Sending::ByRound);
    if version.is_none() {
        errors.push(("survey", "Select the staff or partner questionnaire".into()));
    }
    let count = match form.get("count").trim().parse::<usize>() {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            errors.push(("count", "Enter how many links to make, 1 or more".into()));
            None
        }
    };
    let (Some(version), Some(count), true) = (version, count, errors.is_empty()) else {
        return page(&state, &signed_in, &team, &form.0, &errors, None).await;
    };
    let expiry_days = state.settings.invitation_expiry_days;
    let actor = signed_in.user.audit_label();
    let user_id = signed_in.user.id.clone();
    let round_team = team.clone();
    let outcome = run_db(&state.pool, move |conn| {
        let request = RoundRequest {
            team: &round_team,
            version: &version,
            count,
            opened_by: &user_id,
            expiry_days,
        };
        match rounds::open(conn, &request)? {
            Ok(opened) => {
                audit::record(
                    conn,
                    &actor,
                    AuditAction::RoundOpen,
                    Some(&round_team.id),
                    &format!(
                        "round={} survey={} links={count}",
                        opened.id, version.survey.slug
                    ),
                )?;
                Ok::<_, AppError>(Ok((opened, version.survey.title.clone())))
            }
            Err(refusal) => Ok(Err(refusal.explain(&version.survey.slug))),
        }
    })
    .await?;
    match outcome {
        Ok((opened, title)) => {
            let public_url = &state.settings.public_url;
            let links: Vec<Value> = opened
                .links
                .iter()
                .map(|l| json!({ "url": format!("{public_url}/s/{}", l.token), "code": crate::invitations::short_code::format_for_card(&l.code) }))
                .collect();
            let shown = json!({ "title": title, "closes_on": opened.closes_on, "links": links, "code_url": format!("{public_url}/code") });
            page(&state, &signed_in, &team, &HashMap::new(), &[], Some(shown)).await
        }
        Err((field, message)) => {
            let message = format!("{}{}", message[..1].to_uppercase(), &message[1..]);
            let field = if field == "count" { "count" } else { "survey" };
            page(
                &state,
                &signed_in,
                &team,
                &form.0,
                &[(field, message)],
                None,
            )
            .await
        }
    }
}
