//! Sign-in with throttling that nobody can use to lock someone else out.
//!
//! Failures are counted per typed address *and* client (both kept only as hashes, and alike for
//! addresses with no account). Once a client has failed `max_failures` times for an address,
//! it must wait before its next try there: 30 seconds, doubling with each further failure, up
//! to `longest_delay_minutes`. Another client is not held up by those failures: a correct
//! password from a client that has not failed always gets in. Only when an address gathers
//! many failures from many clients (four times `max_failures`, a guessing campaign spread over
//! addresses) does every client that fails there wait too, after its first failure. Counts are
//! forgotten a day after their last failure, and an admin can clear an address at once.

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
    /// Wrong address or password (never says which); `failures` so far from this client.
    Failed { failures: i32 },
    /// This client must wait before trying this address again, until `until`.
    Locked { until: NaiveDateTime },
}

/// Throttling rules (`LOGIN_MAX_FAILURES`, `LOGIN_LOCK_MINUTES`).
#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    /// Failures from one client for one address before it has to wait.
    pub max_failures: u32,
    /// The longest wait, however many failures.
    pub lock_minutes: u32,
}

/// The first wait once a client reaches the limit; each further failure doubles it.
const FIRST_DELAY: TimeDelta = TimeDelta::seconds(30);

/// How many times `max_failures`, from all clients together, before an address is treated as
/// under a spread-out guessing campaign.
const CAMPAIGN_FACTOR: i64 = 4;

/// Failures are forgotten this long after the last one (and their rows deleted by a job).
pub const FORGET_AFTER: TimeDelta = TimeDelta::hours(24);

fn email_key(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

fn client_key(client: &str) -> String {
    hex::encode(Sha256::digest(format!("client:{client}").as_bytes()))
}

/// The wait after `past_limit` failures beyond the limit (0 = the failure that reached it).
fn delay(past_limit: i64, policy: ThrottlePolicy) -> TimeDelta {
    let longest = TimeDelta::minutes(i64::from(policy.lock_minutes));
    let doublings = u32::try_from(past_limit.clamp(0, 20)).unwrap_or(20);
    (FIRST_DELAY * 2_i32.pow(doublings)).min(longest)
}

/// Counts an attempt for an address and client before the password is checked, in one
/// statement, so that parallel guesses each count (a read-then-write would let them slip past
/// the limit). A count older than `FORGET_AFTER` starts again.
const COUNT_ATTEMPT: &str = "INSERT INTO login_throttle (email_hash, client_hash, failures, last_failed_at, blocked_until) \
     VALUES ($1, $2, 1, $3, NULL) \
     ON CONFLICT (email_hash, client_hash) DO UPDATE SET \
     failures = CASE WHEN login_throttle.last_failed_at < $4 THEN 1 ELSE login_throttle.failures + 1 END, \
     blocked_until = CASE WHEN login_throttle.last_failed_at < $4 THEN NULL ELSE login_throttle.blocked_until END, \
     last_failed_at = $3 \
     RETURNING failures, blocked_until";

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    failures: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    blocked_until: Option<NaiveDateTime>,
}

fn pair(email: &str, client: &str) -> diesel::dsl::Find<login_throttle::table, (String, String)> {
    login_throttle::table.find((email_key(email), client_key(client)))
}

/// Checks an email and password from a client, counting failures per address and client. Run
/// it inside a transaction. `client` is the client's address as resolved from trusted proxies.
pub fn attempt(
    conn: &mut DbConnection,
    email: &str,
    password: &str,
    client: &str,
    policy: ThrottlePolicy,
) -> QueryResult<SignInOutcome> {
    let address = email_key(email);
    let now = crate::db::now();
    let counted: Counted = crate::on_backend!(conn, |c| diesel::sql_query(COUNT_ATTEMPT)
        .bind::<diesel::sql_types::Text, _>(&address)
        .bind::<diesel::sql_types::Text, _>(client_key(client))
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .bind::<diesel::sql_types::Timestamp, _>(now - FORGET_AFTER)
        .get_result(c))?;
    if let Some(until) = counted.blocked_until.filter(|until| *until > now) {
        // Refused without checking: this try is not a failure, so take its count back.
        diesel::update(pair(email, client))
            .set(login_throttle::failures.eq(counted.failures - 1))
            .execute(conn)?;
        return Ok(SignInOutcome::Locked { until });
    }
    let user: Option<(String, String)> = users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .filter(users::disabled.eq(false))
        .select((users::id, users::password_hash))
        .get_result(conn)
        .optional()?;
    if passwords::verify(password, user.as_ref().map(|(_, h)| h.as_str())) {
        diesel::delete(pair(email, client)).execute(conn)?;
        let (id, _) = user.unwrap_or_default();
        return Ok(SignInOutcome::Success(id));
    }
    let failures = counted.failures;
    let max = i64::from(policy.max_failures);
    let mut wait = (i64::from(failures) >= max).then(|| delay(i64::from(failures) - max, policy));
    let everyone: i64 = login_throttle::table
        .filter(login_throttle::email_hash.eq(&address))
        .filter(login_throttle::last_failed_at.ge(now - FORGET_AFTER))
        .select(login_throttle::failures)
        .load::<i32>(conn)?
        .into_iter()
        .map(i64::from)
        .sum();
    if everyone >= max * CAMPAIGN_FACTOR {
        let campaign = delay(everyone - max * CAMPAIGN_FACTOR, policy);
        wait = Some(wait.map_or(campaign, |w| w.max(campaign)));
    }
    match wait {
        Some(wait) => {
            let until = now + wait;
            diesel::update(pair(email, client))
                .set(login_throttle::blocked_until.eq(Some(until)))
                .execute(conn)?;
            Ok(SignInOutcome::Locked { until })
        }
        None => Ok(SignInOutcome::Failed { failures }),
    }
}

/// Clears every count for an address, from every client (an admin's unlock, a new password);
/// returns how many clients were waiting or counting.
pub fn clear_address(conn: &mut DbConnection, email: &str) -> QueryResult<usize> {
    diesel::delete(login_throttle::table.filter(login_throttle::email_hash.eq(email_key(email))))
        .execute(conn)
}

/// Deletes counts nobody needs any more: no failure for `FORGET_AFTER` and no wait running.
/// Rows for addresses that have no account go the same way.
pub fn forget_old(conn: &mut DbConnection) -> QueryResult<usize> {
    let now = crate::db::now();
    diesel::delete(
        login_throttle::table
            .filter(login_throttle::last_failed_at.lt(now - FORGET_AFTER))
            .filter(
                login_throttle::blocked_until
                    .is_null()
                    .or(login_throttle::blocked_until.lt(now)),
            ),
    )
    .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_thirty_seconds_up_to_the_longest() {
        let policy = ThrottlePolicy {
            max_failures: 5,
            lock_minutes: 15,
        };
        assert_eq!(delay(0, policy), TimeDelta::seconds(30));
        assert_eq!(delay(1, policy), TimeDelta::seconds(60));
        assert_eq!(delay(3, policy), TimeDelta::minutes(4));
        assert_eq!(delay(5, policy), TimeDelta::minutes(15));
        assert_eq!(delay(500, policy), TimeDelta::minutes(15));
    }
}
