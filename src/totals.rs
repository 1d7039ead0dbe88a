//! Running totals, updated in the transaction that stores a response (or corrects a comment),
//! so that reports read a few hundred rows whatever the number of responses.
//!
//! The upsert (`INSERT ... ON CONFLICT ... DO UPDATE`) is written once and runs on both
//! backends; only the connection type differs. They run a dozen times for each response, so
//! each is prepared once per connection and reused (see `db::cached_sql`).

use crate::db::DbConnection;
use crate::db::cached_sql::{Bind, CachedSql};
use crate::surveys::Dimension;
use diesel::prelude::*;
use std::collections::HashMap;

const RESPONSE_SQL: &str = "INSERT INTO response_totals (team_id, month, survey_version_id, respondent, channel, count) \
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, month, survey_version_id, respondent, channel) \
     DO UPDATE SET count = response_totals.count + excluded.count";

const ANSWER_SQL: &str = "INSERT INTO answer_totals (team_id, month, survey_version_id, question_id, respondent, value, count) \
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, month, survey_version_id, question_id, respondent, value) \
     DO UPDATE SET count = answer_totals.count + excluded.count";

const COMMENT_SQL: &str = "INSERT INTO comment_totals (team_id, month, respondent, sentiment, theme, count) \
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, month, respondent, sentiment, theme) \
     DO UPDATE SET count = comment_totals.count + excluded.count";

const EQUALITY_SQL: &str = "INSERT INTO equality_totals (team_id, month, survey_version_id, respondent, dimension, category, question_id, value, count) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, month, survey_version_id, respondent, dimension, category, question_id, value) \
     DO UPDATE SET count = equality_totals.count + excluded.count";

const INVITATION_SQL: &str = "INSERT INTO invitation_totals (team_id, month, survey_version_id, count) \
     VALUES (?, ?, ?, ?) ON CONFLICT (team_id, month, survey_version_id) \
     DO UPDATE SET count = invitation_totals.count + excluded.count";

/// Counts `count` invitations issued (kept here beside the other totals; invitations call it).
pub fn add_invitations(
    conn: &mut DbConnection,
    team_id: &str,
    month: &str,
    survey_version_id: &str,
    count: i64,
) -> QueryResult<()> {
    crate::on_backend!(conn, |c| CachedSql::new(
        INVITATION_SQL,
        vec![
            Bind::Text(team_id),
            Bind::Text(month),
            Bind::Text(survey_version_id),
            Bind::BigInt(count)
        ]
    )
    .execute(c))
    .map(|_| ())
}

/// The month a date falls in, as totals store it.
pub fn month_of(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m").to_string()
}

/// Where a response is counted.
pub struct TotalsKey<'a> {
    pub team_id: &'a str,
    pub month: &'a str,
    pub survey_version_id: &'a str,
    pub respondent: &'a str,
}

/// Adds `count` responses to one cell.
fn add_response_count(
    conn: &mut DbConnection,
    key: &TotalsKey<'_>,
    channel: &str,
    count: i64,
) -> QueryResult<()> {
    crate::on_backend!(conn, |c| CachedSql::new(
        RESPONSE_SQL,
        vec![
            Bind::Text(key.team_id),
            Bind::Text(key.month),
            Bind::Text(key.survey_version_id),
            Bind::Text(key.respondent),
            Bind::Text(channel),
            Bind::BigInt(count)
        ]
    )
    .execute(c))
    .map(|_| ())
}

/// Adds `count` answers with the same value to one cell.
fn add_answer_count(
    conn: &mut DbConnection,
    key: &TotalsKey<'_>,
    question_id: &str,
    value: &str,
    count: i64,
) -> QueryResult<()> {
    crate::on_backend!(conn, |c| CachedSql::new(
        ANSWER_SQL,
        vec![
            Bind::Text(key.team_id),
            Bind::Text(key.month),
            Bind::Text(key.survey_version_id),
            Bind::Text(question_id),
            Bind::Text(key.respondent),
            Bind::Text(value),
            Bind::BigInt(count)
        ]
    )
    .execute(c))
    .map(|_| ())
}

/// Adds `delta` (1 for a new comment; -1 and 1 for a corrected label) to a comment's counts:
/// once overall (theme '') and once per theme it touches.
pub fn add_comment(
    conn: &mut DbConnection,
    team_id: &str,
    month: &str,
    respondent: &str,
    sentiment: &str,
    themes: &[&str],
    delta: i64,
) -> QueryResult<()> {
    for theme in std::iter::once("").chain(themes.iter().copied()) {
        add_comment_count(conn, team_id, month, respondent, sentiment, theme, delta)?;
    }
    Ok(())
}

