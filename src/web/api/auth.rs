//! Bearer API keys: the key finds the user, and the user's roles decide the rest.

use crate::error::AppError;
use crate::staff::{self, Permission, StaffUser, api_keys};
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::run_db_read;
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
            let user = run_db_read(&state.pool, move |conn| {
                let Some(user_id) = api_keys::user_for_key(conn, &key)? else {
                    return Ok(None);
                };
                staff::load(conn, &user_id)
            })
            .await?;
            user.map(ApiUser).ok_or(AppError::Unauthorized)
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
