//! Free text made comparable before anything searches it.
//!
//! People type on phones, paste from messaging apps and, now and then, try to get words past a
//! filter. The same words then arrive as different characters: full-width letters and digits,
//! zero-width spaces, curly apostrophes, a Cyrillic "і" in place of a Latin "i", "k1ll" for
//! "kill". Searching the raw text misses them, so every search starts from one of the forms here:
//!
//! - [`normalise`]: the common form (NFKC, invisible format characters gone, apostrophes
//!   straight, whitespace collapsed, lower case).
//! - [`risk_readings`]: the common form read the way a person would read it, with look-alike
//!   letters from other scripts made Latin, accents dropped and digits used as letters read as
//!   letters. Only for matching risk language; never stored or shown.
//! - [`TracedText`]: a form for finding identifiers (digits of any script made ASCII, format
//!   characters gone) that remembers where each character came from, so that the scrubber can
//!   remove the person's own characters and keep everything else exactly as typed.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Characters people (or their phones) use as an apostrophe; "don’t" must read as "don't".
const APOSTROPHES: &[char] = &[
    '\u{2019}', // right single quotation mark, what phones type
    '\u{2018}', // left single quotation mark
    '\u{201B}', // single high-reversed-9 quotation mark
    '\u{02BC}', // modifier letter apostrophe
    '\u{2032}', // prime
    '\u{00B4}', // acute accent
    '\u{FF07}', // full-width apostrophe
    '`',
];

/// More readings than this many two-way choices would multiply the work for little gain, so
/// beyond it each kind of choice is made the same way throughout the text.
const MAX_ENUMERATED_CHOICES: usize = 4;

