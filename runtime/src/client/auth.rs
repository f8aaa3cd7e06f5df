//! Security schemes as a spec declares them, and the credentials a caller supplies for them.

use std::fmt;

/// Where an API key travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

/// How a security scheme carries its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>` (HTTP bearer, and OAuth 2 / OpenID Connect access tokens).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`; the credential is `user:password`.
    Basic,
    /// A key in a header, query parameter or cookie of the given name.
    ApiKey { location: KeyLocation, name: &'static str },
}

/// One entry of the spec's `securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `securitySchemes`, as operations' `security` names it.
    pub name: &'static str,
    pub kind: SchemeKind,
}

/// A secret for one scheme, with an optional prefix (`JWT`, `Token`) some APIs expect before
/// an API key. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    secret: String,
    prefix: Option<String>,
}

impl Credential {
    pub fn new(secret: impl Into<String>) -> Self {
        Credential { secret: secret.into(), prefix: None }
    }

    /// Sends the secret as `<prefix> <secret>`, as in `Authorization: JWT <token>`.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    /// The secret as given, without prefix.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The value as it goes on the wire for an API key.
    pub(crate) fn api_key_value(&self) -> String {
        match &self.prefix {
            Some(prefix) => format!("{prefix} {}", self.secret),
            None => self.secret.clone(),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential").field("secret", &"<redacted>").field("prefix", &self.prefix).finish()
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
        let credential = Credential::new("s3cr3t").with_prefix("JWT");
        let shown = format!("{credential:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("JWT"));
        assert_eq!(credential.api_key_value(), "JWT s3cr3t");
    }
}
