//! Tokens that stay valid: a [`TokenSource`] holds an access token and its refresh token,
//! refreshes ahead of expiry and after a 401, and never runs two refreshes at once.
//!
//! Reading a valid token takes a read lock that is never held across an await; only a refresh
//! takes the async mutex, so concurrent callers that find the token expired wait for the one
//! refresh in flight instead of spending a rotated refresh token twice.

use super::{Clock, Credential, Error, RawResponse};
use serde::Deserialize;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// An access token and, when the API issues one, the refresh token that obtains the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    pub access: Credential,
    pub refresh: Option<Credential>,
    /// When the access token expires, in Unix seconds, as a token endpoint's `expires_in`
    /// said; `None` reads it from the token's `exp` when it is a JWT.
    pub expires_at: Option<u64>,
}

impl Tokens {
    pub fn new(access: impl Into<Credential>) -> Self {
        Tokens { access: access.into(), refresh: None, expires_at: None }
    }

    /// No token yet: a source holding these obtains one on first use.
    pub fn none() -> Self {
        Tokens { access: Credential::new(""), refresh: None, expires_at: Some(0) }
    }

    pub fn with_refresh(mut self, refresh: impl Into<Credential>) -> Self {
        self.refresh = Some(refresh.into());
        self
    }

    /// Sets when the access token expires, in Unix seconds.
    pub fn expiring_at(mut self, expires_at: u64) -> Self {
        self.expires_at = Some(expires_at);
        self
    }
}

/// The time claims of a JWT, read without checking its signature: a client uses them only
/// to decide when to refresh, never to trust the token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeClaims {
    pub exp: Option<u64>,
    pub iat: Option<u64>,
    pub nbf: Option<u64>,
    /// When the first token of a refresh chain was issued (django-rest-framework-jwt).
    pub orig_iat: Option<u64>,
}

impl TimeClaims {
    /// The claims of `token`, or `None` when it is not a JWT (an opaque token).
    pub fn decode_unverified(token: &str) -> Option<TimeClaims> {
        use base64::Engine;
        #[derive(Deserialize)]
        struct Raw {
            exp: Option<f64>,
            iat: Option<f64>,
            nbf: Option<f64>,
            orig_iat: Option<f64>,
        }
        let mut parts = token.split('.');
        let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        let raw: Raw = serde_json::from_slice(&payload).ok()?;
        let seconds = |value: Option<f64>| value.filter(|value| value.is_finite() && *value >= 0.0).map(|v| v as u64);
        Some(TimeClaims {
            exp: seconds(raw.exp),
            iat: seconds(raw.iat),
            nbf: seconds(raw.nbf),
            orig_iat: seconds(raw.orig_iat),
        })
    }
}

/// Called with the new tokens whenever a refresh returns a different refresh token, so the
/// caller can persist it: with rotation, the old one is spent.
pub type RotationHook = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// How a [`TokenSource`] behaves.
#[derive(Clone)]
pub struct TokenOptions {
    margin: Duration,
    on_rotate: Option<RotationHook>,
    pub(crate) clock: Clock,
}

impl Default for TokenOptions {
    fn default() -> Self {
        TokenOptions { margin: Duration::from_secs(30), on_rotate: None, clock: Clock::system() }
    }
}

impl TokenOptions {
    /// Refreshes a token this long before its `exp` (30 seconds unless set), so that it does
    /// not expire in flight.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// The clock expiry is read against: the system's unless set (see [`Clock`]).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Reports rotated refresh tokens; see [`RotationHook`].
    pub fn on_rotate(mut self, hook: impl Fn(&Tokens) + Send + Sync + 'static) -> Self {
        self.on_rotate = Some(Arc::new(hook));
        self
    }
}

impl fmt::Debug for TokenOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenOptions")
            .field("margin", &self.margin)
            .field("on_rotate", &self.on_rotate.is_some())
            .field("clock", &self.clock)
            .finish()
    }
}

/// A boxed future, as [`Refresh`] returns it (the trait stays object safe).
pub type RefreshFuture<'a> = Pin<Box<dyn Future<Output = Result<Tokens, Error>> + Send + 'a>>;

