//! Spans and events of the `tracing` feature, their fields named as OpenTelemetry's HTTP
//! semantic conventions name them (`http.request.method`, `url.template`, `http.route`,
//! `http.response.status_code`, `server.address`, `error.type`), so an OpenTelemetry layer
//! exports them as HTTP spans. Without the feature every item here is empty and inlined away.
//!
//! No field carries what may be secret: no header value, query string, path as sent, body or
//! error message; only methods, route templates, statuses, the host, counts and the
//! operation's id.

use crate::Operation;

/// The span of one operation on the client or the server; nothing without the feature.
#[cfg(any(feature = "client", all(feature = "server", feature = "tracing")))]
#[derive(Clone)]
#[must_use]
pub(crate) struct Span {
    #[cfg(feature = "tracing")]
    span: tracing::Span,
}

#[cfg(any(feature = "client", all(feature = "server", feature = "tracing")))]
impl Span {
    /// A client span for `operation` sent to the server at `base_url`.
    #[cfg(feature = "client")]
    #[inline]
    pub fn client(operation: &Operation, base_url: &str) -> Span {
        #[cfg(feature = "tracing")]
        {
            let span = tracing::info_span!(
                "http.client",
                otel.name = %format_args!("{} {}", operation.method, operation.path),
                otel.kind = "client",
                http.request.method = operation.method,
                url.template = operation.path,
                server.address = tracing::field::Empty,
                server.port = tracing::field::Empty,
                operation.id = operation.id,
                http.request.resend_count = tracing::field::Empty,
                http.response.status_code = tracing::field::Empty,
                error.type = tracing::field::Empty,
            );
            if !span.is_disabled() {
                // The base URL's host and port only: its path and query are not for a trace.
                if let Ok(url) = reqwest::Url::parse(base_url) {
                    if let Some(host) = url.host_str() {
                        span.record("server.address", host);
                    }
                    if let Some(port) = url.port_or_known_default() {
                        span.record("server.port", port);
                    }
                }
            }
            Span { span }
        }
        #[cfg(not(feature = "tracing"))]
        {
            let _ = (operation, base_url);
            Span {}
        }
    }

    /// Runs `future` inside the span.
    #[inline]
    pub fn run<F: std::future::Future>(&self, future: F) -> impl std::future::Future<Output = F::Output> {
        #[cfg(feature = "tracing")]
        {
            tracing::Instrument::instrument(future, self.span.clone())
        }
        #[cfg(not(feature = "tracing"))]
        {
            future
        }
    }

    /// Records how a client's request ended: the response's status, or the kind of failure.
    #[cfg(feature = "client")]
    #[inline]
    pub fn client_outcome(&self, outcome: Result<http::StatusCode, &crate::client::Error>) {
        #[cfg(feature = "tracing")]
        match outcome {
            Ok(status) => self.status(status, true),
            Err(error) => {
                self.span.record("error.type", client_error_kind(error));
            }
        }
        #[cfg(not(feature = "tracing"))]
        let _ = outcome;
    }

    /// Records the response's status; a 5xx, and on the client a 4xx too (on the server a
    /// 4xx is the client's fault), is also the span's `error.type`, as the conventions say.
    #[cfg(feature = "tracing")]
    fn status(&self, status: http::StatusCode, client: bool) {
        self.span.record("http.response.status_code", status.as_u16());
        if status.is_server_error() || (client && status.is_client_error()) {
            self.span.record("error.type", status.as_str());
        }
    }
}

/// The conventions' `error.type` for a failure with no response: a short, fixed name.
#[cfg(all(feature = "tracing", feature = "client"))]
fn client_error_kind(error: &crate::client::Error) -> &'static str {
    use crate::client::Error;
    match error {
        Error::InvalidRequest(_) => "invalid_request",
        Error::Transport(error) if error.is_timeout() => "timeout",
        Error::Transport(error) if error.is_connect() => "connect",
        Error::Transport(_) => "transport",
        Error::Timeout(_) => "timeout",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::UnexpectedStatus(_) => "unexpected_status",
        Error::Decode { .. } => "decode",
        Error::Refresh { .. } => "token_refresh",
        Error::Violations { .. } => "violations",
    }
}

