//! Starting ChromeDriver and Chromium, running axe-core, saving screenshots.

use fantoccini::{Client, ClientBuilder, Locator};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Phone (375 × 667) and desktop widths.
pub const WIDTHS: [(u32, u32); 2] = [(375, 667), (1280, 900)];

/// A running browser; `close` ends it and its driver's whole process group.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn find(names: &[&str]) -> Option<PathBuf> {
    names.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Kills the driver's whole process group, also when a test panics, so no Chromium lingers.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-9")
            .arg("--")
            .arg(format!("-{}", self.driver.id()))
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Starts a browser, or explains loudly why not. In CI a missing browser is a failure.
pub async fn start() -> Option<Browser> {
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"]);
    let driver = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        let message = "BROWSER TESTS SKIPPED: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)";
        assert!(
            std::env::var_os("CI").is_none(),
            "{message}: CI must run them"
        );
        eprintln!("\n*** {message} ***\n");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Its own process group, so every Chromium child goes when the test ends.
    let driver = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("chromedriver starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a WebDriver session");
    // Finding an element waits for it a little, as a person would for a page to load.
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            None,
            None,
            Some(Duration::from_secs(5)),
        ))
        .await
        .unwrap();
    Some(Browser {
        client,
        driver,
        _profile: profile,
    })
}

impl Browser {
    /// Ends the session; dropping then stops the driver and its browsers.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    /// Clicks the first element matching a CSS selector.
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Types into the element with this id.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Sets the window (and so, headless, the viewport) size.
    pub async fn size(&self, (w, h): (u32, u32)) {
        self.client.set_window_size(w, h).await.unwrap();
    }

    /// Text of the whole page (retried while a navigation replaces the page).
    pub async fn text(&self) -> String {
        for _ in 0..50 {
            if let Ok(body) = self.client.find(Locator::Css("body")).await {
                if let Ok(text) = body.text().await {
                    return text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never settled");
    }

    /// Waits up to five seconds for the page to show `needle`.
    pub async fn has_text(&self, needle: &str) -> bool {
        for _ in 0..50 {
            if self.text().await.contains(needle) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Saves a screenshot as `target/screenshots/NAME-WIDTH.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.unwrap();
        let (w, _) = self.client.get_window_size().await.unwrap_or((0, 0));
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}-{w}.png")), png).unwrap();
    }

    /// Runs axe-core on the page and fails on any WCAG 2.x A/AA violation.
    pub async fn axe(&self, page: &str) {
        self.axe_except(page, &[]).await;
    }

    /// Runs axe as [`Browser::axe`] does, less the named rules: only for an exception the README
    /// states and argues (the tablet's timed return to the start).
    pub async fn axe_except(&self, page: &str, rules_off: &[&str]) {
        let rules: serde_json::Map<String, serde_json::Value> = rules_off
            .iter()
            .map(|r| ((*r).to_string(), serde_json::json!({ "enabled": false })))
            .collect();
        self.client.execute(&axe_source(), vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, rules: arguments[0] })
                   .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(' | '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![serde_json::Value::Object(rules)],
            )
            .await
            .unwrap();
        let violations: Vec<String> = serde_json::from_value(result).unwrap();
        assert!(
            violations.is_empty(),
            "{page}: accessibility violations:\n{}",
            violations.join("\n")
        );
    }

    /// Whether the page needs sideways scrolling.
    pub async fn scrolls_sideways(&self) -> bool {
        let v = self
            .client
            .execute("return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;", vec![])
            .await
            .unwrap();
        v.as_bool().unwrap()
    }
}

/// axe-core from the pinned npm package, installed on first use.
fn axe_source() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let file = dir.join("node_modules/axe-core/axe.min.js");
    if !file.exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is installed");
        assert!(status.success(), "npm ci for axe-core failed");
    }
    std::fs::read_to_string(file).unwrap()
}
