//! Issuing invitations from the staff area: a pair at discharge (service user and carer), or a
//! batch of cards, or emails. The result is a print-ready card page.

use super::{StaffForm, team_for};
use crate::concerns::audit;
use crate::concerns::audit::AuditAction;
use crate::contacts::UkMobile;
use crate::error::AppError;
use crate::invitations::consent::CarerConsent;
use crate::invitations::{
    self, Batch, Channel, InviteContact, InviteEmail, IssuedLink, MAX_BATCH, short_code,
};
use crate::rounds::{self, Sending};
use crate::staff::Permission;
use crate::staff::invitation_allowance;
use crate::surveys::SurveyVersion;
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

fn form_page(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    values: &HashMap<String, String>,
    errors: &[(&str, String)],
) -> HttpResponse {
    // Clinicians see the discharge questionnaires only; managers send the others as rounds.
    let rounds_too = signed_in.user.can(&team.id, Permission::RunSurveyRounds);
    let surveys: Vec<Value> = state
        .catalogue
        .all_current()
        .filter(|v| rounds_too || Sending::of(v.survey.respondent) == Sending::AtDischarge)
        .map(|v| json!({ "slug": v.survey.slug, "title": v.survey.title, "selected": values.get("survey") == Some(&v.survey.slug) }))
        .collect();
    let error = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.clone())
    };
    let mode = values.get("mode").map(String::as_str).unwrap_or("pair");
    let context = json!({
        "title": if errors.is_empty() { "Invite people to give feedback".to_string() } else { "Error: Invite people to give feedback".to_string() },
        "team": team,
        "surveys": surveys,
        "mode_pair": mode == "pair",
        "mode_count": mode == "count",
        "mode_emails": mode == "emails",
        "mode_mobiles": mode == "mobiles",
        "texts": state.texts,
        "mobiles": values.get("mobiles").cloned().unwrap_or_default(),
        "mobiles_error": error("mobiles"),
        "count": values.get("count").cloned().unwrap_or_else(|| "1".into()),
        "emails": values.get("emails").cloned().unwrap_or_default(),
        "errors": errors.iter().map(|(f, m)| json!({ "href": format!("#{f}"), "message": m })).collect::<Vec<_>>(),
        "survey_error": error("survey"),
        "count_error": error("count"),
        "emails_error": error("emails"),
        "mode_error": error("mode"),
        "can_run_rounds": rounds_too,
        "carer_consent_error": error("carer_consent"),
        "carer_consent": values.get("carer_consent").is_some_and(|v| v == "yes"),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    state.page("pages/invite", status, context, &signed_in.chrome())
}

/// The form again with the daily allowance named next to the field that asked for too many.
fn over_allowance_page(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    values: &HashMap<String, String>,
    field: &'static str,
    message: String,
) -> HttpResponse {
    let mut page = form_page(state, signed_in, team, values, &[(field, message)]);
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    page
}

/// The form.
pub async fn new_form(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::IssueInvitations,
    )
    .await?;
    Ok(form_page(&state, &signed_in, &team, &HashMap::new(), &[]))
}

/// The questionnaires for a discharge pair: the team's service-user one (standard or easy
/// read, as the team chose) and the carer one.
fn discharge_pair(
    state: &State,
    team: &Team,
) -> Result<(Arc<SurveyVersion>, Arc<SurveyVersion>), AppError> {
    let find = |slug: &str| {
        state
            .catalogue
            .current(slug)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no questionnaire with slug {slug}")))
    };
    Ok((find(crate::teams::service_user_slug(team))?, find("carer")?))
}

/// A card as the print page shows it.
fn card(state: &State, team: &Team, who: &str, link: &IssuedLink) -> Value {
    let url = format!("{}/s/{}", state.settings.public_url, link.token);
    let qr = qrcode::QrCode::new(url.as_bytes())
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build()
        })
        .unwrap_or_default();
    json!({
        "who": who,
        "team_name": team.name,
        "url": url,
        "code_url": format!("{}/code", state.settings.public_url),
        "code": short_code::format_for_card(&link.code),
        // Generated here from our own URL: safe to place unescaped.
        "qr_svg": qr,
        "expires_on": link.expires_on.format("%-d %B %Y").to_string(),
        "team_help": team.crisis_line,
    })
}

