//! What a generated client returns when a call does not end in a documented response.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use std::fmt;

/// A response as it came off the wire, kept whole so the caller can inspect what the server
/// actually said when it did not say what the spec documents.
#[derive(Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    /// The body as text, lossily decoded; for messages and logs.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values can hold credentials (a `Set-Cookie`, an echoed token): list names only.
        let header_names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &header_names)
            .field("body", &preview(&self.body))
            .finish()
    }
}

/// The first few hundred bytes of a body, enough to recognise it in an error message. A
/// JSON body has the values of members that look secret (tokens, keys, passwords) replaced:
/// error messages end up in logs.
fn preview(body: &[u8]) -> String {
    const LIMIT: usize = 512;
    let redacted = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|mut value| redact(&mut value).then(|| serde_json::to_vec(&value).unwrap_or_default()));
    let body = redacted.as_deref().unwrap_or(body);
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]).into_owned();
    if body.len() > LIMIT {
        format!("{text}… ({} bytes)", body.len())
    } else {
        text
    }
}

/// Replaces the values of secret-looking members, at any depth; whether any was.
fn redact(value: &mut serde_json::Value) -> bool {
    const SECRET_WORDS: &[&str] = &["token", "secret", "password", "passwd", "key", "authorization", "credential"];
    match value {
        serde_json::Value::Object(members) => {
            let mut any = false;
            for (name, member) in members.iter_mut() {
                let name = name.to_ascii_lowercase();
                if member.is_string() && SECRET_WORDS.iter().any(|word| name.contains(word)) {
                    *member = serde_json::Value::String("<redacted>".to_owned());
                    any = true;
                } else {
                    any |= redact(member);
                }
            }
            any
        }
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |any, item| redact(item) | any),
        _ => false,
    }
}

/// Why a call failed. Documented statuses (errors included) are not failures: they arrive as
/// variants of the operation's response enum.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built: a base URL that does not parse, a parameter that
    /// cannot be encoded, a header value with a line break.
    InvalidRequest(String),
    /// No response arrived: connection refused or reset, timeout, TLS failure.
    Transport(reqwest::Error),
    /// No response head arrived within the policy's time limit (a streamed response; a
    /// buffered one's time limit is reqwest's, a `Transport` error).
    Timeout(std::time::Duration),
    /// The response body was larger than the client's
    /// [`Policy::max_response_bytes`](super::Policy::max_response_bytes); it was not read.
    ResponseTooLarge { status: StatusCode, limit: usize },
    /// The server answered with a status the spec does not document for this operation.
    UnexpectedStatus(Box<RawResponse>),
    /// A documented status whose body does not decode into the documented type.
    Decode { response: Box<RawResponse>, message: String },
    /// A token source could not get a fresh token. `rejected` means the token API refused
    /// the refresh (the refresh token is spent, revoked or expired): the source fails fast
    /// until it is given new tokens. Otherwise the next call tries again.
    Refresh { rejected: bool, message: String, response: Option<Box<RawResponse>> },
    /// A request or a decoded response that breaks its schemas' constraints, with each
    /// violation; only where the [`Policy`](super::Policy) asks for the checks. `response`
    /// is the response checked (`None`: the request, which was not sent).
    Violations { violations: Vec<crate::validate::Violation>, response: Option<Box<RawResponse>> },
}

impl Error {
    /// The status of the response behind this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.response().map(|response| response.status),
        }
    }

    /// The response behind this error, when there was one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::UnexpectedStatus(response) | Error::Decode { response, .. } => Some(response),
            Error::Refresh { response, .. } | Error::Violations { response, .. } => response.as_deref(),
            Error::InvalidRequest(_) | Error::Transport(_) | Error::Timeout(_) | Error::ResponseTooLarge { .. } => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(message) => write!(f, "invalid request: {message}"),
            Error::Transport(error) => write!(f, "transport error: {error}"),
            Error::Timeout(limit) => write!(f, "no response within {limit:?}"),
            Error::ResponseTooLarge { status, limit } => {
                write!(f, "the response with status {status} has a body larger than the limit of {limit} bytes")
            }
            Error::UnexpectedStatus(response) => {
                write!(f, "undocumented response status {}: {}", response.status, preview(&response.body))
            }
            Error::Decode { response, message } => write!(
                f,
                "response with status {} does not match the spec: {message}: {}",
                response.status,
                preview(&response.body)
            ),
            Error::Refresh { rejected: true, message, .. } => write!(f, "the token refresh was refused: {message}"),
            Error::Refresh { rejected: false, message, .. } => write!(f, "the token refresh failed: {message}"),
            Error::Violations { violations, response } => {
                match response {
                    Some(response) => write!(f, "the response with status {} breaks its schema:", response.status)?,
                    None => write!(f, "the request breaks its schema, so it was not sent:")?,
                }
                for violation in violations {
                    let place = match (&violation.parameter, &violation.pointer) {
                        (Some(parameter), Some(pointer)) => format!("{parameter} {pointer}"),
                        (Some(parameter), None) => parameter.clone(),
                        (None, Some(pointer)) if !pointer.is_empty() => format!("at {pointer:?}"),
                        (None, _) => "the body".to_owned(),
                    };
                    write!(f, " {place}: {};", violation.detail)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(error) => Some(error),
            _ => None,
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        // The URL can carry an API key in its query.
        Error::Transport(error.without_url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_do_not_show_secrets() {
        let body = Bytes::from_static(
            br#"{"data": {"access_token": "eyJhbGciOi.secret.sig", "expires_in": 300}, "note": "ok"}"#,
        );
        let response = RawResponse { status: StatusCode::CREATED, headers: HeaderMap::new(), body };
        let error = Error::Decode { response: Box::new(response), message: "missing field `refresh_token`".into() };
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("eyJhbGciOi"), "{shown}");
        assert!(shown.contains(r#""access_token":"<redacted>""#) && shown.contains("expires_in"), "{shown}");
    }
}
