//! Risk language in free text: a comment that suggests a risk to life, the writer's own or
//! someone else's, is flagged urgent for the team's duty contact, and the person is shown where
//! to get help first.
//!
//! A missed risk statement is the costly error, so detection favours recall. Text is read the
//! way a person reads it before matching (see [`risk_readings`]): a Cyrillic "і", a zero-width
//! space, "k1ll" or full-width letters change nothing. The built-in patterns cover English and
//! Welsh, with inflections, third-person statements ("my son said he wants to die") and past
//! tense. Mentions of suicide or self-harm are flagged even when negated or in the past ("I no
//! longer feel suicidal", "the team helped me stop self-harming"): the words cannot be checked
//! with the person, and a duty clinician reading a false alarm costs minutes. Idioms that only
//! borrow the words ("dying to get back to work", "this queue is killing me") are left alone.
//!
//! How well this works is measured on a labelled set of comments shipped with the tests
//! (`tests/data/risk-language.toml`); the README gives the figures.

use std::path::Path;

use regex::{RegexSet, RegexSetBuilder};

use super::normalise::{normalise_pattern, risk_readings};

/// Shorthands used in [`BUILT_IN_PATTERNS`], so each pattern reads as the phrase it catches.
const SHORTHANDS: &[(&str, &str)] = &[
    // Reflexive pronouns, with or without the space people sometimes type.
    ("{self}", r"(?:my|him|her|them|your|our|one) ?sel(?:f|ves)"),
    ("{own}", r"(?:my|his|her|their|your|our)(?: own)?"),
    ("{who}", r"(?:i|he|she|they|we|you)"),
    (
        "{not}",
        r"(?:don'?t|doesn'?t|didn'?t|do not|does not|did not|not|no longer|never|won'?t|will not|wouldn'?t|would not)",
    ),
    (
        "{cant}",
        r"(?:can'?t|cannot|can not|couldn'?t|could not|unable to)",
    ),
    (
        "{pills}",
        r"(?:tablets|pills|meds|medication|medicines?|paracetamol|painkillers|antidepressants|sleeping (?:tablets|pills))",
    ),
    // Welsh reflexive: fy hun, ei hun, eu hunain, i'w hun...
    ("{hun}", r"(?:fy|ei|eu|dy|ein|eich|'i|'w) hun(?:an|ain)?"),
    // Welsh "want", northern, southern and written forms.
    ("{eisiau}", r"(?:eisiau|isio|isie|eisie|ishe|moyn|mo'yn)"),
    // Welsh tablets or medicine, with the mutations after fy, ei and eu.
    (
        "{tabledi}",
        r"(?:tabledi|nhabledi|dabledi|thabledi|pils|mhils|meddyginiaeth|feddyginiaeth|moddion|foddion)",
    ),
];

