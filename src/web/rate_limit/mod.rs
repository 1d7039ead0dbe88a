//! Rate limits on the routes where guessing pays: survey links, short codes and sign-in.
//!
//! Each route group counts separately, per client as `TRUSTED_PROXIES` resolves it (see
//! `client_address`). On SQLite one server runs and counts in memory, shared by its workers; on
//! PostgreSQL every server counts in one table (`shared.rs`), so the allowance holds however
//! many servers a load balancer spreads a client over.

mod shared;

use super::client_address::client_key;
use crate::config::TrustedProxies;
use crate::db::Pool;
use actix_extensible_rate_limit::RateLimiter;
use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{Backend, Decision, SimpleInput, SimpleOutput};
use actix_web::dev::ServiceRequest;
use std::future::{Ready, ready};
use std::time::Duration;

pub use shared::SharedCounters;

/// The route groups with their own allowance.
#[derive(Debug, Clone, Copy)]
pub enum Guarded {
    SurveyLinks,
    Codes,
    SignIn,
    /// A tablet's link, counted per tablet: many people use one tablet from one address.
    Tablets,
}

impl Guarded {
    fn prefix(self) -> &'static str {
        match self {
            Guarded::SurveyLinks => "links",
            Guarded::Codes => "codes",
            Guarded::SignIn => "sign_in",
            Guarded::Tablets => "tablets",
        }
    }
}

/// Where counts are kept: this process's memory, or the database every server shares.
#[derive(Clone)]
pub enum Counters {
    Memory(InMemoryBackend),
    Shared(SharedCounters),
}

impl Backend<SimpleInput> for Counters {
    type Output = SimpleOutput;
    type RollbackToken = String;
    type Error = actix_web::Error;

    async fn request(
        &self,
        input: SimpleInput,
    ) -> Result<(Decision, SimpleOutput, String), actix_web::Error> {
        match self {
            Counters::Memory(memory) => match memory.request(input).await {
                Ok(answer) => Ok(answer),
                Err(never) => match never {},
            },
            Counters::Shared(shared) => Ok(shared.request(input).await),
        }
    }

    async fn rollback(&self, token: String) -> Result<(), actix_web::Error> {
        match self {
            Counters::Memory(memory) => match memory.rollback(token).await {
                Ok(()) => Ok(()),
                Err(never) => match never {},
            },
            // Nothing is rolled back: the limiter is built without rollbacks.
            Counters::Shared(_) => Ok(()),
        }
    }
}

/// Shared counters for every route group, and how clients are told apart.
#[derive(Clone)]
pub struct Limiter {
    counters: Counters,
    per_minute: u64,
    trusted: TrustedProxies,
}

impl Limiter {
    /// A limiter allowing `per_minute` requests per client per minute on each route group,
    /// counted in memory (`shared` is `None`) or in the database all servers share.
    pub fn new(per_minute: u32, trusted: TrustedProxies, shared: Option<Pool>) -> Self {
        let counters = match shared {
            Some(pool) => Counters::Shared(SharedCounters::new(pool)),
            None => Counters::Memory(InMemoryBackend::builder().build()),
        };
        Limiter {
            counters,
            per_minute: u64::from(per_minute),
            trusted,
        }
    }

    /// The middleware for one route group.
    pub fn middleware(
        &self,
        guarded: Guarded,
    ) -> RateLimiter<
        Counters,
        SimpleOutput,
        impl Fn(&ServiceRequest) -> Ready<Result<SimpleInput, actix_web::Error>> + 'static,
    > {
        let trusted = self.trusted.clone();
        let per_minute = self.per_minute;
        let input = move |req: &ServiceRequest| {
            let client = match guarded {
                // Hashed: shared counters are a table, and a tablet's link is a secret.
                Guarded::Tablets => crate::tokens::hash(req.path()),
                _ => client_key(req.peer_addr(), req.headers(), &trusted),
            };
            ready(Ok(SimpleInput {
                interval: Duration::from_secs(60),
                max_requests: per_minute,
                key: format!("{}:{client}", guarded.prefix()),
            }))
        };
        RateLimiter::builder(self.counters.clone(), input)
            .add_headers()
            .build()
    }
}
