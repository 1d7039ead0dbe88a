//! The built binary, driven as an operator would.

use std::process::{Command, Output};

fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crt-feedback"));
    cmd.args(args)
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .env_remove("CRT_CONFIG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn an_unknown_database_scheme_stops_the_program_with_one_clear_line() {
    let out = run(
        &["migrate"],
        &[("DATABASE_URL", "mysql://localhost/crt")],
        None,
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("DATABASE_URL") && err.contains("mysql"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn a_malformed_database_url_and_an_unknown_config_key_are_refused() {
    let out = run(&["migrate"], &[("DATABASE_URL", "not a url")], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("DATABASE_URL"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("crt.toml");
    std::fs::write(
        &file,
        "public_url = \"http://x\"\nfavourite_colour = \"green\"\n",
    )
    .unwrap();
    let out = run(&["--config", file.to_str().unwrap(), "migrate"], &[], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("favourite_colour"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn surveys_check_accepts_the_shipped_questionnaires_and_names_a_broken_one() {
    let ok = run(&["surveys", "check"], &[], None);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.toml"),
        "slug = \"broken\"\ntitle = \"B\"\nrespondent = \"carer\"\n[[questions]]\nid = \"q1\"\ntype = \"agree5\"\ntext = \"Fine\"\ncriterion = \"12d\"\n",
    )
    .unwrap();
    let bad = run(
        &["surveys", "check"],
        &[("SURVEYS_DIR", dir.path().to_str().unwrap())],
        None,
    );
    assert!(!bad.status.success());
    let err = stderr(&bad);
    assert!(err.contains("broken.toml") && err.contains("q1"), "{err}");
}

#[test]
fn team_user_and_api_key_commands_work_on_a_fresh_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let env = [("DATABASE_URL", url.as_str())];
    assert!(
        run(&["team", "add", "NORTH", "--name", "North"], &env, None)
            .status
            .success()
    );
    let user = run(
        &[
            "user",
            "add",
            "m@example.org",
            "--role",
            "manager",
            "--team",
            "NORTH",
        ],
        &env,
        Some("a long enough password\n"),
    );
    assert!(user.status.success(), "{}", stderr(&user));
    let short = run(
        &["user", "add", "x@example.org", "--role", "admin"],
        &env,
        Some("short\n"),
    );
    assert!(!short.status.success());
    let key = run(&["api-key", "create", "m@example.org"], &env, None);
    assert!(key.status.success());
    let stdout = String::from_utf8_lossy(&key.stdout);
    let last = stdout.trim().lines().last().unwrap();
    assert!(last.starts_with("crt_") && last.len() > 40, "{last}");
    let invite = run(
        &[
            "invite", "--team", "NORTH", "--survey", "carer", "--count", "2",
        ],
        &env,
        None,
    );
    assert!(invite.status.success(), "{}", stderr(&invite));
    assert_eq!(
        String::from_utf8_lossy(&invite.stdout)
            .lines()
            .filter(|l| l.contains("/s/"))
            .count(),
        2
    );
}

#[test]
fn the_report_benchmark_runs_and_its_report_counts_every_response() {
    let timings = crt_feedback::bench::report::run(&[365], 2, None).unwrap();
    assert_eq!(timings.len(), 1);
    assert_eq!(timings[0].responses, 365);
    assert!(timings[0].median_ms > 0.0);
}

#[test]
fn backup_writes_a_consistent_copy_that_opens_with_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let env = [("DATABASE_URL", url.as_str())];
    assert!(
        run(&["team", "add", "NORTH", "--name", "North"], &env, None)
            .status
            .success()
    );
    assert!(
        run(
            &[
                "invite", "--team", "NORTH", "--survey", "carer", "--count", "3"
            ],
            &env,
            None
        )
        .status
        .success()
    );
    let copy = dir.path().join("copy's backup.db");
    let out = run(&["backup", copy.to_str().unwrap()], &env, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let again = run(&["backup", copy.to_str().unwrap()], &env, None);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
    use diesel::prelude::*;
    let copy_url =
        crt_feedback::db::DatabaseUrl::parse(&format!("sqlite://{}", copy.display())).unwrap();
    let mut conn = crt_feedback::db::establish(&copy_url).unwrap();
    let invitations: i64 = crt_feedback::db::schema::invitations::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(invitations, 3);
}

#[test]
fn offboarding_commands_list_revoke_disable_enable_remove_roles_and_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let env = [("DATABASE_URL", url.as_str())];
    let ok = |args: &[&str], stdin: Option<&str>| {
        let out = run(args, &env, stdin);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(&["team", "add", "NORTH", "--name", "North"], None);
    ok(&["team", "add", "SOUTH", "--name", "South"], None);
    ok(
        &[
            "user",
            "add",
            "m@example.org",
            "--role",
            "manager",
            "--team",
            "NORTH",
            "--team",
            "SOUTH",
        ],
        Some("a long enough password\n"),
    );
    let created = ok(
        &[
            "api-key",
            "create",
            "m@example.org",
            "--name",
            "report script",
            "--expires-days",
            "30",
        ],
        None,
    );
    let key = created.trim().lines().last().unwrap().to_string();
    assert!(key.starts_with("crt_"), "{created}");
    let too_long = run(
        &[
            "api-key",
            "create",
            "m@example.org",
            "--expires-days",
            "400",
        ],
        &env,
        None,
    );
    assert!(!too_long.status.success());
    assert!(
        stderr(&too_long).contains("API_KEY_MAX_DAYS"),
        "{}",
        stderr(&too_long)
    );

    let listed = ok(&["api-key", "list", "m@example.org"], None);
    assert!(!listed.contains(&key), "a list never shows a key");
    let row = listed
        .lines()
        .find(|l| l.contains("report script"))
        .unwrap();
    let columns: Vec<&str> = row.split('\t').collect();
    let id = columns[0].to_string();
    assert_eq!(columns[1], "m@example.org");
    assert_eq!(columns[4], "never", "not used yet");
    assert_eq!(columns[6], "active");
    let expires = chrono::NaiveDate::parse_from_str(columns[5], "%Y-%m-%d").unwrap();
    assert_eq!(
        expires,
        chrono::Utc::now().date_naive() + chrono::TimeDelta::days(30)
    );

    assert!(ok(&["api-key", "revoke", &id], None).contains("revoked"));
    assert!(ok(&["api-key", "list"], None).contains("revoked"));
    assert!(
        !run(&["api-key", "revoke", "no-such-id"], &env, None)
            .status
            .success()
    );

    ok(
        &["user", "remove-role", "m@example.org", "--team", "NORTH"],
        None,
    );
    let again = run(
        &["user", "remove-role", "m@example.org", "--team", "NORTH"],
        &env,
        None,
    );
    assert!(!again.status.success(), "no role left to remove");
    ok(&["api-key", "create", "m@example.org"], None);
    assert!(ok(&["user", "disable", "m@example.org"], None).contains("1 API key(s) revoked"));
    ok(&["user", "enable", "m@example.org"], None);
    ok(&["user", "unlock", "m@example.org"], None);
    ok(&["user", "unlock", "nobody@example.org"], None);
    let sizes = ok(
        &[
            "team",
            "set",
            "NORTH",
            "--staff-size",
            "12",
            "--partners",
            "4",
        ],
        None,
    );
    assert!(
        sizes.contains("staff size 12") && sizes.contains("partners 4"),
        "{sizes}"
    );
    let bad = run(&["team", "set", "NORTH", "--staff-size", "0"], &env, None);
    assert!(!bad.status.success());
}

#[test]
fn a_malformed_database_url_is_refused_at_once_in_one_line() {
    let started = std::time::Instant::now();
    let out = run(
        &["migrate"],
        &[("DATABASE_URL", "postgres://[broken")],
        None,
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("DATABASE_URL"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "no retrying"
    );
}

#[test]
fn an_https_public_url_without_a_session_key_refuses_to_serve_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let out = run(
        &["serve", "--bind", "127.0.0.1:0"],
        &[
            ("DATABASE_URL", url.as_str()),
            ("PUBLIC_URL", "https://feedback.example.nhs.uk"),
        ],
        None,
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("SESSION_KEY"), "{err}");
}

#[test]
fn serve_names_the_address_it_really_listens_on() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bind = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
        .args(["serve", "--demo", "--bind", &bind])
        .current_dir(dir.path())
        .env_remove("CRT_CONFIG")
        .env_remove("PUBLIC_URL")
        .env("DATABASE_URL", &url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    while !lines.iter().any(|l: &String| l.starts_with("open ")) {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim().to_string());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        lines.contains(&format!("listening on http://{bind}")),
        "{lines:?}"
    );
    assert!(
        lines.contains(&format!("open http://localhost:{port}/staff/sign-in")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains(":8080")), "{lines:?}");
}
