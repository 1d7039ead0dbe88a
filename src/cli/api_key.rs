//! `api-key create EMAIL [--name NAME] [--expires-days N]` (prints the key once, as the last
//! line; only its hash is stored), `api-key list [EMAIL]` and `api-key revoke ID`.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::staff::api_keys::{self, NewKey, Revoked};
use crate::staff::{self, StaffEmail};

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key for a user; prints it as the last line (only its hash is stored).
    Create {
        email: String,
        /// What the key is for, shown in lists (e.g. "monthly report script").
        #[arg(long)]
        name: Option<String>,
        /// Days until the key stops working (at most API_KEY_MAX_DAYS, the default).
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// List keys (all, or one user's): id, owner, name, created, last used, expiry, state.
    /// Never the key itself.
    List { email: Option<String> },
    /// Revoke a key by its id (from `api-key list`); it gets 401 from then on.
    Revoke { id: String },
}

pub fn run(command: ApiKeyCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create {
            email,
            name,
            expires_days,
        } => create(&email, name.as_deref(), expires_days, settings),
        ApiKeyCommand::List { email } => list(email.as_deref(), settings),
        ApiKeyCommand::Revoke { id } => revoke(&id, settings),
    }
}

fn create(
    email: &str,
    name: Option<&str>,
    expires_days: Option<u32>,
    settings: &Settings,
) -> anyhow::Result<()> {
    let email = StaffEmail::parse(email).map_err(anyhow::Error::msg)?;
    let max = settings.api_key_max_days;
    let expires_in_days = expires_days.unwrap_or(max);
    anyhow::ensure!(
        (1..=max).contains(&expires_in_days),
        "--expires-days must be from 1 to {max} (API_KEY_MAX_DAYS)"
    );
    let name = NewKey::parse_name(name.unwrap_or_default()).map_err(anyhow::Error::msg)?;
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let user_id = staff::find_id_by_email(&mut conn, &email)?
        .ok_or_else(|| anyhow::anyhow!("no user with that email address"))?;
    let created = crate::db::write_transaction(&mut conn, |conn| {
        let created = api_keys::create_with(
            conn,
            &user_id,
            &NewKey {
                name,
                expires_in_days,
            },
        )?;
        audit::record(
            conn,
            "cli",
            AuditAction::ApiKeyCreate,
            None,
            &format!(
                "user={user_id} key={} expires={}",
                created.id,
                created.expires_at.date()
            ),
        )?;
        Ok::<_, anyhow::Error>(created)
    })?;
    println!(
        "API key {} created, working until {}; it is shown only once:",
        created.id,
        created.expires_at.date()
    );
    println!("{}", created.key);
    Ok(())
}

fn list(email: Option<&str>, settings: &Settings) -> anyhow::Result<()> {
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let user_id = match email {
        Some(email) => {
            let email = StaffEmail::parse(email).map_err(anyhow::Error::msg)?;
            Some(
                staff::find_id_by_email(&mut conn, &email)?
                    .ok_or_else(|| anyhow::anyhow!("no user with that email address"))?,
            )
        }
        None => None,
    };
    let keys = api_keys::list(&mut conn, user_id.as_deref())?;
    println!("id\towner\tname\tcreated\tlast used\texpires\tstate");
    for key in &keys {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            key.id,
            key.owner,
            key.name.as_deref().unwrap_or("-"),
            key.created_at.date(),
            key.last_used_on
                .map_or_else(|| "never".to_string(), |d| d.to_string()),
            key.expires_at
                .map_or_else(|| "never".to_string(), |at| at.date().to_string()),
            key.state.as_str(),
        );
    }
    if keys.is_empty() {
        eprintln!("no API keys");
    }
    Ok(())
}

fn revoke(id: &str, settings: &Settings) -> anyhow::Result<()> {
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let outcome = crate::db::write_transaction(&mut conn, |conn| {
        let outcome = api_keys::revoke(conn, id)?;
        if let Revoked::Now { user_id } = &outcome {
            audit::record(
                conn,
                "cli",
                AuditAction::ApiKeyRevoke,
                None,
                &format!("user={user_id} key={}", id.trim()),
            )?;
        }
        Ok::<_, anyhow::Error>(outcome)
    })?;
    match outcome {
        Revoked::Now { .. } => println!("API key {} revoked", id.trim()),
        Revoked::Already { .. } => println!("API key {} was already revoked", id.trim()),
        Revoked::NoSuchKey => anyhow::bail!("no API key with id {}", id.trim()),
    }
    Ok(())
}
