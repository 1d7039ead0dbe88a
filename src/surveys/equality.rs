//! Equality monitoring: the optional "About you" questions at the end of the service-user and
//! carer questionnaires, which let a Trust see whether people of every background report the
//! same care (the Patient and Carer Race Equality Framework asks mental-health Trusts to
//! analyse feedback by ethnicity). Their answers are never stored with a response, only
//! counted (see `responses::store`).

use super::definition::Respondent;
use serde::{Deserialize, Serialize};

/// What an "About you" question asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    EthnicGroup,
    AgeBand,
    Gender,
    Disability,
}

/// The option every "About you" question must offer.
pub const PREFER_NOT_TO_SAY: &str = "prefer_not_to_say";

/// The category of responses that gave no answer to a dimension's question (skipped, or a
/// questionnaire that did not ask it). Reserved: no option may take it.
pub const NOT_ANSWERED: &str = "not_answered";

/// The groups asked about themselves. Staff and partner services answer about the team, so
/// their questionnaires may not ask.
pub const ASKED: [Respondent; 2] = [Respondent::ServiceUser, Respondent::Carer];

impl Dimension {
    /// Every dimension, in report order.
    pub const ALL: [Dimension; 4] = [
        Dimension::EthnicGroup,
        Dimension::AgeBand,
        Dimension::Gender,
        Dimension::Disability,
    ];

    /// The definition-file, stored and API spelling (`by=ethnic_group`).
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::EthnicGroup => "ethnic_group",
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::Disability => "disability",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// A plain label for pages.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::EthnicGroup => "Ethnic group",
            Dimension::AgeBand => "Age",
            Dimension::Gender => "Gender",
            Dimension::Disability => "Disability or long-term condition",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dimension_reads_back_from_its_spelling() {
        for d in Dimension::ALL {
            assert_eq!(Dimension::parse(d.as_str()), Some(d));
        }
        assert_eq!(Dimension::parse("religion"), None);
    }
}
