//! `GET /api/v1/surveys`: the questionnaires in use, with their questions.

use super::ApiUser;
use crate::web::State;
use actix_web::HttpResponse;
use serde_json::{Value, json};

/// Lists every current questionnaire.
pub async fn list(_user: ApiUser, state: State) -> HttpResponse {
    let surveys: Vec<Value> = state
        .catalogue
        .all_current()
        .map(|v| {
            let s = &v.survey;
            let questions: Vec<Value> = s
                .questions
                .iter()
                .map(|q| {
                    let mut item = json!({
                        "id": q.id,
                        "type": q.kind.as_str(),
                        "text": q.text,
                        "hint": q.hint,
                        "required": q.required,
                        "criterion": q.criterion.map(|c| c.code()),
                    });
                    if q.kind == crate::surveys::QuestionKind::Choice {
                        item["options"] = json!(q.options);
                    }
                    item
                })
                .collect();
            json!({
                "slug": s.slug,
                "title": s.title,
                "respondent": s.respondent.as_str(),
                "version": v.id,
                "questions": questions,
            })
        })
        .collect();
    HttpResponse::Ok().json(surveys)
}
