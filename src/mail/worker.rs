//! The background thread that sends what the outbox holds when it is due. New mail wakes it
//! at once; otherwise it polls.

use super::outbox::OutboxSender;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

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

/// A running worker; stops when dropped.
pub struct Worker {
    stop: Arc<AtomicBool>,
    nudge: Arc<Nudge>,
    handle: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker thread.
    pub fn start(sender: OutboxSender, nudge: Arc<Nudge>, poll: Duration) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = {
            let stop = stop.clone();
            let nudge = nudge.clone();
            std::thread::Builder::new()
                .name("outbox".into())
                .spawn(move || run(sender, nudge, stop, poll))
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

fn run(sender: OutboxSender, nudge: Arc<Nudge>, stop: Arc<AtomicBool>, poll: Duration) {
    while !stop.load(Ordering::SeqCst) {
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
}
