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
//!
//! Families live in a [`FamilyStore`]: in memory unless the service is given another, and in
//! an SQLite file when served by `main` (`TOKEN_SERVICE_DB`), so that a restart loses no login
//! and several processes on one machine share them; each refresh is one transaction.

use apigen_runtime::jwt::{JwtError, JwtIssuer, JwtVerifier};
use apigen_runtime::server::axum::response::Response;
use apigen_runtime::server::{reply, HandlerError, Refusal};
use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::{AuthToken, AuthenticationError, ValidationError};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod store;

pub use store::{FamilyStore, MemoryStore, Spent, SqliteStore, StoreError};

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
    store: Arc<dyn FamilyStore>,
    refreshes: Arc<AtomicU64>,
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
            store: Arc::new(MemoryStore::default()),
            refreshes: Arc::default(),
        }
    }

    /// Keeps refresh-token families in `store` instead of memory.
    pub fn store(mut self, store: impl FamilyStore) -> Self {
        self.store = Arc::new(store);
        self
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

    /// A new pair in `family` for `subject` whose refresh token has the id `refresh_id`.
    fn pair(&self, subject: &str, family: &str, refresh_id: &str) -> Result<AuthToken, JwtError> {
        let access = self.access_issuer.issue(
            subject,
            self.lifetimes.access,
            json!({ "scope": self.scope, "jti": new_id() }),
        )?;
        let refresh = self.refresh_issuer.issue(
            subject,
            self.lifetimes.refresh,
            json!({ "aud": REFRESH_AUDIENCE, "jti": refresh_id, "family": family }),
        )?;
        Ok(AuthToken {
            access_token: access,
            refresh_token: refresh,
            token_type: Some("Bearer".into()),
            expires_in: Some(self.lifetimes.access.as_secs() as i64),
        })
    }
}

/// A random id for a family or a token: unique across processes and restarts.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Runs a store call off the async workers: SQLite may wait for another process's lock.
async fn in_store<T: Send + 'static>(
    store: &Arc<dyn FamilyStore>,
    call: impl FnOnce(&dyn FamilyStore) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, HandlerError> {
    let store = store.clone();
    let outcome = tokio::task::spawn_blocking(move || call(store.as_ref())).await;
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(HandlerError::from(error)),
        Err(error) => Err(HandlerError::from(StoreError(error.to_string()))),
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
        let (family, refresh_id) = (new_id(), new_id());
        let pair = self.pair(&login.api_key, &family, &refresh_id)?;
        in_store(&self.store, move |store| store.start(&family, &refresh_id)).await?;
        Ok(AuthTokenCreateResponse::Created(pair))
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
        let presented = claims.jti.clone().unwrap_or_default();
        let next = new_id();
        let spent = {
            let (family, next) = (family.clone(), next.clone());
            in_store(&self.store, move |store| store.spend(&family, &presented, &next)).await?
        };
        match spent {
            Spent::Rotated => {
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                Ok(AuthTokenRefreshResponse::Created(self.pair(&subject, &family, &next)?))
            }
            Spent::Reused => Ok(AuthTokenRefreshResponse::Unauthorized(unauthorized(
                "refresh token reuse detected; this login is revoked",
            ))),
            Spent::Revoked => Ok(AuthTokenRefreshResponse::Unauthorized(unauthorized("this login was revoked"))),
        }
    }

    /// Malformed requests get the documented 400 body, as every other 400 here does.
    fn refuse(&self, _operation: &'static str, refusal: Refusal) -> Response {
        let error = ValidationError { message: refusal.problem.detail.clone(), errors: None };
        reply::json(400, "application/json", &error)
    }
}
