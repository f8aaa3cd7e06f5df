//! Reading a request into the typed values a generated handler needs, with a problem
//! response for every way a request can be wrong.

use super::limits::{self, Limits};
use super::Problem;
use crate::enums::strict;
use crate::{media, params};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use http::header::{CONTENT_TYPE, COOKIE};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// Everything a generated handler reads from a request: path captures, query pairs,
/// headers and the whole body (bounded by the router's [`Limits`](super::Limits)).
#[derive(Debug)]
pub struct RequestParts {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for RequestParts {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = request.into_parts();
        let path = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map_err(|rejection| Problem::new(StatusCode::BAD_REQUEST, rejection.body_text()))?
            .iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let query = parts
            .uri
            .query()
            .map(|query| form_urlencoded::parse(query.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let headers = parts.headers.clone();
        let limits = parts.extensions.get::<Limits>().copied().unwrap_or_default();
        let body =
            Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|rejection| match rejection
                .status()
            {
                StatusCode::PAYLOAD_TOO_LARGE => limits::too_large(limits),
                status => Problem::new(status, rejection.body_text()),
            })?;
        Ok(RequestParts { path, query, headers, body })
    }
}

fn decode_or_problem<T: DeserializeOwned>(location: &str, name: &str, raw: &str) -> Result<T, Problem> {
    strict(|| params::decode(raw)).map_err(|error| Problem::invalid_parameter(location, name, &error))
}

fn decode_exploded_or_problem<T: DeserializeOwned>(location: &str, name: &str, raw: &str) -> Result<T, Problem> {
    strict(|| params::decode_exploded(raw)).map_err(|error| Problem::invalid_parameter(location, name, &error))
}

fn decode_list_or_problem<'a, T: DeserializeOwned>(
    location: &str,
    name: &str,
    items: impl IntoIterator<Item = &'a str>,
) -> Result<T, Problem> {
    strict(|| params::decode_list(items)).map_err(|error| Problem::invalid_parameter(location, name, &error))
}

