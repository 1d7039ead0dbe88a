//! Links opened on this server, remembered for the answers that follow.
//!
//! A person opens a link, then sends their answers a few minutes later, nearly always to the
//! same server. What sending needs to know about the invitation (its team, questionnaire version
//! and channel) never changes, so it is kept from the opening instead of read again. Whether the
//! link is still open is not kept: the writer checks that as it redeems the link
//! (`invitations::redeem`), so a link used or expired meanwhile is still refused. Kept by the
//! token's hash, as the database keeps it, never by the token.

use crate::invitations::OpenInvitation;
use crate::tokens;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longer than anyone takes over a questionnaire; after it the answers are looked up afresh.
const KEEP: Duration = Duration::from_secs(2 * 60 * 60);

/// Far more links than are open at once on one server; a bound all the same.
const MAX_LINKS: usize = 20_000;

/// Invitations behind recently opened links.
#[derive(Default)]
pub struct OpenLinks {
    links: Mutex<HashMap<String, (OpenInvitation, Instant)>>,
}

impl OpenLinks {
    /// Remembers the invitation behind `token`, just opened.
    pub fn remember(&self, token: &str, invitation: &OpenInvitation) {
        let mut links = self.lock();
        if links.len() >= MAX_LINKS {
            links.retain(|_, (_, opened)| opened.elapsed() < KEEP);
            if links.len() >= MAX_LINKS {
                links.clear();
            }
        }
        links.insert(tokens::hash(token), (invitation.clone(), Instant::now()));
    }

    /// The invitation behind `token` if it was opened here lately.
    pub fn recall(&self, token: &str) -> Option<OpenInvitation> {
        let links = self.lock();
        let (invitation, opened) = links.get(&tokens::hash(token))?;
        (opened.elapsed() < KEEP).then(|| invitation.clone())
    }

    /// Forgets `token` once it has been used.
    pub fn forget(&self, token: &str) {
        self.lock().remove(&tokens::hash(token));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (OpenInvitation, Instant)>> {
        // A panic while holding the lock leaves the map whole; carry on with it.
        self.links.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invitations::Channel;

    fn invitation(id: &str) -> OpenInvitation {
        OpenInvitation {
            id: id.into(),
            team_id: "team".into(),
            survey_version_id: "version".into(),
            channel: Channel::Printed,
        }
    }

    #[test]
    fn an_opened_link_is_recalled_until_it_is_forgotten() {
        let links = OpenLinks::default();
        assert!(links.recall("token-a").is_none());
        links.remember("token-a", &invitation("a"));
        assert_eq!(links.recall("token-a").map(|i| i.id), Some("a".into()));
        assert!(links.recall("token-b").is_none());
        links.forget("token-a");
        assert!(links.recall("token-a").is_none());
    }

    #[test]
    fn tokens_are_kept_only_as_hashes_and_the_map_is_bounded() {
        let links = OpenLinks::default();
        for i in 0..=MAX_LINKS {
            links.remember(&format!("token-{i}"), &invitation("x"));
        }
        let kept = links.lock();
        assert!(kept.len() <= MAX_LINKS);
        assert!(kept.keys().all(|k| !k.starts_with("token-")));
    }
}
