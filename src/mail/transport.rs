//! Where mail goes: an SMTP relay, or `.eml` files in a folder when no relay is configured.

use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::path::PathBuf;
use std::time::Duration;

/// The configured way of sending.
#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpTransport),
    Files(FileTransport, PathBuf),
    /// Only inside unit tests: keeps messages in memory.
    #[cfg(test)]
    Stub(lettre::transport::stub::StubTransport),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(_, dir) => write!(f, "Mailer::Files({})", dir.display()),
            #[cfg(test)]
            Mailer::Stub(_) => f.write_str("Mailer::Stub"),
        }
    }
}

impl Mailer {
    /// SMTP from a URL (`smtp://host:port` is plain SMTP; `smtps://` and `?tls=required` use TLS).
    pub fn smtp(url: &str) -> anyhow::Result<Self> {
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("SMTP_URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        Ok(Mailer::Smtp(transport))
    }

    /// Writes each message as a `.eml` file into `dir`, creating it.
    pub fn files(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("MAIL_DIR {}: {e}", dir.display()))?;
        Ok(Mailer::Files(FileTransport::new(&dir), dir))
    }

    /// Sends one message. The error text comes from the transport and may quote a reply from
    /// the relay, so callers scrub it before storing or logging it.
    pub fn send(&self, message: &Message) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(t, _) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
            #[cfg(test)]
            Mailer::Stub(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}
