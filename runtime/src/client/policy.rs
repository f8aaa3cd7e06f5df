//! How a client bounds and retries its requests: a time limit per attempt, a cap on the
//! response body it will hold in memory, and retries of idempotent requests that failed in
//! transit, were rate limited or met a gateway error, paced as the server asks.

use http::{HeaderMap, Method, StatusCode};
use std::time::Duration;

/// Time, size and retry limits of a client's requests. The defaults: 30 seconds per attempt
/// (connecting, sending and reading the whole body; for a streamed body, until its head
/// arrives), response bodies up to 64 MiB, streamed items up to 8 MiB each, and
/// [`Retry::default`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    timeout: Option<Duration>,
    max_response_bytes: usize,
    max_item_bytes: usize,
    event_reconnects: u32,
    retry: Retry,
    validate_requests: bool,
    validate_responses: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: Some(Duration::from_secs(30)),
            max_response_bytes: 64 << 20,
            max_item_bytes: 8 << 20,
            event_reconnects: 0,
            retry: Retry::default(),
            validate_requests: false,
            validate_responses: false,
        }
    }
}

impl Policy {
    /// The time one attempt may take, from connecting to the end of the response body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No time limit beyond what the `reqwest::Client` itself sets.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The largest response body read; a larger one is [`Error::ResponseTooLarge`](super::Error).
    pub fn max_response_bytes(mut self, max_response_bytes: usize) -> Self {
        self.max_response_bytes = max_response_bytes;
        self
    }

    /// The largest item of a streamed body read (one server-sent event, one JSON Lines
    /// text); a larger one ends the stream with `StreamError::TooLarge`. Streamed bodies as
    /// a whole have no bound.
    pub fn max_item_bytes(mut self, max_item_bytes: usize) -> Self {
        self.max_item_bytes = max_item_bytes;
        self
    }

    /// How many times an event stream that ends without its sentinel, or breaks, is opened
    /// again, as a browser's `EventSource` does: after the server's `retry` (or
    /// [`RECONNECT_PAUSE`]), with `Last-Event-ID` naming the last event dispatched. Off (0)
    /// by default, since the request is sent again.
    pub fn event_reconnects(mut self, event_reconnects: u32) -> Self {
        self.event_reconnects = event_reconnects;
        self
    }

    pub fn reconnects(&self) -> u32 {
        self.event_reconnects
    }

    /// Checks each request against its schemas' constraints before sending it, as the
    /// generated server does on receiving it; a request that breaks one is not sent
    /// ([`Error::Violations`](super::Error::Violations) lists every violation).
    pub fn validate_requests(mut self) -> Self {
        self.validate_requests = true;
        self
    }

    /// Checks each decoded JSON response body against its schemas' constraints; one that
    /// breaks any is [`Error::Violations`](super::Error::Violations), with the response.
    pub fn validate_responses(mut self) -> Self {
        self.validate_responses = true;
        self
    }

    pub fn validates_requests(&self) -> bool {
        self.validate_requests
    }

    pub fn validates_responses(&self) -> bool {
        self.validate_responses
    }

    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    pub fn time_limit(&self) -> Option<Duration> {
        self.timeout
    }

    pub fn response_limit(&self) -> usize {
        self.max_response_bytes
    }

    pub fn item_limit(&self) -> usize {
        self.max_item_bytes
    }

    pub fn retries(&self) -> Retry {
        self.retry
    }
}

/// The pause before an event stream is opened again, where the server set no `retry`.
pub const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Which failed attempts are tried again: a request that got no response (refused, reset,
/// timed out, cut off), a 429 or a 502, 503 or 504. By default two retries of idempotent
/// methods only (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), since a POST that failed in
/// transit may have taken effect; an [idempotency key](Retry::idempotency_key) makes POST
/// and PATCH retryable too.
///
/// The pause before a retry is what the server asked for (`Retry-After` in seconds or as an
/// HTTP date, or `retry-after-ms`), or else a random one between zero and a bound that
/// doubles each time, from 100 ms ("full jitter", so that many clients refused at once do
/// not come back at once). No pause exceeds [`Retry::max_pause`] (20 s unless set): a server
/// that asks for longer gets its answer returned instead of a retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    max_retries: u32,
    backoff: Duration,
    max_pause: Duration,
    any_method: bool,
    idempotency_key: Option<&'static str>,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_retries: 2,
            backoff: Duration::from_millis(100),
            max_pause: Duration::from_secs(20),
            any_method: false,
            idempotency_key: None,
        }
    }
}

impl Retry {
    /// Every request is sent once.
    pub fn never() -> Self {
        Retry { max_retries: 0, ..Retry::default() }
    }

    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The bound of the random pause before the first retry; it doubles for each later one.
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The longest pause before a retry, the server's `Retry-After` included.
    pub fn max_pause(mut self, max_pause: Duration) -> Self {
        self.max_pause = max_pause;
        self
    }

    /// Retries POST and PATCH too: for APIs whose every operation is safe to repeat.
    pub fn any_method(mut self) -> Self {
        self.any_method = true;
        self
    }

    /// Sends a fresh key in the header `name` (`Idempotency-Key`, as Stripe and the IETF
    /// draft call it) with every POST and PATCH that does not carry one, the same on each
    /// attempt, and retries them: the server applies a keyed request at most once.
    pub fn idempotency_key(mut self, name: &'static str) -> Self {
        self.idempotency_key = Some(name);
        self
    }

