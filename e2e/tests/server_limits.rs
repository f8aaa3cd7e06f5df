//! Request limits of generated routers: a body larger than the limit is a 413 problem whether
//! it declares its length or streams in chunks, a request not answered in time is a 408
//! problem, and both limits are on by default and configurable.

use apigen_runtime::server::{with_limits, HandlerError, Limits};
use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::AuthenticationError;
use auth_api_v2::{router, Api};
use e2e::{assert_problem, send_raw, serve};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Refuses every credential, after a pause when the API key asks for one.
struct Gate;

impl Api for Gate {
    async fn auth_token_create(
        &self,
        request: AuthTokenCreateRequest,
    ) -> Result<AuthTokenCreateResponse, HandlerError> {
        if request.body.is_some_and(|body| body.api_key == "slow") {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Ok(AuthTokenCreateResponse::Unauthorized(AuthenticationError { detail: "no".into() }))
    }

    async fn auth_token_refresh(&self, _: AuthTokenRefreshRequest) -> Result<AuthTokenRefreshResponse, HandlerError> {
        Err(HandlerError::Internal("not used".into()))
    }
}

/// A credentials body of about `size` bytes.
fn credentials_of_size(size: usize) -> String {
    format!(r#"{{"api_key": "{}", "api_secret": "s"}}"#, "k".repeat(size))
}

#[tokio::test]
async fn a_body_over_the_default_limit_is_413() {
    let address = serve(router(Gate)).await;
    let url = format!("http://{address}/api/v2/auth/token");
    // Just under 2 MiB reaches the handler; just over does not.
    let reply = send_raw("POST", &url, Some("application/json"), &credentials_of_size((2 << 20) - 100)).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    let reply = send_raw("POST", &url, Some("application/json"), &credentials_of_size(2 << 20)).await;
    assert_problem(&reply, 413);
    assert_eq!(reply.body["detail"], "the request body is larger than the limit of 2097152 bytes");
}

#[tokio::test]
async fn a_chunked_body_is_cut_off_at_the_limit() {
    let address = serve(with_limits(router(Gate), Limits::default().body_bytes(1000))).await;
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = "POST /api/v2/auth/token HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    let body = credentials_of_size(5000);
    for chunk in body.as_bytes().chunks(512) {
        // The server may answer and close before the last chunk; later writes may fail.
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("application/problem+json"), "{reply}");
    assert!(reply.contains("larger than the limit of 1000 bytes"), "{reply}");
}

#[tokio::test]
async fn limits_are_configurable() {
    let small = serve(with_limits(router(Gate), Limits::default().body_bytes(100))).await;
    let reply = send_raw(
        "POST",
        &format!("http://{small}/api/v2/auth/token"),
        Some("application/json"),
        &credentials_of_size(200),
    )
    .await;
    assert_problem(&reply, 413);

    let large = serve(with_limits(router(Gate), Limits::default().body_bytes(8 << 20))).await;
    let reply = send_raw(
        "POST",
        &format!("http://{large}/api/v2/auth/token"),
        Some("application/json"),
        &credentials_of_size(3 << 20),
    )
    .await;
    assert_eq!(reply.status, 401, "a 3 MiB body reaches the handler under an 8 MiB limit: {}", reply.body);
}

#[tokio::test]
async fn a_request_not_answered_in_time_is_408() {
    let address = serve(with_limits(router(Gate), Limits::default().timeout(Duration::from_millis(200)))).await;
    let url = format!("http://{address}/api/v2/auth/token");
    let reply = send_raw("POST", &url, Some("application/json"), r#"{"api_key": "slow", "api_secret": "s"}"#).await;
    assert_problem(&reply, 408);
    assert_eq!(reply.body["detail"], "the request was not answered within 200 ms");
    // A quick request on the same router is answered as usual.
    let reply = send_raw("POST", &url, Some("application/json"), r#"{"api_key": "k", "api_secret": "s"}"#).await;
    assert_eq!(reply.status, 401);
}

#[test]
fn the_defaults_are_two_mebibytes_and_thirty_seconds() {
    assert_eq!(Limits::default().max_body_bytes(), 2 << 20);
    assert_eq!(Limits::default().max_duration(), Duration::from_secs(30));
}
