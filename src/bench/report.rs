//! `crt-feedback bench-report`: how long the team report takes as stored responses grow.
//!
//! For each size it makes a fresh database, stores that many responses (spread over twelve
//! months and the four groups, with realistic answers and comments) together with the running
//! totals the service keeps, then times the report. Answer rows are not written: the report
//! never reads them, and writing a million responses' answers would only slow the set-up.

use crate::db::schema::responses;
use crate::db::{self, DatabaseUrl, DbConnection};
use crate::demo::{Dice, answers_for};
use crate::reports::{self, Period, rules::EvidenceRules};
use crate::surveys::answers::AnswerValue;
use crate::surveys::{Catalogue, Respondent, SurveyVersion};
use crate::teams::{self, TeamCode};
use crate::text::sentiment;
use crate::text::themes;
use crate::totals::{self, TotalsKey};
use chrono::TimeDelta;
use diesel::prelude::*;
use std::sync::Arc;
use std::time::Instant;

/// Timings for one size.
#[derive(Debug)]
pub struct ReportTiming {
    pub responses: u64,
    pub setup_seconds: f64,
    pub median_ms: f64,
    pub p95_ms: f64,
}

fn fill(
    conn: &mut DbConnection,
    catalogue: &Catalogue,
    team_id: &str,
    n: u64,
    period: &Period,
) -> anyhow::Result<()> {
    let versions: Vec<Arc<SurveyVersion>> = catalogue.all_current().cloned().collect();
    let rules = EvidenceRules::default();
    let tagger = themes::Tagger::new(&rules.themes);
    let today = db::today();
    let days = (today - period.from).num_days() + 1;
    let mut dice = Dice(0xBE7C_4A11_0000_0001 ^ n);
    // Counted across the whole load and written once at the end, as the service would have
    // added them one response at a time.
    let mut tally = totals::Tally::default();
    // Responses come in released batches, as the service stores them: each of one group, on
    // one day, at least `min_n` strong, so every month's cell is shown as it would be.
    let min_n = u64::from(rules.min_n);
    let mut batches: Vec<(u64, u64, Respondent)> = Vec::new();
    let mut planned = 0;
    while planned < n {
        let respondent = match dice.below(100) {
            0..=49 => Respondent::ServiceUser,
            50..=74 => Respondent::Carer,
            75..=89 => Respondent::Staff,
            _ => Respondent::Partner,
        };
        let mut size = (min_n + dice.below(3 * min_n)).min(n - planned);
        if n - planned - size < min_n {
            size = n - planned;
        }
        batches.push((planned, size, respondent));
        planned += size;
    }
    let chunk = 10_000;
    let mut batches = batches.into_iter().peekable();
    while batches.peek().is_some() {
        let mut in_chunk = 0;
        conn.transaction(|conn| {
            while in_chunk < chunk {
                let Some((first, size, respondent)) = batches.next() else {
                    break;
                };
                in_chunk += size;
                let received_on = today - TimeDelta::days(first as i64 * days / n.max(1) as i64);
                let month = totals::month_of(received_on);
                let Some(version) = versions.iter().find(|v| v.survey.respondent == respondent)
                else {
                    continue;
                };
                for _ in 0..size {
                    let channel = ["email", "printed", "other"][dice.below(3) as usize];
                    diesel::insert_into(responses::table)
                        .values((
                            responses::id.eq(uuid::Uuid::new_v4().to_string()),
                            responses::team_id.eq(team_id),
                            responses::survey_version_id.eq(&version.id),
                            responses::respondent.eq(respondent.as_str()),
                            responses::channel.eq(channel),
                            responses::received_on.eq(received_on),
                        ))
                        .execute(conn)?;
                    let key = TotalsKey {
                        team_id,
                        month: &month,
                        survey_version_id: &version.id,
                        respondent: respondent.as_str(),
                    };
                    tally.response(&key, channel);
                    // "About you" answers are counted apart, as the service counts them; the
                    // report benchmark leaves them out.
                    for answer in answers_for(version, &mut dice, 3)
                        .into_iter()
                        .filter(|a| a.equality.is_none())
                    {
                        match &answer.value {
                            AnswerValue::Text(text) => {
                                let feeling = sentiment::classify(text).as_str();
                                tally.comment(&key, feeling, &tagger.tag(text));
                            }
                            value => tally.answer(&key, &answer.question_id, &value.stored()),
                        }
                    }
                }
            }
            diesel::QueryResult::Ok(())
        })?;
    }
    conn.transaction(|conn| tally.write(conn))?;
    Ok(())
}

