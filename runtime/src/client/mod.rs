//! The client side: one [`Transport`] per generated client, shared by all its operations.
//!
//! Generated methods build a [`Request`], hand it to [`Transport::send`] (one non-generic
//! send path for every operation, so the code a consumer compiles stays small), and match the
//! returned [`Response`] status against the documented ones.

mod clock;
mod credential;
mod error;
mod oauth2;
mod policy;
mod reconnect;
mod refresh;
mod token;

use crate::security::Security;
pub use crate::security::{KeyLocation, SchemeKind, SecurityScheme};
use crate::{trace, Operation};
pub use clock::Clock;
pub use credential::Credential;
pub use error::{Error, RawResponse};
pub use oauth2::{ClientAuth, Grant, OAuth2Client, OAuth2Flow, OAuthError};
pub use policy::{Policy, Retry, RECONNECT_PAUSE};
pub use refresh::RefreshBinding;
pub use reqwest;
pub use token::{Refresh, RefreshFuture, RotationHook, TimeClaims, TokenOptions, TokenSource, Tokens};

use crate::params::{self, Style};
use crate::stream::{ByteStream, Chunks, EventData, EventStream, Framing, ItemStream, StreamError};
use crate::validate::{Check, Validate};
use bytes::{Bytes, BytesMut};
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::Arc;

/// Base URL, HTTP client and credentials of one generated client. Cloning is cheap.
#[derive(Clone, Debug)]
pub struct Transport {
    base_url: Arc<str>,
    http: reqwest::Client,
    schemes: &'static [SecurityScheme],
    credentials: Arc<BTreeMap<&'static str, CredentialSource>>,
    policy: Policy,
}

/// Where the credential of one scheme comes from.
#[derive(Clone, Debug)]
enum CredentialSource {
    Fixed(Credential),
    Tokens(TokenSource),
}

/// A credential as one request sends it; `lease` names the token source and refresh attempt
/// it came from, so a 401 can refresh exactly that token.
struct Applied<'a> {
    scheme: &'a SecurityScheme,
    secret: Credential,
    lease: Option<(&'a TokenSource, u64)>,
}

impl Transport {
    /// A transport for `base_url` (the server URL, path included: `https://host/api/v2`).
    pub fn new(base_url: &str, http: reqwest::Client, schemes: &'static [SecurityScheme]) -> Self {
        Transport {
            base_url: base_url.trim_end_matches('/').into(),
            http,
            schemes,
            credentials: Arc::default(),
            policy: Policy::default(),
        }
    }

    /// Sets the time, size and retry limits of every request.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets the credential for the scheme named `scheme` in the spec's `securitySchemes`.
    /// Unknown names are kept but never sent.
    pub fn set_credential(&mut self, scheme: &'static str, credential: Credential) {
        Arc::make_mut(&mut self.credentials).insert(scheme, CredentialSource::Fixed(credential));
    }

    /// Sends the access token of `source` for the scheme named `scheme`: refreshed ahead of
    /// its expiry, and refreshed once more, with the request retried once, on a 401.
    pub fn set_token_source(&mut self, scheme: &'static str, source: TokenSource) {
        Arc::make_mut(&mut self.credentials).insert(scheme, CredentialSource::Tokens(source));
    }

    #[doc(hidden)]
    /// Starts a request for `operation`, by its method and security, to `path` (its template
    /// expanded and encoded) relative to the base URL.
    pub fn request_for(&self, operation: &Operation, path: String) -> Request {
        // Standard methods are matched without allocating; QUERY and other extension methods
        // are valid tokens (the generator checks them), so the fault is for hand-made operations.
        let (method, fault) = match Method::from_bytes(operation.method.as_bytes()) {
            Ok(method) => (method, None),
            Err(_) => (Method::GET, Some(format!("{:?} is not an HTTP method", operation.method))),
        };
        Request {
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            cookies: Vec::new(),
            body: None,
            operation: *operation,
            fault,
            streamed: false,
        }
    }

    #[doc(hidden)]
    /// Where the policy asks, checks a request against its schemas' constraints before it
    /// is sent.
    pub fn check_request<T: Validate>(&self, request: &T) -> Result<(), Error> {
        if !self.policy.validates_requests() {
            return Ok(());
        }
        let mut check = Check::default();
        request.validate(&mut check);
        let violations = check.into_violations();
        if violations.is_empty() {
            Ok(())
        } else {
            Err(Error::Violations { violations, response: None })
        }
    }