/// The common form of free text for comparing words: NFKC (full-width and other compatibility
/// forms folded), format characters such as zero-width spaces and soft hyphens removed,
/// apostrophes made straight, runs of whitespace made one space, lower case.
#[must_use]
pub fn normalise(text: &str) -> String {
    let folded: String = text
        .chars()
        .filter(|&c| !is_format(c))
        .map(straight_apostrophe)
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every plausible reading of `text` for matching risk language, each in the [`normalise`]d
/// form with accents dropped, letters from other scripts that look like Latin ones made Latin,
/// and digits or symbols used as letters inside words read as letters ("k1ll", "$uicide",
/// "0verdose"; "took 2 tablets" keeps its 2). Letters spelt out one by one ("s u i c i d e")
/// give a reading with the word joined up. Where a character could be read two ways ("1" as
/// "i" or "l", "diiiie" as "die" or "diie") each combination is a reading, so matching any
/// reading is matching the text.
#[must_use]
pub fn risk_readings(text: &str) -> Vec<String> {
    // A zero-width space may split a word ("d\u{200B}ie") or stand for a space
    // ("to\u{200B}die"): read it both ways.
    let mut plain = vec![normalise(text)];
    if text.chars().any(is_format) {
        let spaced: String = text
            .chars()
            .map(|c| if is_format(c) { ' ' } else { c })
            .collect();
        plain.push(normalise(&spaced));
    }
    let mut bases = Vec::with_capacity(plain.len() * 2);
    for form in &plain {
        let latin = latin_letters(form);
        if let Some(joined) = join_spelt_out_letters(&latin) {
            bases.push(joined);
        }
        bases.push(latin);
    }
    let mut readings: Vec<String> = Vec::new();
    for base in &bases {
        for reading in letter_readings(base) {
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
    }
    readings
}

/// `normalised` with accents dropped, dashes made `-` and look-alike letters made Latin.
fn latin_letters(normalised: &str) -> String {
    normalised
        .nfd()
        .filter(|&c| !is_mark(c))
        .map(|c| {
            if c.general_category() == GeneralCategory::DashPunctuation {
                '-'
            } else {
                latin_look_alike(c)
            }
        })
        .collect()
}

/// Normalises a pattern written by people (a built-in risk pattern or a line of
/// `RISK_TERMS_FILE`) the way [`risk_readings`] normalises text, without touching regex
/// syntax: NFKC, format characters gone, apostrophes straight, accents dropped. Case is left
/// alone because `\S` and `\W` mean something else in lower case; patterns match ignoring case.
#[must_use]
pub fn normalise_pattern(pattern: &str) -> String {
    pattern
        .chars()
        .filter(|&c| !is_format(c))
        .map(straight_apostrophe)
        .nfkc()
        .collect::<String>()
        .nfd()
        .filter(|&c| !is_mark(c))
        .collect()
}

/// Text folded for finding identifiers, remembering where each of its characters came from.
///
/// Each character of the original is folded on its own: NFKC (so full-width digits, `＠` and
/// letters become ASCII), then decimal digits of any script become ASCII digits by their
/// value, dashes become `-`, and format characters and combining marks (zero-width spaces,
/// keycap and strike-through marks) disappear. Case and spacing are kept, because the
/// detectors of postcodes and phone numbers depend on them.
#[derive(Debug, Clone)]
pub struct TracedText {
    folded: String,
    /// One entry per character of `folded`, in order.
    origins: Vec<Origin>,
}

/// Where one folded character sits, and which original character it came from.
#[derive(Debug, Clone)]
struct Origin {
    folded_start: usize,
    original: Range<usize>,
}

impl TracedText {
    /// Folds `original`, keeping the way back.
    #[must_use]
    pub fn new(original: &str) -> Self {
        let mut folded = String::with_capacity(original.len());
        let mut origins = Vec::with_capacity(original.len());
        for (start, c) in original.char_indices() {
            let source = start..start + c.len_utf8();
            for expanded in std::iter::once(c).nfkc() {
                if let Some(kept) = fold_for_identifiers(expanded) {
                    origins.push(Origin {
                        folded_start: folded.len(),
                        original: source.clone(),
                    });
                    folded.push(kept);
                }
            }
        }
        TracedText { folded, origins }
    }

    /// The folded text, to search.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.folded
    }

    /// The byte range of the original text that a byte range of the folded text came from.
    /// It always covers whole original characters, including any invisible ones between the
    /// first and the last, so removing it never leaves part of what was found.
    #[must_use]
    pub fn original_span(&self, folded: Range<usize>) -> Range<usize> {
        if folded.start >= folded.end {
            return 0..0;
        }
        let first = self
            .origins
            .partition_point(|o| o.folded_start <= folded.start)
            .saturating_sub(1);
        let last = self
            .origins
            .partition_point(|o| o.folded_start < folded.end)
            .saturating_sub(1);
        match (self.origins.get(first), self.origins.get(last)) {
            (Some(from), Some(to)) => from.original.start..to.original.end,
            _ => 0..0,
        }
    }
}

/// Format characters (general category Cf): zero-width spaces and joiners, soft hyphens,
/// bidirectional marks. Invisible, so they only ever split words apart.
fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

/// Combining marks: accents once text is decomposed, and the keycap or strike-through marks
/// that can be stacked on digits.
fn is_mark(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark
    )
}

fn straight_apostrophe(c: char) -> char {
    if APOSTROPHES.contains(&c) { '\'' } else { c }
}

/// The folded form of one NFKC character for finding identifiers, or `None` when it is
/// invisible.
fn fold_for_identifiers(c: char) -> Option<char> {
    match c.general_category() {
        GeneralCategory::Format
        | GeneralCategory::NonspacingMark
        | GeneralCategory::EnclosingMark => None,
        GeneralCategory::DecimalNumber => decimal_value(c).and_then(|d| char::from_digit(d, 10)),
        GeneralCategory::DashPunctuation => Some('-'),
        _ => Some(match c {
            // Fraction and division slashes, as in 07700⁄900⁄123.
            '\u{2044}' | '\u{2215}' => '/',
            // Middle dots and bullets, as in 07700·900·123.
            '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}' => '.',
            _ => c,
        }),
    }
}

