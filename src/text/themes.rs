//! Theme tagging of free-text comments by keyword, so staff can see what
//! comments are about (communication, waiting, family ...) at a glance.
//!
//! Matching works on words, not characters: the comment and each keyword
//! are lower-cased, apostrophes dropped ("didn't" -> "didnt", "mum's" ->
//! "mums") and split into words at anything that is not a letter or digit
//! (so "follow-up" is "follow up" and "A&E" is "a e"). A keyword matches when
//! its words appear in a row in the comment. A word ending in `*` is a stem
//! and matches any word starting with it ("medic*" matches "medication");
//! any other word must match whole, so "med" never matches "immediately"
//! and "carer" never matches "careful".

use serde::{Deserialize, Serialize};

/// One theme and the keywords that signal it; teams may add their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Stable id stored with a tagged comment.
    pub id: String,
    /// Name shown to staff.
    pub label: String,
    /// Words and phrases, matched as described in the module docs.
    pub keywords: Vec<String>,
}

impl Theme {
    /// Builds a theme from string slices, for the defaults and for tests.
    fn new(id: &str, label: &str, keywords: &[&str]) -> Self {
        Self {
            id: id.to_owned(),
            label: label.to_owned(),
            keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        }
    }
}

/// The themes every team starts with, written for UK mental-health crisis
/// team feedback. Several map to CORE fidelity areas: continuity, family
/// involvement (13e), kindness and respect (22d), information at discharge (26e).
pub fn default_themes() -> Vec<Theme> {
    vec![
        Theme::new(
            "communication",
            "Communication",
            &[
                "communicat*",
                "explain*",
                "told",
                "tell me",
                "tell us",
                "inform*",
                "update*",
                "in the loop",
                "in touch",
                "listen*",
                "call back",
                "called back",
                "called me back",
                "call me back",
                "rang me back",
                "ring me back",
                "nobody called",
                "no one called",
                "never called",
                "ring back",
                "rang back",
                "callback*",
                "phone call*",
                "answer the phone",
                "answered the phone",
                "get through",
                "got through",
                "letter",
                "letters",
                "text",
                "texts",
                "texted",
                "message*",
                "jargon",
                "clearly",
                "no idea",
                "never knew",
            ],
        ),
        Theme::new(
            "continuity",
            "Continuity of staff",
            &[
                "continuity",
                "same person",
                "same people",
                "same nurse*",
                "same worker*",
                "same face*",
                "same staff",
                "same doctor*",
                "different person",
                "different people",
                "different staff",
                "different nurse*",
                "different worker*",
                "different face*",
                "different doctor*",
                "new person",
                "new face*",
                "someone new",
                "someone different",
                "too many people",
                "too many faces",
                "repeat* myself",
                "repeat* my story",
                "my story again",
                "everything again",
                "same questions",
                "retell*",
                "key worker",
                "keyworker",
                "named worker",
                "named nurse",
                "care coordinator",
                "care co ordinator",
                "consisten*",
                "inconsisten*",
                "stranger*",
                "handover*",
                "hand over",
            ],
        ),
        Theme::new(
            "waiting",
            "Waiting and response times",
            &[
                "wait*",
                "delay*",
                "late",
                "lateness",
                "on time",
                "punctual*",
                "prompt*",
                "quick*",
                "slow*",
                "response time*",
                "took days",
                "for days",
                "for hours",
                "for weeks",
                "took hours",
                "took ages",
                "took weeks",
                "too long",
                "straight away",
                "same day",
                "within an hour",
                "within the hour",
                "within hours",
                "for hours",
                "for days",
                "hours later",
                "days later",
                "weeks later",
                "call back",
                "called back",
                "never called",
                "never came",
                "no one came",
                "nobody came",
                "didnt turn up",
                "did not turn up",
                "never turned up",
                "cancel*",
                "resched*",
                "rearrang*",
                "last minute",
                "visit time*",
                "time slot*",
                "time window",
                "on hold",
                "chase*",
                "chasing",
            ],
        ),
        Theme::new(
            "family",
            "Involving family and carers",
            &[
                "family",
                "families",
                "carer",
                "carers",
                "relative*",
                "next of kin",
                "loved one*",
                "mum",
                "mums",
                "mom",
                "dad",
                "dads",
                "mother",
                "father",
                "parent*",
                "husband*",
                "wife",
                "wifes",
                "partner",
                "partners",
                "son",
                "sons",
                "daughter*",
                "sister*",
                "brother*",
                "child",
                "children",
                "kids",
                "grandparent*",
                "grandmother",
                "grandfather",
                "nan",
                "grandad",
                "granddad",
                "girlfriend",
                "boyfriend",
                "friend",
                "friends",
                "household",
            ],
        ),
        Theme::new(
            "medication",
            "Medication",
            &[
                "medication*",
                "medicine*",
                "meds",
                "med",
                "tablet*",
                "pill",
                "pills",
                "prescri*",
                "dose",
                "doses",
                "dosage*",
                "side effect*",
                "antidepressant*",
                "anti depressant*",
                "antipsychotic*",
                "anti psychotic*",
                "lithium",
                "sertraline",
                "fluoxetine",
                "citalopram",
                "mirtazapine",
                "venlafaxine",
                "olanzapine",
                "quetiapine",
                "aripiprazole",
                "risperidone",
                "clozapine",
                "diazepam",
                "lorazepam",
                "promethazine",
                "zopiclone",
                "pregabalin",
                "depot",
                "injection*",
                "pharmac*",
                "chemist",
                "chemists",
                "blister pack*",
                "dosette*",
                "prn",
            ],
        ),
        Theme::new(
            "kindness",
            "Kindness and respect",
            &[
                "kind",
                "kindness",
                "kindly",
                "unkind*",
                "caring",
                "uncaring",
                "compassion*",
                "respect*",
                "disrespect*",
                "rude*",
                "lovely",
                "friendly",
                "unfriendly",
                "warm",
                "warmth",
                "gentle",
                "patience",
                "patient with",
                "impatient",
                "empath*",
                "understanding",
                "dignity",
                "judg*",
                "patronis*",
                "patroniz*",
                "condescend*",
                "dismissive",
                "talked down to",
                "spoke down to",
                "treated me like",
                "treated us like",
                "like a number",
                "like a person",
                "human",
                "humane",
                "inhumane",
                "cold",
                "abrupt",
                "nice",
                "polite",
                "impolite",
                "sympathetic",
                "unsympathetic",
                "supportive",
                "unsupportive",
                "made me feel",
                "attention seeking",
                "cared about",
                "care about",
                "didnt care",
                "did not care",
            ],
        ),
        Theme::new(
            "discharge",
            "Information at discharge",
            &[
                "discharg*",
                "aftercare",
                "after care",
                "follow up",
                "followed up",
                "signpost*",
                "other services",
                "what to do if",
                "who to call",
                "who to contact",
                "who to ring",
                "crisis line",
                "crisis number",
                "helpline",
                "help line",
                "support group*",
                "recovery college",
                "talking therap*",
                "iapt",
                "handed over",
                "referr*",
                "refer",
                "next steps",
                "crisis plan",
                "safety plan",
                "relapse",
                "leaflet*",
                "after they left",
                "after the team",
                "community team",
                "community mental health",
                "cmht",
            ],
        ),
        Theme::new(
            "practical",
            "Practical and social help",
            &[
                "practical*",
                "money",
                "financ*",
                "benefit*",
                "universal credit",
                "pip",
                "esa",
                "housing",
                "my house",
                "the house",
                "moved house",
                "my flat",
                "the flat",
                "our flat",
                "rent",
                "landlord*",
                "council",
                "evict*",
                "homeless*",
                "bills",
                "debt*",
                "food",
                "food bank*",
                "foodbank*",
                "shopping",
                "job",
                "jobs",
                "employ*",
                "unemploy*",
                "back to work",
                "off work",
                "sick note",
                "fit note",
                "social work*",
                "social care",
                "social prescrib*",
                "citizens advice",
                "transport",
                "bus",
                "taxi",
                "childcare",
                "school",
                "pets",
                "dog",
                "heating",
                "electric*",
                "energy",
                "cleaning",
                "washing",
                "cooking",
                "forms",
                "paperwork",
                "ot",
                "occupational therap*",
                "lonel*",
                "isolat*",
                "socialis*",
                "socializ*",
                "volunteer*",
                "routine",
            ],
        ),
    ]
}

