//! `serve --demo`: a demo organisation in the embedded database, and its sign-in.

use crate::config::Settings;

/// Loads the demo organisation (once) and prints its sign-in; `serve` prints where to open it,
/// once it knows the address it listens on.
pub fn load(settings: &Settings) -> anyhow::Result<()> {
    anyhow::ensure!(
        settings.database_url.expose().is_sqlite(),
        "--demo loads only into the embedded SQLite database"
    );
    let services = super::open(settings)?;
    let rules = crate::reports::rules::EvidenceRules::load(settings.evidence_file.as_deref())?;
    let mut conn = services.pool.get()?;
    if crate::demo::load(&mut conn, &services.catalogue, &rules.themes)? {
        println!("demo organisation loaded");
    }
    println!(
        "demo sign-in: {} / {}",
        crate::demo::DEMO_EMAIL,
        crate::demo::DEMO_PASSWORD
    );
    Ok(())
}
