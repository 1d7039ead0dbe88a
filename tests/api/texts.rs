//! Text messages through GOV.UK Notify (a fake on the loopback address that checks every
//! token), short links, discharge lists, opt-outs and STOP replies.

use crate::fake_notify::{self, FakeNotify, SMS_TEMPLATE};
use crate::helpers::{MANAGER, TestApp, eventually, full_answers, spawn_team_with};
use crt_feedback::db::schema::{invitations, mail_outbox, opt_outs};
use diesel::prelude::*;
use serde_json::{Value, json};
use std::time::Duration;

const OPT_OUT_KEY: &str = "a test opt-out key of some length";

/// A team whose texts go to `notify`.
async fn spawn_texting(notify: &FakeNotify, extra: &[(&str, &str)]) -> (TestApp, String) {
    let key = fake_notify::api_key();
    let mut settings = vec![
        ("NOTIFY_API_KEY", key.as_str()),
        ("NOTIFY_BASE_URL", notify.url.as_str()),
        ("NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE),
        ("OPT_OUT_KEY", OPT_OUT_KEY),
    ];
    settings.extend_from_slice(extra);
    spawn_team_with(&settings).await
}

async fn text_invitations(app: &TestApp, key: &str, mobiles: &[&str]) -> Value {
    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(key)
        .json(&json!({ "survey": "service-user", "mobiles": mobiles }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

/// The short link a text carried, as a path on the app.
fn short_link(sent: &Value) -> String {
    let link = sent["personalisation"]["link"].as_str().unwrap();
    let at = link.find("/c/").expect("a short link");
    link[at..].to_string()
}

/// Opens a short link and sends the questionnaire it leads to; returns the final status.
async fn complete_through(app: &TestApp, key: &str, path: &str) -> reqwest::StatusCode {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    if !res.status().is_redirection() {
        return res.status();
    }
    let survey = res.headers()["location"].to_str().unwrap().to_string();
    assert!(survey.starts_with("/s/"), "{survey}");
    let page = app.client.get(app.url(&survey)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let answers = full_answers(app, key, "service-user").await;
    app.client
        .post(app.url(&survey))
        .form(&answers)
        .send()
        .await
        .unwrap()
        .status()
}

fn mobiles_held(app: &TestApp) -> Vec<Option<String>> {
    invitations::table
        .select(invitations::mobile)
        .load(&mut app.conn())
        .unwrap()
}

/// Everything the database holds, as bytes a backup would (SQLite files; a dump on
/// PostgreSQL).
async fn database_bytes(app: TestApp) -> String {
    if app.db.is_postgres() {
        let mut conn = app.conn();
        let rows: Vec<String> = [
            "teams",
            "invitations",
            "mail_outbox",
            "invitation_tokens",
            "opt_outs",
        ]
        .iter()
        .flat_map(|table| {
            #[derive(QueryableByName)]
            struct Row {
                #[diesel(sql_type = diesel::sql_types::Text)]
                text: String,
            }
            let crt_feedback::db::DbConnection::Postgresql(c) = &mut *conn else {
                unreachable!()
            };
            diesel::sql_query(format!(
                "SELECT row_to_json(t)::text AS text FROM {table} t"
            ))
            .load::<Row>(c)
            .unwrap()
            .into_iter()
            .map(|r| r.text)
        })
        .collect();
        return rows.join("\n");
    }
    let db = app.stop().await;
    let path = db.sqlite_path().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    for suffix in ["-wal", "-journal"] {
        if let Ok(more) = std::fs::read(format!("{}{suffix}", path.display())) {
            bytes.extend(more);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[actix_web::test]
async fn text_invitations_are_signed_for_notify_and_their_short_links_work_once() {
    let notify = FakeNotify::start();
    let (app, key) = spawn_texting(&notify, &[("ORG_CODE", "RX4")]).await;
    let issued = text_invitations(
        &app,
        &key,
        &["07700 900123", "0161 496 0000", "+44 7700 900124"],
    )
    .await;
    assert_eq!(issued["queued"], 2);
    assert_eq!(issued["opted_out"], 0);
    let invalid = issued["invalid"].as_array().unwrap();
    assert_eq!(invalid.len(), 1, "{issued}");
    assert_eq!(invalid[0]["index"], 1, "a landline is not a mobile");
    assert!(!invalid[0]["error"].as_str().unwrap().is_empty());

    assert!(
        eventually(Duration::from_secs(20), || notify.accepted().len() == 2).await,
        "both texts reach Notify"
    );
    assert!(notify.bad_tokens().is_empty(), "{:?}", notify.bad_tokens());
    let mut sent = notify.accepted();
    sent.sort_by_key(|(_, body)| body["phone_number"].as_str().unwrap().to_string());
    let numbers: Vec<&str> = sent
        .iter()
        .map(|(_, b)| b["phone_number"].as_str().unwrap())
        .collect();
    assert_eq!(
        numbers,
        ["+447700900123", "+447700900124"],
        "normalised to +44"
    );
    for (path, body) in &sent {
        assert_eq!(path, "/v2/notifications/sms");
        assert_eq!(body["template_id"], SMS_TEMPLATE);
        let p = &body["personalisation"];
        for field in ["team", "link", "code", "expires_on", "help"] {
            assert!(
                p[field].as_str().is_some_and(|v| !v.is_empty()),
                "{field}: {body}"
            );
        }
        assert!(
            p["link"]
                .as_str()
                .unwrap()
                .ends_with(p["code"].as_str().unwrap())
        );
        let reference = body["reference"].as_str().unwrap();
        assert!(!reference.contains("7700"), "the reference names nobody");
    }
    // The texts are sent once each; nothing else is waiting.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(notify.attempts(), 2);

    let first = short_link(&sent[0].1);
    assert_eq!(complete_through(&app, &key, &first).await, 200);
    let again = app.client.get(app.url(&first)).send().await.unwrap();
    assert_eq!(again.status(), 410, "a used short link is refused");
    let unknown = app.client.get(app.url("/c/ZZZZZZZZ")).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        mobiles_held(&app).iter().filter(|m| m.is_none()).count(),
        1,
        "the number of the used link is erased; the other waits for its reminder"
    );
    let second = short_link(&sent[1].1);
    assert_eq!(complete_through(&app, &key, &second).await, 200);
    assert_eq!(mobiles_held(&app), vec![None, None]);
    let everything = database_bytes(app).await;
    assert!(
        everything.contains("NORTH"),
        "the search really reads the data"
    );
    for digits in ["7700900123", "7700 900123", "7700900124", "7700 900124"] {
        assert!(!everything.contains(digits), "{digits} is gone");
    }
}

#[actix_web::test]
async fn a_busy_notify_gets_a_text_exactly_once_and_a_refused_number_is_erased_unretried() {
    let notify = FakeNotify::start();
    let (app, key) = spawn_texting(&notify, &[("MAIL_RETRY_BASE_SECONDS", "1")]).await;
    notify.answer_with(&[429, 500]);
    assert_eq!(
        text_invitations(&app, &key, &["07700900125"]).await["queued"],
        1
    );
    assert!(
        eventually(Duration::from_secs(30), || notify.accepted().len() == 1).await,
        "delivered after a 429 and a 500"
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(notify.accepted().len(), 1, "delivered exactly once");
    assert_eq!(notify.attempts(), 3, "429, 500, then 201");

    notify.answer_with(&[400]);
    assert_eq!(
        text_invitations(&app, &key, &["07700900126"]).await["queued"],
        1
    );
    assert!(
        eventually(Duration::from_secs(20), || notify.attempts() == 4).await,
        "the second text is tried"
    );
    let failed = || {
        mail_outbox::table
            .filter(mail_outbox::failed.eq(true))
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert!(
        eventually(Duration::from_secs(10), || failed() == 1).await,
        "a 400 is recorded as a permanent failure"
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(notify.attempts(), 4, "a 400 is not retried");
    assert_eq!(notify.accepted().len(), 1);
    let last_error: Vec<Option<String>> = mail_outbox::table
        .filter(mail_outbox::failed.eq(true))
        .select(mail_outbox::last_error)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        last_error[0].as_deref().is_some_and(|e| e.contains("400")),
        "{last_error:?}"
    );
    assert_eq!(
        mobiles_held(&app).iter().filter(|m| m.is_none()).count(),
        1,
        "the refused number is erased at once"
    );
    let everything = database_bytes(app).await;
    assert!(
        !everything.contains("7700900126"),
        "the refused number is gone"
    );
}

#[actix_web::test]
async fn a_wrong_notify_key_is_refused_by_notify_and_not_retried() {
    let notify = FakeNotify::start();
    let wrong = format!(
        "crt-test-{}-{}",
        fake_notify::SERVICE_ID,
        "00000000-0000-4000-8000-000000000000"
    );
    let (app, key) = spawn_team_with(&[
        ("NOTIFY_API_KEY", &wrong),
        ("NOTIFY_BASE_URL", &notify.url),
        ("NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE),
    ])
    .await;
    text_invitations(&app, &key, &["07700900127"]).await;
    let refused_sends = || {
        notify
            .bad_tokens()
            .iter()
            .filter(|r| r.starts_with("POST /v2/notifications/sms: signature"))
            .count()
    };
    assert!(
        eventually(Duration::from_secs(20), || refused_sends() == 1).await,
        "the fake checks the signature: {:?}",
        notify.bad_tokens()
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(refused_sends(), 1, "a 403 is not retried");
    assert!(notify.accepted().is_empty());
    assert_eq!(mobiles_held(&app), vec![None]);
}

/// Runs the built binary against the app's database.
fn cli(app: &TestApp, notify: &FakeNotify, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
        .args(args)
        .current_dir(dir.path())
        .env_remove("CRT_CONFIG")
        .env("DATABASE_URL", &app.db.url)
        .env("NOTIFY_API_KEY", fake_notify::api_key())
        .env("NOTIFY_BASE_URL", &notify.url)
        .env("NOTIFY_SMS_TEMPLATE_ID", SMS_TEMPLATE)
        .env("OPT_OUT_KEY", OPT_OUT_KEY)
        .output()
        .unwrap()
}

async fn upload(
    browser: &reqwest::Client,
    app: &TestApp,
    csrf: &str,
    list: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_string())
        .part(
            "list",
            reqwest::multipart::Part::text(list.to_string())
                .file_name("discharges.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    browser
        .post(app.url("/staff/teams/NORTH/discharge-list"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn opt_out_count(app: &TestApp) -> i64 {
    opt_outs::table.count().get_result(&mut app.conn()).unwrap()
}

#[actix_web::test]
async fn discharge_lists_are_refused_whole_or_sent_once_per_contact_skipping_opt_outs_and_stops() {
    let notify = FakeNotify::start();
    let (app, key) = spawn_texting(&notify, &[("NOTIFY_INBOUND_POLL_SECONDS", "1")]).await;
    let (browser, csrf) = app.signed_in_browser(MANAGER).await;

    // One bad row refuses the whole list, on the page and on the command line.
    let malformed =
        "mobile,easy_read,language\n07700900130,no,en\n12345,no,en\n07700900131,maybe,fr\n";
    let res = upload(&browser, &app, &csrf, malformed).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("Row 3"), "the row of the bad number");
    assert!(page.contains("Row 4"), "every bad row");
    assert!(!page.contains("12345"), "the page repeats no contact");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("discharges.csv");
    std::fs::write(&file, malformed).unwrap();
    let out = cli(
        &app,
        &notify,
        &[
            "invite",
            "--team",
            "NORTH",
            "--csv",
            file.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3") && err.contains("row 4"), "{err}");
    assert!(mobiles_held(&app).is_empty(), "nothing was queued");

    // Someone who asked not to be contacted.
    let res = app
        .client
        .post(app.url("/api/v1/opt-outs"))
        .bearer_auth(&key)
        .json(&json!({ "contact": "07700 900133" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    // A good list: previewed first, nothing sent until confirmed.
    let good = "carer_consent,mobile,carer_mobile,easy_read,language\n\
                yes,07700900132,07700900134,no,en\n\
                no,07700900133,,yes,cy\n";
    std::fs::write(&file, good).unwrap();
    let out = cli(
        &app,
        &notify,
        &["invite", "--team", "NORTH", "--csv", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("1 people and 1 carers") && said.contains("1 contacts have opted out"),
        "{said}"
    );
    assert!(mobiles_held(&app).is_empty(), "a preview sends nothing");

    let res = upload(&browser, &app, &csrf, good).await;
    assert_eq!(res.status(), 200);
    let preview = res.text().await.unwrap();
    assert!(preview.contains("Send these invitations"));
    let csv = preview
        .split("name=\"csv\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#x0A;", "\n")
        .replace("&#10;", "\n");
    let res = browser
        .post(app.url("/staff/teams/NORTH/discharge-list/send"))
        .form(&[("csrf_token", csrf.as_str()), ("csv", &csv)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Queued 1 invitations for people and 1 for carers")
    );
    assert!(
        eventually(Duration::from_secs(20), || notify.accepted().len() == 2).await,
        "one text per contact"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut numbers: Vec<String> = notify
        .accepted()
        .iter()
        .map(|(_, b)| b["phone_number"].as_str().unwrap().to_string())
        .collect();
    numbers.sort();
    assert_eq!(
        numbers,
        ["+447700900132", "+447700900134"],
        "the opted-out number is skipped"
    );

    // The person replies STOP; the next invitation to that number is not sent.
    assert_eq!(opt_out_count(&app), 1);
    notify.receive_text("447700900132", "  Stop ");
    notify.receive_text("447700900134", "thanks, will do");
    assert!(
        eventually(Duration::from_secs(20), || opt_out_count(&app) == 2).await,
        "the STOP reply becomes an opt-out, and only it"
    );
    let issued = text_invitations(&app, &key, &["07700 900132", "07700 900134"]).await;
    assert_eq!(issued["queued"], 1);
    assert_eq!(issued["opted_out"], 1);
    assert!(
        eventually(Duration::from_secs(20), || notify.accepted().len() == 3).await,
        "the other number is still invited"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    let to_stopped = notify
        .accepted()
        .iter()
        .filter(|(_, b)| b["phone_number"] == "+447700900132")
        .count();
    assert_eq!(to_stopped, 1, "only the text before STOP");
    let hashes: Vec<String> = opt_outs::table
        .select(opt_outs::contact_hash)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        hashes.iter().all(|h| !h.contains("7700")),
        "kept only as keyed hashes"
    );

    // The invitation page counts what was skipped, never whom.
    let res = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "mobiles"),
            ("survey", "service-user"),
            ("mobiles", "07700 900132\n07700 900135"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(page.contains("1 contact was skipped"), "{page}");
    assert!(!page.contains("7700"), "no contact on the page");
    assert!(
        eventually(Duration::from_secs(20), || notify.accepted().len() == 4).await,
        "the other number on the page is texted"
    );
}
