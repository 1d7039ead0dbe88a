//! Every staff and API route, for every role, on the user's own team and on another team.

use crate::helpers::{TestApp, spawn_app};
use crt_feedback::staff::Role;
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Admin,
    Manager,
    Clinician,
}

struct Fixtures {
    concern: [String; 2],
    action: [String; 2],
}

async fn fixtures(app: &TestApp, manager_keys: [&str; 2]) -> Fixtures {
    let mut concern = Vec::new();
    let mut action = Vec::new();
    for (team, key) in ["NORTH", "SOUTH"].iter().zip(manager_keys) {
        let c: serde_json::Value = app
            .client
            .post(app.url(&format!("/api/v1/teams/{team}/concerns")))
            .bearer_auth(key)
            .json(&json!({ "summary": format!("{team} secret summary"), "source": "complaint" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let cid = c["id"].as_str().unwrap().to_string();
        let a: serde_json::Value = app
            .client
            .post(app.url(&format!("/api/v1/concerns/{cid}/actions")))
            .bearer_auth(key)
            .json(&json!({ "description": "call back", "owner": "Team lead", "due_on": "2030-01-01" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        action.push(a["id"].as_str().unwrap().to_string());
        concern.push(cid);
    }
    Fixtures {
        concern: [concern[0].clone(), concern[1].clone()],
        action: [action[0].clone(), action[1].clone()],
    }
}

/// What each route should answer: (allowed status, status on another team for non-admins,
/// whether a clinician may use it on their own team).
fn expect(who: Who, own: bool, allowed: u16, other: u16, clinician_ok: bool) -> u16 {
    match who {
        Who::Admin => allowed,
        _ if !own => other,
        Who::Clinician if !clinician_ok => 403,
        _ => allowed,
    }
}

#[actix_web::test]
async fn every_route_checks_role_and_team() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    let admin_key = app.add_user("admin@example.org", None, &[]);
    let manager_key = app.add_user("manager@example.org", Some(Role::Manager), &["NORTH"]);
    let clinician_key = app.add_user("clinician@example.org", Some(Role::Clinician), &["NORTH"]);
    let south_key = app.add_user("south@example.org", Some(Role::Manager), &["SOUTH"]);
    let fx = fixtures(&app, [&manager_key, &south_key]).await;
    let mut failures = Vec::new();

    for (who, key, email) in [
        (Who::Admin, &admin_key, "admin@example.org"),
        (Who::Manager, &manager_key, "manager@example.org"),
        (Who::Clinician, &clinician_key, "clinician@example.org"),
    ] {
        let (browser, csrf) = app.signed_in_browser(email).await;
        for (index, team) in ["NORTH", "SOUTH"].iter().enumerate() {
            let own = index == 0;
            let (concern, action) = (&fx.concern[index], &fx.action[index]);
            let secret = format!("{team} secret summary");
            let admin_only = if matches!(who, Who::Admin) { 200 } else { 403 };
            // API routes.
            let api: Vec<(&str, String, Option<serde_json::Value>, u16)> = vec![
                ("GET", "/api/v1/surveys".into(), None, 200),
                (
                    "POST",
                    format!("/api/v1/teams/{team}/invitations"),
                    Some(json!({"survey": "carer", "count": 1, "carer_consent": true})),
                    expect(who, own, 201, 403, true),
                ),
                (
                    "GET",
                    format!("/api/v1/teams/{team}/concerns"),
                    None,
                    expect(who, own, 200, 403, false),
                ),
                (
                    "POST",
                    format!("/api/v1/teams/{team}/concerns"),
                    Some(json!({"summary": "x", "source": "pals"})),
                    expect(who, own, 201, 403, false),
                ),
                (
                    "POST",
                    format!("/api/v1/concerns/{concern}/actions"),
                    Some(json!({"description": "d", "owner": "o", "due_on": "2030-01-01"})),
                    expect(who, own, 201, 404, false),
                ),
                (
                    "PATCH",
                    format!("/api/v1/actions/{action}"),
                    Some(json!({"owner": "Deputy"})),
                    expect(who, own, 200, 404, false),
                ),
                (
                    "GET",
                    format!("/api/v1/teams/{team}/urgent"),
                    None,
                    expect(who, own, 200, 403, true),
                ),
                (
                    "PATCH",
                    format!("/api/v1/teams/{team}"),
                    Some(json!({"urgent_email": "duty@example.org"})),
                    expect(who, own, 200, 403, false),
                ),
                // Organisation-wide files: admins only, whichever team's loop asks.
                ("GET", "/api/v1/report".into(), None, admin_only),
                ("GET", "/api/v1/fft-return.csv".into(), None, admin_only),
                ("GET", "/api/v1/fft-submission.csv".into(), None, admin_only),
                (
                    "GET",
                    "/api/v1/comments/corrections.csv".into(),
                    None,
                    admin_only,
                ),
            ];
            for (method, path, body, want) in api {
                let mut req = app
                    .client
                    .request(method.parse().unwrap(), app.url(&path))
                    .bearer_auth(key);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let res = req.send().await.unwrap();
                let got = res.status().as_u16();
                let text = res.text().await.unwrap();
                if got != want {
                    failures.push(format!("{who:?} {method} {path}: got {got}, want {want}"));
                }
                if want >= 400 && text.contains(&secret) {
                    failures.push(format!(
                        "{who:?} {method} {path}: leaked another team's content"
                    ));
                }
            }
            // Staff pages.
            type PageCase<'a> = (&'a str, String, Vec<(&'a str, &'a str)>, u16);
            let pages: Vec<PageCase> = vec![
                (
                    "GET",
                    format!("/staff/teams/{team}"),
                    vec![],
                    expect(who, own, 200, 403, true),
                ),
                (
                    "GET",
                    format!("/staff/teams/{team}/invitations/new"),
                    vec![],
                    expect(who, own, 200, 403, true),
                ),
                (
                    "POST",
                    format!("/staff/teams/{team}/invitations"),
                    vec![("mode", "pair"), ("carer_consent", "yes")],
                    expect(who, own, 200, 403, true),
                ),
                (
                    "GET",
                    format!("/staff/teams/{team}/concerns"),
                    vec![],
                    expect(who, own, 200, 403, false),
                ),
                (
                    "POST",
                    format!("/staff/teams/{team}/concerns"),
                    vec![("summary", "s"), ("source", "audit")],
                    expect(who, own, 303, 403, false),
                ),
                (
                    "GET",
                    format!("/staff/concerns/{concern}"),
                    vec![],
                    expect(who, own, 200, 404, false),
                ),
                (
                    "POST",
                    format!("/staff/concerns/{concern}/actions"),
                    vec![
                        ("description", "d"),
                        ("owner", "o"),
                        ("due_on", "2030-02-01"),
                    ],
                    expect(who, own, 303, 404, false),
                ),
                (
                    "POST",
                    format!("/staff/actions/{action}"),
                    vec![("status", "in_progress")],
                    expect(who, own, 303, 404, false),
                ),
                (
                    "GET",
                    format!("/staff/teams/{team}/urgent"),
                    vec![],
                    expect(who, own, 200, 403, true),
                ),
                (
                    "GET",
                    "/staff/audit".into(),
                    vec![],
                    if who == Who::Admin { 200 } else { 403 },
                ),
                (
                    "POST",
                    format!("/staff/admin/teams/{team}/duty-contact"),
                    vec![("urgent_email", "duty@example.org")],
                    if who == Who::Admin { 303 } else { 403 },
                ),
            ];
            for (method, path, mut form, want) in pages {
                form.push(("csrf_token", &csrf));
                let req = if method == "GET" {
                    browser.get(app.url(&path))
                } else {
                    browser.post(app.url(&path)).form(&form)
                };
                let res = req.send().await.unwrap();
                let got = res.status().as_u16();
                let text = res.text().await.unwrap();
                if got != want {
                    failures.push(format!("{who:?} {method} {path}: got {got}, want {want}"));
                }
                if want >= 400 && text.contains(&secret) {
                    failures.push(format!(
                        "{who:?} {method} {path}: leaked another team's content"
                    ));
                }
            }
        }
    }
    // Nobody signed in: pages send people to sign in, the API wants a key.
    for path in [
        "/staff",
        "/staff/teams/NORTH",
        "/staff/audit",
        &format!("/staff/concerns/{}", fx.concern[0]),
    ] {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        if res.status() != 401 {
            failures.push(format!("anonymous GET {path}: got {}", res.status()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
