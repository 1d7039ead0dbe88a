//! Who may issue what: clinicians issue discharge questionnaires, within a daily allowance;
//! staff and partner questionnaires go out as survey rounds, one open at a time per team and
//! questionnaire, no bigger than the team.

use crate::helpers::{TestApp, full_answers, spawn_app_with};
use crt_feedback::staff::Role;
use serde_json::{Value, json};

const ADMIN: &str = "admin@example.org";
const MANAGER: &str = "manager@example.org";
const CLINICIAN: &str = "clinician@example.org";

struct Keys {
    admin: String,
    manager: String,
    clinician: String,
}

async fn team(extra: &[(&str, &str)]) -> (TestApp, Keys) {
    let app = spawn_app_with(extra).await;
    app.add_team("NORTH");
    let keys = Keys {
        admin: app.add_user(ADMIN, None, &[]),
        manager: app.add_user(MANAGER, Some(Role::Manager), &["NORTH"]),
        clinician: app.add_user(CLINICIAN, Some(Role::Clinician), &["NORTH"]),
    };
    (app, keys)
}

async fn post(app: &TestApp, key: &str, path: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(path))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn patch_team(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    let res = app
        .client
        .patch(app.url("/api/v1/teams/NORTH"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn a_clinician_is_refused_the_staff_questionnaire_and_a_second_open_round_is_refused() {
    let (app, keys) = team(&[]).await;
    let invitations = "/api/v1/teams/NORTH/invitations";
    let rounds = "/api/v1/teams/NORTH/rounds";

    // Clinicians hand over discharge questionnaires only.
    for survey in ["service-user", "service-user-easy-read", "carer"] {
        let (status, _) = post(
            &app,
            &keys.clinician,
            invitations,
            json!({"survey": survey, "count": 1, "carer_consent": true}),
        )
        .await;
        assert_eq!(status, 201, "{survey}");
    }
    for survey in ["staff", "partner"] {
        let (status, body) = post(
            &app,
            &keys.clinician,
            invitations,
            json!({"survey": survey, "count": 1}),
        )
        .await;
        assert_eq!(status, 403, "{survey}: {body}");
        assert_eq!(body["error"], "forbidden");
        assert_eq!(body["field"], "survey");
        assert!(
            body["message"].as_str().unwrap().contains("survey round"),
            "{body}"
        );
    }
    let (status, _) = post(
        &app,
        &keys.clinician,
        rounds,
        json!({"survey": "staff", "count": 1}),
    )
    .await;
    assert_eq!(status, 403, "clinicians do not open rounds");

    // A round needs the team's size, which only an admin sets.
    let (status, body) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "staff", "count": 3}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["field"], "count");
    let (status, _) = patch_team(&app, &keys.manager, json!({"staff_size": 300})).await;
    assert_eq!(status, 403, "a manager cannot make the team bigger");
    let (status, body) =
        patch_team(&app, &keys.admin, json!({"staff_size": 3, "partners": 2})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["staff_size"].as_i64(), body["partners"].as_i64()),
        (Some(3), Some(2))
    );

    let (status, body) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "staff", "count": 4}),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("count")),
        "{body}"
    );
    let (status, body) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "carer", "count": 1}),
    )
    .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (400, Some("survey")),
        "{body}"
    );

    let (status, round) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "staff", "count": 3}),
    )
    .await;
    assert_eq!(status, 201, "{round}");
    let links = round["invitations"].as_array().unwrap();
    assert_eq!(links.len(), 3);
    assert_eq!(round["survey"], "staff");

    let (status, body) = post(
        &app,
        &keys.admin,
        rounds,
        json!({"survey": "staff", "count": 1}),
    )
    .await;
    assert_eq!(
        status, 403,
        "one open round per team and questionnaire: {body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("already open"),
        "{body}"
    );
    let (status, _) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "partner", "count": 2}),
    )
    .await;
    assert_eq!(
        status, 201,
        "the partner questionnaire has a round of its own"
    );

    // Once everyone has answered, the round is closed and a new one may start.
    let answers = full_answers(&app, &keys.manager, "staff").await;
    for link in links {
        let res = app
            .client
            .post(link["url"].as_str().unwrap())
            .form(&answers)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let (status, _) = post(
        &app,
        &keys.manager,
        rounds,
        json!({"survey": "staff", "count": 2}),
    )
    .await;
    assert_eq!(status, 201);

    let details: Vec<String> = {
        use crt_feedback::db::schema::audit_log;
        use diesel::prelude::*;
        audit_log::table
            .filter(audit_log::action.eq("round.open"))
            .select(audit_log::detail)
            .load(&mut app.conn())
            .unwrap()
    };
    assert_eq!(details.len(), 3, "every round is audited");
    assert!(
        details.iter().any(|d| d.contains("survey=staff links=3")),
        "with its count: {details:?}"
    );
}

