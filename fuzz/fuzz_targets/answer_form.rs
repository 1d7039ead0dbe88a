//! Any bytes as a submitted questionnaire form: decoded strictly, then checked against every
//! shipped questionnaire. Each either gives answers that fit their questions or names the
//! fields at fault; nothing panics.
#![no_main]

use crt_feedback::surveys::answers::{self, AnswerValue, MAX_TEXT_CHARS};
use crt_feedback::surveys::{QuestionKind, Survey, load_definitions};
use crt_feedback::web::form;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static SURVEYS: LazyLock<Vec<Survey>> = LazyLock::new(|| {
    load_definitions(None)
        .expect("the shipped questionnaires are valid")
        .into_iter()
        .map(|(_, survey)| survey)
        .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(fields) = form::decode(data) else {
        return;
    };
    for survey in SURVEYS.iter() {
        match answers::parse(survey, &fields) {
            Ok(given) => {
                for answer in &given {
                    let question = survey
                        .question(&answer.question_id)
                        .expect("an answer belongs to a question of this questionnaire");
                    assert_eq!(question.kind, answer.kind);
                    match &answer.value {
                        AnswerValue::Text(text) => {
                            assert_eq!(question.kind, QuestionKind::Text);
                            assert!(text.chars().count() <= MAX_TEXT_CHARS);
                        }
                        AnswerValue::Scale(n) => assert!((1..=5).contains(n)),
                        _ => {}
                    }
                }
            }
            Err(errors) => assert!(!errors.is_empty(), "a refusal names at least one field"),
        }
    }
});
