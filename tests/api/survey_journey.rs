use crate::helpers::{full_answers, spawn_app, spawn_team};
use crt_feedback::staff::Role;

#[actix_web::test]
async fn a_link_shows_the_questionnaire_with_privacy_headers() {
    let (app, key) = spawn_team().await;
    let (url, _) = app
        .issue_links(&key, "NORTH", "service-user", 1)
        .await
        .remove(0);
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(
        res.headers().get("set-cookie").is_none(),
        "survey pages set no cookies"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("Overall, how was your experience of our service?"));
    for label in [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don&#x27;t know",
    ] {
        assert!(html.contains(label), "missing FFT answer {label}");
    }
    assert!(html.contains("<fieldset") && html.contains("<legend"));
}

#[actix_web::test]
async fn a_complete_answer_is_thanked_and_the_link_then_refused() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let answers = full_answers(&app, &key, "carer").await;
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Thank you"));
    let again = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(again.status(), 410);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 410);
}

#[actix_web::test]
async fn a_missing_answer_comes_back_with_every_other_answer_kept() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let mut answers = full_answers(&app, &key, "carer").await;
    answers.retain(|(k, _)| k != "fft");
    answers
        .iter_mut()
        .filter(|(k, _)| k == "fft_reason")
        .for_each(|(_, v)| *v = "Kind <b>staff</b> & quick".into());
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("href=\"#fft\""),
        "the summary links to the field"
    );
    assert!(
        html.contains("id=\"fft-error\""),
        "the message sits next to the field"
    );
    assert!(
        html.contains("Kind &lt;b&gt;staff&lt;&#x2F;b&gt; &amp; quick")
            || html.contains("Kind &lt;b&gt;staff&lt;/b&gt; &amp; quick"),
        "text kept and escaped"
    );
    let checked = html.matches(" checked>").count();
    // Scale and yes/no answers, and the About you choices.
    let scale_answers = answers
        .iter()
        .filter(|(k, v)| v == "4" || v == "yes" || k.starts_with("about_"))
        .count();
    assert_eq!(
        checked, scale_answers,
        "every radio answer given is still selected"
    );
    // The link was not used up by the failed attempt.
    let answers = full_answers(&app, &key, "carer").await;
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

#[actix_web::test]
async fn unknown_tokens_are_404_and_expired_links_410() {
    let app = spawn_app_with_expiry().await;
    let res = app
        .client
        .get(app.url("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = app.client.get(app.url("/s/short")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    {
        use crt_feedback::db::schema::invitations;
        use diesel::prelude::*;
        let yesterday = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(1);
        diesel::update(invitations::table)
            .set(invitations::expires_on.eq(yesterday))
            .execute(&mut app.conn())
            .unwrap();
    }
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 410);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("already been used or has ended")
    );
}

async fn spawn_app_with_expiry() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(&[("INVITATION_EXPIRY_DAYS", "28")]).await
}