/// The value of a decimal digit of any script. NFKC leaves Arabic-Indic, Devanagari and other
/// digits alone, but Unicode encodes every script's digits as a run of ten from 0 to 9 (a
/// stability guarantee), so the value is the distance from the start of the run, modulo ten
/// for runs that sit back to back (the mathematical digits).
fn decimal_value(c: char) -> Option<u32> {
    if let Some(ascii) = c.to_digit(10) {
        return Some(ascii);
    }
    if c.general_category() != GeneralCategory::DecimalNumber {
        return None;
    }
    let code = u32::from(c);
    let mut first = code;
    while let Some(previous) = first.checked_sub(1).and_then(char::from_u32) {
        if previous.general_category() != GeneralCategory::DecimalNumber {
            break;
        }
        first -= 1;
    }
    Some((code - first) % 10)
}

/// The Latin letter that a letter from another script is drawn like, using the confusable
/// prototypes of Unicode's security mechanisms (UTS #39): Cyrillic "і" and "а" are "i" and
/// "a", Greek "ο" is "o". Lower-case Cyrillic "к" or "т" are drawn like small capitals, whose
/// prototypes are not ASCII, so the capital is tried too ("К" is "K"). Anything else is kept.
fn latin_look_alike(c: char) -> char {
    if c.is_ascii() || !c.is_alphabetic() {
        return c;
    }
    if let Some(latin) = ascii_prototype(c) {
        return latin;
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(capital), None) => ascii_prototype(capital).unwrap_or(c),
        _ => c,
    }
}

/// The UTS #39 prototype of `c` when it is a single ASCII letter or digit, in lower case.
fn ascii_prototype(c: char) -> Option<char> {
    let mut buffer = [0_u8; 4];
    let mut prototype = unicode_security::skeleton(c.encode_utf8(&mut buffer));
    let first = prototype.next()?;
    (prototype.next().is_none() && first.is_ascii_alphanumeric())
        .then(|| first.to_ascii_lowercase())
}

/// Joins letters spelt out one at a time with the same separator ("s u i c i d e",
/// "k.i.l.l"), three or more of them, into a word; `None` when there are none.
fn join_spelt_out_letters(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let is_letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphanumeric());
    let stands_alone = |i: usize| is_letter(i) && !(i > 0 && is_letter(i - 1)) && !is_letter(i + 1);
    let mut out = String::with_capacity(text.len());
    let mut joined_any = false;
    let mut i = 0;
    while i < chars.len() {
        if stands_alone(i)
            && let Some(&separator) = chars.get(i + 1)
            && matches!(separator, ' ' | '.' | '-' | '_' | '*')
        {
            // Walk letter, separator, letter... while each letter stands alone.
            let mut end = i;
            while chars.get(end + 1) == Some(&separator) && stands_alone(end + 2) {
                end += 2;
            }
            let letters = (end - i) / 2 + 1;
            if letters >= 3 {
                out.extend(chars[i..=end].iter().step_by(2));
                joined_any = true;
                i = end + 1;
                continue;
            }
        }
        if let Some(&c) = chars.get(i) {
            out.push(c);
        }
        i += 1;
    }
    joined_any.then_some(out)
}

/// One piece of a reading: fixed text, or text that could be read two ways.
enum Piece {
    Fixed(String),
    Either(String, String),
}

/// The readings of `text` with digits and symbols inside words read as letters and letters
/// held for emphasis ("diiiie") read once or twice.
fn letter_readings(text: &str) -> Vec<String> {
    let pieces = letter_pieces(text);
    let choices = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Either(..)))
        .count();
    // For each reading, which of the two ways each choice is read.
    let selections: Vec<Vec<bool>> = if choices <= MAX_ENUMERATED_CHOICES {
        (0..1_usize << choices)
            .map(|mask| (0..choices).map(|k| (mask >> k) & 1 == 1).collect())
            .collect()
    } else {
        vec![vec![false; choices], vec![true; choices]]
    };
    selections
        .into_iter()
        .map(|second_ways| {
            let mut reading = String::with_capacity(text.len());
            let mut second_way = second_ways.into_iter();
            for piece in &pieces {
                match piece {
                    Piece::Fixed(fixed) => reading.push_str(fixed),
                    Piece::Either(first, second) => {
                        let chosen = if second_way.next().unwrap_or(false) {
                            second
                        } else {
                            first
                        };
                        reading.push_str(chosen);
                    }
                }
            }
            reading
        })
        .collect()
}

