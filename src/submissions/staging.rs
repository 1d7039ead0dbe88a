//! Submissions waiting for their release. A submission is written here, in the transaction
//! that redeems its link, and nothing that staff can see reads this table: a response reaches
//! reports, comments and concerns only when a release moves a whole batch of its team's group
//! (see `release`). So a manager who watches one link turn "used" sees nothing else change.

use crate::db::DbConnection;
use crate::db::cached_sql::{Bind, CachedSql};
use crate::db::schema::staged_responses;
use crate::responses::Prepared;
use crate::surveys::Respondent;
use chrono::NaiveDate;
use diesel::prelude::*;

/// A submission as it waits: what the response will keep, and its prepared answers.
pub struct Submission<'a> {
    pub team_id: &'a str,
    pub survey_version_id: &'a str,
    pub respondent: Respondent,
    pub channel: &'a str,
    pub answers: &'a Prepared,
}

/// Writes a submission to wait for its release. Fixed SQL, prepared once per connection: this
/// runs for every submission on the one writer.
pub fn stage(
    conn: &mut DbConnection,
    submission: &Submission<'_>,
    today: NaiveDate,
) -> QueryResult<()> {
    const STAGE: &str = "INSERT INTO staged_responses \
         (id, team_id, survey_version_id, respondent, channel, month, answers) \
         VALUES (?, ?, ?, ?, ?, ?, ?)";
    // Random, so the ids of waiting submissions say nothing about their order.
    let id = uuid::Uuid::new_v4().to_string();
    let month = crate::totals::month_of(today);
    let answers = submission.answers.to_json();
    let binds = vec![
        Bind::Text(&id),
        Bind::Text(submission.team_id),
        Bind::Text(submission.survey_version_id),
        Bind::Text(submission.respondent.as_str()),
        Bind::Text(submission.channel),
        Bind::Text(&month),
        Bind::Text(&answers),
    ];
    crate::on_backend!(conn, |c| CachedSql::new(STAGE, binds).execute(c))?;
    Ok(())
}

/// Counts an FFT answer in the Trust's monthly submission counts, by the month it arrived and
/// the way it was collected. Counts only, with no team: what NHS England receives.
pub fn count_for_submission(
    conn: &mut DbConnection,
    today: NaiveDate,
    channel: &str,
    fft: &str,
) -> QueryResult<()> {
    const COUNT: &str = "INSERT INTO submission_counts (month, channel, value, count) \
         VALUES (?, ?, ?, ?) ON CONFLICT (month, channel, value) \
         DO UPDATE SET count = submission_counts.count + excluded.count";
    let month = crate::totals::month_of(today);
    let binds = vec![
        Bind::Text(&month),
        Bind::Text(channel),
        Bind::Text(fft),
        Bind::BigInt(1),
    ];
    crate::on_backend!(conn, |c| CachedSql::new(COUNT, binds).execute(c))?;
    Ok(())
}

/// A waiting submission, read back for its release.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staged_responses)]
pub struct Waiting {
    pub id: String,
    pub team_id: String,
    pub survey_version_id: String,
    pub respondent: String,
    pub channel: String,
    pub month: String,
    pub answers: String,
}

/// How many submissions wait, for one team or all.
pub fn count_waiting(conn: &mut DbConnection, team_id: Option<&str>) -> QueryResult<i64> {
    let mut query = staged_responses::table.into_boxed();
    if let Some(team_id) = team_id {
        query = query.filter(staged_responses::team_id.eq(team_id.to_string()));
    }
    query.count().get_result(conn)
}

/// The teams' groups with at least `min_n` submissions waiting, each with its count.
pub fn full_groups(conn: &mut DbConnection, min_n: u32) -> QueryResult<Vec<(String, String)>> {
    let counts: Vec<(String, String, i64)> = staged_responses::table
        .group_by((staged_responses::team_id, staged_responses::respondent))
        .select((
            staged_responses::team_id,
            staged_responses::respondent,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .filter(|(_, _, n)| *n >= i64::from(min_n))
        .map(|(team, group, _)| (team, group))
        .collect())
}

/// Every submission waiting in one team's group.
pub fn group(
    conn: &mut DbConnection,
    team_id: &str,
    respondent: &str,
) -> QueryResult<Vec<Waiting>> {
    staged_responses::table
        .filter(staged_responses::team_id.eq(team_id))
        .filter(staged_responses::respondent.eq(respondent))
        .select(Waiting::as_select())
        .load(conn)
}

/// Removes released submissions.
pub fn remove(conn: &mut DbConnection, ids: &[String]) -> QueryResult<usize> {
    let mut removed = 0;
    // In chunks, within the bound-parameter limits of both backends.
    for chunk in ids.chunks(500) {
        removed +=
            diesel::delete(staged_responses::table.filter(staged_responses::id.eq_any(chunk)))
                .execute(conn)?;
    }
    Ok(removed)
}

/// Deletes submissions that have waited since before `first_month_kept` (`YYYY-MM`) without
/// ever making up a batch: they are held no longer than comments are.
pub fn expire(conn: &mut DbConnection, first_month_kept: &str) -> QueryResult<usize> {
    diesel::delete(staged_responses::table.filter(staged_responses::month.lt(first_month_kept)))
        .execute(conn)
}

/// Writes the submissions still waiting afresh, in random order, so that their order on disk
/// (row ids on SQLite, positions and transaction ids on PostgreSQL) says nothing about when
/// each arrived, beyond that it came after the last release. On PostgreSQL the table is
/// truncated, which drops its file, rather than leaving deleted rows for a vacuum.
pub fn rewrite_remaining(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut remaining: Vec<Waiting> = staged_responses::table
        .select(Waiting::as_select())
        .load(conn)?;
    match conn {
        DbConnection::Postgresql(pg) => {
            diesel::sql_query("TRUNCATE staged_responses").execute(pg)?;
        }
        DbConnection::Sqlite(_) => {
            diesel::delete(staged_responses::table).execute(conn)?;
        }
    }
    super::release::shuffle(&mut remaining);
    for w in &remaining {
        diesel::insert_into(staged_responses::table)
            .values((
                staged_responses::id.eq(&w.id),
                staged_responses::team_id.eq(&w.team_id),
                staged_responses::survey_version_id.eq(&w.survey_version_id),
                staged_responses::respondent.eq(&w.respondent),
                staged_responses::channel.eq(&w.channel),
                staged_responses::month.eq(&w.month),
                staged_responses::answers.eq(&w.answers),
            ))
            .execute(conn)?;
    }
    Ok(remaining.len())
}
