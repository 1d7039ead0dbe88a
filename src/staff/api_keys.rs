//! API keys: shown once at creation, stored only as a SHA-256 hash.

use crate::db::DbConnection;
use crate::db::schema::api_keys;
use crate::tokens;
use diesel::prelude::*;

/// Creates a key for a user and returns it in clear, the only time it exists so.
pub fn create(conn: &mut DbConnection, user_id: &str) -> QueryResult<String> {
    let key = format!("crt_{}", tokens::random_token());
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(uuid::Uuid::new_v4().to_string()),
            api_keys::user_id.eq(user_id),
            api_keys::key_hash.eq(tokens::hash(&key)),
            api_keys::created_at.eq(crate::db::now()),
            api_keys::revoked.eq(false),
        ))
        .execute(conn)?;
    Ok(key)
}

/// The user a presented key belongs to, if it is valid.
pub fn user_for_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    api_keys::table
        .filter(api_keys::key_hash.eq(tokens::hash(key.trim())))
        .filter(api_keys::revoked.eq(false))
        .select(api_keys::user_id)
        .get_result(conn)
        .optional()
}