/// Splits `text` into fixed pieces and two-way choices, word by word.
fn letter_pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::new();
    let mut fixed = String::new();
    let in_word = |c: char| c.is_alphanumeric() || LEET_SYMBOLS.contains(&c);
    let mut i = 0;
    while i < chars.len() {
        let end = chars[i..]
            .iter()
            .position(|&c| !in_word(c))
            .map_or(chars.len(), |n| i + n);
        if end == i {
            if let Some(&c) = chars.get(i) {
                fixed.push(c);
            }
            i += 1;
            continue;
        }
        let word = &chars[i..end];
        word_pieces(word, &mut fixed, &mut pieces);
        i = end;
    }
    if !fixed.is_empty() {
        pieces.push(Piece::Fixed(fixed));
    }
    pieces
}

/// Symbols that stand for letters inside a word: "$uicide", "k!ll", "d@ys".
const LEET_SYMBOLS: &[char] = &['@', '$', '!', '|'];

/// What a digit or symbol stands for inside a word: one letter, or one of two.
enum LetterFor {
    One(char),
    Two(char, char),
}

fn letter_for(c: char) -> Option<LetterFor> {
    Some(match c {
        '0' => LetterFor::One('o'),
        '3' => LetterFor::One('e'),
        '4' | '@' => LetterFor::One('a'),
        '5' | '$' => LetterFor::One('s'),
        '7' => LetterFor::One('t'),
        '1' | '!' | '|' => LetterFor::Two('i', 'l'),
        _ => return None,
    })
}

