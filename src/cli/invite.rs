//! `invite --team CODE --survey SLUG (--count N | --emails FILE)`: printable links and codes, or
//! emails through the outbox.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::invitations::{self, Batch, Channel, InviteEmail};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct InviteArgs {
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
}

pub fn run(args: InviteArgs, settings: &Settings) -> anyhow::Result<()> {
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let team = super::team_by_code(&mut conn, &args.team)?;
    let survey = &args.survey;
    let version = services
        .catalogue
        .current(survey)
        .ok_or_else(|| anyhow::anyhow!("no questionnaire with slug {survey}"))?;
    let batch = Batch {
        team_id: &team.id,
        survey_version_id: &version.id,
        expiry_days: settings.invitation_expiry_days,
        language: None,
    };
    match (args.count, args.emails) {
        (Some(count), None) => {
            anyhow::ensure!(
                (1..=invitations::MAX_BATCH).contains(&count),
                "--count must be from 1 to {}",
                invitations::MAX_BATCH
            );
            let (_, links) = invitations::issue_links(&mut conn, &batch, Channel::Printed, count)?;
            audit::record(
                &mut conn,
                "cli",
                AuditAction::InvitationsIssue,
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
            let list = read_emails(&file)?;
            let queued = invitations::issue_emails(&mut conn, &batch, &list)?;
            audit::record(
                &mut conn,
                "cli",
                AuditAction::InvitationsIssue,
                Some(&team.id),
                &format!("survey={survey} emails={queued}"),
            )?;
            println!("queued {queued} invitation emails; a running server sends them");
        }
        _ => anyhow::bail!("give either --count N or --emails FILE"),
    }
    Ok(())
}

/// Reads one address a line, naming the line of any that is not an address (never the address).
fn read_emails(file: &Path) -> anyhow::Result<Vec<InviteEmail>> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut list = Vec::new();
    for (i, line) in text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        list.push(
            InviteEmail::parse(line)
                .map_err(|why| anyhow::anyhow!("{} line {}: {why}", file.display(), i + 1))?,
        );
    }
    anyhow::ensure!(
        !list.is_empty(),
        "{} has no email addresses",
        file.display()
    );
    Ok(list)
}
