//! Anonymous responses. This module never reads the invitation tables: what it stores cannot
//! point back to who was asked.

use crate::db::DbConnection;
use crate::db::schema::{comments, responses};
use crate::surveys::QuestionKind;
use crate::surveys::Respondent;
use crate::surveys::answers::{Answer, AnswerValue};
use crate::surveys::equality::Dimension;
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::text::sentiment::{self, Sentiment};
use crate::text::themes::Tagger;
use crate::text::{RiskTerms, scrub};
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
        /// Whether it answers the Friends and Family Test question (even "don't know").
        #[serde(default)]
        is_fft: bool,
    },
    /// An "About you" answer: counted with the response's other answers by category, never
    /// stored as an answer, so no row ever puts a person's background beside what they said.
    About {
        dimension: Dimension,
        category: String,
    },
}

/// Answers made ready to store: free text scrubbed of identifiers, its risk language,
/// sentiment and themes worked out. This is all reading and no writing, so it is done before
/// a submission joins the queue for the one writer (see `submissions::writer`), which then only
/// writes.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Prepared(Vec<ReadyAnswer>);

impl Prepared {
    /// Whether any free text used risk language.
    pub fn urgent(&self) -> bool {
        self.0
            .iter()
            .any(|a| matches!(a, ReadyAnswer::Text { urgent: true, .. }))
    }

