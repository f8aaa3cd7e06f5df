//! Forsta's `/api-token-refresh/` (from Swagger 2.0): the refreshed token, DRF's 400 body,
//! and the `JSON Web Token` API key sent as `Authorization: JWT <token>`.

use apigen_runtime::server::axum::{self, extract::Request, middleware::Next};
use apigen_runtime::server::{HandlerError, Presented, Rejection};
use e2e::{assert_problem, serve};
use forsta_atlas::operations::{ApiTokenRefreshCreateRequest, ApiTokenRefreshCreateResponse};
use forsta_atlas::types::{Refresh, ValidationErrors};
use forsta_atlas::{router, Api, Client};
use std::sync::{Arc, Mutex};

/// djangorestframework-jwt's refresh view: a known token is re-issued with a new
/// expiration, anything else is refused with `non_field_errors`.
struct RefreshView;

impl Api for RefreshView {
    /// The presented token, as the header carried it.
    type Claims = String;

    async fn api_token_refresh_create(
        &self,
        presented: String,
        request: ApiTokenRefreshCreateRequest,
    ) -> Result<ApiTokenRefreshCreateResponse, HandlerError> {
        assert_eq!(presented, request.body.token, "the header and the body carry the same token");
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
    // Any token in the header is let through; the view itself judges the one in the body.
    let accept_any = |presented: Presented<'_>| Ok::<_, Rejection>(presented.credential.to_owned());
    let app = router(RefreshView, accept_any).layer(axum::middleware::from_fn(move |request: Request, next: Next| {
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
    let client = client.with_json_web_token("expired");
    let request = ApiTokenRefreshCreateRequest { body: Refresh { token: "expired".into() } };
    match client.api_token_refresh_create(request).await.unwrap() {
        ApiTokenRefreshCreateResponse::BadRequest(errors) => {
            assert_eq!(errors.non_field_errors.unwrap(), ["Signature has expired."]);
        }
        other => panic!("expected 400, got {other:?}"),
    }
    assert_eq!(seen.lock().unwrap().as_slice(), ["JWT expired"]);
}

#[tokio::test]
async fn no_token_or_another_prefix_is_a_401_challenge() {
    let (client, base, seen) = start().await;
    let request = || ApiTokenRefreshCreateRequest { body: Refresh { token: "valid.abc".into() } };
    // The spec documents the 401: the client gets it as a variant.
    match client.api_token_refresh_create(request()).await.unwrap() {
        ApiTokenRefreshCreateResponse::Unauthorized(failed) => {
            assert_eq!(failed.detail.as_deref(), Some("this operation requires a credential"));
        }
        other => panic!("expected 401, got {other:?}"),
    }
    assert!(seen.lock().unwrap().is_empty());
    let reply = e2e::send_raw_with(
        "POST",
        &format!("{base}/api-token-refresh/"),
        &[("content-type", "application/json")],
        r#"{"token": "valid.abc"}"#,
    )
    .await;
    assert_problem(&reply, 401);
    assert_eq!(reply.challenge, "JWT realm=\"api\"");

    let reply = e2e::send_raw_with(
        "POST",
        &format!("{base}/api-token-refresh/"),
        &[("content-type", "application/json"), ("authorization", "Bearer valid.abc")],
        r#"{"token": "valid.abc"}"#,
    )
    .await;
    assert_problem(&reply, 401);
    assert!(reply.body["detail"].as_str().unwrap().contains("prefix"), "{}", reply.body);
}

#[tokio::test]
async fn the_required_body_is_enforced_by_the_server() {
    let (_, base, _) = start().await;
    let url = format!("{base}/api-token-refresh/");
    let headers = [("content-type", "application/json"), ("authorization", "JWT valid.abc")];
    let reply = e2e::send_raw_with("POST", &url, &headers, "").await;
    assert_problem(&reply, 400);
    assert!(reply.body["detail"].as_str().unwrap().contains("required"));
    let reply = e2e::send_raw_with("POST", &url, &headers, "{}").await;
    assert_problem(&reply, 400);
}
