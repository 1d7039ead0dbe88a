//! Retention: free-text comments and audit entries are deleted once they are older than the
//! configured number of months, and so are submissions that waited that long without their
//! group ever making up a batch to release. Counts already in the running totals stay, so reports for those
//! months keep their figures; only the words go.

use crate::db::DbConnection;
use crate::db::schema::{audit_log, comments};
use chrono::Months;
use diesel::prelude::*;

/// How long things are kept.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub comment_months: u32,
    pub audit_months: u32,
}

/// What one run deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    pub comments: usize,
    pub audit_entries: usize,
    /// Submissions that waited as long as comments are kept without making up a batch.
    pub waiting_submissions: usize,
}

/// Deletes what has passed its retention period. Safe to run on several servers at once.
pub fn apply(conn: &mut DbConnection, retention: Retention) -> QueryResult<Deleted> {
    let today = crate::db::today();
    let comment_cutoff = today
        .checked_sub_months(Months::new(retention.comment_months))
        .unwrap_or(today);
    let audit_cutoff = today
        .checked_sub_months(Months::new(retention.audit_months))
        .unwrap_or(today)
        .and_time(chrono::NaiveTime::MIN);
    // A concern keeps its summary; its link to the deleted comment is cleared by the foreign key.
    let comments = diesel::delete(comments::table.filter(comments::received_on.lt(comment_cutoff)))
        .execute(conn)?;
    let audit_entries =
        diesel::delete(audit_log::table.filter(audit_log::at.lt(audit_cutoff))).execute(conn)?;
    let waiting_submissions =
        crate::submissions::staging::expire(conn, &crate::totals::month_of(comment_cutoff))?;
    Ok(Deleted {
        comments,
        audit_entries,
        waiting_submissions,
    })
}
