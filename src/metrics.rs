//! Prometheus metrics: requests and latency by route, responses stored, outbox depth and send
//! failures. Route labels are patterns (`/s/{token}`), never the token itself.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// The service's metrics, shared by handlers and the outbox worker.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub responses_stored: IntCounter,
    pub outbox_depth: IntGauge,
    pub send_failures: IntCounter,
}

impl Metrics {
    /// Registers every metric in a fresh registry.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "crt_http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "crt_http_request_duration_seconds",
                "HTTP request latency by route pattern",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route"],
        )?;
        let responses_stored = IntCounter::new(
            "crt_responses_stored_total",
            "Questionnaire responses stored",
        )?;
        let outbox_depth = IntGauge::new("crt_outbox_depth", "Messages waiting in the outbox")?;
        let send_failures = IntCounter::new(
            "crt_mail_send_failures_total",
            "Failed attempts to send mail",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(responses_stored.clone()))?;
        registry.register(Box::new(outbox_depth.clone()))?;
        registry.register(Box::new(send_failures.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            responses_stored,
            outbox_depth,
            send_failures,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}
