//! GOV.UK Notify: text messages (and, when a template is set, emails) sent through its REST API.
//!
//! An API key is `{key name}-{service id}-{secret}`, both ids UUIDs. Each request carries
//! `Authorization: Bearer <JWT>`, signed HS256 with the secret, with `iss` the service id and
//! `iat` the time now (Notify refuses tokens more than 30 seconds old). A 429 or 5xx answer, or
//! no answer, is worth retrying; a 400 or 403 never will be (a number Notify will not text, a
//! revoked key), so the outbox gives such a message up.

use crate::config::Secret;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Notify's public API address.
pub const PUBLIC_API: &str = "https://api.notifications.service.gov.uk";

/// A Notify API key, split into the parts a token needs.
#[derive(Clone)]
pub struct NotifyKey {
    service_id: String,
    secret: Secret<String>,
}

impl std::fmt::Debug for NotifyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotifyKey([redacted])")
    }
}

/// The length of a UUID in its usual text form.
const UUID_LEN: usize = 36;

impl NotifyKey {
    /// Reads `{key name}-{service id}-{secret}`; the error never repeats the key.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let bad =
            || "must be a GOV.UK Notify API key: {key name}-{service id}-{secret}".to_string();
        // The name may itself hold hyphens: the two ids are the last 73 characters.
        let tail = raw
            .len()
            .checked_sub(2 * UUID_LEN + 1)
            .and_then(|start| raw.get(start..))
            .ok_or_else(bad)?;
        let (service_id, secret) = (&tail[..UUID_LEN], &tail[UUID_LEN + 1..]);
        let separated = raw.len() > 2 * UUID_LEN + 2
            && raw.as_bytes()[raw.len() - 2 * UUID_LEN - 2] == b'-'
            && tail.as_bytes()[UUID_LEN] == b'-';
        if !separated
            || uuid::Uuid::parse_str(service_id).is_err()
            || uuid::Uuid::parse_str(secret).is_err()
        {
            return Err(bad());
        }
        Ok(NotifyKey {
            service_id: service_id.to_string(),
            secret: Secret::new(secret.to_string()),
        })
    }

    /// The service id, which tokens name as their issuer.
    pub fn service_id(&self) -> &str {
        &self.service_id
    }
}

/// The claims Notify reads.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    iat: i64,
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// Worth trying again later (rate limited, Notify down, no answer).
    Retry(String),
    /// Never will be sent (refused as it stands).
    GiveUp(String),
}

/// A text message received by the service's number.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedText {
    pub id: String,
    pub user_number: String,
    pub content: String,
}

#[derive(Deserialize)]
struct ReceivedPage {
    received_text_messages: Vec<ReceivedText>,
    #[serde(default)]
    links: Links,
}

#[derive(Deserialize, Default)]
struct Links {
    next: Option<String>,
}

/// A client of one Notify service.
#[derive(Clone)]
pub struct Notify {
    base_url: String,
    key: NotifyKey,
    client: reqwest::blocking::Client,
}

impl std::fmt::Debug for Notify {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Notify({})", self.base_url)
    }
}

/// The most pages of received texts read in one go: Notify keeps a week of them.
const MAX_PAGES: usize = 50;

impl Notify {
    /// A client for the API at `base_url` (Notify's own, or a fake in tests).
    pub fn new(base_url: &str, key: NotifyKey) -> anyhow::Result<Self> {
        // The blocking client starts a runtime of its own, which may not be done from inside
        // another (the server's, at start-up): so it is built on a thread of its own.
        let client = std::thread::spawn(|| {
            reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(15))
                .build()
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the HTTP client for GOV.UK Notify could not start"))?
        .map_err(|e| anyhow::anyhow!("the HTTP client for GOV.UK Notify: {e}"))?;
        Ok(Notify {
            base_url: base_url.trim_end_matches('/').to_string(),
            key,
            client,
        })
    }

    /// A fresh token: Notify refuses one issued more than 30 seconds ago.
    fn token(&self) -> Result<String, NotSent> {
        let claims = Claims {
            iss: self.key.service_id.clone(),
            iat: chrono::Utc::now().timestamp(),
        };
        let failed = |e: jsonwebtoken::errors::Error| {
            NotSent::GiveUp(format!("signing the Notify token failed: {e}"))
        };
        let key = jsonwebtoken::EncodingKey::from_secret(self.key.secret.expose().as_bytes())
            .map_err(failed)?;
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &key,
        )
        .map_err(failed)
    }

    /// Sends a text message from `template_id` to `phone_number`.
    pub fn send_sms(
        &self,
        phone_number: &str,
        template_id: &str,
        personalisation: &serde_json::Value,
        reference: &str,
    ) -> Result<(), NotSent> {
        let body = serde_json::json!({
            "phone_number": phone_number,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": reference,
        });
        self.post("/v2/notifications/sms", &body)
    }

    /// Sends an email from `template_id` to `email_address`.
    pub fn send_email(
        &self,
        email_address: &str,
        template_id: &str,
        personalisation: &serde_json::Value,
        reference: &str,
    ) -> Result<(), NotSent> {
        let body = serde_json::json!({
            "email_address": email_address,
            "template_id": template_id,
            "personalisation": personalisation,
            "reference": reference,
        });
        self.post("/v2/notifications/email", &body)
    }

