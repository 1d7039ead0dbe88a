use crate::helpers::{SmtpSink, eventually, full_answers, link_in, spawn_on, spawn_team_with};
use crt_feedback::db::schema::{invitations, mail_outbox};
use diesel::prelude::*;
use serde_json::json;
use std::time::Duration;

#[actix_web::test]
async fn an_emailed_link_arrives_over_smtp_works_once_and_the_address_is_erased() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let (app, key) =
        spawn_team_with(&[("SMTP_URL", &smtp), ("MAIL_FROM", "feedback@trust.example")]).await;
    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "carer", "emails": ["carer.person@example.net"], "carer_consent": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap(),
        json!({ "queued": 1 })
    );
    assert!(
        eventually(Duration::from_secs(20), || sink.received().len() == 1).await,
        "the message arrives"
    );
    let message = sink.received().remove(0);
    assert!(message.contains("carer.person@example.net"));
    assert!(message.contains("Subject: We would value your feedback"));
    assert!(
        message.contains("Message-ID: <") && message.contains("@127.0.0.1>"),
        "our own Message-ID"
    );
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "both parts"
    );
    let link = link_in(&message, &app.address);
    let answers = full_answers(&app, &key, "carer").await;
    assert_eq!(
        app.client
            .post(&link)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.client
            .post(&link)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
    let emails: Vec<Option<String>> = invitations::table
        .select(invitations::email)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        emails,
        vec![None],
        "the address is erased once the link is used"
    );
}

#[actix_web::test]
async fn mail_issued_during_an_smtp_outage_arrives_once_after_a_restart() {
    let sink = SmtpSink::start();
    let (port, store) = sink.stop();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let settings = [("SMTP_URL", smtp.as_str())];
    let (app, key) = spawn_team_with(&settings).await;
    let addresses: Vec<String> = (0..3).map(|i| format!("person{i}@example.net")).collect();
    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "service-user", "emails": addresses }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let failed = eventually(Duration::from_secs(20), || {
        let attempts: Vec<i32> = mail_outbox::table
            .select(mail_outbox::attempts)
            .load(&mut app.conn())
            .unwrap();
        attempts.len() == 3 && attempts.iter().all(|a| *a >= 1)
    })
    .await;
    assert!(
        failed,
        "every send was tried and failed while the relay was down"
    );
    let db = app.stop().await;
    let sink = SmtpSink::start_on(port, store);
    let app = spawn_on(db, &settings).await;
    assert!(
        eventually(Duration::from_secs(30), || sink.received().len() >= 3).await,
        "all three arrive"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = sink.received();
    assert_eq!(received.len(), 3, "each message arrives once");
    for address in &addresses {
        assert_eq!(
            received
                .iter()
                .filter(|m| m.contains(address.as_str()))
                .count(),
            1,
            "{address}"
        );
    }
    let pending: i64 = mail_outbox::table
        .filter(mail_outbox::sent.eq(false))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(pending, 0);
}

#[actix_web::test]
async fn without_smtp_messages_are_written_as_eml_files() {
    let (app, key) = spawn_team_with(&[]).await;
    app.client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "carer", "emails": ["a@example.net", "b@example.net"], "carer_consent": true }))
        .send()
        .await
        .unwrap();
    let dir = app.mail_dir.clone();
    let written = eventually(Duration::from_secs(20), || {
        std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .count()
            })
            .unwrap_or(0)
            == 2
    })
    .await;
    assert!(written);
}

#[actix_web::test]
async fn one_reminder_goes_to_an_unused_link_and_then_the_address_is_erased() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let (app, key) = spawn_team_with(&[("SMTP_URL", &smtp), ("REMINDER_AFTER_DAYS", "3")]).await;
    app.client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "carer", "emails": ["later@example.net"], "carer_consent": true }))
        .send()
        .await
        .unwrap();
    assert!(eventually(Duration::from_secs(20), || sink.received().len() == 1).await);
    // Pretend the invitation went out four days ago, then run the scheduled jobs.
    let four_days_ago = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(4);
    diesel::update(invitations::table)
        .set(invitations::issued_on.eq(four_days_ago))
        .execute(&mut app.conn())
        .unwrap();
    let queued = crt_feedback::jobs::reminders::queue(&mut app.conn(), 3).unwrap();
    assert_eq!(queued, 1);
    assert_eq!(
        crt_feedback::jobs::reminders::queue(&mut app.conn(), 3).unwrap(),
        0,
        "only one reminder"
    );
    assert!(eventually(Duration::from_secs(20), || sink.received().len() == 2).await);
    assert!(sink.received()[1].contains("reminder"));
    let erased = eventually(Duration::from_secs(10), || {
        invitations::table
            .select(invitations::email)
            .first::<Option<String>>(&mut app.conn())
            .unwrap()
            .is_none()
    })
    .await;
    assert!(erased, "the address is erased after the reminder");
    // The reminder's link works, and so would the first one: either redeems the invitation once.
    let link = link_in(&sink.received()[1], &app.address);
    let answers = full_answers(&app, &key, "carer").await;
    assert_eq!(
        app.client
            .post(&link)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let first = link_in(&sink.received()[0], &app.address);
    assert_eq!(
        app.client
            .post(&first)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        410
    );
}
