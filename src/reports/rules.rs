//! The rules reports are read by: agreement threshold, the smallest group shown, which sources
//! each criterion needs, and the theme list. Defaults follow DOMAIN.md; a TOML file named by
//! `EVIDENCE_FILE` may change any of them.

use crate::surveys::{Criterion, Respondent};
use crate::text::themes::{Theme, default_themes};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The rules in force.
#[derive(Debug, Clone)]
pub struct EvidenceRules {
    /// A source agrees when at least this percentage of its answers agree.
    pub threshold_pct: f64,
    /// Figures from fewer answers than this are suppressed, and comments hidden.
    pub min_n: u32,
    /// The sources each all-source criterion needs, in report order.
    pub required_sources: BTreeMap<Criterion, Vec<Respondent>>,
    pub themes: Vec<Theme>,
}

impl Default for EvidenceRules {
    fn default() -> Self {
        use Respondent::{Carer, Partner, ServiceUser, Staff};
        let required_sources = [
            (Criterion::C13e, vec![ServiceUser, Carer, Staff]),
            (Criterion::C20b, vec![ServiceUser, Carer, Staff]),
            (Criterion::C21d, vec![ServiceUser, Carer, Staff]),
            (Criterion::C22d, vec![ServiceUser, Carer, Staff, Partner]),
            (Criterion::C26e, vec![ServiceUser, Carer, Staff]),
            (Criterion::C34e, vec![Staff, Partner, ServiceUser]),
            // Our own indicator: the relationship as service users and staff see it.
            (Criterion::Relationship, vec![ServiceUser, Staff]),
        ]
        .into_iter()
        .collect();
        EvidenceRules {
            threshold_pct: 80.0,
            min_n: 5,
            required_sources,
            themes: default_themes(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    threshold_pct: Option<f64>,
    min_n: Option<u32>,
    required_sources: Option<BTreeMap<String, Vec<String>>>,
    themes: Option<Vec<Theme>>,
}

impl EvidenceRules {
    /// The rules in `EVIDENCE_FILE` when one is set, else the defaults.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        file.map_or_else(|| Ok(Self::default()), Self::from_file)
    }

    /// Reads a rules file over the defaults, naming the file and key at fault.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("EVIDENCE_FILE {}: {e}", path.display()))?;
        Self::from_toml(&text).map_err(|e| anyhow::anyhow!("EVIDENCE_FILE {}: {e}", path.display()))
    }

    /// Parses rules from TOML text.
    pub fn from_toml(text: &str) -> anyhow::Result<Self> {
        let file: RulesFile = toml::from_str(text)?;
        let mut rules = EvidenceRules::default();
        if let Some(t) = file.threshold_pct {
            anyhow::ensure!(
                (0.0..=100.0).contains(&t),
                "threshold_pct must be from 0 to 100"
            );
            rules.threshold_pct = t;
        }
        if let Some(n) = file.min_n {
            anyhow::ensure!((1..=1000).contains(&n), "min_n must be from 1 to 1000");
            rules.min_n = n;
        }
        if let Some(map) = file.required_sources {
            let mut parsed = BTreeMap::new();
            for (code, sources) in map {
                let criterion = Criterion::parse(&code)
                    .filter(|c| c.is_agreement())
                    .ok_or_else(|| {
                        anyhow::anyhow!("required_sources: `{code}` is not an all-source criterion")
                    })?;
                let list = sources
                    .iter()
                    .map(|s| {
                        Respondent::parse(s).ok_or_else(|| {
                            anyhow::anyhow!("required_sources.{code}: unknown source `{s}`")
                        })
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?;
                parsed.insert(criterion, list);
            }
            rules.required_sources = parsed;
        }
        if let Some(themes) = file.themes {
            anyhow::ensure!(!themes.is_empty(), "themes must list at least one theme");
            rules.themes = themes;
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_domain_table() {
        let rules = EvidenceRules::default();
        assert_eq!(rules.threshold_pct, 80.0);
        assert_eq!(rules.min_n, 5);
        assert_eq!(rules.required_sources[&Criterion::C22d].len(), 4);
        assert!(!rules.required_sources[&Criterion::C34e].contains(&Respondent::Carer));
        assert_eq!(
            rules.required_sources[&Criterion::Relationship],
            [Respondent::ServiceUser, Respondent::Staff]
        );
    }

    #[test]
    fn a_file_changes_only_what_it_names() {
        let rules =
            EvidenceRules::from_toml("min_n = 10\n[required_sources]\n\"13e\" = [\"carer\"]\n")
                .unwrap();
        assert_eq!(rules.min_n, 10);
        assert_eq!(rules.threshold_pct, 80.0);
        assert_eq!(rules.required_sources.len(), 1);
    }

    #[test]
    fn unknown_keys_and_sources_are_refused() {
        assert!(EvidenceRules::from_toml("minimum = 3").is_err());
        assert!(EvidenceRules::from_toml("[required_sources]\n\"13e\" = [\"doctor\"]\n").is_err());
        assert!(EvidenceRules::from_toml("[required_sources]\n\"12d\" = [\"carer\"]\n").is_err());
    }
}
