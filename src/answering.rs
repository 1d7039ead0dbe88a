//! Answering a questionnaire: redeeming the link and storing the response happen in one
//! transaction, so a link works once even when fifty submissions race.
//!
//! This is the one place that touches both invitations and responses, and it passes nothing
//! from the invitation into the response but the team, the questionnaire version and the channel.

use crate::concerns;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::invitations::{self, OpenInvitation};
use crate::responses::{self, NewResponse, Prepared, Stored};
use crate::surveys::Respondent;

/// Stores the answers for an open invitation, or fails with `Gone` if another submission used
/// the link first.
///
/// The caller runs this inside a transaction or savepoint of its own (the survey route uses
/// `db::group_commit`, which gives each submission a savepoint), so that a failure part way
/// through undoes the redeemed link as well as the rows written.
pub fn submit(
    conn: &mut DbConnection,
    invitation: &OpenInvitation,
    respondent: Respondent,
    answers: &Prepared,
    tally: &mut crate::totals::Tally,
) -> Result<Stored, AppError> {
    // First statement is the write: on SQLite it takes the write lock at once (and waits
    // its turn), on PostgreSQL the row lock makes the loser see `used`.
    if !invitations::redeem(conn, &invitation.id)? {
        return Err(AppError::Gone);
    }
    let received_on = crate::db::today();
    let new = NewResponse {
        team_id: &invitation.team_id,
        survey_version_id: &invitation.survey_version_id,
        respondent,
        channel: invitation.channel.as_str(),
        received_on,
    };
    let stored = responses::store(conn, &new, answers, tally)?;
    concerns::raise_from_response(conn, &invitation.team_id, &stored, received_on)?;
    Ok(stored)
}
