//! What a questionnaire is, and the checks a definition file must pass.

use super::equality::{self, Dimension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;

/// Who answers a questionnaire: the "sources" of all-source agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Respondent {
    ServiceUser,
    Carer,
    Staff,
    Partner,
}

impl Respondent {
    /// Every group, in report order.
    pub const ALL: [Respondent; 4] = [
        Respondent::ServiceUser,
        Respondent::Carer,
        Respondent::Staff,
        Respondent::Partner,
    ];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Respondent::ServiceUser => "service_user",
            Respondent::Carer => "carer",
            Respondent::Staff => "staff",
            Respondent::Partner => "partner",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// A plain label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Respondent::ServiceUser => "Service users",
            Respondent::Carer => "Carers",
            Respondent::Staff => "Staff",
            Respondent::Partner => "Partner services",
        }
    }
}

/// The kinds of question a definition may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Fft,
    Agree5,
    YesNo,
    Choice,
    Text,
}

impl QuestionKind {
    /// The definition-file and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Fft => "fft",
            QuestionKind::Agree5 => "agree5",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Choice => "choice",
            QuestionKind::Text => "text",
        }
    }
}

/// Fidelity criteria a question may evidence, and three indicators of our own (the
/// relationship itself, support for carers, and a crisis plan made together) reported the
/// same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Criterion {
    #[serde(rename = "13e")]
    C13e,
    #[serde(rename = "20b")]
    C20b,
    #[serde(rename = "21d")]
    C21d,
    #[serde(rename = "22d")]
    C22d,
    #[serde(rename = "26e")]
    C26e,
    #[serde(rename = "34e")]
    C34e,
    #[serde(rename = "12d")]
    C12d,
    #[serde(rename = "12f")]
    C12f,
    #[serde(rename = "25c")]
    C25c,
    #[serde(rename = "25e")]
    C25e,
    #[serde(rename = "25f")]
    C25f,
    #[serde(rename = "26a")]
    C26a,
    #[serde(rename = "26d")]
    C26d,
    #[serde(rename = "13c")]
    C13c,
    #[serde(rename = "13d")]
    C13d,
    #[serde(rename = "20c")]
    C20c,
    /// Our own indicator, not a CORE criterion: respect, seeing the same staff, being
    /// listened to and clear roles, on the agree scale.
    #[serde(rename = "relationship")]
    Relationship,
    /// Our own indicator: carers asked about their own needs and told about support.
    #[serde(rename = "carer_support")]
    CarerSupport,
    /// Our own indicator: a plan for a future crisis made with the person, not only given.
    #[serde(rename = "joint_crisis_plan")]
    JointCrisisPlan,
}

impl Criterion {
    /// Every criterion, in report order: agreement items, then yes/no facts, then our own
    /// yes/no indicators.
    pub const ALL: [Criterion; 19] = [
        Criterion::C13e,
        Criterion::C20b,
        Criterion::C21d,
        Criterion::C22d,
        Criterion::C26e,
        Criterion::C34e,
        Criterion::Relationship,
        Criterion::C12d,
        Criterion::C12f,
        Criterion::C13c,
        Criterion::C13d,
        Criterion::C20c,
        Criterion::C25c,
        Criterion::C25e,
        Criterion::C25f,
        Criterion::C26a,
        Criterion::C26d,
        Criterion::CarerSupport,
        Criterion::JointCrisisPlan,
    ];

