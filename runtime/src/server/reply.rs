//! Turning a generated response enum into an HTTP response, and the error type handlers
//! return for what the spec does not describe.

use super::event_writer;
use super::Problem;
use crate::stream::{ByteStream, EventData, EventStream, Framing, ItemStream, StreamError};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::StatusCode;
use serde::Serialize;

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A response with no body.
pub fn empty(status: u16) -> Response {
    status_code(status).into_response()
}

/// A JSON response with the given media type.
pub fn json<T: Serialize + ?Sized>(status: u16, content_type: &'static str, body: &T) -> Response {
    match crate::access::responding(|| serde_json::to_vec(body)) {
        Ok(bytes) => raw(status, content_type, bytes),
        Err(error) => unserializable(error),
    }
}

/// The 500 problem for a body the handler gave that has no form on the wire.
fn unserializable(error: impl std::fmt::Display) -> Response {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the response body could not be serialized: {error}"))
        .into_response()
}

/// An `application/x-www-form-urlencoded` response, each property laid out as `fields` (the
/// media type's `encoding`) says.
pub fn form<T: Serialize + ?Sized>(status: u16, body: &T, fields: &[crate::params::FormField]) -> Response {
    match crate::access::responding(|| crate::params::form::encode(body, fields)) {
        Ok(text) => raw(status, "application/x-www-form-urlencoded", text),
        Err(error) => unserializable(error),
    }
}

/// A response whose body is sent as is (text or bytes).
pub fn raw(status: u16, content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    let mut response = (status_code(status), body.into()).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// Adds a documented response header; `None` adds nothing. A value that cannot be a header
/// value turns the response into a 500 problem rather than being dropped silently.
pub fn header<T: Serialize + ?Sized>(response: Response, name: &'static str, value: &T) -> Response {
    header_in_style(response, name, value, false)
}

/// Adds a documented response header declared `explode: true`: an object's members as
/// `key=value` (`R=100,G=200`).
pub fn header_exploded<T: Serialize + ?Sized>(response: Response, name: &'static str, value: &T) -> Response {
    header_in_style(response, name, value, true)
}

fn header_in_style<T: Serialize + ?Sized>(
    mut response: Response,
    name: &'static str,
    value: &T,
    explode: bool,
) -> Response {
    let text = match crate::access::responding(|| crate::params::to_value(value)) {
        Ok(value) if value.is_null() => return response,
        Ok(value) => crate::params::simple_text(&value, explode),
        Err(error) => return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, error).into_response(),
    };
    match HeaderValue::from_str(&text) {
        Ok(value) => {
            response.headers_mut().append(HeaderName::from_static(name), value);
            response
        }
        Err(_) => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("response header {name:?} has a value that cannot be sent"),
        )
        .into_response(),
    }
}

/// What a handler returns instead of a documented response: an internal failure (a 500
/// problem whose detail does not leak the error) or a response built by hand, the escape
/// hatch for what the spec does not cover. Both are boxed so that `Result<_, HandlerError>`
/// stays small.
#[derive(Debug)]
pub enum HandlerError {
    Internal(Box<dyn std::error::Error + Send + Sync>),
    Response(Box<Response>),
}

impl HandlerError {
    /// Answers with a hand-built response.
    pub fn response(response: impl IntoResponse) -> Self {
        HandlerError::Response(Box::new(response.into_response()))
    }
}

/// `?` on any error in a handler gives an internal error.
impl<E: std::error::Error + Send + Sync + 'static> From<E> for HandlerError {
    fn from(error: E) -> Self {
        HandlerError::Internal(Box::new(error))
    }
}

impl IntoResponse for HandlerError {
    fn into_response(self) -> Response {
        match self {
            HandlerError::Internal(_) => {
                Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "the server failed to handle the request")
                    .into_response()
            }
            HandlerError::Response(response) => *response,
        }
    }
}

/// A `text/event-stream` response: each event written as it comes, a keep-alive comment
/// when none came for 15 seconds, and the `sentinel`'s event (`data: [DONE]`) once the
/// events end, where the spec names one. The stream is dropped, and with it the producer,
/// when the client disconnects. An event that cannot be written (an event name or id with
/// a line break, data that does not serialize) ends the stream, without the sentinel.
pub fn events<T: Serialize + Send + 'static>(
    status: u16,
    events: EventStream<T>,
    data: EventData,
    sentinel: Option<&'static str>,
) -> Response {
    let events = events.map(move |event| {
        let event = event?;
        let value = crate::access::responding(|| serde_json::to_value(&event.data))
            .map_err(|error| StreamError::Unwritable(error.to_string()))?;
        let text = match (data, value) {
            (EventData::Text, serde_json::Value::String(text)) => text,
            (_, value) => value.to_string(),
        };
        event_writer::write_event(&text, event.event.as_deref(), event.id.as_deref(), event.retry)
    });
    // An error ends the body (hyper aborts it), so the sentinel follows only a whole stream.
    let sentinel = sentinel.map(|sentinel| event_writer::write_event(sentinel, None, None, None));
    let events = event_writer::KeepAlive::new(events.chain(futures_util::stream::iter(sentinel)));
    let mut response = raw(status, "text/event-stream", axum::body::Body::from_stream(events));
    response.headers_mut().insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A JSON Lines (`\n` after each text) or JSON text sequence (RS before each) response,
/// each item written as it comes.
pub fn items<T: Serialize + Send + 'static>(
    status: u16,
    content_type: &'static str,
    items: ItemStream<T>,
    framing: Framing,
) -> Response {
    raw(status, content_type, axum::body::Body::from_stream(items.encode(framing, false)))
}

/// A binary response written chunk by chunk.
pub fn byte_stream(status: u16, content_type: &'static str, body: ByteStream) -> Response {
    raw(status, content_type, axum::body::Body::from_stream(body))
}