/// Adds `delta` to one (month, group, sentiment, theme) cell.
fn add_comment_count(
    conn: &mut DbConnection,
    team_id: &str,
    month: &str,
    respondent: &str,
    sentiment: &str,
    theme: &str,
    delta: i64,
) -> QueryResult<()> {
    crate::on_backend!(conn, |c| CachedSql::new(
        COMMENT_SQL,
        vec![
            Bind::Text(team_id),
            Bind::Text(month),
            Bind::Text(respondent),
            Bind::Text(sentiment),
            Bind::Text(theme),
            Bind::BigInt(delta)
        ]
    )
    .execute(c))
    .map(|_| ())
}

/// Counts waiting to be added to the running totals, merged so that each cell is written once
/// however many responses in a group commit touch it. Responses in one batch mostly share
/// their team, month and questionnaire, so twenty responses' answers become a handful of
/// upserts instead of a hundred and forty.
#[derive(Debug, Default)]
pub struct Tally {
    /// (team, month, version, group, channel)
    responses: HashMap<[String; 5], i64>,
    /// (team, month, version, question, group, value)
    answers: HashMap<[String; 6], i64>,
    /// (team, month, group, sentiment, theme)
    comments: HashMap<[String; 5], i64>,
    /// (team, month, version, group, dimension, category, question, value); question and
    /// value '' count the responses in the category.
    equality: HashMap<[String; 8], i64>,
}

impl Tally {
    /// Counts one response.
    pub fn response(&mut self, key: &TotalsKey<'_>, channel: &str) {
        let cell = [
            key.team_id,
            key.month,
            key.survey_version_id,
            key.respondent,
            channel,
        ];
        *self.responses.entry(cell.map(str::to_owned)).or_default() += 1;
    }

    /// Counts one answer value.
    pub fn answer(&mut self, key: &TotalsKey<'_>, question_id: &str, value: &str) {
        let cell = [
            key.team_id,
            key.month,
            key.survey_version_id,
            question_id,
            key.respondent,
            value,
        ];
        *self.answers.entry(cell.map(str::to_owned)).or_default() += 1;
    }

    /// Counts one comment: once overall (theme '') and once per theme it touches.
    pub fn comment(&mut self, key: &TotalsKey<'_>, sentiment: &str, themes: &[String]) {
        for theme in std::iter::once("").chain(themes.iter().map(String::as_str)) {
            let cell = [key.team_id, key.month, key.respondent, sentiment, theme];
            *self.comments.entry(cell.map(str::to_owned)).or_default() += 1;
        }
    }

    /// Counts one response in its "About you" category, with each of its other answers
    /// (`(question, value)`), so that a report can give every figure by category.
    pub fn equality(
        &mut self,
        key: &TotalsKey<'_>,
        (dimension, category): (Dimension, &str),
        answers: &[(&str, &str)],
    ) {
        for (question_id, value) in std::iter::once(&("", "")).chain(answers) {
            let cell = [
                key.team_id,
                key.month,
                key.survey_version_id,
                key.respondent,
                dimension.as_str(),
                category,
                question_id,
                value,
            ];
            *self.equality.entry(cell.map(str::to_owned)).or_default() += 1;
        }
    }

    /// Adds another tally's counts to this one.
    pub fn merge(&mut self, other: Tally) {
        for (cell, n) in other.responses {
            *self.responses.entry(cell).or_default() += n;
        }
        for (cell, n) in other.answers {
            *self.answers.entry(cell).or_default() += n;
        }
        for (cell, n) in other.comments {
            *self.comments.entry(cell).or_default() += n;
        }
        for (cell, n) in other.equality {
            *self.equality.entry(cell).or_default() += n;
        }
    }

    /// Writes the counts, in the caller's transaction.
    pub fn write(&self, conn: &mut DbConnection) -> QueryResult<()> {
        for ([team_id, month, survey_version_id, respondent, channel], n) in &self.responses {
            let key = TotalsKey {
                team_id,
                month,
                survey_version_id,
                respondent,
            };
            add_response_count(conn, &key, channel, *n)?;
        }
        for (
            [
                team_id,
                month,
                survey_version_id,
                question_id,
                respondent,
                value,
            ],
            n,
        ) in &self.answers
        {
            let key = TotalsKey {
                team_id,
                month,
                survey_version_id,
                respondent,
            };
            add_answer_count(conn, &key, question_id, value, *n)?;
        }
        for ([team_id, month, respondent, sentiment, theme], n) in &self.comments {
            add_comment_count(conn, team_id, month, respondent, sentiment, theme, *n)?;
        }
        for (cell, n) in &self.equality {
            let mut binds: Vec<Bind<'_>> = cell.iter().map(|v| Bind::Text(v)).collect();
            binds.push(Bind::BigInt(*n));
            crate::on_backend!(conn, |c| CachedSql::new(EQUALITY_SQL, binds).execute(c))?;
        }
        Ok(())
    }
}
