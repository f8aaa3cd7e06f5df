//! Reading a request into the typed values a generated handler needs, with a problem
//! response for every way a request can be wrong.

use super::limits::{self, Limits};
use super::Problem;
use crate::enums::strict;
use crate::{media, params};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, RawPathParams, Request};
use http::header::{CONTENT_TYPE, COOKIE};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// Everything a generated handler reads from a request: path captures, query pairs,
/// headers and the whole body (bounded by the router's [`Limits`](super::Limits)).
#[derive(Debug)]
pub struct RequestParts {
    path: Vec<(String, String)>,
    /// The query's pairs, decoded.
    query: Vec<(String, String)>,
    /// The query's pairs with their values as sent, for values split on a delimiter before
    /// they are decoded.
    raw_query: Vec<(String, String)>,
    /// The query string as sent, for an `in: querystring` parameter (OpenAPI 3.2).
    query_text: String,
    headers: HeaderMap,
    body: Bytes,
    /// The body unread, for an operation that takes it as a stream ([`StreamedParts`]), and
    /// the router's limit on it.
    unread: std::sync::Mutex<Option<(axum::body::Body, usize)>>,
    /// The JSON pointers of the members the decoded body had beyond its types' (dropped as
    /// it was decoded), for the checks of schemas that forbid them.
    undeclared: std::sync::Mutex<Vec<String>>,
}

/// The request's parts with its body left unread, for an operation whose body is a binary
/// stream: the method reads it as it arrives (still bounded by the router's limits).
#[derive(Debug)]
pub struct StreamedParts(pub RequestParts);

impl<S: Send + Sync> FromRequest<S> for StreamedParts {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = request.into_parts();
        let mut head = RequestParts::head(&mut parts, state).await?;
        let limit = parts.extensions.get::<Limits>().copied().unwrap_or_default().max_body_bytes();
        head.unread = std::sync::Mutex::new(Some((body, limit)));
        Ok(StreamedParts(head))
    }
}

impl<S: Send + Sync> FromRequest<S> for RequestParts {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = request.into_parts();
        let mut head = RequestParts::head(&mut parts, state).await?;
        let limits = parts.extensions.get::<Limits>().copied().unwrap_or_default();
        head.body =
            Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|rejection| match rejection
                .status()
            {
                StatusCode::PAYLOAD_TOO_LARGE => limits::too_large(limits),
                status => Problem::new(status, rejection.body_text()),
            })?;
        Ok(head)
    }
}

impl RequestParts {
    /// Everything but the body.
    async fn head<S: Send + Sync>(parts: &mut http::request::Parts, state: &S) -> Result<Self, Problem> {
        let decoded = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|rejection| Problem::new(StatusCode::BAD_REQUEST, rejection.body_text()))?;
        let parts = &*parts;
        let template = parts.extensions.get::<MatchedPath>().map(|matched| matched.as_str().to_owned());
        let path = decoded
            .iter()
            .map(|(name, value)| {
                let raw = template.as_deref().and_then(|template| raw_capture(template, parts.uri.path(), name));
                // The capture as sent, so that its delimiters are told from escaped data; the
                // decoded value encoded again should the route and the path not line up.
                let raw = raw
                    .filter(|raw| params::percent_decoded(raw) == value)
                    .map_or_else(|| params::encode_path_segment(value), str::to_owned);
                (name.to_owned(), raw)
            })
            .collect();
        // One pass over the query: each value kept as sent and decoded.
        let query_text = parts.uri.query().unwrap_or_default();
        let (query, raw_query) = params::query::raw_pairs(query_text)
            .into_iter()
            .map(|(name, raw)| ((name.clone(), params::query::decode_text(raw)), (name, raw.to_owned())))
            .unzip();
        let headers = parts.headers.clone();
        Ok(RequestParts {
            path,
            query,
            raw_query,
            query_text: query_text.to_owned(),
            headers,
            body: Bytes::new(),
            unread: Default::default(),
            undeclared: Default::default(),
        })
    }
}

/// The segment of `path` (as sent) that the route `template` captures as `{name}`. Both are
/// lined up from their ends, as a router nested under a prefix sees the path without it.
fn raw_capture<'a>(template: &str, path: &'a str, name: &str) -> Option<&'a str> {
    let wanted = format!("{{{name}}}");
    template.rsplit('/').zip(path.rsplit('/')).find(|(piece, _)| *piece == wanted).map(|(_, segment)| segment)
}

