//! Everything done to free text before and after it is stored: scrubbing identifiers, spotting
//! risk language, sentiment and themes. Pure functions over strings: no database, no HTTP, so
//! each is tested on its own and run before a submission joins the writer's queue.

pub mod normalise;
pub mod risk;
pub mod scrub;
pub mod sentiment;
#[cfg(test)]
mod sentiment_sample;
pub mod themes;

pub use risk::RiskTerms;
pub use sentiment::{Sentiment, classify};
pub use themes::{Tagger, Theme, default_themes};