#[actix_web::test]
async fn past_the_daily_allowance_discharge_invitations_get_429_with_a_clear_message() {
    let (app, keys) = team(&[("INVITES_PER_USER_PER_DAY", "5")]).await;
    let invitations = "/api/v1/teams/NORTH/invitations";
    let (status, _) = post(
        &app,
        &keys.clinician,
        invitations,
        json!({"survey": "carer", "count": 3, "carer_consent": true}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = post(
        &app,
        &keys.clinician,
        invitations,
        json!({"survey": "service-user", "count": 3}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(body["field"], "count");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("5 discharge invitations a day") && message.contains("2 left"),
        "{message}"
    );
    let (status, _) = post(
        &app,
        &keys.clinician,
        invitations,
        json!({"survey": "carer", "emails": ["a@example.net", "b@example.net"], "carer_consent": true}),
    )
    .await;
    assert_eq!(status, 201, "what is left can still be used");
    let (status, _) = post(
        &app,
        &keys.clinician,
        invitations,
        json!({"survey": "carer", "count": 1, "carer_consent": true}),
    )
    .await;
    assert_eq!(status, 429);
    let (status, _) = post(
        &app,
        &keys.manager,
        invitations,
        json!({"survey": "carer", "count": 5, "carer_consent": true}),
    )
    .await;
    assert_eq!(status, 201, "the allowance is each person's own");

    // The staff page says so next to the field, keeping what was typed.
    let (browser, csrf) = app.signed_in_browser(CLINICIAN).await;
    let res = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "pair"),
            ("carer_consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("count-error") && page.contains("discharge invitations a day"),
        "{page}"
    );
    // The form lists the discharge questionnaires only, for a clinician.
    let form = browser
        .get(app.url("/staff/teams/NORTH/invitations/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("value=\"carer\"") && !form.contains("value=\"staff\""));
    let res = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "count"),
            ("survey", "staff"),
            ("count", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[actix_web::test]
async fn a_manager_opens_a_round_on_the_staff_page_and_a_refusal_comes_back_beside_its_field() {
    let (app, keys) = team(&[]).await;
    patch_team(&app, &keys.admin, json!({"staff_size": 2})).await;
    let (browser, csrf) = app.signed_in_browser(MANAGER).await;
    let res = browser
        .post(app.url("/staff/teams/NORTH/rounds"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("survey", "staff"),
            ("count", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("count-error") && page.contains("value=\"3\""),
        "{page}"
    );
    let res = browser
        .post(app.url("/staff/teams/NORTH/rounds"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("survey", "staff"),
            ("count", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert_eq!(page.matches("/s/").count(), 2, "two links, shown once");
    assert!(page.contains("Open"));
    let (clinician, _) = app.signed_in_browser(CLINICIAN).await;
    let res = clinician
        .get(app.url("/staff/teams/NORTH/rounds"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Without the CSRF token, no round.
    let res = browser
        .post(app.url("/staff/teams/NORTH/rounds"))
        .form(&[("survey", "partner"), ("count", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
