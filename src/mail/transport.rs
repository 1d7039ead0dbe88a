//! Where mail goes: an SMTP relay, or `.eml` files in a folder when no relay is configured.

use lettre::{Message, SmtpTransport, Transport};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The configured way of sending.
#[derive(Clone)]
pub enum Mailer {
    Smtp(SmtpTransport),
    /// A folder of `.eml` files, readable by the service's user only: each holds an address and
    /// a live link until it is deleted (see `jobs`).
    Files(PathBuf),
    /// Only inside unit tests: keeps messages in memory.
    #[cfg(test)]
    Stub(lettre::transport::stub::StubTransport),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(dir) => write!(f, "Mailer::Files({})", dir.display()),
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

    /// Writes each message as a `.eml` file into `dir`, creating it readable by its owner only.
    pub fn files(dir: PathBuf) -> anyhow::Result<Self> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .and_then(|()| {
                // A folder that was there already is narrowed too: its files hold addresses.
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            })
            .map_err(|e| anyhow::anyhow!("MAIL_DIR {}: {e}", dir.display()))?;
        Ok(Mailer::Files(dir))
    }

    /// Sends one message; `name` says what it is (for a file, its name: `name.eml`). The error
    /// text comes from the transport and may quote a reply from the relay, so callers scrub it
    /// before storing or logging it.
    pub fn send(&self, message: &Message, name: &str) -> Result<(), String> {
        match self {
            Mailer::Smtp(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(dir) => write_private(&file_for(dir, name), &message.formatted())
                .map_err(|e| format!("writing the message file failed: {e}")),
            #[cfg(test)]
            Mailer::Stub(t) => t.send(message).map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// The `.eml` file a message named `name` is written to in `dir`.
pub fn file_for(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.eml"))
}

/// Writes `bytes` to a new file at `path` with mode 0600, replacing a file a failed attempt
/// left behind.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
