//! Whole journeys at phone and desktop widths, with axe-core on every page reached.

use super::harness::{self, Browser, WIDTHS};
use super::helpers::{PASSWORD, TestApp, full_answers, spawn_app};
use crt_feedback::staff::Role;
use fantoccini::Locator;

/// Fills a questionnaire form: radios by value, text boxes by typing.
async fn fill(b: &Browser, answers: &[(String, String)]) {
    for (question, value) in answers {
        let radio = format!("input[type=radio][name=\"{question}\"][value=\"{value}\"]");
        match b.client.find(Locator::Css(&radio)).await {
            Ok(input) => input.click().await.unwrap(),
            Err(_) => {
                let text = b
                    .client
                    .find(Locator::Css(&format!("textarea[name=\"{question}\"]")))
                    .await
                    .unwrap();
                text.clear().await.unwrap();
                text.send_keys(value).await.unwrap();
            }
        }
    }
}

async fn submit(b: &Browser) {
    b.click("form#questions button[type=submit], main form button[type=submit]")
        .await;
}

async fn selected(b: &Browser, question: &str, value: &str) -> bool {
    let css = format!("input[name=\"{question}\"][value=\"{value}\"]");
    b.client
        .find(Locator::Css(&css))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap()
}

/// The questionnaire journey: a required answer left out, the error summary, its link to the
/// field, every other answer kept, corrected, thanked; then the used link refused.
async fn survey_journey(app: &TestApp, b: &Browser, key: &str, width: u32) {
    let (url, _) = app
        .issue_links(key, "NORTH", "service-user", 1)
        .await
        .remove(0);
    b.client.goto(&url).await.unwrap();
    b.axe("questionnaire").await;
    b.screenshot("survey-start").await;
    // The optional About you section closes the questionnaire, saying what it is for.
    assert!(b.has_text("These questions are optional").await);
    scroll_to(b, "about-you").await;
    b.screenshot("survey-about-you").await;
    let mut answers = full_answers(app, key, "service-user").await;
    answers.retain(|(q, _)| q != "fft");
    fill(b, &answers).await;
    submit(b).await;
    let summary = b
        .client
        .find(Locator::Css(".error-summary"))
        .await
        .expect("an error summary");
    assert!(
        summary
            .text()
            .await
            .unwrap()
            .contains("Select how your experience")
    );
    b.axe("questionnaire with an error").await;
    b.screenshot("survey-error").await;
    b.click(".error-summary a[href=\"#fft\"]").await;
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#fft"),
        "the summary links to the field"
    );
    for (q, v) in answers
        .iter()
        .filter(|(q, _)| !q.contains("reason") && q != "anything_else")
    {
        assert!(selected(b, q, v).await, "{q}={v} kept at width {width}");
    }
    let kept = b
        .client
        .find(Locator::Css("textarea[name=\"fft_reason\"]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("The team were kind and listened to me.")
    );
    fill(b, &[("fft".into(), "5".into())]).await;
    submit(b).await;
    assert!(b.has_text("Thank you").await, "thanked at width {width}");
    b.axe("thank-you page").await;
    b.screenshot("survey-thanks").await;
    b.client.goto(&url).await.unwrap();
    assert!(b.has_text("already been used").await);
    b.axe("used link").await;
}

/// Typing a short code from a card.
async fn code_journey(app: &TestApp, b: &Browser, key: &str) {
    let (_, code) = app.issue_links(key, "NORTH", "carer", 1).await.remove(0);
    b.client.goto(&app.url("/code")).await.unwrap();
    b.axe("code page").await;
    b.type_into("code", "WRONG-CODE1").await;
    b.click("main form button").await;
    assert!(b.has_text("We could not find that code").await);
    b.axe("code page with an error").await;
    b.screenshot("code-error").await;
    let input = b.client.find(Locator::Id("code")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&code.to_lowercase()).await.unwrap();
    b.click("main form button").await;
    assert!(
        b.has_text("Overall, how was your experience of our service?")
            .await,
        "the code leads to the questionnaire"
    );
    assert!(
        b.client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/s/")
    );
}

