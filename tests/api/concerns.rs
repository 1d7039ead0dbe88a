use crate::helpers::spawn_team;
use serde_json::json;

#[actix_web::test]
async fn actions_follow_the_rules_and_errors_name_the_field() {
    let (app, key) = spawn_team().await;
    let send = |method: &str, path: String, body: serde_json::Value| {
        app.client
            .request(method.parse().unwrap(), app.url(&path))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let res = send(
        "POST",
        "/api/v1/teams/NORTH/concerns".into(),
        json!({"summary": "Rude on the phone", "source": "gossip"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["field"],
        "source"
    );
    let res = send(
        "POST",
        "/api/v1/teams/NORTH/concerns".into(),
        json!({"summary": "Rude on the phone", "source": "complaint"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let concern = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let res = send(
        "POST",
        format!("/api/v1/concerns/{concern}/actions"),
        json!({"description": "Training", "owner": "Lead", "due_on": "31/01/2030"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<serde_json::Value>().await.unwrap()["field"],
        "due_on"
    );
    let res = send(
        "POST",
        format!("/api/v1/concerns/{concern}/actions"),
        json!({"description": "Training", "owner": "Lead", "due_on": "2020-01-31"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 201);
    let action = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let listed: serde_json::Value = app.api_json(&key, "/api/v1/teams/NORTH/concerns").await;
    assert_eq!(
        listed[0]["overdue_actions"], 1,
        "a past due date is overdue"
    );
    assert_eq!(listed[0]["actions"][0]["status"], "planned");

    let bad = send(
        "PATCH",
        format!("/api/v1/actions/{action}"),
        json!({"status": "finished"}),
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<serde_json::Value>().await.unwrap()["field"],
        "status"
    );
    let no_reason = send(
        "PATCH",
        format!("/api/v1/actions/{action}"),
        json!({"status": "not_taken_forward"}),
    )
    .await
    .unwrap();
    assert_eq!(no_reason.status(), 400);
    assert_eq!(
        no_reason.json::<serde_json::Value>().await.unwrap()["field"],
        "reason"
    );
    let early_publish = send(
        "PATCH",
        format!("/api/v1/actions/{action}"),
        json!({"publishable": true, "public_wording": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(early_publish.status(), 400);

    let done = send(
        "PATCH",
        format!("/api/v1/actions/{action}"),
        json!({"status": "done", "outcome": "All staff trained"}),
    )
    .await
    .unwrap();
    assert_eq!(done.status(), 200);
    let body: serde_json::Value = done.json().await.unwrap();
    assert_eq!(body["status"], "done");
    assert_eq!(body["done_on"], chrono::Utc::now().date_naive().to_string());
    let back = send(
        "PATCH",
        format!("/api/v1/actions/{action}"),
        json!({"status": "in_progress"}),
    )
    .await
    .unwrap();
    assert_eq!(back.status(), 400, "done is final");
    let unknown = send(
        "PATCH",
        "/api/v1/actions/no-such-action".into(),
        json!({"status": "done"}),
    )
    .await
    .unwrap();
    assert_eq!(unknown.status(), 404);
}
