//! Breaking the one remaining pairing of a response with its link on PostgreSQL.
//!
//! Redeeming a link and storing its response happen in one transaction, so that neither can
//! exist without the other. PostgreSQL stamps every row it writes with the id of the
//! (sub)transaction that wrote it (`xmin`), so the used invitation and its response carry the
//! same id. Rewriting all recently used invitations together, in a transaction of their own,
//! gives them all one new `xmin` that no response has; vacuuming then frees the old row
//! versions. All of them, not only the newly used: rewritten in smaller groups, the order of
//! the groups' ids would say which response came between which rewrites. The rewrite is skipped
//! when every used invitation already shares one id, which a redemption (one row to a
//! savepoint) cannot produce, so quiet minutes cost one read. SQLite keeps no such stamp (its
//! log is emptied by the scheduled jobs instead).

use crate::db::DbConnection;
use crate::db::schema::invitations;
use chrono::TimeDelta;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date};

/// How long after its link expires a used invitation is still rewritten. A link is used before
/// it expires and the rewrite runs every minute, so by then it has been rewritten many times;
/// the margin covers a service stopped for some days.
const REWRITE_DAYS_AFTER_EXPIRY: i64 = 7;

/// Chosen once; every server takes this lock, so only one rewrites at a time.
const REWRITE_LOCK: i64 = 0x0063_7274_7061_6972; // "crtpair" in ASCII

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

#[derive(QueryableByName)]
struct Stamps {
    #[diesel(sql_type = BigInt)]
    rows: i64,
    #[diesel(sql_type = BigInt)]
    distinct_ids: i64,
}

/// Rewrites every used invitation whose link expired less than a week ago, all in one
/// transaction, then vacuums the table. Returns how many rows were rewritten: none on
/// SQLite, none when another server holds the lock, and none when they already share one id.
pub fn rewrite_used_invitations(conn: &mut DbConnection) -> QueryResult<usize> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(0);
    };
    let since = crate::db::today() - TimeDelta::days(REWRITE_DAYS_AFTER_EXPIRY);
    let rewritten = pg.transaction(|pg| {
        let lock = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(REWRITE_LOCK)
            .get_result::<Locked>(pg)?;
        if !lock.locked {
            return Ok(0);
        }
        // `xid` has no ordering, so it is counted as text.
        let stamps = diesel::sql_query(
            "SELECT count(*) AS rows, count(DISTINCT xmin::text) AS distinct_ids \
             FROM invitations WHERE used AND expires_on >= $1",
        )
        .bind::<Date, _>(since)
        .get_result::<Stamps>(pg)?;
        // A single used invitation cannot be told from one already rewritten; rewriting one
        // row costs nothing.
        if stamps.rows == 0 || (stamps.rows > 1 && stamps.distinct_ids == 1) {
            return Ok(0);
        }
        // Setting `used` to what it already is still writes a new version of each row.
        diesel::update(
            invitations::table
                .filter(invitations::used.eq(true))
                .filter(invitations::expires_on.ge(since)),
        )
        .set(invitations::used.eq(true))
        .execute(pg)
    })?;
    if rewritten > 0 {
        // VACUUM cannot run inside a transaction; SKIP_LOCKED lets a busy table wait for the
        // next run rather than hold up this one.
        diesel::sql_query("VACUUM (SKIP_LOCKED) invitations").execute(pg)?;
    }
    Ok(rewritten)
}
