//! Every scheduled job, and the one scheduler that runs each once across servers.
//!
//! Each server runs a scheduler thread. Before a job runs, the scheduler claims it with a
//! guarded update of its row in `scheduled_jobs` (moving its next run on), so when several
//! servers share a PostgreSQL database, one of them runs it and the others skip it (see
//! `needs_claim` for SQLite).

pub mod inbound_texts;
pub mod mail_files;
pub mod reminders;
pub mod retention;

use crate::db::schema::scheduled_jobs;
use crate::db::{DbConnection, Pool};
use chrono::{NaiveDateTime, NaiveTime, TimeDelta};
use diesel::prelude::*;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Reading replies to the service's texts for STOP, when texts are set up.
#[derive(Debug, Clone)]
pub struct InboundTexts {
    pub notify: crate::mail::notify::Notify,
    pub opt_outs: crate::opt_outs::OptOuts,
    /// `NOTIFY_INBOUND_POLL_SECONDS`.
    pub every: Duration,
}

/// What the jobs need to know.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub inbound_texts: Option<InboundTexts>,
    /// The folder of `.eml` files, when mail is written to files instead of sent.
    pub mail_dir: Option<std::path::PathBuf>,
    pub reminder_after_days: u32,
    pub retention: retention::Retention,
    /// The local time of day at which waiting submissions are released.
    pub release_time: NaiveTime,
    /// The smallest batch a team's group is released in.
    pub min_n: u32,
}

/// When a job runs.
#[derive(Debug, Clone, Copy)]
enum When {
    /// Every so often, from the moment the service starts.
    Every(Duration),
    /// Once a day at `JobSettings::release_time`, local time; a run missed while the service
    /// was stopped happens when it starts again.
    DailyAtReleaseTime,
    /// Every `NOTIFY_INBOUND_POLL_SECONDS`.
    InboundPoll,
}

/// One scheduled job: its name (its row in `scheduled_jobs`), when it runs, and what it does,
/// returning how many things it changed.
struct Job {
    name: &'static str,
    when: When,
    /// Whether it works on the shared database (run once across servers) rather than on this
    /// server's own files (run by every server).
    shared: bool,
    run: fn(&mut DbConnection, &JobSettings) -> anyhow::Result<usize>,
}

const MINUTE: Duration = Duration::from_secs(60);

/// Every job the service runs by itself.
const JOBS: &[Job] = &[
    Job {
        name: "reminders",
        when: When::Every(MINUTE),
        shared: true,
        run: |conn, settings| Ok(reminders::queue(conn, settings.reminder_after_days)?),
    },
    Job {
        name: "erase_expired_contacts",
        when: When::Every(MINUTE),
        shared: true,
        run: |conn, _| {
            let erased = crate::invitations::erase_expired_contacts(conn)?
                + crate::tablets::expire_visits(conn)?;
            // Erased addresses also leave the SQLite log, not only the tables.
            crate::db::truncate_wal(conn);
            Ok(erased)
        },
    },
    Job {
        name: "delete_spent_mail_files",
        when: When::Every(MINUTE),
        shared: false,
        run: |conn, settings| match &settings.mail_dir {
            Some(dir) => mail_files::delete_spent(conn, dir),
            None => Ok(0),
        },
    },
    Job {
        name: "unpair_used_invitations",
        when: When::Every(MINUTE),
        shared: true,
        run: |conn, _| Ok(crate::invitations::unpair::rewrite_used_invitations(conn)?),
    },
    Job {
        name: "read_stop_replies",
        when: When::InboundPoll,
        shared: true,
        run: |conn, settings| match &settings.inbound_texts {
            Some(inbound) => inbound_texts::read_stop_replies(conn, inbound),
            None => Ok(0),
        },
    },
    Job {
        name: "release",
        when: When::DailyAtReleaseTime,
        shared: true,
        run: |conn, settings| {
            let released =
                crate::submissions::release::release(conn, settings.min_n, crate::db::today())?;
            Ok(released.responses)
        },
    },
    Job {
        // Throttles forget: failed sign-ins a day after the last one (addresses typed by
        // strangers included), daily invitation counts after two days, rate-limit windows an
        // hour after they ended.
        name: "forget_throttles",
        when: When::Every(Duration::from_secs(600)),
        shared: true,
        run: |conn, _| {
            let sign_ins = crate::staff::sign_in::forget_old(conn)?;
            let today = crate::db::today();
            let counts = crate::staff::invitation_allowance::forget_before(
                conn,
                today - TimeDelta::days(2),
            )?;
            let windows =
                crate::db::counters::forget_before(conn, crate::db::now() - TimeDelta::hours(1))?;
            Ok(sign_ins + counts + windows)
        },
    },
    Job {
        name: "retention",
        when: When::Every(Duration::from_secs(3600)),
        shared: true,
        run: |conn, settings| {
            let deleted = retention::apply(conn, settings.retention)?;
            Ok(deleted.comments + deleted.audit_entries + deleted.waiting_submissions)
        },
    },
];

