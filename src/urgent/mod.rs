//! Urgent comments: free text with risk language goes to the team's duty contact at once,
//! whatever the size of its group, before any release and apart from every other output.
//!
//! A safeguarding matter comes before anonymity's batching: the comment is stored the moment it
//! is submitted, and an alert with no words of the comment in it goes through the outbox to the
//! team's duty contact (or the Trust's fallback address). If nobody acknowledges it within
//! `URGENT_ACK_HOURS`, a second alert goes to the fallback address. Nobody can contact the
//! person: nobody knows who wrote it (see `docs/clinical-safety/`).

pub mod letters;

use crate::db::DbConnection;
use crate::db::schema::{survey_versions, teams, urgent_comments};
use crate::mail::MailKind;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use serde::Serialize;

/// What an urgent comment keeps: the team, questionnaire, group and day, and the words.
pub struct NewUrgent<'a> {
    pub team_id: &'a str,
    pub survey_version_id: &'a str,
    pub respondent: &'a str,
    /// The scrubbed comments that used risk language, as one text.
    pub body: String,
}

/// Stores an urgent comment and queues its alert now and its escalation after `ack_within`, in
/// the caller's transaction (the one that redeems the link), so neither can be lost.
pub fn record(
    conn: &mut DbConnection,
    new: &NewUrgent<'_>,
    today: NaiveDate,
    ack_within: TimeDelta,
) -> QueryResult<String> {
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(urgent_comments::table)
        .values((
            urgent_comments::id.eq(&id),
            urgent_comments::team_id.eq(new.team_id),
            urgent_comments::survey_version_id.eq(new.survey_version_id),
            urgent_comments::respondent.eq(new.respondent),
            urgent_comments::body.eq(&new.body),
            urgent_comments::received_on.eq(today),
        ))
        .execute(conn)?;
    crate::mail::outbox::enqueue(conn, MailKind::UrgentAlert, &id)?;
    crate::mail::outbox::enqueue(conn, MailKind::UrgentAlertText, &id)?;
    crate::mail::outbox::enqueue_at(
        conn,
        MailKind::UrgentEscalation,
        &id,
        crate::db::now() + ack_within,
    )?;
    Ok(id)
}

/// Where an urgent comment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UrgentStatus {
    New,
    Acknowledged,
}

/// An urgent comment as staff see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UrgentComment {
    pub id: String,
    pub text: String,
    /// `service_user`, `carer`, `staff` or `partner`.
    pub group: String,
    /// The questionnaire's slug.
    pub questionnaire: String,
    pub date: NaiveDate,
    pub status: UrgentStatus,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<NaiveDateTime>,
    /// What was done.
    pub note: Option<String>,
}

type Row = (
    String,
    String,
    String,
    String,
    NaiveDate,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
);

fn view(row: Row) -> UrgentComment {
    let (id, text, group, questionnaire, date, by, at, note) = row;
    UrgentComment {
        id,
        text,
        group,
        questionnaire,
        date,
        status: if at.is_some() {
            UrgentStatus::Acknowledged
        } else {
            UrgentStatus::New
        },
        acknowledged_by: by,
        acknowledged_at: at,
        note,
    }
}

const COLUMNS: (
    urgent_comments::id,
    urgent_comments::body,
    urgent_comments::respondent,
    survey_versions::slug,
    urgent_comments::received_on,
    urgent_comments::acknowledged_by,
    urgent_comments::acknowledged_at,
    urgent_comments::note,
) = (
    urgent_comments::id,
    urgent_comments::body,
    urgent_comments::respondent,
    survey_versions::slug,
    urgent_comments::received_on,
    urgent_comments::acknowledged_by,
    urgent_comments::acknowledged_at,
    urgent_comments::note,
);

/// A team's urgent comments, those waiting for acknowledgement first, then newest first.
pub fn list(conn: &mut DbConnection, team_id: &str) -> QueryResult<Vec<UrgentComment>> {
    let rows: Vec<Row> = urgent_comments::table
        .inner_join(survey_versions::table)
        .filter(urgent_comments::team_id.eq(team_id))
        .order((
            urgent_comments::acknowledged_at.is_not_null(),
            urgent_comments::received_on.desc(),
            urgent_comments::id.asc(),
        ))
        .limit(1000)
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(view).collect())
}

/// One urgent comment and its team's id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(String, UrgentComment)>> {
    let row: Option<(String, Row)> = urgent_comments::table
        .inner_join(survey_versions::table)
        .filter(urgent_comments::id.eq(id))
        .select((urgent_comments::team_id, COLUMNS))
        .get_result(conn)
        .optional()?;
    Ok(row.map(|(team, row)| (team, view(row))))
}

/// A note of what was done, required to acknowledge an urgent comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckNote(String);

impl AckNote {
    /// Accepts 1 to 2,000 characters after trimming.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let note = raw.trim();
        if note.is_empty() {
            Err("Say what was done: a note is needed to acknowledge an urgent comment".into())
        } else if note.chars().count() > 2000 {
            Err("The note must be 2,000 characters or fewer".into())
        } else {
            Ok(AckNote(note.to_string()))
        }
    }
}

