//! Forsta's `/api-token-refresh/` (from Swagger 2.0): the refreshed token, DRF's 400 body,
//! and the `JSON Web Token` API key sent as `Authorization: JWT <token>`.

use apigen_runtime::server::axum::{self, extract::Request, middleware::Next};
use apigen_runtime::server::HandlerError;
use e2e::{assert_problem, send_raw, serve};
use forsta_atlas::operations::{ApiTokenRefreshCreateRequest, ApiTokenRefreshCreateResponse};
use forsta_atlas::types::{Refresh, ValidationErrors};
use forsta_atlas::{router, Api, Client};
use std::sync::{Arc, Mutex};

/// djangorestframework-jwt's refresh view: a known token is re-issued with a new
/// expiration, anything else is refused with `non_field_errors`.
struct RefreshView;

impl Api for RefreshView {
    async fn api_token_refresh_create(
        &self,
        request: ApiTokenRefreshCreateRequest,
    ) -> Result<ApiTokenRefreshCreateResponse, HandlerError> {
        match request.body.token.strip_prefix("valid.") {
            Some(rest) => Ok(ApiTokenRefreshCreateResponse::Ok(Refresh { token: format!("valid.{rest}.refreshed") })),
            None => Ok(ApiTokenRefreshCreateResponse::BadRequest(ValidationErrors {
                non_field_errors: Some(vec!["Signature has expired.".into()]),
                token: None,
            })),
        }
    }
}

/// Serves the generated router behind a layer that records each `Authorization` header.
async fn start() -> (Client, String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let app = router(RefreshView).layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let recorder = recorder.clone();
        async move {
            if let Some(value) = request.headers().get("authorization").and_then(|value| value.to_str().ok()) {
                recorder.lock().unwrap().push(value.to_owned());
            }
            next.run(request).await
        }
    }));
    let address = serve(app).await;
    let base = format!("http://{address}/v1");
    (Client::with_base_url(&base), base, seen)
}

#[tokio::test]
async fn refreshes_a_token_and_sends_the_jwt_prefixed_key() {
    let (client, _, seen) = start().await;
    let client = client.with_json_web_token("valid.abc");
    let request = ApiTokenRefreshCreateRequest { body: Refresh { token: "valid.abc".into() } };
    match client.api_token_refresh_create(request).await.unwrap() {
        ApiTokenRefreshCreateResponse::Ok(refresh) => assert_eq!(refresh.token, "valid.abc.refreshed"),
        other => panic!("expected 200, got {other:?}"),
    }
    assert_eq!(seen.lock().unwrap().as_slice(), ["JWT valid.abc"]);
}

#[tokio::test]
async fn an_expired_token_is_the_documented_400() {
    let (client, _, seen) = start().await;
    let request = ApiTokenRefreshCreateRequest { body: Refresh { token: "expired".into() } };
    match client.api_token_refresh_create(request).await.unwrap() {
        ApiTokenRefreshCreateResponse::BadRequest(errors) => {
            assert_eq!(errors.non_field_errors.unwrap(), ["Signature has expired."]);
        }
        other => panic!("expected 400, got {other:?}"),
    }
    // No credential was set, so none was sent.
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_required_body_is_enforced_by_the_server() {
    let (_, base, _) = start().await;
    let reply = send_raw("POST", &format!("{base}/api-token-refresh/"), Some("application/json"), "").await;
    assert_problem(&reply, 400);
    assert!(reply.body["detail"].as_str().unwrap().contains("required"));
    let reply = send_raw("POST", &format!("{base}/api-token-refresh/"), Some("application/json"), "{}").await;
    assert_problem(&reply, 400);
}
