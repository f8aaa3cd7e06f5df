//! A generated client against servers that misbehave, on 127.0.0.1: connections reset,
//! bodies cut short, bodies that are not JSON or not the documented type, bodies too large
//! to hold, servers that never answer, gateway errors and rate limits. Each ends in a typed
//! error, in bounded time and memory; only idempotent requests are retried unless the policy
//! says so or gives them an idempotency key, after the pause the server asks for.

use apigen_runtime::client::{Error, Policy, Retry};
use e2e::routing::client::Client as RoutingClient;
use e2e::routing::operations::{GetRepoRequest, GetRepoResponse};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fault server does with one request.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Closes the connection with a TCP reset before answering.
    Reset,
    /// Declares a 100-byte JSON body and sends 4 bytes of it.
    Truncated,
    /// A 200 whose JSON body does not parse.
    InvalidJson,
    /// A 200 labelled `text/html`, with HTML in it.
    WrongContentType,
    /// A 200 that declares a 10 GiB body.
    HugeDeclared,
    /// A 200 whose chunked body never ends.
    Endless,
    /// Reads the request and never answers.
    Stall,
    /// A 503 gateway error.
    Unavailable,
    /// A 429 with this header (`retry-after: 1`) asking for a pause.
    TooMany(&'static str),
    /// The documented 200 with a JSON string.
    Ok,
}

/// A server that answers its `n`th request (from 0) as `script(n)` says, one request per
/// connection; the counter tells how many requests arrived.
async fn fault_server(script: fn(usize) -> Behaviour) -> (SocketAddr, Arc<AtomicUsize>) {
    let (address, requests, _) = recording_fault_server(script).await;
    (address, requests)
}

/// A fault server that also keeps the head of each request (request line and headers, with
/// the time it arrived), in order of arrival.
async fn recording_fault_server(script: fn(usize) -> Behaviour) -> (SocketAddr, Arc<AtomicUsize>, Heads) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let heads = Heads::default();
    let (counter, recorded) = (requests.clone(), heads.clone());
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let index = counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer(stream, script(index), recorded.clone()));
        }
    });
    (address, requests, heads)
}

type Heads = Arc<std::sync::Mutex<Vec<(std::time::Instant, String)>>>;

