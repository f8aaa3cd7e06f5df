//! Secrets a caller hands to a client. `Debug` never shows them.

use std::fmt;
use std::sync::Arc;

/// A secret: a token, API key or `user:password`. Cloning is cheap; `Debug` shows
/// `<redacted>`, so a credential can sit in structs that are logged.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(Arc<str>);

impl Credential {
    pub fn new(secret: impl Into<String>) -> Self {
        Credential(secret.into().into())
    }

    /// The secret itself, for sending it.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}

impl From<&str> for Credential {
    fn from(secret: &str) -> Self {
        Credential::new(secret)
    }
}

impl From<String> for Credential {
    fn from(secret: String) -> Self {
        Credential::new(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let shown = format!("{:?}", Credential::new("s3cr3t"));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }
}
