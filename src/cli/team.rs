//! `team add CODE --name NAME`.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::teams::{self, TeamCode};

#[derive(clap::Subcommand)]
pub enum TeamCommand {
    /// Add a team.
    Add {
        code: String,
        #[arg(long)]
        name: String,
    },
}

pub fn run(command: TeamCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        TeamCommand::Add { code, name } => {
            let code = TeamCode::parse(&code).map_err(anyhow::Error::msg)?;
            let services = super::open(settings)?;
            let mut conn = services.pool.get()?;
            let team = teams::add(&mut conn, &code, &name)?;
            audit::record(
                &mut conn,
                "cli",
                AuditAction::TeamAdd,
                Some(&team.id),
                &format!("code={}", team.code),
            )?;
            println!("added team {} ({})", team.code, team.name);
            Ok(())
        }
    }
}
