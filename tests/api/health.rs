use crate::helpers::{spawn_app, spawn_team};

#[actix_web::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/privacy",
        "/no-such-page",
        "/api/v1/surveys",
        "/staff/sign-in",
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'"),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn unknown_pages_get_a_friendly_page_and_unknown_api_routes_json() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(app.url("/no-such-page"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains("Page not found"));
    let api = app
        .client
        .get(app.url("/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "not_found");
}

#[actix_web::test]
async fn every_public_page_links_to_the_privacy_notice_and_urgent_help() {
    let app = spawn_app().await;
    for path in ["/", "/code", "/privacy", "/accessibility"] {
        let html = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("href=\"/privacy\""), "{path}");
        assert!(html.contains("116 123"), "{path} shows Samaritans");
        assert!(html.contains("111"), "{path} shows NHS 111");
    }
}

#[actix_web::test]
async fn metrics_count_requests_by_route_pattern_and_stored_responses_without_tokens() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let answers = crate::helpers::full_answers(&app, &key, "carer").await;
    assert_eq!(
        app.client
            .post(&url)
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("crt_responses_stored_total 1"), "{text}");
    assert!(text.contains("route=\"/s/{token}\""), "{text}");
    assert!(text.contains("crt_outbox_depth 0"), "{text}");
    assert!(
        !text.contains(url.rsplit('/').next().unwrap()),
        "no token in the metrics"
    );
}
