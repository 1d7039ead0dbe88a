//! The invitation and reminder messages, worked out when the outbox says they are due: the
//! address or mobile number, the team, and a link minted at that moment, so no usable link waits
//! in the database before its message is sent. A text carries a short link (`/c/{code}`) so it
//! fits in one or two text fragments.

use super::short_code;
use crate::db::DbConnection;
use crate::db::schema::{invitation_tokens, invitations, teams};
use crate::mail::MailKind;
use crate::mail::outbox::{Contact, Followup, Letter, Letters};
use crate::tokens;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

/// What the invitation and reminder email templates may use.
#[derive(Debug, Serialize)]
struct InvitationContext<'a> {
    team_name: &'a str,
    link: &'a str,
    expires_on: String,
    privacy_link: String,
    national_help: &'a str,
}

/// What a GOV.UK Notify invitation template may use (see the README's Notify section).
#[derive(Debug, Serialize)]
struct Personalisation<'a> {
    team: &'a str,
    link: &'a str,
    code: &'a str,
    expires_on: String,
    help: &'a str,
}

/// The help line a text can hold: the team's crisis line when it is short enough, else the
/// national mental-health option of NHS 111.
const SHORT_HELP: &str = "NHS 111, option 2";
const SHORT_HELP_MAX: usize = 30;

/// The text the README recommends for the Notify invitation template: with a 40-character team
/// name, a 38-character `PUBLIC_URL`, a Welsh link and the longest help line it stays under 300
/// characters, two SMS fragments (tested below).
pub const RECOMMENDED_SMS_TEMPLATE: &str = "((team)) would value your feedback on the care you had. \
     It takes 3 minutes: ((link)) (open until ((expires_on))). Need help now? Call ((help)). \
     Reply STOP to stop these texts.";

/// Invitation letters for a service at `public_url`.
pub struct InvitationLetters {
    pub public_url: String,
    pub national_help: String,
    /// Anyone on it is sent nothing more, whatever was queued before they asked.
    pub opt_outs: crate::opt_outs::OptOuts,
}

#[derive(Queryable)]
struct Due {
    email: Option<String>,
    mobile: Option<String>,
    used: bool,
    expires_on: NaiveDate,
    language: Option<String>,
    team_name: String,
    crisis_line: Option<String>,
}

impl Letters for InvitationLetters {
    fn prepare(
        &self,
        conn: &mut DbConnection,
        kind: MailKind,
        invitation_id: &str,
    ) -> Result<Option<Letter>, String> {
        let db = |e: diesel::result::Error| format!("database: {e}");
        let due: Option<Due> = invitations::table
            .inner_join(teams::table)
            .filter(invitations::id.eq(invitation_id))
            .select((
                invitations::email,
                invitations::mobile,
                invitations::used,
                invitations::expires_on,
                invitations::language,
                teams::name,
                teams::crisis_line,
            ))
            .get_result(conn)
            .optional()
            .map_err(db)?;
        let Some(due) = due.filter(|d| !d.used && d.expires_on >= crate::db::today()) else {
            return Ok(None);
        };
        let (contact, opt_out_form) = match (&due.mobile, &due.email) {
            (Some(mobile), _) => (
                Contact::Mobile(mobile.clone()),
                crate::opt_outs::OptOutContact::Mobile(mobile.clone()),
            ),
            (None, Some(email)) => (
                Contact::Email(email.clone()),
                crate::opt_outs::OptOutContact::Email(email.to_lowercase()),
            ),
            (None, None) => return Ok(None),
        };
        if self.opt_outs.contains(conn, &opt_out_form).map_err(db)? {
            // Asked not to be contacted since this was queued: send nothing, keep nothing.
            erase_contact(invitation_id.to_string())(conn).map_err(db)?;
            return Ok(None);
        }
        // The link is minted now and exists in clear only inside the message: a short code for
        // a text, a full token for an email.
        let (secret, link) = match contact {
            Contact::Mobile(_) => {
                let code = short_code::generate();
                let link = format!("{}/c/{}", self.public_url, code);
                (code, link)
            }
            Contact::Email(_) => {
                let token = tokens::random_token();
                let link = format!("{}/s/{}", self.public_url, token);
                (token, link)
            }
        };
        let link = match due.language.as_deref() {
            Some("cy") => format!("{link}?lang=cy"),
            _ => link,
        };
        let secret_hash = tokens::hash(&secret);
        diesel::insert_into(invitation_tokens::table)
            .values((
                invitation_tokens::token_hash.eq(&secret_hash),
                invitation_tokens::invitation_id.eq(invitation_id),
            ))
            .execute(conn)
            .map_err(db)?;
        let expires_on = due.expires_on.format("%-d %B %Y").to_string();
        let context = InvitationContext {
            team_name: &due.team_name,
            link: &link,
            expires_on: expires_on.clone(),
            privacy_link: format!("{}/privacy", self.public_url),
            national_help: &self.national_help,
        };
        let help = due
            .crisis_line
            .as_deref()
            .filter(|line| line.chars().count() <= SHORT_HELP_MAX)
            .unwrap_or(SHORT_HELP);
        let personalisation = Personalisation {
            team: &due.team_name,
            link: &link,
            code: if matches!(contact, Contact::Mobile(_)) {
                &secret
            } else {
                ""
            },
            expires_on,
            help,
        };
        let owner = invitation_id.to_string();
        Ok(Some(Letter {
            to: contact,
            context: serde_json::to_value(&context).map_err(|e| e.to_string())?,
            personalisation: Some(
                serde_json::to_value(&personalisation).map_err(|e| e.to_string())?,
            ),
            // After the one reminder the contact has served its purpose.
            after_sent: (kind == MailKind::Reminder).then(|| erase_contact(owner.clone())),
            // Nobody holds this link if the message did not go: remove it so it cannot be
            // guessed later.
            undo: Some(Box::new(move |conn: &mut DbConnection| {
                diesel::delete(invitation_tokens::table.find(&secret_hash))
                    .execute(conn)
                    .map(|_| ())
            })),
            // A contact that can never be reached is not kept either.
            after_give_up: Some(erase_contact(owner)),
        }))
    }
}

/// Erases an invitation's address and number.
fn erase_contact(invitation_id: String) -> Followup {
    Box::new(move |conn: &mut DbConnection| {
        diesel::update(invitations::table.find(&invitation_id))
            .set((
                invitations::email.eq(None::<String>),
                invitations::mobile.eq(None::<String>),
            ))
            .execute(conn)
            .map(|_| ())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recommended_text_stays_under_300_characters_at_its_longest_and_is_the_readmes() {
        let longest = RECOMMENDED_SMS_TEMPLATE
            .replace("((team))", &"T".repeat(40))
            .replace(
                "((link))",
                &format!(
                    "https://feedback.northern-trust.nhs.uk/c/{}?lang=cy",
                    short_code::generate()
                ),
            )
            .replace("((expires_on))", "28 September 2026")
            .replace("((help))", &"H".repeat(SHORT_HELP_MAX));
        assert!(!longest.contains("(("), "every placeholder is personalised");
        assert!(
            longest.chars().count() < 300,
            "{} characters",
            longest.chars().count()
        );
        assert!(SHORT_HELP.len() <= SHORT_HELP_MAX);
        assert!(
            include_str!("../../README.md").contains(RECOMMENDED_SMS_TEMPLATE),
            "the README recommends this text, word for word"
        );
    }
}
