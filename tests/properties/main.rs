//! Property tests: what must hold for any input, not just the examples we thought of.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crt_feedback::invitations::short_code;
use crt_feedback::reports::Period;
use crt_feedback::surveys::{answers, load_definitions};
use crt_feedback::text::RiskTerms;
use crt_feedback::text::scrub::{REMOVED, scrub};
use proptest::prelude::*;
use std::sync::LazyLock;

static RISK: LazyLock<RiskTerms> = LazyLock::new(RiskTerms::default);

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
    fn text_in_other_scripts_and_with_invisible_characters_but_no_identifiers_is_kept_exactly(
        text in "[a-zA-Zа-яА-ЯёіїєαβγδεζηθικλμνξοπρστυφχψωàéîõüŵŷÂÊ ,.!?'’“”()\n\u{200B}\u{200D}\u{00AD}\u{00A0}\u{FEFF}ａ-ｚＡ-Ｚ—–-]{0,300}"
    ) {
        prop_assert_eq!(scrub(&text), text);
    }

    #[test]
    fn a_mobile_number_in_full_width_digits_is_removed(
        before in "[a-z ]{0,30}",
        digits in "[0-9]{9}",
        after in "[a-z ]{0,30}",
    ) {
        let number = in_digits_of(&format!("07{digits}"), &['０']);
        let scrubbed = scrub(&format!("{before} {number} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"));
    }

    #[test]
    fn a_mobile_number_in_any_script_s_digits_is_removed(
        before in "[a-z ]{0,30}",
        digits in "[0-9]{9}",
        zeros in proptest::collection::vec(proptest::sample::select(DIGIT_ZEROS), 11),
        after in "[a-z ]{0,30}",
    ) {
        let number = in_digits_of(&format!("07{digits}"), &zeros);
        let scrubbed = scrub(&format!("{before} {number} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"), "number {}", number);
    }

    #[test]
    fn an_email_address_with_a_full_width_at_sign_or_letters_is_removed(
        before in "[a-z ]{0,40}",
        user in "[a-z][a-z0-9.]{0,10}[a-z0-9]",
        domain in "[a-z]{2,10}\\.(com|org|nhs\\.uk|co\\.uk)",
        at in proptest::sample::select(vec!['＠', '﹫', '@']),
        wide in any::<bool>(),
        after in "[a-z ]{0,40}",
    ) {
        let email = format!("{user}{at}{domain}");
        let email = if wide { full_width(&email) } else { email };
        let scrubbed = scrub(&format!("{before} {email} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"), "email {}", email);
    }

    #[test]
    fn invisible_characters_inside_a_number_or_email_do_not_hide_it(
        before in "[a-z ]{0,30}",
        identifier in prop_oneof![
            "07[0-9]{9}",
            "0[1-9][0-9]{2} [0-9]{3} [0-9]{4}",
            "[a-z]{1,8}@[a-z]{2,8}\\.(com|org|nhs\\.uk)",
        ],
        insertions in proptest::collection::vec((any::<proptest::sample::Index>(), proptest::sample::select(INVISIBLES)), 1..5),
        after in "[a-z ]{0,30}",
    ) {
        let mut chars: Vec<char> = identifier.chars().collect();
        for (index, invisible) in insertions {
            // Strictly inside, so the invisible character splits the identifier.
            let at = 1 + index.index(chars.len() - 1);
            chars.insert(at, invisible);
        }
        let hidden: String = chars.into_iter().collect();
        let scrubbed = scrub(&format!("{before} {hidden} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"), "identifier {:?}", hidden);
    }

    #[test]
    fn a_phone_number_split_by_spaces_dots_dashes_or_slashes_is_removed(
        before in "[a-z ]{0,30}",
        digits in "0[1-9][0-9]{8,9}",
        shape in phone_shape(),
        separators in proptest::collection::vec(proptest::sample::select(SEPARATORS), 11),
        after in "[a-z ]{0,30}",
    ) {
        prop_assume!(!digits.starts_with("0123456789"));
        let number = split_into_groups(&digits, &shape, &separators);
        let scrubbed = scrub(&format!("{before} {number} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"), "number {:?}", number);
    }

    #[test]
    fn an_nhs_number_split_by_spaces_dots_dashes_or_slashes_is_removed(
        before in "[a-z ]{0,30}",
        body in "[0-9]{9}",
        spelt_out in any::<bool>(),
        separators in proptest::collection::vec(proptest::sample::select(vec![" ", ".", "-", "/"]), 9),
        after in "[a-z ]{0,30}",
    ) {
        let Some(check) = nhs_check_digit(&body) else {
            return Ok(());
        };
        let digits = format!("{body}{check}");
        let shape = if spelt_out { vec![1; 10] } else { vec![3, 3, 4] };
        let number = split_into_groups(&digits, &shape, &separators);
        let scrubbed = scrub(&format!("{before} {number} {after}"));
        prop_assert_eq!(scrubbed, format!("{before} {REMOVED} {after}"), "number {:?}", number);
    }

    #[test]
    fn scrubbing_tricky_unicode_leaves_nothing_more_to_scrub(
        pieces in proptest::collection::vec(proptest::sample::select(TRICKY_PIECES), 0..40)
    ) {
        let text: String = pieces.concat();
        let once = scrub(&text);
        prop_assert_eq!(scrub(&once), once.clone(), "text {:?}", text);
        prop_assert!(once.len() <= text.len() + REMOVED.len() * (text.len() / 5 + 1));
    }

    #[test]
    fn scrubbing_never_panics_and_never_grows_text_unboundedly(text in any::<String>()) {
        let out = scrub(&text);
        prop_assert!(out.len() <= text.len() + REMOVED.len() * (text.len() / 5 + 1));
    }

    #[test]
    fn reading_any_text_for_risk_language_never_panics(text in any::<String>()) {
        let _ = RISK.matches(&text);
    }

    #[test]
    fn risk_language_is_found_whatever_surrounds_it(
        before in "[a-zA-Z0-9 ,.!?'\n]{0,100}",
        phrase in proptest::sample::select(vec!["I want to die", "kill myself", "eisiau marw", "suicidal"]),
        after in "[a-zA-Z0-9 ,.!?'\n]{0,100}",
    ) {
        let text = format!("{before} {phrase} {after}");
        prop_assert!(RISK.matches(&text), "{:?}", text);
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

/// The zero of some scripts' decimal digits (each script's digits run from its zero to nine):
/// full-width, Arabic-Indic, extended Arabic-Indic, Devanagari, Bengali, Gurmukhi, Gujarati,
/// Tamil, Telugu, Thai, Myanmar, Mongolian and four mathematical styles.
const DIGIT_ZEROS: &[char] = &[
    '０', '٠', '۰', '०', '০', '੦', '૦', '௦', '౦', '๐', '၀', '᠐', '𝟎', '𝟘', '𝟢', '𝟶',
];

/// Invisible format characters: zero-width space, non-joiner and joiner, word joiner, byte
/// order mark, soft hyphen, left-to-right mark.
const INVISIBLES: &[char] = &[
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{200E}',
];

/// What people put between digit groups.
const SEPARATORS: &[&str] = &[" ", ".", "-", "/", " / ", " - ", "–"];

/// Pieces that, run together in any order, make text full of near-identifiers.
const TRICKY_PIECES: &[&str] = &[
    "0", "7", "1", "9", "٠", "٧", "０", "７", "𝟗", " ", ".", "-", "/", " / ", "@", "＠", "a", "Z",
    ".com", "example", "SW1A", "1AA", "+44", "(0)", "(020)", "\u{200B}", "\u{00AD}", "⑩", "½",
    "07700", "900123", "943", "476", "5919", "é", "\u{0301}", "\u{20E3}",
];

/// `ascii_digits` written with each digit in the script of the matching zero (cycling).
fn in_digits_of(ascii_digits: &str, zeros: &[char]) -> String {
    ascii_digits
        .chars()
        .zip(zeros.iter().cycle())
        .map(|(digit, &zero)| {
            let value = digit.to_digit(10).unwrap();
            char::from_u32(u32::from(zero) + value).unwrap()
        })
        .collect()
}

/// `text` with ASCII letters, digits, `.` and `@` in their full-width forms.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(u32::from(c) - 0x21 + 0xFF01).unwrap()
            } else {
                c
            }
        })
        .collect()
}

