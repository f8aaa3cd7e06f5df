//! OAuth 2 token endpoints (RFC 6749) as token sources: the client credentials grant
//! (section 4.4), the resource owner password grant (section 4.3) and the refresh token
//! grant (section 6), as a spec's `securitySchemes` declare them, with no vendor extension.
//!
//! A [`TokenSource`] made here obtains its first token on first use, refreshes ahead of
//! expiry (from `expires_in`, or a JWT's `exp`) and after a 401, and never runs two token
//! requests at once. With a refresh token it uses the refresh grant first; when the server
//! rejects that (`invalid_grant`) and the grant can be repeated without a person (client
//! credentials, password), it obtains a new token with it. A rejection of the grant itself
//! (section 5.2: `invalid_client`, `invalid_grant`, `invalid_scope`, ...) is sticky: the
//! source fails fast until it is given new tokens. `temporarily_unavailable`, 429, 5xx and
//! failures in transit are passing: a grant that can be repeated is retried at once as the
//! client's retry policy allows, and the next call tries again.

use super::token::{Refresh, RefreshFuture, TokenOptions, TokenSource, Tokens};
use super::{Clock, Credential, Error, OpenResponse, RawResponse, Transport};
use http::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use std::fmt;

/// A spec's OAuth 2 flow: where its token endpoint is and which scopes to ask for. Generated
/// clients hold one constant per flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OAuth2Flow {
    /// The `tokenUrl`: absolute, or relative to the client's base URL.
    pub token_url: &'static str,
    /// The `refreshUrl`, when the spec names one apart from the token URL.
    pub refresh_url: Option<&'static str>,
    /// The scopes asked for unless the client says otherwise: those the spec's operations
    /// require of this scheme.
    pub scopes: &'static [&'static str],
}

/// How a client authenticates at the token endpoint (RFC 6749 section 2.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_basic`: HTTP basic auth with the form-encoded id and secret.
    #[default]
    Basic,
    /// `client_secret_post`: `client_id` and `client_secret` in the request body.
    Post,
}

/// A client registered at an authorization server.
#[derive(Clone)]
pub struct OAuth2Client {
    id: String,
    secret: Option<Credential>,
    auth: ClientAuth,
    scopes: Option<Vec<String>>,
}

impl fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2Client")
            .field("id", &self.id)
            .field("secret", &self.secret)
            .field("auth", &self.auth)
            .field("scopes", &self.scopes)
            .finish()
    }
}

impl OAuth2Client {
    /// A confidential client, authenticated with HTTP basic auth unless [`Self::auth`] says.
    pub fn new(id: &str, secret: impl Into<Credential>) -> Self {
        OAuth2Client { id: id.to_owned(), secret: Some(secret.into()), auth: ClientAuth::Basic, scopes: None }
    }

    /// A public client: its id goes in the body, with no secret.
    pub fn public(id: &str) -> Self {
        OAuth2Client { id: id.to_owned(), secret: None, auth: ClientAuth::Post, scopes: None }
    }

    pub fn auth(mut self, auth: ClientAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The scopes to ask for, instead of the flow's.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }
}

/// The grant that obtains tokens when there is no refresh token to spend.
#[derive(Clone, Debug)]
pub enum Grant {
    /// The client acting on its own behalf (section 4.4).
    ClientCredentials,
    /// A resource owner's user name and password (section 4.3).
    Password { username: String, password: Credential },
    /// Only refresh: the first tokens come from elsewhere (an authorization code login).
    RefreshOnly,
}

impl Grant {
    /// Whether the grant can be made again without a person.
    fn repeatable(&self) -> bool {
        !matches!(self, Grant::RefreshOnly)
    }
}

/// An error answer of a token endpoint (RFC 6749 section 5.2).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, or another code the server defines.
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_uri: Option<String>,
}

impl OAuthError {
    /// The error a token endpoint answered with, when `error` carries one.
    pub fn of(error: &Error) -> Option<OAuthError> {
        let response = error.response()?;
        serde_json::from_slice(&response.body).ok()
    }
}

