//! Checking an operation's `security` before its handler runs: the credentials a request
//! presents for each scheme go to an [`Authenticate`] implementation (a JWT verifier, an API
//! key lookup), and what it returns reaches the handler as typed claims.
//!
//! A request without a credential the operation requires, or with one the authenticator
//! refuses, gets a 401 problem with a `WWW-Authenticate` challenge; a valid credential that
//! lacks a required scope gets a 403.

use super::{Problem, Refusal, RequestParts};
use crate::security::{KeyLocation, Requirement, SchemeKind, Security, SecurityScheme};
use http::header::AUTHORIZATION;
use http::StatusCode;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A credential as a request presented it for one scheme of an operation's `security`.
#[derive(Clone, Copy)]
pub struct Presented<'a> {
    pub scheme: &'a SecurityScheme,
    /// The token or key, without its `Bearer` (or `x-credential-prefix`) word; for basic
    /// auth, the decoded `user:password`.
    pub credential: &'a str,
    /// The scopes the operation requires of this scheme.
    pub scopes: &'a [&'a str],
}

impl std::fmt::Debug for Presented<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presented")
            .field("scheme", &self.scheme.name)
            .field("credential", &"<redacted>")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// Why a presented credential was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Invalid, expired, revoked or unknown: answered 401 (`error="invalid_token"`).
    Invalid(String),
    /// Valid, but without these required scopes: answered 403 (`error="insufficient_scope"`).
    InsufficientScope(Vec<String>),
}

/// Turns a presented credential into the claims handlers receive. Implemented by
/// `jwt::JwtVerifier`, and by any `Fn(Presented) -> Result<Claims, Rejection>`.
pub trait Authenticate: Send + Sync + 'static {
    type Claims: Send + 'static;

    fn authenticate(&self, presented: Presented<'_>) -> impl Future<Output = Result<Self::Claims, Rejection>> + Send;
}

impl<F, C> Authenticate for F
where
    F: Fn(Presented<'_>) -> Result<C, Rejection> + Send + Sync + 'static,
    C: Send + 'static,
{
    type Claims = C;

    fn authenticate(&self, presented: Presented<'_>) -> impl Future<Output = Result<C, Rejection>> + Send {
        std::future::ready(self(presented))
    }
}

type AuthenticateFuture<'a, C> = Pin<Box<dyn Future<Output = Result<C, Rejection>> + Send + 'a>>;

/// [`Authenticate`] behind a pointer, so generated handlers stay generic over the API only.
trait ErasedAuthenticate<C>: Send + Sync {
    fn authenticate<'a>(&'a self, presented: Presented<'a>) -> AuthenticateFuture<'a, C>;
}

impl<A: Authenticate> ErasedAuthenticate<A::Claims> for A {
    fn authenticate<'a>(&'a self, presented: Presented<'a>) -> AuthenticateFuture<'a, A::Claims> {
        Box::pin(Authenticate::authenticate(self, presented))
    }
}

/// The security check of one generated router: its schemes and its authenticator.
pub struct Guard<C> {
    schemes: &'static [SecurityScheme],
    authenticator: Arc<dyn ErasedAuthenticate<C>>,
}

impl<C> Clone for Guard<C> {
    fn clone(&self) -> Self {
        Guard { schemes: self.schemes, authenticator: self.authenticator.clone() }
    }
}

/// What the alternatives of an operation's `security` came to.
enum Outcome<C> {
    Authenticated(C),
    Anonymous,
    Refused(Refusal),
}

impl<C: Send + 'static> Guard<C> {
    pub fn new(schemes: &'static [SecurityScheme], authenticator: impl Authenticate<Claims = C>) -> Self {
        Guard { schemes, authenticator: Arc::new(authenticator) }
    }

    /// The claims of an operation every alternative of whose `security` needs a credential.
    pub async fn require(&self, security: Security, parts: &RequestParts) -> Result<C, Refusal> {
        match self.check(security, parts).await {
            Outcome::Authenticated(claims) => Ok(claims),
            Outcome::Anonymous => Err(self.unauthorized(security, None)),
            Outcome::Refused(response) => Err(response),
        }
    }

    /// The claims of an operation whose `security` also allows no credential (`{}`); `None`
    /// when the request presented none. A credential that is presented must be valid.
    pub async fn allow(&self, security: Security, parts: &RequestParts) -> Result<Option<C>, Refusal> {
        match self.check(security, parts).await {
            Outcome::Authenticated(claims) => Ok(Some(claims)),
            Outcome::Anonymous => Ok(None),
            Outcome::Refused(response) => Err(response),
        }
    }

    /// Tries the alternatives in order; the first whose requirements all authenticate wins,
    /// and the claims of its first requirement are the handler's.
    async fn check(&self, security: Security, parts: &RequestParts) -> Outcome<C> {
        let mut refusal: Option<Rejection> = None;
        let mut anonymous = false;
        for alternative in security {
            if alternative.is_empty() {
                anonymous = true;
                continue;
            }
            let mut claims = None;
            let mut satisfied = true;
            for requirement in *alternative {
                match self.authenticate(requirement, parts).await {
                    Some(Ok(granted)) => {
                        claims.get_or_insert(granted);
                    }
                    Some(Err(rejection)) => {
                        // A valid token without the scope says more than an invalid one.
                        if !matches!(refusal, Some(Rejection::InsufficientScope(_))) {
                            refusal = Some(rejection);
                        }
                        satisfied = false;
                        break;
                    }
                    None => {
                        satisfied = false;
                        break;
                    }
                }
            }
            if let (true, Some(claims)) = (satisfied, claims) {
                return Outcome::Authenticated(claims);
            }
        }
        match refusal {
            Some(rejection) => Outcome::Refused(self.refuse(security, rejection)),
            None if anonymous => Outcome::Anonymous,
            None => Outcome::Refused(self.unauthorized(security, None)),
        }
    }

    /// `None` when the request presents no credential for the requirement's scheme.
    async fn authenticate(&self, requirement: &Requirement, parts: &RequestParts) -> Option<Result<C, Rejection>> {
        let scheme = self.schemes.iter().find(|scheme| scheme.name == requirement.scheme)?;
        let credential = presented_credential(scheme, parts)?;
        let credential = match credential {
            Ok(credential) => credential,
            Err(fault) => return Some(Err(Rejection::Invalid(fault.to_owned()))),
        };
        let presented = Presented { scheme, credential: &credential, scopes: requirement.scopes };
        Some(self.authenticator.authenticate(presented).await)
    }

    fn refuse(&self, security: Security, rejection: Rejection) -> Refusal {
        match rejection {
            Rejection::Invalid(reason) => self.unauthorized(security, Some(&reason)),
            Rejection::InsufficientScope(scopes) => {
                let detail = format!("the credential lacks the required scopes: {}", scopes.join(" "));
                let challenge =
                    format!("Bearer error=\"insufficient_scope\", scope=\"{}\"", quoted_text(&scopes.join(" ")));
                with_challenge(Problem::new(StatusCode::FORBIDDEN, detail), &challenge)
            }
        }
    }

    fn unauthorized(&self, security: Security, reason: Option<&str>) -> Refusal {
        let detail = match reason {
            Some(reason) => format!("the credential was refused: {reason}"),
            None => "this operation requires a credential".to_owned(),
        };
        let mut challenges: Vec<String> = Vec::new();
        for requirement in security.iter().flat_map(|alternative| alternative.iter()) {
            let Some(scheme) = self.schemes.iter().find(|scheme| scheme.name == requirement.scheme) else { continue };
            let challenge = challenge(scheme, reason);
            if !challenges.contains(&challenge) {
                challenges.push(challenge);
            }
        }
        with_challenge(Problem::new(StatusCode::UNAUTHORIZED, detail), &challenges.join(", "))
    }
}

