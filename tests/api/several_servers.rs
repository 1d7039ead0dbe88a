//! Two servers on one PostgreSQL database: mail goes out once, sessions work on either server,
//! scheduled jobs run once.

use crate::helpers::{SmtpSink, eventually, spawn_app_with, spawn_beside};
use crt_feedback::db::schema::{invitations, mail_outbox};
use crt_feedback::staff::Role;
use diesel::prelude::*;
use serde_json::json;
use std::time::Duration;

#[actix_web::test]
async fn two_servers_share_the_outbox_sessions_and_scheduled_jobs() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        eprintln!("several_servers: PostgreSQL only (set TEST_DATABASE_URL); skipped on SQLite");
        return;
    }
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let key_hex = "5e".repeat(64);
    let settings = [
        ("SMTP_URL", smtp.as_str()),
        ("SESSION_KEY", key_hex.as_str()),
    ];
    let a = spawn_app_with(&settings).await;
    let b = spawn_beside(&a, &settings).await;
    a.add_team("NORTH");
    let key = a.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);

    // Mail: both workers poll the same outbox; each message goes out once.
    let addresses: Vec<String> = (0..30).map(|i| format!("person{i}@example.net")).collect();
    for (app, chunk) in [(&a, &addresses[..15]), (&b, &addresses[15..])] {
        let res = app
            .client
            .post(app.url("/api/v1/teams/NORTH/invitations"))
            .bearer_auth(&key)
            .json(&json!({ "survey": "carer", "emails": chunk, "carer_consent": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    assert!(eventually(Duration::from_secs(30), || sink.received().len() >= 30).await);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = sink.received();
    assert_eq!(received.len(), 30, "each message once");
    for address in &addresses {
        assert_eq!(
            received
                .iter()
                .filter(
                    |m| m.contains(&format!("<{address}>")) || m.contains(&format!(" {address}\r"))
                )
                .count(),
            1,
            "{address}"
        );
    }

    // Sessions: signed in on one server, recognised by the other.
    let (browser, _) = a.signed_in_browser("m@example.org").await;
    assert_eq!(
        browser.get(b.url("/staff")).send().await.unwrap().status(),
        200
    );

    // Scheduled jobs: both servers queue reminders at once; each invitation gets one.
    let four_days_ago = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(4);
    diesel::update(invitations::table)
        .set(invitations::issued_on.eq(four_days_ago))
        .execute(&mut a.conn())
        .unwrap();
    let (pool_a, pool_b) = (a.pool.clone(), b.pool.clone());
    let ta = std::thread::spawn(move || {
        crt_feedback::jobs::reminders::queue(&mut pool_a.get().unwrap(), 3).unwrap()
    });
    let tb = std::thread::spawn(move || {
        crt_feedback::jobs::reminders::queue(&mut pool_b.get().unwrap(), 3).unwrap()
    });
    let queued = ta.join().unwrap() + tb.join().unwrap();
    assert_eq!(
        queued, 30,
        "one reminder per invitation between the two servers"
    );
    let reminders: i64 = mail_outbox::table
        .filter(mail_outbox::kind.eq("reminder"))
        .count()
        .get_result(&mut a.conn())
        .unwrap();
    assert_eq!(reminders, 30);
    assert!(eventually(Duration::from_secs(30), || sink.received().len() >= 60).await);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.received().len(), 60, "each reminder once");
    drop(b);
}