impl RequestParts {
    fn capture(&self, capture: &str, name: &str) -> Result<&str, Problem> {
        self.path
            .iter()
            .find(|(key, _)| key == capture)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| Problem::missing_parameter("path", name))
    }

    /// A path parameter; the router guarantees it is present.
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> Result<T, Problem> {
        self.path_captured_as(name, name)
    }

    /// A path parameter the router captures under another name (routes that share a
    /// prefix must agree on capture names).
    pub fn path_captured_as<T: DeserializeOwned>(&self, capture: &str, name: &str) -> Result<T, Problem> {
        decode_or_problem("path", name, self.capture(capture, name)?)
    }

    /// A path parameter in `label` style (`.blue`, `.blue.black` exploded).
    pub fn path_label<T: DeserializeOwned>(&self, capture: &str, name: &str, explode: bool) -> Result<T, Problem> {
        let raw = self.capture(capture, name)?;
        strict(|| params::decode_label(raw, explode)).map_err(|error| Problem::invalid_parameter("path", name, &error))
    }

    /// A path parameter in `matrix` style (`;color=blue`, `;color=blue;color=black` exploded).
    pub fn path_matrix<T: DeserializeOwned>(&self, capture: &str, name: &str, explode: bool) -> Result<T, Problem> {
        let raw = self.capture(capture, name)?;
        strict(|| params::decode_matrix(raw, name, explode))
            .map_err(|error| Problem::invalid_parameter("path", name, &error))
    }

    /// An exploded object path parameter (`R=100,G=200`), captured under `capture`.
    pub fn path_exploded<T: DeserializeOwned>(&self, capture: &str, name: &str) -> Result<T, Problem> {
        decode_exploded_or_problem("path", name, self.capture(capture, name)?)
    }

    /// A path parameter inside a segment with more than one part (`{name}.{ext}`): the
    /// router captures the segment whole, and `template` splits it.
    pub fn path_in_segment<T: DeserializeOwned>(
        &self,
        capture: &str,
        template: &str,
        name: &str,
    ) -> Result<T, Problem> {
        let segment = self.capture(capture, name)?;
        let raw = params::split_segment(template, segment)
            .and_then(|values| values.into_iter().find(|(key, _)| key == name).map(|(_, value)| value))
            .ok_or_else(|| {
                Problem::invalid_parameter("path", name, &format!("{segment:?} does not match {template:?}"))
            })?;
        decode_or_problem("path", name, raw)
    }

    fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// A scalar query parameter; `None` when absent.
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.query_values(name).next().map(|raw| decode_or_problem("query", name, raw)).transpose()
    }

    /// An array query parameter: repeated (`explode`) or split on `separator`.
    pub fn query_list<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        separator: char,
    ) -> Result<Option<T>, Problem> {
        let values: Vec<&str> = self.query_values(name).collect();
        if values.is_empty() {
            return Ok(None);
        }
        let items: Vec<&str> = if explode { values } else { values[0].split(separator).collect() };
        decode_list_or_problem("query", name, items).map(Some)
    }

    /// An object query parameter: `name[key]=value` pairs (`deep`), every pair of the query
    /// (exploded `form`: the members stand as parameters of their own), or one
    /// `key,value,key,value` list.
    pub fn query_object<T: DeserializeOwned>(
        &self,
        name: &str,
        deep: bool,
        explode: bool,
    ) -> Result<Option<T>, Problem> {
        let members: Vec<(&str, &str)> = if deep {
            self.query
                .iter()
                .filter_map(|(key, value)| {
                    let member = key.strip_prefix(name)?.strip_prefix('[')?.strip_suffix(']')?;
                    Some((member, value.as_str()))
                })
                .collect()
        } else if explode {
            self.query.iter().map(|(key, value)| (key.as_str(), value.as_str())).collect()
        } else {
            let Some(list) = self.query_values(name).next() else { return Ok(None) };
            let items: Vec<&str> = list.split(',').collect();
            items.chunks(2).map(|pair| (pair[0], pair.get(1).copied().unwrap_or(""))).collect()
        };
        if members.is_empty() {
            return Ok(None);
        }
        strict(|| params::decode_object(members))
            .map(Some)
            .map_err(|error| Problem::invalid_parameter("query", name, &error))
    }

    fn header_text(&self, name: &str) -> Result<Option<&str>, Problem> {
        self.headers
            .get(name)
            .map(|value| value.to_str().map_err(|_| Problem::invalid_parameter("header", name, "not visible ASCII")))
            .transpose()
    }

    /// A scalar header parameter; `None` when absent.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.header_text(name)?.map(|raw| decode_or_problem("header", name, raw)).transpose()
    }

    /// An exploded object header parameter (`R=100,G=200`); `None` when absent.
    pub fn header_exploded<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.header_text(name)?.map(|raw| decode_exploded_or_problem("header", name, raw)).transpose()
    }

    /// An array header parameter (`simple` style: comma separated).
    pub fn header_list<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.header_text(name)?
            .map(|raw| decode_list_or_problem("header", name, raw.split(',').map(str::trim)))
            .transpose()
    }

    /// A cookie parameter; `None` when absent.
    pub fn cookie<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.raw_cookie(name).map(|raw| decode_or_problem("cookie", name, raw)).transpose()
    }

    /// A cookie's value as sent.
    pub(crate) fn raw_cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// A query parameter's first value as sent (percent-decoded).
    pub(crate) fn raw_query<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.query_values(name).next()
    }

    /// A header's value, when it is text.
    pub(crate) fn raw_header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The essence of the request's `Content-Type`, when it has one.
    pub fn media_type(&self) -> Option<String> {
        self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).map(media::essence)
    }

    /// Whether the request carries a body at all.
    pub fn has_body(&self) -> bool {
        !self.body.is_empty()
    }

    /// Which of the declared media types (wildcards allowed) the body is in, by index;
    /// `None` when there is no body. A body in any other type is a 415 problem.
    pub fn body_media(&self, declared: &[&str]) -> Result<Option<usize>, Problem> {
        if !self.has_body() {
            return Ok(None);
        }
        let actual = self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        let position = actual.and_then(|actual| declared.iter().position(|declared| media::matches(declared, actual)));
        match position {
            Some(index) => Ok(Some(index)),
            None => Err(Problem::unsupported_media_type(actual, declared)),
        }
    }

    /// Decodes a `multipart/form-data` body.
    pub fn multipart_body(&self) -> Result<crate::Multipart, Problem> {
        let content_type = self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
        crate::Multipart::decode(content_type, self.body.clone()).map_err(|error| {
            Problem::new(StatusCode::BAD_REQUEST, format!("the multipart request body is invalid: {error}"))
        })
    }

    /// Decodes a JSON body; a fault names the JSON pointer of the member at fault.
    pub fn json_body<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        strict(|| serde_path_to_error::deserialize(&mut deserializer)).map_err(|error| {
            let pointer = crate::json_pointer(error.path());
            Problem::new(StatusCode::BAD_REQUEST, format!("the request body is invalid: {}", error.inner()))
                .with_pointer(pointer)
        })
    }

    /// Decodes an `application/x-www-form-urlencoded` body into a struct or map, directed by
    /// the type: a string member holding `123` stays a string, repeated keys fill a list.
    pub fn form_body<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        strict(|| serde_path_to_error::deserialize(serde_html_form::Deserializer::from_bytes(&self.body))).map_err(
            |error| {
                let pointer = crate::json_pointer(error.path());
                Problem::new(StatusCode::BAD_REQUEST, format!("the request body is invalid: {}", error.inner()))
                    .with_pointer(pointer)
            },
        )
    }

    /// The body as UTF-8 text.
    pub fn text_body(&self) -> Result<String, Problem> {
        String::from_utf8(self.body.to_vec())
            .map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "the request body is not UTF-8 text"))
    }

    /// The body as bytes.
    pub fn bytes_body(&self) -> Bytes {
        self.body.clone()
    }
}
