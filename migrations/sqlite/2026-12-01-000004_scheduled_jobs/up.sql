-- When each scheduled job may next run. Every server's scheduler claims a job by moving its
-- time on with a guarded update, so each run happens on one server only.
CREATE TABLE scheduled_jobs (
    name TEXT PRIMARY KEY,
    next_run_at TIMESTAMP NOT NULL
);
