//! The alerts about an urgent comment, worked out when the outbox says they are due: to the
//! team's duty contact (or the Trust's fallback address) at once, and to the fallback address
//! again if nobody has acknowledged it in time. They name the team and the day and link to the
//! urgent page; they never hold the comment or anything else the person wrote.

use crate::db::DbConnection;
use crate::db::schema::{teams, urgent_comments};
use crate::mail::MailKind;
use crate::mail::outbox::{Contact, Letter, Letters};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

/// What the alert templates may use.
#[derive(Debug, Serialize)]
struct AlertContext<'a> {
    team_name: &'a str,
    team_code: &'a str,
    received_on: String,
    link: String,
    ack_hours: String,
}

/// Urgent alerts for a service at `public_url`.
pub struct UrgentLetters {
    pub public_url: String,
    /// `URGENT_FALLBACK_EMAIL`: for teams without a duty contact, and for escalations.
    pub fallback_email: Option<String>,
    /// `URGENT_ACK_HOURS`, as words for the message ("4", "0.5").
    pub ack_hours: String,
    /// Whether urgent texts are set up (`NOTIFY_API_KEY` and `NOTIFY_URGENT_SMS_TEMPLATE_ID`).
    pub texts: bool,
}

type AlertRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDate,
    Option<NaiveDateTime>,
);

impl Letters for UrgentLetters {
    fn prepare(
        &self,
        conn: &mut DbConnection,
        kind: MailKind,
        urgent_id: &str,
    ) -> Result<Option<Letter>, String> {
        let db = |e: diesel::result::Error| format!("database: {e}");
        let found: Option<AlertRow> = urgent_comments::table
            .inner_join(teams::table)
            .filter(urgent_comments::id.eq(urgent_id))
            .select((
                teams::name,
                teams::code,
                teams::urgent_email,
                teams::urgent_mobile,
                urgent_comments::received_on,
                urgent_comments::acknowledged_at,
            ))
            .get_result(conn)
            .optional()
            .map_err(db)?;
        let Some((team_name, team_code, duty_email, duty_mobile, received_on, acknowledged)) =
            found
        else {
            return Ok(None);
        };
        let to = match kind {
            MailKind::UrgentEscalation if acknowledged.is_some() => return Ok(None),
            MailKind::UrgentEscalation => self
                .fallback_email
                .clone()
                .or(duty_email)
                .map(Contact::Email),
            // A text besides the email, to a duty mobile where one is set and texts are.
            MailKind::UrgentAlertText => {
                match duty_mobile.filter(|_| self.texts && acknowledged.is_none()) {
                    Some(mobile) => Some(Contact::Mobile(mobile)),
                    None => return Ok(None),
                }
            }
            _ => duty_email
                .or_else(|| self.fallback_email.clone())
                .map(Contact::Email),
        };
        // With nowhere to send it, the alert waits in the outbox (and every staff page of the
        // team warns) until a duty contact or fallback address is set: never dropped.
        let to = to.ok_or("no duty contact and no URGENT_FALLBACK_EMAIL to alert")?;
        let context = AlertContext {
            team_name: &team_name,
            team_code: &team_code,
            received_on: received_on.format("%-d %B %Y").to_string(),
            link: format!("{}/staff/teams/{}/urgent", self.public_url, team_code),
            ack_hours: self.ack_hours.clone(),
        };
        let context = serde_json::to_value(&context).map_err(|e| e.to_string())?;
        Ok(Some(Letter {
            to,
            personalisation: Some(context.clone()),
            context,
            after_sent: None,
            undo: None,
            after_give_up: None,
        }))
    }
}