    #[doc(hidden)]
    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        let span = trace::Span::client(&request.operation, &self.base_url);
        let outcome = span.run(async { self.dispatch(request).await?.read().await }).await;
        span.client_outcome(outcome.as_ref().map(|response| response.status));
        outcome
    }

    #[doc(hidden)]
    /// Sends a request and returns once the response's head arrived, its body unread: for
    /// operations that document a streamed body. The policy's time limit covers the wait for
    /// the head only, so a stream may last.
    pub async fn open(&self, request: Request) -> Result<OpenResponse, Error> {
        // Kept to be sent again should an event stream end early (a streamed upload cannot).
        let resend = (self.policy.reconnects() > 0 && !request.streams_body()).then(|| (self.clone(), request.clone()));
        // The span ends with the response's head: the stream is the caller's to read.
        let span = trace::Span::client(&request.operation, &self.base_url);
        let outcome = span.run(self.open_once(request)).await;
        span.client_outcome(outcome.as_ref().map(|response| response.status));
        let mut response = outcome?;
        response.resend = resend;
        Ok(response)
    }

    /// Sends a request whose response is read as a stream, and returns its head.
    async fn open_once(&self, mut request: Request) -> Result<OpenResponse, Error> {
        request.streamed = true;
        self.dispatch(request).await
    }

    /// Sends with the credentials the operation's security asks for, refreshing a token the
    /// server refused once, and retrying as the policy allows.
    async fn dispatch(&self, mut request: Request) -> Result<OpenResponse, Error> {
        if let Some(fault) = request.fault.take() {
            return Err(Error::InvalidRequest(fault));
        }
        if let Some(name) = self.policy.retries().key_header(&request.method) {
            // Set once, so that every attempt (a retry, or a resend after a refresh) carries it.
            if !request.headers.contains_key(name) {
                insert_header(&mut request.headers, name, &policy::new_idempotency_key())?;
            }
        }
        let mut applied = self.credentials_for(request.operation.security).await?;
        if applied.iter().all(|applied| applied.lease.is_none()) {
            // No token to refresh on a 401: the request is built once, from its own parts.
            let built = self.build(request, &applied)?;
            return self.send_retrying(built).await;
        }
        // A token to refresh on a 401: the request is kept to be built again.
        let response = self.send_retrying(self.build(request.clone(), &applied)?).await?;
        if response.status != StatusCode::UNAUTHORIZED || request.streams_body() {
            // A streamed body cannot be sent again: its 401 is the answer (the token is
            // refreshed by the next request that finds it refused).
            return Ok(response);
        }
        // A token the server refused: refresh it (unless another request already did) and
        // retry once; a second 401 is the answer.
        trace::resend_after_refresh();
        for credential in &mut applied {
            if let Some((source, attempt)) = credential.lease {
                let lease = source.refresh_after(attempt).await?;
                credential.secret = lease.access;
                credential.lease = Some((source, lease.attempt));
            }
        }
        self.send_retrying(self.build(request, &applied)?).await
    }

    /// Sends, and sends again as the retry policy allows when no response arrived or a
    /// gateway error did. A copy is kept only while a retry may need it.
    async fn send_retrying(&self, request: reqwest::Request) -> Result<OpenResponse, Error> {
        let budget = self.policy.retries().budget(request.method());
        self.send_with_retries(request, budget).await
    }

    /// Sends with up to `budget` retries, paced by the retry policy.
    async fn send_with_retries(&self, mut request: reqwest::Request, budget: u32) -> Result<OpenResponse, Error> {
        let retry = self.policy.retries();
        let mut retries = 0;
        loop {
            let spare = if retries < budget { request.try_clone() } else { None };
            let outcome = self.execute(request).await;
            let pause = match &outcome {
                Ok(response) if policy::is_transient(response.status) => retry.pause(retries, Some(&response.headers)),
                Err(Error::Transport(_) | Error::Timeout(_)) => retry.pause(retries, None),
                _ => None,
            };
            match (spare, pause) {
                (Some(spare), Some(pause)) => {
                    trace::retry(retries + 1, pause, outcome.as_ref().map(|response| response.status));
                    tokio::time::sleep(pause).await;
                    retries += 1;
                    request = spare;
                }
                _ => return outcome,
            }
        }
    }

    async fn execute(&self, request: reqwest::Request) -> Result<OpenResponse, Error> {
        // A buffered request's time limit is reqwest's, set on the request, and covers the
        // body too; a streamed response's covers the head only, and a streamed upload has
        // none (it lasts as long as its stream).
        let head = match (request.timeout(), self.policy.time_limit()) {
            (None, Some(limit)) if !uploads(&request) => {
                tokio::time::timeout(limit, self.http.execute(request)).await.map_err(|_| Error::Timeout(limit))?
            }
            _ => self.http.execute(request).await,
        };
        let response = head?;
        Ok(OpenResponse {
            status: response.status(),
            headers: response.headers().clone(),
            body: response,
            response_limit: self.policy.response_limit(),
            item_limit: self.policy.item_limit(),
            time_limit: self.policy.time_limit(),
            resend: None,
            validate: self.policy.validates_responses(),
        })
    }

    /// The request as reqwest sends it, with the credentials applied.
    fn build(&self, request: Request, credentials: &[Applied<'_>]) -> Result<reqwest::Request, Error> {
        let Request { method, path, mut query, mut headers, mut cookies, body, streamed, .. } = request;
        for Applied { scheme, secret, .. } in credentials {
            let authorization = match scheme.kind {
                SchemeKind::Bearer => format!("Bearer {}", secret.secret()),
                SchemeKind::Basic => {
                    // `user:password`; a credential without a colon is a user with no password.
                    let (user, password) = secret.secret().split_once(':').unwrap_or((secret.secret(), ""));
                    crate::security::basic_authorization(user, password)
                }
                SchemeKind::ApiKey { location, name, .. } => {
                    let value = scheme.api_key_value(secret.secret());
                    match location {
                        KeyLocation::Header => insert_header(&mut headers, name, &value)?,
                        KeyLocation::Query => query.push(format!(
                            "{}={}",
                            params::query::encode_leaf(name, false),
                            params::query::encode_leaf(&value, false)
                        )),
                        KeyLocation::Cookie => cookies.push((name.to_owned(), value)),
                    }
                    continue;
                }
            };
            let mut value = HeaderValue::from_str(&authorization)
                .map_err(|_| Error::InvalidRequest("the credential is not valid in a header".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(AUTHORIZATION, value);
        }
        let url = format!("{}{}", self.base_url, path);
        let mut url =
            reqwest::Url::parse(&url).map_err(|error| Error::InvalidRequest(format!("URL {url:?}: {error}")))?;
        if !query.is_empty() {
            // Encoded piece by piece already; a query the base URL carries comes first.
            let query = url.query().into_iter().map(str::to_owned).chain(query).collect::<Vec<_>>().join("&");
            url.set_query(Some(&query));
        }
        if !cookies.is_empty() {
            let cookie: Vec<String> = cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            insert_header(&mut headers, "cookie", &cookie.join("; "))?;
        }
        let mut built = reqwest::Request::new(method, url);
        if let Some((content_type, body)) = body {
            headers.insert(CONTENT_TYPE, content_type);
            *built.body_mut() = Some(body.into_reqwest()?);
        }
        *built.headers_mut() = headers;
        if !streamed && !uploads(&built) {
            *built.timeout_mut() = self.policy.time_limit();
        }
        Ok(built)
    }

    /// The credentials of the first alternative of the operation's `security` whose schemes
    /// all have one; an anonymous alternative (`{}`) is taken only when no other is
    /// satisfied. None when no alternative is satisfied (the server then answers as it
    /// documents for a missing credential). Token sources hand out a valid token here.
    async fn credentials_for(&self, alternatives: Security) -> Result<Vec<Applied<'_>>, Error> {
        let satisfied = alternatives.iter().find(|alternative| {
            !alternative.is_empty()
                && alternative.iter().all(|requirement| self.credentials.contains_key(requirement.scheme))
        });
        let Some(alternative) = satisfied else { return Ok(Vec::new()) };
        let mut applied = Vec::with_capacity(alternative.len());
        for scheme in
            self.schemes.iter().filter(|scheme| alternative.iter().any(|required| required.scheme == scheme.name))
        {
            applied.push(match &self.credentials[scheme.name] {
                CredentialSource::Fixed(credential) => Applied { scheme, secret: credential.clone(), lease: None },
                CredentialSource::Tokens(source) => {
                    let lease = source.lease().await?;
                    Applied { scheme, secret: lease.access, lease: Some((source, lease.attempt)) }
                }
            });
        }
        Ok(applied)
    }
}

/// Whether a request sends its body from a stream (which has no bytes to show up front).
fn uploads(request: &reqwest::Request) -> bool {
    request.body().is_some_and(|body| body.as_bytes().is_none())
}

/// The whole body, refused once it grows past `limit` (or says it will).
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let too_large = |status| Error::ResponseTooLarge { status, limit };
    match response.content_length() {
        Some(length) if length > limit as u64 => return Err(too_large(response.status())),
        // A declared length within the limit: one read, as reqwest does it. (hyper ends a
        // body that runs past its declared length.)
        Some(_) => return Ok(response.bytes().await?),
        None => {}
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(too_large(response.status()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn insert_header(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), Error> {
    let header_name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::InvalidRequest(format!("{name:?} is not a valid header name")))?;
    let header_value = HeaderValue::from_str(value)
        .map_err(|_| Error::InvalidRequest(format!("the value of header {name:?} is not valid in a header")))?;
    headers.append(header_name, header_value);
    Ok(())
}

/// One request under construction. Encoding faults are kept and reported by
/// [`Transport::send`], so generated code can set parameters without handling errors.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Request {
    method: Method,
    path: String,
    /// `name=value` pieces, each encoded.
    query: Vec<String>,
    headers: HeaderMap,
    cookies: Vec<(String, String)>,
    body: Option<(HeaderValue, RequestBody)>,
    /// What it is sent for: its security, and its names for a trace.
    operation: Operation,
    fault: Option<String>,
    /// The response body is read as a stream, not whole.
    streamed: bool,
}

impl Request {
    /// Whether its body is a stream, which is sent once.
    fn streams_body(&self) -> bool {
        matches!(self.body, Some((_, RequestBody::Streamed(_))))
    }

    fn fail(&mut self, fault: String) {
        self.fault.get_or_insert(fault);
    }

    /// Adds a query parameter laid out by `style`; `None` and null add nothing.
    pub fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) {
        self.query_encoded(name, value, style, false);
    }

    /// Adds a query parameter declared `allowReserved`: RFC 3986's reserved characters in its
    /// value travel unencoded (`next=/a/b?c`).
    pub fn query_reserved<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style) {
        self.query_encoded(name, value, style, true);
    }

    /// Makes `value` the whole query string (OpenAPI 3.2's `in: querystring`), laid out as a
    /// form whose properties travel as `fields` says. No value adds nothing.
    pub fn query_string_form<T: Serialize + ?Sized>(&mut self, value: &T, fields: &[params::FormField]) {
        self.query_string_with(value, |value| params::form::encode(value, fields));
    }

    /// Makes `value` the whole query string as its JSON text, percent-encoded. No value adds
    /// nothing.
    pub fn query_string_json<T: Serialize + ?Sized>(&mut self, value: &T) {
        self.query_string_with(value, |value| {
            serde_json::to_string(value)
                .map(|text| params::query::encode_leaf(&text, false))
                .map_err(|error| error.to_string())
        });
    }

    /// The whole query string `encode` makes of `value` as a request holds it (read-only
    /// members left out); null and empty text add nothing.
    fn query_string_with<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
        encode: impl FnOnce(&serde_json::Value) -> Result<String, String>,
    ) {
        let text = crate::access::requesting(|| params::to_value(value)).and_then(|value| match value {
            serde_json::Value::Null => Ok(String::new()),
            value => encode(&value),
        });
        match text {
            Ok(text) => self.query.extend(Some(text).filter(|text| !text.is_empty())),
            Err(error) => self.fail(format!("query string: {error}")),
        }
    }

    /// Makes `text` the whole query string, as it is (the caller percent-encodes it); the
    /// characters a query cannot hold are escaped.
    pub fn query_string_raw(&mut self, text: Option<&str>) {
        if let Some(text) = text.filter(|text| !text.is_empty()) {
            self.query.push(params::query::encode_query_text(text));
        }
    }

    fn query_encoded<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, style: Style, allow_reserved: bool) {
        match params::to_value(value) {
            Ok(value) => self.query.extend(params::query::encode(name, &value, style, allow_reserved)),
            Err(error) => self.fail(format!("query parameter {name:?}: {error}")),
        }
    }

    /// Adds a header parameter (style `simple`); `None` adds nothing.
    pub fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        let result = params::to_value(value).and_then(|value| {
            if value.is_null() {
                return Ok(());
            }
            insert_header(&mut self.headers, name, &params::simple_text(&value, explode))
                .map_err(|error| error.to_string())
        });
        if let Err(error) = result {
            self.fail(format!("header parameter {name:?}: {error}"));
        }
    }

    /// Adds a cookie parameter; `None` adds nothing.
    pub fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match params::to_value(value) {
            Ok(value) if value.is_null() => {}
            Ok(value) => self.cookies.push((name.to_owned(), params::cookie_text(&value))),
            Err(error) => self.fail(format!("cookie parameter {name:?}: {error}")),
        }
    }

    /// Adds a cookie parameter in OpenAPI 3.2's `cookie` style: as is, no percent-encoding
    /// (`color=blue,black`); exploded, one pair per item or member (`color=blue; color=black`,
    /// `R=100; G=200`). `None` adds nothing.
    pub fn cookie_unencoded<T: Serialize + ?Sized>(&mut self, name: &str, value: &T, explode: bool) {
        match params::to_value(value) {
            Ok(value) if value.is_null() => {}
            Ok(value) => self.cookies.extend(params::cookie_pairs(name, &value, explode)),
            Err(error) => self.fail(format!("cookie parameter {name:?}: {error}")),
        }
    }

    /// Sets a JSON body with the given media type (`application/json` or a `+json` type).
    pub fn json_body<T: Serialize + ?Sized>(&mut self, content_type: &'static str, value: &T) {
        match crate::access::requesting(|| serde_json::to_vec(value)) {
            Ok(body) => self.body = Some((HeaderValue::from_static(content_type), RequestBody::Whole(body.into()))),
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from a struct or map, each property
    /// laid out as `fields` (the media type's `encoding`) says.
    pub fn form_body<T: Serialize + ?Sized>(&mut self, value: &T, fields: &[params::FormField]) {
        match crate::access::requesting(|| params::form::encode(value, fields)) {
            Ok(body) => {
                let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
                self.body = Some((content_type, RequestBody::Whole(body.into())));
            }
            Err(error) => self.fail(format!("request body: {error}")),
        }
    }

    /// Sets a `multipart/form-data` body.
    pub fn multipart_body(&mut self, form: &crate::Multipart) {
        let (content_type, body) = form.encode();
        match HeaderValue::from_str(&content_type) {
            Ok(content_type) => self.body = Some((content_type, RequestBody::Whole(body))),
            Err(_) => self.fail("the multipart boundary is not a valid header value".to_owned()),
        }
    }

    /// Sets the `Accept` header: the media types the operation documents, for a server that
    /// chooses among them.
    pub fn accept(&mut self, media_types: &'static str) {
        self.headers.insert(http::header::ACCEPT, HeaderValue::from_static(media_types));
    }

    /// Sets a body sent as is: text, or bytes of any media type.
    pub fn raw_body(&mut self, content_type: &'static str, body: impl Into<Bytes>) {
        self.body = Some((HeaderValue::from_static(content_type), RequestBody::Whole(body.into())));
    }

    /// Sets a binary body sent chunk by chunk as the stream yields them, never held whole. It
    /// is sent once: not retried, nor sent again after a token refresh.
    /// Sets a body of JSON Lines or JSON text sequences, each item written as the stream
    /// yields it.
    pub fn items_body<T: Serialize + Send + 'static>(
        &mut self,
        content_type: &'static str,
        items: crate::ItemStream<T>,
        framing: crate::stream::Framing,
    ) {
        self.stream_body(content_type, items.encode(framing, true));
    }

    pub fn stream_body(&mut self, content_type: &'static str, body: ByteStream) {
        let body = RequestBody::Streamed(Arc::new(std::sync::Mutex::new(Some(body))));
        self.body = Some((HeaderValue::from_static(content_type), body));
    }
}

