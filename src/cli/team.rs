//! `team add CODE --name NAME`; `team set CODE` with any of `--urgent-email ADDRESS`,
//! `--urgent-mobile NUMBER` (the duty contact), `--staff-size N` and `--partners N` (the most
//! links a survey round of the staff or partner questionnaire issues).

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
    /// Set a team's duty contact for urgent comments, and the sizes that cap its survey
    /// rounds ("" clears a part).
    Set {
        code: String,
        /// The address alerted at once about an urgent comment.
        #[arg(long)]
        urgent_email: Option<String>,
        /// A UK mobile number alerted by text (when text messages are set up).
        #[arg(long)]
        urgent_mobile: Option<String>,
        /// How many staff the team has: the most links a staff round issues.
        #[arg(long)]
        staff_size: Option<String>,
        /// How many partner services the team works with: the most links a partner round issues.
        #[arg(long)]
        partners: Option<String>,
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
            staff_size,
            partners,
        } => {
            anyhow::ensure!(
                urgent_email.is_some()
                    || urgent_mobile.is_some()
                    || staff_size.is_some()
                    || partners.is_some(),
                "give any of --urgent-email ADDRESS, --urgent-mobile NUMBER, --staff-size N, --partners N"
            );
            let size = |given: Option<String>, what: &str| {
                given
                    .map(|v| match v.trim() {
                        "" => Ok(None),
                        v => teams::parse_round_size(v, what).map(Some),
                    })
                    .transpose()
                    .map_err(anyhow::Error::msg)
            };
            let staff_size = size(staff_size, "--staff-size")?;
            let partners = size(partners, "--partners")?;
            let sizes_given = staff_size.is_some() || partners.is_some();
            let contact_given = urgent_email.is_some() || urgent_mobile.is_some();
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
            if sizes_given {
                teams::set_round_sizes(&mut conn, &team.id, staff_size, partners)?;
                audit::record(
                    &mut conn,
                    "cli",
                    AuditAction::TeamRoundSizes,
                    Some(&team.id),
                    &teams::round_sizes_detail(staff_size, partners),
                )?;
                let team = super::team_by_code(&mut conn, &code)?;
                let shown =
                    |n: Option<i32>| n.map_or_else(|| "not set".to_string(), |n| n.to_string());
                println!(
                    "survey rounds for {}: staff size {}, partners {}",
                    team.code,
                    shown(team.staff_size),
                    shown(team.partners)
                );
            }
            if !contact_given {
                return Ok(());
            }
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
