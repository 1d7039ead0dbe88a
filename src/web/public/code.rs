//! `/code`: typing the short code from a paper card leads to the same questionnaire as the link.

use crate::invitations::{self, LinkState};
use crate::web::State;
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

fn page(state: &State, status: StatusCode, typed: &str, error: Option<&str>) -> HttpResponse {
    state.page(
        "pages/code",
        status,
        json!({
            "title": if error.is_some() { "Error: Enter the code from your card" } else { "Enter the code from your card" },
            "code": typed,
            "error": error,
        }),
        &Chrome::default(),
    )
}

/// Shows the form.
pub async fn show(state: State) -> HttpResponse {
    page(&state, StatusCode::OK, "", None)
}

/// Checks the code and sends the person on to their questionnaire.
pub async fn submit(state: State, form: web::Form<CodeForm>) -> Result<HttpResponse, PageError> {
    let typed = form.into_inner().code;
    if typed.trim().is_empty() {
        return Ok(page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            Some("Enter the code from your card"),
        ));
    }
    let lookup = typed.clone();
    let outcome = crate::db::run(&state.pool, move |conn| {
        invitations::exchange_code(conn, &lookup)
    })
    .await?;
    Ok(match outcome {
        Some(Ok(token)) => HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/s/{token}")))
            .finish(),
        Some(Err(LinkState::Used | LinkState::Expired)) => state.page(
            "pages/link_closed",
            StatusCode::GONE,
            json!({ "title": "This code has already been used or has ended" }),
            &Chrome::default(),
        ),
        _ => page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            Some(
                "We could not find that code. Check it against your card: it has 10 letters and numbers",
            ),
        ),
    })
}
