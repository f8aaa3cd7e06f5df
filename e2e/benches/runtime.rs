//! Runtime overhead on 127.0.0.1, each figure beside a hand-written baseline measured in the
//! same run (`cargo xtask bench` runs this; `cargo bench -p e2e --bench runtime -- ROUNDS`):
//!
//! - client: the generated Auth API v2 client against raw reqwest doing the same request
//!   (JSON body out, status matched, JSON body decoded, under the same 30 s timeout that the
//!   generated client's default policy sets), against one server;
//! - server: the generated router against a hand-written axum handler doing the same work
//!   (content type checked, JSON decoded, a token answered, each request under the same 30 s
//!   timeout that generated routers set), under one load generator;
//! - tokens: a generated client whose bearer token comes from a `TokenSource` holding a valid
//!   token, against the same client with a fixed credential;
//! - checked: the generated router of `e2e/specs/constraints.yaml`, which checks every
//!   constraint of an account before its method runs (a pattern, lengths, bounds, a multiple,
//!   unique items, a map's size), against a hand-written axum handler that decodes the same
//!   account and checks nothing: beside `server`, the cost of the checks.
//!
//! Rounds alternate the two sides; each figure is the median over rounds. The runtime's spans
//! (its `tracing` feature) are compiled in unless the bench is built with
//! `--no-default-features`; no subscriber is set, as in a service that does not trace.

use apigen_runtime::client::{reqwest, Credential, TokenOptions, TokenSource, Tokens};
use apigen_runtime::http::{header, HeaderMap, StatusCode};
use apigen_runtime::server::axum::{self, body::Bytes, routing::post, Router};
use apigen_runtime::server::HandlerError;
use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::{AuthToken, AuthTokenRequest};
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Requests per side per round, spread over `CONCURRENCY` tasks.
const REQUESTS: usize = 8_000;
const CONCURRENCY: usize = 16;

fn token() -> AuthToken {
    AuthToken {
        access_token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl".into(),
        refresh_token: "refresh-0123456789abcdef".into(),
        token_type: Some("Bearer".into()),
        expires_in: Some(300),
    }
}

fn credentials() -> AuthTokenRequest {
    AuthTokenRequest { api_key: "key-1".into(), api_secret: "secret-1".into() }
}

/// The generated server's implementation: every valid request gets a token.
struct Issue;

impl auth_api_v2::Api for Issue {
    async fn auth_token_create(
        &self,
        request: AuthTokenCreateRequest,
    ) -> Result<AuthTokenCreateResponse, HandlerError> {
        std::hint::black_box(request.body);
        Ok(AuthTokenCreateResponse::Created(token()))
    }

    async fn auth_token_refresh(&self, _: AuthTokenRefreshRequest) -> Result<AuthTokenRefreshResponse, HandlerError> {
        Ok(AuthTokenRefreshResponse::Created(token()))
    }
}

/// The baseline server: the same route and work, written against axum by hand.
async fn hand_written_create(headers: HeaderMap, body: Bytes) -> axum::response::Response {
    use axum::response::IntoResponse;
    let json = headers.get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !json {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(request) = serde_json::from_slice::<AuthTokenRequest>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    std::hint::black_box(request);
    let body = serde_json::to_vec(&token()).expect("serialise");
    (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn hand_written_router() -> Router {
    Router::new().route("/api/v2/auth/token", post(hand_written_create)).layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            use axum::response::IntoResponse;
            match tokio::time::timeout(Duration::from_secs(30), next.run(request)).await {
                Ok(response) => response,
                Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
            }
        },
    ))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    address
}

/// Runs `REQUESTS` calls of `call` over `CONCURRENCY` tasks; the elapsed time.
async fn drive<F, Fut>(call: F) -> Duration
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..REQUESTS / CONCURRENCY {
                    call().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("load task");
    }
    start.elapsed()
}

