//! Short codes printed on paper invitation cards and typed back in by
//! people giving feedback.
//!
//! A code is 9 random symbols plus 1 Luhn mod N check symbol, printed as
//! `ABCDE-FGHJK`. 22^9 ≈ 1.2 × 10^12 (about 40 bits), so codes are hard to
//! guess but not secrets: callers must still check uniqueness when issuing
//! and rate-limit redemption.
//!
//! Changing [`ALPHABET`] or the check algorithm invalidates every card
//! already printed; the known-answer test exists to catch that.

/// Symbols a code may contain, in check-digit order (a symbol's position is
/// its value in the Luhn mod N sum).
///
/// Uppercase letters and digits minus the look-alike groups 0/O, 1/I/L,
/// 5/S, 2/Z, 8/B and U/V. Q is dropped as well: it is easily read as O or
/// 0, and dropping it leaves 22 symbols, an even count, which Luhn mod N
/// needs to detect every single-symbol error (with an odd count, doubling
/// maps two symbols to the same value).
pub const ALPHABET: &[u8] = b"34679ACDEFGHJKMNPRTWXY";

/// Number of symbols in the alphabet: the N of Luhn mod N.
const N: usize = ALPHABET.len();

/// Random symbols per code.
const RANDOM_LEN: usize = 9;

/// Symbols per code, including the check symbol.
const CODE_LEN: usize = RANDOM_LEN + 1;

/// Symbols per printed group.
const GROUP_LEN: usize = 5;

/// Random bytes at or above this are discarded: it is the largest multiple
/// of N that fits in a byte, so `byte % N` is uniform.
const UNBIASED_LIMIT: usize = 256 - 256 % N;

/// Returns a fresh 10-symbol code (9 random symbols and a check symbol),
/// without separators.
///
/// # Panics
///
/// Panics if the operating system's random number generator fails, which
/// leaves no safe way to issue codes.
pub fn generate() -> String {
    let mut values = [0_usize; CODE_LEN];
    let mut filled = 0;
    // 32 bytes nearly always suffice: each byte is kept with p = 242/256.
    let mut random = [0_u8; 32];
    while filled < RANDOM_LEN {
        getrandom::fill(&mut random).expect("the OS random number generator should be available");
        for byte in random.map(usize::from) {
            if filled == RANDOM_LEN {
                break;
            }
            if byte < UNBIASED_LIMIT {
                values[filled] = byte % N;
                filled += 1;
            }
        }
    }
    values[RANDOM_LEN] = check_value(&values[..RANDOM_LEN]);
    values.iter().map(|&v| char::from(ALPHABET[v])).collect()
}

/// Turns what a person typed from a card into the canonical code, or `None`
/// if it is not a valid code.
///
/// Case is ignored, as are spaces and hyphens (including the typographic
/// dashes phones substitute). Excluded look-alike characters (0, O, 1, I,
/// L, 5, S, 2, Z, 8, B, U, V, Q) are rejected rather than mapped: both
/// members of each look-alike pair are excluded, so there is no canonical
/// symbol to map them to, and a guess would turn a typo into a different
/// code. Rejection lets the caller ask the person to check the card.
pub fn normalise(input: &str) -> Option<String> {
    let mut code = String::with_capacity(CODE_LEN);
    let mut values = [0_usize; CODE_LEN];
    for c in input.chars() {
        if is_separator(c) {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let value = u8::try_from(upper).ok().and_then(symbol_value)?;
        // Stop early so arbitrarily long input costs nothing.
        let slot = values.get_mut(code.len())?;
        *slot = value;
        code.push(upper);
    }
    (code.len() == CODE_LEN && luhn_sum(&values, false) % N == 0).then_some(code)
}

/// Groups a code for printing: `ABCDEFGHJK` becomes `ABCDE-FGHJK`.
///
/// Input of any other length is grouped in fives the same way, so the
/// function never fails.
#[must_use]
pub fn format_for_card(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / GROUP_LEN);
    for (i, c) in code.chars().enumerate() {
        if i > 0 && i % GROUP_LEN == 0 {
            out.push('-');
        }
        out.push(c);
    }
    out
}

/// Characters people put between groups; ignored by [`normalise`].
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// A symbol's value, i.e. its position in [`ALPHABET`].
fn symbol_value(symbol: u8) -> Option<usize> {
    ALPHABET.iter().position(|&s| s == symbol)
}