/// The challenge of one scheme, per RFC 9110 and, for bearer tokens, RFC 6750.
fn challenge(scheme: &SecurityScheme, reason: Option<&str>) -> String {
    let error = reason
        .map(|reason| format!(", error=\"invalid_token\", error_description=\"{}\"", quoted_text(reason)))
        .unwrap_or_default();
    match scheme.kind {
        SchemeKind::Bearer => format!("Bearer realm=\"api\"{error}"),
        SchemeKind::Basic => "Basic realm=\"api\"".to_owned(),
        SchemeKind::ApiKey { prefix: Some(prefix), .. } => format!("{prefix} realm=\"api\"{error}"),
        SchemeKind::ApiKey { location, name, prefix: None } => {
            let location = match location {
                KeyLocation::Header => "header",
                KeyLocation::Query => "query",
                KeyLocation::Cookie => "cookie",
            };
            format!("ApiKey realm=\"api\", in=\"{location}\", name=\"{}\"", quoted_text(name))
        }
    }
}

/// Text safe inside a quoted string of a header.
fn quoted_text(text: &str) -> String {
    text.chars().filter(|character| *character >= ' ' && *character != '"' && *character != '\\').collect()
}

fn with_challenge(problem: Problem, challenge: &str) -> Refusal {
    Refusal { problem, challenge: Some(challenge.to_owned()) }
}

/// The credential a request presents for `scheme`: `None` when there is none, an error when
/// one is there but malformed (a basic credential that is not base64, a missing prefix).
fn presented_credential(scheme: &SecurityScheme, parts: &RequestParts) -> Option<Result<String, &'static str>> {
    let authorization = || parts.raw_header(AUTHORIZATION.as_str());
    match scheme.kind {
        SchemeKind::Bearer => {
            let (word, token) = authorization()?.split_once(' ')?;
            word.eq_ignore_ascii_case("bearer").then(|| Ok(token.trim().to_owned()))
        }
        SchemeKind::Basic => {
            use base64::Engine;
            let (word, encoded) = authorization()?.split_once(' ')?;
            if !word.eq_ignore_ascii_case("basic") {
                return None;
            }
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            Some(decoded.ok_or("the basic credential is not base64 of UTF-8 text"))
        }
        SchemeKind::ApiKey { location, name, .. } => {
            let value = match location {
                KeyLocation::Header => parts.raw_header(name),
                KeyLocation::Query => parts.raw_query(name),
                KeyLocation::Cookie => parts.raw_cookie(name),
            }?;
            Some(scheme.api_key_secret(value).map(str::to_owned).ok_or("the credential lacks its prefix"))
        }
    }
}

/// The state of a secured generated router: the API implementation and its guard.
pub struct Secured<S, C> {
    pub api: S,
    pub guard: Guard<C>,
}

impl<S, C: Send + 'static> Secured<S, C> {
    pub fn new(api: S, schemes: &'static [SecurityScheme], authenticator: impl Authenticate<Claims = C>) -> Self {
        Secured { api, guard: Guard::new(schemes, authenticator) }
    }
}