    fn post(&self, path: &str, body: &serde_json::Value) -> Result<(), NotSent> {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(self.token()?)
            .json(body)
            .send()
            .map_err(|e| {
                NotSent::Retry(format!("GOV.UK Notify did not answer: {}", e.without_url()))
            })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Notify's error bodies name the problem (never the number or address sent).
        let detail = response.text().unwrap_or_default();
        let detail: String = detail.chars().take(300).collect();
        let reason = format!("GOV.UK Notify answered {}: {detail}", status.as_u16());
        if status.as_u16() == 429 || status.is_server_error() {
            Err(NotSent::Retry(reason))
        } else {
            Err(NotSent::GiveUp(reason))
        }
    }

    /// Every text message the service has received that Notify still keeps, newest first,
    /// following Notify's `links.next` pages (on the same host only: the token goes with them).
    pub fn received_texts(&self) -> Result<Vec<ReceivedText>, String> {
        let mut url = format!("{}/v2/received-text-messages", self.base_url);
        let mut texts = Vec::new();
        for _ in 0..MAX_PAGES {
            let token = self.token().map_err(|e| format!("{e:?}"))?;
            let response = self
                .client
                .get(&url)
                .bearer_auth(token)
                .send()
                .map_err(|e| format!("GOV.UK Notify did not answer: {}", e.without_url()))?;
            if !response.status().is_success() {
                return Err(format!(
                    "GOV.UK Notify answered {} for received texts",
                    response.status().as_u16()
                ));
            }
            let page: ReceivedPage = response
                .json()
                .map_err(|e| format!("GOV.UK Notify's received texts could not be read: {e}"))?;
            let empty = page.received_text_messages.is_empty();
            texts.extend(page.received_text_messages);
            match page.links.next.and_then(|next| self.same_host(&next)) {
                Some(next) if !empty => url = next,
                _ => break,
            }
        }
        Ok(texts)
    }

    /// A `links.next` as a full address, if it points at this client's API.
    fn same_host(&self, next: &str) -> Option<String> {
        if next.starts_with('/') {
            let path = next.strip_prefix("/v2").unwrap_or(next);
            Some(format!("{}/v2{path}", self.base_url))
        } else if next.starts_with(&format!("{}/", self.base_url)) {
            Some(next.to_string())
        } else {
            None
        }
    }
}

/// The template of each kind of message, as set up in Notify.
#[derive(Debug, Clone, Default)]
pub struct NotifyTemplates {
    /// `NOTIFY_SMS_TEMPLATE_ID`: text invitations.
    pub sms: Option<String>,
    /// `NOTIFY_REMINDER_SMS_TEMPLATE_ID`: the one text reminder (the invitation's template when
    /// unset).
    pub reminder_sms: Option<String>,
    /// `NOTIFY_EMAIL_TEMPLATE_ID`: when set, email invitations and reminders go through Notify.
    pub email: Option<String>,
    /// `NOTIFY_URGENT_SMS_TEMPLATE_ID`: a text to a team's duty mobile about an urgent comment.
    pub urgent_sms: Option<String>,
}

impl NotifyTemplates {
    /// The text template for a kind of message, if there is one.
    pub fn sms_for(&self, kind: super::MailKind) -> Option<&str> {
        use super::MailKind;
        match kind {
            MailKind::Invitation => self.sms.as_deref(),
            MailKind::Reminder => self.reminder_sms.as_deref().or(self.sms.as_deref()),
            MailKind::UrgentAlertText => self.urgent_sms.as_deref(),
            MailKind::UrgentAlert | MailKind::UrgentEscalation => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: &str = "26785a09-ab16-4eb0-8407-a37497a57506";
    const SECRET: &str = "3d844edf-8d35-48ac-975b-e847b4f122b0";

    #[test]
    fn a_key_is_split_into_its_service_id_and_secret_whatever_its_name() {
        for name in ["test", "my-team-key", "a"] {
            let key = NotifyKey::parse(&format!("{name}-{SERVICE}-{SECRET}")).unwrap();
            assert_eq!(key.service_id(), SERVICE);
            assert_eq!(key.secret.expose(), SECRET);
        }
        for bad in [
            "",
            "not-a-key",
            &format!("{SERVICE}-{SECRET}"),
            &format!("x-{SERVICE}{SECRET}"),
        ] {
            let error = NotifyKey::parse(bad).unwrap_err();
            assert!(!error.contains(SECRET));
        }
        let key = NotifyKey::parse(&format!("k-{SERVICE}-{SECRET}")).unwrap();
        assert!(!format!("{key:?}").contains(SECRET));
    }

    #[test]
    fn a_token_names_the_service_now_and_is_signed_with_the_secret() {
        let key = NotifyKey::parse(&format!("k-{SERVICE}-{SECRET}")).unwrap();
        let notify = Notify::new("http://127.0.0.1:9", key).unwrap();
        let token = notify.token().unwrap();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let read = jsonwebtoken::decode::<Claims>(
            &token,
            &jsonwebtoken::DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(read.claims.iss, SERVICE);
        assert!((chrono::Utc::now().timestamp() - read.claims.iat).abs() <= 2);
    }

    #[test]
    fn only_next_pages_on_the_same_host_are_followed() {
        let key = NotifyKey::parse(&format!("k-{SERVICE}-{SECRET}")).unwrap();
        let notify = Notify::new("http://127.0.0.1:9000", key).unwrap();
        assert_eq!(
            notify
                .same_host("/v2/received-text-messages?older_than=x")
                .as_deref(),
            Some("http://127.0.0.1:9000/v2/received-text-messages?older_than=x")
        );
        assert_eq!(
            notify
                .same_host("http://127.0.0.1:9000/v2/received-text-messages?older_than=y")
                .as_deref(),
            Some("http://127.0.0.1:9000/v2/received-text-messages?older_than=y")
        );
        assert_eq!(notify.same_host("https://elsewhere.example/v2/x"), None);
    }
}
