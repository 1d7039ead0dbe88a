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

/// Checks an email and password, counting failures per address.
pub fn attempt(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    policy: ThrottlePolicy,
) -> QueryResult<SignInOutcome> {
    let key = email_key(email);
    let now = crate::db::now();
    let throttle: Option<(i32, Option<NaiveDateTime>)> = login_throttle::table
        .find(&key)
        .select((login_throttle::failures, login_throttle::locked_until))
        .first(conn)
        .optional()?;
    if let Some((_, Some(until))) = throttle {
        if until > now {
            return Ok(SignInOutcome::Locked { until });
        }
    }
    let user: Option<(String, String)> = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select((users::id, users::password_hash))
        .first(conn)
        .optional()?;
    if passwords::verify(password, user.as_ref().map(|(_, h)| h.as_str())) {
        diesel::delete(login_throttle::table.find(&key)).execute(conn)?;
        let (id, _) = user.unwrap_or_default();
        return Ok(SignInOutcome::Success(id));
    }
    // A lock that has run out starts the count again.
    let previous = match throttle {
        Some((n, None)) => n,
        _ => 0,
    };
    let failures = previous + 1;
    let locked_until = (failures as u32 >= policy.max_failures)
        .then(|| now + TimeDelta::minutes(i64::from(policy.lock_minutes)));
    conn.transaction(|conn| {
        diesel::delete(login_throttle::table.find(&key)).execute(conn)?;
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::email_hash.eq(&key),
                login_throttle::failures.eq(if locked_until.is_some() { 0 } else { failures }),
                login_throttle::locked_until.eq(locked_until),
            ))
            .execute(conn)
    })?;
    Ok(match locked_until {
        Some(until) => SignInOutcome::Locked { until },
        None => SignInOutcome::Failed { failures },
    })
}
