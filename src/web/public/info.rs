//! The start page, the privacy notice, the accessibility statement, health checks and the stylesheet.

use crate::i18n::t;
use crate::web::State;
use crate::web::blocking::run_db_read;
use crate::web::lang::LangChoice;
use crate::web::pages::Chrome;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::json;

/// A simple public page in the chosen language, titled from the message catalogue.
fn simple_page(
    state: &State,
    choice: &LangChoice,
    template: &str,
    title_key: &str,
) -> HttpResponse {
    let lang = choice.resolve(None);
    state.page(
        template,
        StatusCode::OK,
        json!({ "title": t(lang, title_key) }),
        &Chrome::public(choice, lang, None),
    )
}

/// The start page.
pub async fn home(state: State, choice: LangChoice) -> HttpResponse {
    simple_page(&state, &choice, "pages/home", "home_title")
}

/// What happens to answers (Caldicott principle 8), linked from every public page.
pub async fn privacy(state: State, choice: LangChoice) -> HttpResponse {
    simple_page(&state, &choice, "pages/privacy", "privacy_title")
}

/// The accessibility statement.
pub async fn accessibility(state: State, choice: LangChoice) -> HttpResponse {
    simple_page(&state, &choice, "pages/accessibility", "a11y_title")
}

/// Liveness that also proves the database answers.
pub async fn healthz(state: State) -> HttpResponse {
    let check = run_db_read(&state.pool, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")
    })
    .await;
    match check {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ok", "database": "ok" })),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "database": "unreachable" })),
    }
}

/// Prometheus metrics, on the main address only with `Authorization: Bearer METRICS_TOKEN`:
/// counters scraped often enough would tell a watcher when each survey was answered. Anyone
/// else gets the same 404 as for a page that does not exist.
pub async fn metrics(state: State, req: actix_web::HttpRequest) -> HttpResponse {
    let presented = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let allowed = match (&state.settings.metrics_token, presented) {
        (Some(token), Some(presented)) => {
            use subtle::ConstantTimeEq;
            bool::from(token.expose().as_bytes().ct_eq(presented.trim().as_bytes()))
        }
        _ => false,
    };
    if !allowed {
        return HttpResponse::NotFound().finish();
    }
    metrics_body(&state).await
}

/// The metrics themselves; the outbox depth is read fresh at each scrape. Served without a
/// token on `METRICS_BIND`, which only the operator's network reaches.
pub async fn metrics_body(state: &State) -> HttpResponse {
    if let Ok(depth) = run_db_read(&state.pool, crate::mail::outbox::depth).await {
        state.metrics.outbox_depth.set(depth);
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

/// Readiness: the database answers and every migration is applied.
pub async fn readyz(state: State) -> HttpResponse {
    let check = run_db_read(&state.pool, crate::db::migrations_pending).await;
    match check {
        Ok(false) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Ok(true) => {
            HttpResponse::ServiceUnavailable().json(json!({ "status": "migrations_pending" }))
        }
        Err(_) => {
            HttpResponse::ServiceUnavailable().json(json!({ "status": "database_unreachable" }))
        }
    }
}

const STYLESHEET: &str = include_str!("../../../templates/static/style.css");

/// The one stylesheet, cached for a day.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"))
        .body(STYLESHEET)
}
