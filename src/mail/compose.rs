//! Building invitation and reminder emails from templates: a text and an HTML part, our own
//! Message-ID, and a subject that says nothing about health.

use crate::templates::Templates;
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, header};
use serde::Serialize;

/// Which email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Reminder,
    /// An urgent comment was received: to the team's duty contact.
    UrgentAlert,
    /// Nobody acknowledged an urgent comment in time: to the Trust's fallback address.
    UrgentEscalation,
    /// An urgent comment was received: a text to the team's duty mobile, when texts are set up.
    UrgentAlertText,
}

impl MailKind {
    /// The outbox spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
            MailKind::UrgentAlert => "urgent_alert",
            MailKind::UrgentEscalation => "urgent_escalation",
            MailKind::UrgentAlertText => "urgent_alert_text",
        }
    }

    /// Every kind.
    pub const ALL: [MailKind; 5] = [
        MailKind::Invitation,
        MailKind::Reminder,
        MailKind::UrgentAlert,
        MailKind::UrgentEscalation,
        MailKind::UrgentAlertText,
    ];

    /// Parses the outbox spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn subject(self) -> &'static str {
        match self {
            MailKind::Invitation => "We would value your feedback",
            MailKind::Reminder => "A reminder: we would value your feedback",
            MailKind::UrgentAlert => "Urgent: a feedback comment needs reading today",
            MailKind::UrgentEscalation => "Urgent and not yet acknowledged: a feedback comment",
            MailKind::UrgentAlertText => "Urgent: a feedback comment needs reading today",
        }
    }
}

/// Builds the message. `host` is the domain used in our Message-ID.
pub fn compose(
    templates: &Templates,
    kind: MailKind,
    from: &str,
    to: &str,
    host: &str,
    context: &impl Serialize,
) -> anyhow::Result<Message> {
    let name = kind.as_str();
    let text = templates.text(&format!("email/{name}.txt"), context)?;
    let html = templates.html(&format!("email/{name}.html"), context)?;
    let from: Mailbox = from
        .parse()
        .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a mailbox: {e}"))?;
    let to: Mailbox = to
        .parse()
        .map_err(|_| anyhow::anyhow!("the recipient address is not a mailbox"))?;
    let message_id = format!("<{}@{}>", uuid::Uuid::new_v4(), host);
    Message::builder()
        .from(from)
        .to(to)
        .subject(kind.subject())
        .message_id(Some(message_id))
        .header(header::MIME_VERSION_1_0)
        .multipart(MultiPart::alternative_plain_html(text, html))
        .map_err(|e| anyhow::anyhow!("building the message failed: {e}"))
}