/// Group lengths for a phone number: all digits spelt out one by one, or a first group of one
/// to five digits followed by groups of three or four.
fn phone_shape() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        Just(vec![1; 11]),
        (1_usize..=5, 3_usize..=4).prop_map(|(first, rest)| {
            let mut shape = vec![first];
            shape.extend(std::iter::repeat_n(rest, 4));
            shape
        }),
    ]
}

/// `digits` cut into groups of the lengths in `shape` (the last group takes what is left, and a
/// short remainder joins the group before it), joined by `separators` in turn.
fn split_into_groups(digits: &str, shape: &[usize], separators: &[&str]) -> String {
    let digits: Vec<char> = digits.chars().collect();
    let mut groups: Vec<String> = Vec::new();
    let mut at = 0;
    for &length in shape {
        if at >= digits.len() {
            break;
        }
        let end = (at + length).min(digits.len());
        groups.push(digits[at..end].iter().collect());
        at = end;
    }
    if at < digits.len() {
        groups.push(digits[at..].iter().collect());
    }
    // A one- or two-digit tail after longer groups would not be a phone number's shape.
    let spelt_out = shape.iter().all(|&length| length == 1);
    if !spelt_out && groups.len() > 2 && groups.last().is_some_and(|g| g.len() < 3) {
        let tail = groups.pop().unwrap();
        groups.last_mut().unwrap().push_str(&tail);
    }
    let mut out = String::new();
    for (i, group) in groups.iter().enumerate() {
        if i > 0 {
            out.push_str(separators[(i - 1) % separators.len()]);
        }
        out.push_str(group);
    }
    out
}

/// The NHS number check digit for nine digits, or `None` when no number can have them.
fn nhs_check_digit(body: &str) -> Option<u32> {
    let sum: u32 = body
        .chars()
        .zip((2..=10).rev())
        .map(|(d, w)| d.to_digit(10).unwrap() * w)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => Some(check),
    }
}