/// Themes with their keywords already split into words, for tagging comment after comment
/// without splitting every keyword again each time. A theme with a trained head in the shipped
/// model (`model.rs`; the default themes mapped to the NHS framework) is decided by the head and
/// its keywords together, as chosen in training; any other theme by its keywords alone.
#[derive(Debug)]
pub struct Tagger {
    themes: Vec<(String, Vec<Keyword>)>,
    /// Whether any theme has a head that reads more than keywords, so plain keyword lists skip
    /// working out the model's features.
    uses_model: bool,
}

impl Tagger {
    /// Splits every keyword of `themes`.
    pub fn new(themes: &[Theme]) -> Self {
        let uses_model = super::model::SHIPPED.as_ref().is_some_and(|model| {
            themes.iter().any(|t| {
                model
                    .combination(&t.id)
                    .is_some_and(|c| c != super::model::Combination::Keywords)
            })
        });
        Tagger {
            themes: split_keywords(themes),
            uses_model,
        }
    }

    /// A tagger that reads keywords alone, whatever heads the shipped model has: what the heads
    /// are measured against, and what they read as features.
    pub(crate) fn keywords_only(themes: &[Theme]) -> Self {
        Tagger {
            themes: split_keywords(themes),
            uses_model: false,
        }
    }

    /// Ids of the themes `text` is about, in order, each at most once.
    pub fn tag(&self, text: &str) -> Vec<String> {
        let words: Vec<String> = split_words(text).map(|(w, _)| w).collect();
        let model = super::model::SHIPPED.as_ref().filter(|_| self.uses_model);
        let features = model.map(|m| m.locate(&super::model::theme_features(text)));
        self.themes
            .iter()
            .filter(|(id, keywords)| {
                let keyword_hit = keywords.iter().any(|k| phrase_occurs(k, &words));
                match (model, &features) {
                    (Some(model), Some(features)) => {
                        model.theme_decision(id, features, keyword_hit)
                    }
                    _ => keyword_hit,
                }
            })
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// Whether theme `id`'s keywords alone appear in `text` (false for an unknown id): what
    /// the trained heads are measured against.
    pub(crate) fn keywords_match(&self, id: &str, text: &str) -> bool {
        let words: Vec<String> = split_words(text).map(|(w, _)| w).collect();
        self.themes
            .iter()
            .filter(|(theme, _)| theme == id)
            .any(|(_, keywords)| keywords.iter().any(|k| phrase_occurs(k, &words)))
    }
}

/// Each theme's id with its keywords split into words.
fn split_keywords(themes: &[Theme]) -> Vec<(String, Vec<Keyword>)> {
    themes
        .iter()
        .map(|t| {
            (
                t.id.clone(),
                t.keywords.iter().map(|k| Keyword::parse(k)).collect(),
            )
        })
        .collect()
}

/// One word of a keyword: whole-word, or a stem when it ended in `*`.
#[derive(Debug)]
struct KeyWord {
    text: String,
    stem: bool,
}

/// A keyword split into words.
#[derive(Debug)]
struct Keyword(Vec<KeyWord>);

impl Keyword {
    /// Splits a keyword as comments are split, remembering `*` stems.
    fn parse(keyword: &str) -> Self {
        Keyword(
            split_words(keyword)
                .map(|(text, stem)| KeyWord { text, stem })
                .filter(|w| !w.text.is_empty())
                .collect(),
        )
    }
}

/// Lower-cased words with apostrophes dropped; the flag says a `*` ended the
/// word (only meaningful in keywords; in comments `*` is just a separator).
fn split_words(text: &str) -> impl Iterator<Item = (String, bool)> + '_ {
    let mut lowered = String::with_capacity(text.len());
    for ch in text.chars().flat_map(char::to_lowercase) {
        if !matches!(ch, '\'' | '\u{2018}' | '\u{2019}' | '`') {
            lowered.push(ch);
        }
    }
    let mut words = Vec::new();
    let mut current = String::new();
    for ch in lowered.chars() {
        if ch.is_alphanumeric() {
            current.push(ch);
        } else {
            let stem = ch == '*';
            if !current.is_empty() {
                words.push((std::mem::take(&mut current), stem));
            }
        }
    }
    if !current.is_empty() {
        words.push((current, false));
    }
    words.into_iter()
}

