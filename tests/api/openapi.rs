//! `/api/openapi.json` describes the API the server really serves.

use crate::helpers::spawn_app;
use crt_feedback::staff::Role;

#[actix_web::test]
async fn every_described_operation_is_served_and_answers_with_a_described_status() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    let admin = app.add_user("admin@example.org", None, &[]);
    let _manager = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);

    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 9, "{:?}", paths.keys());

    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let concrete = path
                .replace("{code}", "NORTH")
                .replace("{file}", "report.csv")
                .replace("{id}", "00000000-0000-0000-0000-000000000000");
            let request = match method.as_str() {
                "get" => app.client.get(app.url(&concrete)),
                "post" => app
                    .client
                    .post(app.url(&concrete))
                    .json(&serde_json::json!({})),
                "patch" => app
                    .client
                    .patch(app.url(&concrete))
                    .json(&serde_json::json!({})),
                other => panic!("unexpected method {other}"),
            };
            let res = request.bearer_auth(&admin).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap();
            assert!(
                !body.contains("route not found") && status != 405,
                "{method} {path} is described but not served: {status} {body}"
            );
            let described = operation["responses"].as_object().unwrap();
            assert!(
                described.contains_key(&status.to_string()),
                "{method} {path} answered {status}, which the description does not list: {body}"
            );
            operations += 1;
        }
    }
    assert_eq!(operations, 20, "every API operation is described once");
}
