//! `crt-feedback backup PATH`: a consistent copy of the embedded SQLite database, taken while the
//! service runs. SQLite's `VACUUM INTO` reads one snapshot and writes a compact new file.

use crate::db::{self, DatabaseUrl, DbConnection};
use diesel::connection::SimpleConnection;
use std::path::Path;

/// Writes a copy of the database at `url` to `target`, which must not exist yet.
pub fn sqlite_backup(url: &DatabaseUrl, target: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        url.is_sqlite(),
        "backup copies the embedded SQLite database; for PostgreSQL use pg_dump"
    );
    anyhow::ensure!(
        !target.exists(),
        "{} already exists; choose a new file",
        target.display()
    );
    let target_text = target
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    let mut conn = db::establish(url)?;
    let DbConnection::Sqlite(sqlite) = &mut conn else {
        anyhow::bail!("backup copies the embedded SQLite database");
    };
    // An empty file of mode 0600 first: VACUUM INTO fills it, and the copy is as private as the
    // database it copies.
    db::files::create_private(target)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", target.display()))?;
    // The path is a string literal in SQL: double any single quote rather than trust it.
    sqlite.batch_execute(&format!(
        "VACUUM INTO '{}'",
        target_text.replace('\'', "''")
    ))?;
    Ok(())
}
