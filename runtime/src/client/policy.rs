//! How a client bounds and retries its requests: a time limit per attempt, a cap on the
//! response body it will hold in memory, and retries of idempotent requests that failed in
//! transit or met a gateway error.

use http::{Method, StatusCode};
use std::time::Duration;

/// Time, size and retry limits of a client's requests. The defaults: 30 seconds per attempt
/// (connecting, sending and reading the whole body), response bodies up to 64 MiB, and
/// [`Retry::default`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    timeout: Option<Duration>,
    max_response_bytes: usize,
    retry: Retry,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { timeout: Some(Duration::from_secs(30)), max_response_bytes: 64 << 20, retry: Retry::default() }
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

    pub fn retries(&self) -> Retry {
        self.retry
    }
}

/// Which failed attempts are tried again: a request that got no response (refused, reset,
/// timed out, cut off) or a 502, 503 or 504, after a pause that doubles each time. By default
/// two retries, 100 ms then 200 ms apart, of idempotent methods only (GET, HEAD, PUT, DELETE,
/// OPTIONS, TRACE): a POST that failed in transit may have taken effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    max_retries: u32,
    backoff: Duration,
    any_method: bool,
}

impl Default for Retry {
    fn default() -> Self {
        Retry { max_retries: 2, backoff: Duration::from_millis(100), any_method: false }
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

    /// The pause before the first retry; each later one waits twice as long as the last.
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Retries POST and PATCH too: for APIs whose every operation is safe to repeat.
    pub fn any_method(mut self) -> Self {
        self.any_method = true;
        self
    }

    /// How many retries a request with this method gets.
    pub(super) fn budget(&self, method: &Method) -> u32 {
        let idempotent = matches!(
            *method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
        if idempotent || self.any_method {
            self.max_retries
        } else {
            0
        }
    }

    /// The pause before retry number `retry` (0 for the first).
    pub(super) fn pause(&self, retry: u32) -> Duration {
        self.backoff.saturating_mul(1 << retry.min(16))
    }
}

/// Gateway statuses: the server behind did not answer, so trying again may work.
pub(super) fn is_transient(status: StatusCode) -> bool {
    matches!(status.as_u16(), 502..=504)
}