    /// The header an idempotency key goes in, for requests with this method.
    pub(super) fn key_header(&self, method: &Method) -> Option<&'static str> {
        self.idempotency_key.filter(|_| !is_idempotent(method))
    }

    /// How many retries a request that is safe to repeat gets, whatever its method.
    pub(super) fn repeatable_budget(&self) -> u32 {
        self.max_retries
    }

    /// How many retries a request with this method gets.
    pub(super) fn budget(&self, method: &Method) -> u32 {
        if is_idempotent(method) || self.any_method || self.idempotency_key.is_some() {
            self.max_retries
        } else {
            0
        }
    }

    /// The pause before retry number `retry` (0 for the first) after a response with these
    /// headers, or after no response; `None` when the server asks for longer than allowed.
    pub(super) fn pause(&self, retry: u32, headers: Option<&HeaderMap>) -> Option<Duration> {
        match headers.and_then(requested_pause) {
            Some(requested) if requested > self.max_pause => None,
            Some(requested) => Some(requested),
            None => {
                let bound = self.backoff.saturating_mul(1 << retry.min(16)).min(self.max_pause);
                Some(bound.mul_f64(random_fraction()))
            }
        }
    }
}

fn is_idempotent(method: &Method) -> bool {
    // QUERY is safe and idempotent (draft-ietf-httpbis-safe-method-w-body).
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE)
        || method.as_str() == "QUERY"
}

/// The pause a response asks for: `retry-after-ms` (milliseconds, as some AI APIs send), or
/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
fn requested_pause(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim);
    if let Some(millis) = text("retry-after-ms").and_then(|value| value.parse::<f64>().ok()) {
        if millis.is_finite() && millis >= 0.0 {
            return Some(Duration::from_secs_f64(millis.min(1e12) / 1000.0));
        }
    }
    let value = text("retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

/// Uniform in [0, 1): jitter needs no cryptographic randomness, only keys that differ.
fn random_fraction() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 random bits from the standard library's randomly keyed SipHash.
fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    hasher.finish()
}

/// A new idempotency key, shaped as a random (version 4) UUID.
pub(super) fn new_idempotency_key() -> String {
    let bits = (u128::from(random_u64()) << 64 | u128::from(random_u64())) & !(0xf000 << 64) & !(0xc << 60);
    let bits = bits | (0x4000 << 64) | (0x8 << 60);
    let hex = format!("{bits:032x}");
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// Statuses worth trying again: too many requests (429), or a gateway whose server behind
/// did not answer (502-504).
pub(super) fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502..=504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_says_how_long_to_wait() {
        let retry = Retry::default();
        let headers = |name: &'static str, value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, value.parse().unwrap());
            headers
        };
        assert_eq!(retry.pause(0, Some(&headers("retry-after", "3"))), Some(Duration::from_secs(3)));
        assert_eq!(retry.pause(0, Some(&headers("retry-after-ms", "250"))), Some(Duration::from_millis(250)));
        let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(5));
        let pause = retry.pause(0, Some(&headers("retry-after", &soon))).unwrap();
        assert!(pause > Duration::from_secs(3) && pause <= Duration::from_secs(5), "{pause:?}");
        let past = httpdate::fmt_http_date(std::time::SystemTime::now() - Duration::from_secs(60));
        assert_eq!(retry.pause(0, Some(&headers("retry-after", &past))), Some(Duration::ZERO));
        // Longer than the cap: no retry.
        assert_eq!(retry.pause(0, Some(&headers("retry-after", "21"))), None);
        assert_eq!(
            retry.max_pause(Duration::from_secs(60)).pause(0, Some(&headers("retry-after", "21"))).unwrap().as_secs(),
            21
        );
        // Unreadable: the usual backoff.
        assert!(retry.pause(0, Some(&headers("retry-after", "soon"))).unwrap() <= Duration::from_millis(100));
    }

    #[test]
    fn backoff_is_jittered_below_a_doubling_bound() {
        let retry = Retry::default();
        let pauses: Vec<Duration> = (0..200).map(|_| retry.pause(2, None).unwrap()).collect();
        assert!(pauses.iter().all(|pause| *pause < Duration::from_millis(400)));
        let distinct: std::collections::HashSet<_> = pauses.iter().collect();
        assert!(distinct.len() > 150, "{} distinct pauses of 200", distinct.len());
        assert!(retry.max_pause(Duration::from_millis(50)).pause(10, None).unwrap() < Duration::from_millis(50));
    }

    #[test]
    fn idempotency_keys_are_fresh_version_4_uuids() {
        let keys: std::collections::HashSet<String> = (0..1000).map(|_| new_idempotency_key()).collect();
        assert_eq!(keys.len(), 1000);
        for key in keys.iter().take(20) {
            assert_eq!(key.len(), 36);
            assert_eq!(&key[14..15], "4", "{key}");
            assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
        }
    }

    #[test]
    fn a_key_makes_posts_retryable() {
        assert_eq!(Retry::default().budget(&Method::POST), 0);
        let keyed = Retry::default().idempotency_key("Idempotency-Key");
        assert_eq!(keyed.budget(&Method::POST), 2);
        assert_eq!(keyed.key_header(&Method::POST), Some("Idempotency-Key"));
        assert_eq!(keyed.key_header(&Method::GET), None);
    }
}
