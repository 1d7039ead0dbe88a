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

/// A response that came in without a link: keyed in by staff from a paper form or a telephone
/// call, or sent from a team's tablet.
#[derive(Debug, Clone)]
pub struct Unlinked {
    pub team_id: String,
    pub survey_version_id: String,
    pub respondent: Respondent,
    pub collected: Collected,
}

/// How an unlinked response was collected: its channel, and its mode in the FFT return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Collected {
    Paper,
    Telephone,
    /// Sent from a tablet, with the visit it opened (used up as a link is).
    Tablet {
        tablet_id: String,
        visit: String,
    },
}

impl Collected {
    /// The stored channel.
    pub fn channel(&self) -> &'static str {
        match self {
            Collected::Paper => "paper",
            Collected::Telephone => "telephone",
            Collected::Tablet { .. } => "tablet",
        }
    }
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

    /// Reads free text before the writer is asked to store anything.
    fn prepare(&self, answers: &[Answer]) -> Prepared {
        Prepared::new(
            answers,
            &TextRules {
                risk: &self.text.risk,
                themes: &self.text.themes,
            },
        )
    }

    /// Redeems `invitation` and stores its answers, answering once they are on disk; `Gone`
    /// when another submission used the link first or it has expired.
    pub async fn submit(
        &self,
        invitation: OpenInvitation,
        respondent: Respondent,
        answers: &[Answer],
    ) -> Result<Accepted, AppError> {
        let prepared = self.prepare(answers);
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
        self.after(&accepted);
        Ok(accepted)
    }

    /// Stores a response that came without a link (paper, telephone, tablet), under the same
    /// rules as any other: it waits for its release, and risk language goes to a person at once.
    /// A tablet's visit is used up first; `Gone` when it already was.
    pub async fn submit_unlinked(
        &self,
        unlinked: Unlinked,
        answers: &[Answer],
    ) -> Result<Accepted, AppError> {
        let prepared = self.prepare(answers);
        let urgent_ack = self.urgent_ack;
        let accepted = self
            .writer
            .run(move |conn| {
                if let Collected::Tablet { tablet_id, visit } = &unlinked.collected {
                    if !crate::tablets::use_visit(conn, tablet_id, visit)? {
                        return Err(AppError::Gone);
                    }
                }
                let submission = staging::Submission {
                    team_id: &unlinked.team_id,
                    survey_version_id: &unlinked.survey_version_id,
                    respondent: unlinked.respondent,
                    channel: unlinked.collected.channel(),
                    answers: &prepared,
                };
                stage_with_alerts(conn, &submission, urgent_ack)?;
                let team = crate::teams::find(conn, &unlinked.team_id)?;
                Ok(Accepted {
                    urgent: prepared.urgent(),
                    team,
                })
            })
            .await?;
        self.after(&accepted);
        Ok(accepted)
    }

    /// Once a submission is on disk: an urgent one wakes the mail worker, so its alert goes now.
    fn after(&self, accepted: &Accepted) {
        if accepted.urgent {
            self.mail.wake();
        }
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
    stage_with_alerts(conn, &submission, urgent_ack)
}

/// Stores a submission to wait for its release, counts its FFT answer for the Trust's monthly
/// submission (by the month it arrived: counts only, no team), and sends risk language to a
/// person at once, apart from the release (see `urgent`).
fn stage_with_alerts(
    conn: &mut DbConnection,
    submission: &staging::Submission<'_>,
    urgent_ack: TimeDelta,
) -> Result<(), AppError> {
    let today = crate::db::today();
    staging::stage(conn, submission, today)?;
    if let Some(fft) = submission.answers.fft_answer() {
        staging::count_for_submission(conn, today, submission.channel, fft)?;
    }
    let urgent = submission.answers.urgent_texts();
    if !urgent.is_empty() {
        let new = crate::urgent::NewUrgent {
            team_id: submission.team_id,
            survey_version_id: submission.survey_version_id,
            respondent: submission.respondent.as_str(),
            body: urgent.join("\n\n"),
        };
        crate::urgent::record(conn, &new, today, urgent_ack)?;
    }
    Ok(())
}
