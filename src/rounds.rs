//! Who sends which questionnaire. Discharge questionnaires (service user, easy read, carer) are
//! handed over by any clinician of the team, one person at a time. Staff and partner
//! questionnaires go out as a **survey round**: one batch of links for a team, opened by a
//! manager or admin, no bigger than the team's staff size or partner list, and at most one open
//! round per team and questionnaire. A round is open while any of its links is unused and
//! unexpired, so it closes when everyone has answered or its links expire
//! (`INVITATION_EXPIRY_DAYS`), whichever comes first.

use crate::db::DbConnection;
use crate::db::schema::survey_rounds;
use crate::invitations::{self, Batch, Channel, IssuedLink};
use crate::surveys::SurveyVersion;
use crate::surveys::definition::Respondent;
use crate::teams::Team;
use chrono::{NaiveDate, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

/// How a questionnaire reaches the people it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    /// Handed to a service user or carer at discharge, by any clinician of the team.
    AtDischarge,
    /// Sent to the team's staff or partner services as a round, by a manager.
    ByRound,
}

impl Sending {
    /// How questionnaires for this group are sent.
    pub fn of(respondent: Respondent) -> Self {
        match respondent {
            Respondent::ServiceUser | Respondent::Carer => Sending::AtDischarge,
            Respondent::Staff | Respondent::Partner => Sending::ByRound,
        }
    }
}

/// Why a clinician may not issue a staff or partner questionnaire, in words for the person.
pub const ROUND_ONLY: &str = "clinicians issue discharge questionnaires only (service user, easy read, carer); staff and partner questionnaires are sent by a manager as a survey round";

/// Why a round was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only staff and partner questionnaires go out as rounds.
    NotARoundQuestionnaire,
    /// The team's staff size (or partner list size) has not been set.
    SizeNotSet { setting: &'static str },
    /// More links than the team has staff (or partners).
    OverSize { setting: &'static str, size: i32 },
    /// A round of this questionnaire is still open.
    AlreadyOpen { closes_on: NaiveDate },
}

impl Refusal {
    /// The field at fault and a message for the person.
    pub fn explain(&self, slug: &str) -> (&'static str, String) {
        match self {
            Refusal::NotARoundQuestionnaire => (
                "survey",
                format!(
                    "`{slug}` is a discharge questionnaire: issue it as invitations, not as a round"
                ),
            ),
            Refusal::SizeNotSet { setting } => (
                "count",
                format!(
                    "the team's {setting} is not set yet; an admin sets it (crt-feedback team set, the admin page, or PATCH /api/v1/teams/{{code}})"
                ),
            ),
            Refusal::OverSize { setting, size } => (
                "count",
                format!("count must be from 1 to the team's {setting}, {size}"),
            ),
            Refusal::AlreadyOpen { closes_on } => (
                "survey",
                format!(
                    "a round of `{slug}` is already open for this team until {closes_on}; a new one can start when everyone has answered or its links expire"
                ),
            ),
        }
    }
}

/// A round just opened, with its links (in clear only here).
pub struct Opened {
    pub id: String,
    pub closes_on: NaiveDate,
    pub links: Vec<IssuedLink>,
}

/// What opening a round needs.
pub struct RoundRequest<'a> {
    pub team: &'a Team,
    pub version: &'a SurveyVersion,
    pub count: usize,
    /// The user id of the manager or admin opening it.
    pub opened_by: &'a str,
    pub expiry_days: u32,
}

/// The team's size that caps rounds of this group, and its name for messages.
fn cap(team: &Team, respondent: Respondent) -> (Option<i32>, &'static str) {
    match respondent {
        Respondent::Partner => (team.partners, "partner list size"),
        _ => (team.staff_size, "staff size"),
    }
}

/// When the open round of a questionnaire closes, if one is open.
fn open_round(
    conn: &mut DbConnection,
    team_id: &str,
    slug: &str,
    today: NaiveDate,
) -> QueryResult<Option<NaiveDate>> {
    let recent: Vec<(String, NaiveDate)> = survey_rounds::table
        .filter(survey_rounds::team_id.eq(team_id))
        .filter(survey_rounds::survey_slug.eq(slug))
        .filter(survey_rounds::closes_on.ge(today))
        .select((survey_rounds::batch_id, survey_rounds::closes_on))
        .load(conn)?;
    for (batch_id, closes_on) in recent {
        if waiting_links(conn, &batch_id, today)? > 0 {
            return Ok(Some(closes_on));
        }
    }
    Ok(None)
}