/// Risk patterns used unless `RISK_TERMS_FILE` replaces them: regular expressions on the
/// normalised reading of the text (lower case, apostrophes straight, one space between words,
/// no accents), each matched as whole words.
const BUILT_IN_PATTERNS: &[&str] = &[
    // English. Suicide named outright: suicide, suicidal, suicidality.
    r"suicid\w*",
    // "Unalive", the word used online to get past filters.
    r"un-?aliv\w*",
    // Killing, hanging, harming or injuring oneself, said of anyone.
    r"(?:kill|hang|harm|hurt|injur|cut|starv|drown|strangl|suffocat|poison|stab)\w* {self}",
    r"burn\w* {self} (?:with|on purpose|deliberately)",
    r"self[- ]?(?:harm|injur)\w*",
    r"cutting again",
    r"(?:cut|slit|slash)\w* (?:my|his|her|their) (?:wrists?|arms?|legs?|thighs?|skin|stomach|throat)",
    // Ending or taking a life.
    r"(?:end|ends|ended|ending|take|takes|took|taken|taking) {own} li(?:fe|ves)",
    r"attempt\w* on {own} li(?:fe|ves)",
    r"(?:to|about|of|on|just|gonna|gunna|wanna) end(?:ing)? it",
    r"(?:end|ends|ended|ending|finish|finishing) it all",
    // Wanting to die or to be dead.
    r"(?:want|wants|wanted|wanting|wanna|wish|wishes|wished|wishing|rather|ready|deserve|deserves|deserved) (?:to |2 )?(?:die|be dead)",
    r"(?:might|may|should|could|would) (?:as well |just )+(?:die|be dead)",
    r"wish\w* {who}(?:'d| was| were| had| could| would)(?: just| have| 've| be| been)* (?:dead|die|died)",
    r"wish\w* {who}(?:'d| had| was| were) (?:never|not) (?:been )?born",
    r"wish\w* {who} (?:wasn'?t|weren'?t|was not|were not) (?:here|alive|around|born)",
    r"better off dead",
    r"(?:better|happier)(?: off)? without (?:me|us)",
    r"(?:everyone|everybody|we|they|you|family|kids|children|people) (?:would|will|are|were|is|'d|'re)(?: all)?(?: be)? (?:better|happier)(?: off)? without",
    r"(?:nobody|no one|no-one|noone) (?:would|will|'d|'ll)(?: even)? (?:care|notice|miss (?:me|him|her)) if {who} (?:died|was dead|were dead|was gone|wasn'?t here)",
    r"feel\w* like (?:dying|ending it)",
    r"(?:thought|thoughts|thinking|think) (?:of|about) (?:death|dying|killing|suicide|not being here|not waking up)",
    r"(?:ways|how) to (?:die|kill {self}|end it)",
    r"how many {pills} (?:it )?(?:would |will )?(?:takes?|kill|to kill|to die)",
    r"want\w* to disappear (?:forever|for good|permanently)",
    // Not wanting to live or to go on.
    r"{not} (?:really |even )?want\w* to (?:be here|be alive|live|exist|wake up|be around|carry on|go on)",
    r"(?:not|never) (?:to )?wake up",
    r"hope {who} (?:don'?t|doesn'?t|won'?t|never) wake up",
    r"{cant} (?:go on|carry on|keep going)",
    r"{cant} live (?:like this|with (?:this|it|{self}))",
    r"no point (?:in )?(?:living|life|anything|going on|carrying on|being alive|being here|me being here|existing)",
    r"(?:see|is|any|what'?s|whats) the point (?:in |of )?(?:living|going on|carrying on|life|being alive|being here|anything)",
    r"no reason (?:to|for) (?:live|living|go on|carry on|be here|being here)",
    r"nothing (?:left )?to live for",
    r"(?:not|isn'?t|wasn'?t|no longer|ain'?t) worth living",
    r"(?:won'?t|will not|wouldn'?t|would not|not going to|not gonna) be (?:here|around) (?:much longer|for (?:much )?longer|for long|anymore|any more)",
    // Means: overdoses, tablets taken or saved up, ligatures, heights, trains, water.
    r"overdos\w*",
    r"o\.?d'?(?:d|ed|ing)",
    r"(?:take|takes|took|taken|taking|swallow\w*|down\w*) (?:(?:a|the) (?:whole |entire |full )?(?:load|lot|bunch|handful|pile|fistful|box|packet|pack|bottle|strip) of|loads of|lots of|handfuls of) (?:my |his |her |their |the )?{pills}",
    r"{pills} all at once",
    r"stock ?-?pil\w*",
    r"(?:sav|hoard|stash|collect|stockpil)\w* (?:up )?(?:my |his |her |their )?{pills}",
    r"noose",
    r"ligatur\w*",
    r"(?:rope|cord|belt|scarf|cable|flex) (?:round|around) (?:my|his|her|their) neck",
    r"jump\w* (?:off|from) (?:the )?(?:top of )?(?:a |the |that |my |our |his |her )?(?:\w+ )?(?:bridge|roof|building|cliff|car ?park|balcony|tower|flats|block|flyover|viaduct|multi-?storey|ledge|window)",
    r"(?:jump|step|walk|throw|lie|lay|lying)\w* (?:{self} )?(?:down )?in ?front of (?:a |the )?(?:\w+ )?(?:train|car|bus|lorry|truck|traffic|tube)",
    r"under (?:a|the) (?:train|bus|lorry)",
    r"walk\w* into the (?:sea|river|water|canal|lake)",
    r"(?:goodbye|farewell|suicide) (?:note|letter|message)s?",
    // Risk to someone else's life.
    r"(?:threat\w*|want\w*|wanna|going|gonna|tempted|urges?|thoughts? of|think\w* (?:of|about)|thought (?:of|about)) (?:to )?(?:kill|killing|hurt|hurting|harm|harming|stab|stabbing|strangle|strangling) (?:him|her|them|someone|somebody|people|others|the baby|my (?:baby|kids|children|son|daughter|partner|wife|husband|mum|mam|dad|mother|father))",
    r"(?:{who}'ll|will|might|could|going to|gonna) (?:kill|hurt|harm) (?:the|my|our) (?:baby|kids|children)",
    r"threat\w* to (?:kill|end|hurt|harm)",
    // Welsh. Suicide and self-harm named outright: hunanladdiad, hunanladdol, hunan-niweidio.
    r"hunan-? ?ladd\w*",
    r"hunan-? ?(?:niw|anaf)\w*",
    // Killing, harming, hurting, cutting, hanging, drowning or choking oneself, with the
    // mutations the verb takes after "i", "am", "yn" and so on.
    r"l?ladd\w* {hun}",
    r"(?:niweid|anaf|brif|frif|mrif|torr|dorr|nhorr|thorr|crog|grog|nghrog|chrog|bod|fod|mod|tag|dag|nhag|thag)\w* {hun}",
    r"(?:torr|dorr|nhorr|thorr)\w* (?:fy|ei|eu) (?:ngarddwrn|ngarddyrnau|arddwrn|garddwrn|harddwrn|mreichiau|mraich|breichiau|braich|freichiau|fraich|coesau|nghoesau|choesau)",
    // Wanting to die or to be dead.
    r"{eisiau} (?:i )?(?:marw|farw)",
    r"{eisiau} bod (?:wedi marw|yn farw)",
    r"am (?:farw|ladd {hun})",
    r"(?:gwell|well) (?:gen|gyda|gan|da) (?:i|fi) (?:farw|marw)",
    r"(?:gwell|well)\b[^.!?]{0,30}\b(?:yn farw|wedi marw)",
    // Better off without me: "gwell eu byd hebdda i".
    r"(?:gwell|well)\b[^.!?]{0,40}\bheb(?:dda|ddo|do|of|ddof) ?(?:i|fi)",
    r"(?:meddwl|meddyliau|meddylie) am (?:farw|marw|ladd|lladd)",
    // Not wanting to live, no point living, cannot go on.
    r"(?:ddim|dim|na|nag) (?:yn )?{eisiau} (?:byw|fyw|bod yma|bod yn fyw|deffro|dihuno|bod o gwmpas)",
    r"dim (?:pwynt|pwrpas|rheswm)\w* (?:mewn |i |o |yn )?(?:byw|fyw|bywyd|dal ati|mynd ymlaen|cario ymlaen|mynd 'mlaen|cario 'mlaen|mynd mlaen|cario mlaen)",
    r"(?:methu|ffaelu|ffili|ddim yn gallu|alla i ddim|alla'i ddim|fedra i ddim|fedrai ddim|galla i ddim|fedra'i ddim) (?:mynd|cario|dal|para)(?: ymlaen| 'mlaen| mlaen| ati)",
    // Ending or taking a life.
    r"(?:diwedd|terfyn) ar (?:fy|ei|eu) (?:mywyd|bywyd|fywyd|mywydau|bywydau)",
    r"(?:fy mywyd|ei fywyd|ei bywyd|eu bywydau) i ben",
    r"(?:cymr|gymr|nghymr|chymr)\w* (?:fy mywyd|ei fywyd|ei bywyd|eu bywydau)",
    r"(?:diweddu|gorffen|orffen|dod a|rhoi diwedd ar)(?:'r| y) cyfan",
    // Means: overdose (gorddos), tablets saved up, jumping.
    r"(?:g|ng)?orddos\w*",
    r"(?:pentyr|bentyr|mhentyr|phentyr|casgl|gasgl|nghasgl|chasgl)\w* (?:fy |ei |eu )?{tabledi}",
    r"neid\w* (?:oddi ar|o flaen|o ben|i'r afon|i'r mor)",
];

