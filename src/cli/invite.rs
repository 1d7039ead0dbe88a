//! `invite --team CODE --survey SLUG (--count N | --emails FILE)`: printable links and codes, or
//! emails through the outbox; `invite --team CODE --csv FILE [--yes]`: a discharge list.

use crate::concerns::audit::{self, AuditAction};
use crate::config::Settings;
use crate::invitations::{self, Batch, Channel, InviteEmail};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct InviteArgs {
    #[arg(long)]
    team: String,
    /// The questionnaire (not with --csv: a discharge list decides).
    #[arg(long, required_unless_present = "csv")]
    survey: Option<String>,
    /// How many links to print.
    #[arg(long, conflicts_with_all = ["emails", "csv"], required_unless_present_any = ["emails", "csv"])]
    count: Option<usize>,
    /// A file of email addresses, one a line.
    #[arg(long, conflicts_with = "csv")]
    emails: Option<PathBuf>,
    /// A discharge list (CSV with a header row: mobile, email, language, easy_read,
    /// carer_mobile, carer_email, carer_consent). Shows what it would send; sends with --yes.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Send the discharge list, not only show what it would send.
    #[arg(long, requires = "csv")]
    yes: bool,
}

pub fn run(args: InviteArgs, settings: &Settings) -> anyhow::Result<()> {
    if let Some(file) = &args.csv {
        return discharge_list(&args.team, file, args.yes, settings);
    }
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let team = super::team_by_code(&mut conn, &args.team)?;
    let survey = args.survey.as_deref().unwrap_or_default();
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

/// Reads a discharge list, shows what it would send, and sends it when `send` is set. A list
/// with any bad row is refused whole, with every error.
fn discharge_list(team: &str, file: &Path, send: bool, settings: &Settings) -> anyhow::Result<()> {
    use crate::invitations::discharge_list::{self, ListSurveys};
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let rows = match discharge_list::parse(&text) {
        Ok(rows) => rows,
        Err(errors) => {
            for e in &errors {
                eprintln!("row {}: {}", e.row, e.reason);
            }
            anyhow::bail!(
                "{} is refused: {} problem(s); nothing was sent",
                file.display(),
                errors.len()
            );
        }
    };
    let services = super::open(settings)?;
    let mut conn = services.pool.get()?;
    let team = super::team_by_code(&mut conn, team)?;
    let opt_outs =
        crate::opt_outs::OptOuts::new(settings.opt_out_key.as_ref().map(|k| k.expose().as_slice()));
    let texts = rows.iter().any(|r| {
        matches!(r.person, crate::invitations::InviteContact::Mobile(_))
            || matches!(r.carer, Some(crate::invitations::InviteContact::Mobile(_)))
    });
    anyhow::ensure!(
        !texts || settings.notify_api_key.is_some(),
        "the list has mobile numbers, and text messages are not set up (NOTIFY_API_KEY)"
    );
    if !send {
        let would = discharge_list::preview(&mut conn, &rows, &opt_outs)?;
        println!(
            "{} rows: {} people and {} carers would be invited; {} contacts have opted out and would be skipped",
            would.rows, would.people, would.carers, would.opted_out
        );
        println!("nothing was sent: run again with --yes to send");
        return Ok(());
    }
    let version = |slug: &str| {
        services
            .catalogue
            .current(slug)
            .map(|v| v.id.clone())
            .ok_or_else(|| anyhow::anyhow!("no questionnaire with slug {slug}"))
    };
    let (service_user, easy_read, carer) = (
        version(crate::teams::service_user_slug(&team))?,
        version("service-user-easy-read")?,
        version("carer")?,
    );
    let surveys = ListSurveys {
        service_user: &service_user,
        easy_read: &easy_read,
        carer: &carer,
    };
    let sent = discharge_list::send(
        &mut conn,
        &team.id,
        &surveys,
        settings.invitation_expiry_days,
        &rows,
        &opt_outs,
    )?;
    audit::record(
        &mut conn,
        "cli",
        AuditAction::InvitationsIssue,
        Some(&team.id),
        &format!(
            "list rows={} people={} carers={} carer_consent={} opted_out={}",
            sent.rows, sent.people, sent.carers, sent.carers, sent.opted_out
        ),
    )?;
    println!(
        "queued {} invitations for people and {} for carers; {} opted-out contacts skipped; a running server sends them",
        sent.people, sent.carers, sent.opted_out
    );
    Ok(())
}
