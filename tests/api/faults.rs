//! Faults against the built server: killed with SIGKILL mid-load, then restarted.

use diesel::prelude::*;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn cli(dir: &std::path::Path, url: &str, args: &[&str], input: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(i) = input {
        child.stdin.take().unwrap().write_all(i.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn serve(dir: &std::path::Path, url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .env("RATE_LIMIT_PER_MINUTE", "100000")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn wait_up(client: &reqwest::Client, port: u16) {
    for _ in 0..100 {
        if client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server did not start");
}

#[actix_web::test]
async fn a_server_killed_mid_load_keeps_every_acknowledged_response_and_no_half_stored_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/crt.db", dir.path().display());
    cli(
        dir.path(),
        &url,
        &["team", "add", "NORTH", "--name", "North"],
        None,
    );
    let links: Vec<String> = cli(
        dir.path(),
        &url,
        &[
            "invite", "--team", "NORTH", "--survey", "carer", "--count", "400",
        ],
        None,
    )
    .lines()
    .filter_map(|l| l.split('\t').next().map(str::to_string))
    .collect();
    assert_eq!(links.len(), 400);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let links: Vec<String> = links
        .iter()
        .map(|l| l.replace("localhost:8080", &format!("127.0.0.1:{port}")))
        .collect();
    let mut server = serve(dir.path(), &url, port);
    let client = reqwest::Client::new();
    wait_up(&client, port).await;

    let answers: Vec<(&str, &str)> = vec![
        ("fft", "4"),
        ("fft_reason", "Kind and quick"),
        ("staff_kind", "4"),
        ("carer_included", "5"),
        ("help_fitted_them", "4"),
        ("time_to_talk", "4"),
        ("other_services_info", "3"),
    ];
    let queue = Arc::new(Mutex::new(links.clone()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (queue, acknowledged, client, answers) = (
            queue.clone(),
            acknowledged.clone(),
            client.clone(),
            answers.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(link) = queue.lock().unwrap().pop() else {
                    break;
                };
                match client
                    .post(&link)
                    .form(&answers)
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await
                {
                    Ok(res) if res.status() == 200 => acknowledged.lock().unwrap().push(link),
                    Ok(res) => assert!(
                        res.status().is_server_error() || res.status() == 422,
                        "unexpected {}",
                        res.status()
                    ),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    // Kill it hard once some answers are in and more are in flight.
    for _ in 0..200 {
        if acknowledged.lock().unwrap().len() >= 60 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    for w in workers {
        let _ = w.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() >= 60,
        "load was running: {}",
        acknowledged.len()
    );

    let mut server = serve(dir.path(), &url, port);
    wait_up(&client, port).await;
    for link in &acknowledged {
        assert_eq!(
            client.get(link).send().await.unwrap().status(),
            410,
            "an acknowledged link is used after the restart"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();

    use crt_feedback::db::schema::{answers as answers_t, invitations, responses};
    let mut conn =
        crt_feedback::db::establish(&crt_feedback::db::DatabaseUrl::parse(&url).unwrap()).unwrap();
    // Every acknowledged submission waits for its release, whole; the release then stores it.
    crt_feedback::submissions::release::release(&mut conn, 5, crt_feedback::db::today()).unwrap();
    let waiting = crt_feedback::submissions::staging::count_waiting(&mut conn, None).unwrap();
    let stored: i64 = responses::table
        .count()
        .get_result::<i64>(&mut conn)
        .unwrap()
        + waiting;
    let used: i64 = invitations::table
        .filter(invitations::used.eq(true))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(
        stored >= acknowledged.len() as i64,
        "every acknowledged response is stored"
    );
    assert_eq!(
        stored, used,
        "no used link without its response, and no response without its link used"
    );
    let per_response: Vec<i64> = responses::table
        .left_join(answers_t::table)
        .group_by(responses::id)
        .select(diesel::dsl::count(answers_t::question_id.nullable()))
        .load(&mut conn)
        .unwrap();
    assert!(
        per_response.iter().all(|n| *n == 6),
        "every response has all its answers: {per_response:?}"
    );
}
