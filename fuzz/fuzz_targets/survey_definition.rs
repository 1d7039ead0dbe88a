//! Any text as a questionnaire definition: it is refused with an error naming the problem, or
//! it is a questionnaire that survives the JSON its versions are stored as, and whose blank
//! form can be checked.
#![no_main]

use crt_feedback::surveys::Survey;
use crt_feedback::surveys::answers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Survey::from_toml("fuzz.toml", text) {
        Err(error) => assert!(!error.problem.is_empty(), "an error must say what is wrong"),
        Ok(survey) => {
            let stored = serde_json::to_string(&survey).expect("a checked survey serialises");
            let back: Survey = serde_json::from_str(&stored).expect("and reads back");
            assert_eq!(back, survey, "stored versions must mean what was checked");
            // A blank submission is answered with errors or nothing, never a panic.
            let _ = answers::parse(&survey, &[]);
        }
    }
});