/// The line of a `RISK_TERMS_FILE` that makes the file replace the built-in patterns instead
/// of adding to them.
pub const REPLACE_DIRECTIVE: &str = "!replace";

/// Regexes compiled together can be large (Unicode word classes, a hundred patterns); this
/// leaves room for a generous `RISK_TERMS_FILE` while still refusing absurd ones.
const COMPILED_SIZE_LIMIT: usize = 64 * 1024 * 1024;

/// The risk patterns in force, compiled once: the built-in list, plus or instead of the lines
/// of `RISK_TERMS_FILE`.
#[derive(Debug, Clone)]
pub struct RiskTerms {
    set: RegexSet,
}

/// Why a `RISK_TERMS_FILE` was refused; the service does not start with a broken list.
#[derive(Debug, thiserror::Error)]
pub enum RiskTermsError {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Read(#[from] std::io::Error),
    /// A line is not a valid regular expression.
    #[error("line {line}: not a valid pattern: {reason}")]
    Pattern {
        /// One-based line number in the file.
        line: usize,
        /// What the regex parser said.
        reason: String,
    },
    /// A line starts with `!` but is not a known directive (a typo of `!replace` would
    /// otherwise silently become a pattern).
    #[error("line {line}: unknown directive `{directive}`; the only one is `{REPLACE_DIRECTIVE}`")]
    UnknownDirective {
        /// One-based line number in the file.
        line: usize,
        /// The line as written.
        directive: String,
    },
    /// The file replaces the built-in list with nothing, which would turn detection off.
    #[error("`{REPLACE_DIRECTIVE}` with no patterns would turn risk detection off")]
    NothingToMatch,
    /// The patterns are valid one by one but too large to compile together.
    #[error("the patterns are too large to compile together: {0}")]
    TooLarge(String),
}

impl Default for RiskTerms {
    fn default() -> Self {
        RiskTerms::compile(&built_in_patterns())
            .expect("the built-in risk patterns compile (checked by a unit test)")
    }
}

impl RiskTerms {
    /// Reads `RISK_TERMS_FILE`: see [`RiskTerms::parse`].
    pub fn from_file(path: &Path) -> Result<Self, RiskTermsError> {
        RiskTerms::parse(&std::fs::read_to_string(path)?)
    }

