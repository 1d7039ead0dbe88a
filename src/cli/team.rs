//! `team add CODE --name NAME`, `team set CODE --urgent-email ADDRESS [--urgent-mobile NUMBER]`.

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
    /// Set a team's duty contact for urgent comments ("" clears a part).
    Set {
        code: String,
        /// The address alerted at once about an urgent comment.
        #[arg(long)]
        urgent_email: Option<String>,
        /// A UK mobile number alerted by text (when text messages are set up).
        #[arg(long)]
        urgent_mobile: Option<String>,
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
        TeamCommand::Set {
            code,
            urgent_email,
            urgent_mobile,
        } => {
            anyhow::ensure!(
                urgent_email.is_some() || urgent_mobile.is_some(),
                "give --urgent-email ADDRESS, --urgent-mobile NUMBER or both"
            );
            let part = |given: Option<String>, parse: fn(&str) -> Result<String, String>| {
                given
                    .map(|v| match v.trim() {
                        "" => Ok(None),
                        v => parse(v).map(Some),
                    })
                    .transpose()
                    .map_err(anyhow::Error::msg)
            };
            let email = part(urgent_email, crate::urgent::parse_duty_email)?;
            let mobile = part(urgent_mobile, crate::urgent::parse_duty_mobile)?;
            let services = super::open(settings)?;
            let mut conn = services.pool.get()?;
            let team = super::team_by_code(&mut conn, &code)?;
            crate::urgent::set_duty_contact(
                &mut conn,
                &team.id,
                email.as_ref().map(Option::as_deref),
                mobile.as_ref().map(Option::as_deref),
            )?;
            audit::record(
                &mut conn,
                "cli",
                AuditAction::TeamDutyContact,
                Some(&team.id),
                "",
            )?;
            let contact = crate::urgent::duty_contact(&mut conn, &team.id)?;
            println!(
                "duty contact for {}: email {}, mobile {}",
                team.code,
                if contact.email.is_some() {
                    "set"
                } else {
                    "not set"
                },
                if contact.mobile.is_some() {
                    "set"
                } else {
                    "not set"
                }
            );
            Ok(())
        }
    }
}
