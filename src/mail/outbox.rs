//! The outbox: mail waits in a table and a worker sends it, with retries and back-off, so an
//! SMTP outage loses nothing and a restart resumes. Several servers may run workers at once:
//! each claims rows (with `FOR UPDATE SKIP LOCKED` on PostgreSQL) so a message goes out once.
//!
//! A row names only what the message is about (its kind and subject, such as an invitation);
//! who it goes to and what it says are worked out when it is due, by the `Letters` of the
//! module that queued it. So no address and no usable link waits in this table, and mail knows
//! nothing of invitations.

use super::compose::{MailKind, compose};
use super::notify::{NotSent, Notify, NotifyTemplates};
use super::transport::Mailer;
use crate::db::schema::mail_outbox;
use crate::db::{DbConnection, Pool};
use crate::templates::Templates;
use crate::text::scrub::scrub;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use std::sync::Arc;

/// Work done on the database after a send, or to undo what preparing made.
pub type Followup = Box<dyn FnOnce(&mut DbConnection) -> QueryResult<()> + Send>;

/// Where a message goes.
#[derive(Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    /// A mobile number in E.164 form, for a text message through GOV.UK Notify.
    Mobile(String),
}

impl std::fmt::Debug for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Contact::Email(_) => f.write_str("Contact::Email([redacted])"),
            Contact::Mobile(_) => f.write_str("Contact::Mobile([redacted])"),
        }
    }
}

/// A message ready to send: its recipient, what its templates may use, and what to do next.
pub struct Letter {
    pub to: Contact,
    /// What the message's email templates may use.
    pub context: serde_json::Value,
    /// What a GOV.UK Notify template may use (its personalisation); `None` for a message that
    /// only goes by SMTP.
    pub personalisation: Option<serde_json::Value>,
    /// Runs in the transaction that marks the message sent (say, erasing an address that has
    /// served).
    pub after_sent: Option<Followup>,
    /// Runs when a try failed (say, removing a link minted for this message alone).
    pub undo: Option<Followup>,
    /// Runs when the message is given up for good (say, erasing a number Notify refused).
    pub after_give_up: Option<Followup>,
}

/// Works out, when a message is due, who it goes to and what it says. `Ok(None)` means there is
/// nothing to send any more (the link was used, the address erased); `Err` a reason to retry.
pub trait Letters: Send + Sync {
    fn prepare(
        &self,
        conn: &mut DbConnection,
        kind: MailKind,
        subject_id: &str,
    ) -> Result<Option<Letter>, String>;
}

/// Sends each kind of message by the `Letters` of the module that queues it.
pub struct LettersByKind(pub Vec<(MailKind, Arc<dyn Letters>)>);

impl Letters for LettersByKind {
    fn prepare(
        &self,
        conn: &mut DbConnection,
        kind: MailKind,
        subject_id: &str,
    ) -> Result<Option<Letter>, String> {
        let letters = self
            .0
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, letters)| letters)
            .ok_or_else(|| format!("nothing writes {} messages", kind.as_str()))?;
        letters.prepare(conn, kind, subject_id)
    }
}

/// Puts a message in the outbox, in the caller's transaction; it is sent when due.
pub fn enqueue(conn: &mut DbConnection, kind: MailKind, subject_id: &str) -> QueryResult<()> {
    enqueue_at(conn, kind, subject_id, crate::db::now())
}