/// A successful token answer (section 5.1).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    /// Required by the RFC; some servers leave it out, and then it is taken to be bearer.
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    refresh_token: Option<String>,
}

impl Transport {
    /// A token source for the scheme of `flow`, obtaining tokens at its token endpoint
    /// through `grant` as `client`; see the module documentation.
    pub fn oauth2_token_source(
        &self,
        flow: &OAuth2Flow,
        client: OAuth2Client,
        grant: Grant,
        tokens: Tokens,
        options: TokenOptions,
    ) -> TokenSource {
        let endpoint = |url: &str| {
            if url.contains("://") {
                url.to_owned()
            } else {
                format!("{}/{}", self.base_url(), url.trim_start_matches('/'))
            }
        };
        let token_url = endpoint(flow.token_url);
        let refresh_url = flow.refresh_url.map(endpoint).unwrap_or_else(|| token_url.clone());
        let scopes =
            client.scopes.clone().unwrap_or_else(|| flow.scopes.iter().map(|scope| scope.to_string()).collect());
        let clock = options.clock.clone();
        let endpoint = TokenEndpoint { transport: self.clone(), token_url, refresh_url, client, grant, scopes, clock };
        TokenSource::new(tokens, options, endpoint)
    }
}

struct TokenEndpoint {
    transport: Transport,
    token_url: String,
    refresh_url: String,
    client: OAuth2Client,
    grant: Grant,
    scopes: Vec<String>,
    /// What `expires_in` counts from: the source's clock.
    clock: Clock,
}

impl Refresh for TokenEndpoint {
    fn refresh<'a>(&'a self, current: &'a Tokens) -> RefreshFuture<'a> {
        Box::pin(self.obtain(current))
    }
}

impl TokenEndpoint {
    async fn obtain(&self, current: &Tokens) -> Result<Tokens, Error> {
        if let Some(refresh) = &current.refresh {
            let form = vec![("grant_type", "refresh_token".to_owned()), ("refresh_token", refresh.secret().to_owned())];
            // Not retried in place: a refresh token that rotates may have been spent by a
            // request whose answer was lost.
            match self.post(&self.refresh_url, form, 0).await {
                Err(Error::Refresh { rejected: true, .. }) if self.grant.repeatable() => {}
                outcome => return outcome,
            }
        }
        let mut form = match &self.grant {
            Grant::ClientCredentials => vec![("grant_type", "client_credentials".to_owned())],
            Grant::Password { username, password } => vec![
                ("grant_type", "password".to_owned()),
                ("username", username.clone()),
                ("password", password.secret().to_owned()),
            ],
            Grant::RefreshOnly => {
                return Err(Error::Refresh {
                    rejected: true,
                    message: "there is no refresh token, and no grant to obtain one".to_owned(),
                    response: None,
                })
            }
        };
        if !self.scopes.is_empty() {
            form.push(("scope", self.scopes.join(" ")));
        }
        let retries = self.transport.policy().retries().repeatable_budget();
        self.post(&self.token_url, form, retries).await
    }

