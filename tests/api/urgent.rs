//! A comment with risk language reaches a person within minutes, whatever the size of its
//! group: an alert with none of its words to the team's duty contact, the urgent page and API,
//! acknowledgement with a note, and a second alert to the Trust's fallback address when nobody
//! acknowledges it in time.

use crate::helpers::{MANAGER, SmtpSink, TestApp, eventually, full_answers, spawn_team_with};
use crt_feedback::staff::Role;
use serde_json::{Value, json};
use std::time::Duration;

const DUTY: &str = "duty.nurse@trust.example";
const FALLBACK: &str = "safeguarding@trust.example";

/// Answers a fresh carer link with `comment` as the reason for the rating; returns the page.
async fn answer_with(app: &TestApp, key: &str, comment: &str) -> String {
    let (link, _) = app.issue_links(key, "NORTH", "carer", 1).await.remove(0);
    let mut answers = full_answers(app, key, "carer").await;
    answers.retain(|(q, _)| q != "fft_reason");
    answers.push(("fft_reason".into(), comment.into()));
    let res = app.client.post(&link).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn set_duty_email(app: &TestApp, key: &str, email: &str) {
    let res = app
        .client
        .patch(app.url("/api/v1/teams/NORTH"))
        .bearer_auth(key)
        .json(&json!({ "urgent_email": email }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let team: Value = res.json().await.unwrap();
    assert_eq!(team["urgent_email"], email);
}

fn sent_to<'a>(messages: &'a [String], address: &str) -> Vec<&'a String> {
    messages
        .iter()
        .filter(|m| {
            m.contains(&format!("RCPT TO:<{address}>")) || m.contains(&format!("To: {address}"))
        })
        .collect()
}

#[actix_web::test]
async fn an_urgent_comment_in_a_group_of_one_reaches_the_duty_contact_at_once() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let (app, key) = spawn_team_with(&[
        ("SMTP_URL", &smtp),
        ("URGENT_FALLBACK_EMAIL", FALLBACK),
        ("URGENT_ACK_HOURS", "0.006"),
        ("MAIL_POLL_SECONDS", "1"),
    ])
    .await;
    app.add_team("SOUTH");
    let clinician = app.add_user("clinician@example.org", Some(Role::Clinician), &["NORTH"]);
    let other = app.add_user("south@example.org", Some(Role::Clinician), &["SOUTH"]);
    set_duty_email(&app, &key, DUTY).await;

    // One carer, alone in their group: nothing of theirs is released, yet the words reach a
    // person at once.
    let words = "Since he came home I think my brother wants to end it all";
    let page = answer_with(&app, &key, words).await;
    assert!(page.contains("urgent-help--first"), "help comes first");
    assert!(
        eventually(Duration::from_secs(60), || !sent_to(&sink.received(), DUTY)
            .is_empty())
        .await,
        "the duty contact is alerted within a minute"
    );
    // Quoted-printable soft breaks and `=` joined up again, as a mail reader would.
    let alert = sent_to(&sink.received(), DUTY)[0]
        .replace("=\r\n", "")
        .replace("=3D", "=");
    assert!(alert.contains("/staff/teams/NORTH/urgent"), "{alert}");
    for fragment in ["brother", "end it all", "home"] {
        assert!(
            !alert.contains(fragment),
            "the alert holds none of the words"
        );
    }

    // The clinicians of the team can read it; another team's cannot.
    let list = app.api_json(&clinician, "/api/v1/teams/NORTH/urgent").await;
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["text"], words);
    assert_eq!(items[0]["group"], "carer");
    assert_eq!(items[0]["questionnaire"], "carer");
    assert_eq!(items[0]["status"], "new");
    let id = items[0]["id"].as_str().unwrap().to_string();
    let refused = app
        .client
        .get(app.url("/api/v1/teams/NORTH/urgent"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let refused = app
        .client
        .post(app.url(&format!("/api/v1/urgent/{id}/acknowledge")))
        .bearer_auth(&other)
        .json(&json!({ "note": "not mine" }))
        .send()
        .await
        .unwrap();
    assert!(matches!(refused.status().as_u16(), 403 | 404));
    let report = app.api_json(&key, "/api/v1/teams/NORTH/report").await;
    assert_eq!(report["responses"]["carer"], 0, "and it is in no report");

    // Every staff page of the team shows the count first, until it is acknowledged.
    let (browser, _) = app.signed_in_browser(MANAGER).await;
    let dashboard = |browser: reqwest::Client| {
        let url = app.url("/staff/teams/NORTH/dashboard");
        async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let before = dashboard(browser.clone()).await;
    let banner = before
        .find("1 urgent comment for")
        .expect("the count is shown");
    assert!(
        banner < before.find("<h1>").unwrap(),
        "first, above the heading"
    );

    let acknowledge = |note: &'static str| {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/urgent/{id}/acknowledge"));
        let key = clinician.clone();
        async move {
            client
                .post(url)
                .bearer_auth(key)
                .json(&json!({ "note": note }))
                .send()
                .await
                .unwrap()
        }
    };
    let missing = acknowledge("  ").await;
    assert_eq!(missing.status(), 400);
    assert_eq!(missing.json::<Value>().await.unwrap()["field"], "note");
    let done = acknowledge("Told the safeguarding lead; checked this week's discharges").await;
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.unwrap();
    assert_eq!(done["status"], "acknowledged");
    assert_eq!(
        done["note"],
        "Told the safeguarding lead; checked this week's discharges"
    );
    assert!(
        done["acknowledged_by"]
            .as_str()
            .unwrap()
            .contains("clinician@example.org")
    );
    assert!(
        !dashboard(browser.clone())
            .await
            .contains("urgent comment for")
    );

    // A second comment nobody acknowledges: once the time is up, the fallback address hears.
    answer_with(&app, &key, "I have been cutting again and nobody knows").await;
    assert!(
        eventually(Duration::from_secs(90), || !sent_to(
            &sink.received(),
            FALLBACK
        )
        .is_empty())
        .await,
        "the fallback address is alerted when nobody acknowledges"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let received = sink.received();
    assert_eq!(sent_to(&received, DUTY).len(), 2, "one alert a comment");
    assert_eq!(
        sent_to(&received, FALLBACK).len(),
        1,
        "no second alert for the acknowledged one"
    );
    assert!(!received.iter().any(|m| m.contains("cutting")));

    use crt_feedback::db::schema::audit_log;
    use diesel::prelude::*;
    let readings: i64 = audit_log::table
        .filter(audit_log::action.eq("urgent.view"))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert!(readings >= 1, "every reading is in the audit log");
}

#[actix_web::test]
async fn an_alert_waits_out_an_smtp_outage_and_arrives_once() {
    let sink = SmtpSink::start();
    let (port, store) = sink.stop();
    let smtp = format!("smtp://127.0.0.1:{port}");
    let (app, key) = spawn_team_with(&[
        ("SMTP_URL", &smtp),
        ("MAIL_RETRY_BASE_SECONDS", "1"),
        ("MAIL_POLL_SECONDS", "1"),
    ])
    .await;
    set_duty_email(&app, &key, DUTY).await;
    answer_with(&app, &key, "I don't want to be here any more").await;
    use crt_feedback::db::schema::mail_outbox;
    use diesel::prelude::*;
    let tried = eventually(Duration::from_secs(30), || {
        mail_outbox::table
            .filter(mail_outbox::kind.eq("urgent_alert"))
            .select(mail_outbox::attempts)
            .load::<i32>(&mut app.conn())
            .unwrap()
            .iter()
            .any(|a| *a >= 1)
    })
    .await;
    assert!(tried, "the alert was tried while the relay was down");
    let sink = SmtpSink::start_on(port, store);
    assert!(
        eventually(Duration::from_secs(60), || !sent_to(&sink.received(), DUTY)
            .is_empty())
        .await,
        "the alert arrives once the relay is back"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sent_to(&sink.received(), DUTY).len(), 1, "once");
}

#[actix_web::test]
async fn a_team_nobody_would_hear_about_is_a_warning_and_its_alert_waits_for_a_contact() {
    let sink = SmtpSink::start();
    let smtp = format!("smtp://127.0.0.1:{}", sink.port);
    let (app, key) = spawn_team_with(&[
        ("SMTP_URL", &smtp),
        ("MAIL_RETRY_BASE_SECONDS", "1"),
        ("MAIL_POLL_SECONDS", "1"),
    ])
    .await;
    app.add_user("admin@example.org", None, &[]);
    for who in [MANAGER, "admin@example.org"] {
        let (browser, _) = app.signed_in_browser(who).await;
        let page = browser
            .get(app.url("/staff"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("has no duty contact for urgent comments")
                && page.contains("Nobody would be alerted"),
            "{who}"
        );
    }
    answer_with(&app, &key, "My mum keeps saying she'd be better off dead").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(sink.received().is_empty(), "nowhere to send it yet");
    // Set from the command line's code path, as an operator would.
    set_duty_email(&app, &key, DUTY).await;
    assert!(
        eventually(Duration::from_secs(60), || !sent_to(&sink.received(), DUTY)
            .is_empty())
        .await,
        "the waiting alert goes once a contact is set"
    );
    let (browser, _) = app.signed_in_browser(MANAGER).await;
    let page = browser
        .get(app.url("/staff"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("has no duty contact"));
}

#[actix_web::test]
async fn the_urgent_page_takes_an_acknowledgement_and_keeps_a_refused_note() {
    let (app, key) = spawn_team_with(&[]).await;
    app.add_user("nurse@example.org", Some(Role::Clinician), &["NORTH"]);
    answer_with(&app, &key, "I have been stockpiling my tablets").await;
    let (browser, csrf) = app.signed_in_browser("nurse@example.org").await;
    let page = browser
        .get(app.url("/staff/teams/NORTH/urgent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("I have been stockpiling my tablets"));
    let id = page
        .split("action=\"/staff/urgent/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let url = app.url(&format!("/staff/urgent/{id}/acknowledge"));
    let refused = browser
        .post(&url)
        .form(&[("csrf_token", csrf.as_str()), ("note", "   ")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("error-summary") && page.contains(&format!("href=\"#note-{id}\"")));
    let forged = browser
        .post(&url)
        .form(&[("note", "Called the duty team")])
        .send()
        .await
        .unwrap();
    assert_ne!(forged.status(), 303, "no CSRF token, no acknowledgement");
    let done = browser
        .post(&url)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("note", "Called the duty team"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let page = browser
        .get(app.url("/staff/teams/NORTH/urgent"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Acknowledged by nurse@example.org"));
    assert!(page.contains("Called the duty team"));
}
