//! `crt-feedback bench-load`: completions per second through the real server, the way a browser
//! does them: `GET /s/{token}`, then `POST` a full set of answers.
//!
//! For each backend it makes a fresh database, issues the links, starts this same binary as the
//! server, drives the completions at each concurrency, reads the server's peak memory, and then
//! checks that the number of stored responses equals the number of acknowledged submissions.

use crate::db::{self, DatabaseUrl};
use crate::invitations::{self, Batch, Channel};
use crate::surveys::Catalogue;
use crate::teams::{self, TeamCode};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One row of results.
#[derive(Debug)]
pub struct LoadResult {
    pub backend: &'static str,
    pub concurrency: usize,
    pub completions: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Server CPU time (user and system) per completion.
    pub server_cpu_ms: f64,
    /// Submissions per committed batch, on average (see `submissions::writer`).
    pub mean_batch: f64,
    /// Time to write and commit a batch, on average.
    pub mean_batch_ms: f64,
}

/// The whole run for one backend.
#[derive(Debug)]
pub struct LoadReport {
    pub rows: Vec<LoadResult>,
    pub peak_server_mib: f64,
    pub acknowledged: usize,
    /// Responses stored: released by the release after the load, or still waiting.
    pub stored: i64,
    /// How long the release after the load took, and how many responses it released.
    pub release_seconds: f64,
    pub released: usize,
}

/// The benchmark's own server reads its batch sizes from `/metrics`, which needs a token.
const METRICS_TOKEN: &str = "crt-feedback-benchmark-metrics";

const ANSWERS: &[(&str, &str)] = &[
    ("fft", "4"),
    ("fft_reason", "Kind and quick, thank you"),
    ("staff_kind", "4"),
    ("carer_included", "5"),
    ("help_fitted_them", "4"),
    ("time_to_talk", "4"),
    ("other_services_info", "3"),
    ("crisis_help_told", "yes"),
];

/// The server's CPU time so far, from `/proc/PID/stat` (user and system time, fields 14 and
/// 15, in the kernel's USER_HZ ticks, 100 a second on Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) is in parentheses and may hold spaces; count after it.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// A histogram's running sum and count from the server's `/metrics` text.
fn histogram(metrics: &str, name: &str) -> (f64, f64) {
    let value = |suffix: &str| {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}_{suffix} ")))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (value("sum"), value("count"))
}

fn peak_memory_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the load at each concurrency, `per_level` completions each, on one database URL.
pub fn run(
    backend: &'static str,
    url: &str,
    levels: &[usize],
    per_level: usize,
) -> anyhow::Result<LoadReport> {
    let parsed = DatabaseUrl::parse(url)?;
    let catalogue = Catalogue::new(
        crate::surveys::load_definitions(None).map_err(|e| anyhow::anyhow!("{e:?}"))?,
    );
    let mut conn = db::establish(&parsed)?;
    db::run_migrations(&mut conn)?;
    catalogue.sync(&mut conn)?;
    let team = teams::add(
        &mut conn,
        &TeamCode::parse("LOAD").map_err(anyhow::Error::msg)?,
        "Load team",
    )?;
    let version = catalogue
        .current("carer")
        .ok_or_else(|| anyhow::anyhow!("no carer questionnaire"))?;
    let total = per_level * levels.len();
    let batch = Batch {
        team_id: &team.id,
        survey_version_id: &version.id,
        expiry_days: 28,
        language: None,
    };
    let mut tokens = Vec::with_capacity(total);
    while tokens.len() < total {
        let n = (total - tokens.len()).min(invitations::MAX_BATCH);
        let (_, links) = invitations::issue_links(&mut conn, &batch, Channel::Printed, n)?;
        tokens.extend(links.into_iter().map(|l| l.token));
    }
    drop(conn);

    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mail_dir =
        std::env::temp_dir().join(format!("crt-load-mail-{}", uuid::Uuid::new_v4().simple()));
    let server = Server(
        Command::new(std::env::current_exe()?)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", url)
            .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("RATE_LIMIT_PER_MINUTE", "1000000")
            .env("METRICS_TOKEN", METRICS_TOKEN)
            .env("MAIL_DIR", &mail_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let base = format!("http://127.0.0.1:{port}");
    let (rows, acknowledged) = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()?;
        let mut up = false;
        for _ in 0..200 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::ensure!(up, "the server did not start");
        let mut rows = Vec::new();
        let mut acknowledged = 0;
        let body = serde_urlencoded::to_string(ANSWERS)?;
        let server_pid = server.0.id();
        let batches = || async {
            let text = match client
                .get(format!("{base}/metrics"))
                .bearer_auth(METRICS_TOKEN)
                .send()
                .await
            {
                Ok(res) => res.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            let (size_sum, count) = histogram(&text, "crt_submission_batch_size");
            let (seconds_sum, _) = histogram(&text, "crt_submission_batch_duration_seconds");
            (size_sum, count, seconds_sum)
        };
        for (level, chunk) in levels.iter().zip(tokens.chunks(per_level)) {
            let (batched_before, batches_before, batch_seconds_before) = batches().await;
            let cpu_before = cpu_seconds(server_pid);
            let queue = Arc::new(Mutex::new(chunk.to_vec()));
            let latencies = Arc::new(Mutex::new(Vec::with_capacity(per_level)));
            let started = Instant::now();
            let mut tasks = Vec::new();
            for _ in 0..*level {
                let (queue, latencies, client, base, body) = (
                    queue.clone(),
                    latencies.clone(),
                    client.clone(),
                    base.clone(),
                    body.clone(),
                );
                tasks.push(tokio::spawn(async move {
                    let mut ok = 0;
                    // The guard moves into the closure and is released before each completion.
                    while let Some(token) = queue.lock().ok().and_then(|mut q| q.pop()) {
                        let url = format!("{base}/s/{token}");
                        let t = Instant::now();
                        let page = client
                            .get(&url)
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0);
                        let sent = client
                            .post(&url)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(body.clone())
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0);
                        if page == 200 && sent == 200 {
                            ok += 1;
                            if let Ok(mut l) = latencies.lock() {
                                l.push(t.elapsed().as_secs_f64() * 1000.0);
                            }
                        }
                    }
                    ok
                }));
            }
            let mut done = 0;
            for t in tasks {
                done += t.await.unwrap_or(0);
            }
            let seconds = started.elapsed().as_secs_f64();
            let cpu = cpu_seconds(server_pid) - cpu_before;
            let (batched_after, batches_after, batch_seconds_after) = batches().await;
            acknowledged += done;
            let mut l = latencies.lock().map(|l| l.clone()).unwrap_or_default();
            l.sort_by(f64::total_cmp);
            let at = |q: f64| {
                l.get(((l.len().max(1) - 1) as f64 * q).round() as usize)
                    .copied()
                    .unwrap_or(0.0)
            };
            rows.push(LoadResult {
                backend,
                concurrency: *level,
                completions: done,
                per_second: done as f64 / seconds,
                p50_ms: at(0.5),
                p99_ms: at(0.99),
                server_cpu_ms: cpu * 1000.0 / done.max(1) as f64,
                mean_batch: (batched_after - batched_before)
                    / (batches_after - batches_before).max(1.0),
                mean_batch_ms: (batch_seconds_after - batch_seconds_before) * 1000.0
                    / (batches_after - batches_before).max(1.0),
            });
        }
        anyhow::Ok((rows, acknowledged))
    })?;
    let peak_server_mib = peak_memory_mib(server.0.id());
    drop(server);
    let _ = std::fs::remove_dir_all(&mail_dir);
    let mut conn = db::establish(&parsed)?;
    // The daily release, as it would run the next morning: every acknowledged submission of
    // the load is one group of one team, so all of it goes.
    let started = Instant::now();
    let released = crate::submissions::release::release(&mut conn, 5, crate::db::today())?;
    let release_seconds = started.elapsed().as_secs_f64();
    use diesel::prelude::*;
    let released_rows: i64 = crate::db::schema::responses::table
        .count()
        .get_result(&mut conn)?;
    let stored = released_rows + crate::submissions::staging::count_waiting(&mut conn, None)?;
    Ok(LoadReport {
        rows,
        peak_server_mib,
        acknowledged,
        stored,
        release_seconds,
        released: released.responses,
    })
}

