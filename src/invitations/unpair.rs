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

/// Waits for the lock that every rewrite of used invitations takes on PostgreSQL, until the
/// caller's transaction ends; also holds off new redemptions for that long, so a release sees
/// and rewrites every used invitation. Nothing to do on SQLite, whose writer lock the caller
/// already holds.
pub fn lock_for_rewrite(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(REWRITE_LOCK)
            .execute(pg)?;
        // Redemptions lock an invitation row and then add a waiting submission; taking the
        // invitations table first, in that same order, means a release never deadlocks them.
        diesel::sql_query("LOCK TABLE invitations IN SHARE ROW EXCLUSIVE MODE").execute(pg)?;
    }
    Ok(())
}

/// Rewrites every recently used invitation, one at a time in random order, inside a release's
/// transaction: they all take its transaction id, and on SQLite each moves to a new row id
/// (its position in the file) in that random order. Returns how many were rewritten.
pub fn shuffle_used(conn: &mut DbConnection) -> QueryResult<usize> {
    use crate::db::cached_sql::{Bind, CachedSql};
    let since = crate::db::today() - TimeDelta::days(REWRITE_DAYS_AFTER_EXPIRY);
    let mut used: Vec<String> = invitations::table
        .filter(invitations::used.eq(true))
        .filter(invitations::expires_on.ge(since))
        .select(invitations::id)
        .load(conn)?;
    crate::submissions::release::shuffle(&mut used);
    // Setting `used` to what it already is still writes a new version of the row.
    const REWRITE_POSTGRES: &str = "UPDATE invitations SET used = ? WHERE id = ?";
    const MOVE_SQLITE: &str = "UPDATE invitations SET rowid =          (SELECT MAX(rowid) + 1 FROM invitations) WHERE id = ?";
    for id in &used {
        match conn {
            DbConnection::Postgresql(pg) => {
                CachedSql::new(REWRITE_POSTGRES, vec![Bind::Bool(true), Bind::Text(id)])
                    .execute(pg)?
            }
            DbConnection::Sqlite(lite) => {
                CachedSql::new(MOVE_SQLITE, vec![Bind::Text(id)]).execute(lite)?
            }
        };
    }
    Ok(used.len())
}

/// After a release commits, cleans out what its transaction left behind: on PostgreSQL the
/// invitations table is rewritten in the order of its random ids (`CLUSTER`), which also drops
/// the old row versions, and waiting submissions' table is vacuumed; on SQLite the write-ahead
/// log, which holds the pages as they were, is copied into the database and emptied (deleted
/// rows are already zeroed by `secure_delete`).
pub fn settle(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgresql(pg) => {
            diesel::sql_query("CLUSTER invitations USING invitations_pkey").execute(pg)?;
            diesel::sql_query(
                "VACUUM (SKIP_LOCKED) staged_responses, responses, answers, comments",
            )
            .execute(pg)?;
        }
        DbConnection::Sqlite(_) => crate::db::truncate_wal(conn),
    }
    Ok(())
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