/// Whether the keyword's words occur in a row in `words`.
fn phrase_occurs(keyword: &Keyword, words: &[String]) -> bool {
    let k = &keyword.0;
    if k.is_empty() || k.len() > words.len() {
        return false;
    }
    words.windows(k.len()).any(|window| {
        window.iter().zip(k).all(|(word, key)| {
            if key.stem {
                word.starts_with(&key.text)
            } else {
                *word == key.text
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keywords alone: these tests pin down how keywords match. The trained heads' figures are
    /// tested in `evaluate.rs`.
    fn tag(text: &str, themes: &[Theme]) -> Vec<String> {
        Tagger::keywords_only(themes).tag(text)
    }

    fn tags(text: &str) -> Vec<String> {
        tag(text, &default_themes())
    }

    #[test]
    fn the_defaults_include_the_eight_agreed_themes_in_order() {
        let ids: Vec<String> = default_themes().into_iter().map(|t| t.id).collect();
        assert_eq!(
            ids,
            [
                "communication",
                "continuity",
                "waiting",
                "family",
                "medication",
                "kindness",
                "discharge",
                "practical"
            ]
        );
    }

    #[test]
    fn default_theme_ids_are_unique_and_every_theme_has_keywords() {
        let themes = default_themes();
        for (i, t) in themes.iter().enumerate() {
            assert!(!t.keywords.is_empty(), "{}", t.id);
            assert!(!t.label.is_empty(), "{}", t.id);
            assert!(themes[..i].iter().all(|u| u.id != t.id), "{}", t.id);
        }
    }

    #[test]
    fn a_waiting_and_call_back_complaint_is_about_communication_and_waiting() {
        assert_eq!(
            tags("Waited three days for a call back from the team."),
            ["communication", "waiting"]
        );
    }

    #[test]
    fn a_medication_comment_with_a_chase_is_tagged_for_both() {
        assert_eq!(
            tags(
                "Nobody explained the side effects of my new tablets and I had to chase the pharmacy."
            ),
            ["communication", "waiting", "medication"]
        );
    }

    #[test]
    fn med_does_not_match_immediately() {
        assert!(tags("They came out immediately.").is_empty());
        assert_eq!(tags("They sorted my meds."), ["medication"]);
    }

    #[test]
    fn carer_does_not_match_careful_and_friend_does_not_match_friendly() {
        // "friendly" is kindness, not family; "careful" is nothing.
        assert_eq!(tags("Staff were careful and friendly."), ["kindness"]);
    }

    #[test]
    fn possessive_family_words_still_match() {
        assert_eq!(tags("They ignored my mum's concerns."), ["family"]);
        assert_eq!(tags("My husband's views were never asked for."), ["family"]);
    }

    #[test]
    fn different_faces_every_visit_is_continuity() {
        assert_eq!(
            tags("A different nurse every visit, I had to repeat my story each time."),
            ["continuity"]
        );
    }

    #[test]
    fn stems_match_longer_words() {
        assert_eq!(
            tags("I was discharged with no information about other services."),
            ["communication", "discharge"]
        );
    }

    #[test]
    fn hyphenated_phrases_match_spaced_keywords() {
        assert_eq!(tags("No follow-up at all."), ["discharge"]);
    }

    #[test]
    fn practical_help_with_benefits_and_housing_is_tagged_practical() {
        assert_eq!(
            tags("The support worker helped me apply for PIP and sort out my housing."),
            ["practical"]
        );
    }

    #[test]
    fn kindness_covers_praise_and_complaint_alike() {
        assert_eq!(
            tags("Everyone was kind and treated me with dignity."),
            ["kindness"]
        );
        assert_eq!(tags("One nurse was rude and patronising."), ["kindness"]);
    }

    #[test]
    fn matching_ignores_case() {
        assert_eq!(
            tags("MEDICATION REVIEW WAS LATE"),
            ["waiting", "medication"]
        );
    }

    #[test]
    fn a_comment_matching_no_keyword_has_no_themes() {
        assert!(tags("n/a").is_empty());
        assert!(tags("").is_empty());
    }

    #[test]
    fn custom_themes_can_be_loaded_from_json_and_keep_their_order() {
        let themes: Vec<Theme> = serde_json::from_str(
            r#"[{"id":"ae","label":"A&E","keywords":["A&E","emergency department"]},
                {"id":"night","label":"Night calls","keywords":["night*","out of hours"]}]"#,
        )
        .unwrap();
        // Through the model-backed tagger too: themes without a trained head read keywords.
        let tagger = Tagger::new(&themes);
        assert_eq!(
            tagger.tag("Rang at night and was sent to A&E."),
            ["ae", "night"]
        );
        assert_eq!(tagger.tag("The out-of-hours line"), ["night"]);
    }

    #[test]
    fn the_default_tagger_uses_the_trained_heads_and_keeps_its_shape() {
        let tagger = Tagger::new(&default_themes());
        assert!(tagger.uses_model);
        let tags = tagger.tag("The staff were so kind and caring, and treated me with respect.");
        assert!(tags.contains(&"kindness".to_owned()), "{tags:?}");
        assert!(tagger.tag("").is_empty());
        let tags = tagger.tag("Nobody called me back for three days");
        assert!(
            tags.iter().any(|t| t == "waiting" || t == "communication"),
            "{tags:?}"
        );
    }

    #[test]
    fn an_empty_keyword_matches_nothing() {
        let themes = vec![Theme::new("blank", "Blank", &["", " * ", "--"])];
        assert!(tag("anything at all", &themes).is_empty());
    }

    #[test]
    fn a_theme_is_listed_once_however_many_keywords_match() {
        assert_eq!(
            tags("Late, late and late again, then cancelled."),
            ["waiting"]
        );
    }
}
