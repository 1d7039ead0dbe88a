//! crt-feedback: anonymous feedback and "you said, we did" evidence for crisis resolution teams.

pub mod analysis;
pub mod backup;
pub mod bench;
pub mod cli;
pub mod concerns;
pub mod config;
pub mod contacts;
pub mod db;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod invitations;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod opt_outs;
pub mod protection;
pub mod reports;
pub mod responses;
pub mod rounds;
pub mod staff;
pub mod startup;
pub mod submissions;
pub mod surveys;
pub mod tablets;
pub mod teams;
pub mod telemetry;
pub mod templates;
pub mod text;
pub mod tokens;
pub mod totals;
pub mod urgent;
pub mod web;

pub use startup::Application;