/// Runs the load on SQLite (and PostgreSQL when given a server to make a database on) and
/// prints a table; fails when stored responses differ from acknowledged submissions.
pub fn run_and_print(
    concurrency: &[usize],
    completions: usize,
    postgres: Option<&str>,
) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("crt-load-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let mut runs = vec![(
        "sqlite",
        format!("sqlite://{}/load.db", dir.display()),
        None,
    )];
    if let Some(admin) = postgres {
        let name = format!("crt_load_{}", uuid::Uuid::new_v4().simple());
        let mut admin_conn = crate::db::establish(&crate::db::DatabaseUrl::parse(admin)?)?;
        diesel::connection::SimpleConnection::batch_execute(
            &mut admin_conn,
            &format!("CREATE DATABASE {name}"),
        )?;
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        runs.push((
            "postgres",
            format!("{base}/{name}"),
            Some((admin.to_string(), name)),
        ));
    }
    println!(
        "backend\tconcurrency\tcompletions\tper second\tp50 (ms)\tp99 (ms)\tserver CPU per completion (ms)\tsubmissions per commit\tms per commit"
    );
    let mut failed = false;
    for (backend, url, cleanup) in runs {
        let report = run(backend, &url, concurrency, completions.max(1));
        if let Some((admin, name)) = cleanup {
            let mut admin_conn = crate::db::establish(&crate::db::DatabaseUrl::parse(&admin)?)?;
            let _ = diesel::connection::SimpleConnection::batch_execute(
                &mut admin_conn,
                &format!("DROP DATABASE {name} WITH (FORCE)"),
            );
        }
        let report = report?;
        for r in &report.rows {
            println!(
                "{}\t{}\t{}\t{:.0}\t{:.1}\t{:.1}\t{:.2}\t{:.1}\t{:.2}",
                r.backend,
                r.concurrency,
                r.completions,
                r.per_second,
                r.p50_ms,
                r.p99_ms,
                r.server_cpu_ms,
                r.mean_batch,
                r.mean_batch_ms
            );
        }
        println!(
            "{backend}: peak server memory {:.1} MiB; acknowledged {}, stored {}; \
             the release afterwards moved {} responses in {:.2} s",
            report.peak_server_mib,
            report.acknowledged,
            report.stored,
            report.released,
            report.release_seconds
        );
        failed |= report.stored != report.acknowledged as i64;
    }
    let _ = std::fs::remove_dir_all(&dir);
    anyhow::ensure!(
        !failed,
        "stored responses differ from acknowledged submissions"
    );
    Ok(())
}
