//! Every seed API's refresh, bound from its `x-token-refresh`, keeping a resource client's
//! token valid: across expiry, under a hundred concurrent requests, after a 401, through
//! rotation, and up to a refusal that surfaces as `Error::Refresh`.

use apigen_runtime::client::{TokenOptions, Tokens};
use apigen_runtime::jwt::now;
use e2e::serve;
use e2e::tokens::{self, access_token, forged_access_token, refreshed_access_token, SourceClock, DUE_FOR, MARGIN};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

fn options() -> TokenOptions {
    TokenOptions::default().refresh_margin(MARGIN)
}

/// The options of a source on `clock`.
fn options_on(clock: &SourceClock) -> TokenOptions {
    options().clock(clock.clock())
}

/// Due for refresh two seconds after `clock`'s now (see `tokens::keeps_working_across_expiry`).
fn expiring_soon(clock: &SourceClock, subject: &str) -> String {
    access_token(subject, clock.now() + MARGIN.as_secs() + 2)
}

/// Inside the refresh margin: due, but still valid for the token API.
fn due(subject: &str) -> String {
    access_token(subject, now() + DUE_FOR)
}

fn expired(subject: &str) -> String {
    access_token(subject, now() - 60)
}

/// The `/api/v2` Auth API, served by the example token service: rotation with reuse detection.
mod auth_api_v2 {
    use super::*;
    use ::auth_api_v2::operations::{
        AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
    };
    use ::auth_api_v2::types::{AuthToken, AuthTokenRequest, RefreshTokenRequest};
    use ::auth_api_v2::{router, Client};
    use token_service::{Lifetimes, TokenService};

    async fn start() -> (Client, Arc<AtomicU64>, AuthToken) {
        let lifetimes = Lifetimes { access: tokens::REFRESHED_LIFETIME, ..Lifetimes::default() };
        let service = TokenService::new(tokens::SECRET, tokens::SCOPE, lifetimes).user("demo", "demo-secret");
        let refreshes = service.refresh_counter();
        let address = serve(router(service)).await;
        let client = Client::with_base_url(&format!("http://{address}/api/v2"));
        let login = AuthTokenRequest { api_key: "demo".into(), api_secret: "demo-secret".into() };
        let AuthTokenCreateResponse::Created(pair) =
            client.auth_token_create(AuthTokenCreateRequest { body: Some(login) }).await.unwrap()
        else {
            panic!("login refused");
        };
        (client, refreshes, pair)
    }

    #[tokio::test]
    async fn keeps_working_across_expiry() {
        let (client, refreshes, pair) = start().await;
        let clock = SourceClock::new();
        let tokens = Tokens::new(expiring_soon(&clock, "demo")).with_refresh(pair.refresh_token);
        tokens::keeps_working_across_expiry(
            client.token_source(tokens, options_on(&clock)),
            &clock,
            &refreshes,
            "demo",
        )
        .await;
    }

    #[tokio::test]
    async fn a_hundred_concurrent_requests_with_an_expired_token_refresh_once() {
        let (client, refreshes, pair) = start().await;
        let source = client.token_source(Tokens::new(expired("demo")).with_refresh(pair.refresh_token), options());
        tokens::concurrent_requests_refresh_once(source, &refreshes, "demo").await;
    }

    #[tokio::test]
    async fn a_token_the_server_refuses_is_refreshed_and_retried() {
        let (client, refreshes, pair) = start().await;
        let forged = Tokens::new(forged_access_token("demo")).with_refresh(pair.refresh_token);
        tokens::a_refused_token_is_refreshed_and_retried(client.token_source(forged, options()), &refreshes, "demo")
            .await;
    }

    #[tokio::test]
    async fn a_rotated_refresh_token_is_reported() {
        let (client, _, pair) = start().await;
        let reported = Arc::new(Mutex::new(Vec::new()));
        let hook = reported.clone();
        let options = options().on_rotate(move |tokens| hook.lock().unwrap().push(tokens.clone()));
        let source =
            client.token_source(Tokens::new(expired("demo")).with_refresh(pair.refresh_token.clone()), options);
        source.access_token().await.unwrap();
        let reported = reported.lock().unwrap();
        assert_eq!(reported.len(), 1);
        let rotated = reported[0].refresh.as_ref().unwrap();
        assert_ne!(rotated.secret(), pair.refresh_token);
        assert_eq!(source.tokens(), reported[0]);
    }

