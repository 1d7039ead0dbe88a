//! Anonymous responses. This module never reads the invitation tables: what it stores cannot
//! point back to who was asked.

pub mod risk;
pub mod scrub;

use crate::db::DbConnection;
use crate::db::schema::{answers, comments, responses};
use crate::surveys::QuestionKind;
use crate::surveys::Respondent;
use crate::surveys::answers::{Answer, AnswerValue};
use chrono::NaiveDate;
use diesel::prelude::*;

pub use risk::RiskTerms;

use crate::analysis::sentiment::{self, Sentiment};
use crate::analysis::themes::{self, Theme};
use crate::totals::{self, TotalsKey};

/// What storing needs besides the answers: how to read free text.
pub struct TextRules<'a> {
    pub risk: &'a RiskTerms,
    pub themes: &'a [Theme],
}

/// What a response keeps: team, questionnaire version, group, channel and the day.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    pub team_id: &'a str,
    pub survey_version_id: &'a str,
    pub respondent: Respondent,
    pub channel: &'a str,
    pub received_on: NaiveDate,
}

/// A stored free-text comment.
#[derive(Debug, Clone)]
pub struct StoredComment {
    pub id: String,
    pub body: String,
    pub urgent: bool,
    pub sentiment: Sentiment,
}

/// What the caller needs to know about what was stored.
#[derive(Debug, Clone, Default)]
pub struct Stored {
    /// The FFT answer, 1 (very poor) to 5 (very good), when given.
    pub fft: Option<u8>,
    pub comments: Vec<StoredComment>,
}

impl Stored {
    /// Whether any comment used risk language.
    pub fn urgent(&self) -> bool {
        self.comments.iter().any(|c| c.urgent)
    }
}

/// Stores a response and its answers, and counts them in the running totals. Free text is
/// scrubbed of identifiers first, then its sentiment and themes are worked out. Call inside the
/// caller's transaction.
pub fn store(
    conn: &mut DbConnection,
    new: &NewResponse<'_>,
    given: &[Answer],
    rules: &TextRules<'_>,
) -> QueryResult<Stored> {
    // Random, not sequential, so the order of ids says nothing about the order of arrival.
    let response_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(responses::table)
        .values((
            responses::id.eq(&response_id),
            responses::team_id.eq(new.team_id),
            responses::survey_version_id.eq(new.survey_version_id),
            responses::respondent.eq(new.respondent.as_str()),
            responses::channel.eq(new.channel),
            responses::received_on.eq(new.received_on),
        ))
        .execute(conn)?;
    let month = totals::month_of(new.received_on);
    let key = TotalsKey {
        team_id: new.team_id,
        month: &month,
        survey_version_id: new.survey_version_id,
        respondent: new.respondent.as_str(),
    };
    totals::add_response(conn, &key, new.channel)?;
    let mut stored = Stored::default();
    for answer in given {
        match &answer.value {
            AnswerValue::Text(text) => {
                let body = scrub::scrub(text);
                let urgent = rules.risk.matches(&body);
                let feeling = sentiment::classify(&body);
                let tags = themes::tag(&body, rules.themes);
                let id = uuid::Uuid::new_v4().to_string();
                diesel::insert_into(comments::table)
                    .values((
                        comments::id.eq(&id),
                        comments::response_id.eq(&response_id),
                        comments::team_id.eq(new.team_id),
                        comments::question_id.eq(&answer.question_id),
                        comments::body.eq(&body),
                        comments::urgent.eq(urgent),
                        comments::received_on.eq(new.received_on),
                        comments::sentiment.eq(feeling.as_str()),
                        comments::themes.eq(tags.join(",")),
                        comments::respondent.eq(new.respondent.as_str()),
                    ))
                    .execute(conn)?;
                let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
                totals::add_comment(
                    conn,
                    new.team_id,
                    &month,
                    new.respondent.as_str(),
                    feeling.as_str(),
                    &tag_refs,
                    1,
                )?;
                stored.comments.push(StoredComment {
                    id,
                    body,
                    urgent,
                    sentiment: feeling,
                });
            }
            value => {
                if answer.kind == QuestionKind::Fft {
                    if let AnswerValue::Scale(n) = value {
                        stored.fft = Some(*n);
                    }
                }
                diesel::insert_into(answers::table)
                    .values((
                        answers::response_id.eq(&response_id),
                        answers::question_id.eq(&answer.question_id),
                        answers::value.eq(value.stored()),
                    ))
                    .execute(conn)?;
                totals::add_answer(conn, &key, &answer.question_id, &value.stored())?;
            }
        }
    }
    Ok(stored)
}
