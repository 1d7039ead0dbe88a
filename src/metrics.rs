//! Prometheus metrics: requests and latency by route, responses stored, outbox depth and send
//! failures. Route labels are patterns (`/s/{token}`), never the token itself.

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

/// How the group commit of submissions is doing (see `submissions::writer`).
#[derive(Clone)]
pub struct CommitMetrics {
    /// Submissions in each committed batch.
    pub batch_size: Histogram,
    /// Time from starting a batch to its commit being on disk.
    pub batch_seconds: Histogram,
}

/// The service's metrics, shared by handlers and the outbox worker.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub responses_stored: IntCounter,
    pub outbox_depth: IntGauge,
    pub send_failures: IntCounter,
    pub commits: CommitMetrics,
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
        let commits = CommitMetrics {
            batch_size: Histogram::with_opts(
                HistogramOpts::new(
                    "crt_submission_batch_size",
                    "Survey submissions committed together in one transaction",
                )
                .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]),
            )?,
            batch_seconds: Histogram::with_opts(
                HistogramOpts::new(
                    "crt_submission_batch_duration_seconds",
                    "Time to write and commit one batch of survey submissions",
                )
                .buckets(vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                ]),
            )?,
        };
        registry.register(Box::new(commits.batch_size.clone()))?;
        registry.register(Box::new(commits.batch_seconds.clone()))?;
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
            commits,
        })
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8(buffer).unwrap_or_default()
    }
}