/// Signs out and waits for the sign-in page, so the next navigation does not race it.
async fn sign_out(b: &Browser) {
    b.click("form[action=\"/staff/sign-out\"] button").await;
    assert!(b.has_text("For crisis team staff.").await, "signed out");
}

async fn sign_in(app: &TestApp, b: &Browser, email: &str) {
    sign_in_with(app, b, email, PASSWORD).await;
}

async fn sign_in_with(app: &TestApp, b: &Browser, email: &str, password: &str) {
    b.client.goto(&app.url("/staff/sign-in")).await.unwrap();
    b.axe("sign-in page").await;
    b.type_into("email", email).await;
    b.type_into("password", password).await;
    b.click("main form button").await;
    assert!(b.has_text("Your teams").await, "signed in");
}

/// A clinician issues a discharge pair and gets the card page to print.
async fn pair_journey(app: &TestApp, b: &Browser) {
    sign_in(app, b, "clinician@example.org").await;
    b.axe("staff home").await;
    b.client
        .goto(&app.url("/staff/teams/NORTH/invitations/new"))
        .await
        .unwrap();
    b.axe("invitation form").await;
    // Without the confirmation that the person agreed, no carer is contacted: the form comes
    // back with the error, linked from the summary.
    b.click("#mode").await;
    b.click("main form button[type=submit]").await;
    assert!(
        b.has_text("Confirm that the person agreed").await,
        "the consent error"
    );
    b.click(".error-summary a[href=\"#carer_consent\"]").await;
    b.axe("invitation form without the carer's consent").await;
    b.screenshot("invite-consent-error").await;
    b.click("#carer_consent").await;
    b.click("main form button[type=submit]").await;
    assert!(
        b.has_text("Service user").await && b.has_text("Carer").await,
        "two cards"
    );
    assert_eq!(
        b.client
            .find_all(Locator::Css(".card__qr svg"))
            .await
            .unwrap()
            .len(),
        2,
        "a QR code on each card"
    );
    b.axe("printable cards").await;
    b.screenshot("cards").await;
    sign_out(b).await;
}

/// A manager logs a complaint, adds an action, completes and publishes it, and sees it on the
/// team's public page; then the dashboard shows its charts.
async fn manager_journey(app: &TestApp, b: &Browser, width: u32) {
    sign_in(app, b, "manager@example.org").await;
    b.client
        .goto(&app.url("/staff/teams/NORTH/concerns"))
        .await
        .unwrap();
    b.axe("concerns").await;
    let summary = format!("Calls not returned at weekends ({width})");
    b.type_into("summary", &summary).await;
    b.click("form[method=post][action$=\"/concerns\"] button[type=submit]")
        .await;
    assert!(b.has_text(&summary).await);
    b.axe("a concern").await;
    b.type_into("description", "Weekend call-back rota").await;
    b.type_into("owner", "Team manager").await;
    b.client
        .execute(
            "document.getElementById('due_on').value = '2030-01-31';",
            vec![],
        )
        .await
        .unwrap();
    b.click("form[action$=\"/actions\"] button").await;
    assert!(b.has_text("Weekend call-back rota").await);
    let status = b
        .client
        .find(Locator::Css("select[name=status]"))
        .await
        .unwrap();
    status.select_by_value("done").await.unwrap();
    b.client
        .find(Locator::Css("textarea[name=outcome]"))
        .await
        .unwrap()
        .send_keys("Rota in place")
        .await
        .unwrap();
    let wording = format!("We now return every weekend call ({width})");
    b.client
        .find(Locator::Css("textarea[name=public_wording]"))
        .await
        .unwrap()
        .send_keys(&wording)
        .await
        .unwrap();
    b.click("input[name=publishable]").await;
    b.click("form[action^=\"/staff/actions/\"] button").await;
    assert!(b.has_text("Shown on the").await, "published");
    b.axe("a concern with a done action").await;
    b.client
        .goto(&app.url("/teams/NORTH/you-said-we-did"))
        .await
        .unwrap();
    assert!(b.has_text(&wording).await);
    b.axe("you said, we did").await;
    b.screenshot("you-said-we-did").await;
    b.client
        .goto(&app.url("/staff/teams/NORTH/dashboard"))
        .await
        .unwrap();
    assert!(
        !b.client
            .find_all(Locator::Css("figure.chart svg"))
            .await
            .unwrap()
            .is_empty(),
        "charts"
    );
    b.axe("dashboard").await;
    b.screenshot("dashboard").await;
    b.client
        .goto(&app.url("/staff/teams/NORTH/evidence"))
        .await
        .unwrap();
    b.axe("evidence pack").await;
    sign_out(b).await;
}

