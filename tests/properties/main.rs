//! Property tests: what must hold for any input, not just the examples we thought of.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crt_feedback::invitations::short_code;
use crt_feedback::reports::Period;
use crt_feedback::surveys::{answers, load_definitions};
use crt_feedback::text::scrub::{REMOVED, scrub};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn text_without_digits_or_at_signs_is_kept_exactly(text in "[a-zA-Z ,.!?'\n-]{0,300}") {
        prop_assert_eq!(scrub(&text), text);
    }

    #[test]
    fn an_email_address_anywhere_is_removed(
        before in "[a-z ]{0,40}",
        user in "[a-z][a-z0-9.]{0,10}[a-z0-9]",
        domain in "[a-z]{2,10}\\.(com|org|nhs\\.uk|co\\.uk)",
        after in "[a-z ]{0,40}",
    ) {
        let email = format!("{user}@{domain}");
        let scrubbed = scrub(&format!("{before} {email} {after}"));
        prop_assert!(!scrubbed.contains(&email), "{} kept in {}", email, scrubbed);
        prop_assert!(scrubbed.contains(REMOVED));
    }

    #[test]
    fn a_uk_mobile_number_anywhere_is_removed(before in "[a-z ]{0,30}", digits in "[0-9]{9}", after in "[a-z ]{0,30}") {
        let number = format!("07{digits}");
        let scrubbed = scrub(&format!("{before} {number} {after}"));
        prop_assert!(!scrubbed.contains(&number), "{} kept in {}", number, scrubbed);
    }

    #[test]
    fn scrubbing_never_panics_and_never_grows_text_unboundedly(text in any::<String>()) {
        let out = scrub(&text);
        prop_assert!(out.len() <= text.len() + REMOVED.len() * (text.len() / 5 + 1));
    }

    #[test]
    fn generated_codes_round_trip_in_any_case_and_spacing(lower in any::<bool>(), dash in any::<bool>()) {
        let code = short_code::generate();
        let mut typed = if lower { code.to_lowercase() } else { code.clone() };
        if dash {
            typed.insert(5, '-');
        }
        prop_assert_eq!(short_code::normalise(&typed), Some(code));
    }

    #[test]
    fn arbitrary_strings_are_never_taken_for_a_code_unless_well_formed(text in "[A-Z0-9]{10}") {
        if let Some(code) = short_code::normalise(&text) {
            prop_assert!(code.bytes().all(|b| short_code::ALPHABET.contains(&b)));
        }
    }

    #[test]
    fn any_form_gets_answers_or_named_errors_never_a_panic(
        fields in proptest::collection::vec(("[a-z_]{1,15}", ".{0,30}"), 0..20)
    ) {
        let (_, survey) = load_definitions(None).unwrap().into_iter().find(|(_, s)| s.slug == "carer").unwrap();
        match answers::parse(&survey, &fields) {
            Ok(list) => for a in list {
                prop_assert!(survey.question(&a.question_id).is_some());
            },
            Err(errors) => for e in errors {
                prop_assert!(e.field == "form" || survey.question(&e.field).is_some(), "{}", e.field);
            },
        }
    }

    #[test]
    fn any_dates_give_a_period_or_an_error_never_a_panic(from in ".{0,12}", to in ".{0,12}") {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        if let Ok(p) = Period::parse(Some(&from), Some(&to), today) {
            prop_assert!(p.from <= p.to);
        }
    }
}
