//! Everything done to free text before and after it is stored: scrubbing identifiers, spotting
//! risk language, sentiment and themes. Pure functions over strings: no database, no HTTP, so
//! each is tested on its own and run before a submission joins the writer's queue.
//!
//! Sentiment and the default themes are read by a model trained on real NHS comments labelled
//! by NHS staff (`model.rs`, weights in `weights/`), rebuilt by `crt-feedback text train`
//! (`train.rs`) and measured on a kept-aside test split (`evaluate.rs`).

pub(crate) mod corpus;
pub mod evaluate;
pub mod features;
pub(crate) mod logistic;
pub mod metrics;
pub mod model;
pub mod normalise;
pub mod risk;
pub mod scrub;
pub mod sentiment;
mod sentiment_sample;
pub mod themes;
pub mod train;

pub use features::{CommentContext, QuestionAsked};
pub use risk::RiskTerms;
pub use sentiment::{Sentiment, classify, classify_in_context};
pub use themes::{Tagger, Theme, default_themes};
