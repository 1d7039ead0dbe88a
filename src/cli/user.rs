//! `user add EMAIL --role ROLE [--team CODE]...` (the password read from standard input), and
//! offboarding: `user disable EMAIL`, `user enable EMAIL`, `user remove-role EMAIL --team CODE`,
//! `user unlock EMAIL`.

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
    /// Disable an account: it cannot sign in, its sessions end and its API keys are revoked.
    Disable { email: String },
    /// Enable a disabled account again (its old API keys stay revoked).
    Enable { email: String },
    /// Take a user's role in one team away, at once.
    RemoveRole {
        email: String,
        #[arg(long = "team")]
        team: String,
    },
    /// Clear an address's failed sign-ins, from every client, so it can sign in at once.
    Unlock { email: String },
}

pub fn run(command: UserCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            role,
            teams: team_codes,
        } => add(&email, role, &team_codes, settings),
        UserCommand::Disable { email } => disable(&email, settings),
        UserCommand::Enable { email } => enable(&email, settings),
        UserCommand::RemoveRole { email, team } => remove_role(&email, &team, settings),
        UserCommand::Unlock { email } => unlock(&email, settings),
    }
}

/// The account behind an address, with a connection to change it.
fn account(
    email: &str,
    settings: &Settings,
) -> anyhow::Result<(crate::db::PooledConnection, String)> {
    let email = StaffEmail::parse(email).map_err(anyhow::Error::msg)?;
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let id = staff::find_id_by_email(&mut conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("no user with that email address"))?;
    Ok((conn, id))
}

fn disable(email: &str, settings: &Settings) -> anyhow::Result<()> {
    let (mut conn, id) = account(email, settings)?;
    let done = crate::db::write_transaction(&mut conn, |conn| {
        let done = staff::offboarding::disable(conn, &id)?;
        audit::record(
            conn,
            "cli",
            AuditAction::UserDisable,
            None,
            &format!("user={id} keys_revoked={}", done.keys_revoked),
        )?;
        Ok::<_, anyhow::Error>(done)
    })?;
    if done.was_enabled {
        println!(
            "user disabled: sessions ended, {} API key(s) revoked",
            done.keys_revoked
        );
    } else {
        println!(
            "user was already disabled; {} API key(s) revoked",
            done.keys_revoked
        );
    }
    Ok(())
}

fn enable(email: &str, settings: &Settings) -> anyhow::Result<()> {
    let (mut conn, id) = account(email, settings)?;
    let changed = crate::db::write_transaction(&mut conn, |conn| {
        let changed = staff::offboarding::enable(conn, &id)?;
        audit::record(
            conn,
            "cli",
            AuditAction::UserEnable,
            None,
            &format!("user={id}"),
        )?;
        Ok::<_, anyhow::Error>(changed)
    })?;
    println!(
        "{}",
        if changed {
            "user enabled; create a new API key if they need one"
        } else {
            "user was not disabled"
        }
    );
    Ok(())
}

fn remove_role(email: &str, code: &str, settings: &Settings) -> anyhow::Result<()> {
    let (mut conn, id) = account(email, settings)?;
    let team = super::team_by_code(&mut conn, code)?;
    let removed = crate::db::write_transaction(&mut conn, |conn| {
        let removed = staff::offboarding::remove_role(conn, &id, &team.id)?;
        if removed {
            audit::record(
                conn,
                "cli",
                AuditAction::UserRemoveRole,
                Some(&team.id),
                &format!("user={id} team={}", team.code),
            )?;
        }
        Ok::<_, anyhow::Error>(removed)
    })?;
    anyhow::ensure!(removed, "that user has no role in team {}", team.code);
    println!("role in team {} removed", team.code);
    Ok(())
}

fn unlock(email: &str, settings: &Settings) -> anyhow::Result<()> {
    let typed = StaffEmail::parse(email).map_err(anyhow::Error::msg)?;
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    // Any address can be unlocked, with or without an account: throttling treats them alike.
    let cleared = crate::db::write_transaction(&mut conn, |conn| {
        let cleared = staff::sign_in::clear_address(conn, typed.as_str())?;
        let user = staff::find_id_by_email(conn, &typed)?;
        let detail = match &user {
            Some(id) => format!("user={id} clients={cleared}"),
            None => format!("user=none clients={cleared}"),
        };
        audit::record(conn, "cli", AuditAction::UserUnlock, None, &detail)?;
        Ok::<_, anyhow::Error>(cleared)
    })?;
    println!("sign-in unlocked ({cleared} client(s) were waiting or counting)");
    Ok(())
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
