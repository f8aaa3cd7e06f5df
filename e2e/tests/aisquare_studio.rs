//! AISquare's `refresh-create` (from OpenAPI 3.1): "Any type" bodies both ways.

use aisquare_studio::operations::{RefreshCreateRequest, RefreshCreateResponse};
use aisquare_studio::types::TokenRefresh;
use aisquare_studio::{router, Api, Client};
use apigen_runtime::server::HandlerError;
use e2e::serve;
use serde_json::json;

/// simplejwt's refresh view: a refresh token starting with `good` yields a new access token.
struct TokenRefreshView;

impl Api for TokenRefreshView {
    async fn refresh_create(&self, request: RefreshCreateRequest) -> Result<RefreshCreateResponse, HandlerError> {
        match request.body {
            Some(TokenRefresh { refresh, .. }) if refresh.starts_with("good") => {
                Ok(RefreshCreateResponse::Ok(json!({ "access": format!("access-from-{refresh}") })))
            }
            _ => Ok(RefreshCreateResponse::BadRequest(
                json!({ "detail": "Token is invalid or expired", "code": "token_not_valid" }),
            )),
        }
    }
}

#[tokio::test]
async fn both_documented_statuses_carry_any_json() {
    let address = serve(router(TokenRefreshView)).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    assert_eq!(aisquare_studio::client::DEFAULT_BASE_URL, "https://api.example.com");
    let request = |refresh: &str| RefreshCreateRequest {
        body: Some(TokenRefresh { access: "a".into(), refresh: refresh.into() }),
    };
    assert_eq!(
        client.refresh_create(request("good-1")).await.unwrap(),
        RefreshCreateResponse::Ok(json!({ "access": "access-from-good-1" }))
    );
    match client.refresh_create(request("bad")).await.unwrap() {
        RefreshCreateResponse::BadRequest(body) => assert_eq!(body["code"], "token_not_valid"),
        other => panic!("expected 400, got {other:?}"),
    }
    assert!(matches!(
        client.refresh_create(RefreshCreateRequest::default()).await.unwrap(),
        RefreshCreateResponse::BadRequest(_)
    ));
}
