//! Consent before contacting a carer. A carer is asked for feedback only when whoever issues the
//! invitation confirms that the person agreed to their carer being asked, and that there is no
//! safeguarding reason not to contact the carer. The page, the API and the discharge list all
//! ask here, so the rule and its words are the same everywhere. Nothing about the person is
//! kept: only how many carer invitations were issued with the confirmation, in the audit log.

use crate::surveys::Respondent;

/// What the page, the API and the discharge list say when the confirmation is missing.
pub const MISSING: &str = "Confirm that the person agreed to their carer being asked for feedback, \
     and that there is no safeguarding reason not to contact the carer";

/// The confirmation is missing for a carer's questionnaire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{MISSING}")]
pub struct MissingCarerConsent;

/// Whether an invitation may go out, as far as consent goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarerConsent {
    /// Not a carer's questionnaire: nothing to confirm.
    NotNeeded,
    /// A carer's questionnaire, with the confirmation given.
    Confirmed,
}

impl CarerConsent {
    /// Checks an invitation to a questionnaire for `respondent`, given whether the person
    /// issuing it ticked (or sent) the confirmation.
    pub fn check(respondent: Respondent, confirmed: bool) -> Result<Self, MissingCarerConsent> {
        match (respondent, confirmed) {
            (Respondent::Carer, true) => Ok(CarerConsent::Confirmed),
            (Respondent::Carer, false) => Err(MissingCarerConsent),
            _ => Ok(CarerConsent::NotNeeded),
        }
    }

    /// What the audit entry of a batch of `count` invitations adds: the count confirmed, and
    /// nothing else.
    pub fn audit_note(self, count: usize) -> String {
        match self {
            CarerConsent::Confirmed => format!(" carer_consent={count}"),
            CarerConsent::NotNeeded => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_carer_invitation_needs_the_confirmation() {
        assert_eq!(
            CarerConsent::check(Respondent::Carer, false),
            Err(MissingCarerConsent)
        );
        assert_eq!(
            CarerConsent::check(Respondent::Carer, true),
            Ok(CarerConsent::Confirmed)
        );
        for other in [
            Respondent::ServiceUser,
            Respondent::Staff,
            Respondent::Partner,
        ] {
            assert_eq!(
                CarerConsent::check(other, false),
                Ok(CarerConsent::NotNeeded)
            );
        }
        assert_eq!(CarerConsent::Confirmed.audit_note(3), " carer_consent=3");
        assert_eq!(CarerConsent::NotNeeded.audit_note(3), "");
    }
}
