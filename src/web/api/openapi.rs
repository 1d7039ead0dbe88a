//! `GET /api/openapi.json`: the API described from the handlers' own annotations and types,
//! so the description cannot drift from the code without the schema check in CI noticing.

use super::{concerns, invitations, opt_outs, reports, responses, rounds, surveys, urgent};
use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Bearer API keys, as `crt-feedback api-key create` prints them.
struct ApiKeys;

impl Modify for ApiKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `crt-feedback api-key create`"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "crt-feedback",
        description = "Feedback for crisis resolution teams: invitations, concerns and actions, and the evidence reports."
    ),
    paths(
        surveys::list,
        invitations::issue,
        rounds::open,
        concerns::list,
        concerns::create,
        concerns::add_action,
        concerns::update_action,
        reports::team_report,
        reports::all_teams_report,
        reports::all_teams_fft_return,
        reports::fft_submission,
        reports::corrections,
        reports::team_comments,
        reports::team_csv,
        reports::correct_comment,
        urgent::list,
        urgent::acknowledge,
        urgent::update_team,
        opt_outs::add,
        responses::enter,
    ),
    modifiers(&ApiKeys)
)]
pub struct ApiDoc;

/// The description as JSON.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_names_every_schema_it_refers_to() {
        let doc = serde_json::to_string(&ApiDoc::openapi()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let schemas = &value["components"]["schemas"];
        for reference in doc.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                schemas.get(name).is_some(),
                "{name} is referred to but not described"
            );
        }
        assert!(
            doc.contains("\"bearer\""),
            "the API key scheme is described"
        );
    }
}
