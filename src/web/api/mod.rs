//! The JSON API under `/api/v1`, authenticated with `Authorization: Bearer <api key>`.

mod auth;
mod concerns;
mod invitations;
mod openapi;
mod opt_outs;
mod reports;
mod responses;
mod rounds;
mod surveys;
mod urgent;

use crate::error::AppError;
use actix_web::{HttpResponse, ResponseError, web};
use serde::de::DeserializeOwned;

pub use auth::ApiUser;

/// API routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi::document));
    cfg.service(
        web::scope("/v1")
            .route("/surveys", web::get().to(surveys::list))
            .route(
                "/teams/{code}/invitations",
                web::post().to(invitations::issue),
            )
            .route("/teams/{code}/rounds", web::post().to(rounds::open))
            .route("/teams/{code}/concerns", web::get().to(concerns::list))
            .route("/teams/{code}/concerns", web::post().to(concerns::create))
            .route(
                "/concerns/{id}/actions",
                web::post().to(concerns::add_action),
            )
            .route("/actions/{id}", web::patch().to(concerns::update_action))
            .route("/opt-outs", web::post().to(opt_outs::add))
            .route("/report", web::get().to(reports::all_teams_report))
            .route(
                "/fft-return.csv",
                web::get().to(reports::all_teams_fft_return),
            )
            .route(
                "/fft-submission.csv",
                web::get().to(reports::fft_submission),
            )
            .route("/teams/{code}", web::patch().to(urgent::update_team))
            .route("/teams/{code}/urgent", web::get().to(urgent::list))
            .route("/teams/{code}/responses", web::post().to(responses::enter))
            .route(
                "/urgent/{id}/acknowledge",
                web::post().to(urgent::acknowledge),
            )
            .route("/teams/{code}/report", web::get().to(reports::team_report))
            .route(
                "/teams/{code}/comments",
                web::get().to(reports::team_comments),
            )
            // Last of the team routes, so the named ones above match first.
            .route("/teams/{code}/{file}", web::get().to(reports::team_csv))
            .route(
                "/comments/corrections.csv",
                web::get().to(reports::corrections),
            )
            .route("/comments/{id}", web::patch().to(reports::correct_comment))
            .default_service(web::to(|| async {
                AppError::NotFound("route").error_response()
            })),
    )
    .default_service(web::to(|| async {
        AppError::NotFound("route").error_response()
    }));
}

/// Parses a JSON body after the caller's access has been checked, so that a bad key gets 401
/// and another team's route 403 whatever the body says. Unknown fields are refused.
pub fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if body.is_empty() {
        return Err(AppError::bad_request("the request needs a JSON body"));
    }
    serde_json::from_slice(body).map_err(|e| {
        // serde's message names the field and the problem; it does not echo string values.
        let message = e.to_string();
        let field = message.split('`').nth(1).map(str::to_string);
        AppError::BadRequest {
            field,
            message: format!("the JSON body is not valid: {message}"),
        }
    })
}

/// The id of a record just made.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// A `201 Created` naming the new record.
pub fn created(id: String) -> HttpResponse {
    HttpResponse::Created().json(Created { id })
}
