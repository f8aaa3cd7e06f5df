//! `apigen_macros::generate!` expands a spec in place, as the build script's `include!` would:
//! its client and server talk to each other and to a raw request written from the spec.

use apigen_runtime::server::HandlerError;
use e2e::{send_raw, serve};

mod auth {
    apigen_macros::generate!("../specs/auth-api-v2.yaml");
}

use auth::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth::types::{AuthToken, AuthTokenRequest, AuthenticationError};

struct Issuer;

impl auth::server::Api for Issuer {
    async fn auth_token_create(
        &self,
        request: AuthTokenCreateRequest,
    ) -> Result<AuthTokenCreateResponse, HandlerError> {
        let body = request.body.expect("the test sends a body");
        if body.api_secret != "secret" {
            return Ok(AuthTokenCreateResponse::Unauthorized(AuthenticationError { detail: "no".into() }));
        }
        Ok(AuthTokenCreateResponse::Created(AuthToken {
            access_token: format!("access-for-{}", body.api_key),
            refresh_token: "refresh".into(),
            token_type: Some("Bearer".into()),
            expires_in: Some(60),
        }))
    }

    async fn auth_token_refresh(
        &self,
        _request: AuthTokenRefreshRequest,
    ) -> Result<AuthTokenRefreshResponse, HandlerError> {
        Ok(AuthTokenRefreshResponse::Unauthorized(AuthenticationError { detail: "spent".into() }))
    }
}

#[tokio::test]
async fn the_expanded_client_and_server_work() {
    let address = serve(auth::server::router(Issuer)).await;
    let base = format!("http://{address}/api/v2");
    let client = auth::client::Client::with_base_url(&base);
    let credentials = AuthTokenRequest { api_key: "k".into(), api_secret: "secret".into() };
    match client.auth_token_create(AuthTokenCreateRequest { body: Some(credentials) }).await.unwrap() {
        AuthTokenCreateResponse::Created(token) => assert_eq!(token.access_token, "access-for-k"),
        other => panic!("{other:?}"),
    }
    // The spec's wire: POST /auth/token under the base path, JSON in, 201 with the pair out.
    let body = r#"{"api_key":"raw","api_secret":"secret"}"#;
    let reply = send_raw("POST", &format!("{base}/auth/token"), Some("application/json"), body).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body["access_token"], "access-for-raw");
    let reply = send_raw("POST", &format!("{base}/auth/token"), Some("application/json"), r#"{"api_key":"raw"}"#).await;
    assert_eq!(reply.status, 400, "a body without api_secret is refused before the handler");
}
