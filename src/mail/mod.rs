//! Mail: composing invitation emails, the outbox, and the background worker that drains it.

pub mod compose;
pub mod outbox;
pub mod transport;
pub mod worker;

pub use transport::Mailer;