/// Links of a round not yet used and not expired.
fn waiting_links(conn: &mut DbConnection, batch_id: &str, today: NaiveDate) -> QueryResult<i64> {
    use crate::db::schema::invitations as links;
    links::table
        .filter(links::batch_id.eq(batch_id))
        .filter(links::used.eq(false))
        .filter(links::expires_on.ge(today))
        .count()
        .get_result(conn)
}

/// Opens a round: checks the rules, issues the links and records the round. Run it in a write
/// transaction; on PostgreSQL the team's row is locked first, so two managers opening rounds
/// at once cannot both pass the one-open-round check.
pub fn open(
    conn: &mut DbConnection,
    request: &RoundRequest<'_>,
) -> QueryResult<Result<Opened, Refusal>> {
    let survey = &request.version.survey;
    if Sending::of(survey.respondent) != Sending::ByRound {
        return Ok(Err(Refusal::NotARoundQuestionnaire));
    }
    let (size, setting) = cap(request.team, survey.respondent);
    let Some(size) = size else {
        return Ok(Err(Refusal::SizeNotSet { setting }));
    };
    if request.count == 0 || i64::try_from(request.count).unwrap_or(i64::MAX) > i64::from(size) {
        return Ok(Err(Refusal::OverSize { setting, size }));
    }
    if let DbConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT 1 FROM teams WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::Text, _>(&request.team.id)
            .execute(c)?;
    }
    let today = crate::db::today();
    if let Some(closes_on) = open_round(conn, &request.team.id, &survey.slug, today)? {
        return Ok(Err(Refusal::AlreadyOpen { closes_on }));
    }
    let batch = Batch {
        language: None,
        team_id: &request.team.id,
        survey_version_id: &request.version.id,
        expiry_days: request.expiry_days,
    };
    let (batch_id, links) = invitations::issue_links(conn, &batch, Channel::Other, request.count)?;
    let id = uuid::Uuid::new_v4().to_string();
    let closes_on = today + TimeDelta::days(i64::from(request.expiry_days));
    diesel::insert_into(survey_rounds::table)
        .values((
            survey_rounds::id.eq(&id),
            survey_rounds::team_id.eq(&request.team.id),
            survey_rounds::survey_slug.eq(&survey.slug),
            survey_rounds::batch_id.eq(&batch_id),
            survey_rounds::links.eq(i32::try_from(request.count).unwrap_or(i32::MAX)),
            survey_rounds::opened_by.eq(request.opened_by),
            survey_rounds::opened_on.eq(today),
            survey_rounds::closes_on.eq(closes_on),
        ))
        .execute(conn)?;
    Ok(Ok(Opened {
        id,
        closes_on,
        links,
    }))
}

/// A round as the staff page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundSummary {
    pub id: String,
    pub survey: String,
    pub links: i32,
    pub opened_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub open: bool,
}

/// A team's rounds, newest first.
pub fn list(conn: &mut DbConnection, team_id: &str) -> QueryResult<Vec<RoundSummary>> {
    let rows: Vec<(String, String, String, i32, NaiveDate, NaiveDate)> = survey_rounds::table
        .filter(survey_rounds::team_id.eq(team_id))
        .order((survey_rounds::opened_on.desc(), survey_rounds::id.asc()))
        .select((
            survey_rounds::id,
            survey_rounds::survey_slug,
            survey_rounds::batch_id,
            survey_rounds::links,
            survey_rounds::opened_on,
            survey_rounds::closes_on,
        ))
        .load(conn)?;
    let today = crate::db::today();
    let mut rounds = Vec::with_capacity(rows.len());
    for (id, survey, batch_id, links, opened_on, closes_on) in rows {
        let open = closes_on >= today && waiting_links(conn, &batch_id, today)? > 0;
        rounds.push(RoundSummary {
            id,
            survey,
            links,
            opened_on,
            closes_on,
            open,
        });
    }
    Ok(rounds)
}
