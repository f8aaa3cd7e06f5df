//! Security schemes as a spec declares them; shared by the client, which sends credentials,
//! and the server, which reads and checks them.

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
    /// A key in a header, query parameter or cookie of the given name, after `prefix` and a
    /// space when the spec names one (`x-credential-prefix`: `Authorization: JWT <token>`).
    ApiKey { location: KeyLocation, name: &'static str, prefix: Option<&'static str> },
}

/// One entry of the spec's `securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The scheme's key in `securitySchemes`, as operations' `security` names it.
    pub name: &'static str,
    pub kind: SchemeKind,
}

impl SecurityScheme {
    /// The value as it goes on the wire for an API key: the secret after the scheme's prefix.
    pub fn api_key_value(&self, secret: &str) -> String {
        match self.kind {
            SchemeKind::ApiKey { prefix: Some(prefix), .. } => format!("{prefix} {secret}"),
            _ => secret.to_owned(),
        }
    }

    /// The secret in a value as it came off the wire: the value without the scheme's prefix,
    /// or `None` when the prefix is missing.
    pub fn api_key_secret<'a>(&self, value: &'a str) -> Option<&'a str> {
        match self.kind {
            SchemeKind::ApiKey { prefix: Some(prefix), .. } => {
                let (given, secret) = value.split_once(' ')?;
                given.eq_ignore_ascii_case(prefix).then(|| secret.trim_start())
            }
            _ => Some(value),
        }
    }
}

/// `Basic` and base64 of `user:password` (RFC 7617), as an `Authorization` value.
#[cfg(feature = "client")]
pub(crate) fn basic_authorization(user: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// One scheme of a security requirement, with the scopes it must grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub scheme: &'static str,
    pub scopes: &'static [&'static str],
}

/// An operation's `security`: alternatives, each a set of requirements that must all be met.
/// An empty alternative lets the operation go unauthenticated; an empty list needs nothing.
pub type Security = &'static [&'static [Requirement]];

#[cfg(test)]
mod tests {
    use super::*;

    const JWT_HEADER: SecurityScheme = SecurityScheme {
        name: "jwt",
        kind: SchemeKind::ApiKey { location: KeyLocation::Header, name: "Authorization", prefix: Some("JWT") },
    };

    #[test]
    fn prefixes_are_added_and_required() {
        assert_eq!(JWT_HEADER.api_key_value("abc"), "JWT abc");
        assert_eq!(JWT_HEADER.api_key_secret("JWT abc"), Some("abc"));
        assert_eq!(JWT_HEADER.api_key_secret("jwt  abc"), Some("abc"));
        assert_eq!(JWT_HEADER.api_key_secret("Bearer abc"), None);
        assert_eq!(JWT_HEADER.api_key_secret("abc"), None);
    }
}
