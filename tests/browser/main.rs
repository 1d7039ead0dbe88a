//! The pages in a real browser: headless Chromium driven over WebDriver, with axe-core checking
//! every page reached (WCAG 2.2 AA), journeys at phone and desktop widths, keyboard-only use,
//! reflow at 320 px, Welsh, and screenshots saved under `target/screenshots/`.
//!
//! Without Chromium and ChromeDriver these tests say so loudly and pass as skipped; in CI
//! (`CI` set) a missing browser fails them. `.ci/run` installs both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod harness;
mod journeys;
mod keyboard;
