//! Turning a submitted form into typed answers, or into messages naming each field at fault.

use super::definition::{QuestionKind, Survey};
use super::equality::Dimension;
use std::collections::HashMap;

/// The longest free-text answer accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// One answer, already checked against its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    /// 1 (very poor / strongly disagree) to 5 (very good / strongly agree).
    Scale(u8),
    DontKnow,
    Yes,
    No,
    Choice(String),
    Text(String),
}

impl AnswerValue {
    /// The stored spelling, which is also the form value.
    pub fn stored(&self) -> String {
        match self {
            AnswerValue::Scale(n) => n.to_string(),
            AnswerValue::DontKnow => "dont_know".into(),
            AnswerValue::Yes => "yes".into(),
            AnswerValue::No => "no".into(),
            AnswerValue::Choice(id) => id.clone(),
            AnswerValue::Text(t) => t.clone(),
        }
    }
}

/// An answer to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub question_id: String,
    pub kind: QuestionKind,
    pub value: AnswerValue,
    /// For an "About you" answer: what it says about the person. Such answers are counted,
    /// never stored with the response.
    pub equality: Option<Dimension>,
}

/// A problem with one field, shown next to it and in the summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    /// A stable code; pages show the message for it in the person's language.
    pub code: &'static str,
    pub message: String,
    /// How many fields the error stands for, when it stands for several (`{count}` in the
    /// page's message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl FieldError {
    fn new(field: &str, code: &'static str, message: &str) -> Self {
        FieldError {
            field: field.to_string(),
            code,
            message: message.to_string(),
            count: None,
        }
    }
}

/// Form fields that belong to the page, not to a question.
const PAGE_FIELDS: &[&str] = &["csrf_token", "lang", "visit", "mode"];

