//! Reading what a report needs: running totals, the concerns and actions, the latest
//! service-user response. A few hundred rows, whatever the number of responses.

use super::period::Period;
use crate::concerns::{self, Concern, ConcernFilter};
use crate::db::DbConnection;
use crate::db::schema::{
    answer_totals, comment_totals, equality_totals, invitation_totals, response_totals, responses,
};
use crate::protection::Cells;
use crate::surveys::Dimension;
use chrono::NaiveDate;
use diesel::prelude::*;

/// Responses of one questionnaire version, group and channel in one month.
#[derive(Debug, Clone, Queryable)]
pub struct ResponseCount {
    pub team_id: String,
    pub version_id: String,
    pub respondent: String,
    pub channel: String,
    pub month: String,
    pub count: i64,
}

/// Answers with one value to one question, from one group in one month.
#[derive(Debug, Clone, Queryable)]
pub struct AnswerCount {
    pub team_id: String,
    pub version_id: String,
    pub question_id: String,
    pub respondent: String,
    pub value: String,
    pub month: String,
    pub count: i64,
}

/// Comments of one sentiment from one group in one month; `theme` is empty for the count of
/// comments, else the count of those tagged with that theme.
#[derive(Debug, Clone, Queryable)]
pub struct CommentCount {
    pub team_id: String,
    pub month: String,
    pub respondent: String,
    pub sentiment: String,
    pub theme: String,
    pub count: i64,
}

/// Responses in one "About you" category (`question_id` and `value` empty), or their answers
/// of one value to one question, from one group in one month.
#[derive(Debug, Clone, Queryable)]
pub struct EqualityCount {
    pub team_id: String,
    pub version_id: String,
    pub respondent: String,
    pub category: String,
    pub question_id: String,
    pub value: String,
    pub month: String,
    pub count: i64,
}

/// Reads the equality totals of one dimension for a team (or every team) over a period.
pub fn load_equality(
    conn: &mut DbConnection,
    team_id: Option<&str>,
    period: &Period,
    dimension: Dimension,
) -> QueryResult<Vec<EqualityCount>> {
    let (first, last) = period.months();
    let mut q = equality_totals::table
        .filter(equality_totals::dimension.eq(dimension.as_str()))
        .filter(equality_totals::month.between(first, last))
        .into_boxed();
    if let Some(t) = team_id {
        q = q.filter(equality_totals::team_id.eq(t.to_string()));
    }
    q.select((
        equality_totals::team_id,
        equality_totals::survey_version_id,
        equality_totals::respondent,
        equality_totals::category,
        equality_totals::question_id,
        equality_totals::value,
        equality_totals::month,
        equality_totals::count,
    ))
    .load(conn)
}

/// Everything read for one report.
#[derive(Debug, Default, Clone)]
pub struct Loaded {
    pub responses: Vec<ResponseCount>,
    pub answers: Vec<AnswerCount>,
    pub comments: Vec<CommentCount>,
    pub invitations: i64,
    pub latest_service_user_response: Option<NaiveDate>,
    pub concerns: Vec<Concern>,
}

impl Loaded {
    /// Only what the shown cells hold: the part of the totals that any output may use.
    pub fn shown_part(&self, cells: &Cells) -> Loaded {
        Loaded {
            responses: self
                .responses
                .iter()
                .filter(|r| cells.shows(&r.team_id, &r.month, &r.respondent))
                .cloned()
                .collect(),
            answers: self
                .answers
                .iter()
                .filter(|a| cells.shows(&a.team_id, &a.month, &a.respondent))
                .cloned()
                .collect(),
            comments: self
                .comments
                .iter()
                .filter(|c| cells.shows(&c.team_id, &c.month, &c.respondent))
                .cloned()
                .collect(),
            invitations: self.invitations,
            latest_service_user_response: self.latest_service_user_response,
            concerns: self.concerns.clone(),
        }
    }

    /// The table's cells, decided from the response counts.
    pub fn cells(&self, min_n: u32) -> Cells {
        Cells::from_counts(
            self.responses.iter().map(|r| {
                (
                    r.team_id.as_str(),
                    r.month.as_str(),
                    r.respondent.as_str(),
                    r.count,
                )
            }),
            min_n,
        )
    }
}

/// Reads the totals for a team (or every team) over a period. Sums are taken in Rust: SQL's
/// SUM over BIGINT is NUMERIC on PostgreSQL but INTEGER on SQLite.
pub fn load(
    conn: &mut DbConnection,
    team_id: Option<&str>,
    period: &Period,
    min_n: u32,
) -> QueryResult<Loaded> {
    let (first, last) = period.months();
    let team = team_id.map(str::to_string);

    let mut q = response_totals::table
        .filter(response_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    if let Some(t) = &team {
        q = q.filter(response_totals::team_id.eq(t.clone()));
    }
    let responses = q
        .select((
            response_totals::team_id,
            response_totals::survey_version_id,
            response_totals::respondent,
            response_totals::channel,
            response_totals::month,
            response_totals::count,
        ))
        .load(conn)?;

    let mut q = answer_totals::table
        .filter(answer_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    if let Some(t) = &team {
        q = q.filter(answer_totals::team_id.eq(t.clone()));
    }
    let answers = q
        .select((
            answer_totals::team_id,
            answer_totals::survey_version_id,
            answer_totals::question_id,
            answer_totals::respondent,
            answer_totals::value,
            answer_totals::month,
            answer_totals::count,
        ))
        .load(conn)?;

    let mut q = comment_totals::table
        .filter(comment_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    if let Some(t) = &team {
        q = q.filter(comment_totals::team_id.eq(t.clone()));
    }
    let comments = q
        .select((
            comment_totals::team_id,
            comment_totals::month,
            comment_totals::respondent,
            comment_totals::sentiment,
            comment_totals::theme,
            comment_totals::count,
        ))
        .load(conn)?;

    let mut q = invitation_totals::table
        .filter(invitation_totals::month.between(first.clone(), last.clone()))
        .into_boxed();
    if let Some(t) = &team {
        q = q.filter(invitation_totals::team_id.eq(t.clone()));
    }
    let invitations: i64 = q
        .select(invitation_totals::count)
        .load::<i64>(conn)?
        .into_iter()
        .sum();

    let mut q = responses::table
        .filter(responses::respondent.eq("service_user"))
        .filter(responses::received_on.between(period.from, period.to))
        .into_boxed();
    if let Some(t) = &team {
        q = q.filter(responses::team_id.eq(t.clone()));
    }
    let latest_service_user_response = q
        .select(diesel::dsl::max(responses::received_on))
        .get_result(conn)?;

    let filter = ConcernFilter {
        period: Some((period.from, period.to)),
        ..ConcernFilter::all(min_n)
    };
    let concerns = match &team {
        Some(t) => concerns::list(conn, t, &filter)?,
        None => {
            let mut all = Vec::new();
            for team in crate::teams::all(conn)? {
                all.extend(concerns::list(conn, &team.id, &filter)?);
            }
            all
        }
    };
    Ok(Loaded {
        responses,
        answers,
        comments,
        invitations,
        latest_service_user_response,
        concerns,
    })
}
