//! Risk language in free text: a comment that mentions wanting to die or self-harm is flagged
//! urgent for the team, and the person is shown where to get help first.

/// Phrases used when no `RISK_TERMS_FILE` is configured. Matching is on lower-cased text with
/// spacing and apostrophes made regular, so "Don’t  want to live" matches "don't want to live".
const DEFAULT_TERMS: &[&str] = &[
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "end it all",
    "take my own life",
    "taking my own life",
    "want to die",
    "wanted to die",
    "better off dead",
    "don't want to live",
    "do not want to live",
    "don't want to be here",
    "no reason to live",
    "self harm",
    "self-harm",
    "self harming",
    "self-harming",
    "harm myself",
    "hurt myself",
    "hurting myself",
    "cutting myself",
    "overdose",
];

/// The configured list of risk phrases.
#[derive(Debug, Clone)]
pub struct RiskTerms(Vec<String>);

fn normalise(text: &str) -> String {
    let lowered = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'");
    lowered.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Default for RiskTerms {
    fn default() -> Self {
        RiskTerms(DEFAULT_TERMS.iter().map(|t| normalise(t)).collect())
    }
}

impl RiskTerms {
    /// Reads one phrase a line; blank lines and lines starting with `#` are skipped.
    pub fn from_file(path: &std::path::Path) -> std::io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        let terms: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(normalise)
            .collect();
        Ok(RiskTerms(terms))
    }

    /// Whether the text contains any risk phrase.
    pub fn matches(&self, text: &str) -> bool {
        let text = normalise(text);
        self.0.iter().any(|term| text.contains(term.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn risk_language_is_found_whatever_the_spacing_and_apostrophes() {
        let terms = RiskTerms::default();
        assert!(terms.matches("Some days I Don’t  want to live any more"));
        assert!(terms.matches("I have been self-harming again"));
        assert!(terms.matches("thought about ending my life"));
    }

    #[test]
    fn ordinary_feedback_is_not_flagged() {
        let terms = RiskTerms::default();
        assert!(!terms.matches("The nurse was lovely and I felt listened to"));
        assert!(!terms.matches("Nobody called me back for three days"));
    }
}
