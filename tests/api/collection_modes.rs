//! Responses collected on paper, by telephone and on a tablet at the team's base count in the
//! FFT return under their own modes, and in every other figure exactly as web responses do.

use crate::helpers::{MANAGER, TestApp, answer, csrf_from, full_answers, spawn_team_with};
use serde_json::{Map, Value, json};

const ADMIN: &str = "admin@example.org";

fn month() -> String {
    chrono::Utc::now().date_naive().format("%Y-%m").to_string()
}

async fn get_text(app: &TestApp, key: &str, path: &str) -> (u16, String) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Every question answered, with this FFT answer.
async fn answers_with_fft(app: &TestApp, key: &str, fft: &str) -> Vec<(String, String)> {
    let mut answers = full_answers(app, key, "service-user").await;
    answers.retain(|(q, _)| q != "fft");
    answers.push(("fft".into(), fft.into()));
    answers
}

async fn on_paper(app: &TestApp, key: &str, fft: &str) {
    let answers: Map<String, Value> = answers_with_fft(app, key, fft)
        .await
        .into_iter()
        .map(|(q, v)| (q, Value::String(v)))
        .collect();
    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/responses"))
        .bearer_auth(key)
        .json(&json!({ "survey": "service-user", "mode": "paper", "answers": answers }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "stored": true, "urgent": false })
    );
}

