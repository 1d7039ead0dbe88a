//! `release`: one release of waiting responses now, under the same rule as the daily one (a
//! team's group goes only when at least `min_n` of its responses wait).

use crate::config::Settings;

pub fn run(settings: &Settings) -> anyhow::Result<()> {
    let services = super::open(settings)?;
    let rules = crate::reports::rules::EvidenceRules::load(settings.evidence_file.as_deref())?;
    let mut conn = services.pool.get()?;
    let released =
        crate::submissions::release::release(&mut conn, rules.min_n, crate::db::today())?;
    println!(
        "released {} responses in {} batches; {} still waiting for their group to reach {}",
        released.responses, released.batches, released.waiting, rules.min_n
    );
    Ok(())
}
