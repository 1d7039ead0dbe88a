//! Rate limits on the routes where guessing pays: survey links, short codes and sign-in.
//!
//! Built once per process and shared by every worker, so the allowance is per process and
//! address, not multiplied by the number of workers. Each route group counts separately.

use actix_extensible_rate_limit::RateLimiter;
use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use actix_extensible_rate_limit::backend::{SimpleInput, SimpleInputFunctionBuilder, SimpleOutput};
use actix_web::dev::ServiceRequest;
use std::future::Ready;
use std::time::Duration;

/// The route groups with their own allowance.
#[derive(Debug, Clone, Copy)]
pub enum Guarded {
    SurveyLinks,
    Codes,
    SignIn,
    /// A tablet's link, counted per tablet: many people use one tablet from one address.
    Tablets,
}

/// Shared in-memory counters, keyed by the peer address.
#[derive(Clone)]
pub struct Limiter {
    survey_links: InMemoryBackend,
    codes: InMemoryBackend,
    sign_in: InMemoryBackend,
    tablets: InMemoryBackend,
    per_minute: u64,
}

impl Limiter {
    /// A limiter allowing `per_minute` requests per address per minute on each route group.
    pub fn new(per_minute: u32) -> Self {
        Limiter {
            survey_links: InMemoryBackend::builder().build(),
            codes: InMemoryBackend::builder().build(),
            sign_in: InMemoryBackend::builder().build(),
            tablets: InMemoryBackend::builder().build(),
            per_minute: u64::from(per_minute),
        }
    }

    /// The middleware for one route group. The peer address is used rather than a forwarded
    /// header, which a client could set to anything.
    pub fn middleware(
        &self,
        guarded: Guarded,
    ) -> RateLimiter<
        InMemoryBackend,
        SimpleOutput,
        impl Fn(&ServiceRequest) -> Ready<Result<SimpleInput, actix_web::Error>> + 'static,
    > {
        let backend = match guarded {
            Guarded::SurveyLinks => &self.survey_links,
            Guarded::Codes => &self.codes,
            Guarded::SignIn => &self.sign_in,
            Guarded::Tablets => &self.tablets,
        };
        let builder = SimpleInputFunctionBuilder::new(Duration::from_secs(60), self.per_minute);
        let input = match guarded {
            Guarded::Tablets => builder.path_key(),
            _ => builder.peer_ip_key(),
        }
        .build();
        RateLimiter::builder(backend.clone(), input)
            .add_headers()
            .build()
    }
}
