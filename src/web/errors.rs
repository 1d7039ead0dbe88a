//! How failures answer over HTTP: one status for each kind of `AppError`, a JSON body with a
//! stable code for the API, and the same bodies described once for the OpenAPI document.

use crate::error::AppError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Every API error: a stable code, a message for people, and the field at fault if one is.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    /// `not_found`, `gone`, `unauthorized`, `forbidden`, `bad_request`, `too_many_requests`,
    /// `request_timeout`, `unavailable` or `internal`.
    error: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// API routes answer errors as JSON with a stable `error` code.
impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::NotAllowed { .. } => StatusCode::FORBIDDEN,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests | AppError::LimitReached { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let field = match self {
            AppError::BadRequest { field, .. }
            | AppError::NotAllowed { field, .. }
            | AppError::LimitReached { field, .. } => field.as_deref(),
            _ => None,
        };
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Unauthorized) {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.json(ErrorBody {
            error: self.code(),
            message: self.to_string(),
            field,
        })
    }
}

/// The errors of every route about a team or a record in one, described once.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // a description only; handlers answer with `AppError`
pub enum RecordErrors {
    /// The request names the field at fault
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody<'static>),
    /// No valid API key
    #[response(status = 401)]
    Unauthorized(#[to_schema] ErrorBody<'static>),
    /// No right to this for this team
    #[response(status = 403)]
    Forbidden(#[to_schema] ErrorBody<'static>),
    /// No such team or record
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorBody<'static>),
}

/// The errors of a route that issues invitations: those of any record, and the daily allowance.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // a description only; handlers answer with `AppError`
pub enum IssueErrors {
    /// The request names the field at fault
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody<'static>),
    /// No valid API key
    #[response(status = 401)]
    Unauthorized(#[to_schema] ErrorBody<'static>),
    /// No right to this for this team, or a questionnaire this role does not send
    #[response(status = 403)]
    Forbidden(#[to_schema] ErrorBody<'static>),
    /// No such team
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorBody<'static>),
    /// Past the user's daily allowance of discharge invitations
    #[response(status = 429)]
    TooMany(#[to_schema] ErrorBody<'static>),
}