/// Records who acknowledged an urgent comment, when, and what was done. A second
/// acknowledgement keeps the first one's name and time and adds its note.
pub fn acknowledge(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    note: &AckNote,
) -> QueryResult<Option<UrgentComment>> {
    let Some((_, current)) = find(conn, id)? else {
        return Ok(None);
    };
    let (by, at, note) = match current.acknowledged_at {
        Some(at) => (
            current.acknowledged_by.unwrap_or_default(),
            at,
            format!("{}\n\n{}", current.note.unwrap_or_default(), note.0),
        ),
        None => (by.to_string(), crate::db::now(), note.0.clone()),
    };
    diesel::update(urgent_comments::table.find(id))
        .set((
            urgent_comments::acknowledged_by.eq(Some(by)),
            urgent_comments::acknowledged_at.eq(Some(at)),
            urgent_comments::note.eq(Some(note)),
        ))
        .execute(conn)?;
    Ok(find(conn, id)?.map(|(_, c)| c))
}

/// How many urgent comments wait for acknowledgement, per team id (teams with none left out).
pub fn waiting_by_team(
    conn: &mut DbConnection,
) -> QueryResult<std::collections::BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = urgent_comments::table
        .filter(urgent_comments::acknowledged_at.is_null())
        .group_by(urgent_comments::team_id)
        .select((urgent_comments::team_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// A team's duty contact for urgent comments, as set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DutyContact {
    pub email: Option<String>,
    pub mobile: Option<String>,
}

impl DutyContact {
    /// Whether the team has a contact of its own.
    pub fn is_set(&self) -> bool {
        self.email.is_some() || self.mobile.is_some()
    }
}

/// Sets a team's duty contact; `None` leaves a part as it is, `Some(None)` clears it.
pub fn set_duty_contact(
    conn: &mut DbConnection,
    team_id: &str,
    email: Option<Option<&str>>,
    mobile: Option<Option<&str>>,
) -> QueryResult<()> {
    if let Some(email) = email {
        diesel::update(teams::table.find(team_id))
            .set(teams::urgent_email.eq(email))
            .execute(conn)?;
    }
    if let Some(mobile) = mobile {
        diesel::update(teams::table.find(team_id))
            .set(teams::urgent_mobile.eq(mobile))
            .execute(conn)?;
    }
    Ok(())
}

/// A checked email address for a duty contact; the error never repeats it.
pub fn parse_duty_email(raw: &str) -> Result<String, String> {
    use validator::ValidateEmail;
    let email = raw.trim();
    if email.len() <= 254 && email.validate_email() {
        Ok(email.to_string())
    } else {
        Err("urgent_email is not a valid email address".into())
    }
}

/// A checked UK mobile number for a duty contact, in E.164 form.
pub fn parse_duty_mobile(raw: &str) -> Result<String, String> {
    crate::contacts::UkMobile::parse(raw)
        .map(|m| m.e164().to_string())
        .map_err(|why| format!("urgent_mobile {why}"))
}

/// A team's duty contact.
pub fn duty_contact(conn: &mut DbConnection, team_id: &str) -> QueryResult<DutyContact> {
    let (email, mobile) = teams::table
        .find(team_id)
        .select((teams::urgent_email, teams::urgent_mobile))
        .get_result(conn)?;
    Ok(DutyContact { email, mobile })
}

/// What every staff page warns a member of staff about, for the teams they belong to (every
/// team, for admins).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StaffAlerts {
    /// Teams with urgent comments waiting for acknowledgement, and how many.
    pub urgent_waiting: Vec<TeamCount>,
    /// Teams with no duty contact of their own.
    pub without_duty_contact: Vec<TeamCount>,
}

/// A team and a number.
#[derive(Debug, Clone, Serialize)]
pub struct TeamCount {
    pub code: String,
    pub name: String,
    pub count: i64,
}

/// The alerts for teams `team_ids` (`None`: every team).
pub fn staff_alerts(
    conn: &mut DbConnection,
    team_ids: Option<&[String]>,
) -> QueryResult<StaffAlerts> {
    let mut query = teams::table.into_boxed();
    if let Some(ids) = team_ids {
        query = query.filter(teams::id.eq_any(ids.to_vec()));
    }
    let rows: Vec<crate::teams::Team> = query
        .order(teams::code.asc())
        .select(crate::teams::Team::as_select())
        .load(conn)?;
    let waiting = waiting_by_team(conn)?;
    let mut alerts = StaffAlerts::default();
    for team in rows {
        let crate::teams::Team {
            id,
            code,
            name,
            urgent_email: email,
            urgent_mobile: mobile,
            ..
        } = team;
        if let Some(count) = waiting.get(&id) {
            alerts.urgent_waiting.push(TeamCount {
                code: code.clone(),
                name: name.clone(),
                count: *count,
            });
        }
        if email.is_none() && mobile.is_none() {
            alerts.without_duty_contact.push(TeamCount {
                code,
                name,
                count: 0,
            });
        }
    }
    Ok(alerts)
}
