//! The append-only audit log of staff actions. Nothing here updates or deletes an entry.

use crate::db::DbConnection;
use crate::db::schema::audit_log;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

/// What a staff member did: one name per kind of entry, stored as its dotted spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A staff member signed in.
    SignIn,
    /// A sign-in failed (wrong address or password).
    SignInFailed,
    /// A sign-in was refused while the address was throttled.
    SignInLocked,
    /// A staff member signed out.
    SignOut,
    /// A team was added.
    TeamAdd,
    /// A team's language or easy-read setting changed.
    TeamPreferences,
    /// A team's crisis line changed.
    TeamCrisisLine,
    /// A user was added or updated from the command line.
    UserAdd,
    /// A user was saved on the admin page.
    UserSave,
    /// An API key was created.
    ApiKeyCreate,
    /// Invitations were issued (the detail says how many).
    InvitationsIssue,
    /// A concern was logged.
    ConcernCreate,
    /// A concern was closed.
    ConcernClose,
    /// An action was added to a concern.
    ActionCreate,
    /// An action was changed.
    ActionUpdate,
    /// Free-text comments were read.
    CommentsView,
    /// A comment's sentiment was corrected.
    CommentSentiment,
    /// A CSV export was downloaded.
    ExportCsv,
    /// Urgent comments were read.
    UrgentView,
    /// An urgent comment was acknowledged, with a note of what was done.
    UrgentAcknowledge,
    /// A team's duty contact for urgent comments changed.
    TeamDutyContact,
    /// A contact was added to the opt-out list (never which).
    OptOutAdd,
    /// A paper or telephone response was keyed in (never which).
    ResponseEntered,
    /// A tablet was registered for a team.
    TabletAdd,
    /// A tablet's link was revoked.
    TabletRevoke,
    /// The organisation's FFT submission counts were exported.
    ExportSubmission,
    /// An account was disabled: its sessions ended and its keys were revoked.
    UserDisable,
    /// A disabled account was enabled again.
    UserEnable,
    /// A user's role in a team was taken away.
    UserRemoveRole,
    /// An address's failed sign-ins were cleared by an admin.
    UserUnlock,
    /// An API key was revoked.
    ApiKeyRevoke,
    /// A survey round of the staff or partner questionnaire was opened (the detail says how
    /// many links).
    RoundOpen,
    /// A team's staff size or partner list size changed.
    TeamRoundSizes,
}

impl AuditAction {
    /// Every kind, for filters and tests.
    pub const ALL: [AuditAction; 33] = [
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignInLocked,
        AuditAction::SignOut,
        AuditAction::TeamAdd,
        AuditAction::TeamPreferences,
        AuditAction::TeamCrisisLine,
        AuditAction::UserAdd,
        AuditAction::UserSave,
        AuditAction::ApiKeyCreate,
        AuditAction::InvitationsIssue,
        AuditAction::ConcernCreate,
        AuditAction::ConcernClose,
        AuditAction::ActionCreate,
        AuditAction::ActionUpdate,
        AuditAction::CommentsView,
        AuditAction::CommentSentiment,
        AuditAction::ExportCsv,
        AuditAction::UrgentView,
        AuditAction::UrgentAcknowledge,
        AuditAction::TeamDutyContact,
        AuditAction::OptOutAdd,
        AuditAction::ResponseEntered,
        AuditAction::TabletAdd,
        AuditAction::TabletRevoke,
        AuditAction::ExportSubmission,
        AuditAction::UserDisable,
        AuditAction::UserEnable,
        AuditAction::UserRemoveRole,
        AuditAction::UserUnlock,
        AuditAction::ApiKeyRevoke,
        AuditAction::RoundOpen,
        AuditAction::TeamRoundSizes,
    ];

    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in.failed",
            AuditAction::SignInLocked => "sign_in.locked",
            AuditAction::SignOut => "sign_out",
            AuditAction::TeamAdd => "team.add",
            AuditAction::TeamPreferences => "team.preferences",
            AuditAction::TeamCrisisLine => "team.crisis_line",
            AuditAction::UserAdd => "user.add",
            AuditAction::UserSave => "user.save",
            AuditAction::ApiKeyCreate => "api_key.create",
            AuditAction::InvitationsIssue => "invitations.issue",
            AuditAction::ConcernCreate => "concern.create",
            AuditAction::ConcernClose => "concern.close",
            AuditAction::ActionCreate => "action.create",
            AuditAction::ActionUpdate => "action.update",
            AuditAction::CommentsView => "comments.view",
            AuditAction::CommentSentiment => "comment.sentiment",
            AuditAction::ExportCsv => "export.csv",
            AuditAction::UrgentView => "urgent.view",
            AuditAction::UrgentAcknowledge => "urgent.acknowledge",
            AuditAction::TeamDutyContact => "team.duty_contact",
            AuditAction::OptOutAdd => "opt_out.add",
            AuditAction::ResponseEntered => "response.entered",
            AuditAction::TabletAdd => "tablet.add",
            AuditAction::TabletRevoke => "tablet.revoke",
            AuditAction::ExportSubmission => "export.submission",
            AuditAction::UserDisable => "user.disable",
            AuditAction::UserEnable => "user.enable",
            AuditAction::UserRemoveRole => "user.remove_role",
            AuditAction::UserUnlock => "user.unlock",
            AuditAction::ApiKeyRevoke => "api_key.revoke",
            AuditAction::RoundOpen => "round.open",
            AuditAction::TeamRoundSizes => "team.round_sizes",
        }
    }

    /// Reads a stored spelling back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Records one staff action. `detail` must hold no free text, email address or token.
pub fn record(
    conn: &mut DbConnection,
    actor: &str,
    action: AuditAction,
    team_id: Option<&str>,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(uuid::Uuid::new_v4().to_string()),
            audit_log::at.eq(crate::db::now()),
            audit_log::actor.eq(actor),
            audit_log::action.eq(action.as_str()),
            audit_log::team_id.eq(team_id),
            audit_log::detail.eq(detail),
        ))
        .execute(conn)
        .map(|_| ())
}

/// One entry as shown to admins.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub team_id: Option<String>,
    pub detail: String,
}

/// Filters for reading the log.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub team_id: Option<String>,
    pub actor: Option<String>,
}

/// The newest entries matching the filter, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(team) = &filter.team_id {
        query = query.filter(audit_log::team_id.eq(team.clone()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_log::actor.eq(actor.clone()));
    }
    query
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_spelling_and_reads_back() {
        let spellings: std::collections::BTreeSet<&str> =
            AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(spellings.len(), AuditAction::ALL.len());
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("sign_in.unknown"), None);
    }
}
