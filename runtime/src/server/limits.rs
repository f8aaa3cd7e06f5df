//! What a generated router allows one request: a body size and a time to answer. Both are on
//! by default, so a server faces the internet bounded in memory and in time.

use super::Problem;
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Router};
use http::header::CONTENT_LENGTH;
use http::StatusCode;
use http_body_util::Limited;
use std::time::Duration;

/// Request limits of a generated router. The defaults: a 2 MiB body and 30 seconds from the
/// request's head to the response. A larger body is refused with a 413 problem; a request
/// not answered in time with a 408 problem (the handler is dropped, as tower-http's
/// `TimeoutLayer` does). Other limits are set with [`with_limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    body_bytes: usize,
    timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { body_bytes: 2 << 20, timeout: Duration::from_secs(30) }
    }
}

impl Limits {
    /// The largest request body accepted, in bytes.
    pub fn body_bytes(mut self, body_bytes: usize) -> Self {
        self.body_bytes = body_bytes;
        self
    }

    /// How long a request may take, reading its body included, before a 408.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn max_body_bytes(&self) -> usize {
        self.body_bytes
    }

    pub fn max_duration(&self) -> Duration {
        self.timeout
    }
}

/// A generated router with other limits than the defaults:
/// `with_limits(router(api), Limits::default().body_bytes(16 << 20))`.
pub fn with_limits(router: Router, limits: Limits) -> Router {
    // An outer layer: it sets the limits before the router's own middleware reads them.
    router.layer(Extension(limits))
}

/// The middleware every generated router runs first (see `finish`).
pub(super) async fn enforce(mut request: Request, next: Next) -> Response {
    let limits = request.extensions().get::<Limits>().copied().unwrap_or_default();
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.body_bytes as u64) {
        return too_large(limits).into_response();
    }
    // A body without a length is cut off at the limit as it streams in; the body extractor
    // then answers 413. (One with a length gets no more than it declares: hyper sees to it.)
    if declared.is_none() {
        request = request.map(|body| Body::new(Limited::new(body, limits.body_bytes)));
    }
    match tokio::time::timeout(limits.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request was not answered within {} ms", limits.timeout.as_millis()),
        )
        .into_response(),
    }
}

pub(super) fn too_large(limits: Limits) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than the limit of {} bytes", limits.body_bytes),
    )
}
