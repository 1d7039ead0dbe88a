//! The one reminder: an invitation sent by email or text and still unused some days after it
//! went out gets one more message, and then its address or number is erased (see
//! `invitations::letters`).

use crate::db::DbConnection;
use crate::db::schema::{invitations, mail_outbox};
use crate::mail::MailKind;
use chrono::TimeDelta;
use diesel::prelude::*;

/// Queues the one reminder for each emailed invitation that is still unused after `after_days`.
/// The guarded update makes this safe to run on several servers at once.
pub fn queue(conn: &mut DbConnection, after_days: u32) -> QueryResult<usize> {
    let today = crate::db::today();
    let cutoff = today - TimeDelta::days(i64::from(after_days));
    let due: Vec<String> = invitations::table
        .filter(
            invitations::email
                .is_not_null()
                .or(invitations::mobile.is_not_null()),
        )
        .filter(invitations::used.eq(false))
        .filter(invitations::reminder_sent.eq(false))
        .filter(invitations::issued_on.le(cutoff))
        .filter(invitations::expires_on.ge(today))
        .filter(diesel::dsl::exists(
            mail_outbox::table
                .filter(mail_outbox::subject_id.eq(invitations::id))
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
                crate::mail::outbox::enqueue(conn, MailKind::Reminder, &id)?;
            }
            QueryResult::Ok(won)
        })?;
    }
    Ok(queued)
}
