//! `GET /s/{token}` shows the questionnaire; `POST /s/{token}` stores the answers once.

use super::survey_view::form_context;
use crate::error::AppError;
use crate::i18n::{Lang, t};
use crate::invitations::{self, LinkState, OpenInvitation};
use crate::submissions::Accepted;
use crate::surveys::SurveyVersion;
use crate::surveys::answers::{self, FieldError};
use crate::web::State;
use crate::web::blocking::run_db_read;
use crate::web::lang::LangChoice;
use crate::web::pages::{Chrome, PageError};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// What a page about a link needs.
struct OpenLink {
    invitation: OpenInvitation,
    version: Arc<SurveyVersion>,
    lang: Lang,
    chrome: Chrome,
}

async fn open_link(
    state: &State,
    choice: &LangChoice,
    token: String,
) -> Result<OpenLink, PageError> {
    let catalogue = state.catalogue.clone();
    let found = run_db_read(&state.pool, move |conn| {
        let Some(link) = invitations::find_by_token(conn, &token)? else {
            return Ok(None);
        };
        let LinkState::Open(invitation) = link else {
            return Ok(Some(Err(())));
        };
        let version = catalogue.version(conn, &invitation.survey_version_id)?;
        let team = crate::teams::find(conn, &invitation.team_id)?;
        Ok::<_, diesel::result::Error>(Some(Ok((invitation, version, team))))
    })
    .await?;
    match found {
        None => Err(AppError::NotFound("link").into()),
        Some(Err(())) => Err(AppError::Gone.into()),
        Some(Ok((invitation, Some(version), team))) => {
            let (lang, chrome) = team_page(choice, team);
            Ok(OpenLink {
                invitation,
                version,
                lang,
                chrome,
            })
        }
        Some(Ok((_, None, _))) => {
            Err(AppError::Internal(anyhow::anyhow!("questionnaire version missing")).into())
        }
    }
}

fn gone_page(state: &State, choice: &LangChoice) -> HttpResponse {
    let lang = choice.resolve(None);
    state.page(
        "pages/link_closed",
        StatusCode::GONE,
        json!({ "title": t(lang, "closed_title") }),
        &Chrome::public(choice, lang, None),
    )
}

/// While the database is unreachable the questionnaire cannot even be looked up, so the
/// answers go back to the person as a form they can send again in a minute.
fn try_again_page(state: &State, choice: &LangChoice, body: &[u8]) -> HttpResponse {
    let lang = choice.resolve(None);
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let kept: Vec<Value> = fields
        .iter()
        .map(|(name, value)| json!({ "name": name, "value": value }))
        .collect();
    state.page(
        "pages/try_again",
        StatusCode::SERVICE_UNAVAILABLE,
        json!({ "title": t(lang, "not_sent_title"), "fields": kept }),
        &Chrome::public(choice, lang, None),
    )
}

/// Shows the questionnaire.
pub async fn show(
    state: State,
    choice: LangChoice,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    match open_link(&state, &choice, token.clone()).await {
        Ok(link) => {
            state.open_links.remember(&token, &link.invitation);
            // A blank questionnaire holds nothing of the person or the link (the language
            // switch is a relative `?lang=` link), so every link to this version shares it.
            Ok(state.shared_page(
                "pages/survey",
                &link.version.id,
                || form_context(&link.version.survey, link.lang, &HashMap::new(), &[]),
                &link.chrome,
            ))
        }
        Err(PageError(AppError::Gone)) => Ok(gone_page(&state, &choice)),
        Err(e) => Err(e),
    }
}

fn form_page(
    state: &State,
    link: &OpenLink,
    fields: &[(String, String)],
    errors: &[FieldError],
    status: StatusCode,
) -> HttpResponse {
    let values: HashMap<String, String> = fields.iter().cloned().collect();
    let mut context: Value = form_context(&link.version.survey, link.lang, &values, errors);
    if status == StatusCode::SERVICE_UNAVAILABLE {
        context["unavailable"] = json!(true);
        context["title"] = json!(format!(
            "{}: {}",
            t(link.lang, "not_sent_title"),
            link.version.survey.title_in(link.lang.code())
        ));
    }
    state.page("pages/survey", status, context, &link.chrome)
}

