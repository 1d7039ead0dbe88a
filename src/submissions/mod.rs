//! Answering a questionnaire: the one place that redeems a link and stores its response, in one
//! transaction, so a link works once even when fifty submissions race.
//!
//! This is the only module that touches both invitations and responses, and it passes nothing
//! from the invitation into the response but the team, the questionnaire version and the channel.
//! Free text is read (scrubbed, checked for risk language, tagged) on the request's own thread
//! before the submission joins the queue of the one writer (`writer`), which then only writes.
//! A submission waits for its release (`staging`, `release`); a comment with risk language also
//! goes to the team's duty contact at once (`urgent`).

pub mod release;
pub mod staging;
pub mod writer;

use crate::db::{DatabaseUrl, DbConnection};
use crate::error::AppError;
use crate::invitations::{self, OpenInvitation};
use crate::mail::worker::Nudge;
use crate::metrics::CommitMetrics;
use crate::responses::{Prepared, TextRules};
use crate::surveys::Respondent;
use crate::surveys::answers::Answer;
use crate::teams::Team;
use crate::text::{RiskTerms, Tagger};
use chrono::TimeDelta;
use std::sync::Arc;

pub use writer::GroupCommit;

/// How free text is read before it is stored.
pub struct TextReading {
    pub risk: RiskTerms,
    pub themes: Tagger,
}

/// Where submissions go: the writer's queue, how their free text is read first, and how long
/// an urgent comment may wait for acknowledgement.
#[derive(Clone)]
pub struct Submissions {
    writer: GroupCommit,
    text: Arc<TextReading>,
    urgent_ack: TimeDelta,
    /// Wakes the mail worker, so an urgent alert goes at once.
    mail: Arc<Nudge>,
}

/// What a stored submission tells the page that thanks the person.
#[derive(Debug)]
pub struct Accepted {
    /// Whether any free text used risk language: the thank-you page puts urgent help first.
    pub urgent: bool,
    /// The team's page settings as they are now (language, crisis line).
    pub team: Option<Team>,
}

impl Submissions {
    /// Starts the writer for the database at `url`.
    pub fn start(
        url: &DatabaseUrl,
        metrics: CommitMetrics,
        text: TextReading,
        urgent_ack: TimeDelta,
        mail: Arc<Nudge>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            writer: GroupCommit::start(url, metrics)?,
            text: Arc::new(text),
            urgent_ack,
            mail,
        })
    }

    /// Redeems `invitation` and stores its answers, answering once they are on disk; `Gone`
    /// when another submission used the link first or it has expired.
    pub async fn submit(
        &self,
        invitation: OpenInvitation,
        respondent: Respondent,
        answers: &[Answer],
    ) -> Result<Accepted, AppError> {
        let prepared = Prepared::new(
            answers,
            &TextRules {
                risk: &self.text.risk,
                themes: &self.text.themes,
            },
        );
        let urgent_ack = self.urgent_ack;
        let accepted = self
            .writer
            .run(move |conn| {
                store(conn, &invitation, respondent, &prepared, urgent_ack)?;
                let team = crate::teams::find(conn, &invitation.team_id)?;
                Ok(Accepted {
                    urgent: prepared.urgent(),
                    team,
                })
            })
            .await?;
        if accepted.urgent {
            self.mail.wake();
        }
        Ok(accepted)
    }
}

/// Redeems an open invitation and stores its answers to wait for their release, or fails with
/// `Gone` if another submission used the link first.
///
/// The caller runs this inside a transaction or savepoint of its own (the writer gives each
/// submission a savepoint), so that a failure part way through undoes the redeemed link as well
/// as the rows written.
pub fn store(
    conn: &mut DbConnection,
    invitation: &OpenInvitation,
    respondent: Respondent,
    answers: &Prepared,
    urgent_ack: TimeDelta,
) -> Result<(), AppError> {
    // First statement is the write: on SQLite it takes the write lock at once (and waits
    // its turn), on PostgreSQL the row lock makes the loser see `used`.
    if !invitations::redeem(conn, &invitation.id)? {
        return Err(AppError::Gone);
    }
    let submission = staging::Submission {
        team_id: &invitation.team_id,
        survey_version_id: &invitation.survey_version_id,
        respondent,
        channel: invitation.channel.as_str(),
        answers,
    };
    let today = crate::db::today();
    staging::stage(conn, &submission, today)?;
    // Risk language goes to a person at once, apart from the release (see `urgent`).
    let urgent = answers.urgent_texts();
    if !urgent.is_empty() {
        let new = crate::urgent::NewUrgent {
            team_id: &invitation.team_id,
            survey_version_id: &invitation.survey_version_id,
            respondent: respondent.as_str(),
            body: urgent.join("\n\n"),
        };
        crate::urgent::record(conn, &new, today, urgent_ack)?;
    }
    Ok(())
}
