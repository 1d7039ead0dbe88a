//! `POST /api/v1/teams/{code}/invitations`: links for cards, or emails through the outbox.

use super::{ApiUser, parse_body};
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::error::AppError;
use crate::invitations::consent::CarerConsent;
use crate::invitations::{self, Batch, Channel, InviteEmail, MAX_BATCH};
use crate::staff::Permission;
use crate::web::State;
use crate::web::blocking::run_db;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// Give `count` for printed links, or `emails` to send invitations through the outbox.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// A questionnaire's slug, as `GET /api/v1/surveys` lists them.
    survey: String,
    /// How many printable links, 1 to 500.
    #[schema(minimum = 1, maximum = 500)]
    count: Option<i64>,
    /// Addresses to invite, 1 to 500; each is erased once it has served.
    emails: Option<Vec<String>>,
    /// `printed` (the default) or `other` for links; `email` for emails.
    channel: Option<String>,
    /// Required as `true` for the carer questionnaire: the person agreed to their carer being
    /// asked, and there is no safeguarding reason not to contact the carer. Only the number of
    /// invitations issued with it is recorded.
    carer_consent: Option<bool>,
}

/// A printable link with its short code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IssuedLink {
    url: String,
    code: String,
    expires_on: chrono::NaiveDate,
}

/// What issuing made: links for cards, or the number of emails queued.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Issued {
    Links { invitations: Vec<IssuedLink> },
    Emails { queued: usize },
}

/// What an issue request asks for, checked.
pub enum Recipients {
    Links { count: usize, channel: Channel },
    Emails(Vec<InviteEmail>),
}

fn recipients(req: &IssueRequest) -> Result<Recipients, AppError> {
    match (req.count, &req.emails) {
        (Some(_), Some(_)) => Err(AppError::bad_request(
            "give either count or emails, not both",
        )),
        (None, None) => Err(AppError::bad_request(
            "give count (links to print) or emails (to send)",
        )),
        (Some(count), None) => {
            if !(1..=MAX_BATCH as i64).contains(&count) {
                return Err(AppError::field(
                    "count",
                    format!("count must be from 1 to {MAX_BATCH}"),
                ));
            }
            let channel = match req.channel.as_deref() {
                None | Some("printed") => Channel::Printed,
                Some("other") => Channel::Other,
                Some(_) => {
                    return Err(AppError::field(
                        "channel",
                        "channel must be printed or other",
                    ));
                }
            };
            Ok(Recipients::Links {
                count: count as usize,
                channel,
            })
        }
        (None, Some(emails)) => {
            if emails.is_empty() || emails.len() > MAX_BATCH {
                return Err(AppError::field(
                    "emails",
                    format!("emails must list 1 to {MAX_BATCH} addresses"),
                ));
            }
            if req.channel.as_deref().is_some_and(|c| c != "email") {
                return Err(AppError::field(
                    "channel",
                    "emailed invitations always use the email channel",
                ));
            }
            let parsed = emails
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    InviteEmail::parse(e).map_err(|why| {
                        AppError::field(&format!("emails[{i}]"), format!("emails[{i}] {why}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Recipients::Emails(parsed))
        }
    }
}

/// Issues invitations for a team.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{code}/invitations",
    tag = "invitations",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued", body = Issued),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn issue(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::IssueInvitations)
        .await?;
    let request: IssueRequest = parse_body(&body)?;
    let version = state
        .catalogue
        .current(request.survey.trim())
        .ok_or_else(|| {
            AppError::field(
                "survey",
                format!(
                    "there is no questionnaire with slug `{}`",
                    request.survey.trim()
                ),
            )
        })?;
    let recipients = recipients(&request)?;
    let consent = CarerConsent::check(
        version.survey.respondent,
        request.carer_consent == Some(true),
    )
    .map_err(|missing| AppError::field("carer_consent", missing.to_string()))?;
    let expiry_days = state.settings.invitation_expiry_days;
    let actor = user.0.audit_label();
    let public_url = state.settings.public_url.clone();
    let slug = version.survey.slug.clone();
    let team_id = team.id.clone();
    let outcome = run_db(&state.pool, move |conn| {
        let batch = Batch {
            team_id: &team_id,
            survey_version_id: &version.id,
            expiry_days,
        };
        let result = match &recipients {
            Recipients::Links { count, channel } => {
                let (_, links) = invitations::issue_links(conn, &batch, *channel, *count)?;
                audit::record(
                    conn,
                    &actor,
                    AuditAction::InvitationsIssue,
                    Some(&team_id),
                    &format!("survey={slug} links={count}{}", consent.audit_note(*count)),
                )?;
                Issued::Links {
                    invitations: links
                        .iter()
                        .map(|l| IssuedLink {
                            url: format!("{public_url}/s/{}", l.token),
                            code: l.code.clone(),
                            expires_on: l.expires_on,
                        })
                        .collect(),
                }
            }
            Recipients::Emails(emails) => {
                let queued = invitations::issue_emails(conn, &batch, emails)?;
                audit::record(
                    conn,
                    &actor,
                    AuditAction::InvitationsIssue,
                    Some(&team_id),
                    &format!(
                        "survey={slug} emails={queued}{}",
                        consent.audit_note(queued)
                    ),
                )?;
                Issued::Emails { queued }
            }
        };
        Ok::<_, diesel::result::Error>(result)
    })
    .await?;
    state.nudge.wake();
    Ok(HttpResponse::Created().json(outcome))
}