    /// Reads the contents of a risk terms file: one pattern a line (regex syntax, matched as
    /// whole words, ignoring case, on the normalised reading of the text; a plain phrase is a
    /// valid pattern), blank lines and lines starting with `#` skipped. The patterns are added
    /// to the built-in list, unless a line says `!replace`, when they are the whole list.
    pub fn parse(contents: &str) -> Result<Self, RiskTermsError> {
        let mut replace = false;
        let mut added = Vec::new();
        for (index, line) in contents.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line == REPLACE_DIRECTIVE {
                replace = true;
                continue;
            }
            if line.starts_with('!') {
                return Err(RiskTermsError::UnknownDirective {
                    line: line_number,
                    directive: line.to_owned(),
                });
            }
            let pattern = normalise_pattern(line);
            regex::RegexBuilder::new(&whole_words(&pattern))
                .case_insensitive(true)
                .size_limit(COMPILED_SIZE_LIMIT)
                .build()
                .map_err(|e| RiskTermsError::Pattern {
                    line: line_number,
                    reason: one_line_reason(&e),
                })?;
            // The text is matched in lower case, so only a file's own patterns need to ignore
            // case: compiling the whole set that way would multiply its size for every letter.
            added.push(format!("(?i:{pattern})"));
        }
        let mut patterns = if replace {
            Vec::new()
        } else {
            built_in_patterns()
        };
        patterns.extend(added);
        if patterns.is_empty() {
            return Err(RiskTermsError::NothingToMatch);
        }
        RiskTerms::compile(&patterns)
    }

    /// Whether any reading of the text matches any risk pattern.
    #[must_use]
    pub fn matches(&self, text: &str) -> bool {
        risk_readings(text)
            .iter()
            .any(|reading| self.set.is_match(reading))
    }

    /// How many patterns are in force.
    #[cfg(test)]
    fn pattern_count(&self) -> usize {
        self.set.len()
    }

    /// The patterns that match some reading of the text, for tests that explain a result.
    #[cfg(test)]
    fn matching_patterns(&self, text: &str) -> Vec<&str> {
        let mut found: Vec<usize> = risk_readings(text)
            .iter()
            .flat_map(|reading| self.set.matches(reading).into_iter())
            .collect();
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter_map(|i| self.set.patterns().get(i).map(String::as_str))
            .collect()
    }

    fn compile(patterns: &[String]) -> Result<Self, RiskTermsError> {
        let set = RegexSetBuilder::new(patterns.iter().map(|p| whole_words(p)))
            .size_limit(COMPILED_SIZE_LIMIT)
            .build()
            .map_err(|e| RiskTermsError::TooLarge(e.to_string()))?;
        Ok(RiskTerms { set })
    }
}

