//! Bearer API keys: the key finds the user, and the user's roles decide the rest. A revoked or
//! expired key, or one whose owner is disabled, gets 401.

use crate::error::AppError;
use crate::staff::{self, Permission, StaffUser, api_keys};
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header::AUTHORIZATION};
use std::future::Future;
use std::pin::Pin;

/// The user behind a valid API key.
pub struct ApiUser(pub StaffUser);

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let key = req
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(|k| k.trim().to_string());
        let state = req.app_data::<State>().cloned();
        Box::pin(async move {
            let key = key
                .filter(|k| !k.is_empty())
                .ok_or(AppError::Unauthorized)?;
            let state = state.ok_or(AppError::Internal(anyhow::anyhow!("state missing")))?;
            let found = run_db_read(&state.pool, move |conn| {
                let Some(valid) = api_keys::find_valid(conn, &key)? else {
                    return Ok(None);
                };
                Ok::<_, diesel::result::Error>(
                    staff::load(conn, &valid.user_id)?.map(|user| (valid, user)),
                )
            })
            .await?;
            let (valid, user) = found.ok_or(AppError::Unauthorized)?;
            // The day a key was last used shows which keys are still needed; kept to the day,
            // so this writes once a day per key.
            let today = crate::db::today();
            if valid.last_used_on != Some(today) {
                run_db(&state.pool, move |conn| {
                    api_keys::mark_used(conn, &valid.key_id, today)
                })
                .await?;
            }
            Ok(ApiUser(user))
        })
    }
}

impl ApiUser {
    /// The team named in the path, if it exists (404) and the user may do this there (403).
    pub async fn team(
        &self,
        state: &State,
        code: String,
        permission: Permission,
    ) -> Result<Team, AppError> {
        crate::web::team_access(state, &self.0, code, permission).await
    }
}