    /// The scale's item code, e.g. `22d`, or the indicator's name.
    pub fn code(self) -> &'static str {
        match self {
            Criterion::C13e => "13e",
            Criterion::C20b => "20b",
            Criterion::C21d => "21d",
            Criterion::C22d => "22d",
            Criterion::C26e => "26e",
            Criterion::C34e => "34e",
            Criterion::C12d => "12d",
            Criterion::C12f => "12f",
            Criterion::C25c => "25c",
            Criterion::C25e => "25e",
            Criterion::C25f => "25f",
            Criterion::C26a => "26a",
            Criterion::C26d => "26d",
            Criterion::C13c => "13c",
            Criterion::C13d => "13d",
            Criterion::C20c => "20c",
            Criterion::Relationship => "relationship",
            Criterion::CarerSupport => "carer_support",
            Criterion::JointCrisisPlan => "joint_crisis_plan",
        }
    }

    /// Parses an item code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// What the criterion asks, in our own plain words.
    pub fn label(self) -> &'static str {
        match self {
            Criterion::C13e => "The team works closely with families and carers",
            Criterion::C20b => "Care reflects the person's own needs and goals",
            Criterion::C21d => "Visits leave room for what matters to the person and family",
            Criterion::C22d => "Staff are caring and professional",
            Criterion::C26e => "Information about other services is given at discharge",
            Criterion::C34e => "Good working relationships with other services",
            Criterion::C12d => "A visit time or one-hour window was given",
            Criterion::C12f => "People were phoned when staff would be late",
            Criterion::C25c => "People were invited to a discharge meeting",
            Criterion::C25e => "People had a written discharge plan",
            Criterion::C25f => "People were told how to get crisis help in future",
            Criterion::C26a => "At least 48 hours' notice of discharge",
            Criterion::C26d => "People could contact the team for two weeks after discharge",
            Criterion::C13c => "Family or carers were invited to care planning and reviews",
            Criterion::C13d => "Family or carers had a clear part in the care plan",
            Criterion::C20c => "Help went beyond medication, risk checks and referral",
            Criterion::Relationship => {
                "The relationship: respect, the same staff, being listened to, clear roles"
            }
            Criterion::CarerSupport => {
                "Carers were asked about their own needs and told about support"
            }
            Criterion::JointCrisisPlan => "A plan for a future crisis was made together",
        }
    }

    /// Whether this is one of our own indicators rather than a criterion of the CORE scale.
    pub fn is_own_indicator(self) -> bool {
        matches!(
            self,
            Criterion::Relationship | Criterion::CarerSupport | Criterion::JointCrisisPlan
        )
    }

    /// All-source agreement items are answered on the agree scale; the rest are yes/no facts.
    pub fn is_agreement(self) -> bool {
        matches!(
            self,
            Criterion::C13e
                | Criterion::C20b
                | Criterion::C21d
                | Criterion::C22d
                | Criterion::C26e
                | Criterion::C34e
                | Criterion::Relationship
        )
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A question's text in another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionText {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Option id to label, for `choice` questions.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// A questionnaire's title and introduction in another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyText {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
}

/// Languages a definition may carry translations for (English is the definition itself).
pub const TRANSLATION_LANGS: &[&str] = &["cy"];

/// One option of a `choice` question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
}

/// One question as written in a definition file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionKind,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<Criterion>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// For the optional "About you" questions: what the answer says about the person. Left
    /// out of the canonical form when absent, so older versions keep their ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equality: Option<Dimension>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, QuestionText>,
}

impl Question {
    /// The question's text in `lang`, or English.
    pub fn text_in(&self, lang: &str) -> &str {
        self.translations
            .get(lang)
            .map(|t| t.text.as_str())
            .unwrap_or(&self.text)
    }

    /// The hint in `lang`, or English.
    pub fn hint_in(&self, lang: &str) -> Option<&str> {
        self.translations
            .get(lang)
            .and_then(|t| t.hint.as_deref())
            .or(self.hint.as_deref())
    }

    /// An option's label in `lang`, or English.
    pub fn option_label_in<'a>(&'a self, lang: &str, option: &'a ChoiceOption) -> &'a str {
        self.translations
            .get(lang)
            .and_then(|t| t.options.get(&option.id))
            .map(String::as_str)
            .unwrap_or(&option.label)
    }
}

/// A whole questionnaire definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Survey {
    pub slug: String,
    pub title: String,
    pub respondent: Respondent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, SurveyText>,
    pub questions: Vec<Question>,
}

/// What is wrong with a definition, and where.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}: {}{problem}", question.as_ref().map(|q| format!("question `{q}`: ")).unwrap_or_default())]
pub struct DefinitionError {
    pub file: String,
    pub question: Option<String>,
    pub problem: String,
}

/// Field names the survey form uses for itself, so no question may take them.
const RESERVED_IDS: &[&str] = &["csrf_token", "lang", "token", "code"];
const MAX_TEXT_LEN: usize = 500;