    /// The scrubbed free texts that used risk language.
    pub fn urgent_texts(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|a| match a {
                ReadyAnswer::Text {
                    urgent: true, body, ..
                } => Some(body.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The stored spelling of the Friends and Family Test answer ("5" very good ... "1" very
    /// poor, or "dont_know"), when the questionnaire asks it.
    pub fn fft_answer(&self) -> Option<&str> {
        self.0.iter().find_map(|a| match a {
            ReadyAnswer::Value {
                is_fft: true,
                stored,
                ..
            } => Some(stored.as_str()),
            _ => None,
        })
    }

    /// The "About you" answers: each dimension answered, with its category.
    fn about_you(&self) -> impl Iterator<Item = (Dimension, &str)> {
        self.0.iter().filter_map(|a| match a {
            ReadyAnswer::About {
                dimension,
                category,
            } => Some((*dimension, category.as_str())),
            _ => None,
        })
    }

    /// The prepared answers as stored while they wait for a release.
    pub fn to_json(&self) -> String {
        // Plain strings, numbers and enums: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads answers back from `to_json`.
    pub fn from_json(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }

    /// Reads every answer as `rules` say. Sentiment reads each comment with the response's FFT
    /// answer and the kind of question it answers (from the question id), as the model was
    /// trained to.
    pub fn new(given: &[Answer], rules: &TextRules<'_>) -> Self {
        let fft = given
            .iter()
            .find_map(|answer| match (answer.kind, &answer.value) {
                (QuestionKind::Fft, AnswerValue::Scale(n)) => Some(*n),
                _ => None,
            });
        let ready = given
            .iter()
            .map(|answer| match (&answer.value, answer.equality) {
                (AnswerValue::Choice(category), Some(dimension)) => ReadyAnswer::About {
                    dimension,
                    category: category.clone(),
                },
                (AnswerValue::Text(text), _) => {
                    let body = scrub::scrub(text);
                    let context = crate::text::CommentContext {
                        fft,
                        question: crate::text::QuestionAsked::from_question(&answer.question_id),
                    };
                    ReadyAnswer::Text {
                        question_id: answer.question_id.clone(),
                        urgent: rules.risk.matches(&body),
                        sentiment: sentiment::classify_in_context(&body, &context),
                        themes: rules.themes.tag(&body),
                        body,
                    }
                }
                (value, _) => ReadyAnswer::Value {
                    question_id: answer.question_id.clone(),
                    stored: value.stored(),
                    fft: match (answer.kind, value) {
                        (QuestionKind::Fft, AnswerValue::Scale(n)) => Some(*n),
                        _ => None,
                    },
                    is_fft: answer.kind == QuestionKind::Fft,
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
    tally.response(&key, new.channel);
    let mut stored = Stored::default();
    let mut values = Vec::with_capacity(prepared.0.len());
    for answer in &prepared.0 {
        match answer {
            ReadyAnswer::About { .. } => {}
            ReadyAnswer::Text {
                question_id,
                body,
                urgent,
                sentiment: feeling,
                themes: tags,
            } => {
                let id = uuid::Uuid::new_v4().to_string();
                let tag_list = tags.join(",");
                diesel::insert_into(comments::table)
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
                    .execute(conn)?;
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
                ..
            } => {
                if fft.is_some() {
                    stored.fft = *fft;
                }
                values.push((question_id.as_str(), value.as_str()));
                tally.answer(&key, question_id, value);
            }
        }
    }
    insert_answers(conn, &response_id, &values)?;
    for (dimension, category) in prepared.about_you() {
        tally.equality(&key, (dimension, category), &values);
    }
    Ok(stored)
}

/// Inserts a response's answers in one statement: one row each, a dozen rows a response.
fn insert_answers(
    conn: &mut DbConnection,
    response_id: &str,
    values: &[(&str, &str)],
) -> QueryResult<()> {
    use crate::db::cached_sql::{Bind, CachedSql};
    if values.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO answers (response_id, question_id, value) VALUES {}",
        vec!["(?, ?, ?)"; values.len()].join(", ")
    );
    let binds: Vec<Bind<'_>> = values
        .iter()
        .flat_map(|(question_id, value)| {
            [
                Bind::Text(response_id),
                Bind::Text(question_id),
                Bind::Text(value),
            ]
        })
        .collect();
    crate::on_backend!(conn, |c| CachedSql::new(&sql, binds).execute(c))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::cached_sql::newly_prepared::NewlyPrepared;
    use crate::db::{DatabaseUrl, establish, run_migrations};
    use crate::surveys::answers::Answer;
    use diesel::connection::Connection;

    fn answer(question_id: &str, kind: QuestionKind, value: AnswerValue) -> Answer {
        Answer {
            question_id: question_id.into(),
            kind,
            value,
            equality: None,
        }
    }

    #[test]
    fn a_response_is_stored_whole_and_storing_another_prepares_nothing_new() {
        let dir = tempfile::tempdir().unwrap();
        let url =
            DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("t.db").display())).unwrap();
        let mut conn = establish(&url).unwrap();
        run_migrations(&mut conn).unwrap();
        let catalogue =
            crate::surveys::Catalogue::new(crate::surveys::load_definitions(None).unwrap());
        catalogue.sync(&mut conn).unwrap();
        let version = catalogue.current("carer").unwrap();
        let team = crate::teams::add(
            &mut conn,
            &crate::teams::TeamCode::parse("NORTH").unwrap(),
            "North",
        )
        .unwrap();
        let given = [
            answer("fft", QuestionKind::Fft, AnswerValue::Scale(2)),
            answer("staff_kind", QuestionKind::Agree5, AnswerValue::DontKnow),
            answer("crisis_help_told", QuestionKind::YesNo, AnswerValue::Yes),
            answer(
                "fft_reason",
                QuestionKind::Text,
                AnswerValue::Text("Nobody called me back, ring 07700 900123".into()),
            ),
        ];
        let risk = RiskTerms::default();
        let tagger = Tagger::new(&crate::text::themes::default_themes());
        let prepared = Prepared::new(
            &given,
            &TextRules {
                risk: &risk,
                themes: &tagger,
            },
        );
        let new = NewResponse {
            team_id: &team.id,
            survey_version_id: &version.id,
            respondent: Respondent::Carer,
            channel: "printed",
            received_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        };

        // The hot path runs a dozen statements a response: each must be one diesel keeps
        // prepared (a statement it will not keep never shows here), and only the first time.
        let newly_prepared = NewlyPrepared::default();
        if let crate::db::DbConnection::Sqlite(c) = &mut conn {
            c.set_instrumentation(newly_prepared.clone());
        }
        let mut tally = Tally::default();
        let stored = store(&mut conn, &new, &prepared, &mut tally).unwrap();
        tally.write(&mut conn).unwrap();
        let mut tables: Vec<String> = newly_prepared
            .take()
            .into_iter()
            .filter_map(|sql| {
                let table = sql
                    .strip_prefix("INSERT INTO ")?
                    .split_whitespace()
                    .next()?;
                Some(table.trim_matches(['`', '"']).to_string())
            })
            .collect();
        tables.sort();
        assert_eq!(
            tables,
            [
                "answer_totals",
                "answers",
                "comment_totals",
                "comments",
                "response_totals",
                "responses"
            ]
        );
        assert_eq!(stored.fft, Some(2));
        assert_eq!(stored.comments.len(), 1);
        assert!(
            !stored.comments[0].body.contains("07700"),
            "scrubbed before storage"
        );

        let mut rows: Vec<(String, String)> = crate::db::schema::answers::table
            .select((
                crate::db::schema::answers::question_id,
                crate::db::schema::answers::value,
            ))
            .load(&mut conn)
            .unwrap();
        rows.sort();
        assert_eq!(
            rows,
            [
                ("crisis_help_told".to_string(), "yes".to_string()),
                ("fft".to_string(), "2".to_string()),
                ("staff_kind".to_string(), "dont_know".to_string()),
            ]
        );

        newly_prepared.take();
        let mut tally = Tally::default();
        store(&mut conn, &new, &prepared, &mut tally).unwrap();
        tally.write(&mut conn).unwrap();
        assert_eq!(
            newly_prepared.take(),
            Vec::<String>::new(),
            "statements prepared again for a second response"
        );
        let total: i64 = crate::db::schema::answer_totals::table
            .filter(crate::db::schema::answer_totals::question_id.eq("fft"))
            .select(crate::db::schema::answer_totals::count)
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(total, 2);
    }
}