/// Notes on the current span that a request is sent again (`resend` times so far), after
/// `pause`, because of `cause`: a status (`503`) or a kind of failure (`timeout`).
#[cfg(feature = "client")]
#[inline]
pub(crate) fn retry(resend: u32, pause: std::time::Duration, cause: Result<http::StatusCode, &crate::client::Error>) {
    #[cfg(feature = "tracing")]
    {
        let cause = match cause {
            Ok(status) => status.as_str().to_owned(),
            Err(error) => client_error_kind(error).to_owned(),
        };
        tracing::Span::current().record("http.request.resend_count", resend);
        tracing::info!(http.request.resend_count = resend, pause_ms = pause.as_millis() as u64, cause, "retrying");
    }
    #[cfg(not(feature = "tracing"))]
    let _ = (resend, pause, cause);
}

/// Notes that the server refused a token (401) and the request is sent again with a
/// refreshed one.
#[cfg(feature = "client")]
#[inline]
pub(crate) fn resend_after_refresh() {
    #[cfg(feature = "tracing")]
    {
        tracing::Span::current().record("http.request.resend_count", 1);
        tracing::info!(http.response.status_code = 401, "the token was refused; resending with a refreshed one");
    }
}

/// Notes a token source's refresh: which attempt, whether it succeeded (`ok`), failed for
/// a passing reason (`failed`) or was refused (`rejected`), and whether the refresh token
/// rotated. Never a token.
#[cfg(feature = "client")]
#[inline]
pub(crate) fn token_refresh(attempt: u64, outcome: &'static str, rotated: bool) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        token.refresh.attempt = attempt,
        token.refresh.outcome = outcome,
        token.rotated = rotated,
        "token refresh"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (attempt, outcome, rotated);
}

/// Records on the current request's span which operation serves it (a generated handler's
/// first step).
#[cfg(feature = "server")]
#[inline]
pub fn serving(operation: &Operation) {
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("operation.id", operation.id);
    #[cfg(not(feature = "tracing"))]
    let _ = operation;
}

#[cfg(all(feature = "server", feature = "tracing"))]
pub(crate) mod server {
    //! The server's span: opened around every request by the router's outer layer, its route
    //! recorded once axum has matched one, its operation by the operation's handler.

    use super::Span;
    use axum::extract::{MatchedPath, Request};
    use axum::middleware::Next;
    use axum::response::Response;
    use tracing::field::Empty;

    /// The outer layer: one span per request, the response's status recorded on it.
    pub async fn serve(request: Request, next: Next) -> Response {
        let method = request.method().as_str();
        let span = tracing::info_span!(
            "http.server",
            // The method alone until a route is matched, as the conventions name a span with
            // no route.
            otel.name = method,
            otel.kind = "server",
            http.request.method = method,
            http.route = Empty,
            network.protocol.version = protocol(request.version()),
            server.address = Empty,
            operation.id = Empty,
            http.response.status_code = Empty,
            error.type = Empty,
        );
        if !span.is_disabled() {
            if let Some(host) = request.headers().get(http::header::HOST).and_then(|host| host.to_str().ok()) {
                span.record("server.address", host);
            }
        }
        let span = Span { span };
        let response = span.run(next.run(request)).await;
        span.status(response.status(), false);
        response
    }

    /// The route layer: the template axum matched, base path included (`/api/v2/pets/{id}`).
    pub async fn route(request: Request, next: Next) -> Response {
        if let Some(route) = request.extensions().get::<MatchedPath>() {
            let span = tracing::Span::current();
            span.record("http.route", route.as_str());
            span.record("otel.name", format_args!("{} {}", request.method(), route.as_str()));
        }
        next.run(request).await
    }

    fn protocol(version: http::Version) -> &'static str {
        match version {
            http::Version::HTTP_09 => "0.9",
            http::Version::HTTP_10 => "1.0",
            http::Version::HTTP_2 => "2",
            http::Version::HTTP_3 => "3",
            _ => "1.1",
        }
    }
}
