//! `api-key create EMAIL`: prints the key once, as the last line; only its hash is stored.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::staff::{self, StaffEmail};

#[derive(clap::Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key for a user; prints it as the last line (only its hash is stored).
    Create { email: String },
}

pub fn run(command: ApiKeyCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        ApiKeyCommand::Create { email } => {
            let email = StaffEmail::parse(&email).map_err(anyhow::Error::msg)?;
            let services = super::open(settings)?;
            let mut conn = services.pool.get()?;
            let user_id = staff::find_id_by_email(&mut conn, &email)?
                .ok_or_else(|| anyhow::anyhow!("no user with that email address"))?;
            let key = staff::api_keys::create(&mut conn, &user_id)?;
            audit::record(
                &mut conn,
                "cli",
                AuditAction::ApiKeyCreate,
                None,
                &format!("user={user_id}"),
            )?;
            println!("API key created; it is shown only once:");
            println!("{key}");
            Ok(())
        }
    }
}