/// A request's body: bytes, which a retry sends again, or a stream, sent once (a clone of
/// the request shares it, and the first to be built takes it).
#[derive(Clone, Debug)]
enum RequestBody {
    Whole(Bytes),
    Streamed(Arc<std::sync::Mutex<Option<ByteStream>>>),
}

impl RequestBody {
    fn into_reqwest(self) -> Result<reqwest::Body, Error> {
        match self {
            RequestBody::Whole(bytes) => Ok(bytes.into()),
            RequestBody::Streamed(shared) => {
                let taken = shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
                let stream = taken.ok_or_else(|| {
                    Error::InvalidRequest("a streamed body is sent once, and it was sent already".to_owned())
                })?;
                let frames = futures_util::StreamExt::map(stream, |chunk| chunk.map(http_body::Frame::data));
                Ok(reqwest::Body::wrap(http_body_util::StreamBody::new(SyncStream(std::sync::Mutex::new(frames)))))
            }
        }
    }
}

/// A stream made `Sync` for reqwest, which asks it of bodies; only the one polling it (by
/// `&mut`) ever reaches it, so the lock is never taken.
struct SyncStream<S>(std::sync::Mutex<S>);

impl<S: futures_util::Stream + Unpin> futures_util::Stream for SyncStream<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, context: &mut std::task::Context<'_>) -> std::task::Poll<Option<S::Item>> {
        let inner = self.get_mut().0.get_mut().unwrap_or_else(|poisoned| poisoned.into_inner());
        Pin::new(inner).poll_next(context)
    }
}