/// Stores the answers, or shows the form again with every answer kept and each problem named.
pub async fn submit(
    state: State,
    choice: LangChoice,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    // A link opened on this server a moment ago: its invitation is known, and answers that
    // check out go straight to the writer without reading it again.
    if let Some(link) = recalled_link(&state, &choice, &token) {
        if let Ok(fields) = crate::web::form::decode(&body) {
            if let Ok(parsed) = answers::parse(&link.version.survey, &fields) {
                return store_answers(&state, &choice, &token, &link, &fields, parsed).await;
            }
        }
    }
    let link = match open_link(&state, &choice, token.clone()).await {
        Ok(link) => link,
        Err(PageError(AppError::Gone)) => return Ok(gone_page(&state, &choice)),
        Err(PageError(e @ AppError::Unavailable(_))) => {
            e.log();
            return Ok(try_again_page(&state, &choice, &body));
        }
        Err(e) => return Err(e),
    };
    let fields = match crate::web::form::decode(&body) {
        Ok(fields) => fields,
        Err(crate::web::form::Unreadable) => {
            let error = FieldError {
                field: "form".into(),
                code: "unreadable",
                message: "What was sent could not be read. Please check your answers and send them again.".into(),
                count: None,
            };
            // Show back what could be read, marks and all, so the person can mend it.
            let readable: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&body).unwrap_or_default();
            return Ok(form_page(
                &state,
                &link,
                &readable,
                &[error],
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match answers::parse(&link.version.survey, &fields) {
        Ok(parsed) => store_answers(&state, &choice, &token, &link, &fields, parsed).await,
        Err(errors) => Ok(form_page(
            &state,
            &link,
            &fields,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
    }
}

/// A link opened here lately, with its questionnaire, shown for now in the language asked for;
/// the team's own language and crisis line come back with the stored answers.
fn recalled_link(state: &State, choice: &LangChoice, token: &str) -> Option<OpenLink> {
    let invitation = state.open_links.recall(token)?;
    let version = state
        .catalogue
        .cached_version(&invitation.survey_version_id)?;
    let (lang, chrome) = team_page(choice, None);
    Some(OpenLink {
        invitation,
        version,
        lang,
        chrome,
    })
}

/// The language and page chrome for a link of `team`, or the service's own without one.
fn team_page(choice: &LangChoice, team: Option<crate::teams::Team>) -> (Lang, Chrome) {
    // A team may put Welsh first; a choice made on the page wins.
    let team_default = team.as_ref().filter(|t| t.welsh_first).map(|_| Lang::Cy);
    let lang = choice.resolve(team_default);
    (
        lang,
        Chrome::public(choice, lang, team.and_then(|t| t.crisis_line)),
    )
}

/// Sends checked answers to the writer and answers with the thank-you page once they are on
/// disk.
async fn store_answers(
    state: &State,
    choice: &LangChoice,
    token: &str,
    link: &OpenLink,
    fields: &[(String, String)],
    parsed: Vec<crate::surveys::answers::Answer>,
) -> Result<HttpResponse, PageError> {
    let outcome = state
        .submissions
        .submit(
            link.invitation.clone(),
            link.version.survey.respondent,
            &parsed,
        )
        .await;
    match outcome {
        Ok(Accepted { urgent, team }) => {
            state.open_links.forget(token);
            state.metrics.responses_stored.inc();
            let (lang, chrome) = team_page(choice, team);
            Ok(state.shared_page(
                "pages/thank_you",
                if urgent { "urgent" } else { "" },
                || json!({ "title": t(lang, "thanks_title"), "urgent": urgent }),
                &chrome,
            ))
        }
        Err(AppError::Gone) => {
            state.open_links.forget(token);
            Ok(gone_page(state, choice))
        }
        // Never lose what the person wrote: show it back and ask them to try again shortly.
        Err(e @ AppError::Unavailable(_)) => {
            e.log();
            Ok(form_page(
                state,
                link,
                fields,
                &[],
                StatusCode::SERVICE_UNAVAILABLE,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
