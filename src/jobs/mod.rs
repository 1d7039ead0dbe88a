//! Every scheduled job, and the one scheduler that runs each once across servers.
//!
//! Each server runs a scheduler thread. Before a job runs, the scheduler claims it with a
//! guarded update of its row in `scheduled_jobs` (moving its next run on), so when several
//! servers share a PostgreSQL database, one of them runs it and the others skip it. An embedded
//! SQLite database belongs to one server, which claims nothing: a claim is a commit, and a
//! commit between another connection's read and write makes that write fail at once.

pub mod reminders;
pub mod retention;

use crate::db::schema::scheduled_jobs;
use crate::db::{DbConnection, Pool};
use chrono::TimeDelta;
use diesel::prelude::*;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the jobs need to know.
#[derive(Debug, Clone, Copy)]
pub struct JobSettings {
    pub reminder_after_days: u32,
    pub retention: retention::Retention,
}

/// One scheduled job: its name (its row in `scheduled_jobs`), how often it runs, and what it
/// does, returning how many things it changed.
struct Job {
    name: &'static str,
    every: Duration,
    run: fn(&mut DbConnection, &JobSettings) -> QueryResult<usize>,
}

const MINUTE: Duration = Duration::from_secs(60);

/// Every job the service runs by itself.
const JOBS: &[Job] = &[
    Job {
        name: "reminders",
        every: MINUTE,
        run: |conn, settings| reminders::queue(conn, settings.reminder_after_days),
    },
    Job {
        name: "erase_expired_contacts",
        every: MINUTE,
        run: |conn, _| {
            let erased = crate::invitations::erase_expired_contacts(conn)?;
            // Erased addresses also leave the SQLite log, not only the tables.
            crate::db::truncate_wal(conn);
            Ok(erased)
        },
    },
    Job {
        name: "unpair_used_invitations",
        every: MINUTE,
        run: |conn, _| crate::invitations::unpair::rewrite_used_invitations(conn),
    },
    Job {
        name: "retention",
        every: Duration::from_secs(3600),
        run: |conn, settings| {
            let deleted = retention::apply(conn, settings.retention)?;
            Ok(deleted.comments + deleted.audit_entries)
        },
    },
];

/// How much earlier than its interval a job may be claimed again: the scheduler wakes on its
/// own clock, and a claim a few milliseconds early must not wait a whole interval more.
const CLAIM_SLACK: TimeDelta = TimeDelta::seconds(1);

/// Claims a job's run for this server; false when another server has run it within its interval.
fn claim(conn: &mut DbConnection, name: &str, every: Duration) -> QueryResult<bool> {
    if matches!(conn, DbConnection::Sqlite(_)) {
        return Ok(true);
    }
    let now = crate::db::now();
    let every = TimeDelta::from_std(every).unwrap_or(TimeDelta::MAX) - CLAIM_SLACK;
    crate::on_backend!(conn, |c| diesel::insert_into(scheduled_jobs::table)
        .values((
            scheduled_jobs::name.eq(name),
            scheduled_jobs::next_run_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    let won = diesel::update(
        scheduled_jobs::table
            .find(name)
            .filter(scheduled_jobs::next_run_at.le(now)),
    )
    .set(scheduled_jobs::next_run_at.eq(now + every))
    .execute(conn)?;
    Ok(won == 1)
}

/// Runs every job that is due and that no other server has run within its interval.
pub fn run_due(pool: &Pool, settings: &JobSettings, due: &mut [Instant]) {
    let now = Instant::now();
    for (job, due_at) in JOBS.iter().zip(due.iter_mut()) {
        if *due_at > now {
            continue;
        }
        *due_at = now + job.every;
        let outcome = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
            if !claim(&mut conn, job.name, job.every).map_err(|e| e.to_string())? {
                return Ok(None);
            }
            (job.run)(&mut conn, settings)
                .map(Some)
                .map_err(|e| e.to_string())
        });
        match outcome {
            Ok(Some(changed)) if changed > 0 => {
                tracing::info!(job = job.name, changed, "scheduled job ran")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(job = job.name, error = %e, "scheduled job failed; will try again")
            }
        }
    }
}

/// The scheduler thread; stops when dropped.
pub struct Scheduler {
    stop: Arc<(Mutex<bool>, Condvar)>,
    handle: Option<JoinHandle<()>>,
}

impl Scheduler {
    /// Starts the thread. Every job is due at once, then at its interval.
    pub fn start(pool: Pool, settings: JobSettings) -> std::io::Result<Self> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let handle = {
            let stop = stop.clone();
            std::thread::Builder::new()
                .name("scheduler".into())
                .spawn(move || run(&pool, &settings, &stop))?
        };
        Ok(Scheduler {
            stop,
            handle: Some(handle),
        })
    }
}

fn run(pool: &Pool, settings: &JobSettings, stop: &(Mutex<bool>, Condvar)) {
    let mut due = vec![Instant::now(); JOBS.len()];
    loop {
        run_due(pool, settings, &mut due);
        let next = due.iter().min().copied().unwrap_or_else(Instant::now);
        let wait = next.saturating_duration_since(Instant::now());
        let (lock, signal) = stop;
        let Ok(stopped) = lock.lock() else { return };
        let Ok((stopped, _)) = signal.wait_timeout_while(stopped, wait, |stopped| !*stopped) else {
            return;
        };
        if *stopped {
            break;
        }
    }
    // On the way out, leave no erased contact details behind in the SQLite log.
    if let Ok(mut conn) = pool.get() {
        crate::db::truncate_wal(&mut conn);
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        let (lock, signal) = &*self.stop;
        if let Ok(mut stopped) = lock.lock() {
            *stopped = true;
            signal.notify_all();
        }
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}