/// Luhn mod N sum, walking from the right and doubling every second value.
///
/// When computing a check value the rightmost given value sits next to the
/// (absent) check symbol, so it is doubled; when validating a full code the
/// rightmost value is the check symbol itself and is not.
fn luhn_sum(values: &[usize], double_rightmost: bool) -> usize {
    values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &value)| {
            let doubled = (i % 2 == 0) == double_rightmost;
            let addend = if doubled { 2 * value } else { value };
            // "Sum of digits" of the addend written in base N.
            addend / N + addend % N
        })
        .sum()
}

/// The check value that makes the full code's Luhn mod N sum a multiple
/// of N.
fn check_value(random: &[usize]) -> usize {
    (N - luhn_sum(random, true) % N) % N
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid code from nine symbol values.
    fn encode(random: [usize; RANDOM_LEN]) -> String {
        let mut values = random.to_vec();
        values.push(check_value(&random));
        values.iter().map(|&v| char::from(ALPHABET[v])).collect()
    }

    /// A code with its symbols at positions `i` and `j` swapped.
    fn swapped(code: &str, i: usize, j: usize) -> String {
        let mut bytes = code.as_bytes().to_vec();
        bytes.swap(i, j);
        String::from_utf8(bytes).unwrap()
    }

    /// A deterministic spread of nine-symbol inputs for exhaustive tests.
    fn sample_inputs() -> Vec<[usize; RANDOM_LEN]> {
        (0..200)
            .map(|seed: usize| std::array::from_fn(|i| (seed * 7 + i * i * 5 + seed / 3) % N))
            .collect()
    }

    #[test]
    fn alphabet_has_22_distinct_symbols_without_look_alikes() {
        assert_eq!(ALPHABET.len(), 22);
        assert_eq!(N % 2, 0, "Luhn mod N needs an even alphabet");
        assert!(
            ALPHABET.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats"
        );
        assert!(
            ALPHABET
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        for excluded in b"0O1IL5S2Z8BUVQ" {
            assert!(!ALPHABET.contains(excluded), "{}", char::from(*excluded));
        }
    }

    #[test]
    fn generated_codes_are_ten_alphabet_symbols_and_validate() {
        for _ in 0..1000 {
            let code = generate();
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| ALPHABET.contains(&b)), "{code}");
            assert_eq!(normalise(&code), Some(code.clone()));
        }
    }

    #[test]
    fn known_codes_still_validate_so_printed_cards_keep_working() {
        // Computed independently of this module; if these fail, the
        // alphabet or algorithm changed and existing cards are invalid.
        for code in [
            "34679ACDEG",
            "FGHJKMNPRJ",
            "TWXYTWXYTK",
            "3333333333",
            "YYYYYYYYYF",
            "ACDEFGHJK9",
        ] {
            assert_eq!(normalise(code).as_deref(), Some(code));
        }
        assert_eq!(encode([0, 1, 2, 3, 4, 5, 6, 7, 8]), "34679ACDEG");
    }

    #[test]
    fn every_single_symbol_substitution_is_rejected() {
        let codes: Vec<String> = sample_inputs()
            .into_iter()
            .map(encode)
            .chain((0..50).map(|_| generate()))
            .collect();
        for code in codes {
            for position in 0..CODE_LEN {
                for &replacement in ALPHABET {
                    let mut bytes = code.as_bytes().to_vec();
                    if bytes[position] == replacement {
                        continue;
                    }
                    bytes[position] = replacement;
                    let typo = String::from_utf8(bytes).unwrap();
                    assert_eq!(normalise(&typo), None, "{code} -> {typo}");
                }
            }
        }
    }

    #[test]
    fn every_adjacent_transposition_is_rejected_except_the_first_and_last_symbols() {
        // Luhn mod N's one blind spot, like 09 <-> 90 in classic Luhn:
        // swapping the symbols worth 0 and N-1 leaves the sum unchanged.
        let blind_spot = |a: usize, b: usize| a.min(b) == 0 && a.max(b) == N - 1;
        let mut cases = 0;
        let mut missed = 0;
        for base in sample_inputs().into_iter().take(20) {
            for a in 0..N {
                for b in (0..N).filter(|&b| b != a) {
                    // Both swapped symbols among the random ones.
                    for position in 0..RANDOM_LEN - 1 {
                        let mut random = base;
                        random[position] = a;
                        random[position + 1] = b;
                        let code = encode(random);
                        let typo = swapped(&code, position, position + 1);
                        let accepted = normalise(&typo).is_some();
                        assert_eq!(accepted, blind_spot(a, b), "{code} -> {typo}");
                        cases += 1;
                        missed += usize::from(accepted);
                    }
                    // The last random symbol swapped with the check symbol:
                    // the symbol before them shifts the check symbol through
                    // every value, so pick the one that makes it b.
                    for filler in 0..N {
                        let mut random = base;
                        random[RANDOM_LEN - 2] = filler;
                        random[RANDOM_LEN - 1] = a;
                        let code = encode(random);
                        if code.as_bytes()[RANDOM_LEN] != ALPHABET[b] {
                            continue;
                        }
                        let typo = swapped(&code, RANDOM_LEN - 1, RANDOM_LEN);
                        let accepted = normalise(&typo).is_some();
                        assert_eq!(accepted, blind_spot(a, b), "{code} -> {typo}");
                        cases += 1;
                        missed += usize::from(accepted);
                    }
                }
            }
        }
        // 20 bases x N(N-1) ordered pairs x 9 adjacent positions.
        assert_eq!(cases, 20 * N * (N - 1) * (CODE_LEN - 1));
        // Exactly 1 of the N(N-1)/2 = 231 unordered pairs is missed.
        assert_eq!(missed * (N * (N - 1) / 2), cases);
    }

    #[test]
    fn swapping_the_first_and_last_alphabet_symbols_is_the_known_blind_spot() {
        let code = encode([0, N - 1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(&code[..2], "3Y");
        let typo = swapped(&code, 0, 1);
        assert_eq!(normalise(&typo), Some(typo.clone()));
    }

    #[test]
    fn normalise_accepts_lowercase_spaces_and_hyphens() {
        let code = "34679ACDEG";
        for typed in [
            "34679ACDEG",
            "34679acdeg",
            "34679-ACDEG",
            "34679 acdeg",
            "  34679 - acdeg  ",
            "3 4 6 7 9 a c d e g",
            "34679–ACDEG",
            "34679\u{a0}ACDEG",
            "34679-\nACDEG",
        ] {
            assert_eq!(normalise(typed).as_deref(), Some(code), "{typed:?}");
        }
    }

    #[test]
    fn normalise_round_trips_the_printed_card_format() {
        for _ in 0..100 {
            let code = generate();
            assert_eq!(normalise(&format_for_card(&code)), Some(code));
        }
    }

    #[test]
    fn normalise_rejects_excluded_look_alike_characters() {
        // Replace a symbol of a valid code with each excluded character.
        for excluded in "0Oo1IiLl5Ss2Zz8BbUuVvQq".chars() {
            let typed = format!("{excluded}4679ACDEG");
            assert_eq!(normalise(&typed), None, "{typed}");
        }
    }

    #[test]
    fn normalise_rejects_wrong_lengths_and_other_characters() {
        for typed in [
            "",
            "   ",
            "-----",
            "34679ACDE",
            "34679ACDEGG",
            "34679ACDEG3",
            "34679ACDEG34679ACDEG",
            "34679_ACDEG",
            "34679.ACDEG",
            "34679ÀCDEG",
            "３4679ACDEG",
        ] {
            assert_eq!(normalise(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn format_for_card_groups_in_fives() {
        assert_eq!(format_for_card("ABCDEFGHJK"), "ABCDE-FGHJK");
        assert_eq!(format_for_card("ABCDE"), "ABCDE");
        assert_eq!(format_for_card("ABC"), "ABC");
        assert_eq!(format_for_card(""), "");
        assert_eq!(format_for_card("ABCDEFGHJKMNP"), "ABCDE-FGHJK-MNP");
    }

    #[test]
    fn every_symbol_appears_at_every_position_with_a_sane_frequency() {
        const CODES: usize = 5000;
        let mut counts = [[0_usize; N]; CODE_LEN];
        for _ in 0..CODES {
            for (position, byte) in generate().bytes().enumerate() {
                counts[position][symbol_value(byte).unwrap()] += 1;
            }
        }
        // Expect about 227 per symbol and position (σ ≈ 15); the bounds are
        // about ±8σ so the test does not flake. The check symbol is uniform
        // too, because the value next to it shifts it through every symbol.
        for position in counts {
            for count in position {
                assert!((110..=350).contains(&count), "{counts:?}");
            }
        }
    }
}
