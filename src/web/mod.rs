//! HTTP: handlers grouped by audience (public survey pages, signed-in staff, JSON API),
//! with the middleware every response passes through.

pub mod api;
pub mod blocking;
pub mod body_deadline;
pub mod charts;
pub mod client_address;
pub mod errors;
pub mod form;
pub mod lang;
pub mod middleware;
pub mod page_cache;
pub mod pages;
pub mod public;
pub mod rate_limit;
pub mod session;
pub mod staff;

use crate::config::Settings;
use crate::db::Pool;
use crate::mail::worker::Nudge;
use crate::surveys::Catalogue;
use crate::templates::Templates;
use crate::web::blocking::run_db_read;
use actix_web::web;
use std::sync::Arc;

/// What every handler may use.
pub struct AppState {
    pub pool: Pool,
    /// Survey submissions: their free text read, then committed in groups by one writer.
    pub submissions: crate::submissions::Submissions,
    pub catalogue: Arc<Catalogue>,
    pub templates: Arc<Templates>,
    pub settings: Arc<Settings>,
    pub rules: Arc<crate::reports::rules::EvidenceRules>,
    pub nudge: Arc<Nudge>,
    pub metrics: crate::metrics::Metrics,
    /// Contacts who asked not to be invited again.
    pub opt_outs: crate::opt_outs::OptOuts,
    /// Whether text messages are set up (GOV.UK Notify).
    pub texts: bool,
    /// Pages the same for everyone who sees them (a blank questionnaire, the thank-you page).
    pub page_cache: page_cache::PageCache,
    /// Invitations behind links opened here lately, for the answers that follow.
    pub open_links: public::open_links::OpenLinks,
}

/// Shorthand for the shared state extractor.
pub type State = web::Data<AppState>;

/// The team named in a path, if the user may do this there: 404 for an unknown team, 403 for
/// a team the user has no such right in. Pages and the API both check access this way.
pub async fn team_access(
    state: &AppState,
    user: &crate::staff::StaffUser,
    code: String,
    permission: crate::staff::Permission,
) -> Result<crate::teams::Team, crate::error::AppError> {
    let team = run_db_read(&state.pool, move |conn| {
        crate::teams::find_by_code(conn, &code)
    })
    .await?
    .ok_or(crate::error::AppError::NotFound("team"))?;
    if user.can(&team.id, permission) {
        Ok(team)
    } else {
        Err(crate::error::AppError::Forbidden)
    }
}

/// The whole route tree.
pub fn configure(
    cfg: &mut web::ServiceConfig,
    settings: &Settings,
    session_key: &actix_web::cookie::Key,
    limiter: &rate_limit::Limiter,
) {
    cfg.service(web::scope("/api").configure(api::configure))
        .service(
            web::scope("/staff")
                .wrap(pages::error_pages())
                .wrap(session::middleware(settings, session_key.clone()))
                .configure(|cfg| staff::configure(cfg, limiter)),
        )
        .service(
            web::scope("")
                .wrap(pages::error_pages())
                .configure(|cfg| public::configure(cfg, limiter))
                .default_service(web::to(pages::not_found)),
        );
}
