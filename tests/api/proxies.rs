//! Behind a load balancer: the client is read from the forwarded-for chain only when the
//! connecting peer is a trusted proxy, rate limits count per client, and on PostgreSQL the
//! counts are shared by every server.

use crate::helpers::{TestApp, spawn_app_with, spawn_beside};

async fn code_from(app: &TestApp, forwarded_for: &str) -> u16 {
    app.client
        .post(app.url("/code"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("code", "AAAAAAAAAA")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[actix_web::test]
async fn behind_a_trusted_proxy_two_clients_are_limited_separately() {
    let app = spawn_app_with(&[
        ("RATE_LIMIT_PER_MINUTE", "3"),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
    ])
    .await;
    let mut first = Vec::new();
    for _ in 0..4 {
        first.push(code_from(&app, "203.0.113.10").await);
    }
    assert_eq!(first, vec![422, 422, 422, 429]);
    assert_eq!(
        code_from(&app, "198.51.100.20").await,
        422,
        "another client is not blocked"
    );
    // A client cannot dodge its limit by writing addresses of its own to the left.
    assert_eq!(code_from(&app, "192.0.2.99, 203.0.113.10").await, 429);
}

#[actix_web::test]
async fn without_trusted_proxies_forwarded_headers_are_ignored() {
    let app = spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "2")]).await;
    assert_eq!(code_from(&app, "203.0.113.1").await, 422);
    assert_eq!(code_from(&app, "203.0.113.2").await, 422);
    assert_eq!(
        code_from(&app, "203.0.113.3").await,
        429,
        "everyone is the peer"
    );
}

#[actix_web::test]
async fn two_servers_on_postgresql_limit_one_client_across_both() {
    if !std::env::var("TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        eprintln!("shared rate limits: PostgreSQL only (set TEST_DATABASE_URL); skipped on SQLite");
        return;
    }
    let settings = [
        ("RATE_LIMIT_PER_MINUTE", "4"),
        ("TRUSTED_PROXIES", "127.0.0.1/32"),
    ];
    let a = spawn_app_with(&settings).await;
    let b = spawn_beside(&a, &settings).await;
    let mut statuses = Vec::new();
    for server in [&a, &b, &a, &b, &a, &b] {
        statuses.push(code_from(server, "203.0.113.10").await);
    }
    assert_eq!(statuses, vec![422, 422, 422, 422, 429, 429]);
    assert_eq!(
        code_from(&b, "198.51.100.20").await,
        422,
        "another client has its own count"
    );
    drop(b);
}