fn is_identifier(s: &str, max: usize) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && s.len() <= max
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Survey {
    /// Parses and checks a definition; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Survey, DefinitionError> {
        let survey: Survey = toml::from_str(text).map_err(|e| DefinitionError {
            file: file.to_string(),
            question: None,
            problem: e.to_string().trim().replace('\n', " "),
        })?;
        survey.check(file)?;
        Ok(survey)
    }

    fn check(&self, file: &str) -> Result<(), DefinitionError> {
        let whole = |problem: String| DefinitionError {
            file: file.to_string(),
            question: None,
            problem,
        };
        if !self
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || self.slug.is_empty()
            || self.slug.len() > 60
        {
            return Err(whole(
                "slug must be 1 to 60 lowercase letters, digits or hyphens".into(),
            ));
        }
        if self.title.trim().is_empty() {
            return Err(whole("title is empty".into()));
        }
        if self.questions.is_empty() {
            return Err(whole("has no questions".into()));
        }
        for lang in self.translations.keys() {
            if !TRANSLATION_LANGS.contains(&lang.as_str()) {
                return Err(whole(format!(
                    "translations.{lang}: only these languages are supported: cy"
                )));
            }
        }
        let mut seen = HashSet::new();
        for q in &self.questions {
            let fail = |problem: &str| DefinitionError {
                file: file.to_string(),
                question: Some(q.id.clone()),
                problem: problem.to_string(),
            };
            if !is_identifier(&q.id, 40) {
                return Err(fail(
                    "id must start with a lowercase letter and use only a-z, 0-9 and _ (at most 40)",
                ));
            }
            if RESERVED_IDS.contains(&q.id.as_str()) {
                return Err(fail("id is reserved for the form itself"));
            }
            if !seen.insert(q.id.as_str()) {
                return Err(fail("id is used twice"));
            }
            if q.text.trim().is_empty() || q.text.len() > MAX_TEXT_LEN {
                return Err(fail("text must be present and at most 500 characters"));
            }
            match (q.kind, q.criterion) {
                (QuestionKind::Agree5, Some(c)) if !c.is_agreement() => {
                    return Err(fail(&format!(
                        "criterion {c} is a yes/no item; use type yes_no"
                    )));
                }
                (QuestionKind::YesNo, Some(c)) if c.is_agreement() => {
                    return Err(fail(&format!(
                        "criterion {c} is an agreement item; use type agree5"
                    )));
                }
                (QuestionKind::Fft | QuestionKind::Choice | QuestionKind::Text, Some(_)) => {
                    return Err(fail(
                        "only agree5 and yes_no questions can evidence a criterion",
                    ));
                }
                _ => {}
            }
            match q.kind {
                QuestionKind::Choice => {
                    if q.options.len() < 2 {
                        return Err(fail("a choice question needs at least two options"));
                    }
                    let mut option_ids = HashSet::new();
                    for o in &q.options {
                        if !is_identifier(&o.id, 40) || o.id == "dont_know" {
                            return Err(fail(&format!(
                                "option id `{}` must be lowercase a-z, 0-9 and _",
                                o.id
                            )));
                        }
                        if !option_ids.insert(o.id.as_str()) {
                            return Err(fail(&format!("option id `{}` is used twice", o.id)));
                        }
                        if o.label.trim().is_empty() {
                            return Err(fail(&format!("option `{}` has no label", o.id)));
                        }
                    }
                }
                _ if !q.options.is_empty() => {
                    return Err(fail("only choice questions have options"));
                }
                _ => {}
            }
        }
        if self
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Fft)
            .count()
            > 1
        {
            return Err(whole("has more than one fft question".into()));
        }
        self.check_about_you(file)
    }

    /// The "About you" questions: choice questions, never required, each offering "prefer not
    /// to say", one per dimension, only where people are asked about themselves, and all at
    /// the end, after the questions about care.
    fn check_about_you(&self, file: &str) -> Result<(), DefinitionError> {
        let mut dimensions = HashSet::new();
        let mut in_section = false;
        for q in &self.questions {
            let fail = |problem: String| DefinitionError {
                file: file.to_string(),
                question: Some(q.id.clone()),
                problem,
            };
            if q.options.iter().any(|o| o.id == equality::NOT_ANSWERED) {
                return Err(fail(format!(
                    "option id `{}` is reserved",
                    equality::NOT_ANSWERED
                )));
            }
            let Some(dimension) = q.equality else {
                if in_section {
                    return Err(fail(
                        "the About you questions come last: move this question before them".into(),
                    ));
                }
                continue;
            };
            in_section = true;
            let name = dimension.as_str();
            if !equality::ASKED.contains(&self.respondent) {
                return Err(fail(format!(
                    "equality = \"{name}\" is only for service-user and carer questionnaires"
                )));
            }
            if q.kind != QuestionKind::Choice {
                return Err(fail(
                    "an About you question must be a choice question".into(),
                ));
            }
            if q.required {
                return Err(fail("an About you question must not be required".into()));
            }
            if !q
                .options
                .iter()
                .any(|o| o.id == equality::PREFER_NOT_TO_SAY)
            {
                return Err(fail(format!(
                    "an About you question must offer `{}`",
                    equality::PREFER_NOT_TO_SAY
                )));
            }
            if !dimensions.insert(dimension) {
                return Err(fail(format!("equality = \"{name}\" is asked twice")));
            }
        }
        Ok(())
    }

    /// The question asking about `dimension`, if this questionnaire asks.
    pub fn about_you(&self, dimension: Dimension) -> Option<&Question> {
        self.questions
            .iter()
            .find(|q| q.equality == Some(dimension))
    }

    /// The title in `lang`, or English.
    pub fn title_in(&self, lang: &str) -> &str {
        self.translations
            .get(lang)
            .map(|t| t.title.as_str())
            .unwrap_or(&self.title)
    }

    /// The introduction in `lang`, or English.
    pub fn intro_in(&self, lang: &str) -> Option<&str> {
        self.translations
            .get(lang)
            .and_then(|t| t.intro.as_deref())
            .or(self.intro.as_deref())
    }

    /// The question with this id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
