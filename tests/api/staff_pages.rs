use crate::helpers::{PASSWORD, answer, csrf_from, full_answers, spawn_app, spawn_app_with};
use crt_feedback::staff::Role;

#[actix_web::test]
async fn a_manager_logs_a_complaint_acts_on_it_and_publishes_it() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    app.add_user("manager@example.org", Some(Role::Manager), &["NORTH"]);
    app.add_user("south@example.org", Some(Role::Manager), &["SOUTH"]);
    let (browser, csrf) = app.signed_in_browser("manager@example.org").await;

    let res = browser
        .post(app.url("/staff/teams/NORTH/concerns"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("source", "complaint"),
            ("summary", "Calls not returned at weekends"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let concern_path = res.headers()["location"].to_str().unwrap().to_string();
    let page = browser
        .get(app.url(&concern_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Calls not returned at weekends"));

    let res = browser
        .post(app.url(&format!("{concern_path}/actions")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("description", "Weekend call-back rota"),
            ("owner", "Team manager"),
            ("due_on", "2030-01-31"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = browser
        .get(app.url(&concern_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "action=\"/staff/actions/";
    let start = page.find(marker).unwrap() + marker.len();
    let action_id = page[start..].split('"').next().unwrap().to_string();

    let res = browser
        .post(app.url(&format!("/staff/actions/{action_id}")))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("publish_form", "1"),
            ("status", "done"),
            ("outcome", "Rota in place since March"),
            (
                "public_you_said",
                "You said nobody called back at weekends.",
            ),
            (
                "public_wording",
                "We now have a named person returning calls every weekend.",
            ),
            ("publishable", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let public = app
        .client
        .get(app.url("/teams/NORTH/you-said-we-did"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(public.contains("We now have a named person returning calls every weekend."));
    assert!(
        !public.contains("Calls not returned at weekends"),
        "internal summaries stay internal"
    );
    let other = app
        .client
        .get(app.url("/teams/SOUTH/you-said-we-did"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!other.contains("named person"));

    // A manager of another team can neither see nor change it.
    let (south, south_csrf) = app.signed_in_browser("south@example.org").await;
    let res = south.get(app.url(&concern_path)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(!res.text().await.unwrap().contains("Calls not returned"));
    let res = south
        .post(app.url(&format!("/staff/actions/{action_id}")))
        .form(&[("csrf_token", south_csrf.as_str()), ("status", "planned")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // Closing works once every action is final.
    let res = browser
        .post(app.url(&format!("{concern_path}/close")))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

#[actix_web::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_user("manager@example.org", Some(Role::Manager), &["NORTH"]);
    let (browser, _) = app.signed_in_browser("manager@example.org").await;
    for token in [None, Some("forged")] {
        let mut form = vec![("source", "complaint"), ("summary", "x")];
        if let Some(t) = token {
            form.push(("csrf_token", t));
        }
        let res = browser
            .post(app.url("/staff/teams/NORTH/concerns"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
    }
    let concerns: i64 = {
        use crt_feedback::db::schema::concerns;
        use diesel::prelude::*;
        concerns::table.count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(concerns, 0);
}

#[actix_web::test]
async fn sign_in_failures_are_locked_alike_for_real_and_unknown_accounts() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "3")]).await;
    app.add_team("NORTH");
    app.add_user("real@example.org", Some(Role::Manager), &["NORTH"]);
    for email in ["real@example.org", "nobody@example.org"] {
        let browser = app.browser();
        let mut statuses = Vec::new();
        let mut bodies = Vec::new();
        for _ in 0..4 {
            let page = browser
                .get(app.url("/staff/sign-in"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let res = browser
                .post(app.url("/staff/sign-in"))
                .form(&[
                    ("email", email),
                    ("password", "wrong password!"),
                    ("csrf_token", &csrf_from(&page)),
                ])
                .send()
                .await
                .unwrap();
            statuses.push(res.status().as_u16());
            bodies.push(res.text().await.unwrap());
        }
        assert_eq!(statuses, vec![401, 401, 429, 429], "{email}");
        assert!(bodies[0].contains("The email address or password is not right"));
    }
    // Locked means locked, even with the right password.
    let browser = app.browser();
    let page = browser
        .get(app.url("/staff/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = browser
        .post(app.url("/staff/sign-in"))
        .form(&[
            ("email", "real@example.org"),
            ("password", PASSWORD),
            ("csrf_token", &csrf_from(&page)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
}

#[actix_web::test]
async fn sign_out_ends_the_session_and_the_cookie_is_http_only() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_user("manager@example.org", Some(Role::Manager), &["NORTH"]);
    let browser = app.browser();
    let page = browser.get(app.url("/staff/sign-in")).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (browser, csrf) = app.signed_in_browser("manager@example.org").await;
    assert_eq!(
        browser
            .get(app.url("/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = browser
        .post(app.url("/staff/sign-out"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        browser
            .get(app.url("/staff"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[actix_web::test]
async fn a_poor_fft_answer_becomes_a_concern_for_that_team_only() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    app.add_team("SOUTH");
    let north = app.add_user("n@example.org", Some(Role::Manager), &["NORTH"]);
    let south = app.add_user("s@example.org", Some(Role::Manager), &["SOUTH"]);
    let poor = [
        ("fft", "2"),
        ("fft_reason", "Nobody called me back for three days"),
    ];
    answer(&app, &north, "service-user", &poor).await;
    let list = |key: String, team: &'static str| {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/teams/{team}/concerns"));
        async move {
            client
                .get(url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        app.release().responses,
        0,
        "one response waits for four more"
    );
    let north_list = list(north.clone(), "NORTH").await;
    assert!(
        north_list.as_array().unwrap().is_empty(),
        "nothing of a waiting response reaches staff: {north_list}"
    );
    // Four more service users answer kindly: now the group is big enough to be released.
    for _ in 0..4 {
        let (url, _) = app
            .issue_links(&north, "NORTH", "service-user", 1)
            .await
            .remove(0);
        let answers = full_answers(&app, &north, "service-user").await;
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
    }
    assert_eq!(app.release().responses, 5);
    let north_list = list(north.clone(), "NORTH").await;
    let concerns = north_list.as_array().unwrap();
    assert_eq!(
        concerns.len(),
        1,
        "kind answers raise no concern: {north_list}"
    );
    assert_eq!(concerns[0]["source"], "survey");
    assert_eq!(
        concerns[0]["comment"],
        "Nobody called me back for three days"
    );
    assert_eq!(
        concerns[0]["month"],
        chrono::Utc::now().date_naive().format("%Y-%m").to_string()
    );
    let south_list = list(south, "SOUTH").await;
    assert!(south_list.as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn an_admin_adds_a_team_and_a_clinician_who_can_then_sign_in() {
    let app = spawn_app().await;
    app.add_user("admin@example.org", None, &[]);
    let (admin, csrf) = app.signed_in_browser("admin@example.org").await;
    let bad = admin
        .post(app.url("/staff/admin/teams"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("team_code", "no spaces allowed"),
            ("team_name", "East"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(
        html.contains("href=\"#team_code\"") && html.contains("value=\"East\""),
        "error named, answers kept"
    );
    let res = admin
        .post(app.url("/staff/admin/teams"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("team_code", "EAST"),
            ("team_name", "East crisis team"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let res = admin
        .post(app.url("/staff/admin/users"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("user_email", "new.clinician@example.org"),
            ("user_password", PASSWORD),
            ("role", "clinician"),
            ("user_teams", "east"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let (clinician, _) = app.signed_in_browser("new.clinician@example.org").await;
    assert_eq!(
        clinician
            .get(app.url("/staff/teams/EAST/invitations/new"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        clinician
            .get(app.url("/staff/teams/EAST/concerns"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let audit = admin
        .get(app.url("/staff/audit"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("team.add") && audit.contains("user.save") && audit.contains("sign_in"));
}

#[actix_web::test]
async fn parallel_guesses_cannot_slip_past_the_sign_in_limit() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "3")]).await;
    app.add_team("NORTH");
    app.add_user("real@example.org", Some(Role::Manager), &["NORTH"]);
    let mut tries = Vec::new();
    for _ in 0..10 {
        let browser = app.browser();
        let page = browser
            .get(app.url("/staff/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_from(&page);
        let url = app.url("/staff/sign-in");
        tries.push(async move {
            browser
                .post(url)
                .form(&[
                    ("email", "real@example.org"),
                    ("password", "a wrong guess!!"),
                    ("csrf_token", &csrf),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = futures_util::future::join_all(tries).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        checked <= 2,
        "at most max-1 guesses are checked before the lock: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        10 - checked,
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn concerns_can_be_filtered_by_theme() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("n@example.org", Some(Role::Manager), &["NORTH"]);
    let very_poor = [
        ("fft", "1"),
        ("fft_reason", "Nobody called me back for three days"),
    ];
    answer(&app, &key, "service-user", &very_poor).await;
    for _ in 0..4 {
        answer(&app, &key, "service-user", &[]).await;
    }
    app.release();
    let (browser, _) = app.signed_in_browser("n@example.org").await;
    let page = |theme: &'static str| {
        let browser = browser.clone();
        let url = app.url(&format!("/staff/teams/NORTH/concerns?theme={theme}"));
        async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        page("communication").await.contains("Very poor"),
        "the concern touches communication"
    );
    assert!(
        !page("medication").await.contains("Very poor"),
        "and not medication"
    );
}

#[actix_web::test]
async fn comments_and_audit_entries_past_their_retention_are_deleted_but_counts_stay() {
    use crt_feedback::db::schema::{audit_log, comment_totals, comments};
    use diesel::prelude::*;
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("n@example.org", Some(Role::Manager), &["NORTH"]);
    answer(&app, &key, "carer", &[("fft_reason", "An old comment")]).await;
    answer(&app, &key, "carer", &[("fft_reason", "A new comment")]).await;
    for _ in 0..3 {
        answer(&app, &key, "carer", &[]).await;
    }
    app.release();
    let long_ago = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(400);
    diesel::update(comments::table.filter(comments::body.eq("An old comment")))
        .set(comments::received_on.eq(long_ago))
        .execute(&mut app.conn())
        .unwrap();
    diesel::update(audit_log::table)
        .set(audit_log::at.eq(long_ago.and_time(chrono::NaiveTime::MIN)))
        .execute(&mut app.conn())
        .unwrap();
    let counted_before: i64 = comment_totals::table
        .select(comment_totals::count)
        .load::<i64>(&mut app.conn())
        .unwrap()
        .iter()
        .sum();
    let deleted = crt_feedback::jobs::retention::apply(
        &mut app.conn(),
        crt_feedback::jobs::retention::Retention {
            comment_months: 12,
            audit_months: 12,
        },
    )
    .unwrap();
    assert_eq!(deleted.comments, 1);
    assert!(deleted.audit_entries >= 1);
    let bodies: Vec<String> = comments::table
        .select(comments::body)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        bodies.iter().any(|b| b == "A new comment")
            && !bodies.iter().any(|b| b == "An old comment")
    );
    let counted_after: i64 = comment_totals::table
        .select(comment_totals::count)
        .load::<i64>(&mut app.conn())
        .unwrap()
        .iter()
        .sum();
    assert_eq!(counted_before, counted_after, "reports keep their counts");
}

#[actix_web::test]
async fn a_discharge_pair_without_the_carer_confirmation_comes_back_with_the_error() {
    let (app, _key) = crate::helpers::spawn_team().await;
    let (browser, csrf) = app.signed_in_browser(crate::helpers::MANAGER).await;
    let refused = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[("csrf_token", csrf.as_str()), ("mode", "pair")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("<title>Error:"), "the title says so");
    assert!(
        page.contains("<a href=\"#carer_consent\">Confirm that the person agreed"),
        "the summary links to the box: {page}"
    );
    assert!(page.contains("id=\"carer_consent-error\""));
    assert!(
        page.contains("value=\"pair\" checked"),
        "the choice is kept"
    );
    let issued = || -> i64 {
        use crt_feedback::db::schema::invitations::dsl::*;
        use diesel::prelude::*;
        invitations.count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(issued(), 0, "neither card was issued");
    // A batch of carer cards needs it too; the service user's own cards do not.
    let batch = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "count"),
            ("survey", "carer"),
            ("count", "3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(batch.status(), 422);
    let page = batch.text().await.unwrap();
    assert!(page.contains("value=\"3\""), "the count is kept");
    let cards = browser
        .post(app.url("/staff/teams/NORTH/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "pair"),
            ("carer_consent", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cards.status(), 200);
    assert_eq!(issued(), 2);
}
