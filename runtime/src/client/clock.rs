//! The clock a token source reads expiry against.

use std::fmt;
use std::sync::Arc;

/// Seconds since the Unix epoch, as a [`TokenSource`](super::TokenSource) and the OAuth 2
/// token endpoint read token expiry against them: the system's clock unless set. A fixed or
/// stepped clock in tests means no test depends on where a wall-clock second boundary falls.
#[derive(Clone, Default)]
pub struct Clock {
    read: Option<Arc<dyn Fn() -> u64 + Send + Sync>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock that answers `read()`: seconds since the Unix epoch.
    pub fn from_fn(read: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Clock { read: Some(Arc::new(read)) }
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        match &self.read {
            Some(read) => read(),
            None => crate::unix_now(),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.read.is_some() { "Clock::from_fn(..)" } else { "Clock::system()" })
    }
}
