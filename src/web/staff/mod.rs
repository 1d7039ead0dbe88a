//! The signed-in staff area: sign-in, teams, invitations, concerns and actions, the audit log.
//! Every route checks the user's role in the team whose data it touches.

mod accounts;
mod admin;
mod audit_log;
mod concerns;
mod discharge_list;
mod evidence;
mod glance;
mod home;
mod invitations;
mod opt_outs;
mod responses;
mod rounds;
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
    .route("/teams/{code}/rounds", web::get().to(rounds::show))
    .route("/teams/{code}/rounds", web::post().to(rounds::open))
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
        "/teams/{code}/discharge-list",
        web::get().to(discharge_list::show),
    )
    .route(
        "/teams/{code}/discharge-list",
        web::post().to(discharge_list::upload),
    )
    .route(
        "/teams/{code}/discharge-list/send",
        web::post().to(discharge_list::send),
    )
    .route(
        "/teams/{code}/responses/new",
        web::get().to(responses::new_form),
    )
    .route("/teams/{code}/responses", web::post().to(responses::enter))
    .route(
        "/urgent/{id}/acknowledge",
        web::post().to(urgent::acknowledge),
    )
    .route("/opt-outs", web::get().to(opt_outs::show))
    .route("/opt-outs", web::post().to(opt_outs::add))
    .route("/admin", web::get().to(admin::show))
    .route("/admin/teams", web::post().to(admin::add_team))
    .route(
        "/admin/teams/{code}/crisis-line",
        web::post().to(admin::set_crisis_line),
    )
    .route("/admin/users", web::post().to(admin::add_user))
    .route("/admin/tablets", web::post().to(admin::add_tablet))
    .route(
        "/admin/tablets/{id}/revoke",
        web::post().to(admin::revoke_tablet),
    )
    .route(
        "/admin/teams/{code}/duty-contact",
        web::post().to(admin::set_duty_contact),
    )
    .route(
        "/admin/teams/{code}/preferences",
        web::post().to(admin::set_preferences),
    )
    .route(
        "/admin/teams/{code}/round-sizes",
        web::post().to(admin::set_round_sizes),
    )
    .route(
        "/admin/users/{id}/disable",
        web::post().to(accounts::disable),
    )
    .route("/admin/users/{id}/enable", web::post().to(accounts::enable))
    .route("/admin/users/{id}/unlock", web::post().to(accounts::unlock))
    .route(
        "/admin/users/{id}/roles/{code}/remove",
        web::post().to(accounts::remove_role),
    )
    .route(
        "/admin/api-keys/{id}/revoke",
        web::post().to(accounts::revoke_key),
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
