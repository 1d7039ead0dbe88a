//! Any text as a free-text comment: scrubbing leaves nothing more to scrub, grows the text by
//! at most its markers, and reading the result for risk, sentiment and themes never panics.
#![no_main]

use crt_feedback::text::{sentiment, themes};
use crt_feedback::text::RiskTerms;
use crt_feedback::text::scrub::{REMOVED, scrub};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static TAGGER: LazyLock<themes::Tagger> =
    LazyLock::new(|| themes::Tagger::new(&themes::default_themes()));
static RISK: LazyLock<RiskTerms> = LazyLock::new(RiskTerms::default);

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let once = scrub(text);
    assert!(once.len() <= text.len() + REMOVED.len() * (text.len() / 5 + 1));
    assert_eq!(
        scrub(&once),
        once,
        "scrubbed text still held something to remove"
    );
    let _ = RISK.matches(&once);
    let _ = sentiment::classify(&once);
    let _ = TAGGER.tag(&once);
});