    #[tokio::test]
    async fn a_reused_refresh_token_revokes_the_login_and_is_a_typed_error() {
        let (client, refreshes, pair) = start().await;
        // Someone else spends the refresh token first; presenting it again is reuse.
        let spend =
            AuthTokenRefreshRequest { body: Some(RefreshTokenRequest { refresh_token: pair.refresh_token.clone() }) };
        let AuthTokenRefreshResponse::Created(theirs) = client.auth_token_refresh(spend).await.unwrap() else {
            panic!("first refresh refused");
        };
        let source = client.token_source(Tokens::new(expired("demo")).with_refresh(pair.refresh_token), options());
        tokens::a_revoked_refresh_is_a_typed_error(source).await;
        // Reuse detection revoked the whole login: the thief's next refresh fails too.
        let again = AuthTokenRefreshRequest { body: Some(RefreshTokenRequest { refresh_token: theirs.refresh_token }) };
        assert!(matches!(client.auth_token_refresh(again).await.unwrap(), AuthTokenRefreshResponse::Unauthorized(_)));
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    }

    /// Access and refresh tokens never stand in for each other: a resource server refuses the
    /// refresh token, and the refresh endpoint refuses the access token for what it is,
    /// without calling it reuse or revoking the login.
    #[tokio::test]
    async fn access_and_refresh_tokens_are_not_interchangeable() {
        let (client, refreshes, pair) = start().await;
        let resources = e2e::tokens::serve_resources(TokenService::access_verifier(tokens::SECRET)).await;
        let me = |token: &str| {
            let authorization = format!("Bearer {token}");
            let url = format!("{resources}/me");
            async move { e2e::send_raw_with("GET", &url, &[("authorization", &authorization)], "").await }
        };
        assert_eq!(me(&pair.access_token).await.status, 200);
        let refused = me(&pair.refresh_token).await;
        assert_eq!(refused.status, 401);
        assert!(refused.body["detail"].as_str().unwrap().contains("`refresh+jwt`, not `at+jwt`"), "{}", refused.body);

        let refresh = |token: &str| AuthTokenRefreshRequest {
            body: Some(RefreshTokenRequest { refresh_token: token.to_owned() }),
        };
        match client.auth_token_refresh(refresh(&pair.access_token)).await.unwrap() {
            AuthTokenRefreshResponse::Unauthorized(error) => {
                assert!(error.detail.starts_with("not a refresh token"), "{}", error.detail);
                assert!(!error.detail.contains("reuse"), "{}", error.detail);
            }
            other => panic!("an access token refreshed: {other:?}"),
        }
        // The login was not revoked: its refresh token still works.
        let AuthTokenRefreshResponse::Created(_) =
            client.auth_token_refresh(refresh(&pair.refresh_token)).await.unwrap()
        else {
            panic!("the refresh token stopped working after an access token was presented");
        };
        assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    }
}

/// Forsta: djangorestframework-jwt's refresh view. The token goes in the body (and, as the
/// `JWT` API key, in the header); a token past its refresh window is refused with a 400.
mod forsta_atlas {
    use super::*;
    use ::forsta_atlas::operations::{ApiTokenRefreshCreateRequest, ApiTokenRefreshCreateResponse};
    use ::forsta_atlas::types::{Refresh, ValidationErrors};
    use ::forsta_atlas::{router, Api, Client};
    use apigen_runtime::jwt::Claims;
    use apigen_runtime::server::HandlerError;
    use serde_json::json;

    /// How long after `orig_iat` a token may still be refreshed (`JWT_REFRESH_EXPIRATION_DELTA`).
    const REFRESH_WINDOW: u64 = 3600;

    struct RefreshView {
        refreshes: Arc<AtomicU64>,
    }

    impl Api for RefreshView {
        type Claims = Claims;