#[actix_web::test]
async fn a_short_code_from_a_card_leads_to_the_same_questionnaire() {
    let (app, key) = spawn_team().await;
    let (_, code) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let typed = format!("{}-{}", code[..5].to_lowercase(), &code[5..]);
    let res = app
        .client
        .post(app.url("/code"))
        .form(&[("code", typed.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/s/"));
    let answers = full_answers(&app, &key, "carer").await;
    assert_eq!(
        app.client
            .post(app.url(&location))
            .form(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let used = app
        .client
        .post(app.url("/code"))
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 410);
    let wrong = app
        .client
        .post(app.url("/code"))
        .form(&[("code", "AAAAAAAAAA")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(
        wrong.text().await.unwrap().contains("AAAAAAAAAA"),
        "what was typed is kept"
    );
}

#[actix_web::test]
async fn risk_language_puts_urgent_help_first_and_flags_the_comment() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let mut answers = full_answers(&app, &key, "carer").await;
    answers
        .iter_mut()
        .filter(|(k, _)| k == "fft_reason")
        .for_each(|(_, v)| *v = "Some days I don't want to live".into());
    let html = app
        .client
        .post(&url)
        .form(&answers)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let help = html
        .find("urgent-help--first")
        .expect("help is shown first");
    assert!(help < html.find("Your answers have been sent").unwrap());
    // The concern comes with the response's release, as any other (a lone carer's, here).
    app.release_in_groups_of(1);
    let concerns: serde_json::Value = app.api_json(&key, "/api/v1/teams/NORTH/concerns").await;
    let list = concerns.as_array().unwrap();
    assert!(
        list.iter()
            .any(|c| c["summary"].as_str().unwrap().contains("urgent")),
        "{concerns}"
    );
}

#[actix_web::test]
async fn identifiers_in_comments_are_removed_before_storage() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let mut answers = full_answers(&app, &key, "carer").await;
    answers.iter_mut().filter(|(k, _)| k == "fft_reason").for_each(|(_, v)| {
        *v = "Ring me on 07700 900123 or jo@example.com, NHS 943 476 5919, SW1A 1AA. Visit at 10:30 on 12/03/2025".into()
    });
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
    use crt_feedback::db::schema::{comments, staged_responses};
    use diesel::prelude::*;
    // Scrubbed before it is stored at all: while it waits for its release, and after.
    let waiting: Vec<String> = staged_responses::table
        .select(staged_responses::answers)
        .load(&mut app.conn())
        .unwrap();
    app.release_in_groups_of(1);
    let bodies: Vec<String> = comments::table
        .select(comments::body)
        .load(&mut app.conn())
        .unwrap();
    let body = bodies.iter().find(|b| b.contains("Ring me")).unwrap();
    for stored in [&waiting[0], body] {
        for gone in ["07700", "jo@example.com", "943 476 5919", "SW1A"] {
            assert!(!stored.contains(gone), "{gone} in {stored}");
        }
        assert!(
            stored.contains("10:30") && stored.contains("12/03/2025"),
            "{stored}"
        );
    }
}

#[actix_web::test]
async fn guessing_codes_is_rate_limited() {
    let app = crate::helpers::spawn_app_with(&[("RATE_LIMIT_PER_MINUTE", "5")]).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let res = app
            .client
            .post(app.url("/code"))
            .form(&[("code", "AAAAAAAAAA")])
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, vec![422, 422, 422, 422, 422, 429, 429]);
    let res = app
        .client
        .get(app.url("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "each route has its own allowance");
}

#[actix_web::test]
async fn every_link_gets_the_same_questionnaire_page_which_never_holds_its_token() {
    let app = spawn_app().await;
    let team_id = app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let links = app.issue_links(&key, "NORTH", "carer", 2).await;
    let page = |url: String| {
        let client = app.client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let first = page(links[0].0.clone()).await;
    let second = page(links[1].0.clone()).await;
    assert_eq!(
        first, second,
        "a blank questionnaire is the same for every link"
    );
    for (url, _) in &links {
        let token = url.rsplit('/').next().unwrap();
        assert!(!first.contains(token), "the page repeats its link's token");
    }
    assert!(
        first.contains("href=\"?lang&#x3D;cy\""),
        "the Welsh link is relative"
    );

    // A changed crisis line shows on the very next page.
    crt_feedback::teams::set_crisis_line(
        &mut app.conn(),
        &team_id,
        Some("North crisis line: 0300 555 0199"),
    )
    .unwrap();
    let after = page(links[0].0.clone()).await;
    assert!(after.contains("North crisis line: 0300 555 0199"));
    let welsh = page(format!("{}?lang=cy", links[0].0)).await;
    assert!(welsh.contains("<html lang=\"cy\">") && welsh.contains("0300 555 0199"));
}

#[actix_web::test]
async fn answers_to_a_link_just_opened_are_stored_once_and_thanked_with_the_team_line_as_it_is_now()
{
    let app = spawn_app().await;
    let team_id = app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let answers = full_answers(&app, &key, "carer").await;

    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    // Changed between opening the link and answering it: the thank-you page shows the new line.
    crt_feedback::teams::set_crisis_line(&mut app.conn(), &team_id, Some("Call 0300 555 0142"))
        .unwrap();
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let thanks = res.text().await.unwrap();
    assert!(thanks.contains("Thank you") && thanks.contains("Call 0300 555 0142"));
    assert_eq!(app.stored_responses(), 1);

    let again = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(again.status(), 410, "a link is used once, opened or not");
    assert_eq!(app.stored_responses(), 1);
}

#[actix_web::test]
async fn a_link_that_expires_after_it_was_opened_takes_no_answers() {
    let app = spawn_app_with_expiry().await;
    app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let answers = full_answers(&app, &key, "carer").await;
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    {
        use crt_feedback::db::schema::invitations;
        use diesel::prelude::*;
        let yesterday = chrono::Utc::now().date_naive() - chrono::TimeDelta::days(1);
        diesel::update(invitations::table)
            .set(invitations::expires_on.eq(yesterday))
            .execute(&mut app.conn())
            .unwrap();
    }
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 410);
    assert_eq!(app.stored_responses(), 0);
}

#[actix_web::test]
async fn a_mistake_in_answers_to_a_link_just_opened_comes_back_in_the_teams_own_page() {
    let app = spawn_app().await;
    let team_id = app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    crt_feedback::teams::set_crisis_line(&mut app.conn(), &team_id, Some("Call 0300 555 0143"))
        .unwrap();
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    let mut answers = full_answers(&app, &key, "carer").await;
    answers.retain(|(k, _)| k != "fft");
    let res = app.client.post(&url).form(&answers).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("href=\"#fft\""),
        "the missing answer is named"
    );
    assert!(
        page.contains("Call 0300 555 0143"),
        "with the team's crisis line"
    );
    assert_eq!(app.stored_responses(), 0);
}
