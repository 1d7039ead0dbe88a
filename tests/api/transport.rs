//! Sessions and transport: HTTPS settings, a session cookie that ends with the browser, a
//! deadline for slow bodies, and a form of made-up fields answered briefly.

use crate::helpers::{spawn_app_with, spawn_team};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[actix_web::test]
async fn on_https_responses_carry_strict_transport_security_and_cookies_are_secure() {
    let key = "5e".repeat(64);
    let app = spawn_app_with(&[
        ("PUBLIC_URL", "https://feedback.example.nhs.uk"),
        ("SESSION_KEY", key.as_str()),
    ])
    .await;
    let res = app
        .client
        .get(app.url("/staff/sign-in"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"].to_str().unwrap(),
        "max-age=31536000"
    );
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("Secure"), "{cookie}");
    let plain = spawn_app_with(&[]).await;
    let res = plain
        .client
        .get(plain.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
}

#[actix_web::test]
async fn the_session_cookie_ends_with_the_browser_session() {
    let (app, _) = spawn_team().await;
    let res = app
        .client
        .get(app.url("/staff/sign-in"))
        .send()
        .await
        .unwrap();
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(cookie.contains("httponly"), "{cookie}");
    assert!(
        !cookie.contains("max-age") && !cookie.contains("expires"),
        "no lifetime beyond the browser session: {cookie}"
    );
}

#[actix_web::test]
async fn a_body_that_does_not_arrive_in_time_gets_408() {
    let (app, _) = spawn_team_with_timeout().await;
    let address = app.address.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream
            .write_all(
                b"POST /code HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncode=",
            )
            .unwrap();
        // One more byte a second, never the hundred promised.
        for _ in 0..3 {
            std::thread::sleep(Duration::from_millis(700));
            let _ = stream.write_all(b"A");
        }
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(10));
    // The server goes on answering everyone else.
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

async fn spawn_team_with_timeout() -> (crate::helpers::TestApp, String) {
    crate::helpers::spawn_team_with(&[("BODY_TIMEOUT_SECONDS", "1")]).await
}

#[actix_web::test]
async fn a_form_of_sixty_thousand_made_up_fields_gets_one_short_error() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    // Under the 256 KB a form may have: the same made-up name again and again.
    let body = "x=&".repeat(60_000);
    let res = app
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.len() < 100_000, "{} bytes", page.len());
    assert!(
        page.contains("60000 question(s)"),
        "the error says how many"
    );
    assert_eq!(page.matches("this questionnaire does not ask").count(), 1);
}
