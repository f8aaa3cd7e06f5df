//! Routing for methods axum's `MethodRouter` has no slot for: OpenAPI 3.2's `query`
//! (HTTP QUERY, a safe method with a body) and the methods of `additionalOperations`
//! (`LINK`, `PURGE`, ...). They are answered from the path's method fallback, which also
//! gives every other method the router's 405 problem; each answer's `Allow` names every
//! method of the path.

use super::Problem;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use http::header::{HeaderValue, ALLOW};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Answer = Pin<Box<dyn Future<Output = Response> + Send>>;
type Arm<S> = Arc<dyn Fn(Request, S) -> Answer + Send + Sync>;

#[doc(hidden)]
/// The extension methods of one path, each with its handler, and the `Allow` list of the
/// path's methods (standard ones included) for the 405 answered to any other method.
pub struct ExtensionMethods<S> {
    allow: &'static str,
    arms: Vec<(&'static str, Arm<S>)>,
}

impl<S: Clone + Send + Sync + 'static> ExtensionMethods<S> {
    pub fn new(allow: &'static str) -> Self {
        ExtensionMethods { allow, arms: Vec::new() }
    }

    /// Answers requests of `method` (as the spec spells it: methods are case-sensitive).
    pub fn on<H, T>(mut self, method: &'static str, handler: H) -> Self
    where
        H: Handler<T, S>,
        T: 'static,
    {
        let arm: Arm<S> = Arc::new(move |request, state| Box::pin(handler.clone().call(request, state)));
        self.arms.push((method, arm));
        self
    }

    /// The path's method router: `standard` for the methods axum knows, these for the rest.
    pub fn attach(self, standard: MethodRouter<S>) -> MethodRouter<S> {
        let arms = Arc::new(self.arms);
        let allow = self.allow;
        standard.fallback(move |State(state): State<S>, request: Request| {
            let arms = Arc::clone(&arms);
            async move {
                let arm = arms.iter().find(|(method, _)| request.method().as_str() == *method);
                let mut response = match arm {
                    Some((_, arm)) => arm(request, state).await,
                    None => Problem::method_not_allowed().into_response(),
                };
                // axum writes its own `Allow` (the standard methods only) into an answer from a
                // fallback that has none; any response may carry one (RFC 9110, section 10.2.1).
                response.headers_mut().insert(ALLOW, HeaderValue::from_static(allow));
                response
            }
        })
    }
}
