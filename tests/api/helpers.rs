//! The test harness: a fresh database per test, the real app on port 0, an SMTP sink.

use crt_feedback::Application;
use crt_feedback::config::Settings;
use crt_feedback::db::{self, DatabaseUrl, DbConnection, Pool};
use crt_feedback::staff::{self, Role, StaffEmail, passwords::NewPassword};
use crt_feedback::teams::{self, TeamCode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    /// A SQLite file in a temporary folder, or a new PostgreSQL database.
    pub fn new() -> TestDb {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!("crt_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = diesel::PgConnection::establish(&admin_url)
                    .expect("TEST_DATABASE_URL must be reachable");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap()
                    .to_string();
                TestDb {
                    url: format!("{base}/{name}"),
                    dir: None,
                    pg_admin: Some((admin_url, name)),
                }
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("crt.db").display());
                TestDb {
                    url,
                    dir: Some(dir),
                    pg_admin: None,
                }
            }
        }
    }

    /// A database someone else made and will remove (a second server, a private PostgreSQL).
    pub fn existing(url: String) -> TestDb {
        TestDb {
            url,
            dir: None,
            pg_admin: None,
        }
    }

    /// Whether this test runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.pg_admin.is_some()
    }

    /// The SQLite file, when on SQLite.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().join("crt.db"))
    }

    /// A direct connection, bypassing the app.
    pub fn connect(&self) -> DbConnection {
        db::establish(&DatabaseUrl::parse(&self.url).unwrap()).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg_admin {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// A running application with its database and mail folder.
pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub mail_dir: PathBuf,
    pub client: reqwest::Client,
    _mail_tmp: tempfile::TempDir,
    server: Option<actix_web::dev::ServerHandle>,
    _background: Option<crt_feedback::startup::Background>,
    pub db: TestDb,
}

impl TestApp {
    /// Stops the server and its worker, keeping the database (for restarts and file searches).
    pub async fn stop(mut self) -> TestDb {
        if let Some(handle) = self.server.take() {
            handle.stop(true).await;
        }
        self._background.take();
        drop(std::mem::replace(&mut self.pool, dummy_pool()));
        std::mem::replace(
            &mut self.db,
            TestDb {
                url: String::new(),
                dir: None,
                pg_admin: None,
            },
        )
    }

    /// A connection to the app's database.
    pub fn conn(&self) -> db::PooledConnection {
        self.pool.get().unwrap()
    }

    /// How many responses are stored: released, or waiting for their release.
    pub fn stored_responses(&self) -> i64 {
        use diesel::prelude::*;
        let released: i64 = crt_feedback::db::schema::responses::table
            .count()
            .get_result(&mut self.conn())
            .unwrap();
        let waiting: i64 = crt_feedback::db::schema::staged_responses::table
            .count()
            .get_result(&mut self.conn())
            .unwrap();
        released + waiting
    }

    /// Releases waiting responses now, as the daily release would (groups of at least 5).
    pub fn release(&self) -> crt_feedback::submissions::release::Released {
        self.release_in_groups_of(5)
    }

    /// A release under another `min_n`: with a smaller one, what a service configured so in
    /// the past would have released.
    pub fn release_in_groups_of(&self, min_n: u32) -> crt_feedback::submissions::release::Released {
        crt_feedback::submissions::release::release(
            &mut self.conn(),
            min_n,
            crt_feedback::db::today(),
        )
        .unwrap()
    }

    /// Adds a team.
    pub fn add_team(&self, code: &str) -> String {
        let mut conn = self.conn();
        teams::add(
            &mut conn,
            &TeamCode::parse(code).unwrap(),
            &format!("{code} crisis team"),
        )
        .unwrap()
        .id
    }

    /// Adds a user with a role in the given teams (or admin) and returns an API key for them.
    pub fn add_user(&self, email: &str, role: Option<Role>, team_codes: &[&str]) -> String {
        let mut conn = self.conn();
        let grants: Vec<(String, Role)> = team_codes
            .iter()
            .map(|c| {
                (
                    teams::find_by_code(&mut conn, c).unwrap().unwrap().id,
                    role.unwrap_or(Role::Manager),
                )
            })
            .collect();
        let id = staff::add_or_update(
            &mut conn,
            &StaffEmail::parse(email).unwrap(),
            &NewPassword::parse(PASSWORD).unwrap(),
            role.is_none(),
            &grants,
        )
        .unwrap();
        staff::api_keys::create(&mut conn, &id).unwrap()
    }

    /// `path` on this app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// `GET path` with an API key, read as JSON.
    pub async fn api_json(&self, key: &str, path: &str) -> serde_json::Value {
        self.client
            .get(self.url(path))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Issues `count` printable links through the API; returns (url, code) pairs.
    pub async fn issue_links(
        &self,
        key: &str,
        team: &str,
        survey: &str,
        count: usize,
    ) -> Vec<(String, String)> {
        let res = self
            .client
            .post(self.url(&format!("/api/v1/teams/{team}/invitations")))
            .bearer_auth(key)
            // A carer is asked only with the person's agreement (`invitations::consent`).
            .json(&serde_json::json!({
                "survey": survey,
                "count": count,
                "carer_consent": survey == "carer",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let body: serde_json::Value = res.json().await.unwrap();
        body["invitations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["url"].as_str().unwrap().to_string(),
                    i["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// A client that keeps cookies, as a browser does.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Signs a browser in and returns it with the session's CSRF token.
    pub async fn signed_in_browser(&self, email: &str) -> (reqwest::Client, String) {
        let browser = self.browser();
        let page = browser
            .get(self.url("/staff/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_from(&page);
        let res = browser
            .post(self.url("/staff/sign-in"))
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303, "sign-in should redirect");
        let home = browser
            .get(self.url("/staff"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_from(&home);
        (browser, csrf)
    }
}

fn dummy_pool() -> Pool {
    diesel::r2d2::Pool::builder()
        .max_size(1)
        .min_idle(Some(0))
        .build_unchecked(db::ConnectionManager::new(
            DatabaseUrl::parse("sqlite://:memory:").unwrap(),
        ))
}

/// The password every test user has.
pub const PASSWORD: &str = "a long test password";

/// The CSRF token in a page's forms.
pub fn csrf_from(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Builds settings for a test app; `extra` adds or overrides keys.
pub fn settings_for(db: &TestDb, mail_dir: &std::path::Path, extra: &[(&str, &str)]) -> Settings {
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    values.insert("DATABASE_URL".into(), db.url.clone());
    values.insert("BIND_ADDRESS".into(), "127.0.0.1:0".into());
    values.insert("MAIL_DIR".into(), mail_dir.display().to_string());
    values.insert("MAIL_RETRY_BASE_SECONDS".into(), "1".into());
    values.insert("MAIL_POLL_SECONDS".into(), "1".into());
    values.insert("RATE_LIMIT_PER_MINUTE".into(), "100000".into());
    values.insert("DB_POOL_SIZE".into(), "8".into());
    for (k, v) in extra {
        values.insert((*k).to_string(), (*v).to_string());
    }
    Settings::from_values(&values).unwrap()
}

/// Starts the app on a fresh database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The manager every team fixture signs in as.
pub const MANAGER: &str = "m@example.org";

/// Starts the app with team NORTH and its manager (`MANAGER`); returns the manager's API key.
pub async fn spawn_team() -> (TestApp, String) {
    spawn_team_with(&[]).await
}

/// `spawn_team` with extra settings.
pub async fn spawn_team_with(extra: &[(&str, &str)]) -> (TestApp, String) {
    let app = spawn_app_with(extra).await;
    app.add_team("NORTH");
    let key = app.add_user(MANAGER, Some(Role::Manager), &["NORTH"]);
    (app, key)
}

/// Starts the app on a fresh database with extra settings.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn_on(TestDb::new(), extra).await
}

/// Starts a second server on the same database as `first` (several servers behind a load
/// balancer). The returned app does not own the database.
pub async fn spawn_beside(first: &TestApp, extra: &[(&str, &str)]) -> TestApp {
    spawn_on(TestDb::existing(first.db.url.clone()), extra).await
}

/// Starts the app on an existing database (a restart).
pub async fn spawn_on(db: TestDb, extra: &[(&str, &str)]) -> TestApp {
    let mail_tmp = tempfile::tempdir().unwrap();
    let mut settings = settings_for(&db, mail_tmp.path(), extra);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    if !extra.iter().any(|(k, _)| *k == "PUBLIC_URL") {
        settings.public_url = format!("http://127.0.0.1:{port}");
    }
    let services = crt_feedback::startup::Services::open(&settings).unwrap();
    let app = Application::build_with(settings, services, listener).unwrap();
    let (server, pool, background) = app.into_parts();
    let handle = server.handle();
    tokio::spawn(server);
    TestApp {
        address: format!("http://127.0.0.1:{port}"),

        pool,
        mail_dir: mail_tmp.path().to_path_buf(),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        _mail_tmp: mail_tmp,
        server: Some(handle),
        _background: Some(background),
        db,
    }
}

/// A questionnaire as `GET /api/v1/surveys` describes it.
pub async fn survey_json(app: &TestApp, key: &str, slug: &str) -> serde_json::Value {
    let surveys = app.api_json(key, "/api/v1/surveys").await;
    surveys
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == slug)
        .unwrap()
        .clone()
}

/// Answers a fresh link of team NORTH with every question answered, `overrides` replacing
/// (or, with an empty value, leaving out) some answers; expects the thank-you page.
pub async fn answer(app: &TestApp, key: &str, slug: &str, overrides: &[(&str, &str)]) {
    let (url, _) = app.issue_links(key, "NORTH", slug, 1).await.remove(0);
    let mut answers = full_answers(app, key, slug).await;
    for (q, v) in overrides {
        answers.retain(|(k, _)| k != q);
        if !v.is_empty() {
            answers.push((q.to_string(), v.to_string()));
        }
    }
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200, "{overrides:?}");
}

/// Answers for every question of a questionnaire, as a browser would send them.
pub async fn full_answers(app: &TestApp, key: &str, slug: &str) -> Vec<(String, String)> {
    let survey = survey_json(app, key, slug).await;
    survey["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let value = match q["type"].as_str().unwrap() {
                "fft" | "agree5" => "4".to_string(),
                "yes_no" => "yes".to_string(),
                "choice" => q["options"][0]["id"].as_str().unwrap().to_string(),
                _ => "The team were kind and listened to me.".to_string(),
            };
            (q["id"].as_str().unwrap().to_string(), value)
        })
        .collect()
}

/// Waits until `check` passes or the time runs out.
pub async fn eventually<F: FnMut() -> bool>(timeout: Duration, mut check: F) -> bool {
    let until = Instant::now() + timeout;
    while Instant::now() < until {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check()
}

/// A minimal SMTP server for tests: accepts every message and keeps it.
pub struct SmtpSink {
    pub port: u16,
    pub messages: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SmtpSink {
    /// Listens on a free port.
    pub fn start() -> SmtpSink {
        Self::start_on(0, Arc::new(Mutex::new(Vec::new())))
    }

    /// Listens on a given port (to come back after an outage), keeping messages in `messages`.
    pub fn start_on(port: u16, messages: Arc<Mutex<Vec<String>>>) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (store, flag) = (messages.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        let _ = serve_smtp(stream, &store);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        SmtpSink {
            port,
            messages,
            stop,
            thread: Some(thread),
        }
    }

    /// Stops listening; the port is free again.
    pub fn stop(mut self) -> (u16, Arc<Mutex<Vec<String>>>) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        (self.port, self.messages.clone())
    }

    /// Messages received so far.
    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn serve_smtp(stream: std::net::TcpStream, store: &Arc<Mutex<Vec<String>>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            writer.write_all(b"250-sink\r\n250 8BITMIME\r\n")?;
        } else if command.starts_with("DATA") {
            writer.write_all(b"354 go ahead\r\n")?;
            let mut message = String::new();
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                if line == ".\r\n" || line.is_empty() {
                    break;
                }
                message.push_str(&line);
            }
            store.lock().unwrap().push(message);
            writer.write_all(b"250 stored\r\n")?;
        } else if command.starts_with("QUIT") {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            writer.write_all(b"250 ok\r\n")?;
        }
    }
}

/// The survey link in an email (quoted-printable soft breaks undone).
pub fn link_in(message: &str, address: &str) -> String {
    let text = message.replace("=\r\n", "").replace("=3D", "=");
    let start = text
        .find(&format!("{address}/s/"))
        .expect("message has a survey link");
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-_:/.".contains(*c))
        .collect()
}
