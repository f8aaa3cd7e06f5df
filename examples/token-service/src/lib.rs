//! A token service on the generated server of the `/api/v2` Auth API (`specs/auth-api-v2.yaml`).
//!
//! `POST /auth/token` trades an API user's `api_key` and `api_secret` for a pair: a short-lived
//! JWT access token and a refresh token. `POST /auth/refresh` spends a refresh token for the
//! next pair (rotation). Refresh tokens of one login form a family; presenting one that was
//! already spent means it leaked, so the whole family is revoked and its holder must log in
//! again (reuse detection, as OAuth 2.0 Security BCP section 4.14 recommends).
//!
//! The two kinds never stand in for each other: access tokens are typed `at+jwt` (RFC 9068)
//! and name no audience, refresh tokens are typed `refresh+jwt` and name the refresh
//! endpoint as theirs, and each verifier requires its own type (explicit typing, RFC 8725
//! section 3.11).

use apigen_runtime::jwt::{JwtError, JwtIssuer, JwtVerifier};
use apigen_runtime::server::axum::response::Response;
use apigen_runtime::server::{reply, HandlerError, Refusal};
use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::{AuthToken, AuthenticationError, ValidationError};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long tokens live, and which scopes access tokens grant.
#[derive(Clone, Debug)]
pub struct Lifetimes {
    pub access: Duration,
    pub refresh: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes { access: Duration::from_secs(300), refresh: Duration::from_secs(24 * 3600) }
    }
}

/// The service: its signing key, its API users and the state of every refresh-token family.
pub struct TokenService {
    access_issuer: JwtIssuer,
    refresh_issuer: JwtIssuer,
    refresh_verifier: JwtVerifier,
    lifetimes: Lifetimes,
    scope: String,
    users: HashMap<String, String>,
    families: Mutex<Families>,
    sequence: AtomicU64,
    refreshes: Arc<AtomicU64>,
}

/// Per family, the one refresh token that may still be spent; and the revoked families.
#[derive(Default)]
struct Families {
    live: HashMap<String, String>,
    revoked: HashSet<String>,
}

/// The `iss` of every token.
pub const ISSUER: &str = "token-service";
/// The `typ` of access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";
/// The `typ` of refresh tokens, which only this service reads.
pub const REFRESH_TOKEN_TYPE: &str = "refresh+jwt";
/// The `aud` of refresh tokens: this service's refresh endpoint, and no resource server.
const REFRESH_AUDIENCE: &str = "token-service/refresh";

impl TokenService {
    /// A service signing HS256 tokens with `secret`; access tokens grant `scope`.
    pub fn new(secret: &[u8], scope: &str, lifetimes: Lifetimes) -> Self {
        TokenService {
            access_issuer: JwtIssuer::hs256(secret).issuer(ISSUER).token_type(ACCESS_TOKEN_TYPE),
            refresh_issuer: JwtIssuer::hs256(secret).issuer(ISSUER).token_type(REFRESH_TOKEN_TYPE),
            refresh_verifier: JwtVerifier::new()
                .hs256(secret)
                .issuer(ISSUER)
                .audience(REFRESH_AUDIENCE)
                .token_type(REFRESH_TOKEN_TYPE)
                .leeway(Duration::ZERO),
            lifetimes,
            scope: scope.to_owned(),
            users: HashMap::new(),
            families: Mutex::default(),
            sequence: AtomicU64::new(0),
            refreshes: Arc::default(),
        }
    }

    /// Adds an API user.
    pub fn user(mut self, api_key: &str, api_secret: &str) -> Self {
        self.users.insert(api_key.to_owned(), api_secret.to_owned());
        self
    }

    /// Counts the refreshes that succeeded; it stays readable once the service is served.
    pub fn refresh_counter(&self) -> Arc<AtomicU64> {
        self.refreshes.clone()
    }