/// Checks every field against the questionnaire. Blank answers to optional questions are left
/// out; every problem is reported at once so the person can fix them together.
pub fn parse(survey: &Survey, fields: &[(String, String)]) -> Result<Vec<Answer>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut given: HashMap<&str, &str> = HashMap::new();
    // Each kind of problem is reported once, however often it is repeated: a form with
    // thousands of made-up fields gets one line, not a page per field.
    let mut unknown = 0usize;
    let mut repeated: Vec<&str> = Vec::new();
    for (name, value) in fields {
        if PAGE_FIELDS.contains(&name.as_str()) {
            continue;
        }
        if survey.question(name).is_none() {
            unknown += 1;
            continue;
        }
        if given.insert(name.as_str(), value.as_str()).is_some()
            && !repeated.contains(&name.as_str())
        {
            repeated.push(name.as_str());
            errors.push(FieldError::new(
                name,
                "duplicate",
                "Give only one answer to this question",
            ));
        }
    }
    if unknown > 0 {
        let mut error = FieldError::new(
            "form",
            "unknown_field",
            &format!(
                "The form had answers to {unknown} question(s) this questionnaire does not ask. Please check your answers and send them again."
            ),
        );
        error.count = Some(unknown);
        errors.insert(0, error);
    }

    let mut answers = Vec::new();
    for q in &survey.questions {
        let raw = given.get(q.id.as_str()).map(|v| v.trim()).unwrap_or("");
        let mut fail =
            |code: &'static str, message: &str| errors.push(FieldError::new(&q.id, code, message));
        if raw.is_empty() {
            if q.required {
                let (code, message) = match q.kind {
                    QuestionKind::Fft => (
                        "required_fft",
                        "Select how your experience of our service was overall",
                    ),
                    QuestionKind::Agree5 => {
                        ("required_agree5", "Select how much you agree or disagree")
                    }
                    QuestionKind::YesNo => ("required_yes_no", "Select yes, no or don't know"),
                    QuestionKind::Choice => ("required_choice", "Select one of the options"),
                    QuestionKind::Text => ("required_text", "Enter an answer"),
                };
                fail(code, message);
            }
            continue;
        }
        let value = match q.kind {
            QuestionKind::Fft | QuestionKind::Agree5 => match raw {
                "dont_know" => Some(AnswerValue::DontKnow),
                "1" | "2" | "3" | "4" | "5" => raw.parse().ok().map(AnswerValue::Scale),
                _ => None,
            },
            QuestionKind::YesNo => match raw {
                "yes" => Some(AnswerValue::Yes),
                "no" => Some(AnswerValue::No),
                "dont_know" => Some(AnswerValue::DontKnow),
                _ => None,
            },
            QuestionKind::Choice => q
                .options
                .iter()
                .find(|o| o.id == raw)
                .map(|o| AnswerValue::Choice(o.id.clone())),
            QuestionKind::Text => {
                if raw.chars().count() > MAX_TEXT_CHARS {
                    fail("too_long", "Your answer must be 2,000 characters or fewer");
                    continue;
                }
                Some(AnswerValue::Text(raw.to_string()))
            }
        };
        match value {
            Some(value) => answers.push(Answer {
                question_id: q.id.clone(),
                kind: q.kind,
                value,
                equality: q.equality,
            }),
            None => fail("invalid", "Select one of the answers shown"),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::load_definitions;

    fn survey() -> Survey {
        load_definitions(None)
            .unwrap()
            .into_iter()
            .find(|(_, s)| s.slug == "carer")
            .unwrap()
            .1
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn full_answers(s: &Survey) -> Vec<(String, String)> {
        s.questions
            .iter()
            .filter(|q| q.required)
            .map(|q| {
                let v = match q.kind {
                    QuestionKind::YesNo => "yes".to_string(),
                    QuestionKind::Choice => q.options[0].id.clone(),
                    QuestionKind::Text => "fine".to_string(),
                    _ => "4".to_string(),
                };
                (q.id.clone(), v)
            })
            .collect()
    }

    #[test]
    fn a_complete_form_gives_typed_answers() {
        let s = survey();
        let answers = parse(&s, &full_answers(&s)).unwrap();
        assert!(
            answers
                .iter()
                .any(|a| a.question_id == "fft" && a.value == AnswerValue::Scale(4))
        );
    }

    #[test]
    fn a_missing_required_answer_is_named() {
        let s = survey();
        let mut fields = full_answers(&s);
        fields.retain(|(k, _)| k != "fft");
        let errors = parse(&s, &fields).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "fft");
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let s = survey();
        for bad in ["0", "6", "five", "yes"] {
            let mut fields = full_answers(&s);
            fields.push(("fft".into(), bad.into()));
            fields.retain(|(k, v)| k != "fft" || v == bad);
            let errors = parse(&s, &fields).unwrap_err();
            assert_eq!(errors[0].field, "fft", "{bad}");
        }
    }

    #[test]
    fn dont_know_is_a_valid_answer_to_scales() {
        let s = survey();
        let mut fields = full_answers(&s);
        fields.retain(|(k, _)| k != "fft");
        fields.push(("fft".into(), "dont_know".into()));
        assert!(parse(&s, &fields).is_ok());
    }

    #[test]
    fn text_over_two_thousand_characters_is_refused_but_two_thousand_is_fine() {
        let s = survey();
        let mut fields = full_answers(&s);
        fields.push(("fft_reason".into(), "é".repeat(2000)));
        assert!(parse(&s, &fields).is_ok());
        fields.pop();
        fields.push(("fft_reason".into(), "a".repeat(2001)));
        assert_eq!(parse(&s, &fields).unwrap_err()[0].field, "fft_reason");
    }

    #[test]
    fn unknown_and_repeated_fields_are_refused() {
        let s = survey();
        let mut fields = full_answers(&s);
        fields.push(("mystery".into(), "1".into()));
        assert_eq!(parse(&s, &fields).unwrap_err()[0].field, "form");
        let mut fields = full_answers(&s);
        for i in 0..60_000 {
            fields.push((format!("made_up_{i}"), "x".into()));
            fields.push(("fft".into(), "2".into()));
        }
        let errors = parse(&s, &fields).unwrap_err();
        assert_eq!(
            errors.len(),
            2,
            "one error for the unknown fields, one for the repeats"
        );
        assert_eq!(errors[0].count, Some(60_000));
        assert!(errors[0].message.contains("60000"));
        let mut fields = full_answers(&s);
        fields.push(("fft".into(), "2".into()));
        assert_eq!(parse(&s, &fields).unwrap_err()[0].field, "fft");
        assert!(parse(&s, &form(&[])).is_err());
    }
}
