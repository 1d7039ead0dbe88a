//! The evidence report end to end: chosen answers through the survey pages, concerns and
//! actions through the API, then every figure in the JSON and the CSV, worked out by hand.

use crate::helpers::{TestApp, answer, spawn_app, spawn_team, survey_json};
use crt_feedback::staff::Role;
use serde_json::{Value, json};

async fn question_for(app: &TestApp, key: &str, slug: &str, criterion: &str) -> String {
    let survey = survey_json(app, key, slug).await;
    let questions = survey["questions"].as_array().unwrap();
    questions
        .iter()
        .find(|q| q["criterion"] == criterion)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn report(app: &TestApp, key: &str) -> Value {
    let res = app
        .client
        .get(app.url("/api/v1/teams/NORTH/report"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[actix_web::test]
async fn every_figure_in_the_report_matches_the_answers_given() {
    let (app, key) = spawn_team().await;
    let kind = question_for(&app, &key, "service-user", "22d").await;
    // Six service users: FFT 5,5,4,3,2,don't know; 22d 5,4,4,3,2,don't know.
    let fft = ["5", "5", "4", "3", "2", "dont_know"];
    let staff_kind = ["5", "4", "4", "3", "2", "dont_know"];
    for i in 0..6 {
        answer(
            &app,
            &key,
            "service-user",
            &[("fft", fft[i]), (&kind, staff_kind[i])],
        )
        .await;
    }
    // Five staff; no carers yet.
    for _ in 0..5 {
        answer(&app, &key, "staff", &[]).await;
    }
    let waiting = report(&app, &key).await;
    assert_eq!(
        waiting["responses"]["total"], 0,
        "nothing is shown before a release"
    );
    let released = app.release();
    assert_eq!((released.responses, released.batches), (11, 2));

    let r = report(&app, &key).await;
    assert_eq!(r["responses"]["service_user"], 6);
    assert_eq!(r["responses"]["carer"], 0, "no carers: zero is shown");
    assert_eq!(r["responses"]["staff"], 5);
    assert_eq!(r["responses"]["partner"], 0);
    assert_eq!(r["responses"]["total"], 11);
    assert_eq!(r["invitations_issued"], 11);
    assert_eq!(r["response_rate_pct"], 100.0);

    let c22d = r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "22d")
        .unwrap();
    let su = c22d["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "service_user")
        .unwrap();
    assert_eq!(su["n"], 5, "don't know is left out");
    assert_eq!(su["agree"], 3);
    assert_eq!(su["agree_pct"], 60.0);
    assert_eq!(su["ci_low"], 23.1);
    assert_eq!(su["ci_high"], 88.2);
    assert_eq!(su["suppressed"], false);
    let carer = c22d["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "carer")
        .unwrap();
    assert_eq!(carer["n"], Value::Null);
    assert_eq!(carer["agree_pct"], Value::Null);
    assert_eq!(carer["suppressed"], true);
    assert_eq!(
        c22d["indicator"], "disagreement",
        "service users at 60% are below 80%"
    );

    let staff = c22d["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == "staff")
        .unwrap();
    assert_eq!(
        (
            staff["n"].clone(),
            staff["agree_pct"].clone(),
            staff["ci_low"].clone()
        ),
        (json!(5), json!(100.0), json!(56.6)),
        "{c22d}"
    );
    let c13e = r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "13e")
        .unwrap();
    assert_eq!(
        c13e["indicator"], "insufficient_evidence",
        "service users and staff agree; no carers yet"
    );
    assert_eq!(c13e["missing_sources"], json!(["carer"]));

    // The FFT counts service users and carers (both answered "good").
    assert_eq!(r["fft"]["total"], 6);
    assert_eq!(r["fft"]["very_good"], 2);
    assert_eq!(r["fft"]["good"], 1);
    assert_eq!(r["fft"]["neither"], 1);
    assert_eq!(r["fft"]["poor"], 1);
    assert_eq!(r["fft"]["very_poor"], 0);
    assert_eq!(r["fft"]["dont_know"], 1);
    assert_eq!(
        r["fft"]["positive_pct"], 50.0,
        "3 of 6, don't know included in the denominator"
    );
    assert_eq!(r["fft"]["negative_pct"], 16.7);

    // 22c: the poor FFT answer raised a concern; log a complaint and act on it.
    let complaint: Value = app
        .client
        .post(app.url("/api/v1/teams/NORTH/concerns"))
        .bearer_auth(&key)
        .json(&json!({"summary": "Late visits", "source": "complaint"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let action: Value = app
        .client
        .post(app.url(&format!(
            "/api/v1/concerns/{}/actions",
            complaint["id"].as_str().unwrap()
        )))
        .bearer_auth(&key)
        .json(&json!({"description": "Text when late", "owner": "Lead", "due_on": "2099-01-01"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    app.client
        .patch(app.url(&format!(
            "/api/v1/actions/{}",
            action["id"].as_str().unwrap()
        )))
        .bearer_auth(&key)
        .json(&json!({"status": "done", "outcome": "Texts sent"}))
        .send()
        .await
        .unwrap();
    let r = report(&app, &key).await;
    let fa = &r["feedback_action"];
    assert_eq!(fa["service_user_responses"], 6);
    assert_eq!(
        fa["latest_response_on"],
        chrono::Utc::now().date_naive().to_string()
    );
    assert_eq!(fa["concerns"], 2);
    assert_eq!(fa["concerns_with_action"], 1);
    assert_eq!(fa["actions"], 1);
    assert_eq!(fa["actions_done"], 1);
    assert_eq!(fa["median_days_to_first_action"], 0.0);
    assert_eq!(fa["overdue_actions"], 0);

    // The CSV says the same.
    let csv = app
        .client
        .get(app.url("/api/v1/teams/NORTH/report.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(
        text.lines()
            .any(|l| l == "criteria,22d,service_user,5,3,60.0,23.1,88.2,disagreement,false"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == "criteria,22d,carer,,,,,,disagreement,true"),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l == "fft,positive_pct,,,,50.0,,,,false"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l == "responses,carer,,0,,,,,,false"),
        "{text}"
    );
}

#[actix_web::test]
async fn a_small_group_waits_and_a_small_cell_released_earlier_is_withheld_from_every_figure() {
    let (app, key) = spawn_team().await;
    for _ in 0..6 {
        answer(&app, &key, "service-user", &[]).await;
    }
    for _ in 0..2 {
        answer(&app, &key, "carer", &[("fft", "1")]).await;
    }
    for _ in 0..5 {
        answer(&app, &key, "staff", &[]).await;
    }
    let released = app.release();
    assert_eq!((released.responses, released.waiting), (11, 2));
    let r = report(&app, &key).await;
    assert_eq!(
        r["responses"]["carer"], 0,
        "the two carers wait for three more"
    );
    assert_eq!(r["responses"]["total"], 11);
    assert_eq!(r["fft"]["very_poor"], 0);

    // Released under a smaller min_n, as a service configured so in the past would have: the
    // carers' cell is small, so it is left out of every figure, and the total is withheld
    // rather than the staff's evidence.
    app.release_in_groups_of(1);
    let r = report(&app, &key).await;
    assert_eq!(
        r["responses"]["carer"],
        Value::Null,
        "2 carers is a small number"
    );
    assert_eq!(r["responses"]["staff"], 5, "staff keep their evidence");
    assert_eq!(r["responses"]["service_user"], 6);
    assert_eq!(
        r["responses"]["total"],
        Value::Null,
        "or carers = total - the rest"
    );
    assert_eq!(
        r["fft"]["very_poor"], 0,
        "the carers' answers are in no figure"
    );
    let c22d = r["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "22d")
        .unwrap();
    let source = |name: &str| {
        c22d["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            source("carer")["n"].clone(),
            source("carer")["suppressed"].clone()
        ),
        (Value::Null, json!(true))
    );
    assert_eq!(source("staff")["n"], 5);
    assert_eq!(r["feedback_action"]["service_user_responses"], 6);
    let answers = app
        .client
        .get(app.url("/api/v1/teams/NORTH/answers.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!answers.contains(",carer,"), "{answers}");
}

#[actix_web::test]
async fn comments_are_shown_only_for_groups_of_five_and_corrections_count() {
    let (app, key) = spawn_team().await;
    for _ in 0..5 {
        answer(
            &app,
            &key,
            "service-user",
            &[("fft_reason", "Nobody called me back for three days")],
        )
        .await;
    }
    answer(
        &app,
        &key,
        "carer",
        &[("fft_reason", "A carer's very identifiable story")],
    )
    .await;
    app.release();
    let res = app
        .client
        .get(app.url("/api/v1/teams/NORTH/comments"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-withheld-groups"],
        "",
        "the carer waits: nothing is withheld, nothing is released"
    );
    let list: Value = res.json().await.unwrap();
    let comments = list.as_array().unwrap();
    assert!(
        comments.iter().all(|c| c["group"] == "service_user"),
        "{list}"
    );
    assert!(!list.to_string().contains("identifiable"));
    // Released alone under a smaller min_n, the carer's cell is withheld, and named so.
    app.release_in_groups_of(1);
    let res = app
        .client
        .get(app.url("/api/v1/teams/NORTH/comments"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-withheld-groups"], "carer");
    let list: Value = res.json().await.unwrap();
    assert!(!list.to_string().contains("identifiable"));
    let comments = list.as_array().unwrap();
    let complaint = comments
        .iter()
        .find(|c| c["text"] == "Nobody called me back for three days")
        .unwrap();
    assert_eq!(complaint["sentiment"], "negative");
    assert!(
        complaint["themes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "waiting" || t == "communication"),
        "{complaint}"
    );

    let negative = |app: &TestApp| -> i64 {
        use crt_feedback::db::schema::comment_totals::dsl::*;
        use diesel::prelude::*;
        comment_totals
            .filter(sentiment.eq("negative"))
            .filter(theme.eq(""))
            .select(count)
            .load::<i64>(&mut app.conn())
            .unwrap()
            .iter()
            .sum()
    };
    let negative_before = negative(&app);
    assert_eq!(negative_before, 5);
    let res = app
        .client
        .patch(app.url(&format!(
            "/api/v1/comments/{}",
            complaint["id"].as_str().unwrap()
        )))
        .bearer_auth(&key)
        .json(&json!({"sentiment": "neutral"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(negative(&app), 4, "the correction counts in the totals");
    let list: Value = app.api_json(&key, "/api/v1/teams/NORTH/comments").await;
    let corrected = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == complaint["id"])
        .unwrap();
    assert_eq!(
        (
            corrected["sentiment"].clone(),
            corrected["sentiment_corrected"].clone()
        ),
        (json!("neutral"), json!(true))
    );
    let bad = app
        .client
        .patch(app.url(&format!(
            "/api/v1/comments/{}",
            complaint["id"].as_str().unwrap()
        )))
        .bearer_auth(&key)
        .json(&json!({"sentiment": "furious"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // The corrections go out as the file `crt-feedback text evaluate` reads: admins only, from
    // shown cells only, even for a label set on a comment nobody may read.
    {
        use crt_feedback::db::schema::comments as c;
        use diesel::prelude::*;
        let changed = diesel::update(c::table.filter(c::body.like("%identifiable%")))
            .set(c::sentiment_corrected.eq(Some("positive")))
            .execute(&mut app.conn())
            .unwrap();
        assert_eq!(changed, 1);
    }
    let path = "/api/v1/comments/corrections.csv";
    let refused = app
        .client
        .get(app.url(path))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        403,
        "a manager may not export corrections"
    );
    let admin = app.add_user("admin@example.org", None, &[]);
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    assert_eq!(
        csv,
        "text,sentiment\nNobody called me back for three days,neutral\n"
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &csv).unwrap();
    let evaluated = std::process::Command::new(env!("CARGO_BIN_EXE_crt-feedback"))
        .args(["text", "evaluate"])
        .arg(file.path())
        .output()
        .unwrap();
    assert!(
        evaluated.status.success(),
        "{}",
        String::from_utf8_lossy(&evaluated.stderr)
    );
    assert!(String::from_utf8_lossy(&evaluated.stdout).contains("model"));
}

#[actix_web::test]
async fn reports_and_exports_need_a_manager_of_the_team() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    let clinician = app.add_user("c@example.org", Some(Role::Clinician), &["NORTH"]);
    let south = app.add_user("s@example.org", Some(Role::Manager), &["SOUTH"]);
    for path in [
        "report",
        "report.csv",
        "answers.csv",
        "fft-return.csv",
        "comments",
    ] {
        for key in [&clinician, &south] {
            let res = app
                .client
                .get(app.url(&format!("/api/v1/teams/NORTH/{path}")))
                .bearer_auth(key)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{path}");
        }
    }
    let res = app
        .client
        .get(app.url("/api/v1/teams/SOUTH/report?from=2026-13-01"))
        .bearer_auth(&south)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["field"], "from");
}

#[actix_web::test]
async fn the_fft_return_and_the_tidy_answers_export_hold_no_identifiers() {
    let (app, key) = spawn_team().await;
    for v in ["5", "4", "4", "2", "1"] {
        answer(&app, &key, "service-user", &[("fft", v)]).await;
    }
    app.release();
    let month = chrono::Utc::now().date_naive().format("%Y-%m").to_string();
    let fft = app
        .client
        .get(app.url("/api/v1/teams/NORTH/fft-return.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        fft.lines()
            .any(|l| l == format!(",NORTH,{month},1,2,0,1,1,0,5,0,5,0,0,0,0,false")),
        "{fft}"
    );
    let answers = app
        .client
        .get(app.url("/api/v1/teams/NORTH/answers.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = answers.lines().next().unwrap();
    assert_eq!(
        header,
        "team,month,respondent,channel,questionnaire,version,question_id,question_type,criterion,value"
    );
    assert_eq!(
        answers.lines().filter(|l| l.contains(",fft,fft,")).count(),
        5,
        "{answers}"
    );
    assert!(
        !answers.contains("The team were kind"),
        "free text is not exported"
    );
}

#[actix_web::test]
async fn the_dashboard_evidence_pack_and_comments_render_for_the_demo_organisation() {
    let app = crate::helpers::spawn_app().await;
    let catalogue = crt_feedback::surveys::Catalogue::new(
        crt_feedback::surveys::load_definitions(None).unwrap(),
    );
    let themes = crt_feedback::text::themes::default_themes();
    assert!(crt_feedback::demo::load(&mut app.conn(), &catalogue, &themes).unwrap());
    assert!(
        !crt_feedback::demo::load(&mut app.conn(), &catalogue, &themes).unwrap(),
        "loads once"
    );
    let browser = app.browser();
    let page = browser
        .get(app.url("/staff/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = browser
        .post(app.url("/staff/sign-in"))
        .form(&[
            ("email", crt_feedback::demo::DEMO_EMAIL),
            ("password", crt_feedback::demo::DEMO_PASSWORD),
            ("csrf_token", &crate::helpers::csrf_from(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let dashboard = browser
        .get(app.url("/staff/teams/DEMO-NORTH/dashboard"))
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), 200);
    let html = dashboard.text().await.unwrap();
    for needle in [
        "<svg",
        "<title id=\"chart-22d-t\">",
        "<desc id=\"chart-fft-d\">",
        "Friends and Family Test",
        "Acting on feedback (22c)",
    ] {
        assert!(html.contains(needle), "dashboard lacks {needle}");
    }
    let pack = browser
        .get(app.url("/staff/teams/DEMO-NORTH/evidence"))
        .send()
        .await
        .unwrap();
    assert_eq!(pack.status(), 200);
    let html = pack.text().await.unwrap();
    assert_eq!(
        html.matches("class=\"pack-page\"").count(),
        2 + 19,
        "an intro, a page per criterion (16 of the scale and our 3 indicators) and 22c"
    );
    assert!(html.contains("Calls not returned at weekends"));
    assert!(html.contains("What people said"));
    let comments = browser
        .get(app.url("/staff/teams/DEMO-NORTH/comments"))
        .send()
        .await
        .unwrap();
    assert_eq!(comments.status(), 200);
    let csv = browser
        .get(app.url("/staff/teams/DEMO-NORTH/exports/fft-return.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.text().await.unwrap().lines().count() >= 12,
        "a row a month"
    );
    let report: Value = {
        let key = app.add_user("m2@example.org", Some(Role::Manager), &["DEMO-NORTH"]);
        app.api_json(&key, "/api/v1/teams/DEMO-NORTH/report").await
    };
    assert!(
        report["fft"]["total"].as_u64().unwrap() > 300,
        "{}",
        report["fft"]
    );
    assert!(report["sentiment"]["comments"].as_u64().unwrap() > 50);
}

#[actix_web::test]
async fn the_demo_reads_true_every_status_shows_and_no_comment_is_repeated_on_a_page() {
    let app = crate::helpers::spawn_app().await;
    let catalogue = crt_feedback::surveys::Catalogue::new(
        crt_feedback::surveys::load_definitions(None).unwrap(),
    );
    let themes = crt_feedback::text::themes::default_themes();
    assert!(crt_feedback::demo::load(&mut app.conn(), &catalogue, &themes).unwrap());
    let key = app.add_user("m2@example.org", Some(Role::Manager), &["DEMO-NORTH"]);
    let report = app.api_json(&key, "/api/v1/teams/DEMO-NORTH/report").await;
    let indicator = |code: &str| {
        report["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == code)
            .unwrap()["indicator"]
            .clone()
    };
    assert_eq!(indicator("22d"), "agreement");
    assert_eq!(indicator("12f"), "disagreement", "late visits not phoned");
    assert_eq!(indicator("13d"), "insufficient_evidence");
    assert_eq!(
        report["responses"]["total"], 720,
        "every monthly batch is shown"
    );

    // Comments, on the API and on every page that lists them, are each said once.
    let comments = app
        .api_json(&key, "/api/v1/teams/DEMO-NORTH/comments")
        .await;
    let texts: Vec<&str> = comments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert!(texts.len() > 50, "{}", texts.len());
    let unique: std::collections::BTreeSet<&&str> = texts.iter().collect();
    assert_eq!(unique.len(), texts.len(), "a comment repeated");
    let browser = app.browser();
    let page = browser
        .get(app.url("/staff/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser
        .post(app.url("/staff/sign-in"))
        .form(&[
            ("email", crt_feedback::demo::DEMO_EMAIL),
            ("password", crt_feedback::demo::DEMO_PASSWORD),
            ("csrf_token", &crate::helpers::csrf_from(&page)),
        ])
        .send()
        .await
        .unwrap();
    for path in [
        "/staff/teams/DEMO-NORTH/comments",
        "/staff/teams/DEMO-NORTH/evidence",
        "/staff/teams/DEMO-NORTH/concerns",
    ] {
        let html = browser
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for text in &texts {
            let escaped = text.replace('\'', "&#x27;");
            assert!(
                html.matches(escaped.as_str()).count() <= 1,
                "{path} repeats {text}"
            );
        }
    }
    // The dashboard shows every status in words.
    let dashboard = browser
        .get(app.url("/staff/teams/DEMO-NORTH/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        ">agrees<",
        ">below threshold<",
        ">not enough answers<",
        "Overdue actions: <strong>1</strong>",
        "White British",
    ] {
        assert!(dashboard.contains(words), "the dashboard lacks {words}");
    }
    // "You said, we did" wording follows its labels rather than repeating them.
    let page = app
        .client
        .get(app.url("/teams/DEMO-NORTH/you-said-we-did"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("You said:").count(), 2, "{page}");
    assert!(!page.contains("</strong> You said"), "{page}");
    assert!(!page.contains("</strong> We "), "{page}");
}

#[actix_web::test]
async fn the_breakdown_by_ethnic_group_shows_large_categories_and_hides_a_small_one_with_the_next_smallest()
 {
    let (app, key) = spawn_team().await;
    let admin = app.add_user("admin@example.org", None, &[]);
    let kind = question_for(&app, &key, "service-user", "22d").await;
    // Seven White British say very good and agree; six Black African say poor and disagree;
    // two Indian and five who prefer not to say, very good.
    let groups: [(&str, usize, &str, &str); 4] = [
        ("white_british", 7, "5", "5"),
        ("black_african", 6, "2", "2"),
        ("asian_indian", 2, "5", "5"),
        ("prefer_not_to_say", 5, "5", "4"),
    ];
    for (category, count, fft, agree) in groups {
        for _ in 0..count {
            answer(
                &app,
                &key,
                "service-user",
                &[
                    ("about_ethnic_group", category),
                    ("fft", fft),
                    (&kind, agree),
                ],
            )
            .await;
        }
    }
    let by = |app: &TestApp, key: &str, path: &str| {
        let url = app.url(path);
        let key = key.to_string();
        let client = app.client.clone();
        async move {
            let res = client.get(url).bearer_auth(key).send().await.unwrap();
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    let waiting = by(&app, &key, "/api/v1/teams/NORTH/report?by=ethnic_group").await;
    assert_eq!(
        waiting["breakdown"]["responses"], 0,
        "nothing before a release"
    );
    app.release();

    let r = by(&app, &key, "/api/v1/teams/NORTH/report?by=ethnic_group").await;
    let b = &r["breakdown"];
    assert_eq!(b["by"], "ethnic_group");
    assert_eq!(b["groups"], json!(["service_user", "carer"]));
    assert_eq!(b["responses"], 20);
    assert_eq!(
        r["responses"]["service_user"], 20,
        "the report itself is unchanged"
    );
    let category = |id: &str| {
        b["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["category"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    };
    let agreement = |c: &Value, code: &str| {
        c["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["criterion"] == code)
            .unwrap()["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == "service_user")
            .unwrap()
            .clone()
    };
    let white = category("white_british");
    assert_eq!(white["responses"], 7);
    assert_eq!(white["suppressed"], false);
    assert_eq!(white["fft"]["very_good"], 7);
    assert_eq!(white["fft"]["positive_pct"], 100.0);
    assert_eq!(agreement(&white, "22d")["agree_pct"], 100.0);
    assert_eq!(agreement(&white, "22d")["n"], 7);
    let black = category("black_african");
    assert_eq!(black["responses"], 6);
    assert_eq!(black["fft"]["poor"], 6);
    assert_eq!(black["fft"]["positive_pct"], 0.0);
    assert_eq!(black["fft"]["negative_pct"], 100.0);
    assert_eq!(agreement(&black, "22d")["agree_pct"], 0.0);
    assert_eq!(agreement(&black, "22d")["ci_high"], 39.0);
    // Two Indian responses are too few; hiding them alone would let 20 - 7 - 6 - 5 = 2 be
    // worked out, so the next-smallest (the five who preferred not to say) is hidden too.
    for hidden in ["asian_indian", "prefer_not_to_say"] {
        let c = category(hidden);
        assert_eq!(c["responses"], Value::Null, "{hidden}");
        assert_eq!(c["suppressed"], true);
        assert_eq!(c["fft"]["total"], Value::Null);
        assert_eq!(c["fft"]["suppressed"], true);
        assert_eq!(agreement(&c, "22d")["n"], Value::Null);
        assert_eq!(agreement(&c, "22d")["suppressed"], true);
    }
    let shown: i64 = b["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["responses"].as_i64())
        .sum();
    assert_eq!(shown, 13, "white, black and a row of zeros");
    let hidden = b["categories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["suppressed"] == true)
        .count();
    assert_eq!(
        (hidden, 20 - shown),
        (2, 7),
        "what the total leaves is seven people in two hidden places, so neither can be pinned"
    );
    assert_eq!(
        category("chinese")["responses"],
        0,
        "a zero identifies nobody"
    );
    assert_eq!(category("not_answered")["responses"], 0);
    // The FFT of every shown category adds up with the hidden ones to the report's own.
    assert_eq!(r["fft"]["total"], 20);

    // The Trust-wide breakdown gives the same for one team; other dimensions work alike.
    let trust = by(&app, &admin, "/api/v1/report?by=ethnic_group").await;
    assert_eq!(trust["breakdown"]["responses"], 20);
    let ages = by(&app, &key, "/api/v1/teams/NORTH/report?by=age_band").await;
    assert_eq!(ages["breakdown"]["by"], "age_band");
    // Without `by` the report has no breakdown at all; an unknown one names the field.
    assert!(report(&app, &key).await.get("breakdown").is_none());
    let bad = app
        .client
        .get(app.url("/api/v1/teams/NORTH/report?by=religion"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<Value>().await.unwrap()["field"], "by");

    // Never row by row: the About you answers are in no export of answers.
    let answers = app
        .client
        .get(app.url("/api/v1/teams/NORTH/answers.csv"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answers.lines().count() > 20, "{answers}");
    for about in [
        "about_",
        "white_british",
        "black_african",
        "prefer_not_to_say",
    ] {
        assert!(!answers.contains(about), "{about} in answers.csv");
    }
    let stored: i64 = {
        use crt_feedback::db::schema::answers::dsl::*;
        use diesel::prelude::*;
        answers
            .filter(question_id.like("about_%"))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    assert_eq!(stored, 0, "not stored with any response");
}
