//! Removes obvious identifiers from free-text feedback before it is stored.
//!
//! Feedback is anonymous, but people still type their email, phone number,
//! NHS number or postcode into comment boxes. This is a best-effort safety
//! net for those obvious identifiers, not a guarantee of anonymity: names,
//! addresses and descriptions are left alone.
//!
//! Unicode cannot dodge it: detectors search a folded copy of the text
//! ([`TracedText`]: NFKC, so full-width digits and `＠` are ASCII; digits of
//! every script made ASCII; zero-width and other invisible characters gone;
//! dashes made `-`), and each span found there is traced back to the
//! original characters it came from.
//!
//! Each kind of identifier has its own detector. Detectors report byte
//! spans; overlapping spans are merged and each merged span becomes one
//! [`REMOVED`] marker, so every byte outside a span is kept exactly: what is
//! stored is the person's own text, not the folded copy.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::normalise::TracedText;

/// Marker that replaces each removed identifier.
pub const REMOVED: &str = "[removed]";

/// Email addresses; the domain needs a dot so `user@host` chatter is kept,
/// and a sentence's closing full stop is not swallowed.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)+").expect("email pattern is a valid regex")
});

/// Ten digits in 3-3-4 groups, optionally separated by spaces, dots, hyphens
/// or slashes, or spelt out one digit at a time ("9 4 3 4 7 6 5 9 1 9"); the
/// check digit is verified separately because a regex cannot do arithmetic.
static NHS_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[0-9]{3}[ ./\-]?[0-9]{3}[ ./\-]?[0-9]{4}",
        r"|(?P<spelt>[0-9](?:[ ./\-][0-9]){9})",
    ))
    .expect("NHS number pattern is a valid regex")
});

/// Candidate UK phone numbers: digit groups separated by a space, or by a
/// dot, hyphen or slash with or without a space either side. The regex only
/// finds candidates; [`phone_end`] decides, because the real rules ("10 or 11
/// digits after a leading 0", and groups shaped like a phone number rather
/// than a date) are about totals and group lengths, not about where people
/// put their spaces.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // +44 / 0044, optionally followed by the "(0)" people copy from
        // letterheads.
        r"(?P<intl>(?:\+ ?|00)44[ \-]?(?:\(0\)[ \-]?)?)[0-9]+(?:(?: ?[./\-] ?| )[0-9]+)*",
        // Bracketed area code or trunk 0: (020) 7946 0018, (0)7700 900123.
        r"|(?P<bracket>\(0[0-9]{0,4}\))[ \-]?[0-9]+(?:(?: ?[./\-] ?| )[0-9]+)*",
        // National: a leading 0 and digit groups.
        r"|0[0-9]*(?:(?: ?[./\-] ?| )[0-9]+)*",
    ))
    .expect("phone pattern is a valid regex")
});

/// Full UK postcodes (outward and inward code), using the letter
/// restrictions of the official format so ordinary words and road names
/// such as "A1 road" do not match. Outward codes on their own ("SW1A") are
/// districts, not identifiers, and are kept.
static POSTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}",
        r"|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])[ \t]?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    ))
    .expect("postcode pattern is a valid regex")
});