/// Puts a message in the outbox to be sent at `due` (or after, if the worker is busy).
pub fn enqueue_at(
    conn: &mut DbConnection,
    kind: MailKind,
    subject_id: &str,
    due: NaiveDateTime,
) -> QueryResult<()> {
    let now = crate::db::now();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::id.eq(uuid::Uuid::new_v4().to_string()),
            mail_outbox::subject_id.eq(subject_id),
            mail_outbox::kind.eq(kind.as_str()),
            mail_outbox::attempts.eq(0),
            mail_outbox::next_attempt_at.eq(due),
            mail_outbox::sent.eq(false),
            mail_outbox::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Everything the worker needs, cloned into its thread.
#[derive(Clone)]
pub struct OutboxSender {
    pub pool: Pool,
    pub templates: Arc<Templates>,
    pub mailer: Mailer,
    pub mail_from: String,
    /// The domain of our Message-IDs.
    pub host: String,
    pub retry_base_seconds: u32,
    pub metrics: crate::metrics::Metrics,
    pub letters: Arc<dyn Letters>,
    /// GOV.UK Notify, when `NOTIFY_API_KEY` is set, and its templates.
    pub notify: Option<Notify>,
    pub notify_templates: NotifyTemplates,
}

#[derive(QueryableByName, Debug)]
struct Claimed {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    subject_id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

/// How long a claim holds before another worker may take the row over (a crashed sender).
const CLAIM_SECONDS: i64 = 120;
const BATCH: i64 = 20;

/// Per-backend SQL for claiming due rows (the other per-backend SQL is in `invitations::unpair`).
const CLAIM_POSTGRES: &str = "UPDATE mail_outbox SET claimed_until = $1 WHERE id IN (\
     SELECT id FROM mail_outbox WHERE sent = FALSE AND next_attempt_at <= $2 \
     AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3 \
     FOR UPDATE SKIP LOCKED) RETURNING id, subject_id, kind, attempts";
/// SQLite has one writer at a time, so the same statement without row locks is already exclusive.
const CLAIM_SQLITE: &str = "UPDATE mail_outbox SET claimed_until = $1 WHERE id IN (\
     SELECT id FROM mail_outbox WHERE sent = FALSE AND next_attempt_at <= $2 \
     AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3) \
     RETURNING id, subject_id, kind, attempts";

fn claim(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<Claimed>> {
    let until = now + TimeDelta::seconds(CLAIM_SECONDS);
    match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(CLAIM_POSTGRES)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(BATCH)
            .load(c),
        DbConnection::Sqlite(c) => diesel::sql_query(CLAIM_SQLITE)
            .bind::<Timestamp, _>(until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(BATCH)
            .load(c),
    }
}

/// Waiting time before retry `attempts`: doubling from the base, at most an hour.
pub fn backoff(base_seconds: u32, attempts: i32) -> TimeDelta {
    let exponent = attempts.clamp(1, 12) - 1;
    let seconds = i64::from(base_seconds).saturating_mul(1_i64 << exponent);
    TimeDelta::seconds(seconds.min(3600))
}

/// How one pass went.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl OutboxSender {
    /// Sends whatever is due now. Returns what happened.
    pub fn send_due(&self) -> anyhow::Result<PassReport> {
        let mut conn = self.pool.get()?;
        let claimed = claim(&mut conn, crate::db::now())?;
        let mut report = PassReport::default();
        for row in claimed {
            match self.send_one(&mut conn, &row) {
                Ok(true) => report.sent += 1,
                Ok(false) => report.skipped += 1,
                Err(NotSent::GiveUp(problem)) => {
                    report.failed += 1;
                    self.metrics.send_failures.inc();
                    let problem = scrub(&problem);
                    tracing::warn!(outbox_id = %row.id, error = %problem, "a message cannot be delivered; given up");
                    diesel::update(mail_outbox::table.find(&row.id))
                        .set((
                            mail_outbox::sent.eq(true),
                            mail_outbox::failed.eq(true),
                            mail_outbox::attempts.eq(row.attempts + 1),
                            mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                            mail_outbox::last_error.eq(Some(problem)),
                        ))
                        .execute(&mut conn)?;
                }
                Err(NotSent::Retry(problem)) => {
                    report.failed += 1;
                    self.metrics.send_failures.inc();
                    let attempts = row.attempts + 1;
                    let next = crate::db::now() + backoff(self.retry_base_seconds, attempts);
                    // Relay replies can quote the recipient, so the stored and logged text is scrubbed.
                    let problem = scrub(&problem);
                    tracing::warn!(outbox_id = %row.id, attempts, error = %problem, "sending mail failed; will retry");
                    diesel::update(mail_outbox::table.find(&row.id))
                        .set((
                            mail_outbox::attempts.eq(attempts),
                            mail_outbox::next_attempt_at.eq(next),
                            mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                            mail_outbox::last_error.eq(Some(problem)),
                        ))
                        .execute(&mut conn)?;
                }
            }
        }
        Ok(report)
    }

    /// Sends one claimed message; `Ok(false)` when there is nothing to send any more.
    fn send_one(&self, conn: &mut DbConnection, row: &Claimed) -> Result<bool, NotSent> {
        let db = |e: diesel::result::Error| NotSent::Retry(format!("database: {e}"));
        let Some(kind) = MailKind::parse(&row.kind) else {
            // Written by a newer version of the service, or by hand: not ours to guess at.
            tracing::warn!(outbox_id = %row.id, "an outbox message of an unknown kind is skipped");
            self.mark_sent(conn, row, None).map_err(db)?;
            return Ok(false);
        };
        let Some(letter) = self
            .letters
            .prepare(conn, kind, &row.subject_id)
            .map_err(NotSent::Retry)?
        else {
            self.mark_sent(conn, row, None).map_err(db)?;
            return Ok(false);
        };
        let name = format!("{}-{}", kind.as_str(), row.subject_id);
        match self.deliver(kind, &letter, &row.id, &name) {
            Ok(()) => {
                self.mark_sent(conn, row, letter.after_sent).map_err(db)?;
                tracing::info!(outbox_id = %row.id, kind = kind.as_str(), "message sent");
                Ok(true)
            }
            Err(not_sent) => {
                if let Some(undo) = letter.undo {
                    let _ = undo(conn);
                }
                if let (NotSent::GiveUp(_), Some(followup)) = (&not_sent, letter.after_give_up) {
                    followup(conn).map_err(db)?;
                }
                Err(not_sent)
            }
        }
    }

    /// Sends a prepared letter the way its contact and kind call for: a text through Notify,
    /// an email through Notify when an email template is set for invitations, else by SMTP.
    fn deliver(
        &self,
        kind: MailKind,
        letter: &Letter,
        reference: &str,
        name: &str,
    ) -> Result<(), NotSent> {
        let personalisation = || {
            letter
                .personalisation
                .as_ref()
                .ok_or_else(|| NotSent::GiveUp(format!("{} has no text form", kind.as_str())))
        };
        match &letter.to {
            Contact::Mobile(number) => {
                let notify = self.notify.as_ref().ok_or_else(|| {
                    NotSent::Retry("text messages need NOTIFY_API_KEY".to_string())
                })?;
                let template = self.notify_templates.sms_for(kind).ok_or_else(|| {
                    NotSent::Retry(format!("no Notify text template for {}", kind.as_str()))
                })?;
                notify.send_sms(number, template, personalisation()?, reference)
            }
            Contact::Email(address) => {
                let via_notify = matches!(kind, MailKind::Invitation | MailKind::Reminder);
                match (&self.notify, &self.notify_templates.email) {
                    (Some(notify), Some(template)) if via_notify => {
                        notify.send_email(address, template, personalisation()?, reference)
                    }
                    _ => compose(
                        &self.templates,
                        kind,
                        &self.mail_from,
                        address,
                        &self.host,
                        &letter.context,
                    )
                    .map_err(|e| NotSent::Retry(e.to_string()))
                    .and_then(|message| self.mailer.send(&message, name).map_err(NotSent::Retry)),
                }
            }
        }
    }

    fn mark_sent(
        &self,
        conn: &mut DbConnection,
        row: &Claimed,
        after_sent: Option<Followup>,
    ) -> QueryResult<()> {
        conn.transaction(|conn| {
            diesel::update(mail_outbox::table.find(&row.id))
                .set((
                    mail_outbox::sent.eq(true),
                    mail_outbox::attempts.eq(row.attempts + 1),
                    mail_outbox::claimed_until.eq(None::<NaiveDateTime>),
                    mail_outbox::last_error.eq(None::<String>),
                ))
                .execute(conn)?;
            match after_sent {
                Some(followup) => followup(conn),
                None => Ok(()),
            }
        })
    }
}

/// Messages not yet sent (for metrics and tests).
pub fn depth(conn: &mut DbConnection) -> QueryResult<i64> {
    mail_outbox::table
        .filter(mail_outbox::sent.eq(false))
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_an_hour() {
        assert_eq!(backoff(30, 1), TimeDelta::seconds(30));
        assert_eq!(backoff(30, 2), TimeDelta::seconds(60));
        assert_eq!(backoff(30, 4), TimeDelta::seconds(240));
        assert_eq!(backoff(30, 40), TimeDelta::seconds(3600));
    }
}
