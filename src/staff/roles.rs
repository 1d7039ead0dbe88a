//! Who may do what. Admin is a flag on the user; manager and clinician are per team.

/// A role within one team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Manager,
    Clinician,
}

/// Things a route may require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    IssueInvitations,
    ViewYouSaidWeDid,
    ViewConcerns,
    ManageConcerns,
    ViewReports,
    ViewComments,
    /// Read and acknowledge urgent comments: a safeguarding duty of every clinician.
    ViewUrgent,
    /// Set the team's duty contact for urgent comments.
    SetDutyContact,
    /// Send the staff or partner questionnaire to the team as a survey round (managers).
    RunSurveyRounds,
}

impl Role {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Clinician => "clinician",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "manager" => Some(Role::Manager),
            "clinician" => Some(Role::Clinician),
            _ => None,
        }
    }

    /// Clinicians issue discharge invitations, see the public summary and read urgent comments;
    /// managers do everything in their teams, survey rounds included.
    pub fn allows(self, permission: Permission) -> bool {
        match self {
            Role::Manager => true,
            Role::Clinician => matches!(
                permission,
                Permission::IssueInvitations
                    | Permission::ViewYouSaidWeDid
                    | Permission::ViewUrgent
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clinicians_cannot_manage_concerns_or_read_comments() {
        assert!(Role::Clinician.allows(Permission::IssueInvitations));
        assert!(!Role::Clinician.allows(Permission::ManageConcerns));
        assert!(!Role::Clinician.allows(Permission::ViewComments));
        assert!(Role::Manager.allows(Permission::ViewComments));
        assert!(!Role::Clinician.allows(Permission::RunSurveyRounds));
        assert!(Role::Manager.allows(Permission::RunSurveyRounds));
    }
}
