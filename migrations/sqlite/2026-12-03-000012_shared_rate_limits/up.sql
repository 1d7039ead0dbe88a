-- Rate-limit counters shared by every server on one PostgreSQL database: one row per limited
-- key (a route group and a client) with the start of its current window, counted up by one
-- atomic upsert. On SQLite, where one server runs, the limiter counts in memory and this table
-- stays empty.
CREATE TABLE rate_limit_counters (
    limit_key TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL
);
CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_start);
