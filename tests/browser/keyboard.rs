//! Keyboard-only use and reflow: every control reached in order with a visible focus, and no
//! sideways scrolling at 320 px (what 200% zoom gives on a 640 px window).

use super::harness;
use super::helpers::spawn_app;
use crt_feedback::staff::Role;
use fantoccini::Locator;
use fantoccini::key::Key;

#[actix_web::test]
async fn the_questionnaire_works_by_keyboard_alone_with_visible_focus() {
    let Some(b) = harness::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let (url, _) = app.issue_links(&key, "NORTH", "carer", 1).await.remove(0);
    b.size((1280, 900)).await;
    b.client.goto(&url).await.unwrap();
    // Tab through the page, noting each focused element and whether its focus is visible.
    let mut visited: Vec<String> = Vec::new();
    for _ in 0..60 {
        b.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Tab.to_string())
            .await
            .unwrap();
        let info = b
            .client
            .execute(
                "const e = document.activeElement; const s = getComputedStyle(e);
                 const visible = s.outlineStyle !== 'none' && s.outlineWidth !== '0px' || s.boxShadow !== 'none';
                 return [e.tagName + '#' + (e.id || e.name || e.textContent.trim().slice(0, 20)), visible];",
                vec![],
            )
            .await
            .unwrap();
        let (name, visible): (String, bool) = serde_json::from_value(info).unwrap();
        assert!(visible, "focus is not visible on {name}");
        if visited.last() == Some(&name) {
            break;
        }
        visited.push(name);
        if visited.last().is_some_and(|n| n.starts_with("BUTTON")) {
            break;
        }
    }
    assert!(
        visited.first().unwrap().starts_with("A#"),
        "the skip link comes first: {visited:?}"
    );
    assert!(
        visited.iter().any(|n| n == "INPUT#fft"),
        "the first question is reached: {visited:?}"
    );
    assert!(
        visited.iter().any(|n| n == "TEXTAREA#fft_reason"),
        "{visited:?}"
    );
    assert!(
        visited.last().unwrap().starts_with("BUTTON"),
        "the submit button is reached: {visited:?}"
    );
    // Answer with the keyboard only: space selects the focused radio; arrows move within a group.
    b.client.goto(&url).await.unwrap();
    let first = b.client.find(Locator::Id("fft")).await.unwrap();
    first.send_keys(" ").await.unwrap();
    assert!(first.is_selected().await.unwrap(), "space selects a radio");
    b.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&Key::Down.to_string())
        .await
        .unwrap();
    let second = b.client.find(Locator::Id("fft-2")).await.unwrap();
    assert!(
        second.is_selected().await.unwrap(),
        "arrow keys move within the question"
    );
    b.close().await;
}

#[actix_web::test]
async fn public_pages_reflow_at_320_pixels_without_sideways_scrolling() {
    let Some(b) = harness::start().await else {
        return;
    };
    let app = spawn_app().await;
    app.add_team("NORTH");
    let key = app.add_user("m@example.org", Some(Role::Manager), &["NORTH"]);
    let (url, _) = app
        .issue_links(&key, "NORTH", "service-user", 1)
        .await
        .remove(0);
    b.size((320, 640)).await;
    for page in [
        url.clone(),
        format!("{url}?lang=cy"),
        app.url("/"),
        app.url("/code"),
        app.url("/privacy"),
        app.url("/teams/NORTH/you-said-we-did"),
    ] {
        b.client.goto(&page).await.unwrap();
        let width = b
            .client
            .execute("return document.documentElement.clientWidth;", vec![])
            .await
            .unwrap();
        assert!(
            width.as_u64().unwrap() <= 320,
            "the viewport really is narrow: {width}"
        );
        assert!(
            !b.scrolls_sideways().await,
            "{page} scrolls sideways at 320 px"
        );
        b.screenshot(&format!(
            "reflow-{}",
            page.rsplit('/')
                .next()
                .unwrap_or("home")
                .chars()
                .take(12)
                .collect::<String>()
        ))
        .await;
    }
    b.close().await;
}
