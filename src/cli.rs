//! The command line: serve, migrate, manage teams, users and keys, check questionnaires, issue
//! invitations.

use crate::config::Settings;
use crate::invitations::{self, Batch, Channel, InviteEmail};
use crate::staff::{self, Role, StaffEmail, passwords::NewPassword};
use crate::startup::{Application, Services};
use crate::teams::{self, TeamCode};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

/// The benchmarks' defaults, shared by `bench` and the commands it runs (the lists are
/// written out again as text for clap, so that `--help` shows them as they are typed; a test
/// keeps the two the same).
const LOAD_CONCURRENCY: [usize; 3] = [1, 8, 64];
const LOAD_COMPLETIONS: usize = 10_000;
const REPORT_SIZES: [u64; 3] = [10_000, 100_000, 1_000_000];
const REPORT_RUNS: usize = 50;

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
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides BIND_ADDRESS).
        #[arg(long)]
        bind: Option<String>,
        /// Load a demo organisation into the embedded database and print a demo sign-in.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Copy the embedded SQLite database, consistently, while the service runs.
    Backup {
        /// Where to write the copy (must not exist yet).
        path: PathBuf,
    },
    /// Manage teams.
    Team {
        #[command(subcommand)]
        command: TeamCommand,
    },
    /// Manage staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Check questionnaire definitions.
    Surveys {
        #[command(subcommand)]
        command: SurveysCommand,
    },
    /// Time the team report as stored responses grow (fresh databases; nothing else touched).
    BenchReport {
        /// Numbers of stored responses to time the report at.
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<u64>,
        /// Timed runs at each size.
        #[arg(long, default_value_t = REPORT_RUNS)]
        runs: usize,
        /// Use databases on this PostgreSQL server instead of SQLite files.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Both benchmarks with their defaults: completions at concurrency 1, 8 and 64, then the
    /// report at 10 thousand, 100 thousand and 1 million responses.
    Bench {
        /// Also run both on fresh databases on this PostgreSQL server (SQLite always runs).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Completions per second through the real server at several concurrencies (fresh databases).
    BenchLoad {
        /// Concurrent simulated browsers, one run each.
        #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
        concurrency: Vec<usize>,
        /// Completions at each concurrency.
        #[arg(long, default_value_t = LOAD_COMPLETIONS)]
        completions: usize,
        /// Also run on a fresh database on this PostgreSQL server.
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Train the text model (sentiment and themes), or measure it on your own comments.
    Text {
        #[command(subcommand)]
        command: crate::text::TextCommand,
    },
    /// Issue invitations: printable links with codes, or emails through the outbox.
    Invite {
        #[arg(long)]
        team: String,
        #[arg(long)]
        survey: String,
        /// How many links to print.
        #[arg(long, conflicts_with = "emails", required_unless_present = "emails")]
        count: Option<usize>,
        /// A file of email addresses, one a line.
        #[arg(long)]
        emails: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TeamCommand {
    /// Add a team.
    Add {
        code: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Manager,
    Clinician,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user, or update an existing one; the password is read from standard input.
    Add {
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// A team the role applies to (repeat for several).
        #[arg(long = "team")]
        teams: Vec<String>,
    },
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key for a user; prints it as the last line (only its hash is stored).
    Create { email: String },
}

#[derive(Subcommand)]
enum SurveysCommand {
    /// Load and check every questionnaire definition.
    Check,
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

fn run(command: Command, mut settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve { bind, demo } => {
            if let Some(bind) = bind {
                settings.bind_address = bind;
            }
            if demo {
                anyhow::ensure!(
                    settings.database_url.expose().is_sqlite(),
                    "--demo loads only into the embedded SQLite database"
                );
                let services = Services::open(&settings)?;
                let rules = match &settings.evidence_file {
                    Some(path) => crate::reports::rules::EvidenceRules::from_file(path)?,
                    None => crate::reports::rules::EvidenceRules::default(),
                };
                let mut conn = services.pool.get()?;
                if crate::demo::load(&mut conn, &services.catalogue, &rules.themes)? {
                    println!("demo organisation loaded");
                }
                println!(
                    "demo sign-in: {} / {}",
                    crate::demo::DEMO_EMAIL,
                    crate::demo::DEMO_PASSWORD
                );
                println!("open {}/staff/sign-in", settings.public_url);
            }
            let runtime = actix_web::rt::System::new();
            runtime.block_on(async move {
                let app = Application::build(settings)?;
                tracing::info!(port = app.port(), "listening");
                app.run_until_stopped().await.map_err(anyhow::Error::from)
            })
        }
        Command::BenchReport {
            sizes,
            runs,
            postgres,
        } => crate::bench::run_and_print(&sizes, runs, postgres.as_deref()),
        Command::Backup { path } => {
            crate::backup::sqlite_backup(settings.database_url.expose(), &path)?;
            println!("backup written to {}", path.display());
            Ok(())
        }
        Command::BenchLoad {
            concurrency,
            completions,
            postgres,
        } => crate::bench_load::run_and_print(&concurrency, completions, postgres.as_deref()),
        Command::Bench { postgres } => {
            println!("== completions through the real server");
            crate::bench_load::run_and_print(
                &LOAD_CONCURRENCY,
                LOAD_COMPLETIONS,
                postgres.as_deref(),
            )?;
            println!("== the team report as stored responses grow, SQLite");
            crate::bench::run_and_print(&REPORT_SIZES, REPORT_RUNS, None)?;
            if let Some(postgres) = postgres.as_deref() {
                println!("== the team report as stored responses grow, PostgreSQL");
                crate::bench::run_and_print(&REPORT_SIZES, REPORT_RUNS, Some(postgres))?;
            }
            Ok(())
        }
        Command::Text { command } => crate::text::command::run(&command),
        Command::Migrate => {
            Services::open(&settings)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Surveys {
            command: SurveysCommand::Check,
        } => match crate::surveys::load_definitions(settings.surveys_dir.as_deref()) {
            Ok(defs) => {
                for (file, s) in &defs {
                    println!(
                        "ok {file}: {} ({}, {} questions)",
                        s.slug,
                        s.respondent.as_str(),
                        s.questions.len()
                    );
                }
                Ok(())
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{e}");
                }
                anyhow::bail!("{} questionnaire definition(s) are not valid", errors.len())
            }
        },
        Command::Team {
            command: TeamCommand::Add { code, name },
        } => {
            let code = TeamCode::parse(&code).map_err(anyhow::Error::msg)?;
            let services = Services::open(&settings)?;
            let mut conn = services.pool.get()?;
            let team = teams::add(&mut conn, &code, &name)?;
            crate::concerns::audit::record(
                &mut conn,
                "cli",
                "team.add",
                Some(&team.id),
                &format!("code={}", team.code),
            )?;
            println!("added team {} ({})", team.code, team.name);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    teams: team_codes,
                },
        } => {
            let email = StaffEmail::parse(&email).map_err(anyhow::Error::msg)?;
            let (is_admin, role) = match role {
                RoleArg::Admin => (true, None),
                RoleArg::Manager => (false, Some(Role::Manager)),
                RoleArg::Clinician => (false, Some(Role::Clinician)),
            };
            if role.is_some() && team_codes.is_empty() {
                anyhow::bail!("a manager or clinician needs at least one --team CODE");
            }
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input)?;
            let password = NewPassword::parse(input.lines().next().unwrap_or_default())
                .map_err(anyhow::Error::msg)?;
            let services = Services::open(&settings)?;
            let mut conn = services.pool.get()?;
            let mut grants = Vec::new();
            for code in &team_codes {
                let team = teams::find_by_code(&mut conn, code)?
                    .ok_or_else(|| anyhow::anyhow!("no team with code {code}"))?;
                if let Some(role) = role {
                    grants.push((team.id, role));
                }
            }
            let id = staff::add_or_update(&mut conn, &email, &password, is_admin, &grants)?;
            let detail = format!(
                "role={} teams={}",
                if is_admin {
                    "admin"
                } else {
                    role.map(Role::as_str).unwrap_or("")
                },
                team_codes.join(",")
            );
            crate::concerns::audit::record(
                &mut conn,
                "cli",
                "user.add",
                None,
                &format!("user={id} {detail}"),
            )?;
            println!("user saved");
            Ok(())
        }
        Command::ApiKey {
            command: ApiKeyCommand::Create { email },
        } => {
            let email = StaffEmail::parse(&email).map_err(anyhow::Error::msg)?;
            let services = Services::open(&settings)?;
            let mut conn = services.pool.get()?;
            let user_id = staff::find_id_by_email(&mut conn, &email)?
                .ok_or_else(|| anyhow::anyhow!("no user with that email address"))?;
            let key = staff::api_keys::create(&mut conn, &user_id)?;
            crate::concerns::audit::record(
                &mut conn,
                "cli",
                "api_key.create",
                None,
                &format!("user={user_id}"),
            )?;
            println!("API key created; it is shown only once:");
            println!("{key}");
            Ok(())
        }
        Command::Invite {
            team,
            survey,
            count,
            emails,
        } => {
            let services = Services::open(&settings)?;
            let mut conn = services.pool.get()?;
            let team = teams::find_by_code(&mut conn, &team)?
                .ok_or_else(|| anyhow::anyhow!("no team with code {team}"))?;
            let version = services
                .catalogue
                .current(&survey)
                .ok_or_else(|| anyhow::anyhow!("no questionnaire with slug {survey}"))?;
            let batch = Batch {
                team_id: &team.id,
                survey_version_id: &version.id,
                expiry_days: settings.invitation_expiry_days,
            };
            match (count, emails) {
                (Some(count), None) => {
                    anyhow::ensure!(
                        (1..=invitations::MAX_BATCH).contains(&count),
                        "--count must be from 1 to {}",
                        invitations::MAX_BATCH
                    );
                    let (_, links) =
                        invitations::issue_links(&mut conn, &batch, Channel::Printed, count)?;
                    crate::concerns::audit::record(
                        &mut conn,
                        "cli",
                        "invitations.issue",
                        Some(&team.id),
                        &format!("survey={survey} links={count}"),
                    )?;
                    for link in links {
                        println!(
                            "{}/s/{}\t{}\t{}",
                            settings.public_url, link.token, link.code, link.expires_on
                        );
                    }
                }
                (None, Some(file)) => {
                    let text = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                    let mut list = Vec::new();
                    for (i, line) in text
                        .lines()
                        .map(str::trim)
                        .enumerate()
                        .filter(|(_, l)| !l.is_empty())
                    {
                        list.push(InviteEmail::parse(line).map_err(|why| {
                            anyhow::anyhow!("{} line {}: {why}", file.display(), i + 1)
                        })?);
                    }
                    anyhow::ensure!(
                        !list.is_empty(),
                        "{} has no email addresses",
                        file.display()
                    );
                    let queued = invitations::issue_emails(&mut conn, &batch, &list)?;
                    crate::concerns::audit::record(
                        &mut conn,
                        "cli",
                        "invitations.issue",
                        Some(&team.id),
                        &format!("survey={survey} emails={queued}"),
                    )?;
                    println!("queued {queued} invitation emails; a running server sends them");
                }
                _ => anyhow::bail!("give either --count N or --emails FILE"),
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_benchmark_commands_default_to_what_bench_runs() {
        let parsed = |args: &[&str]| Cli::try_parse_from(args).unwrap().command;
        let Command::BenchLoad {
            concurrency,
            completions,
            ..
        } = parsed(&["crt-feedback", "bench-load"])
        else {
            unreachable!()
        };
        assert_eq!(concurrency, LOAD_CONCURRENCY);
        assert_eq!(completions, LOAD_COMPLETIONS);
        let Command::BenchReport { sizes, runs, .. } = parsed(&["crt-feedback", "bench-report"])
        else {
            unreachable!()
        };
        assert_eq!(sizes, REPORT_SIZES);
        assert_eq!(runs, REPORT_RUNS);
    }
}