        async fn api_token_refresh_create(
            &self,
            _header: Claims,
            request: ApiTokenRefreshCreateRequest,
        ) -> Result<ApiTokenRefreshCreateResponse, HandlerError> {
            let refuse = |message: &str| {
                Ok(ApiTokenRefreshCreateResponse::BadRequest(ValidationErrors {
                    non_field_errors: Some(vec![message.to_owned()]),
                    token: None,
                }))
            };
            let claims = match tokens::verifier().verify(&request.body.token, &[]) {
                Ok(claims) => claims,
                Err(error) => return refuse(&error.to_string()),
            };
            let Some(orig_iat) = claims.extra.get("orig_iat").and_then(|value| value.as_u64()) else {
                return refuse("orig_iat field is required.");
            };
            if orig_iat + REFRESH_WINDOW < now() {
                return refuse("Refresh has expired.");
            }
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let subject = claims.sub.unwrap_or_default();
            let extra = json!({ "scope": tokens::SCOPE, "orig_iat": orig_iat });
            let token = tokens::issuer().issue(&subject, tokens::REFRESHED_LIFETIME, extra)?;
            Ok(ApiTokenRefreshCreateResponse::Ok(Refresh { token }))
        }
    }

    fn token(subject: &str, exp: u64, orig_iat: u64) -> String {
        let extra = json!({ "exp": exp, "orig_iat": orig_iat, "scope": tokens::SCOPE });
        tokens::issuer().issue(subject, std::time::Duration::ZERO, extra).unwrap()
    }

    async fn start() -> (Client, Arc<AtomicU64>) {
        let refreshes = Arc::new(AtomicU64::new(0));
        let view = RefreshView { refreshes: refreshes.clone() };
        let address = serve(router(view, tokens::verifier())).await;
        (Client::with_base_url(&format!("http://{address}/v1")), refreshes)
    }

    #[tokio::test]
    async fn keeps_working_across_expiry() {
        let (client, refreshes) = start().await;
        let clock = SourceClock::new();
        let tokens = Tokens::new(token("ann", clock.now() + MARGIN.as_secs() + 2, clock.now()));
        tokens::keeps_working_across_expiry(client.token_source(tokens, options_on(&clock)), &clock, &refreshes, "ann")
            .await;
    }

    #[tokio::test]
    async fn a_hundred_concurrent_requests_with_a_due_token_refresh_once() {
        // The view refreshes only tokens that have not expired: hence one inside the margin.
        let (client, refreshes) = start().await;
        let tokens = Tokens::new(token("ann", now() + DUE_FOR, now()));
        tokens::concurrent_requests_refresh_once(client.token_source(tokens, options()), &refreshes, "ann").await;
    }

    #[tokio::test]
    async fn a_token_past_its_refresh_window_is_a_typed_error() {
        let (client, refreshes) = start().await;
        let tokens = Tokens::new(token("ann", now() + DUE_FOR, now() - REFRESH_WINDOW - 10));
        tokens::a_revoked_refresh_is_a_typed_error(client.token_source(tokens, options())).await;
        assert_eq!(refreshes.load(Ordering::SeqCst), 0);
    }
}

/// `/api/v1/authenticate/refresh`: `refreshToken` in, `jwtToken` out; the refresh token stays.
mod authenticate_refresh {
    use super::*;
    use ::authenticate_refresh::operations::{RefreshAuthenticationTokenRequest, RefreshAuthenticationTokenResponse};
    use ::authenticate_refresh::types::{ApiError, ErrorResponse, JwtTokenResponse};
    use ::authenticate_refresh::{router, Api, Client};
    use apigen_runtime::server::HandlerError;
    use std::collections::HashMap;

    /// Refresh tokens are opaque and map to their user until revoked.
    struct Sessions {
        users: Mutex<HashMap<String, String>>,
        refreshes: Arc<AtomicU64>,
    }

    impl Api for Sessions {
        async fn refresh_authentication_token(
            &self,
            request: RefreshAuthenticationTokenRequest,
        ) -> Result<RefreshAuthenticationTokenResponse, HandlerError> {
            let user = self.users.lock().unwrap().get(&request.body.refresh_token).cloned();
            let Some(user) = user else {
                let error = ApiError { code: Some("INVALID_REFRESH_TOKEN".into()), ..ApiError::default() };
                return Ok(RefreshAuthenticationTokenResponse::Unauthorized(ErrorResponse { error: Some(error) }));
            };
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            Ok(RefreshAuthenticationTokenResponse::Ok(JwtTokenResponse {
                jwt_token: Some(refreshed_access_token(&user)),
            }))
        }
    }

