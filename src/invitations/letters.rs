//! The invitation and reminder emails, worked out when the outbox says they are due: the
//! address, the team, and a link minted at that moment, so no usable link waits in the database
//! before its message is sent.

use crate::db::DbConnection;
use crate::db::schema::{invitation_tokens, invitations, teams};
use crate::mail::MailKind;
use crate::mail::outbox::{Letter, Letters};
use crate::tokens;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

/// What the invitation and reminder templates may use.
#[derive(Debug, Serialize)]
struct InvitationContext<'a> {
    team_name: &'a str,
    link: &'a str,
    expires_on: String,
    privacy_link: String,
    national_help: &'a str,
}

/// Invitation letters for a service at `public_url`.
pub struct InvitationLetters {
    pub public_url: String,
    pub national_help: String,
}

impl Letters for InvitationLetters {
    fn prepare(
        &self,
        conn: &mut DbConnection,
        kind: MailKind,
        invitation_id: &str,
    ) -> Result<Option<Letter>, String> {
        let db = |e: diesel::result::Error| format!("database: {e}");
        let invitation: Option<(Option<String>, bool, NaiveDate, String)> = invitations::table
            .inner_join(teams::table)
            .filter(invitations::id.eq(invitation_id))
            .select((
                invitations::email,
                invitations::used,
                invitations::expires_on,
                teams::name,
            ))
            .get_result(conn)
            .optional()
            .map_err(db)?;
        let deliverable = invitation.filter(|(email, used, expires_on, _)| {
            email.is_some() && !used && *expires_on >= crate::db::today()
        });
        let Some((Some(email), _, expires_on, team_name)) = deliverable else {
            return Ok(None);
        };
        // The link is minted now and exists in clear only inside the message.
        let token = tokens::random_token();
        let token_hash = tokens::hash(&token);
        diesel::insert_into(invitation_tokens::table)
            .values((
                invitation_tokens::token_hash.eq(&token_hash),
                invitation_tokens::invitation_id.eq(invitation_id),
            ))
            .execute(conn)
            .map_err(db)?;
        let link = format!("{}/s/{}", self.public_url, token);
        let context = InvitationContext {
            team_name: &team_name,
            link: &link,
            expires_on: expires_on.format("%-d %B %Y").to_string(),
            privacy_link: format!("{}/privacy", self.public_url),
            national_help: &self.national_help,
        };
        let context = serde_json::to_value(&context).map_err(|e| e.to_string())?;
        let owner = invitation_id.to_string();
        Ok(Some(Letter {
            to: email,
            context,
            // After the one reminder the address has served its purpose.
            after_sent: (kind == MailKind::Reminder).then(|| {
                Box::new(move |conn: &mut DbConnection| {
                    diesel::update(invitations::table.find(&owner))
                        .set(invitations::email.eq(None::<String>))
                        .execute(conn)
                        .map(|_| ())
                }) as crate::mail::outbox::Followup
            }),
            // Nobody holds this token if the message did not go: remove it so it cannot be
            // guessed later.
            undo: Some(Box::new(move |conn: &mut DbConnection| {
                diesel::delete(invitation_tokens::table.find(&token_hash))
                    .execute(conn)
                    .map(|_| ())
            })),
        }))
    }
}
