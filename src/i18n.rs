//! The languages of the public pages: English and Welsh (Cymraeg). Page text lives in
//! `locales/*.toml`, embedded in the binary; questionnaire text carries its own translations.

use rust_embed::RustEmbed;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(RustEmbed)]
#[folder = "locales/"]
#[include = "*.toml"]
struct Locales;

/// A language a person can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    /// The code used in URLs, forms and `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    /// Parses a code; anything else is `None`.
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim() {
            "en" => Some(Lang::En),
            "cy" => Some(Lang::Cy),
            _ => None,
        }
    }

    /// The other language, for the switch link.
    pub fn other(self) -> Self {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }
}

fn load(code: &str) -> BTreeMap<String, String> {
    Locales::get(&format!("{code}.toml"))
        .and_then(|file| toml::from_str(&String::from_utf8_lossy(&file.data)).ok())
        .unwrap_or_default()
}

static EN: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| load("en"));
static CY: LazyLock<BTreeMap<String, String>> = LazyLock::new(|| load("cy"));

/// Every message in a language, falling back to English for any key the translation lacks.
pub fn messages(lang: Lang) -> &'static BTreeMap<String, String> {
    match lang {
        Lang::En => &EN,
        Lang::Cy if CY.is_empty() => &EN,
        Lang::Cy => &CY,
    }
}

/// One message.
pub fn t(lang: Lang, key: &str) -> String {
    messages(lang)
        .get(key)
        .or_else(|| EN.get(key))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

fn build_json(lang: Lang) -> Value {
    let mut map: Map<String, Value> = EN
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    for (k, v) in messages(lang) {
        map.insert(k.clone(), Value::String(v.clone()));
    }
    Value::Object(map)
}

static EN_JSON: LazyLock<Value> = LazyLock::new(|| build_json(Lang::En));
static CY_JSON: LazyLock<Value> = LazyLock::new(|| build_json(Lang::Cy));

/// The messages as a JSON object for templates, built once per language.
pub fn as_json(lang: Lang) -> &'static Value {
    match lang {
        Lang::En => &EN_JSON,
        Lang::Cy => &CY_JSON,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welsh_has_every_english_message_and_no_others() {
        let en: Vec<&String> = EN.keys().collect();
        let cy: Vec<&String> = CY.keys().collect();
        assert!(!en.is_empty());
        assert_eq!(
            en, cy,
            "locales/cy.toml must have exactly the keys of locales/en.toml"
        );
    }

    #[test]
    fn welsh_text_differs_from_english() {
        assert_ne!(t(Lang::Cy, "thanks_title"), t(Lang::En, "thanks_title"));
        assert_eq!(t(Lang::Cy, "other_lang_code"), "en");
    }
}
