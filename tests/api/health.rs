use crate::helpers::{spawn_app, spawn_team_with};

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
    const METRICS_TOKEN: &str = "a-scraper-token-of-length";
    let (app, key) = spawn_team_with(&[("METRICS_TOKEN", METRICS_TOKEN)]).await;
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
    for wrong in [
        None,
        Some("not-the-token"),
        Some("a-scraper-token-of-lengt"),
    ] {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(wrong) = wrong {
            request = request.bearer_auth(wrong);
        }
        assert_eq!(request.send().await.unwrap().status(), 404, "{wrong:?}");
    }
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
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

#[actix_web::test]
async fn metrics_are_private_unless_given_a_token_or_an_address_of_their_own() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404, "no token configured: no metrics");
    assert!(!res.text().await.unwrap().contains("crt_"));

    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_address = free.local_addr().unwrap().to_string();
    drop(free);
    let app = crate::helpers::spawn_app_with(&[("METRICS_BIND", &metrics_address)]).await;
    let main = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(main.status(), 404, "still private on the main address");
    let own = app
        .client
        .get(format!("http://{metrics_address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("crt_outbox_depth"));
}