slug = "mini"
title = "Mini"
respondent = "carer"
[[questions]]
id = "fft"
type = "fft"
text = "Overall, how was your experience of our service?"
required = true
[[questions]]
id = "kind"
type = "agree5"
text = "Staff were kind."
criterion = "22d"
"#;

    #[test]
    fn a_good_definition_parses() {
        let s = Survey::from_toml("mini.toml", GOOD).unwrap();
        assert_eq!(s.respondent, Respondent::Carer);
        assert_eq!(s.questions[1].criterion, Some(Criterion::C22d));
    }

    #[test]
    fn an_unknown_criterion_names_the_file() {
        let err = Survey::from_toml("mini.toml", &GOOD.replace("22d", "99z")).unwrap_err();
        assert_eq!(err.file, "mini.toml");
        assert!(err.problem.contains("99z"), "{err}");
    }

    #[test]
    fn a_yes_no_criterion_on_an_agree_question_names_the_question() {
        let err = Survey::from_toml("mini.toml", &GOOD.replace("22d", "12d")).unwrap_err();
        assert_eq!(err.question.as_deref(), Some("kind"));
        assert!(err.to_string().starts_with("mini.toml: question `kind`: "));
    }

    #[test]
    fn duplicate_and_badly_formed_ids_are_refused() {
        let dup = GOOD.replace("id = \"kind\"", "id = \"fft\"");
        assert_eq!(
            Survey::from_toml("m", &dup).unwrap_err().problem,
            "id is used twice"
        );
        let bad = GOOD.replace("id = \"kind\"", "id = \"Kind-1\"");
        assert_eq!(
            Survey::from_toml("m", &bad)
                .unwrap_err()
                .question
                .as_deref(),
            Some("Kind-1")
        );
    }

    #[test]
    fn unknown_keys_and_types_are_refused() {
        assert!(
            Survey::from_toml("m", &GOOD.replace("required = true", "mandatory = true")).is_err()
        );
        assert!(
            Survey::from_toml("m", &GOOD.replace("type = \"agree5\"", "type = \"slider\""))
                .is_err()
        );
    }

    const ABOUT_YOU: &str = r#"
[[questions]]
id = "ethnicity"
type = "choice"
text = "Which of these best describes your ethnic group?"
equality = "ethnic_group"
options = [
  { id = "white_british", label = "White: British" },
  { id = "prefer_not_to_say", label = "I prefer not to say" },
]
"#;

    #[test]
    fn an_about_you_question_at_the_end_parses_with_its_dimension() {
        let s = Survey::from_toml("m", &format!("{GOOD}{ABOUT_YOU}")).unwrap();
        assert_eq!(
            s.about_you(Dimension::EthnicGroup).map(|q| q.id.as_str()),
            Some("ethnicity")
        );
        assert!(s.about_you(Dimension::Gender).is_none());
    }

    #[test]
    fn about_you_questions_must_be_optional_choices_with_prefer_not_to_say_and_come_last() {
        let problem = |text: String| Survey::from_toml("m", &text).unwrap_err().problem;
        let about = format!("{GOOD}{ABOUT_YOU}");
        assert!(
            problem(about.replace("equality", "required = true\nequality"))
                .contains("must not be required")
        );
        assert!(
            problem(about.replace("prefer_not_to_say", "rather_not")).contains("prefer_not_to_say")
        );
        assert!(problem(about.replace("white_british", "not_answered")).contains("reserved"));
        assert!(
            problem(about.replace("respondent = \"carer\"", "respondent = \"staff\""))
                .contains("only for service-user and carer")
        );
        assert!(
            problem(format!("{about}{ABOUT_YOU}").replacen(
                "id = \"ethnicity\"",
                "id = \"ethnicity2\"",
                1
            ))
            .contains("asked twice")
        );
        let after = format!(
            "{GOOD}{ABOUT_YOU}\n[[questions]]\nid = \"later\"\ntype = \"text\"\ntext = \"More?\"\n"
        );
        assert!(problem(after).contains("come last"));
    }

    #[test]
    fn choice_questions_need_options() {
        let text = GOOD
            .replace("type = \"agree5\"", "type = \"choice\"")
            .replace("criterion = \"22d\"", "");
        let err = Survey::from_toml("m", &text).unwrap_err();
        assert!(err.problem.contains("at least two options"));
    }
}