/// Decides whether a regex candidate is really an identifier, returning the
/// byte offset where the identifier ends (it may be shorter than the match).
type SpanEnd = fn(&str, &Captures<'_>) -> Option<usize>;

/// Returns `text` with email addresses, UK phone numbers, NHS numbers (with
/// a valid check digit) and full UK postcodes replaced by [`REMOVED`].
///
/// Short service numbers (111, 999, 116 123), dates, times, years and
/// ordinary quantities are kept, as is all text around each removal.
/// Identifiers are found whatever the characters they are written in:
/// full-width or other scripts' digits, a full-width `＠`, zero-width spaces
/// inside them, digits spaced out one by one or split by dots, dashes or
/// slashes.
///
/// Removing one identifier can expose another: in "5919W1A 1AA" the postcode only stands as
/// a word once the NHS number before it is gone. So scrubbing repeats until nothing more is
/// found (found by fuzzing; each pass only removes, so this ends within a few passes).
#[must_use]
pub fn scrub(text: &str) -> String {
    let mut current = scrub_once(text);
    for _ in 0..8 {
        let next = scrub_once(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

fn scrub_once(text: &str) -> String {
    let detectors: [(&Regex, SpanEnd); 4] = [
        (&EMAIL, whole_match_end),
        (&NHS_NUMBER, nhs_number_end),
        (&PHONE, phone_end),
        (&POSTCODE, postcode_end),
    ];
    let traced = TracedText::new(text);
    let mut found = Vec::new();
    for (regex, span_end) in detectors {
        collect_spans(regex, traced.as_str(), span_end, &mut found);
    }
    if found.is_empty() {
        return text.to_owned();
    }
    // Detectors saw the folded copy; the person's own characters are what
    // gets removed.
    let mut spans: Vec<Range<usize>> = found
        .into_iter()
        .map(|span| traced.original_span(span))
        .collect();

    // Overlaps happen (a postcode used as an email's local part); one
    // marker per merged span avoids "[removed][removed]" artefacts.
    spans.sort_unstable_by_key(|span| span.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }

    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for span in merged {
        out.push_str(&text[copied..span.start]);
        out.push_str(REMOVED);
        copied = span.end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Adds the spans of every accepted candidate of `regex` to `spans`.
fn collect_spans(regex: &Regex, text: &str, span_end: SpanEnd, spans: &mut Vec<Range<usize>>) {
    let mut from = 0;
    while from <= text.len() {
        let Some(caps) = regex.captures_at(text, from) else {
            break;
        };
        let Some(whole) = caps.get(0) else {
            break;
        };
        let start = whole.start();
        match span_end(text, &caps) {
            Some(end) if end > start => {
                spans.push(start..end);
                from = end;
            }
            // A rejected candidate may hide a real one starting inside it
            // ("+44 1 07700 900123" holds 07700 900123), so step one
            // character, not past it.
            _ => from = start + text[start..].chars().next().map_or(1, char::len_utf8),
        }
    }
}

/// Accepts the whole match; for patterns that need no further checks.
fn whole_match_end(_text: &str, caps: &Captures<'_>) -> Option<usize> {
    caps.get(0).map(|m| m.end())
}

/// Accepts a postcode match unless it is a road or ward name followed by
/// an ordinal ("Ward A3 2nd floor", "the M6 3rd time"): an uppercase
/// outward part with a lowercase ordinal is a mix nobody writes a postcode
/// in, whereas "b33 8th" and "B33 8TH" are still removed.
fn postcode_end(_text: &str, caps: &Captures<'_>) -> Option<usize> {
    let whole = caps.get(0)?;
    let postcode = whole.as_str();
    // Case-insensitive classes also match a few non-ASCII letters (the
    // Kelvin sign for K); no real postcode contains them.
    if !postcode.is_ascii() {
        return None;
    }
    let (outward, inward) = postcode.split_at(postcode.len().checked_sub(3)?);
    let lowercase_ordinal = matches!(
        inward.as_bytes(),
        [b'1', b's', b't']
            | [b'2', b'n', b'd']
            | [b'3', b'r', b'd']
            | [b'0' | b'4'..=b'9', b't', b'h']
    );
    let uppercase_outward = !outward.bytes().any(|b| b.is_ascii_lowercase());
    (!(lowercase_ordinal && uppercase_outward)).then_some(whole.end())
}

/// Accepts ten digits that stand alone and carry a valid modulus-11 check
/// digit; other ten-digit runs are left for the phone detector. Ten digits
/// spelt out one by one are only ten of them if no further spelt-out digit
/// sits either side.
fn nhs_number_end(text: &str, caps: &Captures<'_>) -> Option<usize> {
    let whole = caps.get(0)?;
    if digit_before(text, whole.start()) || digit_after(text, whole.end()) {
        return None;
    }
    if caps.name("spelt").is_some()
        && (separated_digit_before(text, whole.start()) || separated_digit_after(text, whole.end()))
    {
        return None;
    }
    let digits: Vec<u32> = whole
        .as_str()
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    nhs_check_digit_is_valid(&digits).then_some(whole.end())
}

/// Modulus 11 as specified for NHS numbers: weights 10 down to 2 on the
/// first nine digits; a computed check of 11 means 0 and 10 means the
/// number can never be issued.
fn nhs_check_digit_is_valid(digits: &[u32]) -> bool {
    let [body @ .., check] = digits else {
        return false;
    };
    if body.len() != 9 {
        return false;
    }
    let sum: u32 = body.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => *check == 0,
        10 => false,
        expected => *check == expected,
    }
}

/// Accepts the longest run of the candidate's digit groups that makes a
/// plausible UK number, so trailing unrelated numbers ("07700 900123 24
/// hours a day") stay in the text.
///
/// Groups must be shaped like a phone number, which is what keeps dates and
/// lists of numbers out: after a first group of three or more digits (or an
/// international or bracketed prefix) every group has at least two digits;
/// after a short first group ("0 7700 900123", "07 700 900 123") at least
/// three. Digits spelt out one by one ("0 7 7 0 0 9 0 0 1 2 3") count as one
/// group.
fn phone_end(text: &str, caps: &Captures<'_>) -> Option<usize> {
    let whole = caps.get(0)?;
    if digit_before(text, whole.start()) {
        return None;
    }
    let international = caps.name("intl").is_some();
    let bracketed = caps.name("bracket").is_some();
    let body_start = caps.name("intl").map_or(whole.start(), |m| m.end());
    // The pattern only matches ASCII, so every byte offset in the match is a
    // char boundary.
    let groups = digit_groups(text.as_bytes(), body_start..whole.end());
    let first_length = groups.first()?.digits.len();
    let shortest_later_group = if international || bracketed || first_length >= 3 {
        2
    } else {
        3
    };

    let mut digits = Vec::with_capacity(whole.len());
    let mut end = None;
    for (index, group) in groups.iter().enumerate() {
        if index > 0 && group.digits.len() < shortest_later_group {
            break;
        }
        digits.extend_from_slice(&group.digits);
        if plausible_uk_number(&digits, international) && !counts_up_from_zero(&digits) {
            end = Some(group.end);
        }
    }
    end
}

/// A run of digits in a phone number candidate, and the byte offset just
/// after its last digit.
struct DigitGroup {
    digits: Vec<u8>,
    end: usize,
}

/// The digit groups of `text[range]`, with consecutive single digits (digits
/// spelt out one at a time) joined into one group.
fn digit_groups(text: &[u8], range: Range<usize>) -> Vec<DigitGroup> {
    let mut runs: Vec<DigitGroup> = Vec::new();
    let mut in_run = false;
    for offset in range {
        let Some(&byte) = text.get(offset) else {
            break;
        };
        if byte.is_ascii_digit() {
            match runs.last_mut() {
                Some(run) if in_run => {
                    run.digits.push(byte);
                    run.end = offset + 1;
                }
                _ => runs.push(DigitGroup {
                    digits: vec![byte],
                    end: offset + 1,
                }),
            }
            in_run = true;
        } else {
            in_run = false;
        }
    }

    let mut groups: Vec<DigitGroup> = Vec::with_capacity(runs.len());
    let mut previous_was_single = false;
    for run in runs {
        let single = run.digits.len() == 1;
        match groups.last_mut() {
            Some(group) if single && previous_was_single => {
                group.digits.extend_from_slice(&run.digits);
                group.end = run.end;
            }
            _ => groups.push(run),
        }
        previous_was_single = single;
    }
    groups
}

/// A scale written out ("0 1 2 3 4 5 6 7 8 9 10") is not a number anyone
/// dials, though it has the right length.
fn counts_up_from_zero(digits: &[u8]) -> bool {
    digits.starts_with(b"0123456789")
}

/// UK numbers have 10 or 11 digits including the leading trunk 0; written
/// internationally the 0 is dropped.
fn plausible_uk_number(digits: &[u8], international: bool) -> bool {
    if international {
        // "+44 07700 900123" is a common slip: ignore the stray trunk 0.
        let national = digits.strip_prefix(b"0").unwrap_or(digits);
        matches!(national.len(), 9 | 10) && national.first().is_some_and(|&d| d != b'0')
    } else {
        // "00..." is an international prefix, not a UK national number.
        matches!(digits.len(), 10 | 11) && digits.get(1).is_some_and(|&d| d != b'0')
    }
}

/// Whether the character just before byte `at` is an ASCII digit, meaning
/// a candidate starts in the middle of a longer number.
fn digit_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit())
}

/// Whether the character at byte `at` is an ASCII digit, meaning a
/// candidate stops in the middle of a longer number.
fn digit_after(text: &str, at: usize) -> bool {
    text[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
}

/// Whether a separator and a digit come just before byte `at`, meaning
/// digits spelt out one by one go on before the candidate.
fn separated_digit_before(text: &str, at: usize) -> bool {
    let mut before = text[..at].chars().rev();
    matches!(
        (before.next(), before.next()),
        (Some(' ' | '.' | '/' | '-'), Some(d)) if d.is_ascii_digit()
    )
}

/// Whether a separator and a digit come at byte `at`, meaning digits spelt
/// out one by one go on after the candidate.
fn separated_digit_after(text: &str, at: usize) -> bool {
    let mut after = text[at..].chars();
    matches!(
        (after.next(), after.next()),
        (Some(' ' | '.' | '/' | '-'), Some(d)) if d.is_ascii_digit()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that each input scrubs to the expected output, reporting the
    /// offending input on failure.
    fn assert_scrubs(cases: &[(&str, &str)]) {
        for (input, expected) in cases {
            assert_eq!(scrub(input), *expected, "input: {input:?}");
        }
    }

    /// Asserts that each input comes back unchanged.
    fn assert_kept(inputs: &[&str]) {
        for input in inputs {
            assert_eq!(scrub(input), *input, "should be kept: {input:?}");
        }
    }

    /// Asserts that each whole input is replaced by exactly one marker, and
    /// that the same holds when it is embedded in a sentence.
    fn assert_removed_alone_and_in_context(inputs: &[&str]) {
        for input in inputs {
            assert_eq!(scrub(input), REMOVED, "should be removed: {input:?}");
            let sentence = format!("Please call me on {input}, thanks.");
            assert_eq!(
                scrub(&sentence),
                "Please call me on [removed], thanks.",
                "should be removed in context: {input:?}"
            );
        }
    }

    #[test]
    fn marker_is_the_bracketed_word_removed() {
        assert_eq!(REMOVED, "[removed]");
    }

    #[test]
    fn leaves_text_without_identifiers_unchanged() {
        assert_kept(&[
            "",
            "   ",
            "The team were kind and listened to me.",
            "The nurse came out at night.\nThank you!",
            "Ça va mieux — merci 🙏",
        ]);
    }

    #[test]
    fn removes_email_addresses() {
        assert_removed_alone_and_in_context(&[
            "jane.doe@example.com",
            "JANE.DOE@EXAMPLE.COM",
            "jane+crisis@example.co.uk",
            "j_smith99@mail.example.org",
            "someone@nhs.net",
            "first-last@sub-domain.example.ac.uk",
        ]);
    }

    #[test]
    fn keeps_the_full_stop_after_an_email_address() {
        assert_scrubs(&[
            ("Email me at jane@example.com.", "Email me at [removed]."),
            ("(jane@example.com)", "([removed])"),
            ("<jane@example.com>", "<[removed]>"),
        ]);
    }

    #[test]
    fn keeps_at_signs_that_are_not_email_addresses() {
        assert_kept(&["met them @ the hospital", "see you @home", "user@localhost"]);
    }

    #[test]
    fn removes_mobile_numbers_in_common_formats() {
        assert_removed_alone_and_in_context(&[
            "07700 900123",
            "07700900123",
            "07700-900-123",
            "07700 900 123",
            "0770 090 0123",
            "07700.900.123",
            "(0)7700 900123",
            "0 7700 900123",
            "07 700 900 123",
        ]);
    }

    #[test]
    fn removes_international_formats_of_uk_numbers() {
        assert_removed_alone_and_in_context(&[
            "+44 7700 900123",
            "+447700900123",
            "+44 (0)7700 900123",
            "+44 (0) 7700 900123",
            "+44(0)7700900123",
            "+44-7700-900-123",
            "0044 7700 900123",
            "00447700900123",
            "+44 07700 900123",
            "+44 20 7946 0018",
            "+44 (0)20 7946 0018",
            "+44 161 496 0000",
        ]);
    }

    #[test]
    fn removes_landlines_with_and_without_brackets() {
        assert_removed_alone_and_in_context(&[
            "(020) 7946 0018",
            "(020)79460018",
            "020 7946 0018",
            "02079460018",
            "0161 496 0000",
            "(0161) 496 0000",
            "01632 960 001",
            "01632 960001",
            "(01632) 960001",
            "0113-496-0000",
            "0113 4960000",
        ]);
    }

    #[test]
    fn removes_freephone_and_non_geographic_numbers() {
        assert_removed_alone_and_in_context(&[
            "0800 123 4567",
            "08001234567",
            "0300 123 4567",
            "0345 678 9012",
            "0800 123 456",
        ]);
    }

    #[test]
    fn keeps_short_service_numbers() {
        assert_kept(&[
            "I rang NHS 111 option 2 first.",
            "Samaritans 116 123 were great",
            "Call 999 in an emergency",
            "Text SHOUT to 85258",
            "Childline 0800 1111",
            "111, 999 and 116 123",
        ]);
    }

    #[test]
    fn keeps_times_and_dates() {
        assert_kept(&[
            "Seen on 12/03/2024 at 10:30",
            "Seen on 2024-03-12 at 2pm",
            "on 3rd March and again 21st",
            "01/02/2024 10:30",
            "01-02-2024 10:30",
            "01.02.2024 10:30",
            "12.03.24",
            "between 0900 and 1700",
            "open 0900-1700 weekdays",
            "from 09:00 until 17:30",
            "It was 2023, then 2024.",
        ]);
    }

    #[test]
    fn keeps_ordinary_numbers_and_amounts() {
        assert_kept(&[
            "waited 3 days and 2 weeks",
            "about 10 times",
            "50% better",
            "cost me £20 in taxis",
            "£1,250.00",
            "1 hour",
            "0.5 mg twice a day",
            "a score of 07 out of 10",
            "ward 12, bed 4",
            "scores of 0 100 200",
            "0 10 20 30 40 50 60",
        ]);
    }

    #[test]
    fn removes_nhs_numbers_in_every_written_form() {
        assert_removed_alone_and_in_context(&[
            "9434765919",
            "943 476 5919",
            "943-476-5919",
            "4010232137",
            "401 023 2137",
        ]);
    }

    #[test]
    fn removes_nhs_numbers_whose_check_digit_wraps_to_zero() {
        // 9876543210: the sum gives 11 - 0 = 11, which is written as 0.
        assert_scrubs(&[("NHS no 9876543210", "NHS no [removed]")]);
    }

    #[test]
    fn keeps_ten_digit_numbers_with_an_invalid_nhs_check_digit() {
        assert_kept(&[
            // Wrong final digit.
            "ref 9434765918",
            "ref 943 476 5918",
            // Check digit computes to 10, so no NHS number starts this way.
            "ref 1234567890",
            "ref 943-476-5960",
        ]);
    }

    #[test]
    fn treats_an_invalid_nhs_number_starting_with_zero_as_a_phone_number() {
        assert_scrubs(&[("call 0123456780 now", "call [removed] now")]);
    }

    #[test]
    fn does_not_remove_part_of_a_longer_digit_run() {
        assert_kept(&[
            "94347659190",
            "19434765919",
            "077009001234567",
            "order 4111111111111111",
        ]);
    }

    #[test]
    fn finds_a_phone_number_inside_a_rejected_longer_candidate() {
        assert_scrubs(&[("+44 1 07700 900123", "+44 1 [removed]")]);
    }

    #[test]
    fn keeps_unrelated_numbers_that_follow_a_phone_number() {
        assert_scrubs(&[
            (
                "ring 07700 900123 24 hours a day",
                "ring [removed] 24 hours a day",
            ),
            (
                "0161 496 0000 2024 was the year",
                "[removed] 2024 was the year",
            ),
        ]);
    }

    #[test]
    fn removes_postcodes_in_any_case_with_or_without_the_space() {
        assert_removed_alone_and_in_context(&[
            "SW1A 1AA", "SW1A1AA", "sw1a1aa", "sw1a 1aa", "M1 1AE", "m11ae", "B33 8TH", "CR2 6XH",
            "DN55 1PT", "EC1A 1BB", "W1A 0AX", "GIR 0AA",
        ]);
    }

    #[test]
    fn keeps_words_and_road_names_that_resemble_postcodes() {
        assert_kept(&[
            "took the A1 road",
            "stuck on the M25 for hours",
            "ME TO BE honest",
            "IT WAS OK BY ME",
            "had a B12 injection",
            "COVID-19 made it worse",
            "came at 2pm on ward B3",
            "lives in SW1A",
            "Leeds LS1",
        ]);
    }

    #[test]
    fn keeps_ward_and_road_names_followed_by_an_ordinal() {
        assert_kept(&[
            "Ward A3 2nd floor",
            "on the M6 3rd time round",
            "room G12 1st door",
            "F1 4th bed",
        ]);
    }

    #[test]
    fn removes_postcodes_that_end_like_an_ordinal_when_written_in_one_case() {
        assert_scrubs(&[
            ("at b33 8th now", "at [removed] now"),
            ("at B33 8TH now", "at [removed] now"),
            ("at m1 1st now", "at [removed] now"),
        ]);
    }

    #[test]
    fn preserves_surrounding_text_exactly() {
        assert_scrubs(&[
            (
                "  Hi,\tmy number is 07700 900123!\n\nBye  ",
                "  Hi,\tmy number is [removed]!\n\nBye  ",
            ),
            ("«07700900123»", "«[removed]»"),
            ("tél:07700900123—merci", "tél:[removed]—merci"),
            ("Tel07700900123", "Tel[removed]"),
            ("é jane@example.com é", "é [removed] é"),
            ("🙂SW1A 1AA🙂", "🙂[removed]🙂"),
        ]);
    }

    #[test]
    fn removes_every_identifier_in_a_longer_message() {
        let input = "My NHS number is 943 476 5919 and I live at B33 8TH.\n\
                     Call 0161 496 0000 or +44 7700 900123, or email me@example.com.\n\
                     I rang 111 at 10:30 on 12/03/2024 and waited 3 days.";
        let expected = "My NHS number is [removed] and I live at [removed].\n\
                        Call [removed] or [removed], or email [removed].\n\
                        I rang 111 at 10:30 on 12/03/2024 and waited 3 days.";
        assert_eq!(scrub(input), expected);
    }

    #[test]
    fn keeps_adjacent_identifiers_as_separate_markers() {
        assert_scrubs(&[
            ("07700 900123, 07700 900124", "[removed], [removed]"),
            ("07700 900123 07700 900124", "[removed] [removed]"),
            ("SW1A 1AA/M1 1AE", "[removed]/[removed]"),
        ]);
    }

    #[test]
    fn merges_overlapping_identifiers_into_one_marker() {
        assert_scrubs(&[
            ("sw1a1aa@example.com", "[removed]"),
            ("07700900123@example.com", "[removed]"),
            ("9434765919@example.com", "[removed]"),
        ]);
    }

    #[test]
    fn scrubbing_is_idempotent() {
        let once = scrub("07700 900123 or SW1A 1AA or a@b.com");
        assert_eq!(scrub(&once), once);
    }

    #[test]
    fn an_identifier_exposed_by_removing_another_is_removed_too() {
        // Found by the free_text fuzz target: the postcode only stands as a word once the NHS
        // number run into it has gone.
        let once = scrub("NHS 943 476 5919W1A 1AA.");
        assert_eq!(once, "NHS [removed][removed].");
        assert_eq!(scrub(&once), once);
    }

    #[test]
    fn removes_numbers_written_in_full_width_or_other_scripts_digits() {
        assert_removed_alone_and_in_context(&[
            "０７７００ ９００１２３",
            "٠٧٧٠٠٩٠٠١٢٣",
            "۰۷۷۰۰ ۹۰۰۱۲۳",
            "०७७०० ९००१२३",
            "𝟎𝟕𝟕𝟎𝟎𝟗𝟎𝟎𝟏𝟐𝟑",
            "07700 ９００１２３",
            "９４３ ４７６ ５９１９",
        ]);
    }

    #[test]
    fn removes_email_addresses_with_a_full_width_at_sign_or_letters() {
        assert_removed_alone_and_in_context(&[
            "jane＠example.com",
            "ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ",
            "jane﹫example.com",
        ]);
    }

    #[test]
    fn removes_identifiers_with_invisible_characters_inside() {
        assert_removed_alone_and_in_context(&[
            "0770\u{200B}0900123",
            "07700\u{200C}900\u{200D}123",
            "0\u{2060}7\u{FEFF}7\u{00AD}00900123",
            "jane\u{200B}@example.com",
            "jane@exam\u{200B}ple.com",
            "943\u{200B}476\u{200B}5919",
            "SW1A\u{200B} 1AA",
        ]);
    }

    #[test]
    fn removes_numbers_spelt_out_digit_by_digit_or_split_by_slashes() {
        assert_removed_alone_and_in_context(&[
            "0 7 7 0 0 9 0 0 1 2 3",
            "0.7.7.0.0.9.0.0.1.2.3",
            "0-7-7-0-0-9-0-0-1-2-3",
            "07700/900/123",
            "07700/900123",
            "07700 / 900 / 123",
            "07700 - 900 - 123",
            "07700/900-123",
            "07700 9 0 0 1 2 3",
            "0 7 7 0 0/9 0 0/1 2 3",
            "+44 7 7 0 0 9 0 0 1 2 3",
            "0161/496/0000",
            "9 4 3 4 7 6 5 9 1 9",
            "943/476/5919",
            "943.476.5919",
            "07700–900–123",
            "07700·900·123",
        ]);
    }

    #[test]
    fn keeps_dates_times_and_scales_written_with_slashes_or_spaces() {
        assert_kept(&[
            "01/02/2024 10:30",
            "on 01 / 02 / 2024 at 10",
            "0/10 would not recommend",
            "rate it 0 1 2 3 4 5 6 7 8 9 10",
            "0 1 2 3",
            "1 2 3 4 5 6 7 8 9 0",
            "scored 07/10 then 08/10",
            "２０２４年",
            "٢٠٢٤",
        ]);
    }

    #[test]
    fn keeps_the_persons_own_characters_outside_the_removal() {
        assert_scrubs(&[
            (
                "Ｃａｌｌ ｍｅ ０７７００ ９００１２３ ｐｌｅａｓｅ",
                "Ｃａｌｌ ｍｅ [removed] ｐｌｅａｓｅ",
            ),
            (
                "ring\u{200B} 07700 900123\u{200B}!",
                "ring\u{200B} [removed]\u{200B}!",
            ),
            (
                "Dw i’n byw yn CF10 1AA — diolch",
                "Dw i’n byw yn [removed] — diolch",
            ),
        ]);
    }

    #[test]
    fn keeps_spelt_out_digits_that_run_on_past_ten() {
        // Eleven spelt-out digits not starting with 0 are neither an NHS number
        // nor a UK phone number, so no ten of them are taken for one.
        assert_kept(&["9 4 3 4 7 6 5 9 1 9 2"]);
    }

    #[test]
    fn nhs_check_digit_follows_the_modulus_11_rules() {
        let digits = |s: &str| -> Vec<u32> { s.chars().filter_map(|c| c.to_digit(10)).collect() };
        assert!(nhs_check_digit_is_valid(&digits("9434765919")));
        assert!(nhs_check_digit_is_valid(&digits("9876543210")));
        assert!(!nhs_check_digit_is_valid(&digits("9434765918")));
        assert!(!nhs_check_digit_is_valid(&digits("1234567890")));
        assert!(!nhs_check_digit_is_valid(&digits("943476591")));
        assert!(!nhs_check_digit_is_valid(&[]));
    }
}
