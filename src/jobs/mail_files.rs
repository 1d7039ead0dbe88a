//! Without an SMTP relay, mail is written as `.eml` files (see `mail::transport`). An invitation
//! or reminder file holds an address and a live link, so it is deleted once its link is used or
//! has expired, as the address itself is erased from the database.

use crate::db::DbConnection;
use crate::mail::MailKind;
use std::path::Path;

/// Deletes the invitation and reminder files in `dir` whose invitation is used, expired or
/// gone. Returns how many were deleted.
pub fn delete_spent(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let mut deleted = 0;
    for entry in entries {
        let path = entry?.path();
        let Some(stem) = path
            .extension()
            .filter(|x| *x == "eml")
            .and_then(|_| path.file_stem())
            .and_then(|s| s.to_str())
        else {
            continue;
        };
        let Some((kind, invitation_id)) = stem.split_once('-') else {
            continue;
        };
        let about_an_invitation = [MailKind::Invitation, MailKind::Reminder]
            .iter()
            .any(|k| k.as_str() == kind);
        if about_an_invitation && crate::invitations::is_spent(conn, invitation_id)? {
            std::fs::remove_file(&path)?;
            deleted += 1;
        }
    }
    Ok(deleted)
}
