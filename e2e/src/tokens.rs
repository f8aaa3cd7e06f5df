//! The token scenarios every seed API must pass, against a resource server where the tokens
//! are spent: a token that expires mid-run, a hundred concurrent requests with a stale token,
//! a server that refuses a token the client thought valid, and a refresh token that is revoked.

use crate::protected::client::Client;
use crate::protected::operations::{GreetingResponse, MeResponse};
use crate::protected::server::{self as protected, Api};
use crate::protected::types::Me;
use apigen_runtime::client::{Clock, Error, TokenSource};
use apigen_runtime::jwt::{now, Claims, JwtIssuer, JwtVerifier};
use apigen_runtime::server::HandlerError;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The HS256 secret every test token service and resource server shares.
pub const SECRET: &[u8] = b"e2e: the shared signing secret of the test token services";
/// The `iss` of test tokens: the example token service's, so its tokens and the tests' mix.
pub const ISSUER: &str = token_service::ISSUER;
/// The scope the resource server's `/me` requires.
pub const SCOPE: &str = "profile";
/// How long refreshed access tokens live: long enough never to expire during a test.
pub const REFRESHED_LIFETIME: Duration = Duration::from_secs(600);
/// The margin token sources refresh ahead of expiry by, in these tests. Token times are whole
/// seconds, so every window a test relies on is at least a second wide however the clock
/// falls: "due but valid" tokens expire `DUE_FOR` seconds from now.
pub const MARGIN: Duration = Duration::from_secs(5);
/// How long from now a token that is already due (inside [`MARGIN`]) stays valid: at least
/// two seconds, so that the refresh of a due token never meets an expired one.
pub const DUE_FOR: u64 = 3;

pub fn issuer() -> JwtIssuer {
    JwtIssuer::hs256(SECRET).issuer(ISSUER)
}

pub fn verifier() -> JwtVerifier {
    JwtVerifier::new().hs256(SECRET).issuer(ISSUER).leeway(Duration::ZERO)
}

/// An access token for `subject` whose `exp` is `exp`, in Unix seconds.
pub fn access_token(subject: &str, exp: u64) -> String {
    issuer().issue(subject, Duration::ZERO, json!({ "exp": exp, "scope": SCOPE })).expect("sign")
}

/// A fresh access token, as token services answer a refresh.
pub fn refreshed_access_token(subject: &str) -> String {
    access_token(subject, now() + REFRESHED_LIFETIME.as_secs())
}

/// A token the client cannot tell from a valid one, signed with another key.
pub fn forged_access_token(subject: &str) -> String {
    JwtIssuer::hs256(b"not the secret")
        .issuer(ISSUER)
        .issue(subject, REFRESHED_LIFETIME, json!({ "scope": SCOPE }))
        .expect("sign")
}

/// `/me` answers with the token's subject; `/greeting` greets it when there is one.
struct ResourceServer;

impl Api for ResourceServer {
    type Claims = Claims;

    async fn me(&self, claims: Claims) -> Result<MeResponse, HandlerError> {
        Ok(MeResponse::Ok(Me { subject: claims.sub.unwrap_or_default() }))
    }

    async fn greeting(&self, claims: Option<Claims>) -> Result<GreetingResponse, HandlerError> {
        let name = claims.and_then(|claims| claims.sub).unwrap_or_else(|| "stranger".into());
        Ok(GreetingResponse::Ok(format!("hello, {name}")))
    }
}

/// The resource server's router, accepting the tokens `verifier` accepts.
pub fn resource_router(verifier: JwtVerifier) -> apigen_runtime::server::axum::Router {
    protected::router(ResourceServer, verifier)
}

/// Serves the resource server, accepting the tokens `verifier` accepts; returns its base URL.
pub async fn serve_resources(verifier: JwtVerifier) -> String {
    let address = crate::serve(resource_router(verifier)).await;
    format!("http://{address}")
}

/// A resource client whose `oauth` credential comes from `source`.
pub async fn resource_client(source: &TokenSource) -> Client {
    Client::with_base_url(&serve_resources(verifier()).await).with_oauth_tokens(source.clone())
}

async fn me(client: &Client) -> Result<String, Error> {
    let MeResponse::Ok(me) = client.me().await?;
    Ok(me.subject)
}

/// A token source's clock, standing still until a test moves it on, from the wall clock's
/// now. Servers read the wall clock, so a token the source finds due is still valid to them:
/// a test crosses expiry without sleeping, wherever a second boundary falls.
#[derive(Clone, Debug)]
pub struct SourceClock(Arc<AtomicU64>);

impl SourceClock {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        SourceClock(Arc::new(AtomicU64::new(now())))
    }

    pub fn now(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    pub fn advance(&self, seconds: u64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    /// The clock to give a token source.
    pub fn clock(&self) -> Clock {
        let seconds = self.0.clone();
        Clock::from_fn(move || seconds.load(Ordering::SeqCst))
    }
}

/// A source on `clock` whose access token expires `MARGIN` + 2 seconds from the clock's now
/// keeps every request working as the clock moves 3 seconds on, past the moment the token
/// falls due, refreshing exactly once.
pub async fn keeps_working_across_expiry(
    source: TokenSource,
    clock: &SourceClock,
    refreshes: &AtomicU64,
    subject: &str,
) {
    let client = resource_client(&source).await;
    for _ in 0..3 {
        assert_eq!(me(&client).await.expect("before expiry"), subject);
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 0, "no refresh while the token is fresh");
    clock.advance(3);
    for _ in 0..3 {
        assert_eq!(me(&client).await.expect("after expiry"), subject);
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1, "exactly one refresh across expiry");
    assert_eq!(source.refresh_count(), 1);
}

/// A hundred concurrent requests with a stale access token cause exactly one refresh.
pub async fn concurrent_requests_refresh_once(source: TokenSource, refreshes: &AtomicU64, subject: &str) {
    let client = Arc::new(resource_client(&source).await);
    let subjects = crate::concurrently(100, || {
        let client = client.clone();
        async move { me(&client).await }
    })
    .await;
    for outcome in subjects {
        assert_eq!(outcome.expect("request"), subject);
    }
    assert_eq!(refreshes.load(Ordering::SeqCst), 1, "one refresh for a hundred requests");
    assert_eq!(source.refresh_count(), 1);
}

/// A token the resource server refuses (401) is refreshed once and the request retried.
pub async fn a_refused_token_is_refreshed_and_retried(source: TokenSource, refreshes: &AtomicU64, subject: &str) {
    let client = resource_client(&source).await;
    assert_eq!(me(&client).await.expect("retried with the refreshed token"), subject);
    assert_eq!(refreshes.load(Ordering::SeqCst), 1);
    // An anonymous-or-token operation sends the token too.
    let GreetingResponse::Ok(greeting) = client.greeting().await.expect("greeting");
    assert_eq!(greeting, format!("hello, {subject}"));
}

/// A refresh the token API refuses surfaces as a typed error, at once and without a retry loop.
pub async fn a_revoked_refresh_is_a_typed_error(source: TokenSource) {
    let client = resource_client(&source).await;
    for _ in 0..3 {
        match me(&client).await {
            Err(Error::Refresh { rejected: true, .. }) => {}
            other => panic!("expected a rejected refresh, got {other:?}"),
        }
    }
    assert_eq!(source.refresh_count(), 1, "a refused refresh is not attempted again");
}
