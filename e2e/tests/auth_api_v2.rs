//! The `/api/v2` Auth API: issue and rotate token pairs, every documented status, and the
//! server's answers to malformed requests.

use apigen_runtime::client::Error;
use apigen_runtime::server::HandlerError;
use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::{AuthToken, AuthTokenRequest, AuthenticationError, RefreshTokenRequest, ValidationError};
use auth_api_v2::{router, Api, Client};
use e2e::{assert_problem, send_raw, serve};
use std::collections::HashSet;
use std::sync::Mutex;

/// An in-memory token service that behaves as the API document says: one API user, token
/// pairs issued on `api_key`/`api_secret`, refresh tokens spent on use.
#[derive(Default)]
struct TokenService {
    live_refresh_tokens: Mutex<HashSet<String>>,
    issued: Mutex<u64>,
}

const API_KEY: &str = "key-1";
const API_SECRET: &str = "secret-1";

impl TokenService {
    fn issue(&self) -> AuthToken {
        let mut issued = self.issued.lock().unwrap();
        *issued += 1;
        let refresh_token = format!("refresh-{issued}");
        self.live_refresh_tokens.lock().unwrap().insert(refresh_token.clone());
        AuthToken {
            access_token: format!("access-{issued}"),
            refresh_token,
            token_type: Some("Bearer".into()),
            expires_in: Some(300),
        }
    }
}

fn missing_body() -> ValidationError {
    ValidationError { message: "the request body is required".into(), errors: None }
}

impl Api for TokenService {
    async fn auth_token_create(
        &self,
        request: AuthTokenCreateRequest,
    ) -> Result<AuthTokenCreateResponse, HandlerError> {
        let Some(credentials) = request.body else { return Ok(AuthTokenCreateResponse::BadRequest(missing_body())) };
        if credentials.api_key == "panic" {
            panic!("the implementation failed");
        }
        if credentials.api_key == "teapot" {
            return Err(HandlerError::response((apigen_runtime::http::StatusCode::IM_A_TEAPOT, "short and stout")));
        }
        if credentials.api_key != API_KEY || credentials.api_secret != API_SECRET {
            return Ok(AuthTokenCreateResponse::Unauthorized(AuthenticationError {
                detail: "unknown API user".into(),
            }));
        }
        Ok(AuthTokenCreateResponse::Created(self.issue()))
    }

    async fn auth_token_refresh(
        &self,
        request: AuthTokenRefreshRequest,
    ) -> Result<AuthTokenRefreshResponse, HandlerError> {
        let Some(body) = request.body else { return Ok(AuthTokenRefreshResponse::BadRequest(missing_body())) };
        if !self.live_refresh_tokens.lock().unwrap().remove(&body.refresh_token) {
            return Ok(AuthTokenRefreshResponse::Unauthorized(AuthenticationError {
                detail: "refresh token is spent or unknown".into(),
            }));
        }
        Ok(AuthTokenRefreshResponse::Created(self.issue()))
    }
}

async fn start() -> (Client, String) {
    let address = serve(router(TokenService::default())).await;
    let base = format!("http://{address}/api/v2");
    (Client::with_base_url(&base), base)
}

fn credentials(key: &str, secret: &str) -> AuthTokenCreateRequest {
    AuthTokenCreateRequest { body: Some(AuthTokenRequest { api_key: key.into(), api_secret: secret.into() }) }
}

