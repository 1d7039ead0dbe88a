//! Offboarding on the admin page: disabling and enabling accounts, taking a team role away,
//! clearing an address's failed sign-ins, and revoking API keys. Admins only; every change is
//! audited and takes effect at the next request.

use super::StaffForm;
use super::admin::{admin_change, admin_only, back, render};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::staff::{self, api_keys};
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::{HttpResponse, web};
use std::collections::HashMap;

/// Disables an account: its sessions end and its API keys are revoked.
pub async fn disable(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    admin_only(&signed_in)?;
    let form = StaffForm::checked(&signed_in, form)?;
    let id = id.into_inner();
    if id == signed_in.user.id {
        // Nobody would be left to enable it from the page.
        let refused = [(
            "accounts",
            "You cannot disable your own account".to_string(),
        )];
        return render(&state, &signed_in, &form.0, &refused).await;
    }
    let actor = signed_in.user.audit_label();
    run_db(&state.pool, move |conn| {
        let done = staff::offboarding::disable(conn, &id)?;
        audit::record(
            conn,
            &actor,
            AuditAction::UserDisable,
            None,
            &format!("user={id} keys_revoked={}", done.keys_revoked),
        )?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(back())
}

/// Enables a disabled account; its old keys stay revoked.
pub async fn enable(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    admin_change(&state, &signed_in, form, move |conn, actor| {
        if staff::offboarding::enable(conn, &id)? {
            audit::record(
                conn,
                actor,
                AuditAction::UserEnable,
                None,
                &format!("user={id}"),
            )?;
        }
        Ok(())
    })
    .await
}

/// Clears the failed sign-ins of an account's address, from every client.
pub async fn unlock(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    admin_change(&state, &signed_in, form, move |conn, actor| {
        let email = staff::email_of(conn, &id)?.ok_or(AppError::NotFound("user"))?;
        let cleared = staff::sign_in::clear_address(conn, &email)?;
        audit::record(
            conn,
            actor,
            AuditAction::UserUnlock,
            None,
            &format!("user={id} clients={cleared}"),
        )?;
        Ok(())
    })
    .await
}

/// Takes a user's role in one team away.
pub async fn remove_role(
    state: State,
    signed_in: SignedIn,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let (id, code) = path.into_inner();
    admin_change(&state, &signed_in, form, move |conn, actor| {
        let team = crate::teams::find_by_code(conn, &code)?.ok_or(AppError::NotFound("team"))?;
        if staff::offboarding::remove_role(conn, &id, &team.id)? {
            audit::record(
                conn,
                actor,
                AuditAction::UserRemoveRole,
                Some(&team.id),
                &format!("user={id} team={}", team.code),
            )?;
        }
        Ok(())
    })
    .await
}

/// Revokes one API key.
pub async fn revoke_key(
    state: State,
    signed_in: SignedIn,
    id: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    admin_change(&state, &signed_in, form, move |conn, actor| {
        match api_keys::revoke(conn, &id)? {
            api_keys::Revoked::Now { user_id } => audit::record(
                conn,
                actor,
                AuditAction::ApiKeyRevoke,
                None,
                &format!("user={user_id} key={id}"),
            )?,
            api_keys::Revoked::Already { .. } => {}
            api_keys::Revoked::NoSuchKey => return Err(AppError::NotFound("API key")),
        }
        Ok(())
    })
    .await
}
