//! Urgent comments over the API: a team's list, acknowledging one with a note of what was done,
//! and the team's duty contact.

use super::{ApiUser, parse_body};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::staff::Permission;
use crate::urgent::{self, AckNote};
use crate::web::State;
use crate::web::blocking::{run_db, run_db_read};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

/// `GET /api/v1/teams/{code}/urgent`
#[utoipa::path(
    get,
    path = "/api/v1/teams/{code}/urgent",
    tag = "urgent",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    responses(
        (status = 200, description = "The team's urgent comments, whatever the size of their group, those waiting for acknowledgement first", body = Vec<crate::urgent::UrgentComment>),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn list(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::ViewUrgent)
        .await?;
    let actor = user.0.audit_label();
    let list = run_db(&state.pool, move |conn| {
        audit::record(conn, &actor, AuditAction::UrgentView, Some(&team.id), "")?;
        urgent::list(conn, &team.id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// What was done about an urgent comment.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// Required: what was done.
    note: String,
}

/// `POST /api/v1/urgent/{id}/acknowledge`
#[utoipa::path(
    post,
    path = "/api/v1/urgent/{id}/acknowledge",
    tag = "urgent",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The urgent comment's id")),
    request_body = Acknowledgement,
    responses(
        (status = 200, description = "The urgent comment, acknowledged", body = crate::urgent::UrgentComment),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn acknowledge(
    user: ApiUser,
    state: State,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lookup = id.clone();
    let found = run_db_read(&state.pool, move |conn| urgent::find(conn, &lookup)).await?;
    let (team_id, _) = found.ok_or(AppError::NotFound("urgent comment"))?;
    user.0
        .may_touch(&team_id, Permission::ViewUrgent, "urgent comment")?;
    let given: Acknowledgement = parse_body(&body)?;
    let note = AckNote::parse(&given.note).map_err(|why| AppError::field("note", why))?;
    let actor = user.0.audit_label();
    // Staff see who acknowledged it by their work address; the audit log keeps the user id.
    let by = user.0.email.clone();
    let done = run_db(&state.pool, move |conn| {
        let done = urgent::acknowledge(conn, &id, &by, &note)?
            .ok_or(AppError::NotFound("urgent comment"))?;
        audit::record(
            conn,
            &actor,
            AuditAction::UrgentAcknowledge,
            Some(&team_id),
            &format!("urgent={id}"),
        )?;
        Ok::<_, AppError>(done)
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}

/// A change to a team: give a field to set it, `null` (or "") to clear it. The duty contact
/// is set by the team's managers and admins; the sizes that cap survey rounds by admins only,
/// so that a round cannot be made bigger than the team by whoever sends it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamChange {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    urgent_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    urgent_mobile: Option<Option<String>>,
    /// How many staff the team has (1 to 500): the most links a staff round issues. Admins only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 500)]
    staff_size: Option<Option<i32>>,
    /// How many partner services the team works with (1 to 500): the most links a partner
    /// round issues. Admins only.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 500)]
    partners: Option<Option<i32>>,
}

/// A field that is there, even as `null`, is `Some`: an absent field changes nothing.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Checks a round size: absent stays, `null` clears, else 1 to `MAX_ROUND_SIZE`.
fn checked_size(given: Option<Option<i32>>, field: &str) -> Result<Option<Option<i32>>, AppError> {
    match given {
        Some(Some(n)) if !(1..=crate::teams::MAX_ROUND_SIZE).contains(&n) => Err(AppError::field(
            field,
            format!("{field} must be from 1 to {}", crate::teams::MAX_ROUND_SIZE),
        )),
        other => Ok(other),
    }
}

/// The team's duty contact and round sizes as the API shows them.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TeamView {
    code: String,
    name: String,
    urgent_email: Option<String>,
    urgent_mobile: Option<String>,
    staff_size: Option<i32>,
    partners: Option<i32>,
}

/// Checks one part of a change: absent stays, empty or `null` clears, anything else is parsed.
fn checked(
    given: Option<Option<String>>,
    parse: fn(&str) -> Result<String, String>,
    field: &str,
) -> Result<Option<Option<String>>, AppError> {
    match given {
        None => Ok(None),
        Some(value) => match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Some(None)),
            Some(v) => parse(v)
                .map(|ok| Some(Some(ok)))
                .map_err(|why| AppError::field(field, why)),
        },
    }
}

/// `PATCH /api/v1/teams/{code}`
#[utoipa::path(
    patch,
    path = "/api/v1/teams/{code}",
    tag = "urgent",
    security(("api_key" = [])),
    params(("code" = String, Path, description = "The team's code")),
    request_body = TeamChange,
    responses(
        (status = 200, description = "The team's duty contact and round sizes as they now stand", body = TeamView),
        crate::web::errors::RecordErrors,
    )
)]
pub async fn update_team(
    user: ApiUser,
    state: State,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let team = user
        .team(&state, code.into_inner(), Permission::SetDutyContact)
        .await?;
    let change: TeamChange = parse_body(&body)?;
    let sizes_given = change.staff_size.is_some() || change.partners.is_some();
    if sizes_given && !user.0.is_admin {
        return Err(AppError::NotAllowed {
            field: Some(
                if change.staff_size.is_some() {
                    "staff_size"
                } else {
                    "partners"
                }
                .into(),
            ),
            message: "a team's staff size and partner list size are set by an admin".into(),
        });
    }
    let staff_size = checked_size(change.staff_size, "staff_size")?;
    let partners = checked_size(change.partners, "partners")?;
    let contact_given = change.urgent_email.is_some() || change.urgent_mobile.is_some();
    let email = checked(
        change.urgent_email,
        urgent::parse_duty_email,
        "urgent_email",
    )?;
    let mobile = checked(
        change.urgent_mobile,
        urgent::parse_duty_mobile,
        "urgent_mobile",
    )?;
    let actor = user.0.audit_label();
    let contact = run_db(&state.pool, move |conn| {
        if contact_given || !sizes_given {
            urgent::set_duty_contact(
                conn,
                &team.id,
                email.as_ref().map(Option::as_deref),
                mobile.as_ref().map(Option::as_deref),
            )?;
            audit::record(
                conn,
                &actor,
                AuditAction::TeamDutyContact,
                Some(&team.id),
                "",
            )?;
        }
        if sizes_given {
            crate::teams::set_round_sizes(conn, &team.id, staff_size, partners)?;
            audit::record(
                conn,
                &actor,
                AuditAction::TeamRoundSizes,
                Some(&team.id),
                &crate::teams::round_sizes_detail(staff_size, partners),
            )?;
        }
        let contact = urgent::duty_contact(conn, &team.id)?;
        let team = crate::teams::find(conn, &team.id)?.unwrap_or(team);
        Ok::<_, AppError>((team, contact))
    })
    .await?;
    let (team, contact) = contact;
    Ok(HttpResponse::Ok().json(TeamView {
        code: team.code,
        name: team.name,
        urgent_email: contact.email,
        urgent_mobile: contact.mobile,
        staff_size: team.staff_size,
        partners: team.partners,
    }))
}
