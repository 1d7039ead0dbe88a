//! `GET /api/v1/surveys`: the questionnaires in use, with their questions.

use super::ApiUser;
use crate::surveys::{ChoiceOption, QuestionKind};
use crate::web::State;
use actix_web::HttpResponse;
use serde::Serialize;

/// A questionnaire in use.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SurveyDescription {
    /// What invitations name it by, for example `service-user`.
    pub slug: String,
    pub title: String,
    /// `service_user`, `carer`, `staff` or `partner`.
    pub respondent: &'static str,
    /// The version answers are stored against.
    pub version: String,
    pub questions: Vec<QuestionDescription>,
}

/// One question, as a form must send it: the answer goes in a field named `id`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct QuestionDescription {
    pub id: String,
    /// `fft`, `agree5`, `yes_no`, `choice` or `text`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    pub hint: Option<String>,
    pub required: bool,
    /// The fidelity criterion (or our own indicator) the question gives evidence for, if any.
    pub criterion: Option<&'static str>,
    /// For an optional "About you" question: `ethnic_group`, `age_band`, `gender` or
    /// `disability`, the `by=` of the report's breakdown.
    pub equality: Option<&'static str>,
    /// Only for `choice` questions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
}

/// Lists every current questionnaire.
#[utoipa::path(
    get,
    path = "/api/v1/surveys",
    tag = "surveys",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The questionnaires in use", body = Vec<SurveyDescription>),
        (status = 401, description = "No valid API key", body = crate::web::errors::ErrorBody),
    )
)]
pub async fn list(_user: ApiUser, state: State) -> HttpResponse {
    let surveys: Vec<SurveyDescription> = state
        .catalogue
        .all_current()
        .map(|v| {
            let s = &v.survey;
            SurveyDescription {
                slug: s.slug.clone(),
                title: s.title.clone(),
                respondent: s.respondent.as_str(),
                version: v.id.clone(),
                questions: s
                    .questions
                    .iter()
                    .map(|q| QuestionDescription {
                        id: q.id.clone(),
                        kind: q.kind.as_str(),
                        text: q.text.clone(),
                        hint: q.hint.clone(),
                        required: q.required,
                        criterion: q.criterion.map(|c| c.code()),
                        equality: q.equality.map(|d| d.as_str()),
                        options: (q.kind == QuestionKind::Choice).then(|| q.options.clone()),
                    })
                    .collect(),
            }
        })
        .collect();
    HttpResponse::Ok().json(surveys)
}
