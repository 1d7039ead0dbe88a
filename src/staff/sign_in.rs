//! Sign-in with throttling keyed on the typed address, so unknown accounts behave like real ones.

use super::passwords;
use crate::db::DbConnection;
use crate::db::schema::{login_throttle, users};
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

/// The outcome of one attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum SignInOutcome {
    /// Signed in as this user id.
    Success(String),
    /// Wrong address or password (never says which); `failures` so far, for slowing down.
    Failed { failures: i32 },
    /// Too many failures; try again after this time.
    Locked { until: NaiveDateTime },
}

/// Throttling rules.
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub max_failures: u32,
    pub lock_minutes: u32,
}

fn email_key(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// Counts an attempt for an address before the password is checked, in one statement, so
/// that parallel guesses each count (a read-then-write would let them slip past the limit).
const COUNT_ATTEMPT: &str = "INSERT INTO login_throttle (email_hash, failures, locked_until) VALUES ($1, 1, NULL) \
     ON CONFLICT (email_hash) DO UPDATE SET failures = login_throttle.failures + 1 \
     RETURNING failures, locked_until";

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    failures: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    locked_until: Option<NaiveDateTime>,
}

fn set_state(
    conn: &mut DbConnection,
    key: &str,
    failures: i32,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::failures.eq(failures),
            login_throttle::locked_until.eq(locked_until),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Checks an email and password, counting attempts per address. Run it inside a transaction.
pub fn attempt(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    policy: ThrottlePolicy,
) -> QueryResult<SignInOutcome> {
    let key = email_key(email);
    let now = crate::db::now();
    let counted: Counted = crate::on_backend!(conn, |c| diesel::sql_query(COUNT_ATTEMPT)
        .bind::<diesel::sql_types::Text, _>(&key)
        .get_result(c))?;
    let mut failures = counted.failures;
    match counted.locked_until {
        Some(until) if until > now => return Ok(SignInOutcome::Locked { until }),
        Some(_) => {
            // The lock has run out: this attempt starts a fresh count.
            failures = 1;
            set_state(conn, &key, failures, None)?;
        }
        None => {}
    }
    let lock_until = now + TimeDelta::minutes(i64::from(policy.lock_minutes));
    if failures as u32 > policy.max_failures {
        set_state(conn, &key, 0, Some(lock_until))?;
        return Ok(SignInOutcome::Locked { until: lock_until });
    }
    let user: Option<(String, String)> = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((users::id, users::password_hash))
        .get_result(conn)
        .optional()?;
    if passwords::verify(password, user.as_ref().map(|(_, h)| h.as_str())) {
        diesel::delete(login_throttle::table.find(&key)).execute(conn)?;
        let (id, _) = user.unwrap_or_default();
        return Ok(SignInOutcome::Success(id));
    }
    if failures as u32 >= policy.max_failures {
        set_state(conn, &key, 0, Some(lock_until))?;
        return Ok(SignInOutcome::Locked { until: lock_until });
    }
    Ok(SignInOutcome::Failed { failures })
}
