//! Mail: composing emails from templates, the outbox, and the background worker that sends what
//! it holds. Other modules put mail in through `outbox::enqueue` and say what a message holds
//! through `outbox::Letters`; mail knows nothing of what the messages are about.

pub mod compose;
pub mod notify;
pub mod outbox;
pub mod transport;
pub mod worker;

pub use compose::MailKind;
pub use transport::Mailer;
