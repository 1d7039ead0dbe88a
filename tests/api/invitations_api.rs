use crate::helpers::{spawn_app, spawn_team};
use crt_feedback::staff::Role;
use serde_json::json;

#[actix_web::test]
async fn issuing_links_returns_urls_codes_and_expiry_dates() {
    let (app, key) = spawn_team().await;
    let res = app
        .client
        .post(app.url("/api/v1/teams/NORTH/invitations"))
        .bearer_auth(&key)
        .json(&json!({ "survey": "service-user", "count": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let body: serde_json::Value = res.json().await.unwrap();
    let list = body["invitations"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    let expected_expiry =
        (chrono::Utc::now().date_naive() + chrono::TimeDelta::days(28)).to_string();
    for item in list {
        assert!(
            item["url"]
                .as_str()
                .unwrap()
                .starts_with(&format!("{}/s/", app.address))
        );
        assert_eq!(item["code"].as_str().unwrap().len(), 10);
        assert_eq!(item["expires_on"], expected_expiry);
    }
}

#[actix_web::test]
async fn bad_requests_get_clear_json_errors_in_the_right_order() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let post = |path: &str, key: Option<&str>, body: serde_json::Value| {
        let mut req = app.client.post(app.url(path)).json(&body);
        if let Some(k) = key {
            req = req.bearer_auth(k);
        }
        req.send()
    };
    type Case<'a> = (
        Option<&'a str>,
        &'a str,
        serde_json::Value,
        u16,
        Option<&'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            None,
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "count": 1}),
            401,
            None,
        ),
        (
            Some("crt_not_a_key"),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "count": 1}),
            401,
            None,
        ),
        (
            Some(&key),
            "/api/v1/teams/NOPE/invitations",
            json!({"survey": "carer", "count": 1}),
            404,
            None,
        ),
        (
            Some(&key),
            "/api/v1/teams/SOUTH/invitations",
            json!({"survey": "carer", "count": 1}),
            403,
            None,
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "nope", "count": 1}),
            400,
            Some("survey"),
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "count": 0}),
            400,
            Some("count"),
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer"}),
            400,
            None,
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "count": 1, "emails": ["a@b.org"]}),
            400,
            None,
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "emails": ["not-an-email"]}),
            400,
            Some("emails[0]"),
        ),
        (
            Some(&key),
            "/api/v1/teams/NORTH/invitations",
            json!({"survey": "carer", "count": 1, "colour": "red"}),
            400,
            None,
        ),
    ];
    for (key, path, body, status, field) in cases {
        let res = post(path, key, body.clone()).await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{path} {body}");
        let json: serde_json::Value = res.json().await.unwrap();
        assert!(
            json["error"].is_string() && json["message"].is_string(),
            "{json}"
        );
        if let Some(field) = field {
            assert_eq!(json["field"], field, "{json}");
        }
    }
}

#[actix_web::test]
async fn the_survey_list_describes_every_question() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("c@example.org", Some(Role::Clinician), &["NORTH"]);
    let res = app
        .client
        .get(app.url("/api/v1/surveys"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let body: serde_json::Value = app.api_json(&key, "/api/v1/surveys").await;
    let surveys = body.as_array().unwrap();
    assert_eq!(
        surveys.len(),
        5,
        "four questionnaires and the easy-read service-user one"
    );
    let partner = surveys
        .iter()
        .find(|s| s["respondent"] == "partner")
        .unwrap();
    let choice = partner["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["type"] == "choice")
        .unwrap();
    assert!(choice["options"].as_array().unwrap().len() >= 2);
    for s in surveys {
        for q in s["questions"].as_array().unwrap() {
            for field in ["id", "type", "text", "required", "criterion"] {
                assert!(q.get(field).is_some(), "{} lacks {field}", q["id"]);
            }
        }
    }
}

#[actix_web::test]
async fn a_clinician_may_issue_invitations_but_not_read_concerns() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("c@example.org", Some(Role::Clinician), &["NORTH"]);
    assert_eq!(app.issue_links(&key, "NORTH", "carer", 1).await.len(), 1);
    let res = app
        .client
        .get(app.url("/api/v1/teams/NORTH/concerns"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[actix_web::test]
async fn a_carer_is_invited_only_once_the_persons_agreement_is_confirmed() {
    let (app, key) = spawn_team().await;
    let issue = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/v1/teams/NORTH/invitations"))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    for body in [
        json!({"survey": "carer", "count": 1}),
        json!({"survey": "carer", "count": 1, "carer_consent": false}),
        json!({"survey": "carer", "emails": ["carer@example.net"]}),
    ] {
        let res = issue(body.clone()).await.unwrap();
        assert_eq!(res.status(), 400, "{body}");
        let error: serde_json::Value = res.json().await.unwrap();
        assert_eq!(error["field"], "carer_consent", "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("no safeguarding reason"),
            "{error}"
        );
    }
    let issued = |app: &crate::helpers::TestApp| -> i64 {
        use crt_feedback::db::schema::invitations::dsl::*;
        use diesel::prelude::*;
        invitations.count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(issued(&app), 0, "nothing was issued without it");
    let res = issue(json!({"survey": "carer", "count": 2, "carer_consent": true}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    // The service user's own questionnaire needs no confirmation.
    let res = issue(json!({"survey": "service-user", "count": 1}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(issued(&app), 3);
    // Recorded as a number only.
    let audit: Vec<String> = {
        use crt_feedback::db::schema::audit_log::dsl::*;
        use diesel::prelude::*;
        audit_log.select(detail).load(&mut app.conn()).unwrap()
    };
    assert!(
        audit
            .iter()
            .any(|d| d == "survey=carer links=2 carer_consent=2"),
        "{audit:?}"
    );
}
