//! Helpers for the end-to-end tests: serving a router on an ephemeral loopback port, and
//! sending raw requests that a generated client would never send.

use apigen_runtime::server::axum::Router;
use std::net::SocketAddr;

/// Serves `router` on 127.0.0.1 with an ephemeral port; the server lives as long as the
/// test's runtime. Its exchanges are recorded when `E2E_RECORD_DIR` is set ([`recording`]).
pub async fn serve(router: Router) -> SocketAddr {
    serve_as_is(recording::recorded(router)).await
}

/// Serves a hand-written `router` that answers as no spec does (a body of the wrong shape, a
/// member missing), for the client's error tests. Its exchanges are never recorded: the
/// oracle judges generated servers.
pub async fn serve_fake(router: Router) -> SocketAddr {
    serve_as_is(router).await
}

async fn serve_as_is(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        apigen_runtime::server::axum::serve(listener, router).await.expect("serve");
    });
    address
}

/// Runs `call` `count` times at once, each on its own task, and returns the outcomes in order:
/// the hundred concurrent callers of the token tests.
pub async fn concurrently<T, F>(count: usize, call: impl Fn() -> F) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tasks: Vec<_> = (0..count).map(|_| tokio::spawn(call())).collect();
    let mut outcomes = Vec::with_capacity(count);
    for task in tasks {
        outcomes.push(task.await.expect("a concurrent call panicked"));
    }
    outcomes
}

/// Reads one HTTP/1.1 message head and body from `stream` (the peer closes or sends
/// `content-length` bytes).
pub async fn read_message(stream: &mut tokio::net::TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(end) = bytes.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
            let length = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length").then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            let mut body = bytes[end + 4..].to_vec();
            while body.len() < length {
                let read = tokio::io::AsyncReadExt::read(stream, &mut buffer).await?;
                if read == 0 {
                    break;
                }
                body.extend_from_slice(&buffer[..read]);
            }
            return Ok((head, body));
        }
        let read = tokio::io::AsyncReadExt::read(stream, &mut buffer).await?;
        if read == 0 {
            return Ok((String::from_utf8_lossy(&bytes).into_owned(), Vec::new()));
        }
        bytes.extend_from_slice(&buffer[..read]);
    }
}

/// What a [`recording_server`] received: each request's head and body.
pub type Recorded = std::sync::Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// A raw HTTP server on 127.0.0.1 that answers every request with a 200 whose extra header
/// lines are `headers` and whose body is `body` of `content_type`, and keeps what it received:
/// for tests that judge the text a client sends, or what it reads from text written by hand.
pub async fn recording_server(headers: &[String], content_type: &str, body: &str) -> (SocketAddr, Recorded) {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    let headers: String = headers.iter().map(|line| format!("{line}\r\n")).collect();
    let reply = format!(
        "HTTP/1.1 200 OK\r\n{headers}content-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let recorded = Recorded::default();
    let received = recorded.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let (received, reply) = (received.clone(), reply.clone());
            tokio::spawn(async move {
                if let Ok(message) = read_message(&mut stream).await {
                    received.lock().expect("recording").push(message);
                    let _ = stream.write_all(reply.as_bytes()).await;
                }
            });
        }
    });
    (address, recorded)
}

/// A raw response: status, content type, challenge and body parsed as JSON (null when not JSON).
pub struct RawReply {
    pub status: u16,
    pub content_type: String,
    /// The `WWW-Authenticate` header, empty when absent.
    pub challenge: String,
    pub body: serde_json::Value,
}

/// Sends a request by hand, for malformed requests.
pub async fn send_raw(method: &str, url: &str, content_type: Option<&str>, body: &str) -> RawReply {
    let headers: Vec<(&str, &str)> = content_type.map(|value| ("content-type", value)).into_iter().collect();
    send_raw_with(method, url, &headers, body).await
}

/// Sends a request by hand with the given headers.
pub async fn send_raw_with(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> RawReply {
    let client = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client.request(method, url).body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("loopback request");
    let status = response.status().as_u16();
    let header =
        |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
    let (content_type, challenge) = (header("content-type"), header("www-authenticate"));
    let text = response.text().await.expect("body");
    RawReply { status, content_type, challenge, body: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null) }
}

/// Asserts a response is an RFC 9457 problem with the given status.
pub fn assert_problem(reply: &RawReply, status: u16) {
    assert_eq!(reply.status, status, "body: {}", reply.body);
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.body["status"], status);
    assert!(reply.body["title"].is_string() && reply.body["detail"].is_string(), "{}", reply.body);
}

/// The test-only specs of `specs/`, for constructs the seed specs lack, as `cargo xtask
/// generate` writes them into `generated/` (golden files: `generate --check` fails when one
/// is stale, and the tests compile and run exactly that text).
pub mod routing {
    include!("../generated/routing.rs");
}

/// Schemas that refer to themselves with no way out, beside recursion with a base case.
pub mod cyclic {
    include!("../generated/cyclic.rs");
}

/// Parameters in every location, bodies in every media kind, ranges and response headers.
pub mod parameters {
    include!("../generated/parameters.rs");
}

/// Server-sent events, JSON Lines, JSON text sequences and byte streams (OpenAPI 3.2
/// `itemSchema`), with JSON and an event stream on one status.
pub mod streaming {
    include!("../generated/streaming.rs");
}

/// `oneOf` unions, with and without a discriminator.
pub mod unions {
    include!("../generated/unions.rs");
}

/// A resource server secured by an OAuth 2 scheme, where issued tokens are spent.
pub mod protected {
    include!("../generated/protected.rs");
}

/// OpenAPI 3.1 schema constructs: type arrays, const, $defs, allOf, anyOf, recursion,
/// nullable against optional, odd enum values, formats, inline schemas, a file `$ref`.
pub mod schemas {
    include!("../generated/schemas.rs");
}

/// String formats as typed values in a path, a query, a header, a body and a response header.
pub mod formats {
    include!("../generated/formats.rs");
}

/// OpenAPI 3.2's `query` method, `additionalOperations` and `in: querystring` parameters.
pub mod methods {
    include!("../generated/methods.rs");
}

/// Defaults of parameters and members, applied where a value is absent.
pub mod defaults {
    include!("../generated/defaults.rs");
}

/// Schema constraints on parameters and bodies, checked before a method runs.
pub mod constraints {
    include!("../generated/constraints.rs");
}

/// Swagger 2.0: body and formData parameters, definitions, x-nullable, securityDefinitions.
pub mod swagger2 {
    include!("../generated/swagger2.rs");
}

/// A resource server whose OAuth 2 flows name a real OpenID provider on 127.0.0.1.
pub mod oidc {
    include!("../generated/oidc.rs");
}

/// Parameters and bodies read by their declared type: array paths, mixed deepObject members,
/// form strings that look like numbers, list response headers.
pub mod wire {
    include!("../generated/wire.rs");
}

/// One operation per cell of OpenAPI's Style Examples table, for the wire matrix.
pub mod styles {
    include!("../generated/styles.rs");
}

/// A spec split over 260 files (`specs/tree/make.py` writes them): path items, bodies,
/// responses, parameters and schemas each in a file, refs across folders and back into the
/// root document.
pub mod tree {
    include!("../generated/tree.rs");
}

pub mod recording;
pub mod reference;
pub mod style_matrix;
pub mod tokens;
pub mod wire_echo;
