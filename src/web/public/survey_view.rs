//! The questionnaire as a page: each question with its options, the person's answers kept, and
//! the message for each field in error.

use crate::surveys::answers::FieldError;
use crate::surveys::{QuestionKind, Survey};
use serde_json::{Value, json};
use std::collections::HashMap;

const FFT_OPTIONS: [(&str, &str); 6] = [
    ("5", "Very good"),
    ("4", "Good"),
    ("3", "Neither good nor poor"),
    ("2", "Poor"),
    ("1", "Very poor"),
    ("dont_know", "Don't know"),
];

const AGREE_OPTIONS: [(&str, &str); 6] = [
    ("5", "Strongly agree"),
    ("4", "Agree"),
    ("3", "Neither agree nor disagree"),
    ("2", "Disagree"),
    ("1", "Strongly disagree"),
    ("dont_know", "Don't know"),
];

const YES_NO_OPTIONS: [(&str, &str); 3] =
    [("yes", "Yes"), ("no", "No"), ("dont_know", "Don't know")];

/// Builds the template context for the form.
pub fn form_context(
    survey: &Survey,
    values: &HashMap<String, String>,
    errors: &[FieldError],
) -> Value {
    let questions: Vec<Value> = survey
        .questions
        .iter()
        .enumerate()
        .map(|(index, q)| {
            let current = values.get(&q.id).map(String::as_str).unwrap_or("");
            let options: Vec<(String, String)> = match q.kind {
                QuestionKind::Fft => FFT_OPTIONS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                QuestionKind::Agree5 => AGREE_OPTIONS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                QuestionKind::YesNo => YES_NO_OPTIONS.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                QuestionKind::Choice => q.options.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
                QuestionKind::Text => Vec::new(),
            };
            let options: Vec<Value> = options
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| {
                    json!({
                        // The first option's id is the question id, so error links land on it.
                        "input_id": if i == 0 { q.id.clone() } else { format!("{}-{}", q.id, i + 1) },
                        "value": value,
                        "label": label,
                        "checked": value == current,
                    })
                })
                .collect();
            let error = errors.iter().find(|e| e.field == q.id).map(|e| e.message.clone());
            json!({
                "number": index + 1,
                "id": q.id,
                "text": q.text,
                "hint": q.hint,
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
            json!({ "href": href, "message": e.message })
        })
        .collect();
    json!({
        "title": if errors.is_empty() { survey.title.clone() } else { format!("Error: {}", survey.title) },
        "survey_title": survey.title,
        "intro": survey.intro,
        "questions": questions,
        "errors": summary,
        "has_errors": !errors.is_empty(),
        "unavailable": false,
    })
}
