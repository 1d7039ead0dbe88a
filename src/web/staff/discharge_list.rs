//! Uploading a discharge list: check it, show what it will send, send when confirmed. The file
//! is never stored; the confirmation carries the list back in the form.

use super::{StaffForm, team_for};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::invitations::discharge_list::{self, ListOutcome, ListSurveys, RowError};
use crate::staff::Permission;
use crate::teams::Team;
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::PageError;
use crate::web::session::{SignedIn, check_csrf};
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde_json::json;
use std::collections::HashMap;

/// The largest list accepted: 500 rows of contacts fit in far less.
const MAX_BYTES: usize = 256 * 1024;

fn page(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    status: StatusCode,
    errors: &[RowError],
    preview: Option<(&ListOutcome, &str)>,
    sent: Option<&ListOutcome>,
) -> HttpResponse {
    let context = json!({
        "title": if errors.is_empty() { "Send invitations from a discharge list" } else { "Error: Send invitations from a discharge list" },
        "team": team,
        "errors": errors.iter().map(|e| json!({ "row": e.row, "reason": e.reason })).collect::<Vec<_>>(),
        "preview": preview.map(|(p, _)| p),
        "csv": preview.map(|(_, csv)| csv),
        "sent": sent,
    });
    state.page("pages/discharge_list", status, context, &signed_in.chrome())
}

async fn team_of(state: &State, signed_in: &SignedIn, code: String) -> Result<Team, AppError> {
    team_for(state, signed_in, code, Permission::IssueInvitations).await
}

/// `GET /staff/teams/{code}/discharge-list`
pub async fn show(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let team = team_of(&state, &signed_in, code.into_inner()).await?;
    Ok(page(
        &state,
        &signed_in,
        &team,
        StatusCode::OK,
        &[],
        None,
        None,
    ))
}

/// Reads the upload's CSRF token and file.
async fn read_upload(mut payload: Multipart) -> Result<HashMap<String, String>, AppError> {
    let mut fields = HashMap::new();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| AppError::bad_request("the upload could not be read"))?;
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes(MAX_BYTES)
            .await
            .map_err(|_| AppError::bad_request("the list is too large"))?
            .map_err(|_| AppError::bad_request("the upload could not be read"))?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| AppError::field("list", "the list is not UTF-8 text"))?;
        fields.insert(name, text);
    }
    Ok(fields)
}

async fn check(
    state: &State,
    signed_in: &SignedIn,
    team: &Team,
    csv: &str,
) -> Result<HttpResponse, PageError> {
    let rows = match discharge_list::parse(csv) {
        Ok(rows) => rows,
        Err(errors) => {
            return Ok(page(
                state,
                signed_in,
                team,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                None,
                None,
            ));
        }
    };
    if let Some(refused) = texts_refused(state, &rows) {
        return Ok(page(
            state,
            signed_in,
            team,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[refused],
            None,
            None,
        ));
    }
    let opt_outs = state.opt_outs.clone();
    let would = run_db(&state.pool, move |conn| {
        discharge_list::preview(conn, &rows, &opt_outs)
    })
    .await?;
    Ok(page(
        state,
        signed_in,
        team,
        StatusCode::OK,
        &[],
        Some((&would, csv)),
        None,
    ))
}

/// A list with mobile numbers, on a service without text messages.
fn texts_refused(state: &State, rows: &[discharge_list::ListRow]) -> Option<RowError> {
    use crate::invitations::InviteContact::Mobile;
    let row = rows
        .iter()
        .find(|r| matches!(r.person, Mobile(_)) || matches!(r.carer, Some(Mobile(_))))?;
    (!state.texts).then(|| RowError {
        row: row.row,
        reason: "text messages are not set up on this service: give email addresses".into(),
    })
}

/// `POST /staff/teams/{code}/discharge-list` (the upload): shows what it would send.
pub async fn upload(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let team = team_of(&state, &signed_in, code.into_inner()).await?;
    let fields = read_upload(payload).await?;
    check_csrf(
        &signed_in.session,
        fields.get("csrf_token").map(String::as_str),
    )?;
    let csv = fields.get("list").cloned().unwrap_or_default();
    check(&state, &signed_in, &team, &csv).await
}

/// `POST /staff/teams/{code}/discharge-list/send`: sends a list checked a moment ago.
pub async fn send(
    state: State,
    signed_in: SignedIn,
    code: web::Path<String>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let team = team_of(&state, &signed_in, code.into_inner()).await?;
    let form = StaffForm::checked(&signed_in, form)?;
    let rows = match discharge_list::parse(form.get("csv")) {
        Ok(rows) => rows,
        Err(errors) => {
            return Ok(page(
                &state,
                &signed_in,
                &team,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                None,
                None,
            ));
        }
    };
    if let Some(refused) = texts_refused(&state, &rows) {
        return Ok(page(
            &state,
            &signed_in,
            &team,
            StatusCode::UNPROCESSABLE_ENTITY,
            &[refused],
            None,
            None,
        ));
    }
    let version = |slug: &str| {
        state
            .catalogue
            .current(slug)
            .map(|v| v.id.clone())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no questionnaire {slug}")))
    };
    let service_user = version(crate::teams::service_user_slug(&team))?;
    let easy_read = version("service-user-easy-read")?;
    let carer = version("carer")?;
    let (opt_outs, expiry_days, actor, team_id) = (
        state.opt_outs.clone(),
        state.settings.invitation_expiry_days,
        signed_in.user.audit_label(),
        team.id.clone(),
    );
    let sent = run_db(&state.pool, move |conn| {
        let surveys = ListSurveys {
            service_user: &service_user,
            easy_read: &easy_read,
            carer: &carer,
        };
        let sent = discharge_list::send(conn, &team_id, &surveys, expiry_days, &rows, &opt_outs)?;
        audit::record(
            conn,
            &actor,
            AuditAction::InvitationsIssue,
            Some(&team_id),
            &format!(
                "list rows={} people={} carers={} carer_consent={} opted_out={}",
                sent.rows, sent.people, sent.carers, sent.carers, sent.opted_out
            ),
        )?;
        Ok::<_, AppError>(sent)
    })
    .await?;
    state.nudge.wake();
    Ok(page(
        &state,
        &signed_in,
        &team,
        StatusCode::OK,
        &[],
        None,
        Some(&sent),
    ))
}