async fn read_request(stream: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while !seen.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => seen.extend_from_slice(&buffer[..read]),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

async fn answer(mut stream: TcpStream, behaviour: Behaviour, heads: Heads) {
    let head = read_request(&mut stream).await;
    heads.lock().unwrap().push((std::time::Instant::now(), head));
    let head = |status: &str, content_type: &str, length: &str| {
        format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\n{length}connection: close\r\n\r\n")
    };
    let full = |status: &str, content_type: &str, body: &str| {
        format!("{}{body}", head(status, content_type, &format!("content-length: {}\r\n", body.len())))
    };
    let reply = match behaviour {
        Behaviour::Reset => {
            let socket = socket2::SockRef::from(&stream);
            socket.set_linger(Some(Duration::ZERO)).unwrap();
            return;
        }
        Behaviour::Truncated => format!("{}\"abc", head("200 OK", "application/json", "content-length: 100\r\n")),
        Behaviour::InvalidJson => full("200 OK", "application/json", "\"octocat/hel"),
        Behaviour::WrongContentType => full("200 OK", "text/html", "<html>an error page</html>"),
        Behaviour::HugeDeclared => head("200 OK", "application/json", "content-length: 10737418240\r\n"),
        Behaviour::Endless => {
            let _ =
                stream.write_all(head("200 OK", "application/json", "transfer-encoding: chunked\r\n").as_bytes()).await;
            let chunk = format!("{:x}\r\n{}\r\n", 64 << 10, "x".repeat(64 << 10));
            // Until the client hangs up.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {}
            return;
        }
        Behaviour::Stall => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            return;
        }
        Behaviour::Unavailable => full("503 Service Unavailable", "text/plain", "try later"),
        Behaviour::TooMany(header) => {
            format!("HTTP/1.1 429 Too Many Requests\r\n{header}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        }
        Behaviour::Ok => full("200 OK", "application/json", "\"octocat/hello\""),
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// A policy that fails fast: short pauses between retries, a short time limit.
fn quick() -> Policy {
    Policy::default().timeout(Duration::from_secs(5)).retry(Retry::default().backoff(Duration::from_millis(1)))
}

fn routing_client(address: SocketAddr, policy: Policy) -> RoutingClient {
    RoutingClient::with_base_url(&format!("http://{address}/base")).with_policy(policy)
}

fn get_repo() -> GetRepoRequest {
    GetRepoRequest { owner: "octocat".into(), repo: "hello".into() }
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error_after_the_retries() {
    let (address, requests) = fault_server(|_| Behaviour::Reset).await;
    let error = routing_client(address, quick()).get_repo(get_repo()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 3, "one try and two retries");
}

#[tokio::test]
async fn an_idempotent_request_is_retried_until_it_succeeds() {
    let (address, requests) =
        fault_server(|index| [Behaviour::Reset, Behaviour::Unavailable, Behaviour::Ok][index.min(2)]).await;
    let response = routing_client(address, quick()).get_repo(get_repo()).await.unwrap();
    assert!(matches!(response, GetRepoResponse::Ok(ref body) if body == "octocat/hello"), "{response:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let (address, requests) = fault_server(|index| [Behaviour::Reset, Behaviour::Ok][index.min(1)]).await;
    let error = routing_client(address, quick().retry(Retry::never())).get_repo(get_repo()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_is_not_retried_by_default_but_can_be() {
    let (address, requests) = fault_server(|_| Behaviour::Unavailable).await;
    let client = auth_api_v2::Client::with_base_url(&format!("http://{address}/api/v2")).with_policy(quick());
    let error = client.auth_token_create(login()).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(503), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1, "a POST that failed may have taken effect");

    let (address, requests) = fault_server(|index| [Behaviour::Reset, Behaviour::Unavailable][index.min(1)]).await;
    let client = auth_api_v2::Client::with_base_url(&format!("http://{address}/api/v2"))
        .with_policy(quick().retry(Retry::default().backoff(Duration::from_millis(1)).any_method().max_retries(4)));
    let error = client.auth_token_create(login()).await.unwrap_err();
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 5);
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let (address, _) = fault_server(|_| Behaviour::Truncated).await;
    let error = routing_client(address, quick().retry(Retry::never())).get_repo(get_repo()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_with_status_and_body() {
    let (address, _) = fault_server(|_| Behaviour::InvalidJson).await;
    let error = routing_client(address, quick()).get_repo(get_repo()).await.unwrap_err();
    match &error {
        Error::Decode { response, message } => {
            assert_eq!(response.status.as_u16(), 200);
            assert_eq!(response.text(), "\"octocat/hel");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_wrong_content_type_is_a_decode_error_with_the_body() {
    let (address, _) = fault_server(|_| Behaviour::WrongContentType).await;
    let error = routing_client(address, quick()).get_repo(get_repo()).await.unwrap_err();
    match &error {
        Error::Decode { response, .. } => {
            assert_eq!(response.headers["content-type"], "text/html");
            assert_eq!(response.text(), "<html>an error page</html>");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_declared_too_large_is_refused_unread() {
    let (address, _) = fault_server(|_| Behaviour::HugeDeclared).await;
    let error = routing_client(address, quick()).get_repo(get_repo()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { limit, .. } if limit == 64 << 20), "{error:?}");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(200));
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit() {
    let (address, _) = fault_server(|_| Behaviour::Endless).await;
    let client = routing_client(address, quick().max_response_bytes(1 << 20));
    let error = client.get_repo(get_repo()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { limit, .. } if limit == 1 << 20), "{error:?}");
    assert!(error.to_string().contains("larger than the limit of 1048576 bytes"), "{error}");
}

#[tokio::test]
async fn a_stalled_server_times_out_on_each_attempt() {
    let (address, requests) = fault_server(|_| Behaviour::Stall).await;
    let policy = quick().timeout(Duration::from_millis(100));
    let error = routing_client(address, policy).get_repo(get_repo()).await.unwrap_err();
    match &error {
        Error::Transport(transport) => assert!(transport.is_timeout(), "{transport:?}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

/// The value of header `name` (lower case) in a recorded request head.
fn header_of<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn a_429_is_retried_after_the_pause_the_server_asks_for() {
    let (address, requests, heads) =
        recording_fault_server(|index| [Behaviour::TooMany("retry-after: 1"), Behaviour::Ok][index.min(1)]).await;
    let response = routing_client(address, quick()).get_repo(get_repo()).await.unwrap();
    assert!(matches!(response, GetRepoResponse::Ok(_)), "{response:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 2);
    let arrivals: Vec<_> = heads.lock().unwrap().iter().map(|(arrived, _)| *arrived).collect();
    let waited = arrivals[1] - arrivals[0];
    assert!(waited >= Duration::from_millis(990) && waited < Duration::from_secs(3), "{waited:?}");

    let (address, _, heads) = recording_fault_server(|index| {
        [Behaviour::TooMany("retry-after-ms: 300"), Behaviour::TooMany("retry-after-ms: 300"), Behaviour::Ok]
            [index.min(2)]
    })
    .await;
    routing_client(address, quick()).get_repo(get_repo()).await.unwrap();
    let heads = heads.lock().unwrap();
    for pair in heads.windows(2) {
        let waited = pair[1].0 - pair[0].0;
        assert!(waited >= Duration::from_millis(295) && waited < Duration::from_secs(2), "{waited:?}");
    }
}

#[tokio::test]
async fn a_pause_longer_than_allowed_returns_the_answer_instead() {
    let (address, requests) = fault_server(|_| Behaviour::TooMany("retry-after: 3600")).await;
    let started = std::time::Instant::now();
    let error = routing_client(address, quick()).get_repo(get_repo()).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(429), "{error:?}");
    assert_eq!(requests.load(Ordering::SeqCst), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
    // A 429 is not retried for a POST without a key.
    let (address, requests) = fault_server(|_| Behaviour::TooMany("retry-after: 0")).await;
    let client = auth_api_v2::Client::with_base_url(&format!("http://{address}/api/v2")).with_policy(quick());
    let _ = client.auth_token_create(login()).await;
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

fn login() -> auth_api_v2::operations::AuthTokenCreateRequest {
    let body = auth_api_v2::types::AuthTokenRequest { api_key: "key".into(), api_secret: "secret".into() };
    auth_api_v2::operations::AuthTokenCreateRequest { body: Some(body) }
}

#[tokio::test]
async fn an_idempotency_key_makes_a_post_retryable_with_the_same_key() {
    let (address, requests, heads) =
        recording_fault_server(|index| [Behaviour::Reset, Behaviour::Unavailable, Behaviour::Ok][index.min(2)]).await;
    let retry = Retry::default().backoff(Duration::from_millis(1)).idempotency_key("Idempotency-Key");
    let client =
        auth_api_v2::Client::with_base_url(&format!("http://{address}/api/v2")).with_policy(quick().retry(retry));
    // The 200 is undocumented for this operation: the answer that matters is that it came.
    let _ = client.auth_token_create(login()).await;
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    let keys: Vec<String> = heads
        .lock()
        .unwrap()
        .iter()
        .map(|(_, head)| header_of(head, "idempotency-key").expect("a key on every attempt").to_owned())
        .collect();
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
    assert_eq!(keys[0].len(), 36);
    // The next request gets a key of its own.
    let _ = client.auth_token_create(login()).await;
    let last = heads.lock().unwrap().last().map(|(_, head)| head.clone()).unwrap();
    assert_ne!(header_of(&last, "idempotency-key").unwrap(), keys[0]);
    // A GET carries none: it is idempotent already.
    let (address, _, heads) = recording_fault_server(|_| Behaviour::Ok).await;
    routing_client(address, quick().retry(retry)).get_repo(get_repo()).await.unwrap();
    assert_eq!(header_of(&heads.lock().unwrap()[0].1, "idempotency-key"), None);
}
