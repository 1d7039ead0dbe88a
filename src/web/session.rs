//! Staff sessions in signed, encrypted cookies, and CSRF tokens bound to them.
//!
//! Cookie sessions work whichever server answers. Sign-out moves the user's session epoch on,
//! which ends every cookie issued before. CSRF uses the synchronizer-token pattern: a random
//! token kept in the session and echoed by each form, compared in constant time.

use super::State;
use crate::config::Settings;
use crate::error::AppError;
use crate::staff::{self, StaffUser};
use crate::web::blocking::run_db_read;
use actix_session::config::{BrowserSession, CookieContentSecurity};
use actix_session::storage::CookieSessionStore;
use actix_session::{Session, SessionExt, SessionMiddleware};
use actix_web::cookie::{Key, SameSite};
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use std::future::Future;
use std::pin::Pin;
use subtle::ConstantTimeEq;

const USER: &str = "uid";
const EPOCH: &str = "epoch";
const LAST_SEEN: &str = "seen";
const CSRF: &str = "csrf";

/// The session cookie: HttpOnly, SameSite=Lax, Secure when the service is on HTTPS, encrypted.
/// It lasts only as long as the browser session (no expiry date, so closing the browser ends
/// it), and what it holds stops working after `SESSION_IDLE_MINUTES` without a request (see
/// `SignedIn`), so a shared computer does not stay signed in.
pub fn middleware(settings: &Settings, key: Key) -> SessionMiddleware<CookieSessionStore> {
    SessionMiddleware::builder(CookieSessionStore::default(), key)
        .cookie_name("crt_session".into())
        .cookie_secure(settings.secure_cookies())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path("/staff".into())
        .cookie_content_security(CookieContentSecurity::Private)
        .session_lifecycle(BrowserSession::default())
        .build()
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The session's CSRF token, created on first use.
pub fn csrf_token(session: &Session) -> String {
    if let Ok(Some(token)) = session.get::<String>(CSRF) {
        return token;
    }
    let token = crate::tokens::random_token();
    let _ = session.insert(CSRF, &token);
    token
}

/// Refuses a state-changing request whose form did not echo the session's token.
pub fn check_csrf(session: &Session, submitted: Option<&str>) -> Result<(), AppError> {
    let expected = session.get::<String>(CSRF).ok().flatten();
    match (expected, submitted) {
        (Some(expected), Some(given))
            if bool::from(expected.as_bytes().ct_eq(given.as_bytes())) =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

/// Starts a fresh session for a user who just signed in (a new cookie, a new CSRF token).
pub fn sign_in(session: &Session, user: &StaffUser) {
    session.renew();
    session.clear();
    let _ = session.insert(USER, &user.id);
    let _ = session.insert(EPOCH, user.session_epoch);
    let _ = session.insert(LAST_SEEN, now_secs());
    let _ = session.insert(CSRF, crate::tokens::random_token());
}

/// A signed-in member of staff, with their session. Missing, idle or ended sessions are refused.
pub struct SignedIn {
    pub user: StaffUser,
    pub session: Session,
    /// What every page shows first: urgent comments waiting, teams without a duty contact.
    pub alerts: crate::urgent::StaffAlerts,
    /// Whether `URGENT_FALLBACK_EMAIL` is set.
    pub fallback_alerts: bool,
}

impl SignedIn {
    /// The CSRF token for this session's forms.
    pub fn csrf(&self) -> String {
        csrf_token(&self.session)
    }

    /// Page chrome for this user.
    pub fn chrome(&self) -> super::pages::Chrome {
        super::pages::Chrome {
            team_help: None,
            user: Some(self.user.email.clone()),
            is_admin: self.user.is_admin,
            csrf_token: Some(self.csrf()),
            alerts: Some(self.alerts.clone()),
            fallback_alerts: self.fallback_alerts,
            ..super::pages::Chrome::default()
        }
    }
}

impl FromRequest for SignedIn {
    type Error = super::pages::PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<State>().cloned();
        Box::pin(async move {
            let state = state.ok_or(AppError::Internal(anyhow::anyhow!("state missing")))?;
            let user_id = session
                .get::<String>(USER)
                .ok()
                .flatten()
                .ok_or(AppError::Unauthorized)?;
            let epoch = session.get::<i32>(EPOCH).ok().flatten().unwrap_or(-1);
            let last_seen = session.get::<i64>(LAST_SEEN).ok().flatten().unwrap_or(0);
            let idle_limit = i64::from(state.settings.session_idle_minutes) * 60;
            if now_secs() - last_seen > idle_limit {
                session.purge();
                return Err(AppError::Unauthorized.into());
            }
            let (user, alerts) = run_db_read(&state.pool, move |conn| {
                let Some(user) = staff::load(conn, &user_id)? else {
                    return Ok::<_, AppError>((None, Default::default()));
                };
                // Every staff page warns of urgent comments waiting and of teams no alert
                // would reach, for this user's teams (every team, for admins).
                let teams: Vec<String> = user.roles.iter().map(|(id, _, _)| id.clone()).collect();
                let scope = (!user.is_admin).then_some(teams.as_slice());
                let alerts = crate::urgent::staff_alerts(conn, scope)?;
                Ok((Some(user), alerts))
            })
            .await?;
            let Some(user) = user.filter(|u| u.session_epoch == epoch) else {
                session.purge();
                return Err(AppError::Unauthorized.into());
            };
            let _ = session.insert(LAST_SEEN, now_secs());
            Ok(SignedIn {
                user,
                session,
                alerts,
                fallback_alerts: state.settings.urgent_fallback_email.is_some(),
            })
        })
    }
}
