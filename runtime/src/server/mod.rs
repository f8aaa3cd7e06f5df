//! The server side: plumbing shared by every generated axum router.

mod auth;
mod event_writer;
mod extract;
mod limits;
mod methods;
mod problem;
#[doc(hidden)]
pub mod reply;

#[doc(hidden)]
pub use auth::Secured;
pub use auth::{Authenticate, Guard, Presented, Rejection};
pub use axum;
#[doc(hidden)]
pub use extract::{RequestParts, StreamedParts};
pub use limits::{with_limits, Limits};
#[doc(hidden)]
pub use methods::ExtensionMethods;
pub use problem::{Problem, Refusal};
pub use reply::HandlerError;

use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::StatusCode;
use std::any::Any;
use tower_http::catch_panic::CatchPanicLayer;

#[doc(hidden)]
/// Completes a generated router: unknown paths get a 404 problem, known paths with another
/// method a 405 problem, a panic inside a handler a 500 problem while the server goes on,
/// and every request is held to its [`Limits`] (a 413 or 408 problem).
pub fn finish(router: Router) -> Router {
    // (axum panics at a route layer over no routes: a spec with no operation has none.)
    #[cfg(feature = "tracing")]
    let router = if router.has_routes() {
        router.route_layer(axum::middleware::from_fn(crate::trace::server::route))
    } else {
        router
    };
    let router = router
        .method_not_allowed_fallback(|| async { Problem::method_not_allowed() })
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "no operation is defined at this path") })
        .layer(CatchPanicLayer::custom(panic_response))
        // `Limits` bounds the body instead of axum's fixed default.
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(limits::enforce));
    // Outermost, so that the span covers the limits, a panic and the fallbacks too.
    #[cfg(feature = "tracing")]
    let router = router.layer(axum::middleware::from_fn(crate::trace::server::serve));
    router
}

fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the server failed to handle the request").into_response()
}
