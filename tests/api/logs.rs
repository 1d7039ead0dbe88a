//! The built server's own log lines, read after a journey: no token, address or answer in them.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
}

#[actix_web::test]
async fn server_logs_hold_no_token_no_email_address_and_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = format!("http://127.0.0.1:{port}");
    let env = |cmd: &mut Command| {
        cmd.current_dir(dir.path())
            .env("DATABASE_URL", &url)
            .env("PUBLIC_URL", &public)
            .env("RUST_LOG", "debug");
    };
    let setup = |args: &[&str], input: Option<&str>| {
        let mut cmd = bin();
        env(&mut cmd);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(i) = input {
            child.stdin.take().unwrap().write_all(i.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    setup(&["team", "add", "NORTH", "--name", "North"], None);
    setup(
        &[
            "user",
            "add",
            "manager.person@example.org",
            "--role",
            "manager",
            "--team",
            "NORTH",
        ],
        Some("a long enough password\n"),
    );
    let key = setup(&["api-key", "create", "manager.person@example.org"], None)
        .trim()
        .lines()
        .last()
        .unwrap()
        .to_string();

    let log_path = dir.path().join("server.log");
    let mut cmd = bin();
    env(&mut cmd);
    let mut server = cmd
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if client.get(format!("{public}/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server started");

    let invited = "private.invitee@example.net";
    let issue = |body: serde_json::Value| {
        client
            .post(format!("{public}/api/v1/teams/NORTH/invitations"))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    assert_eq!(
        issue(serde_json::json!({"survey": "carer", "emails": [invited], "carer_consent": true}))
            .await
            .unwrap()
            .status(),
        201
    );
    let links: serde_json::Value =
        issue(serde_json::json!({"survey": "carer", "count": 1, "carer_consent": true}))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let link = links["invitations"][0]["url"].as_str().unwrap().to_string();
    let code = links["invitations"][0]["code"]
        .as_str()
        .unwrap()
        .to_string();
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(client.get(&link).send().await.unwrap().status(), 200);
    let comment = "My neighbour Zebedee Quill was wonderful";
    let res = client
        .post(&link)
        .form(&[("fft", "5"), ("fft_reason", comment)])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success() || res.status() == 422);
    client
        .post(format!("{public}/code"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    client
        .get(format!("{public}/staff/sign-in"))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("/s/<redacted>"),
        "requests are logged, with the token redacted:\n{log}"
    );
    for secret in [
        token.as_str(),
        code.as_str(),
        invited,
        "manager.person@example.org",
        "Zebedee",
        key.as_str(),
    ] {
        assert!(!log.contains(secret), "the log contains {secret}:\n{log}");
    }
}
