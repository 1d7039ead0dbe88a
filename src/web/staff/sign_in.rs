//! Signing in and out.

use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::staff::{
    self,
    sign_in::{SignInOutcome, ThrottlePolicy},
};
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::{Chrome, PageError};
use crate::web::session::{self, SignedIn, check_csrf, csrf_token};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

fn page(
    state: &State,
    session: &Session,
    status: StatusCode,
    email: &str,
    error: Option<&str>,
) -> HttpResponse {
    let chrome = Chrome {
        csrf_token: Some(csrf_token(session)),
        ..Chrome::default()
    };
    state.page(
        "pages/sign_in",
        status,
        json!({ "title": if error.is_some() { "Error: Sign in" } else { "Sign in" }, "email": email, "error": error }),
        &chrome,
    )
}

/// The sign-in form.
pub async fn show(state: State, session: Session) -> HttpResponse {
    page(&state, &session, StatusCode::OK, "", None)
}

/// Checks the password; failures are slowed, then delayed for this client, identically for
/// unknown addresses (see `staff::sign_in`).
pub async fn submit(
    state: State,
    session: Session,
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if check_csrf(&session, form.get("csrf_token").map(String::as_str)).is_err() {
        return Ok(page(
            &state,
            &session,
            StatusCode::FORBIDDEN,
            "",
            Some("Your sign-in page had expired. Please try again"),
        ));
    }
    let email = form.get("email").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    if email.trim().is_empty() || password.is_empty() {
        return Ok(page(
            &state,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            &email,
            Some("Enter your email address and password"),
        ));
    }
    let policy = ThrottlePolicy {
        max_failures: state.settings.login_max_failures,
        lock_minutes: state.settings.login_lock_minutes,
    };
    let typed = email.clone();
    let client = crate::web::client_address::client_key(
        req.peer_addr(),
        req.headers(),
        &state.settings.trusted_proxies,
    );
    let outcome = run_db(&state.pool, move |conn| {
        let outcome = staff::sign_in::attempt(conn, &typed, &password, &client, policy)?;
        let user = match &outcome {
            SignInOutcome::Success(id) => staff::load(conn, id)?,
            _ => None,
        };
        let (action, actor) = match (&outcome, &user) {
            (SignInOutcome::Success(_), Some(u)) => (AuditAction::SignIn, u.audit_label()),
            (SignInOutcome::Locked { .. }, _) => {
                (AuditAction::SignInLocked, "anonymous".to_string())
            }
            _ => (AuditAction::SignInFailed, "anonymous".to_string()),
        };
        audit::record(conn, &actor, action, None, "")?;
        Ok::<_, diesel::result::Error>((outcome, user))
    })
    .await?;
    match outcome {
        (SignInOutcome::Success(_), Some(user)) => {
            session::sign_in(&session, &user);
            Ok(HttpResponse::SeeOther()
                .insert_header((LOCATION, "/staff"))
                .finish())
        }
        (SignInOutcome::Locked { until }, _) => {
            let minutes = (until - crate::db::now())
                .num_seconds()
                .max(1)
                .saturating_add(59)
                / 60;
            let wait = if minutes == 1 {
                "a minute".to_string()
            } else {
                format!("{minutes} minutes")
            };
            Ok(page(
                &state,
                &session,
                StatusCode::TOO_MANY_REQUESTS,
                &email,
                Some(&format!(
                    "Too many attempts. Wait {wait} before trying again from here, or ask an administrator to unlock your account"
                )),
            ))
        }
        (outcome, _) => {
            let failures = match outcome {
                SignInOutcome::Failed { failures } => failures,
                _ => 1,
            };
            // Slows guessing down a little more with each failure, without holding a worker.
            let delay =
                Duration::from_millis(250 * u64::try_from(failures.clamp(1, 8)).unwrap_or(1));
            actix_web::rt::time::sleep(delay).await;
            Ok(page(
                &state,
                &session,
                StatusCode::UNAUTHORIZED,
                &email,
                Some("The email address or password is not right"),
            ))
        }
    }
}

/// Ends every session of this user.
pub async fn sign_out(
    state: State,
    signed_in: SignedIn,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    check_csrf(
        &signed_in.session,
        form.get("csrf_token").map(String::as_str),
    )?;
    let user_id = signed_in.user.id.clone();
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        staff::end_sessions(conn, &user_id)?;
        audit::record(conn, &actor, AuditAction::SignOut, None, "")
    })
    .await?;
    signed_in.session.purge();
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, "/staff/sign-in"))
        .finish())
}
