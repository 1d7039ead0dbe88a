//! The outbox: mail waits in a table and a worker sends it, with retries and back-off, so an
//! SMTP outage loses nothing and a restart resumes. Several servers may run workers at once:
//! each claims rows (with `FOR UPDATE SKIP LOCKED` on PostgreSQL) so a message goes out once.

use super::compose::{MailContext, MailKind, compose};
use super::transport::Mailer;
use crate::db::schema::{invitation_tokens, invitations, mail_outbox, teams};
use crate::db::{DbConnection, Pool};
use crate::templates::Templates;
use crate::text::scrub::scrub;
use crate::tokens;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};
use std::sync::Arc;

/// Everything the worker needs, cloned into its thread.
#[derive(Clone)]
pub struct OutboxSender {
    pub pool: Pool,
    pub templates: Arc<Templates>,
    pub mailer: Mailer,
    pub mail_from: String,
    pub public_url: String,
    pub national_help: String,
    pub retry_base_seconds: u32,
    pub metrics: crate::metrics::Metrics,
}

#[derive(QueryableByName, Debug)]
struct Claimed {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    invitation_id: String,
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
     FOR UPDATE SKIP LOCKED) RETURNING id, invitation_id, kind, attempts";
/// SQLite has one writer at a time, so the same statement without row locks is already exclusive.
const CLAIM_SQLITE: &str = "UPDATE mail_outbox SET claimed_until = $1 WHERE id IN (\
     SELECT id FROM mail_outbox WHERE sent = FALSE AND next_attempt_at <= $2 \
     AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY next_attempt_at LIMIT $3) \
     RETURNING id, invitation_id, kind, attempts";

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
                Err(problem) => {
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

    /// Sends one claimed message; `Ok(false)` when there is nothing to send any more
    /// (the link was used, or the address erased). `Err` carries a reason to retry.
    fn send_one(&self, conn: &mut DbConnection, row: &Claimed) -> Result<bool, String> {
        let db = |e: diesel::result::Error| format!("database: {e}");
        let invitation: Option<(Option<String>, bool, NaiveDate, String)> = invitations::table
            .inner_join(teams::table)
            .filter(invitations::id.eq(&row.invitation_id))
            .select((
                invitations::email,
                invitations::used,
                invitations::expires_on,
                teams::name,
            ))
            .get_result(conn)
            .optional()
            .map_err(db)?;
        let kind = MailKind::parse(&row.kind).unwrap_or(MailKind::Invitation);
        let deliverable = invitation.filter(|(email, used, expires_on, _)| {
            email.is_some() && !used && *expires_on >= crate::db::today()
        });
        let Some((Some(email), _, expires_on, team_name)) = deliverable else {
            self.mark_sent(conn, row, None).map_err(db)?;
            return Ok(false);
        };
        // The link is minted now and exists in clear only inside the message.
        let token = tokens::random_token();
        let token_hash = tokens::hash(&token);
        diesel::insert_into(invitation_tokens::table)
            .values((
                invitation_tokens::token_hash.eq(&token_hash),
                invitation_tokens::invitation_id.eq(&row.invitation_id),
            ))
            .execute(conn)
            .map_err(db)?;
        let link = format!("{}/s/{}", self.public_url, token);
        let context = MailContext {
            team_name: &team_name,
            link: &link,
            expires_on: expires_on.format("%-d %B %Y").to_string(),
            privacy_link: format!("{}/privacy", self.public_url),
            national_help: &self.national_help,
        };
        let host = self
            .public_url
            .split("://")
            .nth(1)
            .unwrap_or("localhost")
            .split([':', '/'])
            .next()
            .unwrap_or("localhost");
        let outcome = compose(
            &self.templates,
            kind,
            &self.mail_from,
            &email,
            host,
            &context,
        )
        .map_err(|e| e.to_string())
        .and_then(|message| self.mailer.send(&message));
        if let Err(problem) = outcome {
            // Nobody holds this token: remove it so it cannot be guessed later.
            let _ = diesel::delete(invitation_tokens::table.find(&token_hash)).execute(conn);
            return Err(problem);
        }
        let erase = (kind == MailKind::Reminder).then_some(row.invitation_id.as_str());
        self.mark_sent(conn, row, erase).map_err(db)?;
        tracing::info!(outbox_id = %row.id, kind = kind.as_str(), "mail sent");
        Ok(true)
    }

    fn mark_sent(
        &self,
        conn: &mut DbConnection,
        row: &Claimed,
        erase_contact_of: Option<&str>,
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
            // After the one reminder the address has served its purpose.
            if let Some(id) = erase_contact_of {
                diesel::update(invitations::table.find(id))
                    .set(invitations::email.eq(None::<String>))
                    .execute(conn)?;
            }
            Ok(())
        })
    }
}

/// Queues the one reminder for each emailed invitation that is still unused after `after_days`.
/// The guarded update makes this safe to run on several servers at once.
pub fn queue_reminders(conn: &mut DbConnection, after_days: u32) -> QueryResult<usize> {
    let today = crate::db::today();
    let cutoff = today - TimeDelta::days(i64::from(after_days));
    let due: Vec<String> = invitations::table
        .filter(invitations::email.is_not_null())
        .filter(invitations::used.eq(false))
        .filter(invitations::reminder_sent.eq(false))
        .filter(invitations::issued_on.le(cutoff))
        .filter(invitations::expires_on.ge(today))
        .filter(diesel::dsl::exists(
            mail_outbox::table
                .filter(mail_outbox::invitation_id.eq(invitations::id))
                .filter(mail_outbox::kind.eq(MailKind::Invitation.as_str()))
                .filter(mail_outbox::sent.eq(true)),
        ))
        .select(invitations::id)
        .limit(500)
        .load(conn)?;
    let mut queued = 0;
    for id in due {
        queued += conn.transaction(|conn| {
            let won = diesel::update(
                invitations::table
                    .find(&id)
                    .filter(invitations::reminder_sent.eq(false)),
            )
            .set(invitations::reminder_sent.eq(true))
            .execute(conn)?;
            if won == 1 {
                let now = crate::db::now();
                diesel::insert_into(mail_outbox::table)
                    .values((
                        mail_outbox::id.eq(uuid::Uuid::new_v4().to_string()),
                        mail_outbox::invitation_id.eq(&id),
                        mail_outbox::kind.eq(MailKind::Reminder.as_str()),
                        mail_outbox::attempts.eq(0),
                        mail_outbox::next_attempt_at.eq(now),
                        mail_outbox::sent.eq(false),
                        mail_outbox::created_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            QueryResult::Ok(won)
        })?;
    }
    Ok(queued)
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
