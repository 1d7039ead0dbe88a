//! Password hashing with argon2id.

use crate::config::Secret;
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::LazyLock;

/// A password accepted for a new account: at least 12 characters.
pub struct NewPassword(Secret<String>);

impl NewPassword {
    /// Checks the length rule; the text itself is never echoed back.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim_end_matches(['\r', '\n']);
        if trimmed.chars().count() < 12 {
            return Err("password must be at least 12 characters".into());
        }
        if trimmed.len() > 1024 {
            return Err("password must be at most 1024 bytes".into());
        }
        Ok(NewPassword(Secret::new(trimmed.to_string())))
    }

    /// Whether this is the password `stored` already hashes: setting it again is not a reset.
    pub fn matches(&self, stored: &str) -> bool {
        verify(self.0.expose(), Some(stored))
    }
}

/// Hashes a new password (argon2id, default parameters, random salt).
pub fn hash(password: &NewPassword) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.0.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// A hash of nothing in particular, verified against when the account does not exist, so the
/// answer takes as long either way.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"no such account, but take the same time", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Whether `candidate` matches `stored`; a missing or unreadable hash never matches.
pub fn verify(candidate: &str, stored: Option<&str>) -> bool {
    let stored_or_dummy = stored.unwrap_or(DUMMY_HASH.as_str());
    let matches = PasswordHash::new(stored_or_dummy)
        .map(|parsed| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_nothing_else() {
        let pw = NewPassword::parse("correct horse battery").unwrap();
        let stored = hash(&pw).unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse batterY", Some(&stored)));
        assert!(!verify("correct horse battery", None));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(NewPassword::parse("short").is_err());
    }
}
