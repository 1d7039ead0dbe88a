//! `POST /api/v1/teams/{code}/invitations`: links for cards, or emails and text messages
//! through the outbox.

use super::{ApiUser, parse_body};
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::contacts::UkMobile;
use crate::error::AppError;
use crate::invitations::consent::CarerConsent;
use crate::invitations::{self, Batch, Channel, InviteContact, InviteEmail, MAX_BATCH};
use crate::rounds::{self, Sending};
use crate::staff::Permission;
use crate::staff::invitation_allowance;
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
    /// UK mobile numbers to invite by text message, 1 to 500 (any usual spelling); each is
    /// erased once it has served. Numbers that are not UK mobiles are listed back in
    /// `invalid`, and the rest are still sent.
    mobiles: Option<Vec<String>>,
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

/// A number that could not be taken, by its position in the request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Invalid {
    index: usize,
    error: String,
}

/// What issuing made: links for cards, or the number of messages queued (and, for text
/// messages, the numbers that were not UK mobiles).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Issued {
    Links {
        invitations: Vec<IssuedLink>,
    },
    Texts {
        queued: usize,
        /// Numbers on the opt-out list: not sent, and not named.
        opted_out: usize,
        invalid: Vec<Invalid>,
    },
    Emails {
        queued: usize,
        /// Addresses on the opt-out list: not sent, and not named (left out when none).
        #[serde(skip_serializing_if = "is_zero")]
        opted_out: usize,
    },
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What an issue request asks for, checked.
pub enum Recipients {
    Links {
        count: usize,
        channel: Channel,
    },
    Emails(Vec<InviteEmail>),
    /// Valid numbers to text, and the positions of the others with the reason.
    Mobiles {
        valid: Vec<UkMobile>,
        invalid: Vec<(usize, String)>,
    },
}

fn recipients(req: &IssueRequest) -> Result<Recipients, AppError> {
    let asked = [
        req.count.is_some(),
        req.emails.is_some(),
        req.mobiles.is_some(),
    ];
    match asked.iter().filter(|a| **a).count() {
        0 => {
            return Err(AppError::bad_request(
                "give count (links to print), emails or mobiles (to send)",
            ));
        }
        1 => {}
        _ => {
            return Err(AppError::bad_request(
                "give one of count, emails and mobiles, not several",
            ));
        }
    }
    if let Some(mobiles) = &req.mobiles {
        if mobiles.is_empty() || mobiles.len() > MAX_BATCH {
            return Err(AppError::field(
                "mobiles",
                format!("mobiles must list 1 to {MAX_BATCH} numbers"),
            ));
        }
        if req.channel.as_deref().is_some_and(|c| c != "sms") {
            return Err(AppError::field(
                "channel",
                "texted invitations always use the sms channel",
            ));
        }
        let mut valid = Vec::new();
        let mut invalid = Vec::new();
        for (index, raw) in mobiles.iter().enumerate() {
            match UkMobile::parse(raw) {
                Ok(mobile) => valid.push(mobile),
                Err(why) => invalid.push((index, why)),
            }
        }
        return Ok(Recipients::Mobiles { valid, invalid });
    }
    match (req.count, &req.emails) {
        (Some(_), Some(_)) | (None, None) => Err(AppError::bad_request(
            "give either count or emails, not both",
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

/// Issues invitations for a team. Clinicians issue discharge questionnaires only; staff and
/// partner ones go out as survey rounds (`POST /api/v1/teams/{code}/rounds`). Discharge
/// invitations count against each user's daily allowance.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{code}/invitations",
    tag = "invitations",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued", body = Issued),
        crate::web::errors::IssueErrors,
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
    let sending = Sending::of(version.survey.respondent);
    if sending == Sending::ByRound && !user.0.can(&team.id, Permission::RunSurveyRounds) {
        return Err(AppError::NotAllowed {
            field: Some("survey".into()),
            message: rounds::ROUND_ONLY.into(),
        });
    }
    let recipients = recipients(&request)?;
    if matches!(recipients, Recipients::Mobiles { .. }) && !state.texts {
        return Err(AppError::field(
            "mobiles",
            "text messages are not set up on this service (NOTIFY_API_KEY)",
        ));
    }
    let opt_outs = state.opt_outs.clone();
    let (how_many, counted_field) = match &recipients {
        Recipients::Links { count, .. } => (*count, "count"),
        Recipients::Emails(emails) => (emails.len(), "emails"),
        Recipients::Mobiles { valid, .. } => (valid.len(), "mobiles"),
    };
    let allowance = state.settings.invites_per_user_per_day;
    let user_id = user.0.id.clone();
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
        if sending == Sending::AtDischarge {
            let today = crate::db::today();
            if let Err(over) =
                invitation_allowance::take(conn, &user_id, how_many, allowance, today)?
            {
                return Err(AppError::LimitReached {
                    field: Some(counted_field.into()),
                    message: over.message(),
                });
            }
        }
        let batch = Batch {
            team_id: &team_id,
            survey_version_id: &version.id,
            expiry_days,
            language: None,
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
                let contacts: Vec<InviteContact> =
                    emails.iter().cloned().map(InviteContact::Email).collect();
                let (queued, opted_out) =
                    invitations::issue_unless_opted_out(conn, &batch, &contacts, &opt_outs)?;
                audit::record(
                    conn,
                    &actor,
                    AuditAction::InvitationsIssue,
                    Some(&team_id),
                    &format!(
                        "survey={slug} emails={queued} opted_out={opted_out}{}",
                        consent.audit_note(queued)
                    ),
                )?;
                Issued::Emails { queued, opted_out }
            }
            Recipients::Mobiles { valid, invalid } => {
                let contacts: Vec<InviteContact> =
                    valid.iter().cloned().map(InviteContact::Mobile).collect();
                let (queued, opted_out) =
                    invitations::issue_unless_opted_out(conn, &batch, &contacts, &opt_outs)?;
                audit::record(
                    conn,
                    &actor,
                    AuditAction::InvitationsIssue,
                    Some(&team_id),
                    &format!(
                        "survey={slug} texts={queued} opted_out={opted_out}{}",
                        consent.audit_note(queued)
                    ),
                )?;
                Issued::Texts {
                    queued,
                    opted_out,
                    invalid: invalid
                        .iter()
                        .map(|(index, error)| Invalid {
                            index: *index,
                            error: error.clone(),
                        })
                        .collect(),
                }
            }
        };
        Ok::<_, AppError>(result)
    })
    .await?;
    state.nudge.wake();
    Ok(HttpResponse::Created().json(outcome))
}