/// Scrolls an element to the top of the window, for a screenshot of it.
async fn scroll_to(b: &Browser, id: &str) {
    b.client
        .execute(
            &format!("document.getElementById('{id}').scrollIntoView();"),
            vec![],
        )
        .await
        .unwrap();
}

/// The demo team's dashboard read at a glance: the table of criteria by source first, then
/// labelled charts, the trends and the equality breakdown; and the evidence pack.
async fn glance_journey(app: &TestApp, b: &Browser) {
    sign_in_with(
        app,
        b,
        crt_feedback::demo::DEMO_EMAIL,
        crt_feedback::demo::DEMO_PASSWORD,
    )
    .await;
    b.client
        .goto(&app.url("/staff/teams/DEMO-NORTH/dashboard"))
        .await
        .unwrap();
    let rows = b
        .client
        .find_all(Locator::Css("table.glance tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 19, "a row per criterion and indicator");
    // Criteria needing attention come first.
    let first = rows[0].text().await.unwrap();
    assert!(
        first.contains("below the threshold"),
        "the first row needs attention: {first}"
    );
    let table = b
        .client
        .find(Locator::Css("table.glance"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for words in [
        "agrees",
        "below threshold",
        "not enough answers",
        "not asked",
    ] {
        assert!(table.contains(words), "the table says {words}");
    }
    assert!(
        b.has_text("Urgent comments waiting to be acknowledged")
            .await
    );
    assert!(b.has_text("Overdue actions: 1").await);
    b.axe("dashboard at a glance").await;
    scroll_to(b, "glance-title").await;
    b.screenshot("dashboard-glance").await;
    // Every bar says its value and status; the axis and the threshold are labelled.
    let chart = b
        .client
        .find(Locator::Css("section[aria-labelledby=criterion-22d] svg"))
        .await
        .unwrap()
        .html(false)
        .await
        .unwrap();
    for text in [
        "agrees</text>",
        ">threshold 80%<",
        ">0%<",
        ">50%<",
        ">100%<",
    ] {
        assert!(chart.contains(text), "the 22d chart lacks {text}");
    }
    assert_eq!(
        b.client
            .find_all(Locator::Css("svg[aria-labelledby^=trend-]"))
            .await
            .unwrap()
            .len(),
        19,
        "a trend by month for each criterion"
    );
    scroll_to(b, "criterion-12f").await;
    b.screenshot("dashboard-charts").await;
    scroll_to(b, "equality").await;
    assert!(b.has_text("White British").await);
    b.screenshot("dashboard-equality").await;
    b.client
        .goto(&app.url("/staff/teams/DEMO-NORTH/dashboard?by=age_band#equality"))
        .await
        .unwrap();
    assert!(b.has_text("25 to 34").await, "by age");
    b.axe("dashboard by age").await;
    b.client
        .goto(&app.url("/staff/teams/DEMO-NORTH/evidence"))
        .await
        .unwrap();
    assert_eq!(
        b.client
            .find_all(Locator::Css("table.glance tbody tr"))
            .await
            .unwrap()
            .len(),
        19,
        "the pack has the same table"
    );
    assert!(!b.scrolls_sideways().await, "the pack fits the window");
    b.axe("evidence pack at a glance").await;
    b.screenshot("evidence-pack").await;
    sign_out(b).await;
}

/// The questionnaire answered in Welsh.
async fn welsh_journey(app: &TestApp, b: &Browser, key: &str) {
    let (url, _) = app.issue_links(key, "NORTH", "carer", 1).await.remove(0);
    b.client.goto(&url).await.unwrap();
    assert!(
        b.has_text("Overall, how was your experience").await,
        "{}",
        b.text().await
    );
    b.click(".lang-switch a").await;
    assert!(
        b.has_text("Yn gyffredinol").await,
        "the questionnaire in Welsh"
    );
    b.axe("questionnaire in Welsh").await;
    fill(b, &full_answers(app, key, "carer").await).await;
    submit(b).await;
    let thanks = crt_feedback::i18n::t(crt_feedback::i18n::Lang::Cy, "thanks_title");
    assert!(b.has_text(&thanks).await, "thanked in Welsh");
    b.axe("thank-you page in Welsh").await;
    b.screenshot("welsh-thanks").await;
}

/// A tablet at the team's base: its questionnaire (timed, the one exception to axe's
/// `meta-refresh` rule), sent, thanked without a timer, and a fresh questionnaire for the next
/// person from the button.
async fn tablet_journey(app: &TestApp, b: &Browser, key: &str, tablet: &str) {
    b.client.goto(&app.url(tablet)).await.unwrap();
    assert!(b.has_text("15 minutes").await, "the page says it is timed");
    b.axe_except("tablet questionnaire", &["meta-refresh"])
        .await;
    b.screenshot("tablet-start").await;
    let answers = full_answers(app, key, "service-user").await;
    fill(b, &answers).await;
    submit(b).await;
    assert!(b.has_text("Thank you").await, "thanked on the tablet");
    let timed = b
        .client
        .find_all(Locator::Css("meta[http-equiv=\"refresh\"]"))
        .await
        .unwrap();
    assert!(timed.is_empty(), "the thank-you page is not timed");
    b.axe("tablet thank-you page").await;
    b.screenshot("tablet-thanks").await;
    b.click("a.button[href^=\"/k/\"]").await;
    let fresh = b
        .client
        .find(Locator::Css("textarea[name=\"fft_reason\"]"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(fresh.as_deref(), Some(""), "the next person starts blank");
}

#[actix_web::test]
async fn journeys_work_and_pass_axe_at_phone_and_desktop_widths() {
    let Some(b) = harness::start().await else {
        return;
    };
    let app = spawn_app().await;
    let north = app.add_team("NORTH");
    let key = app.add_user("manager@example.org", Some(Role::Manager), &["NORTH"]);
    app.add_user("clinician@example.org", Some(Role::Clinician), &["NORTH"]);
    let tablet = format!(
        "/k/{}",
        crt_feedback::tablets::register(&mut app.conn(), &north, "Reception", "service-user")
            .unwrap()
    );
    let catalogue = crt_feedback::surveys::Catalogue::new(
        crt_feedback::surveys::load_definitions(None).unwrap(),
    );
    let themes = crt_feedback::text::themes::default_themes();
    assert!(crt_feedback::demo::load(&mut app.conn(), &catalogue, &themes).unwrap());
    for size in WIDTHS {
        b.size(size).await;
        survey_journey(&app, &b, &key, size.0).await;
        code_journey(&app, &b, &key).await;
        pair_journey(&app, &b).await;
        manager_journey(&app, &b, size.0).await;
        glance_journey(&app, &b).await;
        welsh_journey(&app, &b, &key).await;
        tablet_journey(&app, &b, &key, &tablet).await;
        for page in ["/", "/privacy", "/accessibility", "/privacy?lang=cy"] {
            b.client.goto(&app.url(page)).await.unwrap();
            b.axe(page).await;
        }
    }
    b.close().await;
}
