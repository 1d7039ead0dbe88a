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
use crate::analysis::themes::Tagger;
use crate::totals::{self, Tally, TotalsKey};

/// What storing needs besides the answers: how to read free text.
pub struct TextRules<'a> {
    pub risk: &'a RiskTerms,
    pub themes: &'a Tagger,
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

/// One answer made ready to store.
#[derive(Debug, Clone)]
enum ReadyAnswer {
    /// Free text, scrubbed of identifiers, with what was read from it.
    Text {
        question_id: String,
        body: String,
        urgent: bool,
        sentiment: Sentiment,
        themes: Vec<String>,
    },
    /// Any other answer, in its stored spelling.
    Value {
        question_id: String,
        stored: String,
        fft: Option<u8>,
    },
}

/// Answers made ready to store: free text scrubbed of identifiers, its risk language,
/// sentiment and themes worked out. This is all reading and no writing, so it is done before
/// a submission joins the queue for the one writer (see `db::group_commit`), which then only
/// writes.
#[derive(Debug, Clone)]
pub struct Prepared(Vec<ReadyAnswer>);

impl Prepared {
    /// Reads every answer as `rules` say.
    pub fn new(given: &[Answer], rules: &TextRules<'_>) -> Self {
        let ready = given
            .iter()
            .map(|answer| match &answer.value {
                AnswerValue::Text(text) => {
                    let body = scrub::scrub(text);
                    ReadyAnswer::Text {
                        question_id: answer.question_id.clone(),
                        urgent: rules.risk.matches(&body),
                        sentiment: sentiment::classify(&body),
                        themes: rules.themes.tag(&body),
                        body,
                    }
                }
                value => ReadyAnswer::Value {
                    question_id: answer.question_id.clone(),
                    stored: value.stored(),
                    fft: match (answer.kind, value) {
                        (QuestionKind::Fft, AnswerValue::Scale(n)) => Some(*n),
                        _ => None,
                    },
                },
            })
            .collect();
        Prepared(ready)
    }
}

/// Stores a response and its prepared answers, and counts them in `tally`, which the caller
/// writes to the running totals in the same transaction. Call inside the caller's transaction.
pub fn store(
    conn: &mut DbConnection,
    new: &NewResponse<'_>,
    prepared: &Prepared,
    tally: &mut Tally,
) -> QueryResult<Stored> {
    // Random, not sequential, so the order of ids says nothing about the order of arrival.
    let response_id = uuid::Uuid::new_v4().to_string();
    // Each insert runs on the backend's own connection type: through the two-backend
    // connection diesel prepares an insert afresh every time, on its own it reuses it.
    crate::on_backend!(conn, |c| diesel::insert_into(responses::table)
        .values((
            responses::id.eq(&response_id),
            responses::team_id.eq(new.team_id),
            responses::survey_version_id.eq(new.survey_version_id),
            responses::respondent.eq(new.respondent.as_str()),
            responses::channel.eq(new.channel),
            responses::received_on.eq(new.received_on),
        ))
        .execute(c))?;
    let month = totals::month_of(new.received_on);
    let key = TotalsKey {
        team_id: new.team_id,
        month: &month,
        survey_version_id: new.survey_version_id,
        respondent: new.respondent.as_str(),
    };
    tally.response(&key, new.channel);
    let mut stored = Stored::default();
    for answer in &prepared.0 {
        match answer {
            ReadyAnswer::Text {
                question_id,
                body,
                urgent,
                sentiment: feeling,
                themes: tags,
            } => {
                let id = uuid::Uuid::new_v4().to_string();
                let tag_list = tags.join(",");
                crate::on_backend!(conn, |c| diesel::insert_into(comments::table)
                    .values((
                        comments::id.eq(&id),
                        comments::response_id.eq(&response_id),
                        comments::team_id.eq(new.team_id),
                        comments::question_id.eq(question_id),
                        comments::body.eq(body),
                        comments::urgent.eq(urgent),
                        comments::received_on.eq(new.received_on),
                        comments::sentiment.eq(feeling.as_str()),
                        comments::themes.eq(&tag_list),
                        comments::respondent.eq(new.respondent.as_str()),
                    ))
                    .execute(c))?;
                tally.comment(&key, feeling.as_str(), tags);
                stored.comments.push(StoredComment {
                    id,
                    body: body.clone(),
                    urgent: *urgent,
                    sentiment: *feeling,
                });
            }
            ReadyAnswer::Value {
                question_id,
                stored: value,
                fft,
            } => {
                if fft.is_some() {
                    stored.fft = *fft;
                }
                crate::on_backend!(conn, |c| diesel::insert_into(answers::table)
                    .values((
                        answers::response_id.eq(&response_id),
                        answers::question_id.eq(question_id),
                        answers::value.eq(value),
                    ))
                    .execute(c))?;
                tally.answer(&key, question_id, value);
            }
        }
    }
    Ok(stored)
}