    /// One token request, with the client's authentication, and its answer as tokens.
    async fn post(&self, url: &str, mut form: Vec<(&str, String)>, retries: u32) -> Result<Tokens, Error> {
        let mut request = reqwest::Request::new(
            http::Method::POST,
            reqwest::Url::parse(url).map_err(|error| Error::InvalidRequest(format!("token URL {url:?}: {error}")))?,
        );
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        match (&self.client.secret, self.client.auth) {
            (Some(secret), ClientAuth::Basic) => {
                let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
                let basic = crate::security::basic_authorization(&encode(&self.client.id), &encode(secret.secret()));
                let mut value = HeaderValue::from_str(&basic)
                    .map_err(|_| Error::InvalidRequest("the client credentials are not valid in a header".into()))?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            (Some(secret), ClientAuth::Post) => {
                form.push(("client_id", self.client.id.clone()));
                form.push(("client_secret", secret.secret().to_owned()));
            }
            (None, _) => form.push(("client_id", self.client.id.clone())),
        }
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&form).finish();
        *request.body_mut() = Some(body.into());
        *request.timeout_mut() = self.transport.policy().time_limit();
        let response = match self.transport.send_with_retries(request, retries).await.map(OpenResponse::read) {
            Ok(reading) => reading.await,
            Err(error) => Err(error),
        };
        let response = match response {
            Ok(response) => response,
            Err(error) => return Err(passing(error.to_string(), error.response().cloned())),
        };
        if !response.status().is_success() {
            return Err(refused_by_endpoint(response.into_raw()));
        }
        let raw = response.snapshot();
        let answer: TokenAnswer = response
            .json()
            .map_err(|error| passing(format!("the token answer does not decode: {error}"), Some(raw.clone())))?;
        if let Some(kind) = answer.token_type.as_deref().filter(|kind| !kind.eq_ignore_ascii_case("bearer")) {
            let message = format!("the token endpoint issued a {kind:?} token; only bearer tokens can be sent");
            return Err(Error::Refresh { rejected: true, message, response: Some(Box::new(raw)) });
        }
        let expires_in = match &answer.expires_in {
            Some(serde_json::Value::Number(seconds)) => seconds.as_f64(),
            Some(serde_json::Value::String(seconds)) => seconds.trim().parse().ok(),
            _ => None,
        };
        let expires_at = expires_in
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .map(|seconds| self.clock.now().saturating_add(seconds.min(u64::MAX as f64 / 2.0) as u64));
        Ok(Tokens {
            access: Credential::new(answer.access_token),
            refresh: answer.refresh_token.map(Credential::new),
            expires_at,
        })
    }
}

fn passing(message: String, response: Option<RawResponse>) -> Error {
    Error::Refresh { rejected: false, message, response: response.map(Box::new) }
}

/// A token endpoint's refusal: sticky unless it is a passing one.
fn refused_by_endpoint(response: RawResponse) -> Error {
    let status = response.status.as_u16();
    let oauth: Option<OAuthError> = serde_json::from_slice(&response.body).ok();
    let passing_status = status == 408 || status == 429 || status >= 500;
    let rejected = !passing_status && oauth.as_ref().is_none_or(|oauth| oauth.error != "temporarily_unavailable");
    let message = match &oauth {
        Some(OAuthError { error, error_description: Some(description), .. }) => {
            format!("the token endpoint answered {status} {error}: {description}")
        }
        Some(OAuthError { error, .. }) => format!("the token endpoint answered {status} {error}"),
        None => format!("the token endpoint answered {status}"),
    };
    Error::Refresh { rejected, message, response: Some(Box::new(response)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status: http::StatusCode::from_u16(status).unwrap(),
            headers: http::HeaderMap::new(),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
        }
    }

    #[test]
    fn token_endpoint_errors_are_sticky_unless_passing() {
        let rejected = |status, body| match refused_by_endpoint(raw(status, body)) {
            Error::Refresh { rejected, message, .. } => (rejected, message),
            other => panic!("{other:?}"),
        };
        let (sticky, message) = rejected(400, r#"{"error":"invalid_grant","error_description":"revoked"}"#);
        assert!(sticky);
        assert_eq!(message, "the token endpoint answered 400 invalid_grant: revoked");
        assert!(rejected(401, r#"{"error":"invalid_client"}"#).0);
        assert!(!rejected(400, r#"{"error":"temporarily_unavailable"}"#).0);
        assert!(!rejected(503, "busy").0);
        assert!(!rejected(429, "").0);
        let error = refused_by_endpoint(raw(400, r#"{"error":"invalid_scope","error_uri":"https://x"}"#));
        let oauth = OAuthError::of(&error).unwrap();
        assert_eq!((oauth.error.as_str(), oauth.error_uri.as_deref()), ("invalid_scope", Some("https://x")));
    }

    #[test]
    fn the_client_secret_stays_out_of_debug() {
        let client = OAuth2Client::new("app", "s3cret-value");
        assert!(!format!("{client:?}").contains("s3cret-value"));
    }
}
