//! The build-time client works like the committed one: against a hand-written axum handler.

use axum::{routing::post, Json, Router};
use build_rs_example::client::Client;
use build_rs_example::operations::{RefreshAuthenticationTokenRequest, RefreshAuthenticationTokenResponse};
use build_rs_example::types::RefreshTokenRequest;
use serde_json::{json, Value};

#[tokio::test]
async fn the_generated_client_calls_the_api() {
    let app = Router::new().route(
        "/api/v1/authenticate/refresh",
        post(|Json(body): Json<Value>| async move {
            match body["refreshToken"].as_str() {
                Some("good") => (apigen_runtime::http::StatusCode::OK, Json(json!({ "jwtToken": "jwt-1" }))),
                _ => (apigen_runtime::http::StatusCode::UNAUTHORIZED, Json(json!({ "error": { "code": "expired" } }))),
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { apigen_runtime::server::axum::serve(listener, app).await.unwrap() });

    let client = Client::with_base_url(&format!("http://{address}"));
    let request =
        |token: &str| RefreshAuthenticationTokenRequest { body: RefreshTokenRequest { refresh_token: token.into() } };
    match client.refresh_authentication_token(request("good")).await.unwrap() {
        RefreshAuthenticationTokenResponse::Ok(body) => assert_eq!(body.jwt_token.as_deref(), Some("jwt-1")),
        other => panic!("expected 200, got {other:?}"),
    }
    match client.refresh_authentication_token(request("stale")).await.unwrap() {
        RefreshAuthenticationTokenResponse::Unauthorized(body) => {
            assert_eq!(body.error.unwrap().code.as_deref(), Some("expired"))
        }
        other => panic!("expected 401, got {other:?}"),
    }
}
