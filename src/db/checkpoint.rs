//! On SQLite, copying the write-ahead log into the database file on a thread of its own.
//!
//! SQLite normally does this inside whichever commit makes the log pass 1,000 pages, which
//! would stop the one writer of submissions (see `submissions::writer`) for several milliseconds while
//! every submission waiting behind it waits too. Here a separate connection does it after
//! commits, in `PASSIVE` mode: it copies what it can without ever blocking the writer or a
//! reader, and the log is reused from its start once everything in it has been copied.

use super::{DatabaseUrl, DbConnection};
use diesel::connection::SimpleConnection;
use std::sync::mpsc;
use std::time::Duration;

/// How long commits are gathered before one checkpoint copies them all: a page changed by
/// many commits (the running totals) is copied once.
const GATHER: Duration = Duration::from_millis(200);

/// The handle the writer nudges after each commit. The thread ends when this is dropped.
pub struct Checkpointer {
    nudges: mpsc::SyncSender<()>,
}

impl Checkpointer {
    /// Starts the checkpoint thread for the SQLite database at `url`.
    pub fn start(url: DatabaseUrl) -> std::io::Result<Self> {
        // One waiting nudge is enough: it means "there are commits to copy".
        let (nudges, commits) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || run(&url, &commits))?;
        Ok(Self { nudges })
    }

    /// Says that something was committed; never waits.
    pub fn nudge(&self) {
        let _ = self.nudges.try_send(());
    }
}

fn run(url: &DatabaseUrl, commits: &mpsc::Receiver<()>) {
    let mut conn: Option<DbConnection> = None;
    while commits.recv().is_ok() {
        std::thread::sleep(GATHER);
        // Commits that came while gathering are copied by this checkpoint too.
        while commits.try_recv().is_ok() {}
        if conn.is_none() {
            conn = super::establish(url)
                .map_err(|e| tracing::warn!(error = %e, "checkpoint thread cannot connect"))
                .ok();
        }
        if let Some(DbConnection::Sqlite(c)) = conn.as_mut() {
            if let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)") {
                // SQLite's own checkpoint at 10,000 pages is the fallback; try again next time.
                tracing::warn!(error = %e, "checkpoint failed");
                conn = None;
            }
        }
    }
}