fn generated_call(
    client: auth_api_v2::Client,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Clone {
    move || {
        let client = client.clone();
        Box::pin(async move {
            let response = client.auth_token_create(AuthTokenCreateRequest { body: Some(credentials()) }).await;
            assert!(matches!(response, Ok(AuthTokenCreateResponse::Created(_))), "{response:?}");
        })
    }
}

/// The raw reqwest call: the credentials posted, the token decoded.
fn raw_call(
    http: reqwest::Client,
    url: String,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Clone {
    let body = || serde_json::to_vec(&credentials()).expect("serialise");
    let read = |bytes: &[u8]| {
        std::hint::black_box(serde_json::from_slice::<AuthToken>(bytes).expect("decode"));
    };
    post_call(http, url, body, read)
}

/// Posts `body()` as JSON, expects a 201 and hands its body to `read`.
fn post_call(
    http: reqwest::Client,
    url: String,
    body: fn() -> Vec<u8>,
    read: fn(&[u8]),
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Clone {
    move || {
        let (http, url) = (http.clone(), url.clone());
        Box::pin(async move {
            let request = http.post(&url).header(header::CONTENT_TYPE, "application/json").body(body());
            let response = request.timeout(Duration::from_secs(30)).send().await.expect("send");
            assert_eq!(response.status(), StatusCode::CREATED);
            read(&response.bytes().await.expect("body"));
        })
    }
}

/// An account with a value for every constrained member.
fn account_body() -> Vec<u8> {
    let account = serde_json::json!({
        "name": "ann", "age": 30, "score": 0.5, "step": 15, "tags": ["a", "b", "c"], "code": "ABC",
        "limits": {"daily": 10, "monthly": 200}
    });
    serde_json::to_vec(&account).expect("serialise")
}

/// The baseline of `checked`: the account decoded and answered, nothing checked.
async fn hand_written_account(headers: HeaderMap, body: Bytes) -> axum::response::Response {
    use axum::response::IntoResponse;
    let json = headers.get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !json {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let Ok(account) = serde_json::from_slice::<e2e::constraints::types::Account>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let body = serde_json::to_vec(&account).expect("serialise");
    (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Posts the account and reads the answer back.
fn account_call(
    http: reqwest::Client,
    url: String,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Clone {
    post_call(http, url, account_body, |bytes| {
        std::hint::black_box(bytes);
    })
}

/// The generated BNN console client's secured call, against a route that answers 200.
fn secured_call(
    client: bnn_console::Client,
) -> impl Fn() -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Clone {
    move || {
        let client = client.clone();
        Box::pin(async move {
            let response = client.v1_refresh_token_post().await;
            assert!(matches!(response, Ok(bnn_console::operations::V1RefreshTokenPostResponse::Ok)), "{response:?}");
        })
    }
}

struct Comparison {
    name: &'static str,
    subject: &'static str,
    baseline: &'static str,
    rounds: Vec<(Duration, Duration)>,
}

impl Comparison {
    /// The median of the rounds' ratios.
    fn ratio(&self) -> f64 {
        let mut ratios: Vec<f64> =
            self.rounds.iter().map(|(subject, baseline)| subject.as_secs_f64() / baseline.as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    fn print(&self) {
        let mut subject: Vec<Duration> = self.rounds.iter().map(|round| round.0).collect();
        let mut baseline: Vec<Duration> = self.rounds.iter().map(|round| round.1).collect();
        subject.sort();
        baseline.sort();
        let per_second = |time: Duration| REQUESTS as f64 / time.as_secs_f64();
        let middle = self.rounds.len() / 2;
        println!(
            "{:<8} {:<34} {:>9.0} req/s   {:<30} {:>9.0} req/s   ratio {:.3}{}",
            self.name,
            self.subject,
            per_second(subject[middle]),
            self.baseline,
            per_second(baseline[middle]),
            self.ratio(),
            if matches!(self.name, "client" | "server") { " (target <= 1.05)" } else { "" }
        );
    }
}

async fn run(rounds: usize) {
    let generated_server = serve(auth_api_v2::router(Issue)).await;
    let hand_written_server = serve(hand_written_router()).await;
    let bnn_server = serve(Router::new().route("/v1/refresh_token", post(|| async { StatusCode::OK }))).await;

    let generated_client = auth_api_v2::Client::with_base_url(&format!("http://{hand_written_server}/api/v2"));
    let raw = reqwest::Client::new();
    let load = |server: SocketAddr| raw_call(reqwest::Client::new(), format!("http://{server}/api/v2/auth/token"));

    let valid = e2e::tokens::refreshed_access_token("bench");
    let fixed = bnn_console::Client::with_base_url(&format!("http://{bnn_server}"))
        .with_bearer_auth_token(Credential::new(valid.clone()));
    let source = TokenSource::new(Tokens::new(valid), TokenOptions::default(), |_: Tokens| async {
        Err(apigen_runtime::client::Error::Refresh {
            rejected: true,
            message: "never refreshed in this bench".into(),
            response: None,
        })
    });
    let sourced =
        bnn_console::Client::with_base_url(&format!("http://{bnn_server}")).with_bearer_auth_token_tokens(source);

    let mut client =
        Comparison { name: "client", subject: "generated client", baseline: "raw reqwest", rounds: Vec::new() };
    let mut server =
        Comparison { name: "server", subject: "generated router", baseline: "hand-written axum", rounds: Vec::new() };
    let checked_server = serve(e2e::constraints::server::router(e2e::reference::Accounts)).await;
    let unchecked_server = serve(Router::new().route("/accounts", post(hand_written_account))).await;
    let accounts = |server: SocketAddr| account_call(reqwest::Client::new(), format!("http://{server}/accounts"));
    let mut checked = Comparison {
        name: "checked",
        subject: "generated router, constraints",
        baseline: "hand-written axum, no checks",
        rounds: Vec::new(),
    };
    let mut tokens = Comparison {
        name: "tokens",
        subject: "bearer from a TokenSource",
        baseline: "fixed bearer credential",
        rounds: Vec::new(),
    };
    // One unmeasured round warms connections and allocators.
    for round in 0..=rounds {
        let client_round = (
            drive(generated_call(generated_client.clone())).await,
            drive(raw_call(raw.clone(), format!("http://{hand_written_server}/api/v2/auth/token"))).await,
        );
        let server_round = (drive(load(generated_server)).await, drive(load(hand_written_server)).await);
        let tokens_round = (drive(secured_call(sourced.clone())).await, drive(secured_call(fixed.clone())).await);
        let checked_round = (drive(accounts(checked_server)).await, drive(accounts(unchecked_server)).await);
        if round > 0 {
            checked.rounds.push(checked_round);
            client.rounds.push(client_round);
            server.rounds.push(server_round);
            tokens.rounds.push(tokens_round);
        }
    }
    println!("\n== runtime overhead on 127.0.0.1 ({REQUESTS} requests per side per round, {CONCURRENCY} at a time, median of {rounds} rounds)");
    let comparisons = [client, server, tokens, checked];
    for comparison in &comparisons {
        comparison.print();
    }
    // For `cargo xtask bench`, which compares builds with the runtime's spans and without.
    if let Some(path) = std::env::var_os(RATIOS) {
        let lines: String =
            comparisons.iter().map(|comparison| format!("{} {}\n", comparison.name, comparison.ratio())).collect();
        std::fs::write(&path, lines).expect("the ratios file");
    }
}

/// Where to write each comparison's median ratio (`client 1.093`, a line each), when set.
const RATIOS: &str = "APIGEN_BENCH_RATIOS";

fn main() {
    // `cargo bench` passes `--bench`; a number is the count of rounds.
    let rounds = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).filter(|rounds| *rounds > 0).unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(rounds));
}