/// Obtains new tokens from the current ones. Generated clients implement it from the spec's
/// refresh operation (see `RefreshBinding`); a closure `Fn(Tokens) -> impl Future` works too.
/// A refresh that keeps no refresh token in its answer keeps the current one.
pub trait Refresh: Send + Sync + 'static {
    fn refresh<'a>(&'a self, current: &'a Tokens) -> RefreshFuture<'a>;
}

impl<F, Fut> Refresh for F
where
    F: Fn(Tokens) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Tokens, Error>> + Send + 'static,
{
    fn refresh<'a>(&'a self, current: &'a Tokens) -> RefreshFuture<'a> {
        Box::pin(self(current.clone()))
    }
}

/// Keeps an access token fresh; see the module documentation. Cloning is cheap and shares
/// the tokens, so one source can serve several clients.
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

struct Inner {
    current: RwLock<Arc<Current>>,
    refreshing: tokio::sync::Mutex<()>,
    refresher: Box<dyn Refresh>,
    options: TokenOptions,
    refreshes: AtomicU64,
}

/// The tokens in force, and how the last refresh attempt ended.
struct Current {
    tokens: Tokens,
    expires_at: Option<u64>,
    /// Counts refresh attempts, so a caller that waited for one can tell it happened.
    attempt: u64,
    failure: Option<Failure>,
}

impl Current {
    fn new(tokens: Tokens, attempt: u64) -> Self {
        let expires_at = tokens
            .expires_at
            .or_else(|| TimeClaims::decode_unverified(tokens.access.secret()).and_then(|claims| claims.exp));
        Current { tokens, expires_at, attempt, failure: None }
    }

    fn lease(&self) -> Lease {
        Lease { access: self.tokens.access.clone(), attempt: self.attempt }
    }
}

/// Why the last refresh failed. `rejected` means the token API refused it (a spent, revoked or
/// expired refresh token): the source then fails fast until new tokens are set.
#[derive(Clone)]
struct Failure {
    rejected: bool,
    message: String,
    response: Option<Box<RawResponse>>,
}

impl Failure {
    fn from_error(error: Error) -> Self {
        if let Error::Refresh { rejected, message, response } = error {
            return Failure { rejected, message, response };
        }
        let response = error.response().cloned().map(Box::new);
        let rejected = response.as_ref().is_some_and(|response| {
            let status = response.status.as_u16();
            // Timeouts and rate limits are worth another try later; other client errors are not.
            (400..500).contains(&status) && status != 408 && status != 429
        });
        Failure { rejected, message: error.to_string(), response }
    }

    fn to_error(&self) -> Error {
        Error::Refresh { rejected: self.rejected, message: self.message.clone(), response: self.response.clone() }
    }
}

/// An access token handed out, with the attempt it came from.
pub(crate) struct Lease {
    pub(crate) access: Credential,
    pub(crate) attempt: u64,
}