    async fn start() -> (Client, Arc<AtomicU64>) {
        let refreshes = Arc::new(AtomicU64::new(0));
        let users = HashMap::from([("refresh-bo".to_owned(), "bo".to_owned())]);
        let sessions = Sessions { users: Mutex::new(users), refreshes: refreshes.clone() };
        let address = serve(router(sessions)).await;
        (Client::with_base_url(&format!("http://{address}")), refreshes)
    }

    #[tokio::test]
    async fn keeps_working_across_expiry() {
        let (client, refreshes) = start().await;
        let clock = SourceClock::new();
        let tokens = Tokens::new(expiring_soon(&clock, "bo")).with_refresh("refresh-bo");
        let source = client.token_source(tokens, options_on(&clock));
        tokens::keeps_working_across_expiry(source.clone(), &clock, &refreshes, "bo").await;
        // No new refresh token in the answer: the current one is kept.
        assert_eq!(source.tokens().refresh.unwrap().secret(), "refresh-bo");
    }

    #[tokio::test]
    async fn a_hundred_concurrent_requests_with_an_expired_token_refresh_once() {
        let (client, refreshes) = start().await;
        let source = client.token_source(Tokens::new(expired("bo")).with_refresh("refresh-bo"), options());
        tokens::concurrent_requests_refresh_once(source, &refreshes, "bo").await;
    }

    #[tokio::test]
    async fn a_revoked_refresh_token_is_a_typed_error() {
        let (client, _) = start().await;
        let source = client.token_source(Tokens::new(expired("bo")).with_refresh("revoked"), options());
        tokens::a_revoked_refresh_is_a_typed_error(source).await;
    }
}

/// AISquare: SimpleJWT's refresh view with rotation and blacklisting: both tokens in, both out.
mod aisquare_studio {
    use super::*;
    use ::aisquare_studio::operations::{RefreshCreateRequest, RefreshCreateResponse};
    use ::aisquare_studio::{router, Api, Client};
    use apigen_runtime::server::HandlerError;
    use serde_json::json;
    use std::collections::HashSet;

    struct RefreshView {
        blacklist: Mutex<HashSet<String>>,
        refreshes: Arc<AtomicU64>,
    }

    impl Api for RefreshView {
        async fn refresh_create(&self, request: RefreshCreateRequest) -> Result<RefreshCreateResponse, HandlerError> {
            let Some(body) = request.body else {
                return Ok(RefreshCreateResponse::BadRequest(json!({ "refresh": ["This field is required."] })));
            };
            // Blacklisted after rotation: a spent refresh token is refused.
            if !self.blacklist.lock().unwrap().insert(body.refresh.clone()) {
                return Ok(RefreshCreateResponse::BadRequest(json!({ "detail": "Token is blacklisted" })));
            }
            let Some(user) = body.refresh.strip_prefix("refresh-").map(|rest| rest.split('.').next().unwrap_or(rest))
            else {
                return Ok(RefreshCreateResponse::BadRequest(json!({ "detail": "Token is invalid or expired" })));
            };
            let count = self.refreshes.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(RefreshCreateResponse::Ok(json!({
                "access": refreshed_access_token(user),
                "refresh": format!("refresh-{user}.{count}"),
            })))
        }
    }

    async fn start() -> (Client, Arc<AtomicU64>) {
        let refreshes = Arc::new(AtomicU64::new(0));
        let view = RefreshView { blacklist: Mutex::default(), refreshes: refreshes.clone() };
        let address = serve(router(view)).await;
        (Client::with_base_url(&format!("http://{address}")), refreshes)
    }

