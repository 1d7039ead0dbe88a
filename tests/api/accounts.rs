//! Offboarding: keys that can be revoked and expire, accounts that can be disabled, roles that
//! can be taken away, password resets that end a key's life; and sign-in throttling that
//! nobody can use to lock someone else out.

use crate::helpers::{PASSWORD, TestApp, csrf_from, spawn_app_with};
use crt_feedback::db::schema::{api_keys, login_throttle, users};
use crt_feedback::staff::Role;
use diesel::prelude::*;

const ADMIN: &str = "admin@example.org";
const MANAGER: &str = "manager@example.org";

async fn status_with_key(app: &TestApp, key: &str) -> u16 {
    app.client
        .get(app.url("/api/v1/surveys"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn user_id(app: &TestApp, email: &str) -> String {
    users::table
        .filter(users::email.eq(email))
        .select(users::id)
        .get_result(&mut app.conn())
        .unwrap()
}

fn key_ids(app: &TestApp, email: &str) -> Vec<String> {
    api_keys::table
        .filter(api_keys::user_id.eq(user_id(app, email)))
        .select(api_keys::id)
        .load(&mut app.conn())
        .unwrap()
}

async fn team_with_admin(extra: &[(&str, &str)]) -> (TestApp, String) {
    let app = spawn_app_with(extra).await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    app.add_user(ADMIN, None, &[]);
    let key = app.add_user(MANAGER, Some(Role::Manager), &["NORTH", "SOUTH"]);
    (app, key)
}

/// A sign-in attempt from a browser that says, through the trusted proxy, it is `client`.
async fn sign_in_from(app: &TestApp, client: &str, email: &str, password: &str) -> u16 {
    let browser = app.browser();
    let page = browser
        .get(app.url("/staff/sign-in"))
        .header("x-forwarded-for", client)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser
        .post(app.url("/staff/sign-in"))
        .header("x-forwarded-for", client)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &csrf_from(&page)),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[actix_web::test]
async fn a_key_revoked_on_the_admin_page_gets_401_at_once_and_the_page_never_shows_a_key() {
    let (app, key) = team_with_admin(&[]).await;
    assert_eq!(status_with_key(&app, &key).await, 200);
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let page = admin
        .get(app.url("/staff/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = key_ids(&app, MANAGER).remove(0);
    assert!(page.contains(&id) && page.contains(MANAGER));
    assert!(!page.contains(&key), "the key itself is never shown");
    let res = admin
        .post(app.url(&format!("/staff/admin/api-keys/{id}/revoke")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(status_with_key(&app, &key).await, 401);
    // Without the session's CSRF token nothing is revoked.
    let other = app.add_user("other@example.org", Some(Role::Manager), &["NORTH"]);
    let other_id = key_ids(&app, "other@example.org").remove(0);
    let res = admin
        .post(app.url(&format!("/staff/admin/api-keys/{other_id}/revoke")))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(status_with_key(&app, &other).await, 200);
    let audit = admin
        .get(app.url("/staff/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("api_key.revoke"));
}

#[actix_web::test]
async fn an_expired_key_gets_401_and_a_used_key_shows_the_day_it_was_last_used() {
    let (app, key) = team_with_admin(&[]).await;
    assert_eq!(status_with_key(&app, &key).await, 200);
    let id = key_ids(&app, MANAGER).remove(0);
    let (last_used, expires): (Option<chrono::NaiveDate>, Option<chrono::NaiveDateTime>) =
        api_keys::table
            .find(&id)
            .select((api_keys::last_used_on, api_keys::expires_at))
            .get_result(&mut app.conn())
            .unwrap();
    assert_eq!(last_used, Some(crt_feedback::db::today()));
    let expires = expires.expect("every new key has an expiry");
    assert!(expires > crt_feedback::db::now() + chrono::TimeDelta::days(364));
    diesel::update(api_keys::table.find(&id))
        .set(api_keys::expires_at.eq(Some(
            crt_feedback::db::now() - chrono::TimeDelta::seconds(1),
        )))
        .execute(&mut app.conn())
        .unwrap();
    assert_eq!(status_with_key(&app, &key).await, 401);
}

#[actix_web::test]
async fn a_disabled_users_key_and_sessions_stop_and_enabling_again_does_not_revive_the_key() {
    let (app, key) = team_with_admin(&[]).await;
    let (manager, _) = app.signed_in_browser(MANAGER).await;
    assert_eq!(
        manager
            .get(app.url("/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let id = user_id(&app, MANAGER);
    let res = admin
        .post(app.url(&format!("/staff/admin/users/{id}/disable")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(status_with_key(&app, &key).await, 401);
    assert_eq!(
        manager
            .get(app.url("/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        401,
        "the open session ended"
    );
    assert_eq!(
        sign_in_from(&app, "127.0.0.1", MANAGER, PASSWORD).await,
        401,
        "a disabled account cannot sign in"
    );
    // An admin cannot disable themselves from the page.
    let me = user_id(&app, ADMIN);
    let res = admin
        .post(app.url(&format!("/staff/admin/users/{me}/disable")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("You cannot disable your own account")
    );

    let res = admin
        .post(app.url(&format!("/staff/admin/users/{id}/enable")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(status_with_key(&app, &key).await, 401, "keys stay revoked");
    app.signed_in_browser(MANAGER).await;
}

#[actix_web::test]
async fn a_password_reset_revokes_the_users_keys_but_saving_the_same_password_does_not() {
    let (app, key) = team_with_admin(&[]).await;
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let save = |password: &'static str| {
        let admin = admin.clone();
        let csrf = csrf.clone();
        let url = app.url("/staff/admin/users");
        async move {
            admin
                .post(url)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("user_email", MANAGER),
                    ("user_password", password),
                    ("role", "manager"),
                    ("user_teams", "NORTH, SOUTH"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(save(PASSWORD).await, 303);
    assert_eq!(
        status_with_key(&app, &key).await,
        200,
        "same password: no reset"
    );
    assert_eq!(save("a brand new password").await, 303);
    assert_eq!(
        status_with_key(&app, &key).await,
        401,
        "a reset revokes keys"
    );
}

#[actix_web::test]
async fn a_removed_role_loses_access_to_that_team_at_once() {
    let (app, key) = team_with_admin(&[]).await;
    let (manager, _) = app.signed_in_browser(MANAGER).await;
    for team in ["NORTH", "SOUTH"] {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/teams/{team}/concerns")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let id = user_id(&app, MANAGER);
    let res = admin
        .post(app.url(&format!("/staff/admin/users/{id}/roles/NORTH/remove")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let api = |team: &'static str| {
        app.client
            .get(app.url(&format!("/api/v1/teams/{team}/concerns")))
            .bearer_auth(&key)
            .send()
    };
    assert_eq!(api("NORTH").await.unwrap().status(), 403);
    assert_eq!(api("SOUTH").await.unwrap().status(), 200);
    let page = manager
        .get(app.url("/staff/teams/NORTH/concerns"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403, "the open session lost the team too");
}

#[actix_web::test]
async fn five_failures_from_one_client_do_not_keep_the_manager_out_from_another_and_an_unlock_clears_the_first()
 {
    let (app, _) = team_with_admin(&[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let attacker = "203.0.113.66";
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(sign_in_from(&app, attacker, MANAGER, "a wrong guess!!").await);
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 429]);
    assert_eq!(
        sign_in_from(&app, attacker, MANAGER, PASSWORD).await,
        429,
        "the failing client waits, even with the right password"
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.20", MANAGER, PASSWORD).await,
        303,
        "the manager, elsewhere, gets in at once"
    );
    // An admin clears the address, and the first client may try again at once.
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let id = user_id(&app, MANAGER);
    let res = admin
        .post(app.url(&format!("/staff/admin/users/{id}/unlock")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(sign_in_from(&app, attacker, MANAGER, PASSWORD).await, 303);
    let rows: i64 = login_throttle::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(rows, 0, "nothing left counting for that address");
}

#[actix_web::test]
async fn without_trusted_proxies_a_forwarded_header_cannot_dodge_the_wait() {
    let (app, _) = team_with_admin(&[("LOGIN_MAX_FAILURES", "2")]).await;
    assert_eq!(
        sign_in_from(&app, "192.0.2.1", MANAGER, "wrong guess one").await,
        401
    );
    assert_eq!(
        sign_in_from(&app, "192.0.2.2", MANAGER, "wrong guess two").await,
        429
    );
    assert_eq!(
        sign_in_from(&app, "192.0.2.3", MANAGER, PASSWORD).await,
        429
    );
}

#[actix_web::test]
async fn a_campaign_from_many_clients_slows_every_failing_client_but_not_the_right_password() {
    let (app, _) = team_with_admin(&[
        ("TRUSTED_PROXIES", "127.0.0.1"),
        ("LOGIN_MAX_FAILURES", "2"),
    ])
    .await;
    // Four clients fail twice each: eight failures, four times the limit.
    for n in 1..=4 {
        let client = format!("203.0.113.{n}");
        assert_eq!(
            sign_in_from(&app, &client, MANAGER, "wrong guess!!!").await,
            401
        );
        assert_eq!(
            sign_in_from(&app, &client, MANAGER, "wrong guess!!!").await,
            429
        );
    }
    assert_eq!(
        sign_in_from(&app, "203.0.113.5", MANAGER, "wrong guess!!!").await,
        429,
        "a new client waits after its first failure"
    );
    assert_eq!(
        sign_in_from(&app, "198.51.100.9", MANAGER, PASSWORD).await,
        303
    );
}

#[actix_web::test]
async fn failed_sign_ins_are_forgotten_a_day_after_the_last_one() {
    let (app, _) = team_with_admin(&[]).await;
    sign_in_from(&app, "127.0.0.1", "nobody@example.org", "wrong guess!!!").await;
    sign_in_from(&app, "127.0.0.1", MANAGER, "wrong guess!!!").await;
    let mut conn = app.conn();
    assert_eq!(
        crt_feedback::staff::sign_in::forget_old(&mut conn).unwrap(),
        0
    );
    let counting: i64 = login_throttle::table.count().get_result(&mut conn).unwrap();
    assert_eq!(
        counting, 2,
        "one row for each address, with or without an account"
    );
    diesel::update(login_throttle::table)
        .set(
            login_throttle::last_failed_at
                .eq(crt_feedback::db::now() - chrono::TimeDelta::hours(25)),
        )
        .execute(&mut conn)
        .unwrap();
    // The scheduled job may get there first; either way they go.
    crt_feedback::staff::sign_in::forget_old(&mut conn).unwrap();
    let stored: Vec<String> = login_throttle::table
        .select(login_throttle::email_hash)
        .load(&mut conn)
        .unwrap();
    assert!(stored.is_empty());
}

#[actix_web::test]
async fn an_admins_password_reset_lets_a_waiting_client_in_at_once() {
    let (app, _) = team_with_admin(&[
        ("TRUSTED_PROXIES", "127.0.0.1"),
        ("LOGIN_MAX_FAILURES", "2"),
    ])
    .await;
    let office = "192.0.2.50";
    sign_in_from(&app, office, MANAGER, "wrong guess!!!").await;
    assert_eq!(
        sign_in_from(&app, office, MANAGER, "wrong guess!!!").await,
        429
    );
    let (admin, csrf) = app.signed_in_browser(ADMIN).await;
    let res = admin
        .post(app.url("/staff/admin/users"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("user_email", MANAGER),
            ("user_password", "a password given by IT"),
            ("role", "manager"),
            ("user_teams", "NORTH"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        sign_in_from(&app, office, MANAGER, "a password given by IT").await,
        303
    );
}
