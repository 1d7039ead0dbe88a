//! Windowed counters in the database, for rate limits that every server on one PostgreSQL
//! database shares. Each key has one row: the start of its current window and the hits in it,
//! moved on by one atomic upsert, so two servers counting the same key at once both count. A
//! window starts at a key's first hit and lasts the interval.

use super::DbConnection;
use super::schema::rate_limit_counters;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

/// Counts one hit; a window that has ended starts again at this hit.
const HIT: &str = "INSERT INTO rate_limit_counters (limit_key, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (limit_key) DO UPDATE SET \
     hits = CASE WHEN rate_limit_counters.window_start <= $3 THEN 1 ELSE rate_limit_counters.hits + 1 END, \
     window_start = CASE WHEN rate_limit_counters.window_start <= $3 THEN $2 ELSE rate_limit_counters.window_start END \
     RETURNING hits, window_start";

/// A key's count in its current window.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct Counted {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub hits: i32,
    #[diesel(sql_type = diesel::sql_types::Timestamp)]
    pub window_start: NaiveDateTime,
}

/// Counts a hit on `key` at `now` in windows of `interval`.
pub fn hit(
    conn: &mut DbConnection,
    key: &str,
    now: NaiveDateTime,
    interval: TimeDelta,
) -> QueryResult<Counted> {
    crate::on_backend!(conn, |c| diesel::sql_query(HIT)
        .bind::<diesel::sql_types::Text, _>(key)
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .bind::<diesel::sql_types::Timestamp, _>(now - interval)
        .get_result(c))
}

/// Deletes counters whose window started before `before`; returns how many.
pub fn forget_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limit_counters::table.filter(rate_limit_counters::window_start.lt(before)))
        .execute(conn)
}
