//! `POST /api/v1/authenticate/refresh`: a `*/*` API with one error shape on four statuses.

use apigen_runtime::client::Error;
use apigen_runtime::server::HandlerError;
use authenticate_refresh::operations::{
    RefreshAuthenticationTokenRequest, RefreshAuthenticationTokenResponse as Response,
};
use authenticate_refresh::types::{ApiError, ErrorResponse, JwtTokenResponse, RefreshTokenRequest};
use authenticate_refresh::{router, Api, Client};
use e2e::serve;

/// Refresh tokens look like `refresh:<user>`; the user `ghost` does not exist, `old` has an
/// expired refresh token and `broken` makes the service fail.
struct Authentication;

fn error(code: &str, message: &str) -> ErrorResponse {
    ErrorResponse {
        error: Some(ApiError {
            code: Some(code.into()),
            message: Some(message.into()),
            target: Some("refreshToken".into()),
            details: Some(vec![]),
        }),
    }
}

impl Api for Authentication {
    async fn refresh_authentication_token(
        &self,
        request: RefreshAuthenticationTokenRequest,
    ) -> Result<Response, HandlerError> {
        let Some(user) = request.body.refresh_token.strip_prefix("refresh:") else {
            return Ok(Response::BadRequest(error("malformed", "not a refresh token")));
        };
        Ok(match user {
            "ghost" => Response::NotFound(error("not_found", "no such user")),
            "old" => Response::Unauthorized(error("expired", "the refresh token has expired")),
            "broken" => Response::InternalServerError(error("internal", "the token store is down")),
            user => Response::Ok(JwtTokenResponse { jwt_token: Some(format!("jwt-for-{user}")) }),
        })
    }
}

fn refresh(token: &str) -> RefreshAuthenticationTokenRequest {
    RefreshAuthenticationTokenRequest { body: RefreshTokenRequest { refresh_token: token.into() } }
}

#[tokio::test]
async fn every_documented_status_is_typed() {
    let address = serve(router(Authentication)).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    assert_eq!(
        client.refresh_authentication_token(refresh("refresh:ada")).await.unwrap(),
        Response::Ok(JwtTokenResponse { jwt_token: Some("jwt-for-ada".into()) })
    );
    let cases = [
        ("nonsense", 400, "malformed"),
        ("refresh:old", 401, "expired"),
        ("refresh:ghost", 404, "not_found"),
        ("refresh:broken", 500, "internal"),
    ];
    for (token, status, code) in cases {
        let (actual_status, body) = match client.refresh_authentication_token(refresh(token)).await.unwrap() {
            Response::BadRequest(body) => (400, body),
            Response::Unauthorized(body) => (401, body),
            Response::NotFound(body) => (404, body),
            Response::InternalServerError(body) => (500, body),
            Response::Ok(body) => panic!("expected an error for {token}, got {body:?}"),
        };
        assert_eq!(actual_status, status, "{token}");
        assert_eq!(body.error.unwrap().code.as_deref(), Some(code));
    }
}

/// A server that answers a documented status with a body of the wrong shape.
#[tokio::test]
async fn an_undecodable_body_is_a_typed_error_with_the_raw_response() {
    use apigen_runtime::server::axum::{routing::post, Router};
    let app = Router::new()
        .route("/api/v1/authenticate/refresh", post(|| async { (apigen_runtime::http::StatusCode::OK, "[1, 2]") }));
    let address = e2e::serve_fake(app).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    match client.refresh_authentication_token(refresh("refresh:ada")).await.unwrap_err() {
        Error::Decode { response, message } => {
            assert_eq!(response.status.as_u16(), 200);
            assert_eq!(response.text(), "[1, 2]");
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unreachable_server_is_a_transport_error() {
    // Bind and drop a listener so that the port is closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::with_base_url(&format!("http://{address}"));
    let error = client.refresh_authentication_token(refresh("refresh:ada")).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}
