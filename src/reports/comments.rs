//! Reading comments for staff, from the shown cells of the one protected table only (see
//! `protection`): a comment is shown when its team's group gave at least `min_n` responses in
//! its month, as for every other figure.

use super::period::Period;
use crate::db::DbConnection;
use crate::db::schema::{comments, responses};
use crate::error::AppError;
use crate::protection::Cells;
use crate::surveys::Catalogue;
use crate::text::sentiment::Sentiment;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

/// A comment as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: String,
    pub group: String,
    pub month: String,
    pub question_id: String,
    pub question: Option<String>,
    pub text: String,
    /// The label in force: a staff correction if there is one, otherwise the computed one.
    pub sentiment: String,
    pub sentiment_corrected: bool,
    pub themes: Vec<String>,
    pub urgent: bool,
}

/// Comments for a team in a period, and the groups whose comments were withheld.
#[derive(Debug, Serialize)]
pub struct CommentList {
    pub comments: Vec<CommentView>,
    pub withheld_groups: Vec<String>,
    pub min_n: u32,
}

type Row = (
    String,
    String,
    String,
    String,
    bool,
    NaiveDate,
    String,
    Option<String>,
    String,
    String,
);

/// Lists visible comments, newest first.
pub fn list(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    team_id: &str,
    period: &Period,
    min_n: u32,
) -> QueryResult<CommentList> {
    let (first, last) = period.months();
    let cells = Cells::load(conn, Some(team_id), (&first, &last), min_n)?;
    let withheld_groups = cells
        .withheld_groups()
        .into_iter()
        .map(|g| g.as_str().to_string())
        .collect();
    let rows: Vec<Row> = comments::table
        .inner_join(responses::table)
        .filter(comments::team_id.eq(team_id))
        .filter(comments::received_on.between(period.from, period.to))
        .order((comments::received_on.desc(), comments::id.asc()))
        .select((
            comments::id,
            comments::respondent,
            comments::question_id,
            comments::body,
            comments::urgent,
            comments::received_on,
            comments::sentiment,
            comments::sentiment_corrected,
            comments::themes,
            responses::survey_version_id,
        ))
        .load(conn)?;
    let mut list = Vec::with_capacity(rows.len());
    for (id, group, question_id, text, urgent, day, sentiment, corrected, themes, version) in rows {
        let month = day.format("%Y-%m").to_string();
        if !cells.shows(team_id, &month, &group) {
            continue;
        }
        if list.len() == 2000 {
            break;
        }
        let question = catalogue
            .version(conn, &version)?
            .and_then(|v| v.survey.question(&question_id).map(|q| q.text.clone()));
        list.push(CommentView {
            id,
            group,
            month,
            question_id,
            question,
            text,
            sentiment_corrected: corrected.is_some(),
            sentiment: corrected.unwrap_or(sentiment),
            themes: themes
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            urgent,
        });
    }
    Ok(CommentList {
        comments: list,
        withheld_groups,
        min_n,
    })
}

/// The team a comment belongs to.
pub fn team_of(conn: &mut DbConnection, comment_id: &str) -> QueryResult<Option<String>> {
    comments::table
        .find(comment_id)
        .select(comments::team_id)
        .get_result(conn)
        .optional()
}

/// Records a staff correction of a comment's sentiment and moves its counts in the totals.
pub fn correct_sentiment(
    conn: &mut DbConnection,
    comment_id: &str,
    label: &str,
) -> Result<(), AppError> {
    let new = Sentiment::parse(label.trim()).ok_or_else(|| {
        AppError::field(
            "sentiment",
            "sentiment must be positive, neutral or negative",
        )
    })?;
    conn.transaction(|conn| {
        let (team_id, respondent, day, computed, corrected, themes): (
            String,
            String,
            NaiveDate,
            String,
            Option<String>,
            String,
        ) = comments::table
            .find(comment_id)
            .select((
                comments::team_id,
                comments::respondent,
                comments::received_on,
                comments::sentiment,
                comments::sentiment_corrected,
                comments::themes,
            ))
            .get_result(conn)
            .optional()?
            .ok_or(AppError::NotFound("comment"))?;
        let old = corrected.unwrap_or(computed);
        if old == new.as_str() {
            return Ok(());
        }
        let month = crate::totals::month_of(day);
        let tags: Vec<&str> = themes.split(',').filter(|t| !t.is_empty()).collect();
        crate::totals::add_comment(conn, &team_id, &month, &respondent, &old, &tags, -1)?;
        crate::totals::add_comment(conn, &team_id, &month, &respondent, new.as_str(), &tags, 1)?;
        diesel::update(comments::table.find(comment_id))
            .set(comments::sentiment_corrected.eq(Some(new.as_str())))
            .execute(conn)?;
        Ok(())
    })
}