    #[tokio::test]
    async fn keeps_working_across_expiry_and_reports_the_rotation() {
        let (client, refreshes) = start().await;
        let reported = Arc::new(Mutex::new(Vec::new()));
        let hook = reported.clone();
        let clock = SourceClock::new();
        let options = options_on(&clock).on_rotate(move |tokens| hook.lock().unwrap().push(tokens.clone()));
        let source = client.token_source(Tokens::new(expiring_soon(&clock, "cy")).with_refresh("refresh-cy"), options);
        tokens::keeps_working_across_expiry(source, &clock, &refreshes, "cy").await;
        let reported = reported.lock().unwrap();
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].refresh.as_ref().unwrap().secret(), "refresh-cy.1");
    }

    #[tokio::test]
    async fn a_hundred_concurrent_requests_with_an_expired_token_refresh_once() {
        let (client, refreshes) = start().await;
        let source = client.token_source(Tokens::new(expired("cy")).with_refresh("refresh-cy"), options());
        tokens::concurrent_requests_refresh_once(source, &refreshes, "cy").await;
    }

    #[tokio::test]
    async fn a_blacklisted_refresh_token_is_a_typed_error() {
        let (client, _) = start().await;
        let spent = RefreshCreateRequest {
            body: Some(::aisquare_studio::types::TokenRefresh { access: expired("cy"), refresh: "refresh-cy".into() }),
        };
        assert!(matches!(client.refresh_create(spent).await.unwrap(), RefreshCreateResponse::Ok(_)));
        let source = client.token_source(Tokens::new(expired("cy")).with_refresh("refresh-cy"), options());
        tokens::a_revoked_refresh_is_a_typed_error(source).await;
    }
}

/// BNN: `/v2/refresh_token` takes the current token as the bearer credential and answers a new
/// one in `data.refresh_token`; the generated router checks the bearer token first.
mod bnn_console {
    use super::*;
    use ::bnn_console::operations::{V1RefreshTokenPostResponse, V2RefreshTokenPostResponse};
    use ::bnn_console::types::{ErrorEnvelope, V2RefreshTokenPostOkBody, V2RefreshTokenPostOkBodyData};
    use ::bnn_console::{router, Api, Client};
    use apigen_runtime::jwt::Claims;
    use apigen_runtime::server::HandlerError;
    use std::collections::HashSet;

    struct Console {
        revoked_subjects: HashSet<String>,
        refreshes: Arc<AtomicU64>,
    }

    impl Api for Console {
        type Claims = Claims;

        async fn v1_refresh_token_post(&self, _claims: Claims) -> Result<V1RefreshTokenPostResponse, HandlerError> {
            Ok(V1RefreshTokenPostResponse::Ok)
        }

        async fn v2_refresh_token_post(&self, claims: Claims) -> Result<V2RefreshTokenPostResponse, HandlerError> {
            let subject = claims.sub.unwrap_or_default();
            if self.revoked_subjects.contains(&subject) {
                return Ok(V2RefreshTokenPostResponse::Forbidden(ErrorEnvelope {
                    error_description: Some("refresh tokens are disabled for this user".into()),
                    ..ErrorEnvelope::default()
                }));
            }
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            let data = V2RefreshTokenPostOkBodyData {
                refresh_token: Some(refreshed_access_token(&subject)),
                ..V2RefreshTokenPostOkBodyData::default()
            };
            Ok(V2RefreshTokenPostResponse::Ok(V2RefreshTokenPostOkBody {
                data: Some(data),
                ..V2RefreshTokenPostOkBody::default()
            }))
        }
    }

    async fn start() -> (Client, Arc<AtomicU64>) {
        let refreshes = Arc::new(AtomicU64::new(0));
        let console = Console { revoked_subjects: HashSet::from(["mallory".to_owned()]), refreshes: refreshes.clone() };
        let address = serve(router(console, tokens::verifier())).await;
        (Client::with_base_url(&format!("http://{address}")), refreshes)
    }

    #[tokio::test]
    async fn keeps_working_across_expiry() {
        let (client, refreshes) = start().await;
        let clock = SourceClock::new();
        let source = client.token_source(Tokens::new(expiring_soon(&clock, "dee")), options_on(&clock));
        tokens::keeps_working_across_expiry(source, &clock, &refreshes, "dee").await;
    }

    #[tokio::test]
    async fn a_hundred_concurrent_requests_with_a_due_token_refresh_once() {
        let (client, refreshes) = start().await;
        let source = client.token_source(Tokens::new(due("dee")), options());
        tokens::concurrent_requests_refresh_once(source, &refreshes, "dee").await;
    }

    #[tokio::test]
    async fn a_refused_refresh_is_a_typed_error() {
        let (client, _) = start().await;
        // Expired: the router's verifier refuses the bearer token (401).
        tokens::a_revoked_refresh_is_a_typed_error(client.token_source(Tokens::new(expired("dee")), options())).await;
        // Valid, but the console refuses to refresh it (403).
        tokens::a_revoked_refresh_is_a_typed_error(client.token_source(Tokens::new(due("mallory")), options())).await;
    }
}
