//! PostgreSQL restarts under load. Stopping the shared server would break the tests running
//! beside this one, so the test starts a PostgreSQL of its own from the machine's binaries.
//!
//! Answers sent during the outage come back to the person with a 503 and "please try again in a
//! minute"; once the database is back the service recovers by itself, and every answer sent
//! again is stored exactly once.

use crate::helpers::{TestDb, full_answers, spawn_on};
use crt_feedback::staff::Role;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A throwaway PostgreSQL cluster on a free port, removed when dropped.
struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

/// The newest PostgreSQL installed from Debian's packages.
fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort_unstable();
    let bin = PathBuf::from(format!("/usr/lib/postgresql/{}/bin", versions.pop()?));
    bin.join("initdb").exists().then_some(bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// PostgreSQL refuses to run as root, so as root its tools run as the `postgres` user.
fn pg_tool(bin: &Path, tool: &str, args: &[&str]) -> Command {
    let program = bin.join(tool);
    if running_as_root() {
        let mut command = Command::new("runuser");
        command
            .args(["-u", "postgres", "--"])
            .arg(program)
            .args(args);
        command
    } else {
        let mut command = Command::new(program);
        command.args(args);
        command
    }
}

fn succeed(mut command: Command, what: &str) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl PrivatePostgres {
    fn start() -> Option<PrivatePostgres> {
        let bin = postgres_bin()?;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if running_as_root() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            succeed(
                {
                    let mut c = Command::new("chown");
                    c.arg("postgres:postgres").arg(&data);
                    c
                },
                "chown",
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let data_arg = data.to_str().unwrap().to_string();
        succeed(
            pg_tool(
                &bin,
                "initdb",
                &[
                    "-D",
                    &data_arg,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
            ),
            "initdb",
        );
        let pg = PrivatePostgres {
            bin,
            data,
            port,
            _dir: dir,
        };
        pg.start_again();
        Some(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off",
            self.port
        );
        let log = self.data.join("server.log");
        succeed(
            pg_tool(
                &self.bin,
                "pg_ctl",
                &[
                    "-D",
                    self.data.to_str().unwrap(),
                    "-o",
                    &options,
                    "-l",
                    log.to_str().unwrap(),
                    "-w",
                    "start",
                ],
            ),
            "pg_ctl start",
        );
    }

    fn stop(&self, mode: &str) {
        succeed(
            pg_tool(
                &self.bin,
                "pg_ctl",
                &["-D", self.data.to_str().unwrap(), "-m", mode, "-w", "stop"],
            ),
            "pg_ctl stop",
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = pg_tool(
            &self.bin,
            "pg_ctl",
            &["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"],
        )
        .output();
    }
}

/// What happened to each link: how often the person was asked to try again.
#[derive(Default)]
struct Tally {
    stored: AtomicUsize,
    asked_to_retry: AtomicUsize,
}

const COMMENT: &str = "The team were kind and listened to me.";

/// Sends one person's answers until they are stored, as a person told "try again in a minute"
/// would. A 503 must show the answers back; a 410 is allowed only after an interrupted attempt
/// (the commit reached the database but its acknowledgement did not reach the service).
async fn send_until_stored(
    client: reqwest::Client,
    url: String,
    answers: Vec<(String, String)>,
    tally: Arc<Tally>,
) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut interrupted = false;
    loop {
        assert!(Instant::now() < deadline, "{url} never stored");
        let res = client.post(&url).form(&answers).send().await.unwrap();
        let status = res.status().as_u16();
        let page = res.text().await.unwrap();
        match status {
            200 => {
                tally.stored.fetch_add(1, Ordering::SeqCst);
                return;
            }
            503 => {
                assert!(
                    page.contains("not been sent yet") && page.contains("try again in a minute"),
                    "{page}"
                );
                assert!(page.contains(COMMENT), "the answers must come back: {page}");
                interrupted = true;
                tally.asked_to_retry.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            410 if interrupted => return,
            other => panic!("status {other} while the database restarts: {page}"),
        }
    }
}

async fn ready(client: &reqwest::Client, base: &str) -> bool {
    matches!(client.get(format!("{base}/readyz")).send().await, Ok(r) if r.status() == 200)
}

#[actix_web::test]
async fn a_postgresql_restart_during_load_loses_nothing_and_the_service_recovers_by_itself() {
    let Some(pg) = PrivatePostgres::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have PostgreSQL's binaries for this test"
        );
        eprintln!("SKIPPED: no PostgreSQL binaries under /usr/lib/postgresql");
        return;
    };
    let app = spawn_on(TestDb::existing(pg.url()), &[]).await;
    app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let links = app.issue_links(&key, "NORTH", "carer", 41).await;
    let answers = full_answers(&app, &key, "carer").await;
    assert!(answers.iter().any(|(_, v)| v == COMMENT));

    // Load: four people at a time working through forty links.
    let tally = Arc::new(Tally::default());
    let queue = Arc::new(std::sync::Mutex::new(
        links[1..]
            .iter()
            .map(|(u, _)| u.clone())
            .collect::<Vec<_>>(),
    ));
    let mut people = Vec::new();
    for _ in 0..4 {
        let (queue, tally, client, answers) = (
            queue.clone(),
            tally.clone(),
            app.client.clone(),
            answers.clone(),
        );
        people.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().unwrap().pop();
                let Some(url) = next else { break };
                send_until_stored(client.clone(), url, answers.clone(), tally.clone()).await;
            }
        }));
    }
    let started = Instant::now();
    while tally.stored.load(Ordering::SeqCst) < 8 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "load never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A fast shutdown ends the sessions of the service's pooled connections mid-load.
    let pg_stop = tokio::task::spawn_blocking(move || {
        pg.stop("fast");
        pg
    });
    let pg = pg_stop.await.unwrap();

    // During the outage: the questionnaire cannot be shown, and sent answers come back.
    let (url, _) = &links[0];
    let page = app.client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 503);
    assert!(!ready(&app.client, &app.address).await);
    let res = app.client.post(url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("not been sent yet") && page.contains("try again in a minute"),
        "{page}"
    );
    assert!(page.contains(COMMENT), "{page}");
    for (name, value) in &answers {
        assert!(
            page.contains(&format!("name=\"{name}\"")),
            "{name} missing from the page sent back"
        );
        assert!(
            page.contains(value.as_str()),
            "{name}'s answer {value} missing"
        );
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let pg = tokio::task::spawn_blocking(move || {
        pg.start_again();
        pg
    })
    .await
    .unwrap();

    // Back without a restart of the service.
    let until = Instant::now() + Duration::from_secs(30);
    while !ready(&app.client, &app.address).await {
        assert!(
            Instant::now() < until,
            "the service did not recover by itself"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let res = app.client.post(url).form(&answers).send().await.unwrap();
    assert_eq!(
        res.status(),
        200,
        "the first link, sent again after the outage"
    );
    for person in people {
        person.await.unwrap();
    }

    assert!(
        tally.asked_to_retry.load(Ordering::SeqCst) > 0,
        "the outage must have met some of the load"
    );
    assert_eq!(
        app.stored_responses(),
        41,
        "every person's answers stored exactly once"
    );
    drop(app);
    drop(pg);
}
