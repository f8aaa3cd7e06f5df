//! RFC 9457 problem details: the body of every response the server plumbing makes itself.

use crate::validate::Violation;
use axum::response::{IntoResponse, Response};
use http::header::{HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use serde::Serialize;

/// An `application/problem+json` body. `pointer` names the body member at fault (a JSON
/// pointer), `parameter` the request parameter at fault; `errors` lists every constraint a
/// request breaks, each with its own pointer or parameter (the first is also the problem's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Boxed: a `Problem` is the error of every request-reading function, kept small.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Box<Vec<Violation>>>,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: detail.into(),
            pointer: None,
            parameter: None,
            errors: None,
        }
    }

    /// A request that breaks constraints of its schemas: `Ok` where it breaks none.
    pub fn check(violations: Vec<Violation>) -> Result<(), Problem> {
        let Some(first) = violations.first() else { return Ok(()) };
        let place = match (&first.parameter, &first.pointer) {
            (Some(name), Some(pointer)) => format!("the parameter {name:?} at {pointer:?}"),
            (Some(name), None) => format!("the parameter {name:?}"),
            (None, Some(pointer)) if pointer.is_empty() => "the request body".to_owned(),
            (None, Some(pointer)) => format!("the request body at {pointer:?}"),
            (None, None) => "the request".to_owned(),
        };
        let more = match violations.len() {
            1 => String::new(),
            count => format!(" ({} more in `errors`)", count - 1),
        };
        let mut problem =
            Problem::new(StatusCode::BAD_REQUEST, format!("{place} breaks its schema: {}{more}", first.detail));
        problem.pointer = first.pointer.clone();
        problem.parameter = first.parameter.clone();
        problem.errors = Some(Box::new(violations));
        Err(problem)
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    pub fn with_parameter(mut self, parameter: impl Into<String>) -> Self {
        self.parameter = Some(parameter.into());
        self
    }

    /// A required parameter is absent. `location` is `path`, `query`, `header` or `cookie`.
    pub fn missing_parameter(location: &str, name: &str) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, format!("the required {location} parameter {name:?} is missing"))
            .with_parameter(name)
    }

    /// A parameter whose value does not parse as its declared type.
    pub fn invalid_parameter(location: &str, name: &str, error: &str) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, format!("the {location} parameter {name:?} is invalid: {error}"))
            .with_parameter(name)
    }

    /// The path has no operation for the request's method.
    pub fn method_not_allowed() -> Self {
        Problem::new(StatusCode::METHOD_NOT_ALLOWED, "this path does not support the request method")
    }

    pub fn missing_body() -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "the request body is required")
    }

    pub fn unsupported_media_type(actual: Option<&str>, supported: &[&str]) -> Self {
        let actual = actual.map_or_else(|| "no Content-Type".to_owned(), |actual| format!("Content-Type {actual:?}"));
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("{actual} is not supported; send one of: {}", supported.join(", ")),
        )
    }
}

/// A request the server answered itself, before any method ran: a missing or invalid
/// parameter or body, an unsupported media type, a missing or refused credential. Generated
/// `Api` traits pass it to `refuse`, whose default answers with the problem (and, for a
/// credential, its `WWW-Authenticate` challenge); an implementation may answer instead in the
/// shape its spec documents for such errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub problem: Problem,
    /// The `WWW-Authenticate` challenge of a 401 or 403.
    pub challenge: Option<String>,
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::BAD_REQUEST)
    }

    /// `response` with this refusal's challenge, if it has one.
    pub fn with_challenge(&self, response: Response) -> Response {
        add_challenge(response, self.challenge.as_deref())
    }
}

fn add_challenge(mut response: Response, challenge: Option<&str>) -> Response {
    if let Some(value) = challenge.and_then(|challenge| HeaderValue::from_str(challenge).ok()) {
        response.headers_mut().insert(http::header::WWW_AUTHENTICATE, value);
    }
    response
}

impl From<Problem> for Refusal {
    fn from(problem: Problem) -> Self {
        Refusal { problem, challenge: None }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        add_challenge(self.problem.into_response(), self.challenge.as_deref())
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        response
    }
}
