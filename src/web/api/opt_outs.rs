//! `POST /api/v1/opt-outs`: a contact who asked, by phone or in person, not to be contacted.

use super::{ApiUser, parse_body};
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::opt_outs::OptOutContact;
use crate::web::State;
use crate::web::blocking::run_db;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

/// A mobile number or email address.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOptOut {
    contact: String,
}

/// Whether the contact was new to the list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OptedOut {
    added: bool,
}

/// `POST /api/v1/opt-outs`
#[utoipa::path(
    post,
    path = "/api/v1/opt-outs",
    tag = "invitations",
    security(("api_key" = [])),
    request_body = NewOptOut,
    responses(
        (status = 201, description = "On the list (kept only as a keyed hash)", body = OptedOut),
        (status = 400, description = "Not a UK mobile number or an email address", body = crate::web::errors::ErrorBody),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn add(user: ApiUser, state: State, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let given: NewOptOut = parse_body(&body)?;
    let contact = OptOutContact::parse(&given.contact)
        .map_err(|why| AppError::field("contact", format!("contact {why}")))?;
    let opt_outs = state.opt_outs.clone();
    let actor = user.0.audit_label();
    let added = run_db(&state.pool, move |conn| {
        let added = opt_outs
            .add(conn, &contact)
            .map_err(|e| AppError::bad_request(e.to_string()))?;
        audit::record(conn, &actor, AuditAction::OptOutAdd, None, "")?;
        Ok::<_, AppError>(added)
    })
    .await?;
    Ok(HttpResponse::Created().json(OptedOut { added }))
}
