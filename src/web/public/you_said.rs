//! `GET /teams/{code}/you-said-we-did`: what a team changed because of feedback, in words a
//! manager chose for the public.

use crate::concerns;
use crate::error::AppError;
use crate::web::State;
use crate::web::blocking::run_db_read;
use crate::web::pages::{Chrome, PageError};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;

/// The public page.
pub async fn show(
    state: State,
    choice: crate::web::lang::LangChoice,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = code.into_inner();
    let found = run_db_read(&state.pool, move |conn| {
        let Some(team) = crate::teams::find_by_code(conn, &code)? else {
            return Ok(None);
        };
        let items = concerns::you_said_we_did(conn, &team.id)?;
        Ok::<_, diesel::result::Error>(Some((team, items)))
    })
    .await?;
    let (team, items) = found.ok_or(AppError::NotFound("team"))?;
    let lang = choice.resolve(team.welsh_first.then_some(crate::i18n::Lang::Cy));
    let chrome = Chrome::public(&choice, lang, team.crisis_line.clone());
    Ok(state.page(
        "pages/you_said_we_did",
        StatusCode::OK,
        json!({
            "title": format!("{}: {}", crate::i18n::t(lang, "yswd_title"), team.name),
            "team_name": team.name,
            "items": items,
        }),
        &chrome,
    ))
}
