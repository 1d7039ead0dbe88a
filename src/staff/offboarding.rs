//! Offboarding: disabling and enabling an account, and taking a team role away. Each takes
//! effect at the next request, since roles and the account's state are read on every one.

use super::api_keys;
use crate::db::DbConnection;
use crate::db::schema::{team_roles, users};
use diesel::prelude::*;

/// What disabling an account did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disabled {
    /// Whether it was enabled until now.
    pub was_enabled: bool,
    /// API keys that worked until now.
    pub keys_revoked: usize,
}

/// Disables an account: it cannot sign in, its sessions end (the session epoch moves on) and
/// its API keys are revoked (enabling it again does not bring them back).
pub fn disable(conn: &mut DbConnection, user_id: &str) -> QueryResult<Disabled> {
    let was_enabled = diesel::update(users::table.find(user_id).filter(users::disabled.eq(false)))
        .set((
            users::disabled.eq(true),
            users::session_epoch.eq(users::session_epoch + 1),
        ))
        .execute(conn)?
        == 1;
    let keys_revoked = api_keys::revoke_all_for_user(conn, user_id)?;
    Ok(Disabled {
        was_enabled,
        keys_revoked,
    })
}

/// Enables a disabled account; returns whether it was disabled. Its old keys stay revoked.
pub fn enable(conn: &mut DbConnection, user_id: &str) -> QueryResult<bool> {
    diesel::update(users::table.find(user_id).filter(users::disabled.eq(true)))
        .set(users::disabled.eq(false))
        .execute(conn)
        .map(|n| n == 1)
}

/// Takes a user's role in one team away; returns whether they had one.
pub fn remove_role(conn: &mut DbConnection, user_id: &str, team_id: &str) -> QueryResult<bool> {
    diesel::delete(team_roles::table.find((user_id, team_id)))
        .execute(conn)
        .map(|n| n == 1)
}
