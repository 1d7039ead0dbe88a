//! The signed-in staff area: sign-in, teams, invitations, concerns and actions, the audit log.
//! Every route checks the user's role in the team whose data it touches.

mod admin;
mod audit_log;
mod concerns;
mod evidence;
mod glance;
mod home;
mod invitations;
mod sign_in;
mod urgent;

use super::rate_limit::{Guarded, Limiter};
use super::session::{SignedIn, check_csrf};
use crate::error::AppError;
use crate::staff::Permission;
use crate::teams::Team;
use crate::web::State;
use actix_web::web;
use std::collections::HashMap;

/// Staff routes (under `/staff`).
pub fn configure(cfg: &mut web::ServiceConfig, limiter: &Limiter) {
    cfg.service(
        web::resource("/sign-in")
            .wrap(limiter.middleware(Guarded::SignIn))
            .route(web::get().to(sign_in::show))
            .route(web::post().to(sign_in::submit)),
    )
    .route("/sign-out", web::post().to(sign_in::sign_out))
    .route("", web::get().to(home::home))
    .route("/", web::get().to(home::home))
    .route("/teams/{code}", web::get().to(home::team))
    .route(
        "/teams/{code}/invitations/new",
        web::get().to(invitations::new_form),
    )
    .route(
        "/teams/{code}/invitations",
        web::post().to(invitations::issue),
    )
    .route("/teams/{code}/concerns", web::get().to(concerns::list))
    .route("/teams/{code}/concerns", web::post().to(concerns::create))
    .route("/concerns/{id}", web::get().to(concerns::show))
    .route(
        "/concerns/{id}/actions",
        web::post().to(concerns::add_action),
    )
    .route("/concerns/{id}/close", web::post().to(concerns::close))
    .route("/actions/{id}", web::post().to(concerns::update_action))
    .route("/audit", web::get().to(audit_log::show))
    .route(
        "/teams/{code}/dashboard",
        web::get().to(evidence::dashboard),
    )
    .route(
        "/teams/{code}/evidence",
        web::get().to(evidence::evidence_pack),
    )
    .route(
        "/teams/{code}/comments",
        web::get().to(evidence::comments_page),
    )
    .route(
        "/teams/{code}/exports/{file}",
        web::get().to(evidence::export_csv),
    )
    .route(
        "/comments/{id}/sentiment",
        web::post().to(evidence::correct_sentiment),
    )
    .route("/teams/{code}/urgent", web::get().to(urgent::list))
    .route(
        "/urgent/{id}/acknowledge",
        web::post().to(urgent::acknowledge),
    )
    .route("/admin", web::get().to(admin::show))
    .route("/admin/teams", web::post().to(admin::add_team))
    .route(
        "/admin/teams/{code}/crisis-line",
        web::post().to(admin::set_crisis_line),
    )
    .route("/admin/users", web::post().to(admin::add_user))
    .route(
        "/admin/teams/{code}/duty-contact",
        web::post().to(admin::set_duty_contact),
    )
    .route(
        "/admin/teams/{code}/preferences",
        web::post().to(admin::set_preferences),
    );
}

/// A submitted staff form: every field kept for showing back, CSRF checked first.
pub struct StaffForm(pub HashMap<String, String>);

impl StaffForm {
    /// Checks the CSRF token against the session.
    pub fn checked(
        signed_in: &SignedIn,
        form: web::Form<HashMap<String, String>>,
    ) -> Result<Self, AppError> {
        let form = form.into_inner();
        check_csrf(
            &signed_in.session,
            form.get("csrf_token").map(String::as_str),
        )?;
        Ok(StaffForm(form))
    }

    /// A field's value, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
}

/// The team named in the path, if the user may do this there: 404 for an unknown team, 403 otherwise.
pub async fn team_for(
    state: &State,
    user: &SignedIn,
    code: String,
    permission: Permission,
) -> Result<Team, AppError> {
    crate::web::team_access(state, &user.user, code, permission).await
}