/// Issues what the form asked for and shows the cards to print.
pub async fn issue(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let team = team_for(
        &state,
        &signed_in,
        code.into_inner(),
        Permission::IssueInvitations,
    )
    .await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let expiry_days = state.settings.invitation_expiry_days;
    let actor = signed_in.user.audit_label();
    let team_id = team.id.clone();

    // Each planned batch: (who it is for, questionnaire, printed count, or contacts to send to).
    let mut plans: Vec<(String, Arc<SurveyVersion>, usize, Vec<InviteContact>)> = Vec::new();
    let mut errors: Vec<(&str, String)> = Vec::new();
    let consent_ticked = form.get("carer_consent") == "yes";
    match form.get("mode") {
        "pair" => {
            let (su, carer) = discharge_pair(&state, &team)?;
            plans.push(("Service user".into(), su, 1, Vec::new()));
            plans.push(("Carer".into(), carer, 1, Vec::new()));
        }
        "mobiles" if !state.texts => errors.push((
            "mode",
            "Text messages are not set up on this service: choose another way".into(),
        )),
        "count" | "emails" | "mobiles" => {
            let version = state.catalogue.current(form.get("survey"));
            if version.is_none() {
                errors.push(("survey", "Select a questionnaire".into()));
            }
            if form.get("mode") == "count" {
                match form.get("count").trim().parse::<usize>() {
                    Ok(n) if (1..=MAX_BATCH).contains(&n) => {
                        if let Some(v) = version {
                            plans.push((v.survey.title.clone(), v, n, Vec::new()));
                        }
                    }
                    _ => errors.push((
                        "count",
                        format!("Enter a number of cards from 1 to {MAX_BATCH}"),
                    )),
                }
            } else {
                let field = if form.get("mode") == "mobiles" {
                    "mobiles"
                } else {
                    "emails"
                };
                let lines: Vec<&str> = form
                    .get(field)
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect();
                let parse = |line: &str| -> Result<InviteContact, ()> {
                    if field == "mobiles" {
                        UkMobile::parse(line)
                            .map(InviteContact::Mobile)
                            .map_err(|_| ())
                    } else {
                        InviteEmail::parse(line)
                            .map(InviteContact::Email)
                            .map_err(|_| ())
                    }
                };
                let parsed: Result<Vec<InviteContact>, usize> = lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| parse(l).map_err(|()| i + 1))
                    .collect();
                let what = if field == "mobiles" {
                    "UK mobile number"
                } else {
                    "email address"
                };
                match parsed {
                    Ok(list) if (1..=MAX_BATCH).contains(&list.len()) => {
                        if let Some(v) = version {
                            plans.push((v.survey.title.clone(), v, 0, list));
                        }
                    }
                    Ok(_) => errors.push((
                        field,
                        format!("Enter from 1 to {MAX_BATCH} of them, one a line"),
                    )),
                    Err(line) => errors.push((
                        field,
                        format!("The entry on line {line} is not a valid {what}"),
                    )),
                }
            }
        }
        _ => errors.push(("mode", "Choose what to issue".into())),
    }
    // A carer is contacted only with the person's agreement and no safeguarding reason not to.
    let mut consents = Vec::with_capacity(plans.len());
    for (_, version, _, _) in &plans {
        match CarerConsent::check(version.survey.respondent, consent_ticked) {
            Ok(consent) => consents.push(consent),
            Err(missing) => {
                errors.push(("carer_consent", missing.to_string()));
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Ok(form_page(&state, &signed_in, &team, &form.0, &errors));
    }
    if plans
        .iter()
        .any(|(_, v, _, _)| Sending::of(v.survey.respondent) == Sending::ByRound)
        && !signed_in.user.can(&team.id, Permission::RunSurveyRounds)
    {
        return Err(AppError::NotAllowed {
            field: Some("survey".into()),
            message: rounds::ROUND_ONLY.into(),
        }
        .into());
    }
    // Discharge invitations count against the user's daily allowance, all of them or none.
    let discharge: usize = plans
        .iter()
        .filter(|(_, v, _, _)| Sending::of(v.survey.respondent) == Sending::AtDischarge)
        .map(|(_, _, count, emails)| count + emails.len())
        .sum();
    let counted_field = match form.get("mode") {
        "emails" => "emails",
        "mobiles" => "mobiles",
        _ => "count",
    };
    let allowance = state.settings.invites_per_user_per_day;
    let user_id = signed_in.user.id.clone();

    let opt_outs = state.opt_outs.clone();
    let issued = run_db(&state.pool, move |conn| {
        if discharge > 0 {
            let today = crate::db::today();
            if let Err(over) =
                invitation_allowance::take(conn, &user_id, discharge, allowance, today)?
            {
                return Err(AppError::LimitReached {
                    field: Some(counted_field.into()),
                    message: over.message(),
                });
            }
        }
        let mut cards = Vec::new();
        let mut queued = 0;
        let mut opted_out = 0;
        for ((who, version, count, contacts), consent) in plans.iter().zip(&consents) {
            let batch = Batch {
                team_id: &team_id,
                survey_version_id: &version.id,
                expiry_days,
                language: None,
            };
            let (sent, skipped) = if contacts.is_empty() {
                let (_, links) = invitations::issue_links(conn, &batch, Channel::Printed, *count)?;
                cards.extend(links.into_iter().map(|l| (who.clone(), l)));
                (0, 0)
            } else {
                invitations::issue_unless_opted_out(conn, &batch, contacts, &opt_outs)?
            };
            queued += sent;
            opted_out += skipped;
            audit::record(
                conn,
                &actor,
                AuditAction::InvitationsIssue,
                Some(&team_id),
                &format!(
                    "survey={} links={} messages={sent} opted_out={skipped}{}",
                    version.survey.slug,
                    count,
                    consent.audit_note(count + sent)
                ),
            )?;
        }
        Ok::<_, AppError>((cards, queued, opted_out))
    })
    .await;
    let (cards, queued, opted_out) = match issued {
        Ok(issued) => issued,
        Err(AppError::LimitReached { field, message }) => {
            let field = match field.as_deref() {
                Some("emails") => "emails",
                Some("mobiles") => "mobiles",
                _ => "count",
            };
            let message = format!("{}{}", message[..1].to_uppercase(), &message[1..]);
            return Ok(over_allowance_page(
                &state, &signed_in, &team, &form.0, field, message,
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if queued > 0 {
        state.nudge.wake();
    }
    let cards: Vec<Value> = cards
        .iter()
        .map(|(who, link)| card(&state, &team, who, link))
        .collect();
    Ok(state.page(
        "pages/cards",
        StatusCode::OK,
        json!({ "title": "Invitation cards to print", "team": team, "cards": cards, "queued": queued, "opted_out": opted_out }),
        &signed_in.chrome(),
    ))
}
