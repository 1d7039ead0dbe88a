//! Integration tests: each starts the real application on port 0 with a fresh database
//! (a SQLite file, or a PostgreSQL database when `TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod anonymity;
mod bad_input;
mod cli;
mod collection_modes;
mod concerns;
mod concurrency;
mod email;
mod fake_notify;
mod faults;
mod files;
mod health;
mod helpers;
mod invitations_api;
mod logs;
mod migrations;
mod openapi;
mod pg_restart;
mod proxies;
mod release;
mod reports;
mod role_matrix;
mod rounds;
mod several_servers;
mod staff_pages;
mod survey_journey;
mod texts;
mod transport;
mod urgent;
mod welsh;