impl When {
    /// The next run after `now` (UTC).
    fn next_after(self, now: NaiveDateTime, settings: &JobSettings) -> NaiveDateTime {
        match self {
            When::Every(every) => now + TimeDelta::from_std(every).unwrap_or(TimeDelta::MAX),
            When::DailyAtReleaseTime => {
                crate::submissions::release::next_release(now, settings.release_time)
            }
            When::InboundPoll => {
                let every = settings
                    .inbound_texts
                    .as_ref()
                    .map_or(Duration::from_secs(300), |i| i.every);
                now + TimeDelta::from_std(every).unwrap_or(TimeDelta::MAX)
            }
        }
    }

    /// The first run, for a job never run before: at once for a repeating job, at the next
    /// release time for a daily one.
    fn first(self, now: NaiveDateTime, settings: &JobSettings) -> NaiveDateTime {
        match self {
            When::Every(_) | When::InboundPoll => now,
            When::DailyAtReleaseTime => self.next_after(now, settings),
        }
    }
}

/// How much earlier than its time a job may be claimed again: the scheduler wakes on its own
/// clock, and a claim a few milliseconds early must not wait a whole interval more.
const CLAIM_SLACK: TimeDelta = TimeDelta::seconds(1);

/// Claims a job's run for this server: false when it is not due yet, or another server has
/// run it. Its row records the next run, `first` for a job that has none.
fn claim(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
    first: NaiveDateTime,
    next: NaiveDateTime,
) -> QueryResult<bool> {
    crate::on_backend!(conn, |c| diesel::insert_into(scheduled_jobs::table)
        .values((
            scheduled_jobs::name.eq(name),
            scheduled_jobs::next_run_at.eq(first),
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    let won = diesel::update(
        scheduled_jobs::table
            .find(name)
            .filter(scheduled_jobs::next_run_at.le(now + CLAIM_SLACK)),
    )
    .set(scheduled_jobs::next_run_at.eq(next))
    .execute(conn)?;
    Ok(won == 1)
}

/// Whether a job needs claiming before it runs. An embedded SQLite database belongs to one
/// server, so a repeating job there runs without a claim: a claim is a commit, and a commit
/// between another connection's read and write makes that write fail at once. A daily job is
/// claimed on both, so that its run is remembered across restarts.
fn needs_claim(conn: &DbConnection, when: When) -> bool {
    matches!(conn, DbConnection::Postgresql(_)) || matches!(when, When::DailyAtReleaseTime)
}

/// Runs every job due by this server's clock (`due`, one entry a job) that no other server has
/// run meanwhile, and moves each one's time on.
fn run_due(pool: &Pool, settings: &JobSettings, due: &mut [NaiveDateTime]) {
    let now = crate::db::now();
    for (job, due_at) in JOBS.iter().zip(due.iter_mut()) {
        if *due_at > now {
            continue;
        }
        let next = job.when.next_after(now, settings);
        *due_at = next;
        let outcome = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| {
                if job.shared
                    && needs_claim(&conn, job.when)
                    && !claim(
                        &mut conn,
                        job.name,
                        now,
                        job.when.first(now, settings),
                        next,
                    )?
                {
                    return Ok(None);
                }
                (job.run)(&mut conn, settings).map(Some)
            });
        match outcome {
            Ok(Some(changed)) if changed > 0 => {
                tracing::info!(job = job.name, changed, "scheduled job ran")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(job = job.name, error = %format!("{e:#}"), "scheduled job failed; will try again")
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
    /// Starts the thread.
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

/// The longest the scheduler sleeps, so that a changed clock is noticed within a minute.
const LONGEST_SLEEP: Duration = Duration::from_secs(60);

fn run(pool: &Pool, settings: &JobSettings, stop: &(Mutex<bool>, Condvar)) {
    // Every job is looked at once at start; its claim says whether it is really due.
    let mut due = vec![crate::db::now(); JOBS.len()];
    loop {
        run_due(pool, settings, &mut due);
        let next = due.iter().min().copied().unwrap_or_else(crate::db::now);
        let wait = (next - crate::db::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(LONGEST_SLEEP);
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