#[tokio::test]
async fn issues_and_rotates_token_pairs() {
    let (client, _) = start().await;
    let AuthTokenCreateResponse::Created(first) =
        client.auth_token_create(credentials(API_KEY, API_SECRET)).await.unwrap()
    else {
        panic!("expected 201");
    };
    assert_eq!(first.token_type.as_deref(), Some("Bearer"));
    let refresh =
        |token: &str| AuthTokenRefreshRequest { body: Some(RefreshTokenRequest { refresh_token: token.into() }) };
    let AuthTokenRefreshResponse::Created(second) =
        client.auth_token_refresh(refresh(&first.refresh_token)).await.unwrap()
    else {
        panic!("expected 201");
    };
    assert_ne!(second.access_token, first.access_token);
    // The first refresh token is spent: reuse is refused with the documented 401 body.
    match client.auth_token_refresh(refresh(&first.refresh_token)).await.unwrap() {
        AuthTokenRefreshResponse::Unauthorized(error) => assert_eq!(error.detail, "refresh token is spent or unknown"),
        other => panic!("expected 401, got {other:?}"),
    }
    assert!(matches!(
        client.auth_token_refresh(AuthTokenRefreshRequest::default()).await.unwrap(),
        AuthTokenRefreshResponse::BadRequest(_)
    ));
}

#[tokio::test]
async fn every_documented_status_of_token_create() {
    let (client, _) = start().await;
    assert!(matches!(
        client.auth_token_create(credentials(API_KEY, API_SECRET)).await.unwrap(),
        AuthTokenCreateResponse::Created(_)
    ));
    match client.auth_token_create(AuthTokenCreateRequest::default()).await.unwrap() {
        AuthTokenCreateResponse::BadRequest(error) => assert_eq!(error, missing_body()),
        other => panic!("expected 400, got {other:?}"),
    }
    assert!(matches!(
        client.auth_token_create(credentials(API_KEY, "wrong")).await.unwrap(),
        AuthTokenCreateResponse::Unauthorized(AuthenticationError { .. })
    ));
}

#[tokio::test]
async fn undocumented_status_is_a_typed_error_with_status_and_body() {
    let (client, _) = start().await;
    let error = client.auth_token_create(credentials("teapot", "")).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(418));
    match error {
        Error::UnexpectedStatus(response) => assert_eq!(response.text(), "short and stout"),
        other => panic!("expected an unexpected-status error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_panic_in_the_implementation_is_a_500_and_the_server_goes_on() {
    let (client, base) = start().await;
    let reply = send_raw(
        "POST",
        &format!("{base}/auth/token"),
        Some("application/json"),
        r#"{"api_key":"panic","api_secret":""}"#,
    )
    .await;
    assert_problem(&reply, 500);
    assert!(matches!(
        client.auth_token_create(credentials(API_KEY, API_SECRET)).await.unwrap(),
        AuthTokenCreateResponse::Created(_)
    ));
}

#[tokio::test]
async fn malformed_requests_get_problem_responses() {
    let (_, base) = start().await;
    let url = format!("{base}/auth/token");

    let reply = send_raw("POST", &url, Some("application/json"), "{not json").await;
    assert_problem(&reply, 400);

    let reply = send_raw("POST", &url, Some("application/json"), r#"{"api_key": 1, "api_secret": "x"}"#).await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["pointer"], "/api_key");

    let reply = send_raw("POST", &url, Some("application/json"), r#"{"api_key": "x"}"#).await;
    assert_problem(&reply, 400);
    assert!(reply.body["detail"].as_str().unwrap().contains("api_secret"), "{}", reply.body);

    let reply = send_raw("POST", &url, Some("text/plain"), "api_key=x").await;
    assert_problem(&reply, 415);

    let reply = send_raw("POST", &url, None, r#"{"api_key":"x","api_secret":"y"}"#).await;
    assert_problem(&reply, 415);

    let reply = send_raw("GET", &url, None, "").await;
    assert_problem(&reply, 405);

    let reply = send_raw("POST", &format!("{base}/auth/nowhere"), None, "").await;
    assert_problem(&reply, 404);

    let reply = send_raw(
        "POST",
        &format!("http://{}/auth/token", base.trim_start_matches("http://").split('/').next().unwrap()),
        None,
        "",
    )
    .await;
    assert_problem(&reply, 404);

    // Bodies past axum's default limit (2 MB) are refused before decoding.
    let oversized = format!(r#"{{"api_key":"{}","api_secret":"x"}}"#, "k".repeat(3 * 1024 * 1024));
    let reply = send_raw("POST", &url, Some("application/json"), &oversized).await;
    assert_problem(&reply, 413);
}
