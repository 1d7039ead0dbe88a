//! Public pages: answering a questionnaire, typing a code, the privacy notice, and each team's
//! "you said, we did". No cookies are set here.

mod code;
mod info;
pub mod open_links;
mod survey;
mod survey_view;
mod tablet;
mod you_said;

pub use info::metrics_body;
pub use survey_view::form_context;

use super::rate_limit::{Guarded, Limiter};
use actix_web::web;

/// Public routes.
pub fn configure(cfg: &mut web::ServiceConfig, limiter: &Limiter) {
    cfg.route("/", web::get().to(info::home))
        .route("/healthz", web::get().to(info::healthz))
        .route("/readyz", web::get().to(info::readyz))
        .route("/metrics", web::get().to(info::metrics))
        .route("/privacy", web::get().to(info::privacy))
        .route("/accessibility", web::get().to(info::accessibility))
        .route("/static/style.css", web::get().to(info::stylesheet))
        .service(
            web::resource("/s/{token}")
                .wrap(limiter.middleware(Guarded::SurveyLinks))
                .route(web::get().to(survey::show))
                .route(web::post().to(survey::submit)),
        )
        .service(
            web::resource("/k/{token}")
                .wrap(limiter.middleware(Guarded::Tablets))
                .route(web::get().to(tablet::show))
                .route(web::post().to(tablet::submit)),
        )
        .service(
            web::resource("/c/{code}")
                .wrap(limiter.middleware(Guarded::Codes))
                .route(web::get().to(code::short_link)),
        )
        .service(
            web::resource("/code")
                .wrap(limiter.middleware(Guarded::Codes))
                .route(web::get().to(code::show))
                .route(web::post().to(code::submit)),
        )
        .route(
            "/teams/{code}/you-said-we-did",
            web::get().to(you_said::show),
        );
}