fn decode_or_problem<T: DeserializeOwned>(location: &str, name: &str, raw: &str, explode: bool) -> Result<T, Problem> {
    strict(|| params::decode(raw, explode)).map_err(|error| Problem::invalid_parameter(location, name, &error))
}

fn decode_path_or_problem<T: DeserializeOwned>(name: &str, raw: &str, explode: bool) -> Result<T, Problem> {
    strict(|| params::decode_path(raw, explode)).map_err(|error| Problem::invalid_parameter("path", name, &error))
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
        decode_path_or_problem(name, self.capture(capture, name)?, false)
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
        decode_path_or_problem(name, self.capture(capture, name)?, true)
    }

    /// A path parameter inside a segment with more than one part (`{name}.{ext}`): the
    /// router captures the segment whole, and the template's `pieces` split it.
    pub fn path_in_segment<T: DeserializeOwned>(
        &self,
        capture: &str,
        pieces: &[params::Piece],
        name: &str,
    ) -> Result<T, Problem> {
        let segment = self.capture(capture, name)?;
        let raw = params::split_segment(pieces, segment)
            .and_then(|values| values.into_iter().find(|(key, _)| key == name).map(|(_, value)| value))
            .ok_or_else(|| {
                let template = params::template_text(pieces);
                Problem::invalid_parameter("path", name, &format!("{segment:?} does not match {template:?}"))
            })?;
        decode_path_or_problem(name, raw, false)
    }

    fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// A scalar query parameter; `None` when absent.
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.query_values(name).next().map(|raw| decode_or_problem("query", name, raw, false)).transpose()
    }

    /// The first value of `name` as sent, split on `separator` and decoded.
    fn query_split(&self, name: &str, separator: char) -> Option<Vec<String>> {
        let raw = self.raw_query.iter().find(|(key, _)| key == name)?;
        Some(params::query::split(&raw.1, separator))
    }

    /// An array query parameter: repeated (`explode`) or split on `separator`.
    pub fn query_list<T: DeserializeOwned>(
        &self,
        name: &str,
        explode: bool,
        separator: char,
    ) -> Result<Option<T>, Problem> {
        if explode {
            let values: Vec<&str> = self.query_values(name).collect();
            if values.is_empty() {
                return Ok(None);
            }
            return decode_list_or_problem("query", name, values).map(Some);
        }
        let Some(items) = self.query_split(name, separator) else { return Ok(None) };
        decode_list_or_problem("query", name, items.iter().map(String::as_str)).map(Some)
    }

    /// An object query parameter: `name[key]=value` pairs (`deep`), every pair of the query
    /// (exploded `form`: the members stand as parameters of their own), or one
    /// `key,value,key,value` list (its delimiter `separator`).
    pub fn query_object<T: DeserializeOwned>(
        &self,
        name: &str,
        deep: bool,
        explode: bool,
        separator: char,
    ) -> Result<Option<T>, Problem> {
        let split;
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
            let Some(items) = self.query_split(name, separator) else { return Ok(None) };
            split = items;
            params::text::alternating(&split.iter().map(String::as_str).collect::<Vec<_>>())
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

    /// A header parameter (`simple` style), read as its type asks; `None` when absent.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.header_in_style(name, false)
    }

    /// An exploded object header parameter (`R=100,G=200`); `None` when absent.
    pub fn header_exploded<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        self.header_in_style(name, true)
    }

    fn header_in_style<T: DeserializeOwned>(&self, name: &str, explode: bool) -> Result<Option<T>, Problem> {
        let Some(raw) = self.header_text(name)? else { return Ok(None) };
        strict(|| params::decode_header(raw, explode))
            .map(Some)
            .map_err(|error| Problem::invalid_parameter("header", name, &error))
    }

    /// A scalar cookie parameter (`form` style: percent-decoded); `None` when absent.
    pub fn cookie<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        let Some(raw) = self.raw_cookie(name) else { return Ok(None) };
        strict(|| T::deserialize(params::text::Leaf::percent_decoded(raw)).map_err(|error| error.to_string()))
            .map(Some)
            .map_err(|error| Problem::invalid_parameter("cookie", name, &error))
    }

    /// The pieces of a cookie's value, split on commas before they are percent-decoded.
    fn cookie_items(&self, name: &str) -> Option<Vec<String>> {
        let raw = self.raw_cookie(name)?;
        Some(
            raw.split(',').filter(|_| !raw.is_empty()).map(|item| params::percent_decoded(item).into_owned()).collect(),
        )
    }

    /// An array cookie parameter (`form` style: `a,b`, each item percent-encoded).
    pub fn cookie_list<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        let Some(items) = self.cookie_items(name) else { return Ok(None) };
        decode_list_or_problem("cookie", name, items.iter().map(String::as_str)).map(Some)
    }

    /// An object cookie parameter (`form` style: `key,value,key,value`).
    pub fn cookie_object<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        let Some(items) = self.cookie_items(name) else { return Ok(None) };
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        strict(|| params::decode_object(params::text::alternating(&items)))
            .map(Some)
            .map_err(|error| Problem::invalid_parameter("cookie", name, &error))
    }

    /// A cookie parameter in OpenAPI 3.2's `cookie` style, read as is (no percent-decoding):
    /// a scalar, or a non-exploded `a,b` list or `k,v,k,v` object.
    pub fn cookie_unencoded<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        let Some(raw) = self.raw_cookie(name) else { return Ok(None) };
        decode_or_problem("cookie", name, raw, false).map(Some)
    }

    /// An exploded array (`color=a; color=b`) or, when `object`, object (`R=100; G=200`: every
    /// cookie of the request a member) cookie parameter in OpenAPI 3.2's `cookie` style.
    pub fn cookie_unencoded_exploded<T: DeserializeOwned>(
        &self,
        name: &str,
        object: bool,
    ) -> Result<Option<T>, Problem> {
        let pairs: Vec<(&str, &str)> = self.cookie_pairs().filter(|(key, _)| object || *key == name).collect();
        if pairs.is_empty() {
            return Ok(None);
        }
        // RFC 6265 cookie values hold no commas, so the pieces join into one `simple` value.
        let joined: Vec<String> = pairs
            .iter()
            .map(|(key, value)| if object { format!("{key}={value}") } else { (*value).to_owned() })
            .collect();
        decode_or_problem("cookie", name, &joined.join(","), object).map(Some)
    }

    fn cookie_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
    }

    /// A cookie's value as sent.
    pub(crate) fn raw_cookie(&self, name: &str) -> Option<&str> {
        self.cookie_pairs().find(|(key, _)| *key == name).map(|(_, value)| value)
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

    /// Whether the request carries a body at all. An unread one (a binary stream) is there
    /// when its media type is named, zero bytes long or not, or when bytes are to come (as
    /// HTTP/1 and HTTP/2 tell).
    pub fn has_body(&self) -> bool {
        match &*self.unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) {
            Some((body, _)) => self.headers.contains_key(CONTENT_TYPE) || !axum::body::HttpBody::is_end_stream(body),
            None => !self.body.is_empty(),
        }
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
        strict(|| crate::decode_json(&self.body)).map_err(body_problem)
    }

    /// Decodes a JSON body as [`json_body`](Self::json_body) does, and notes the members its
    /// types do not declare (decoding drops them) for [`check`](Self::check): for bodies
    /// whose schemas forbid such members somewhere.
    pub fn json_body_noting_undeclared<T: DeserializeOwned>(&self) -> Result<T, Problem> {
        let (value, undeclared) = strict(|| crate::decode_noting_undeclared(&self.body)).map_err(body_problem)?;
        *self.undeclared.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = undeclared;
        Ok(value)
    }

    /// The checks of this request's values: members of its JSON body beyond those its types
    /// declare are violations where a schema forbids them.
    pub fn check(&self) -> crate::validate::Check {
        let undeclared = self.undeclared.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        crate::validate::Check::with_undeclared(undeclared)
    }

    /// The whole query string as the value of the `in: querystring` parameter `name`, read as
    /// a form ([`form_body`](Self::form_body)'s rules). An empty query string is the value
    /// `{}` unless `empty_is_absent` (an optional parameter), when it is no value.
    pub fn query_string_form<T: DeserializeOwned>(
        &self,
        name: &str,
        fields: &[params::FormField],
        empty_is_absent: bool,
    ) -> Result<Option<T>, Problem> {
        if empty_is_absent && self.query_text.is_empty() {
            return Ok(None);
        }
        strict(|| params::form::decode(&self.query_text, fields))
            .map(Some)
            .map_err(|(pointer, message)| query_string_problem(name, &message).with_pointer(pointer))
    }

    /// The whole query string as the value of the `in: querystring` parameter `name`, read as
    /// percent-encoded JSON text; an empty one is no value.
    pub fn query_string_json<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Problem> {
        if self.query_text.is_empty() {
            return Ok(None);
        }
        let text = percent_encoding::percent_decode_str(&self.query_text)
            .decode_utf8()
            .map_err(|_| query_string_problem(name, "it is not UTF-8 once percent-decoded"))?;
        strict(|| crate::decode_json(text.as_bytes()))
            .map(Some)
            .map_err(|fault| query_string_problem(name, &fault.message).with_pointer(fault.pointer))
    }

    /// The whole query string as sent (percent-encoded), for an `in: querystring` parameter
    /// of a media type read as text. An empty one is no value if `empty_is_absent`.
    pub fn query_string_raw(&self, empty_is_absent: bool) -> Option<String> {
        (!empty_is_absent || !self.query_text.is_empty()).then(|| self.query_text.clone())
    }

    /// Decodes an `application/x-www-form-urlencoded` body into a struct or map, each property
    /// read as `fields` (the media type's `encoding`) says and directed by the type: a string
    /// member holding `123` stays a string, repeated keys fill a list, bracketed names
    /// (`items[0][price]`) nest. Faults name the property by its JSON pointer.
    pub fn form_body<T: DeserializeOwned>(&self, fields: &[params::FormField]) -> Result<T, Problem> {
        let text = std::str::from_utf8(&self.body)
            .map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "the request body is not UTF-8 text"))?;
        strict(|| params::form::decode(text, fields)).map_err(|(pointer, message)| {
            Problem::new(StatusCode::BAD_REQUEST, format!("the request body is invalid: {message}"))
                .with_pointer(pointer)
        })
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

    /// The body as a stream of JSON Lines or JSON text sequence items, decoded as they
    /// arrive ([`byte_stream_body`](Self::byte_stream_body)); an item is bounded by the
    /// router's limit on the body, and one that does not decode is a
    /// [`StreamError::Decode`](crate::stream::StreamError) the stream goes on after.
    pub fn items_body<T: DeserializeOwned + Send + 'static>(
        &self,
        framing: crate::stream::Framing,
    ) -> crate::ItemStream<T> {
        let limit = self.body_limit();
        crate::ItemStream::decode(self.byte_stream_body().into_chunks(), limit, framing)
    }

    /// The router's limit on the body, where it is left unread.
    fn body_limit(&self) -> usize {
        let unread = self.unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        unread.as_ref().map_or(usize::MAX, |(_, limit)| *limit)
    }

    /// The body as a stream of chunks: as they arrive where the handler left it unread
    /// ([`StreamedParts`]), else the bytes read. A body past the router's limit ends the
    /// stream with `StreamError::TooLarge`, a connection that breaks with `Transport`.
    pub fn byte_stream_body(&self) -> crate::ByteStream {
        let unread = self.unread.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        match unread {
            Some((body, limit)) => {
                let chunks = futures_util::StreamExt::map(body.into_data_stream(), move |chunk| {
                    chunk.map_err(|error| {
                        let error = error.into_inner();
                        if error.is::<http_body_util::LengthLimitError>() {
                            crate::stream::StreamError::TooLarge { limit }
                        } else {
                            crate::stream::StreamError::Transport(error)
                        }
                    })
                });
                crate::ByteStream::from_results(chunks)
            }
            None => crate::ByteStream::from(self.bytes_body()),
        }
    }
}

/// The 400 problem of a whole query string (the `in: querystring` parameter `name`) that does
/// not decode.
fn query_string_problem(name: &str, message: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, format!("the query string {name:?} is invalid: {message}"))
        .with_parameter(name)
}

/// The 400 problem of a JSON body that does not decode, naming the member at fault.
fn body_problem(fault: crate::JsonFault) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, format!("the request body is invalid: {}", fault.message))
        .with_pointer(fault.pointer)
}