/// Times the report at each size; `database` is a PostgreSQL server URL, or None for SQLite
/// files in a temporary folder.
pub fn run(
    sizes: &[u64],
    runs: usize,
    postgres: Option<&str>,
) -> anyhow::Result<Vec<ReportTiming>> {
    let catalogue = Catalogue::new(
        crate::surveys::load_definitions(None).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    );
    let rules = EvidenceRules::default();
    let dir = tempfile_dir()?;
    let mut out = Vec::new();
    for &n in sizes {
        let (url, cleanup) = match postgres {
            Some(admin) => {
                let name = format!("crt_bench_{}", uuid::Uuid::new_v4().simple());
                let mut admin_conn = db::establish(&DatabaseUrl::parse(admin)?)?;
                diesel::connection::SimpleConnection::batch_execute(
                    &mut admin_conn,
                    &format!("CREATE DATABASE {name}"),
                )?;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
                (format!("{base}/{name}"), Some((admin.to_string(), name)))
            }
            None => (format!("sqlite://{}/bench-{n}.db", dir.display()), None),
        };
        let mut conn = db::establish(&DatabaseUrl::parse(&url)?)?;
        db::run_migrations(&mut conn)?;
        catalogue.sync(&mut conn)?;
        let team = teams::add(
            &mut conn,
            &TeamCode::parse("BENCH").map_err(anyhow::Error::msg)?,
            "Bench team",
        )?;
        let period = Period::parse(None, None, db::today())?;
        let started = Instant::now();
        fill(&mut conn, &catalogue, &team.id, n, &period)?;
        if postgres.is_some() {
            // What autovacuum does after a bulk load; without it the planner still thinks the
            // tables are empty and scans them.
            diesel::connection::SimpleConnection::batch_execute(&mut conn, "ANALYZE")?;
        }
        let setup_seconds = started.elapsed().as_secs_f64();
        // The figures must account for every stored response, or the timing means nothing.
        let check = reports::report(
            &mut conn,
            &catalogue,
            &rules,
            Some((&team.id, &team.code)),
            period,
        )?;
        let counted = u64::from(check.responses.total.unwrap_or(0));
        anyhow::ensure!(
            counted == n,
            "the report counted {counted} responses, but {n} were stored"
        );
        for _ in 0..3 {
            reports::report(
                &mut conn,
                &catalogue,
                &rules,
                Some((&team.id, &team.code)),
                period,
            )?;
        }
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let _ = reports::report(
                    &mut conn,
                    &catalogue,
                    &rules,
                    Some((&team.id, &team.code)),
                    period,
                );
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        out.push(ReportTiming {
            responses: n,
            setup_seconds,
            median_ms: at(0.5),
            p95_ms: at(0.95),
        });
        drop(conn);
        if let Some((admin, name)) = cleanup {
            let mut admin_conn = db::establish(&DatabaseUrl::parse(&admin)?)?;
            diesel::connection::SimpleConnection::batch_execute(
                &mut admin_conn,
                &format!("DROP DATABASE {name} WITH (FORCE)"),
            )?;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("crt-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Times the report at each size and prints a table.
pub fn run_and_print(sizes: &[u64], runs: usize, postgres: Option<&str>) -> anyhow::Result<()> {
    println!("responses\tset-up (s)\treport median (ms)\treport p95 (ms)");
    for t in run(sizes, runs.max(1), postgres)? {
        println!(
            "{}\t{:.1}\t{:.2}\t{:.2}",
            t.responses, t.setup_seconds, t.median_ms, t.p95_ms
        );
    }
    Ok(())
}
