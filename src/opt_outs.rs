//! People who asked not to be invited again (by replying STOP to a text, or through staff).
//!
//! A contact is kept only as a keyed hash (HMAC-SHA256 with `OPT_OUT_KEY`, a server secret that
//! is not in the database), so a reader of the database cannot turn the list back into numbers
//! or addresses by hashing every UK mobile number.

use crate::contacts::UkMobile;
use crate::db::DbConnection;
use crate::db::schema::opt_outs;
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A contact, in the one spelling its hash is taken of.
#[derive(Clone, PartialEq, Eq)]
pub enum OptOutContact {
    /// E.164.
    Mobile(String),
    /// Trimmed and lower-cased.
    Email(String),
}

impl std::fmt::Debug for OptOutContact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OptOutContact([redacted])")
    }
}

impl OptOutContact {
    /// A UK mobile number or an email address; the error never repeats it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        use validator::ValidateEmail;
        let raw = raw.trim();
        if raw.contains('@') {
            if raw.len() <= 254 && raw.validate_email() {
                Ok(OptOutContact::Email(raw.to_lowercase()))
            } else {
                Err("is not a valid email address".into())
            }
        } else {
            UkMobile::parse(raw)
                .map(|m| OptOutContact::Mobile(m.e164().to_string()))
                .map_err(|_| "is not a UK mobile number or an email address".into())
        }
    }

    fn spelling(&self) -> &str {
        match self {
            OptOutContact::Mobile(s) | OptOutContact::Email(s) => s,
        }
    }
}

/// The list, with its key; without a key nothing can be recorded, so nothing is opted out.
#[derive(Clone)]
pub struct OptOuts {
    key: Option<Vec<u8>>,
}

impl std::fmt::Debug for OptOuts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OptOuts(key set: {})", self.key.is_some())
    }
}

/// Why an opt-out could not be recorded.
pub const NO_KEY: &str = "opt-outs need OPT_OUT_KEY (or SESSION_KEY) to be set";

impl OptOuts {
    /// The list keyed by `key` (`OPT_OUT_KEY`, or one derived from `SESSION_KEY`).
    pub fn new(key: Option<&[u8]>) -> Self {
        OptOuts {
            key: key.map(<[u8]>::to_vec),
        }
    }

    fn hash(&self, contact: &OptOutContact) -> Option<String> {
        let key = self.key.as_ref()?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
        mac.update(contact.spelling().as_bytes());
        Some(hex::encode(mac.finalize().into_bytes()))
    }

    /// Records an opt-out; `Ok(false)` when it was already there.
    pub fn add(&self, conn: &mut DbConnection, contact: &OptOutContact) -> anyhow::Result<bool> {
        let hash = self.hash(contact).ok_or_else(|| anyhow::anyhow!(NO_KEY))?;
        let added = crate::on_backend!(conn, |c| diesel::insert_into(opt_outs::table)
            .values(opt_outs::contact_hash.eq(&hash))
            .on_conflict_do_nothing()
            .execute(c))?;
        Ok(added == 1)
    }

    /// Whether a contact has opted out.
    pub fn contains(&self, conn: &mut DbConnection, contact: &OptOutContact) -> QueryResult<bool> {
        let Some(hash) = self.hash(contact) else {
            return Ok(false);
        };
        diesel::select(diesel::dsl::exists(opt_outs::table.find(hash))).get_result(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_read_in_one_spelling_and_hashed_with_the_key() {
        let a = OptOutContact::parse("07700 900123").unwrap();
        let b = OptOutContact::parse("+44 7700 900 123").unwrap();
        assert_eq!(a, b);
        assert_eq!(
            OptOutContact::parse(" Jo@Example.NET ").unwrap(),
            OptOutContact::parse("jo@example.net").unwrap()
        );
        let keyed = OptOuts::new(Some(b"a key of sixteen or more"));
        let other = OptOuts::new(Some(b"another key entirely"));
        let hash = keyed.hash(&a).unwrap();
        assert_ne!(
            Some(hash.clone()),
            other.hash(&a),
            "the key changes the hash"
        );
        assert!(!hash.contains("7700"));
        assert_eq!(OptOuts::new(None).hash(&a), None);
        assert!(OptOutContact::parse("not a contact").is_err());
    }
}
