//! Security headers on every response and request logs that never carry a token.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use std::time::Instant;

/// The path as it may be logged: link tokens and short codes replaced.
pub fn redacted_path(path: &str) -> String {
    let mut parts = path.split('/');
    let mut out = Vec::new();
    while let Some(part) = parts.next() {
        out.push(part.to_string());
        // Survey links, text-message short links and tablet links carry a secret.
        if matches!(part, "s" | "c" | "k") && out.len() == 2 && parts.next().is_some() {
            out.push("<redacted>".into());
        }
    }
    out.join("/")
}

/// Adds the security headers. Survey pages also get `no-store` (nothing cached on a shared
/// phone) and `no-referrer` (the token in the URL never leaves in a Referer header). On an
/// `https` `PUBLIC_URL`, browsers are told to use HTTPS only (`Strict-Transport-Security`).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let private = req.path().starts_with("/s/")
        || req.path().starts_with("/c/")
        || req.path().starts_with("/k/")
        || req.path().starts_with("/code")
        || req.path().starts_with("/staff");
    let https = req
        .app_data::<crate::web::State>()
        .is_some_and(|state| state.settings.secure_cookies());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let set = |headers: &mut actix_web::http::header::HeaderMap,
               name: header::HeaderName,
               value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if private {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if https {
        // A year, renewed with every response; not for subdomains, which the Trust may serve
        // otherwise.
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    Ok(res)
}

/// One log line per request: method, redacted path, status and time. No query strings (they
/// can hold filters with free text), no addresses, no user agents. Also counts the request in
/// the metrics, labelled by route pattern.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = redacted_path(req.path());
    let metrics = req
        .app_data::<crate::web::State>()
        .map(|s| s.metrics.clone());
    let res = next.call(req).await?;
    if let Some(metrics) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".to_string());
        let status = res.status().as_u16().to_string();
        metrics
            .requests
            .with_label_values(&[route.as_str(), method.as_str(), status.as_str()])
            .inc();
        metrics
            .latency
            .with_label_values(&[route.as_str()])
            .observe(started.elapsed().as_secs_f64());
    }
    tracing::info!(
        method = %method,
        path = %path,
        status = res.status().as_u16(),
        millis = started.elapsed().as_millis() as u64,
        "request"
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_tokens_are_redacted_from_logged_paths() {
        assert_eq!(redacted_path("/s/abcDEF123"), "/s/<redacted>");
        assert_eq!(redacted_path("/s/abc/extra"), "/s/<redacted>/extra");
        assert_eq!(redacted_path("/c/ABCDEFGHJK"), "/c/<redacted>");
        assert_eq!(redacted_path("/k/tablet-token"), "/k/<redacted>");
        assert_eq!(redacted_path("/staff/teams/NORTH"), "/staff/teams/NORTH");
        assert_eq!(redacted_path("/healthz"), "/healthz");
    }
}
