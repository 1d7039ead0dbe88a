//! The questionnaire as a page: each question with its options, the person's answers kept, and
//! the message for each field in error, in the person's language.

use crate::i18n::{Lang, t};
use crate::surveys::answers::FieldError;
use crate::surveys::{QuestionKind, Survey};
use serde_json::{Value, json};
use std::collections::HashMap;

const SCALE: [&str; 6] = ["5", "4", "3", "2", "1", "dont_know"];

/// Builds the template context for the form.
pub fn form_context(
    survey: &Survey,
    lang: Lang,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> Value {
    let code = lang.code();
    // The "About you" section opens at its first question, and the page says so.
    let about_you_from = survey.questions.iter().position(|q| q.equality.is_some());
    let questions: Vec<Value> = survey
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| {
            let current = values.get(&q.id).map(String::as_str).unwrap_or("");
            let options: Vec<(String, String)> = match q.kind {
                QuestionKind::Fft => SCALE
                    .iter()
                    .map(|v| (v.to_string(), t(lang, &if *v == "dont_know" { "dont_know".to_string() } else { format!("fft_{v}") })))
                    .collect(),
                QuestionKind::Agree5 => SCALE
                    .iter()
                    .map(|v| (v.to_string(), t(lang, &if *v == "dont_know" { "dont_know".to_string() } else { format!("agree_{v}") })))
                    .collect(),
                QuestionKind::YesNo => ["yes", "no", "dont_know"].iter().map(|v| (v.to_string(), t(lang, v))).collect(),
                QuestionKind::Choice => q.options.iter().map(|o| (o.id.clone(), q.option_label_in(code, o).to_string())).collect(),
                QuestionKind::Text => Vec::new(),
            };
            let options: Vec<Value> = options
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| {
                    json!({
                        // The first option's id is the question id, so error links land on it.
                        "input_id": if i == 0 { q.id.clone() } else { format!("{}-{}", q.id, i + 1) },
                        "checked": value == current,
                        "value": value,
                        "label": label,
                    })
                })
                .collect();
            let error = errors.iter().find(|e| e.field == q.id).map(|e| t(lang, &format!("error_{}", e.code)));
            json!({
                "number": index + 1,
                "about_you_starts": Some(index) == about_you_from,
                "id": q.id,
                "text": q.text_in(code),
                "hint": q.hint_in(code),
                "required": q.required,
                "is_text": q.kind == QuestionKind::Text,
                "options": options,
                "value": if q.kind == QuestionKind::Text { current } else { "" },
                "error": error,
            })
        })
        .collect();
    let summary: Vec<Value> = errors
        .iter()
        .map(|e| {
            let href = if e.field == "form" {
                "#questions".to_string()
            } else {
                format!("#{}", e.field)
            };
            let message = t(lang, &format!("error_{}", e.code));
            let message = match e.count {
                Some(count) => message.replace("{count}", &count.to_string()),
                None => message,
            };
            json!({ "href": href, "message": message })
        })
        .collect();
    let title = survey.title_in(code);
    json!({
        "title": if errors.is_empty() { title.to_string() } else { format!("{} {title}", t(lang, "error_prefix")) },
        "survey_title": title,
        "intro": survey.intro_in(code),
        "questions": questions,
        "errors": summary,
        "has_errors": !errors.is_empty(),
        "unavailable": false,
    })
}
