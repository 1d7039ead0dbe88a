//! `/k/{token}`: a tablet at a team's base. Each visit opens a fresh questionnaire that can be
//! sent once. A questionnaire left on the screen goes back to the start fifteen minutes after it
//! opened (a page refresh, no JavaScript; the page says so), so the next person never sees the
//! last one's answers; after sending, a button starts the next one.

use super::survey_view::form_context;
use crate::error::AppError;
use crate::i18n::{Lang, t};
use crate::submissions::{Accepted, Collected, Unlinked};
use crate::surveys::SurveyVersion;
use crate::surveys::answers::{self, FieldError};
use crate::tablets::Tablet;
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use crate::web::lang::LangChoice;
use crate::web::pages::{Chrome, PageError};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

/// How long a questionnaire stays on the screen before the tablet goes back to the start: three
/// times the longest questionnaire's reading-and-answering estimate (under five minutes), so a
/// slow reader is not cut off, while a questionnaire left half done does not wait all day.
const IDLE_SECONDS: u32 = 15 * 60;

struct OnTablet {
    tablet: Tablet,
    version: Arc<SurveyVersion>,
    lang: Lang,
    chrome: Chrome,
}

async fn tablet_for(
    state: &State,
    choice: &LangChoice,
    token: String,
) -> Result<OnTablet, PageError> {
    let catalogue = state.catalogue.clone();
    let found = run_db_read(&state.pool, move |conn| {
        let Some(tablet) = crate::tablets::find_by_token(conn, &token)? else {
            return Ok(None);
        };
        let team = crate::teams::find(conn, &tablet.team_id)?;
        Ok::<_, diesel::result::Error>(Some((tablet, team)))
    })
    .await?;
    let (tablet, team) = found.ok_or(AppError::NotFound("tablet"))?;
    let version = catalogue.current(&tablet.survey_slug).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("a tablet's questionnaire is missing"))
    })?;
    let (lang, chrome) = page_for(choice, team);
    Ok(OnTablet {
        tablet,
        version,
        lang,
        chrome,
    })
}

fn page_for(choice: &LangChoice, team: Option<Team>) -> (Lang, Chrome) {
    let team_default = team.as_ref().filter(|t| t.welsh_first).map(|_| Lang::Cy);
    let lang = choice.resolve(team_default);
    (
        lang,
        Chrome::public(choice, lang, team.and_then(|t| t.crisis_line)),
    )
}

fn form(
    state: &State,
    on: &OnTablet,
    token: &str,
    visit: &str,
    values: &HashMap<String, String>,
    errors: &[FieldError],
    status: StatusCode,
) -> HttpResponse {
    let mut context = form_context(&on.version.survey, on.lang, values, errors);
    context["form_action"] = json!(format!("/k/{token}"));
    context["visit"] = json!(visit);
    context["kiosk_note"] = json!(t(on.lang, "tablet_note"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        context["unavailable"] = json!(true);
    }
    context["refresh_url"] = json!(format!("/k/{token}"));
    context["refresh_seconds"] = json!(IDLE_SECONDS);
    state.page("pages/survey", status, context, &on.chrome)
}

/// A fresh questionnaire on the tablet.
pub async fn show(
    state: State,
    choice: LangChoice,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let on = tablet_for(&state, &choice, token.clone()).await?;
    let tablet_id = on.tablet.id.clone();
    let visit = run_db(&state.pool, move |conn| {
        crate::tablets::open_visit(conn, &tablet_id)
    })
    .await?;
    Ok(form(
        &state,
        &on,
        &token,
        &visit,
        &HashMap::new(),
        &[],
        StatusCode::OK,
    ))
}

/// Stores the answers once, or shows the form again with every answer kept.
pub async fn submit(
    state: State,
    choice: LangChoice,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let on = tablet_for(&state, &choice, token.clone()).await?;
    let fields = crate::web::form::decode(&body).unwrap_or_default();
    let values: HashMap<String, String> = fields.iter().cloned().collect();
    let visit = values.get("visit").cloned().unwrap_or_default();
    let parsed = match answers::parse(&on.version.survey, &fields) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok(form(
                &state,
                &on,
                &token,
                &visit,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let unlinked = Unlinked {
        team_id: on.tablet.team_id.clone(),
        survey_version_id: on.version.id.clone(),
        respondent: on.version.survey.respondent,
        collected: Collected::Tablet {
            tablet_id: on.tablet.id.clone(),
            visit,
        },
    };
    match state.submissions.submit_unlinked(unlinked, &parsed).await {
        Ok(Accepted { urgent, .. }) => {
            state.metrics.responses_stored.inc();
            let context = json!({
                "title": t(on.lang, "thanks_title"),
                "urgent": urgent,
                // No timed refresh here: nothing of the answers is on this page, and someone in
                // crisis may be reading the help numbers. The next person starts from a button.
                "next_url": format!("/k/{token}"),
            });
            Ok(state.page("pages/thank_you", StatusCode::OK, context, &on.chrome))
        }
        // Sent already (a double press), or open too long: start afresh.
        Err(AppError::Gone) => Ok(HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/k/{token}")))
            .finish()),
        // Never lose what the person wrote: show it back and ask them to try again shortly.
        Err(e @ AppError::Unavailable(_)) => {
            e.log();
            Ok(form(
                &state,
                &on,
                &token,
                values.get("visit").map(String::as_str).unwrap_or(""),
                &values,
                &[],
                StatusCode::SERVICE_UNAVAILABLE,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
