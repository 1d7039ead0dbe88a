//! `migrate`: apply the embedded migrations to the configured database.

use crate::config::Settings;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    super::open(settings)?;
    println!("migrations applied");
    Ok(())
}