async fn by_telephone(app: &TestApp, key: &str, fft: &str) {
    let (browser, _) = app.signed_in_browser(MANAGER).await;
    let form = browser
        .get(app.url("/staff/teams/NORTH/responses/new?survey=service-user"))
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let csrf = csrf_from(&form.text().await.unwrap());
    let mut fields = answers_with_fft(app, key, fft).await;
    fields.push(("csrf_token".into(), csrf));
    fields.push(("mode".into(), "telephone".into()));
    let res = browser
        .post(app.url("/staff/teams/NORTH/responses?survey=service-user"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// Registers a tablet for NORTH as an admin; returns its path, `/k/{token}`.
async fn register_tablet(app: &TestApp) -> String {
    let (browser, csrf) = app.signed_in_browser(ADMIN).await;
    let res = browser
        .post(app.url("/staff/admin/tablets"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("tablet_label", "Waiting room"),
            ("tablet_team", "NORTH"),
            ("tablet_survey", "service-user"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let at = page.find("/k/").expect("the page shows the tablet's link");
    page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c))
        .collect()
}

async fn on_the_tablet(app: &TestApp, key: &str, tablet: &str, fft: &str) {
    let form = app.client.get(app.url(tablet)).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let page = form.text().await.unwrap();
    assert!(
        page.contains("http-equiv=\"refresh\""),
        "it goes back to the start when idle"
    );
    let visit = page
        .split("name=\"visit\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let mut fields = answers_with_fft(app, key, fft).await;
    fields.push(("visit".into(), visit));
    let sent = app
        .client
        .post(app.url(tablet))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200);
    let again = app
        .client
        .post(app.url(tablet))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        303,
        "a visit is sent once: a second press starts afresh"
    );
}

/// The team's report, without what depends on how responses were collected.
async fn report(app: &TestApp, key: &str) -> Value {
    let mut report = app.api_json(key, "/api/v1/teams/NORTH/report").await;
    let object = report.as_object_mut().unwrap();
    // How responses came, and the response rate to invitations, differ by mode by design.
    for by_mode in [
        "responses_by_channel",
        "invitations_issued",
        "response_rate_pct",
    ] {
        object.remove(by_mode);
    }
    report
}

/// The report.csv sections that differ by how responses were collected, by design.
const BY_MODE: [&str; 3] = [
    "responses_by_channel",
    "summary,invitations_issued",
    "summary,response_rate_pct",
];

/// An FFT return's rows, without the six mode columns.
fn without_modes(csv: &str) -> Vec<String> {
    csv.lines()
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            let mut kept = fields[..10].to_vec();
            kept.extend(&fields[16..]);
            kept.join(",")
        })
        .collect()
}

#[actix_web::test]
async fn paper_telephone_and_tablet_responses_count_under_their_modes_and_like_web_ones_everywhere()
{
    let settings = [("ORG_CODE", "RX4")];
    let (mixed, key) = spawn_team_with(&settings).await;
    let admin = mixed.add_user(ADMIN, None, &[]);
    for fft in ["5", "4", "2"] {
        answer(&mixed, &key, "service-user", &[("fft", fft)]).await;
    }
    on_paper(&mixed, &key, "1").await;
    by_telephone(&mixed, &key, "4").await;
    let tablet = register_tablet(&mixed).await;
    on_the_tablet(&mixed, &key, &tablet, "5").await;

    // Before the release: the team sees nothing yet; the admin's submission counts every
    // response in the month it came, by mode.
    let (_, fft) = get_text(&mixed, &key, "/api/v1/teams/NORTH/fft-return.csv").await;
    assert!(!fft.contains(&month()), "nothing released yet: {fft}");
    let (status, _) = get_text(&mixed, &key, "/api/v1/fft-submission.csv").await;
    assert_eq!(status, 403, "admins only");
    let (status, submission) = get_text(&mixed, &admin, "/api/v1/fft-submission.csv").await;
    assert_eq!(status, 200);
    let header = submission.lines().next().unwrap();
    assert_eq!(
        header,
        "org_code,unit,month,very_good,good,neither_good_nor_poor,poor,very_poor,dont_know,total,sms,online,tablet,paper,telephone,other"
    );
    assert!(
        submission
            .lines()
            .any(|l| l == format!("RX4,all,{},2,2,0,1,1,0,6,0,3,1,1,1,0", month())),
        "{submission}"
    );
    let (browser, _) = mixed.signed_in_browser(ADMIN).await;
    let audit = browser
        .get(mixed.url("/staff/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let audit = audit.replace("&#x3D;", "=");
    assert_eq!(audit.matches("response.entered").count(), 2, "{audit}");
    assert!(audit.contains("mode=paper") && audit.contains("mode=telephone"));
    assert!(
        !audit.contains("kind and listened"),
        "the audit log never says which"
    );

    mixed.release();
    let (_, fft) = get_text(&mixed, &key, "/api/v1/teams/NORTH/fft-return.csv").await;
    let row = format!("RX4,NORTH,{},2,2,0,1,1,0,6,0,3,1,1,1,0,false", month());
    assert!(fft.lines().any(|l| l == row), "{fft}");

    // The same answers all given on the web make the same figures, apart from the modes.
    let (web, web_key) = spawn_team_with(&settings).await;
    for fft in ["5", "4", "2", "1", "4", "5"] {
        answer(&web, &web_key, "service-user", &[("fft", fft)]).await;
    }
    web.release();
    let (_, web_fft) = get_text(&web, &web_key, "/api/v1/teams/NORTH/fft-return.csv").await;
    assert!(web_fft.contains(&format!(
        "RX4,NORTH,{},2,2,0,1,1,0,6,0,6,0,0,0,0,false",
        month()
    )));
    assert_eq!(without_modes(&fft), without_modes(&web_fft));
    assert_eq!(report(&mixed, &key).await, report(&web, &web_key).await);
    for export in ["report.csv", "answers.csv"] {
        let path = format!("/api/v1/teams/NORTH/{export}");
        let (_, a) = get_text(&mixed, &key, &path).await;
        let (_, b) = get_text(&web, &web_key, &path).await;
        let sorted = |s: &str| {
            let mut lines: Vec<String> = s
                .lines()
                .filter(|l| !BY_MODE.iter().any(|m| l.starts_with(m)))
                .map(|l| {
                    // answers.csv's channel column differs by mode, by design.
                    let mut fields: Vec<&str> = l.split(',').collect();
                    if export == "answers.csv" {
                        fields.remove(3);
                    }
                    fields.join(",")
                })
                .collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&a), sorted(&b), "{export}");
    }
    // Revoking the tablet ends its link.
    let (admin_browser, csrf) = mixed.signed_in_browser(ADMIN).await;
    let page = admin_browser
        .get(mixed.url("/staff/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page
        .find("/staff/admin/tablets/")
        .expect("the tablet is listed");
    let revoke: String = page[at..].chars().take_while(|c| *c != '"').collect();
    let res = admin_browser
        .post(mixed.url(&revoke))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let gone = mixed.client.get(mixed.url(&tablet)).send().await.unwrap();
    assert_eq!(gone.status(), 404, "a revoked tablet's link is refused");

    // One paper form, call or tablet visit must not mark out one person's set of answers.
    let (_, answers) = get_text(&mixed, &key, "/api/v1/teams/NORTH/answers.csv").await;
    for mode in ["paper", "telephone", "tablet", "printed"] {
        assert!(
            !answers.contains(&format!(",{mode},")),
            "{mode} in {answers}"
        );
    }
}
