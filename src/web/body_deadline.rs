//! A deadline for request bodies (`BODY_TIMEOUT_SECONDS`): actix-web times out a request's
//! headers, but would wait for ever for a body sent one byte a second, holding its connection
//! and memory. A body not all there by the deadline ends the request with 408.

use crate::error::AppError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use futures_core::Stream;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The body as it arrives, until the deadline; then an error, and `expired` is set.
struct Deadline {
    inner: Payload,
    sleep: Pin<Box<Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.expired.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Pending => {
                if self.sleep.as_mut().poll(cx).is_ready() {
                    self.expired.set(true);
                    let late = std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body did not arrive in time",
                    );
                    Poll::Ready(Some(Err(PayloadError::Io(late))))
                } else {
                    Poll::Pending
                }
            }
            ready => ready,
        }
    }
}

/// Whether a request says it has a body.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .is_some_and(|length| length > 0)
}

/// Puts the deadline on the request's body; answers 408, and closes the connection, when it
/// passed before the body was all there.
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let seconds = req
        .app_data::<crate::web::State>()
        .map_or(10, |state| state.settings.body_timeout_seconds);
    if !has_body(&req) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let expired = Rc::new(Cell::new(false));
    let stream = Deadline {
        inner: req.take_payload(),
        sleep: Box::pin(sleep(Duration::from_secs(u64::from(seconds)))),
        expired: expired.clone(),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(stream),
    });
    let res = next.call(req).await?;
    if !expired.get() {
        return Ok(res.map_into_boxed_body());
    }
    let (req, _) = res.into_parts();
    let mut late: HttpResponse = if req.path().starts_with("/api/") {
        AppError::RequestTimeout.error_response()
    } else {
        HttpResponse::RequestTimeout()
            .content_type("text/plain; charset=utf-8")
            .body("The request took too long to arrive. Please try again.")
    };
    // The rest of the body may never come: do not wait for it on this connection.
    late.head_mut()
        .set_connection_type(actix_web::http::ConnectionType::Close);
    Ok(ServiceResponse::new(req, late))
}
