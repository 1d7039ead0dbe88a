//! `backup PATH`: a consistent copy of the embedded SQLite database while the service runs.

use crate::config::Settings;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist yet).
    path: PathBuf,
}

pub fn run(args: &BackupArgs, settings: &Settings) -> anyhow::Result<()> {
    crate::backup::sqlite_backup(settings.database_url.expose(), &args.path)?;
    println!("backup written to {}", args.path.display());
    Ok(())
}
