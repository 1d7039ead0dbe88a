//! The command line: one file per command group. Each group parses its own arguments and hands
//! over to the library; this file only dispatches and turns failures into one clear line.

mod api_key;
mod backup;
mod bench;
mod demo;
mod invite;
mod migrate;
mod opt_out;
mod release;
mod serve;
mod surveys;
mod team;
mod text;
mod user;

use crate::config::Settings;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "crt-feedback",
    version,
    about = "Feedback and fidelity evidence for crisis resolution teams"
)]
struct Cli {
    /// A TOML settings file (the same keys as the environment).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service.
    Serve(serve::ServeArgs),
    /// Apply database migrations.
    Migrate,
    /// Copy the embedded SQLite database, consistently, while the service runs.
    Backup(backup::BackupArgs),
    /// Manage teams.
    Team {
        #[command(subcommand)]
        command: team::TeamCommand,
    },
    /// Manage staff users.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: api_key::ApiKeyCommand,
    },
    /// Check questionnaire definitions.
    Surveys {
        #[command(subcommand)]
        command: surveys::SurveysCommand,
    },
    /// Time the team report as stored responses grow (fresh databases; nothing else touched).
    BenchReport(bench::BenchReportArgs),
    /// Both benchmarks with their defaults: completions at concurrency 1, 8 and 64, then the
    /// report at 10 thousand, 100 thousand and 1 million responses.
    Bench(bench::BenchArgs),
    /// Completions per second through the real server at several concurrencies (fresh databases).
    BenchLoad(bench::BenchLoadArgs),
    /// Issue invitations: printable links with codes, or emails through the outbox.
    Invite(invite::InviteArgs),
    /// Release waiting responses to staff now, under the same rule as the daily release.
    Release,
    /// Manage the list of people who asked not to be contacted.
    OptOut {
        #[command(subcommand)]
        command: opt_out::OptOutCommand,
    },
    /// Train the text model (sentiment and themes), or measure it on your own comments.
    Text {
        #[command(subcommand)]
        command: text::TextCommand,
    },
}

/// Runs the command line, turning every failure into one clear line and a non-zero exit.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("crt-feedback: {e}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(settings.log_format);
    match run(cli.command, settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crt-feedback: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve::run(args, settings),
        Command::Migrate => migrate::run(&settings),
        Command::Backup(args) => backup::run(&args, &settings),
        Command::Team { command } => team::run(command, &settings),
        Command::User { command } => user::run(command, &settings),
        Command::ApiKey { command } => api_key::run(command, &settings),
        Command::Surveys { command } => surveys::run(command, &settings),
        Command::BenchReport(args) => bench::report(&args),
        Command::Bench(args) => bench::both(&args),
        Command::BenchLoad(args) => bench::load(&args),
        Command::Invite(args) => invite::run(args, &settings),
        Command::Release => release::run(&settings),
        Command::OptOut { command } => opt_out::run(command, &settings),
        Command::Text { command } => text::run(&command),
    }
}

/// Opens the database (applying migrations) for a command that works on it.
fn open(settings: &Settings) -> anyhow::Result<crate::startup::Services> {
    crate::startup::Services::open(settings)
}

/// Finds a team by its code, or says there is none.
fn team_by_code(
    conn: &mut crate::db::DbConnection,
    code: &str,
) -> anyhow::Result<crate::teams::Team> {
    crate::teams::find_by_code(conn, code)?
        .ok_or_else(|| anyhow::anyhow!("no team with code {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_commands_default_to_what_bench_runs() {
        let parsed = |args: &[&str]| Cli::try_parse_from(args).unwrap().command;
        let Command::BenchLoad(load) = parsed(&["crt-feedback", "bench-load"]) else {
            unreachable!()
        };
        assert_eq!(load.concurrency, bench::LOAD_CONCURRENCY);
        assert_eq!(load.completions, bench::LOAD_COMPLETIONS);
        let Command::BenchReport(report) = parsed(&["crt-feedback", "bench-report"]) else {
            unreachable!()
        };
        assert_eq!(report.sizes, bench::REPORT_SIZES);
        assert_eq!(report.runs, bench::REPORT_RUNS);
    }
}
