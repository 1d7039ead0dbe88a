//! `/code`: typing the short code from a paper card leads to the same questionnaire as the link.

use crate::i18n::{Lang, t};
use crate::invitations::{self, LinkState};
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::lang::LangChoice;
use crate::web::pages::{Chrome, PageError};
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

/// The code form.
#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn page(
    state: &State,
    choice: &LangChoice,
    status: StatusCode,
    typed: &str,
    error: Option<&str>,
) -> HttpResponse {
    let lang = choice.resolve(None);
    let title = t(lang, "code_title");
    state.page(
        "pages/code",
        status,
        json!({
            "title": if error.is_some() { format!("{} {title}", t(lang, "error_prefix")) } else { title },
            "code": typed,
            "error": error.map(|key| t(lang, key)),
        }),
        &Chrome::public(choice, lang, None),
    )
}

/// Shows the form.
pub async fn show(state: State, choice: LangChoice) -> HttpResponse {
    page(&state, &choice, StatusCode::OK, "", None)
}

/// Checks the code and sends the person on to their questionnaire, in the same language.
pub async fn submit(
    state: State,
    choice: LangChoice,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, PageError> {
    let typed = form.into_inner().code;
    if typed.trim().is_empty() {
        return Ok(page(
            &state,
            &choice,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            Some("code_error_empty"),
        ));
    }
    let lookup = typed.clone();
    let outcome = run_db(&state.pool, move |conn| {
        invitations::exchange_code(conn, &lookup)
    })
    .await?;
    let lang = choice.resolve(None);
    Ok(match outcome {
        Some(Ok(token)) => {
            let suffix = if choice.asked == Some(Lang::Cy) {
                "?lang=cy"
            } else {
                ""
            };
            HttpResponse::SeeOther()
                .insert_header((LOCATION, format!("/s/{token}{suffix}")))
                .finish()
        }
        Some(Err(LinkState::Used | LinkState::Expired)) => state.page(
            "pages/link_closed",
            StatusCode::GONE,
            json!({ "title": t(lang, "closed_code_title") }),
            &Chrome::public(&choice, lang, None),
        ),
        _ => page(
            &state,
            &choice,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            Some("code_error_unknown"),
        ),
    })
}

/// `GET /c/{code}`: the short link in a text message. It leads, like a typed code, to a fresh
/// link to the same questionnaire; a used or expired one says so, an unknown one is not found.
pub async fn short_link(
    state: State,
    choice: LangChoice,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let lookup = code.into_inner();
    let outcome = run_db(&state.pool, move |conn| {
        invitations::exchange_code(conn, &lookup)
    })
    .await?;
    let lang = choice.resolve(None);
    Ok(match outcome {
        Some(Ok(token)) => {
            let suffix = if choice.asked == Some(Lang::Cy) {
                "?lang=cy"
            } else {
                ""
            };
            HttpResponse::SeeOther()
                .insert_header((LOCATION, format!("/s/{token}{suffix}")))
                .finish()
        }
        Some(Err(LinkState::Used | LinkState::Expired)) => state.page(
            "pages/link_closed",
            StatusCode::GONE,
            json!({ "title": t(lang, "closed_code_title") }),
            &Chrome::public(&choice, lang, None),
        ),
        _ => state.error_page(
            StatusCode::NOT_FOUND,
            crate::web::pages::default_message(StatusCode::NOT_FOUND),
        ),
    })
}
