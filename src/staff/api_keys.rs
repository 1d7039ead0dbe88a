//! API keys: shown once at creation, stored only as a SHA-256 hash. Each has an expiry, an
//! optional name saying what it is for, and the day it was last used; a key can be revoked, and
//! stops working when its owner is disabled.

use crate::db::DbConnection;
use crate::db::schema::{api_keys, users};
use crate::tokens;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

/// The longest life of a key when nothing else is said (`API_KEY_MAX_DAYS`'s default).
pub const DEFAULT_MAX_DAYS: u32 = 365;

/// The longest name a key may carry.
pub const MAX_NAME_CHARS: usize = 100;

/// What a new key is for and how long it works.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// What the key is for ("reporting script"), shown in lists; never logged.
    pub name: Option<String>,
    /// Days until the key stops working.
    pub expires_in_days: u32,
}

impl NewKey {
    /// A key's name, trimmed; empty means none.
    pub fn parse_name(raw: &str) -> Result<Option<String>, String> {
        let name = raw.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "a key's name must be {MAX_NAME_CHARS} characters or fewer"
            ));
        }
        Ok((!name.is_empty()).then(|| name.to_string()))
    }
}

/// A key just made: its id (to list and revoke it) and the key itself, in clear only here.
pub struct CreatedKey {
    pub id: String,
    pub key: String,
    pub expires_at: NaiveDateTime,
}

/// Creates a key for a user that works for `DEFAULT_MAX_DAYS` days; returns it in clear, the
/// only time it exists so.
pub fn create(conn: &mut DbConnection, user_id: &str) -> QueryResult<String> {
    let new = NewKey {
        name: None,
        expires_in_days: DEFAULT_MAX_DAYS,
    };
    create_with(conn, user_id, &new).map(|created| created.key)
}

/// Creates a key with a name and an expiry.
pub fn create_with(
    conn: &mut DbConnection,
    user_id: &str,
    new: &NewKey,
) -> QueryResult<CreatedKey> {
    let key = format!("crt_{}", tokens::random_token());
    let id = uuid::Uuid::new_v4().to_string();
    let now = crate::db::now();
    let expires_at = now + TimeDelta::days(i64::from(new.expires_in_days));
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&id),
            api_keys::user_id.eq(user_id),
            api_keys::key_hash.eq(tokens::hash(&key)),
            api_keys::created_at.eq(now),
            api_keys::revoked.eq(false),
            api_keys::name.eq(new.name.as_deref()),
            api_keys::expires_at.eq(Some(expires_at)),
        ))
        .execute(conn)?;
    Ok(CreatedKey {
        id,
        key,
        expires_at,
    })
}

/// A presented key that works: not revoked, not expired, its owner not disabled.
#[derive(Debug, Clone)]
pub struct ValidKey {
    pub key_id: String,
    pub user_id: String,
    pub last_used_on: Option<NaiveDate>,
}

/// The key behind a presented secret, if it still works.
pub fn find_valid(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ValidKey>> {
    let now = crate::db::now();
    let found: Option<(String, String, Option<NaiveDate>, Option<NaiveDateTime>)> = api_keys::table
        .inner_join(users::table)
        .filter(api_keys::key_hash.eq(tokens::hash(key.trim())))
        .filter(api_keys::revoked.eq(false))
        .filter(users::disabled.eq(false))
        .select((
            api_keys::id,
            api_keys::user_id,
            api_keys::last_used_on,
            api_keys::expires_at,
        ))
        .get_result(conn)
        .optional()?;
    Ok(found
        .filter(|(_, _, _, expires_at)| expires_at.is_none_or(|at| at > now))
        .map(|(key_id, user_id, last_used_on, _)| ValidKey {
            key_id,
            user_id,
            last_used_on,
        }))
}

/// The user a presented key belongs to, if the key still works.
pub fn user_for_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    Ok(find_valid(conn, key)?.map(|k| k.user_id))
}

/// Notes that a key was used today. Only the day is kept, so at most one write a day per key.
pub fn mark_used(conn: &mut DbConnection, key_id: &str, today: NaiveDate) -> QueryResult<()> {
    diesel::update(api_keys::table.find(key_id))
        .set(api_keys::last_used_on.eq(Some(today)))
        .execute(conn)
        .map(|_| ())
}

/// Where a key stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    Active,
    Revoked,
    Expired,
    /// The key is fine but its owner's account is disabled.
    OwnerDisabled,
}

impl KeyState {
    /// The word lists show.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Revoked => "revoked",
            KeyState::Expired => "expired",
            KeyState::OwnerDisabled => "owner disabled",
        }
    }
}

/// A key as lists show it: never the key itself.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub id: String,
    pub owner: String,
    pub name: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_on: Option<NaiveDate>,
    pub expires_at: Option<NaiveDateTime>,
    pub state: KeyState,
}

type KeyRow = (
    String,
    String,
    Option<String>,
    NaiveDateTime,
    Option<NaiveDate>,
    Option<NaiveDateTime>,
    bool,
    bool,
);

/// Every key, or one user's, newest first.
pub fn list(conn: &mut DbConnection, user_id: Option<&str>) -> QueryResult<Vec<KeyInfo>> {
    let mut query = api_keys::table.inner_join(users::table).into_boxed();
    if let Some(user_id) = user_id {
        query = query.filter(api_keys::user_id.eq(user_id.to_string()));
    }
    let rows: Vec<KeyRow> = query
        .order((api_keys::created_at.desc(), api_keys::id.asc()))
        .select((
            api_keys::id,
            users::email,
            api_keys::name,
            api_keys::created_at,
            api_keys::last_used_on,
            api_keys::expires_at,
            api_keys::revoked,
            users::disabled,
        ))
        .load(conn)?;
    let now = crate::db::now();
    Ok(rows
        .into_iter()
        .map(
            |(id, owner, name, created_at, last_used_on, expires_at, revoked, disabled)| {
                let state = if revoked {
                    KeyState::Revoked
                } else if expires_at.is_some_and(|at| at <= now) {
                    KeyState::Expired
                } else if disabled {
                    KeyState::OwnerDisabled
                } else {
                    KeyState::Active
                };
                KeyInfo {
                    id,
                    owner,
                    name,
                    created_at,
                    last_used_on,
                    expires_at,
                    state,
                }
            },
        )
        .collect())
}

/// What revoking one key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoked {
    /// The key worked until now; it belonged to this user.
    Now { user_id: String },
    /// It had been revoked before.
    Already { user_id: String },
    /// No key has this id.
    NoSuchKey,
}

/// Revokes one key by its id.
pub fn revoke(conn: &mut DbConnection, key_id: &str) -> QueryResult<Revoked> {
    let found: Option<(String, bool)> = api_keys::table
        .find(key_id.trim())
        .select((api_keys::user_id, api_keys::revoked))
        .get_result(conn)
        .optional()?;
    Ok(match found {
        None => Revoked::NoSuchKey,
        Some((user_id, true)) => Revoked::Already { user_id },
        Some((user_id, false)) => {
            diesel::update(api_keys::table.find(key_id.trim()))
                .set(api_keys::revoked.eq(true))
                .execute(conn)?;
            Revoked::Now { user_id }
        }
    })
}

/// Revokes every key of a user (disabled, or their password reset); returns how many worked.
pub fn revoke_all_for_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .filter(api_keys::user_id.eq(user_id))
            .filter(api_keys::revoked.eq(false)),
    )
    .set(api_keys::revoked.eq(true))
    .execute(conn)
}
