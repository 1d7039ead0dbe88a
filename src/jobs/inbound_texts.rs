//! Replies of STOP to the service's text messages, read from GOV.UK Notify's received-texts API,
//! become opt-outs: that number is never sent an invitation or reminder again.

use super::InboundTexts;
use crate::db::DbConnection;
use crate::opt_outs::OptOutContact;

/// Whether a reply asks to stop: "STOP" in any case, with any spaces around it.
pub fn is_stop(content: &str) -> bool {
    content.trim().eq_ignore_ascii_case("stop")
}

/// Reads the replies Notify keeps and records an opt-out for each STOP; returns how many were
/// new. Replies are never stored, and numbers only as the opt-out list's keyed hashes.
pub fn read_stop_replies(conn: &mut DbConnection, inbound: &InboundTexts) -> anyhow::Result<usize> {
    let texts = inbound
        .notify
        .received_texts()
        .map_err(anyhow::Error::msg)?;
    let mut added = 0;
    for text in texts.iter().filter(|t| is_stop(&t.content)) {
        // A reply from a number that is not a UK mobile cannot have been invited.
        let Ok(contact) = OptOutContact::parse(&text.user_number) else {
            continue;
        };
        if inbound.opt_outs.add(conn, &contact)? {
            added += 1;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_is_read_in_any_case_with_spaces_and_nothing_else_is() {
        for yes in ["STOP", "stop", " Stop \n", "sToP"] {
            assert!(is_stop(yes), "{yes:?}");
        }
        for no in ["STOP please", "don't stop", "", "STOPP", "unsubscribe"] {
            assert!(!is_stop(no), "{no:?}");
        }
    }
}
