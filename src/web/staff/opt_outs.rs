//! The opt-out list for staff: add a contact who asked not to be contacted again.

use super::StaffForm;
use crate::concerns::audit::{self, AuditAction};
use crate::error::AppError;
use crate::opt_outs::OptOutContact;
use crate::web::State;
use crate::web::blocking::run_db;
use crate::web::pages::PageError;
use crate::web::session::SignedIn;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;
use std::collections::HashMap;

fn page(
    state: &State,
    signed_in: &SignedIn,
    status: StatusCode,
    typed: &str,
    error: Option<String>,
    done: Option<&str>,
) -> HttpResponse {
    let context = json!({
        "title": if error.is_some() { "Error: Opt-outs" } else { "Opt-outs" },
        "contact": typed,
        "error": error,
        "done": done,
    });
    state.page("pages/opt_outs", status, context, &signed_in.chrome())
}

/// `GET /staff/opt-outs`
pub async fn show(state: State, signed_in: SignedIn) -> HttpResponse {
    page(&state, &signed_in, StatusCode::OK, "", None, None)
}

/// `POST /staff/opt-outs`
pub async fn add(
    state: State,
    signed_in: SignedIn,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let form = StaffForm::checked(&signed_in, form)?;
    let typed = form.get("contact").to_string();
    let contact = match OptOutContact::parse(&typed) {
        Ok(contact) => contact,
        Err(why) => {
            let error = format!("Enter a UK mobile number or an email address: this {why}");
            return Ok(page(
                &state,
                &signed_in,
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed,
                Some(error),
                None,
            ));
        }
    };
    let opt_outs = state.opt_outs.clone();
    let actor = signed_in.user.audit_label();
    let outcome = run_db(&state.pool, move |conn| {
        let added = opt_outs
            .add(conn, &contact)
            .map_err(|e| AppError::bad_request(e.to_string()))?;
        audit::record(conn, &actor, AuditAction::OptOutAdd, None, "")?;
        Ok::<_, AppError>(added)
    })
    .await;
    match outcome {
        Ok(added) => Ok(page(
            &state,
            &signed_in,
            StatusCode::OK,
            "",
            None,
            Some(if added {
                "Added: they will not be contacted again."
            } else {
                "They were already on the list."
            }),
        )),
        Err(AppError::BadRequest { message, .. }) => Ok(page(
            &state,
            &signed_in,
            StatusCode::UNPROCESSABLE_ENTITY,
            &typed,
            Some(message),
            None,
        )),
        Err(e) => Err(e.into()),
    }
}
