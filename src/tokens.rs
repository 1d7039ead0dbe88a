//! Secret tokens, for survey links and API keys alike: 256 random bits, URL-safe, stored only
//! as a SHA-256 hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 32 bytes from the operating system's generator, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS generator failing is not something a request can recover from.
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a token or code. A fast hash is enough: the input has 256 (or about 45)
/// random bits, so there is nothing to guess from the hash.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether a path segment could be a token at all, checked before any database work.
pub fn looks_like_token(candidate: &str) -> bool {
    candidate.len() == 43
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_distinct_and_carry_256_bits() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert!(looks_like_token(&a));
    }

    #[test]
    fn the_hash_is_not_the_token() {
        let t = random_token();
        assert_ne!(hash(&t), t);
        assert_eq!(hash(&t), hash(&t));
        assert!(!hash(&t).contains(&t));
    }
}
