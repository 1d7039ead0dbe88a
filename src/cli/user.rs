//! `user add EMAIL --role ROLE [--team CODE]...`, the password read from standard input.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::staff::{self, Role, StaffEmail, passwords::NewPassword};
use clap::ValueEnum;
use std::io::Read;

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Manager,
    Clinician,
}

#[derive(clap::Subcommand)]
pub enum UserCommand {
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

pub fn run(command: UserCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            role,
            teams: team_codes,
        } => add(&email, role, &team_codes, settings),
    }
}

fn add(
    email: &str,
    role: RoleArg,
    team_codes: &[String],
    settings: &Settings,
) -> anyhow::Result<()> {
    let email = StaffEmail::parse(email).map_err(anyhow::Error::msg)?;
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
    let password =
        NewPassword::parse(input.lines().next().unwrap_or_default()).map_err(anyhow::Error::msg)?;
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let mut grants = Vec::new();
    for code in team_codes {
        let team = super::team_by_code(&mut conn, code)?;
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
    audit::record(
        &mut conn,
        "cli",
        AuditAction::UserAdd,
        None,
        &format!("user={id} {detail}"),
    )?;
    println!("user saved");
    Ok(())
}
