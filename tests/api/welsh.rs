//! Welsh: every public page in Cymraeg on request, a team that puts Welsh first, and a whole
//! questionnaire answered in Welsh.

use crate::helpers::{full_answers, spawn_app, spawn_team};

#[actix_web::test]
async fn every_public_page_comes_in_welsh_with_a_link_back_to_english() {
    let app = spawn_app().await;
    app.add_team("NORTH");
    for path in [
        "/",
        "/code",
        "/privacy",
        "/accessibility",
        "/teams/NORTH/you-said-we-did",
    ] {
        // Handlebars writes `=` in attributes as `&#x3D;`, which browsers read back as `=`.
        let html = app
            .client
            .get(app.url(&format!("{path}?lang=cy")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .replace("&#x3D;", "=");
        assert!(html.contains("<html lang=\"cy\">"), "{path}");
        assert!(
            html.contains("href=\"?lang=en\""),
            "{path} links back to English"
        );
        assert!(
            html.contains("href=\"/privacy?lang=cy\""),
            "{path} keeps Welsh on its links"
        );
        let english = app
            .client
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .replace("&#x3D;", "=");
        assert!(
            english.contains("<html lang=\"en\">") && english.contains("href=\"?lang=cy\""),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn a_questionnaire_is_completed_in_welsh() {
    let (app, key) = spawn_team().await;
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    let html = app
        .client
        .get(format!("{url}?lang=cy"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Yn gyffredinol, sut oedd eich profiad o&#x27;n gwasanaeth?"),
        "the FFT question in Welsh"
    );
    assert!(html.contains("Da iawn"), "the FFT answers in Welsh");
    // A missing answer: the error comes back in Welsh.
    let mut answers = full_answers(&app, &key, "carer").await;
    answers.retain(|(k, _)| k != "fft");
    let res = app
        .client
        .post(format!("{url}?lang=cy"))
        .form(&answers)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"cy\">"));
    assert!(
        !html.contains("Select how your experience"),
        "no English error on a Welsh page"
    );
    let answers = full_answers(&app, &key, "carer").await;
    let res = app
        .client
        .post(format!("{url}?lang=cy"))
        .form(&answers)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let thanks = crt_feedback::i18n::t(crt_feedback::i18n::Lang::Cy, "thanks_title");
    assert!(html.contains(&thanks), "thanked in Welsh");
}

#[actix_web::test]
async fn a_team_can_put_welsh_first_and_choose_the_easy_read_questionnaire() {
    let app = spawn_app().await;
    let team_id = app.add_team("WEST");
    app.add_user("admin@example.org", None, &[]);
    crt_feedback::teams::set_preferences(&mut app.conn(), &team_id, true, true).unwrap();
    let (browser, csrf) = app.signed_in_browser("admin@example.org").await;
    let cards = browser
        .post(app.url("/staff/teams/WEST/invitations"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("mode", "pair"),
            ("carer_consent", "yes"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let marker = "class=\"card__url\">";
    let start = cards.find(marker).unwrap() + marker.len();
    let link = cards[start..].split('<').next().unwrap().to_string();
    let html = app
        .client
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"cy\">"), "Welsh first");
    assert!(
        html.contains("hawdd ei ddeall"),
        "the easy-read questionnaire"
    );
    let english = app
        .client
        .get(format!("{link}?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("easy read"));
}