impl TokenSource {
    pub fn new(tokens: Tokens, options: TokenOptions, refresher: impl Refresh) -> Self {
        TokenSource {
            inner: Arc::new(Inner {
                current: RwLock::new(Arc::new(Current::new(tokens, 0))),
                refreshing: tokio::sync::Mutex::new(()),
                refresher: Box::new(refresher),
                options,
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    /// A valid access token: the current one, or a new one when it is about to expire.
    pub async fn access_token(&self) -> Result<Credential, Error> {
        self.lease().await.map(|lease| lease.access)
    }

    /// The tokens in force now, without refreshing.
    pub fn tokens(&self) -> Tokens {
        self.current().tokens.clone()
    }

    /// Replaces the tokens (after a new login, say) and forgets a refused refresh.
    pub fn set_tokens(&self, tokens: Tokens) {
        let mut current = self.inner.current.write().unwrap_or_else(PoisonError::into_inner);
        let attempt = current.attempt + 1;
        *current = Arc::new(Current::new(tokens, attempt));
    }

    /// How many refreshes this source has attempted.
    pub fn refresh_count(&self) -> u64 {
        self.inner.refreshes.load(Ordering::Relaxed)
    }

    fn current(&self) -> Arc<Current> {
        self.inner.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) async fn lease(&self) -> Result<Lease, Error> {
        let current = self.current();
        if let Some(failure) = current.failure.as_ref().filter(|failure| failure.rejected) {
            return Err(failure.to_error());
        }
        let now = self.inner.options.clock.now();
        let Some(expires_at) = current.expires_at else { return Ok(current.lease()) };
        if now.saturating_add(self.inner.options.margin.as_secs()) < expires_at {
            return Ok(current.lease());
        }
        match self.refresh_after(current.attempt).await {
            // A refresh ahead of time that failed for a passing reason leaves a token that is
            // still valid; use it and try again on the next call.
            Err(Error::Refresh { rejected: false, .. }) if now < expires_at => Ok(current.lease()),
            outcome => outcome,
        }
    }

    /// Refreshes unless another caller already did since `seen` was current; either way,
    /// returns the outcome of that refresh.
    pub(crate) async fn refresh_after(&self, seen: u64) -> Result<Lease, Error> {
        let _refreshing = self.inner.refreshing.lock().await;
        let current = self.current();
        if let Some(failure) = &current.failure {
            if current.attempt != seen || failure.rejected {
                return Err(failure.to_error());
            }
        } else if current.attempt != seen {
            return Ok(current.lease());
        }
        self.inner.refreshes.fetch_add(1, Ordering::Relaxed);
        let outcome = self.inner.refresher.refresh(&current.tokens).await;
        let next = match outcome {
            Ok(mut tokens) => {
                if tokens.refresh.is_none() {
                    tokens.refresh = current.tokens.refresh.clone();
                }
                Current::new(tokens, current.attempt + 1)
            }
            Err(error) => Current {
                tokens: current.tokens.clone(),
                expires_at: current.expires_at,
                attempt: current.attempt + 1,
                failure: Some(Failure::from_error(error)),
            },
        };
        let next = Arc::new(next);
        *self.inner.current.write().unwrap_or_else(PoisonError::into_inner) = next.clone();
        if let Some(failure) = &next.failure {
            let outcome = if failure.rejected { "rejected" } else { "failed" };
            crate::trace::token_refresh(next.attempt, outcome, false);
            return Err(failure.to_error());
        }
        let rotated = next.tokens.refresh != current.tokens.refresh;
        crate::trace::token_refresh(next.attempt, "ok", rotated);
        if rotated {
            if let Some(hook) = &self.inner.options.on_rotate {
                hook(&next.tokens);
            }
        }
        Ok(next.lease())
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current();
        f.debug_struct("TokenSource")
            .field("tokens", &current.tokens)
            .field("expires_at", &current.expires_at)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use std::sync::Mutex;

    /// Where the tests' clock stands: token lifetimes are read against it, not the wall clock.
    const NOW: u64 = 1_800_000_000;

    fn options() -> TokenOptions {
        TokenOptions::default().clock(Clock::from_fn(|| NOW))
    }

    fn jwt(exp: u64, marker: &str) -> String {
        let encode = |json: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        format!(
            "{}.{}.sig",
            encode(r#"{"alg":"HS256"}"#.to_owned()),
            encode(format!(r#"{{"exp":{exp},"sub":"{marker}"}}"#))
        )
    }

    fn counting(
        answer: impl Fn(u64, &Tokens) -> Result<Tokens, Error> + Send + Sync + 'static,
    ) -> (impl Refresh, Arc<AtomicU64>) {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = calls.clone();
        let answer = Arc::new(answer);
        let refresher = move |tokens: Tokens| {
            let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let answer = answer.clone();
            async move {
                // Long enough for every concurrent caller to pile up behind this refresh.
                tokio::time::sleep(Duration::from_millis(20)).await;
                answer(call, &tokens)
            }
        };
        (refresher, calls)
    }

    #[test]
    fn time_claims_are_read_without_verification() {
        let claims = TimeClaims::decode_unverified(&jwt(1_900_000_000, "a")).unwrap();
        assert_eq!(claims.exp, Some(1_900_000_000));
        assert_eq!(TimeClaims::decode_unverified("opaque-token"), None);
    }

    #[tokio::test]
    async fn a_valid_token_is_not_refreshed() {
        let (refresher, calls) = counting(|_, _| unreachable!("no refresh expected"));
        let source = TokenSource::new(Tokens::new(jwt(NOW + 3600, "a")), options(), refresher);
        for _ in 0..3 {
            source.access_token().await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_refresh_and_see_the_rotation() {
        let (refresher, calls) =
            counting(|call, _| Ok(Tokens::new(jwt(NOW + 3600, "new")).with_refresh(format!("r{call}"))));
        let rotated = Arc::new(Mutex::new(Vec::new()));
        let seen = rotated.clone();
        let options = options().on_rotate(move |tokens| seen.lock().unwrap().push(tokens.refresh.clone().unwrap()));
        let source = TokenSource::new(Tokens::new(jwt(NOW - 1, "old")).with_refresh("r0"), options, refresher);
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let source = source.clone();
                tokio::spawn(async move { source.access_token().await.map(|token| token.secret().to_owned()) })
            })
            .collect();
        let mut tokens = Vec::new();
        for task in tasks {
            tokens.push(task.await.unwrap().unwrap());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(tokens.iter().all(|token| *token == tokens[0]));
        assert_eq!(*rotated.lock().unwrap(), vec![Credential::new("r1")]);
        assert_eq!(source.tokens().refresh, Some(Credential::new("r1")));
    }

    #[tokio::test]
    async fn a_refused_refresh_fails_fast_until_new_tokens_are_set() {
        let refused = || Error::Refresh { rejected: true, message: "revoked".into(), response: None };
        let (refresher, calls) = counting(move |_, _| Err(refused()));
        let source = TokenSource::new(Tokens::new(jwt(NOW - 1, "old")), options(), refresher);
        for _ in 0..3 {
            let error = source.access_token().await.unwrap_err();
            assert!(matches!(error, Error::Refresh { rejected: true, .. }), "{error}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let fresh = jwt(NOW + 3600, "login");
        source.set_tokens(Tokens::new(fresh.clone()));
        assert_eq!(source.access_token().await.unwrap().secret(), fresh);
    }

    #[tokio::test]
    async fn a_passing_failure_ahead_of_expiry_keeps_the_valid_token() {
        let unavailable = || Error::Refresh { rejected: false, message: "503".into(), response: None };
        let (refresher, calls) = counting(move |_, _| Err(unavailable()));
        // Inside the 30 second margin, so due for refresh, but valid for ten seconds more.
        let token = jwt(NOW + 10, "still-valid");
        let source = TokenSource::new(Tokens::new(token.clone()), options(), refresher);
        assert_eq!(source.access_token().await.unwrap().secret(), token);
        assert_eq!(source.access_token().await.unwrap().secret(), token);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "each call tries again");
    }

    #[tokio::test]
    async fn expiry_is_read_against_the_clock_set() {
        let clock = Arc::new(AtomicU64::new(NOW));
        let reading = clock.clone();
        let options = TokenOptions::default()
            .refresh_margin(Duration::from_secs(5))
            .clock(Clock::from_fn(move || reading.load(Ordering::SeqCst)));
        let (refresher, calls) = counting(|call, _| Ok(Tokens::new(jwt(NOW + 3600, &format!("new{call}")))));
        let source = TokenSource::new(Tokens::new(jwt(NOW + 10, "first")), options, refresher);
        // Five seconds before the margin begins, and one second before: no refresh.
        for now in [NOW, NOW + 4] {
            clock.store(now, Ordering::SeqCst);
            source.access_token().await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        // Exactly at the margin (exp - 5): refreshed.
        clock.store(NOW + 5, Ordering::SeqCst);
        assert_eq!(source.access_token().await.unwrap().secret(), jwt(NOW + 3600, "new1"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