/// The built-in patterns with their shorthands expanded and normalised like the text.
fn built_in_patterns() -> Vec<String> {
    BUILT_IN_PATTERNS
        .iter()
        .map(|pattern| {
            let expanded = SHORTHANDS
                .iter()
                .fold((*pattern).to_owned(), |p, (short, long)| {
                    p.replace(short, long)
                });
            normalise_pattern(&expanded)
        })
        .collect()
}

/// The regex parser's reason on one line: its message draws the pattern with a caret under
/// the fault over several lines, but a start-up error is one line naming the key.
fn one_line_reason(error: &regex::Error) -> String {
    let message = error.to_string();
    let last = message
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or_default();
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

/// A pattern that matches only whole words: it starts where a word could start and ends where
/// a word could end, so "hang" never matches inside "change". Half boundaries (rather than
/// `\b`) let a pattern begin or end with punctuation.
fn whole_words(pattern: &str) -> String {
    format!(r"\b{{start-half}}(?:{pattern})\b{{end-half}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn flagged(text: &str) -> bool {
        RiskTerms::default().matches(text)
    }

    fn assert_flagged(texts: &[&str]) {
        let terms = RiskTerms::default();
        for text in texts {
            assert!(terms.matches(text), "should be flagged: {text:?}");
        }
    }

    fn assert_not_flagged(texts: &[&str]) {
        let terms = RiskTerms::default();
        for text in texts {
            assert!(
                !terms.matches(text),
                "should not be flagged: {text:?} (matched {:?})",
                terms.matching_patterns(text)
            );
        }
    }

    #[test]
    fn a_terms_file_pattern_ignores_case_however_it_is_written() {
        let terms = RiskTerms::parse("!replace\nWalk Into The SEA\n").unwrap();
        assert!(terms.matches("Some nights I think I will walk into the sea"));
        assert!(terms.matches("WALK INTO THE SEA"));
    }

    #[test]
    fn the_built_in_patterns_are_lower_case_as_the_text_they_are_matched_against() {
        for pattern in built_in_patterns() {
            // Upper case only after a backslash (`\b`, `\S`), never a letter to match.
            let mut escaped = false;
            for c in pattern.chars() {
                assert!(escaped || !c.is_uppercase(), "{pattern}");
                escaped = !escaped && c == '\\';
            }
        }
    }

    #[test]
    fn the_built_in_patterns_compile_and_each_has_no_leftover_shorthand() {
        let patterns = built_in_patterns();
        assert_eq!(patterns.len(), BUILT_IN_PATTERNS.len());
        for pattern in &patterns {
            assert!(
                !pattern.contains('{') || pattern.contains("{0,"),
                "{pattern}"
            );
        }
        assert_eq!(
            RiskTerms::default().pattern_count(),
            BUILT_IN_PATTERNS.len()
        );
    }

    #[test]
    fn risk_language_is_found_whatever_the_spacing_and_apostrophes() {
        assert_flagged(&[
            "Some days I Don’t  want to live any more",
            "I have been self-harming again",
            "thought about ending my life",
        ]);
    }

    #[test]
    fn ordinary_feedback_is_not_flagged() {
        assert_not_flagged(&[
            "The nurse was lovely and I felt listened to",
            "Nobody called me back for three days",
        ]);
    }

    #[test]
    fn a_cyrillic_letter_in_place_of_a_latin_one_is_caught() {
        // U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I.
        assert_flagged(&["I want to k\u{0456}ll myself", "kіll myself"]);
        // Cyrillic а, е, о and Greek ο in other words.
        assert_flagged(&["s\u{0435}lf h\u{0430}rm", "\u{03BF}verd\u{043E}se"]);
    }

    #[test]
    fn a_zero_width_space_between_or_inside_words_is_caught() {
        assert_flagged(&[
            "want to\u{200B}die",
            "I want to d\u{200B}ie",
            "su\u{200C}ic\u{00AD}ide",
            "kill\u{2060} my\u{FEFF}self",
        ]);
    }

    #[test]
    fn digits_and_symbols_used_as_letters_are_caught() {
        assert_flagged(&[
            "k1ll myself",
            "I want to k!ll mys3lf",
            "su1c1dal",
            "thinking of $uicide",
            "took an 0verdose",
            "want to d1e",
            "k1ll myse1f",
            "self h@rm",
        ]);
    }

    #[test]
    fn full_width_and_spelt_out_letters_are_caught() {
        assert_flagged(&[
            "ＳＵＩＣＩＤＥ",
            "I want to k i l l myself",
            "s.u.i.c.i.d.a.l",
            "I want to diiiie",
        ]);
    }

    #[test]
    fn welsh_risk_language_is_caught() {
        assert_flagged(&[
            "Dw i eisiau marw",
            "Dw i'n meddwl am ladd fy hun",
            "lladd fy hun",
            "meddyliau hunanladdol",
            "hunanladdiad",
            "Dw i wedi bod yn niweidio fy hun",
            "Mae hi'n hunan-niweidio",
            "Does dim pwynt byw",
            "Cymerais orddos",
            "Dw i ddim eisiau byw rhagor",
            "Byddai pawb yn well eu byd hebdda i",
            "Alla i ddim mynd ymlaen fel hyn",
        ]);
    }

    #[test]
    fn welsh_ordinary_comments_are_not_flagged() {
        assert_not_flagged(&[
            "Roedd y nyrs yn garedig iawn",
            "Bu farw fy nhad y llynedd ac roedd y tîm yn deall",
            "Dw i'n teimlo'n llawer gwell nawr",
            "Mae'r aros yn fy lladd i!",
        ]);
    }

    #[test]
    fn the_phrases_named_in_the_issue_are_caught() {
        assert_flagged(&[
            "I've started cutting again",
            "I can't go on",
            "I cant go on",
            "Everyone would be better off without me",
            "my son said he wants to die",
            "Mam keeps saying she'd be better off dead",
            "I took an overdose",
            "I've been stockpiling my tablets",
            "I want to hang myself",
            "thought about jumping off the bridge",
            "no point in living",
            "I don't want to wake up",
        ]);
    }

    #[test]
    fn wishing_to_be_dead_or_never_born_is_caught_but_wishing_for_sooner_help_is_not() {
        assert_flagged(&[
            "I wish I'd never been born",
            "I wish I could just die",
            "she wishes she was dead",
            "he wished he had died in the crash",
        ]);
        assert_not_flagged(&[
            "I wish I'd gone to the GP sooner",
            "I felt like death warmed up",
        ]);
    }

    #[test]
    fn idioms_that_borrow_the_words_are_not_flagged() {
        assert_not_flagged(&[
            "I'm dying to get back to work",
            "They killed it, honestly",
            "This queue is killing me",
            "I could have killed for a cup of tea",
            "I can't wait to go on holiday",
            "There's no point ringing after 5pm",
            "My son jumped off the bus to meet me",
            "I had a panic attack and felt like I was going to die",
        ]);
    }

    #[test]
    fn mentions_of_past_or_stopped_self_harm_and_suicidal_feelings_are_flagged_by_design() {
        assert_flagged(&[
            "I no longer feel suicidal",
            "The team helped me stop self-harming",
        ]);
    }

    #[test]
    fn a_terms_file_adds_to_the_built_in_list_by_default() {
        let terms = RiskTerms::parse("# extra phrases\n\nwalk into traffic\nfeel(ing)? hopeless\n")
            .unwrap();
        assert_eq!(terms.pattern_count(), BUILT_IN_PATTERNS.len() + 2);
        assert!(terms.matches("I wanted to walk into traffic"));
        assert!(terms.matches("Feeling hopeless"));
        assert!(terms.matches("I want to die"));
        // Whole words only.
        assert!(!terms.matches("unhopelessly"));
    }

    #[test]
    fn a_terms_file_with_replace_is_the_whole_list() {
        let terms = RiskTerms::parse("!replace\nwalk into traffic\n").unwrap();
        assert_eq!(terms.pattern_count(), 1);
        assert!(terms.matches("I wanted to walk into traffic"));
        assert!(!terms.matches("I want to die"));
    }

    #[test]
    fn a_terms_file_phrase_is_normalised_like_the_text() {
        let terms = RiskTerms::parse("!replace\nCan’t Cope\nmynd â\n").unwrap();
        assert!(terms.matches("I CAN'T COPE"));
        assert!(terms.matches("can’t cope"));
        assert!(terms.matches("mynd a"));
    }

    #[test]
    fn a_terms_file_with_an_invalid_pattern_names_its_line() {
        let error = RiskTerms::parse("# comment\nfine\n(unclosed\n").unwrap_err();
        assert!(
            matches!(error, RiskTermsError::Pattern { line: 3, .. }),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "line 3: not a valid pattern: unclosed group"
        );
    }

    #[test]
    fn a_terms_file_with_a_mistyped_directive_or_nothing_to_match_is_refused() {
        let error = RiskTerms::parse("!replce\nword\n").unwrap_err();
        assert!(
            matches!(error, RiskTermsError::UnknownDirective { line: 1, .. }),
            "{error:?}"
        );
        let error = RiskTerms::parse("!replace\n# nothing\n").unwrap_err();
        assert!(matches!(error, RiskTermsError::NothingToMatch), "{error:?}");
    }

    #[test]
    fn a_missing_terms_file_is_an_error_not_a_panic() {
        let error = RiskTerms::from_file(Path::new("/nonexistent/risk-terms.txt")).unwrap_err();
        assert!(matches!(error, RiskTermsError::Read(_)));
    }

    #[test]
    fn any_text_can_be_read_without_panicking() {
        for text in [
            "",
            " ",
            "!!!",
            "1111111",
            "$@!|",
            "\u{200B}",
            "ß ﬁ Ǆ İ",
            "🙂🙂🙂",
        ] {
            let _ = flagged(text);
        }
    }

    /// One comment of the labelled set.
    #[derive(Debug, Deserialize)]
    struct Labelled {
        text: String,
        /// Whether the duty contact should see this at once.
        risk: bool,
        /// "en" or "cy".
        language: String,
    }

    #[derive(Debug, Deserialize)]
    struct LabelledSet {
        comment: Vec<Labelled>,
    }

    /// Counts for one language: risk statements flagged out of all risk statements, and
    /// ordinary comments flagged out of all ordinary comments.
    #[derive(Debug, Default)]
    struct Tally {
        risk_flagged: usize,
        risk_total: usize,
        ordinary_flagged: usize,
        ordinary_total: usize,
    }

    impl Tally {
        fn add(&mut self, risk: bool, flagged: bool) {
            if risk {
                self.risk_total += 1;
                self.risk_flagged += usize::from(flagged);
            } else {
                self.ordinary_total += 1;
                self.ordinary_flagged += usize::from(flagged);
            }
        }

        #[allow(clippy::cast_precision_loss)]
        fn recall(&self) -> f64 {
            self.risk_flagged as f64 / self.risk_total.max(1) as f64
        }

        #[allow(clippy::cast_precision_loss)]
        fn false_flag_rate(&self) -> f64 {
            self.ordinary_flagged as f64 / self.ordinary_total.max(1) as f64
        }

        fn report(&self, label: &str) -> String {
            format!(
                "{label}: recall {}/{} = {:.1}%, ordinary comments flagged {}/{} = {:.1}%",
                self.risk_flagged,
                self.risk_total,
                self.recall() * 100.0,
                self.ordinary_flagged,
                self.ordinary_total,
                self.false_flag_rate() * 100.0
            )
        }
    }

    #[test]
    fn labelled_set_recall_is_at_least_95_percent_with_at_most_10_percent_false_flags() {
        let set: LabelledSet =
            toml::from_str(include_str!("../../tests/data/risk-language.toml")).unwrap();
        let terms = RiskTerms::default();
        let (mut all, mut english, mut welsh) =
            (Tally::default(), Tally::default(), Tally::default());
        for comment in &set.comment {
            let flagged = terms.matches(&comment.text);
            all.add(comment.risk, flagged);
            match comment.language.as_str() {
                "en" => english.add(comment.risk, flagged),
                "cy" => welsh.add(comment.risk, flagged),
                other => panic!("unknown language {other:?} for {:?}", comment.text),
            }
            if flagged != comment.risk {
                let what = if comment.risk { "missed" } else { "false flag" };
                println!(
                    "{what}: {:?} {:?}",
                    comment.text,
                    terms.matching_patterns(&comment.text)
                );
            }
        }
        println!("{}", all.report("all"));
        println!("{}", english.report("English"));
        println!("{}", welsh.report("Welsh"));
        assert!(all.risk_total >= 70 && all.ordinary_total >= 70);
        assert!(welsh.risk_total >= 15 && welsh.ordinary_total >= 15);
        assert!(all.recall() >= 0.95, "{}", all.report("all"));
        assert!(all.false_flag_rate() <= 0.10, "{}", all.report("all"));
    }
}