/// A response whose head arrived and whose body is not read yet.
#[doc(hidden)]
pub struct OpenResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: reqwest::Response,
    response_limit: usize,
    item_limit: usize,
    /// For a body read whole, which the head's time limit did not cover.
    time_limit: Option<std::time::Duration>,
    /// The transport and request, where an event stream may be opened again.
    resend: Option<(Transport, Request)>,
    /// Whether decoded bodies are checked against their schemas (`Policy::validate_responses`).
    validate: bool,
}

/// Status and headers only: reqwest's response would print the URL, and with it a query
/// API key.
impl std::fmt::Debug for OpenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenResponse").field("status", &self.status).field("headers", &self.headers).finish()
    }
}

impl OpenResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Whether the body's media type is `essence` (`text/event-stream`), parameters aside.
    pub fn has_media_type(&self, essence: &str) -> bool {
        let actual = self.headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok());
        actual.is_some_and(|actual| crate::media::essence(actual) == essence)
    }

    /// Reads the whole body, up to the policy's size limit and within its time limit.
    pub async fn read(self) -> Result<Response, Error> {
        let reading = read_body(self.body, self.response_limit);
        let body = match self.time_limit {
            Some(limit) => tokio::time::timeout(limit, reading).await.map_err(|_| Error::Timeout(limit))??,
            None => reading.await?,
        };
        Ok(Response { status: self.status, headers: self.headers, body, validate: self.validate })
    }

    /// The body as server-sent events, each no larger than the policy's item limit; opened
    /// again where it ends early, as far as `Policy::event_reconnects` allows.
    pub fn events<T: DeserializeOwned + Send + 'static>(
        mut self,
        data: EventData,
        sentinel: Option<&'static str>,
    ) -> EventStream<T> {
        match self.resend.take() {
            Some((transport, request)) => reconnect::events(self, transport, request, data, sentinel),
            None => {
                let limit = self.item_limit;
                EventStream::decode(self.chunks(), limit, data, sentinel)
            }
        }
    }

    /// The body as JSON Lines or a JSON text sequence.
    pub fn items<T: DeserializeOwned + Send + 'static>(self, framing: Framing) -> ItemStream<T> {
        let limit = self.item_limit;
        ItemStream::decode(self.chunks(), limit, framing)
    }

    /// Reads a documented response header of a streamed response; absent headers are `None`.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        self.header_in_style(name, false)
    }

    /// Decodes a response header declared `explode: true`, as [`Response::header_exploded`].
    pub fn header_exploded<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        self.header_in_style(name, true)
    }

    fn header_in_style<T: DeserializeOwned>(&self, name: &str, explode: bool) -> Result<Option<T>, Error> {
        decode_header(&self.headers, name, explode).map_err(|message| Error::Decode {
            response: Box::new(RawResponse { status: self.status, headers: self.headers.clone(), body: Bytes::new() }),
            message,
        })
    }

    /// The body as chunks, as they arrive.
    pub fn byte_stream(self) -> ByteStream {
        ByteStream::from_chunks(self.chunks())
    }

    fn chunks(self) -> Chunks {
        Box::pin(futures_util::stream::unfold(Some(self.body), |body| async move {
            let mut body = body?;
            match body.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some(body))),
                Ok(None) => None,
                Err(error) => Some((Err(StreamError::Transport(Box::new(error.without_url()))), None)),
            }
        }))
    }
}

