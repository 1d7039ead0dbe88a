//! Rate limits on the routes where guessing pays: survey links, short codes and sign-in.

use actix_extensible_rate_limit::RateLimiter;
use actix_extensible_rate_limit::backend::SimpleInputFunctionBuilder;
use actix_extensible_rate_limit::backend::memory::InMemoryBackend;
use std::time::Duration;

/// A shared in-memory limiter, keyed by the peer address.
#[derive(Clone)]
pub struct Limiter {
    backend: InMemoryBackend,
    per_minute: u64,
}

impl Limiter {
    /// A limiter allowing `per_minute` requests per address per minute on each wrapped route.
    pub fn new(per_minute: u32) -> Self {
        Limiter {
            backend: InMemoryBackend::builder().build(),
            per_minute: u64::from(per_minute),
        }
    }

    /// The middleware to wrap a route with. The peer address is used rather than a forwarded
    /// header, which a client could set to anything.
    pub fn middleware(
        &self,
    ) -> RateLimiter<
        InMemoryBackend,
        actix_extensible_rate_limit::backend::SimpleOutput,
        impl Fn(
            &actix_web::dev::ServiceRequest,
        ) -> std::future::Ready<
            Result<actix_extensible_rate_limit::backend::SimpleInput, actix_web::Error>,
        > + 'static,
    > {
        let input = SimpleInputFunctionBuilder::new(Duration::from_secs(60), self.per_minute)
            .peer_ip_key()
            .build();
        RateLimiter::builder(self.backend.clone(), input)
            .add_headers()
            .build()
    }
}
