//! The background thread that sends due mail and runs the scheduled jobs (reminders, erasing
//! expired contact details, deleting comments and audit entries past their retention). New mail wakes it at once; otherwise it polls.

use super::outbox::{OutboxSender, queue_reminders};
use crate::invitations::erase_expired_contacts;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Wakes the worker early, e.g. when invitations were just queued.
#[derive(Debug, Default)]
pub struct Nudge {
    pending: Mutex<bool>,
    signal: Condvar,
}

impl Nudge {
    /// Asks the worker to look now.
    pub fn wake(&self) {
        if let Ok(mut pending) = self.pending.lock() {
            *pending = true;
            self.signal.notify_all();
        }
    }

    fn wait(&self, timeout: Duration) {
        if let Ok(pending) = self.pending.lock() {
            if let Ok((mut pending, _)) = self.signal.wait_timeout_while(pending, timeout, |p| !*p)
            {
                *pending = false;
            }
        }
    }
}

/// What the scheduled jobs need to know.
#[derive(Debug, Clone, Copy)]
pub struct Jobs {
    pub reminder_after_days: u32,
    pub retention: crate::retention::Retention,
}

/// A running worker; stops when dropped.
pub struct Worker {
    stop: Arc<AtomicBool>,
    nudge: Arc<Nudge>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker thread.
    pub fn start(sender: OutboxSender, nudge: Arc<Nudge>, poll: Duration, jobs: Jobs) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = {
            let stop = stop.clone();
            let nudge = nudge.clone();
            std::thread::Builder::new()
                .name("outbox".into())
                .spawn(move || run(sender, nudge, stop, poll, jobs))
                .ok()
        };
        Worker {
            stop,
            nudge,
            handle,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.nudge.wake();
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

const JOBS_EVERY: Duration = Duration::from_secs(60);

fn run(sender: OutboxSender, nudge: Arc<Nudge>, stop: Arc<AtomicBool>, poll: Duration, jobs: Jobs) {
    let mut jobs_due = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        if Instant::now() >= jobs_due {
            jobs_due = Instant::now() + JOBS_EVERY;
            if let Err(e) = scheduled_jobs(&sender, jobs) {
                tracing::warn!(error = %e, "scheduled jobs failed; will try again");
            }
        }
        let busy = match sender.send_due() {
            Ok(report) => report.sent + report.failed + report.skipped > 0,
            Err(e) => {
                tracing::warn!(error = %e, "outbox pass failed; will try again");
                false
            }
        };
        if !busy {
            nudge.wait(poll);
        }
    }
    // On the way out, leave no erased contact details behind in the SQLite log.
    if let Ok(mut conn) = sender.pool.get() {
        crate::db::truncate_wal(&mut conn);
    }
}

fn scheduled_jobs(sender: &OutboxSender, jobs: Jobs) -> anyhow::Result<()> {
    let mut conn = sender.pool.get()?;
    let reminders = queue_reminders(&mut conn, jobs.reminder_after_days)?;
    let erased = erase_expired_contacts(&mut conn)?;
    let deleted = crate::retention::apply(&mut conn, jobs.retention)?;
    let rewritten = crate::invitations::unpair::rewrite_used_invitations(&mut conn)?;
    crate::db::truncate_wal(&mut conn);
    if reminders + erased + deleted.comments + deleted.audit_entries > 0 {
        tracing::info!(
            reminders,
            erased,
            comments_deleted = deleted.comments,
            audit_deleted = deleted.audit_entries,
            invitations_rewritten = rewritten,
            "scheduled jobs ran"
        );
    }
    Ok(())
}