/// A documented response header, decoded; the message names it.
fn decode_header<T: DeserializeOwned>(headers: &HeaderMap, name: &str, explode: bool) -> Result<Option<T>, String> {
    let Some(value) = headers.get(name) else { return Ok(None) };
    let text = value.to_str().map_err(|_| format!("header {name:?} is not text"))?;
    params::decode_header(text, explode).map(Some).map_err(|error| format!("header {name:?}: {error}"))
}

/// A complete response, read into memory.
#[doc(hidden)]
#[derive(Debug)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    validate: bool,
}

impl Response {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Decodes a JSON body. An empty body decodes as `null`, so a documented "any value"
    /// body that the server left empty is `Value::Null` rather than an error.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let decoded = if self.body.is_empty() {
            serde_json::from_value(serde_json::Value::Null).map_err(|_| "the body is empty".to_owned())
        } else {
            crate::decode_json(&self.body).map_err(|fault| fault.describe())
        };
        decoded.map_err(|message| self.mismatch(message))
    }

    /// Decodes a JSON body, and where the policy asks, runs `checks` (its schema's
    /// constraints) on it: a violation is [`Error::Violations`] with the response.
    pub fn json_checked<T: DeserializeOwned>(self, checks: impl FnOnce(&T, &mut Check)) -> Result<T, Error> {
        if !self.validate || self.body.is_empty() {
            return self.json();
        }
        let (value, undeclared) = match crate::decode_noting_undeclared(&self.body) {
            Ok(decoded) => decoded,
            Err(fault) => return Err(self.mismatch(fault.describe())),
        };
        let mut check = Check::for_response(undeclared);
        checks(&value, &mut check);
        let violations = check.into_violations();
        if violations.is_empty() {
            Ok(value)
        } else {
            Err(Error::Violations { violations, response: Some(Box::new(self.snapshot())) })
        }
    }

    /// Decodes an `application/x-www-form-urlencoded` body, each property read as `fields`
    /// (the media type's `encoding`) says.
    pub fn form<T: DeserializeOwned>(self, fields: &[params::FormField]) -> Result<T, Error> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        params::form::decode(&text, fields).map_err(|(pointer, message)| self.mismatch(format!("{pointer}: {message}")))
    }

    /// Decodes a text body.
    pub fn text(self) -> Result<String, Error> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(text),
            Err(_) => Err(self.mismatch("the body is not UTF-8 text".to_owned())),
        }
    }

    /// The body as bytes.
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// Reads a documented response header; absent headers are `None`.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        self.header_in_style(name, false)
    }

    /// Decodes a response header declared `explode: true` (an object as `key=value,...`).
    pub fn header_exploded<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error> {
        self.header_in_style(name, true)
    }

    fn header_in_style<T: DeserializeOwned>(&self, name: &str, explode: bool) -> Result<Option<T>, Error> {
        decode_header(&self.headers, name, explode).map_err(|message| self.snapshot_mismatch(message))
    }

    /// A copy of the response, for an error that keeps it while the response is decoded.
    fn snapshot(&self) -> RawResponse {
        RawResponse { status: self.status, headers: self.headers.clone(), body: self.body.clone() }
    }

    /// The error for a status this operation does not document.
    pub fn unexpected(self) -> Error {
        Error::UnexpectedStatus(Box::new(self.into_raw()))
    }

    fn mismatch(self, message: String) -> Error {
        Error::Decode { response: Box::new(self.into_raw()), message }
    }

    fn snapshot_mismatch(&self, message: String) -> Error {
        Error::Decode { response: Box::new(self.snapshot()), message }
    }

    fn into_raw(self) -> RawResponse {
        RawResponse { status: self.status, headers: self.headers, body: self.body }
    }
}
