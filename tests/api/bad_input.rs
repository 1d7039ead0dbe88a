//! Deliberately bad input: each gets a clear 4xx and loses nothing, and what is stored is kept
//! exactly as typed and escaped on every page.

use crate::helpers::{answer, full_answers, spawn_team};
use serde_json::{Value, json};

const INJECTION: &str =
    "<script>alert('x')</script> \"quoted\" ' OR 1=1; DROP TABLE responses; -- &amp; {{chrome}}";

#[actix_web::test]
async fn broken_survey_submissions_are_refused_clearly_and_the_link_still_works() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let form = "content-type";
    let urlencoded = "application/x-www-form-urlencoded";

    // Far more than any questionnaire needs.
    let huge = format!("fft=4&fft_reason={}", "a".repeat(300 * 1024));
    let res = app
        .client
        .post(&url)
        .header(form, urlencoded)
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    // Percent-encoded bytes that are not UTF-8, and raw ones.
    for body in [
        b"fft=4&fft_reason=%FF%FE%FD".to_vec(),
        b"fft=4&fft_reason=\xff\xfe".to_vec(),
    ] {
        let res = app
            .client
            .post(&url)
            .header(form, urlencoded)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains("could not be read"), "{page}");
    }

    // A field no question has, an answer off the scale, a choice that does not exist.
    let mut answers = full_answers(&app, &key, "carer").await;
    answers.push(("is_admin".into(), "true".into()));
    answers.retain(|(k, _)| k != "fft");
    answers.push(("fft".into(), "9999".into()));
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("href=\"#fft\""),
        "the error names the question: {page}"
    );
    assert_eq!(
        app.stored_responses(),
        0,
        "nothing stored from a refused form"
    );

    // After all that, the person's proper answers still go through, once.
    let answers = full_answers(&app, &key, "carer").await;
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(app.stored_responses(), 1);
}

#[actix_web::test]
async fn broken_api_requests_get_a_4xx_naming_the_problem() {
    let (app, key) = spawn_team().await;
    let concerns = app.url("/api/v1/teams/NORTH/concerns");
    let json_type = ("content-type", "application/json");

    let cases: Vec<(Vec<u8>, u16, Option<&str>)> = vec![
        // Unknown field.
        (
            serde_json::to_vec(&json!({"summary": "Calls not returned", "source": "complaint", "priority": "high"})).unwrap(),
            400,
            Some("priority"),
        ),
        // Not UTF-8.
        (b"{\"summary\": \"\xff\xfe\", \"source\": \"complaint\"}".to_vec(), 400, None),
        // Not JSON.
        (b"summary=Calls".to_vec(), 400, None),
        // Wrong types.
        (serde_json::to_vec(&json!({"summary": 5, "source": ["complaint"]})).unwrap(), 400, None),
        // A source no one can log by hand.
        (serde_json::to_vec(&json!({"summary": "x", "source": "survey"})).unwrap(), 400, Some("source")),
        // Far too big.
        (
            serde_json::to_vec(&json!({"summary": "a".repeat(300 * 1024), "source": "complaint"})).unwrap(),
            413,
            None,
        ),
    ];
    for (body, status, field) in cases {
        let res = app
            .client
            .post(&concerns)
            .bearer_auth(&key)
            .header(json_type.0, json_type.1)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            status,
            "{}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
        if let Some(field) = field {
            let error: Value = res.json().await.unwrap();
            assert_eq!(error["field"], field, "{error}");
            assert_eq!(error["error"], "bad_request");
        }
    }

    let res = app
        .client
        .post(&concerns)
        .bearer_auth(&key)
        .json(&json!({"summary": "Calls not returned", "source": "complaint"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let concern: Value = res.json().await.unwrap();
    let actions = app.url(&format!(
        "/api/v1/concerns/{}/actions",
        concern["id"].as_str().unwrap()
    ));

    // Absurd and impossible dates.
    for due_on in [
        "99999-01-01",
        "2026-02-30",
        "0000-00-00",
        "1850-01-01",
        "tomorrow",
        "2026-13-01",
    ] {
        let res = app
            .client
            .post(&actions)
            .bearer_auth(&key)
            .json(&json!({"description": "Call back within a day", "owner": "Team lead", "due_on": due_on}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "due_on {due_on}");
        let error: Value = res.json().await.unwrap();
        assert_eq!(error["field"], "due_on", "{due_on}: {error}");
    }
    for query in [
        "from=1066-10-14",
        "from=2026-01-01&to=2025-01-01",
        "to=2026-02-31",
        "from=%FF",
    ] {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/teams/NORTH/report?{query}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{query}");
    }
}

#[actix_web::test]
async fn injection_strings_are_stored_as_typed_and_escaped_on_every_page() {
    let (app, key) = spawn_team().await;
    // Five answers so that the service-user comments are not withheld for small numbers.
    for _ in 0..4 {
        answer(&app, &key, "service-user", &[]).await;
    }
    answer(
        &app,
        &key,
        "service-user",
        &[("fft_reason", INJECTION), ("fft", "1")],
    )
    .await;
    assert_eq!(
        app.stored_responses(),
        5,
        "the tables survived the SQL in the answer"
    );
    app.release();

    let comments: Value = app.api_json(&key, "/api/v1/teams/NORTH/comments").await;
    assert!(
        comments
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["text"] == INJECTION),
        "stored exactly as typed: {comments}"
    );

    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/concerns"))
        .bearer_auth(&key)
        .json(&json!({"summary": INJECTION, "source": "complaint"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);

    let (browser, _) = app.signed_in_browser("m@example.org").await;
    for page in ["/staff/teams/NORTH/comments", "/staff/teams/NORTH/concerns"] {
        let res = browser.get(app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{page}");
        let html = res.text().await.unwrap();
        assert!(
            !html.contains("<script>alert"),
            "{page} must escape the comment"
        );
        assert!(
            html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
            "{page} shows the text, escaped: {html}"
        );
        assert!(
            html.contains("&amp;amp;"),
            "{page} escapes an ampersand once more"
        );
    }
}