    /// A verifier for resource servers that accept this service's access tokens, and none
    /// of its refresh tokens.
    pub fn access_verifier(secret: &[u8]) -> JwtVerifier {
        JwtVerifier::new().hs256(secret).issuer(ISSUER).token_type(ACCESS_TOKEN_TYPE).leeway(Duration::ZERO)
    }

    fn next_id(&self) -> String {
        self.sequence.fetch_add(1, Ordering::SeqCst).to_string()
    }

    /// A new pair in `family` for `subject`; its refresh token becomes the family's live one.
    fn pair(&self, subject: &str, family: &str) -> Result<AuthToken, JwtError> {
        let access = self.access_issuer.issue(
            subject,
            self.lifetimes.access,
            json!({ "scope": self.scope, "jti": self.next_id() }),
        )?;
        let refresh_id = self.next_id();
        let refresh = self.refresh_issuer.issue(
            subject,
            self.lifetimes.refresh,
            json!({ "aud": REFRESH_AUDIENCE, "jti": refresh_id, "family": family }),
        )?;
        self.families.lock().unwrap_or_else(|poison| poison.into_inner()).live.insert(family.to_owned(), refresh_id);
        Ok(AuthToken {
            access_token: access,
            refresh_token: refresh,
            token_type: Some("Bearer".into()),
            expires_in: Some(self.lifetimes.access.as_secs() as i64),
        })
    }
}

fn unauthorized(detail: &str) -> AuthenticationError {
    AuthenticationError { detail: detail.to_owned() }
}

fn missing_body() -> ValidationError {
    let errors = BTreeMap::from([("body".to_owned(), vec!["This field is required.".to_owned()])]);
    ValidationError { message: "the request body is required".into(), errors: Some(errors) }
}

impl auth_api_v2::Api for TokenService {
    async fn auth_token_create(
        &self,
        request: AuthTokenCreateRequest,
    ) -> Result<AuthTokenCreateResponse, HandlerError> {
        let Some(login) = request.body else { return Ok(AuthTokenCreateResponse::BadRequest(missing_body())) };
        if self.users.get(&login.api_key) != Some(&login.api_secret) {
            return Ok(AuthTokenCreateResponse::Unauthorized(unauthorized("unknown api_key or wrong api_secret")));
        }
        let family = self.next_id();
        Ok(AuthTokenCreateResponse::Created(self.pair(&login.api_key, &family)?))
    }

    async fn auth_token_refresh(
        &self,
        request: AuthTokenRefreshRequest,
    ) -> Result<AuthTokenRefreshResponse, HandlerError> {
        let Some(body) = request.body else { return Ok(AuthTokenRefreshResponse::BadRequest(missing_body())) };
        let claims = match self.refresh_verifier.verify(&body.refresh_token, &[]) {
            Ok(claims) => claims,
            Err(error) => {
                let detail = format!("not a refresh token of this service: {error}");
                return Ok(AuthTokenRefreshResponse::Unauthorized(unauthorized(&detail)));
            }
        };
        let text = |name: &str| claims.extra.get(name).and_then(|value| value.as_str()).unwrap_or_default().to_owned();
        let (family, subject) = (text("family"), claims.sub.clone().unwrap_or_default());
        {
            let mut families = self.families.lock().unwrap_or_else(|poison| poison.into_inner());
            if families.revoked.contains(&family) {
                return Ok(AuthTokenRefreshResponse::Unauthorized(unauthorized("this login was revoked")));
            }
            if families.live.get(&family) != claims.jti.as_ref() {
                // A spent token came back: whoever holds the family's tokens, one is a thief.
                families.live.remove(&family);
                families.revoked.insert(family);
                return Ok(AuthTokenRefreshResponse::Unauthorized(unauthorized(
                    "refresh token reuse detected; this login is revoked",
                )));
            }
        }
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        Ok(AuthTokenRefreshResponse::Created(self.pair(&subject, &family)?))
    }

    /// Malformed requests get the documented 400 body, as every other 400 here does.
    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        let error = ValidationError { message: refusal.problem.detail.clone(), errors: None };
        reply::json(400, "application/json", &error)
    }
}