/// Adds the pieces of one word (a run of letters, digits and letter-like symbols) to `pieces`,
/// extending `fixed` with text that has only one reading.
fn word_pieces(word: &[char], fixed: &mut String, pieces: &mut Vec<Piece>) {
    // Digits in a word with no letters are a number ("2", "111"), not a disguised word.
    if !word.iter().any(|c| c.is_alphabetic()) {
        fixed.extend(word);
        return;
    }
    let alphanumeric_at = |i: Option<usize>| {
        i.and_then(|i| word.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    let mut i = 0;
    while i < word.len() {
        let Some(&c) = word.get(i) else { break };
        // A symbol is a letter only inside a word ("k!ll") or leading one ("$uicide");
        // "die!" ends with punctuation.
        let read_as_letter = !LEET_SYMBOLS.contains(&c)
            || (alphanumeric_at(i.checked_sub(1)) && alphanumeric_at(Some(i + 1)))
            || (i == 0 && matches!(c, '$' | '@') && alphanumeric_at(Some(1)));
        if c.is_alphabetic() {
            let held = word[i..].iter().take_while(|&&next| next == c).count();
            if held >= 3 {
                flush(fixed, pieces);
                pieces.push(Piece::Either(c.to_string(), [c, c].iter().collect()));
                i += held;
                continue;
            }
        }
        match letter_for(c).filter(|_| read_as_letter) {
            Some(LetterFor::One(letter)) => fixed.push(letter),
            Some(LetterFor::Two(first, second)) => {
                flush(fixed, pieces);
                pieces.push(Piece::Either(first.to_string(), second.to_string()));
            }
            None => fixed.push(c),
        }
        i += 1;
    }
}

fn flush(fixed: &mut String, pieces: &mut Vec<Piece>) {
    if !fixed.is_empty() {
        pieces.push(Piece::Fixed(std::mem::take(fixed)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalising_folds_width_spacing_apostrophes_case_and_invisible_characters() {
        assert_eq!(
            normalise("  Don’t\u{200B}  WANT\tto\u{00AD} live\n"),
            "don't want to live"
        );
        assert_eq!(normalise("ＦＵＬＬ ｗｉｄｔｈ"), "full width");
        assert_eq!(normalise("want to\u{200B}die"), "want todie");
    }

    #[test]
    fn readings_make_look_alike_letters_from_other_scripts_latin() {
        // Cyrillic і, а, о, е, с, р and Greek ο, ι.
        assert_eq!(risk_readings("kіll")[0], "kill");
        assert_eq!(risk_readings("сарео")[0], "capeo");
        assert_eq!(risk_readings("ιοnα")[0], "iona");
        // Cyrillic к and т are drawn as small capitals.
        assert_eq!(risk_readings("кт")[0], "kt");
    }

    #[test]
    fn readings_read_a_zero_width_space_as_nothing_and_as_a_space() {
        let readings = risk_readings("want to\u{200B}die, d\u{200B}ie");
        assert!(
            readings.contains(&"want todie, die".to_owned()),
            "{readings:?}"
        );
        assert!(
            readings.contains(&"want to die, d ie".to_owned()),
            "{readings:?}"
        );
    }

    #[test]
    fn readings_drop_accents_so_welsh_and_english_spellings_meet() {
        assert_eq!(risk_readings("Dw i’n môr ŵyr")[0], "dw i'n mor wyr");
    }

    #[test]
    fn readings_read_digits_and_symbols_inside_words_as_letters() {
        let has = |text: &str, wanted: &str| {
            let readings = risk_readings(text);
            assert!(
                readings.iter().any(|r| r == wanted),
                "{text:?} gave {readings:?}"
            );
        };
        has("k1ll", "kill");
        has("su1c1de", "suicide");
        has("0verdose", "overdose");
        has("$elf h@rm", "self harm");
        has("d!e", "die");
        has("myse1f", "myself");
        has("k1ll myse1f", "kill myself");
        has("h3ll0", "hello");
    }

    #[test]
    fn readings_keep_numbers_that_are_numbers() {
        assert_eq!(
            risk_readings("I took 2 tablets at 10:30"),
            vec!["i took 2 tablets at 10:30"]
        );
        assert_eq!(risk_readings("ring 111 or 999!"), vec!["ring 111 or 999!"]);
        // Punctuation after a word stays punctuation.
        assert_eq!(risk_readings("I want to die!"), vec!["i want to die!"]);
    }

    #[test]
    fn readings_read_held_letters_once_or_twice() {
        let readings = risk_readings("diiiie killlll");
        assert!(readings.contains(&"die kill".to_owned()), "{readings:?}");
    }

    #[test]
    fn readings_join_letters_spelt_out_one_by_one() {
        let readings = risk_readings("s u i c i d e, k.i.l.l me");
        assert!(
            readings.contains(&"suicide, kill me".to_owned()),
            "{readings:?}"
        );
        // Two single letters are not a spelt-out word.
        assert_eq!(risk_readings("a b"), vec!["a b"]);
    }

    #[test]
    fn readings_stay_few_however_many_ambiguous_characters() {
        let text = "1a 1b 1c 1d 1e 1f 1g 1h";
        assert!(risk_readings(text).len() <= 2);
        assert!(risk_readings("k1ll").len() == 2);
    }

    #[test]
    fn traced_text_folds_digits_of_every_script_and_at_signs() {
        assert_eq!(TracedText::new("０７７").as_str(), "077");
        assert_eq!(
            TracedText::new("٠٧٧ ०७७ ০৭৭ 𝟎𝟕𝟕").as_str(),
            "077 077 077 077"
        );
        assert_eq!(TracedText::new("a＠b").as_str(), "a@b");
        assert_eq!(TracedText::new("0\u{200B}7–7").as_str(), "07-7");
        assert_eq!(TracedText::new("Ward A3").as_str(), "Ward A3");
    }

    #[test]
    fn traced_text_maps_spans_back_to_whole_original_characters() {
        let original = "call ０７\u{200B}７ now";
        let traced = TracedText::new(original);
        assert_eq!(traced.as_str(), "call 077 now");
        let span = traced.original_span(5..8);
        assert_eq!(&original[span], "０７\u{200B}７");
        // A span starting inside an expansion covers the whole original character.
        let ten = TracedText::new("⑩");
        assert_eq!(ten.as_str(), "10");
        assert_eq!(ten.original_span(1..2), 0.."⑩".len());
    }

    #[test]
    fn decimal_values_come_from_the_run_of_ten() {
        assert_eq!(decimal_value('٣'), Some(3));
        assert_eq!(decimal_value('९'), Some(9));
        assert_eq!(decimal_value('𝟗'), Some(9));
        assert_eq!(decimal_value('𝟘'), Some(0));
        assert_eq!(decimal_value('a'), None);
    }
}
