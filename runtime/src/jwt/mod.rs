//! JSON Web Tokens on the `jsonwebtoken` crate: a [`JwtVerifier`] for servers and a
//! [`JwtIssuer`] for token services, tests and examples.
//!
//! The verifier trusts configuration, never the token: each key is pinned to one algorithm,
//! and a token whose header names an algorithm no key is pinned to is refused (so `alg: none`
//! and HS/RS confusion fail); keys the header carries (`jwk`, `jku`, `x5u`, `x5c`) are never
//! used. `exp` is required; `nbf` and `iat` are checked; all three must be numbers, with a
//! small leeway for clock skew. What is configured is required: an issuer makes `iss`
//! required, an audience `aud`, a token type (RFC 8725 section 3.11, `at+jwt` of RFC 9068)
//! the header's `typ`. A token that names an audience is refused by a verifier configured
//! with none (RFC 7519 section 4.1.3), a header that marks any extension critical (`crit`,
//! RFC 7515 section 4.1.11) is refused since none is understood, and tokens are bounded in
//! size before anything is decoded.

use jsonwebtoken::{decode, decode_header, encode, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::time::Duration;

#[cfg(feature = "client")]
mod remote;

pub use jsonwebtoken::Algorithm;

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    crate::unix_now()
}

/// The registered claims and the rest, as a verified token carries them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// A NumericDate (RFC 7519 section 2): fractions of a second are dropped.
    #[serde(deserialize_with = "numeric_date")]
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Every other claim (`iss`, `aud`, `scope`, custom ones).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Claims {
    /// The granted scopes: the space-separated `scope` claim (RFC 8693) or the `scp` array.
    pub fn scopes(&self) -> Vec<&str> {
        scopes_of(&self.extra)
    }
}

fn numeric_date<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let seconds = f64::deserialize(deserializer)?;
    if seconds.is_finite() && (0.0..u64::MAX as f64).contains(&seconds) {
        Ok(seconds as u64)
    } else {
        Err(serde::de::Error::custom("a NumericDate must be a non-negative number of seconds"))
    }
}

fn scopes_of(claims: &Map<String, Value>) -> Vec<&str> {
    match (claims.get("scope"), claims.get("scp")) {
        (Some(Value::String(scope)), _) => scope.split_whitespace().collect(),
        (_, Some(Value::Array(scopes))) => scopes.iter().filter_map(Value::as_str).collect(),
        (_, Some(Value::String(scope))) => scope.split_whitespace().collect(),
        _ => Vec::new(),
    }
}

/// Why a token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Malformed, badly signed, expired, not yet valid, or for another issuer or audience.
    Invalid(String),
    /// Valid, but without these required scopes.
    MissingScopes(Vec<String>),
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Invalid(reason) => f.write_str(reason),
            JwtError::MissingScopes(scopes) => write!(f, "missing scopes: {}", scopes.join(" ")),
        }
    }
}

impl std::error::Error for JwtError {}

/// The kind of PEM key an asymmetric algorithm signs and verifies with.
enum PemFamily {
    Rsa,
    Ec,
    Ed,
}

fn pem_family(algorithm: Algorithm) -> Result<PemFamily, JwtError> {
    match algorithm {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => Ok(PemFamily::Rsa),
        Algorithm::ES256 | Algorithm::ES384 => Ok(PemFamily::Ec),
        Algorithm::EdDSA => Ok(PemFamily::Ed),
        // HS* (and any algorithm a later jsonwebtoken adds) take no PEM key.
        _ => Err(JwtError::Invalid(format!("{algorithm:?} is not a public-key algorithm"))),
    }
}

#[derive(Clone)]
struct PinnedKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Tokens longer than this are refused unread, unless [`JwtVerifier::max_token_bytes`] says
/// otherwise: four times the largest tokens common identity providers issue.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Verifies tokens against configured keys; `C` is the claims type handlers receive.
pub struct JwtVerifier<C = Claims> {
    keys: Vec<PinnedKey>,
    issuer: Option<String>,
    audience: Option<String>,
    token_type: Option<String>,
    max_token_bytes: usize,
    leeway: u64,
    /// Keys fetched from a key set URL or through discovery, as they rotate.
    #[cfg(feature = "client")]
    remote: Option<std::sync::Arc<remote::RemoteKeys>>,
    claims: std::marker::PhantomData<fn() -> C>,
}

/// Why a token was not verified: refused outright, or signed by no key held (which a fetch
/// of rotated keys may cure).
enum Fault {
    Refused(JwtError),
    NoKey(JwtError),
}

impl From<Fault> for JwtError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Refused(error) | Fault::NoKey(error) => error,
        }
    }
}

impl From<JwtError> for Fault {
    fn from(error: JwtError) -> Self {
        Fault::Refused(error)
    }
}

impl<C> fmt::Debug for JwtVerifier<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let algorithms: Vec<_> = self.keys.iter().map(|key| key.algorithm).collect();
        f.debug_struct("JwtVerifier")
            .field("algorithms", &algorithms)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("token_type", &self.token_type)
            .field("max_token_bytes", &self.max_token_bytes)
            .field("leeway", &self.leeway)
            .finish()
    }
}

impl<C> Default for JwtVerifier<C> {
    fn default() -> Self {
        JwtVerifier {
            keys: Vec::new(),
            issuer: None,
            audience: None,
            token_type: None,
            max_token_bytes: MAX_TOKEN_BYTES,
            leeway: 5,
            #[cfg(feature = "client")]
            remote: None,
            claims: std::marker::PhantomData,
        }
    }
}

impl<C: DeserializeOwned> JwtVerifier<C> {
    /// A verifier with no keys yet; add them with [`JwtVerifier::key`] and the like.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts tokens signed with `key` by `algorithm`. `kid`, when given, must match the
    /// token header's `kid` for this key to be tried.
    pub fn key(mut self, algorithm: Algorithm, key: DecodingKey, kid: Option<&str>) -> Self {
        self.keys.push(PinnedKey { kid: kid.map(str::to_owned), algorithm, key });
        self
    }

    /// Accepts HS256 tokens signed with `secret`.
    pub fn hs256(self, secret: &[u8]) -> Self {
        self.key(Algorithm::HS256, DecodingKey::from_secret(secret), None)
    }

    /// Accepts tokens signed by the PEM public key's owner with `algorithm` (RS*, PS*, ES*
    /// or EdDSA).
    pub fn public_key_pem(self, algorithm: Algorithm, pem: &[u8]) -> Result<Self, JwtError> {
        let key = match pem_family(algorithm)? {
            PemFamily::Rsa => DecodingKey::from_rsa_pem(pem),
            PemFamily::Ec => DecodingKey::from_ec_pem(pem),
            PemFamily::Ed => DecodingKey::from_ed_pem(pem),
        }
        .map_err(|error| JwtError::Invalid(format!("the {algorithm:?} public key: {error}")))?;
        Ok(self.key(algorithm, key, None))
    }

    /// Requires `iss`, and requires it to be `issuer`.
    pub fn issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// Requires `aud`, and requires it to be, or contain, `audience`. Without an audience,
    /// tokens that name one are refused: they are meant for someone else.
    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// Requires the header's `typ` to be `token_type` (compared as media types are: without
    /// case, `application/` optional), so that a token of one kind never passes for another:
    /// `at+jwt` for access tokens (RFC 9068), a type of the service's own for refresh tokens.
    pub fn token_type(mut self, token_type: &str) -> Self {
        self.token_type = Some(media_subtype(token_type));
        self
    }

    /// Also accepts the keys of the JSON Web Key Set at `url`, fetched as they rotate (see
    /// the `remote` module's rules: pinned by kind, cached, bounded, https only but for
    /// loopback). Needs the `client` feature.
    #[cfg(feature = "client")]
    pub fn jwks_url(mut self, url: &str) -> Self {
        self.remote = Some(self.remote_keys(remote::KeySource::Jwks(url.to_owned()), None));
        self
    }

    /// Accepts tokens of the OpenID Connect issuer `issuer`: its keys are read from the
    /// `jwks_uri` of `{issuer}/.well-known/openid-configuration`, whose `issuer` must be
    /// `issuer`, and `iss` is required to be it. Needs the `client` feature.
    #[cfg(feature = "client")]
    pub fn openid_issuer(mut self, issuer: &str) -> Self {
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        self.issuer = Some(issuer.to_owned());
        self.remote = Some(self.remote_keys(remote::KeySource::Discovery(url), None));
        self
    }

    /// Accepts tokens of the issuer that the discovery document at `url` describes (an
    /// `openIdConnectUrl` of a spec): keys from its `jwks_uri`, and `iss` required to be its
    /// `issuer` unless [`Self::issuer`] names one, which the document must then name too.
    #[cfg(feature = "client")]
    pub fn openid_configuration_url(mut self, url: &str) -> Self {
        self.remote = Some(self.remote_keys(remote::KeySource::Discovery(url.to_owned()), None));
        self
    }

    /// The least time between two fetches of the key set that tokens with unknown `kid`s
    /// cause, or that retry a failed fetch (10 seconds unless set). Identity providers
    /// publish a new key before they sign with it; one published since the last fetch is
    /// found by the first token that names it, unless a fetch ran within the interval.
    #[cfg(feature = "client")]
    pub fn jwks_refetch_interval(mut self, interval: Duration) -> Self {
        if let Some(remote) = self.remote.take() {
            self.remote = Some(self.remote_keys(remote.source().clone(), Some(interval)));
        }
        self
    }

    /// How many times the key set was fetched (each discovery counting once).
    #[cfg(feature = "client")]
    pub fn jwks_fetches(&self) -> u64 {
        self.remote.as_ref().map_or(0, |remote| remote.fetch_count())
    }

    #[cfg(feature = "client")]
    fn remote_keys(&self, source: remote::KeySource, interval: Option<Duration>) -> std::sync::Arc<remote::RemoteKeys> {
        let interval = interval
            .or_else(|| self.remote.as_ref().map(|remote| remote.refetch_interval))
            .unwrap_or(Duration::from_secs(10));
        std::sync::Arc::new(remote::RemoteKeys::new(source, interval))
    }

    /// Refuses tokens longer than `bytes` before decoding them ([`MAX_TOKEN_BYTES`] unless set).
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = bytes;
        self
    }

    /// Clock skew tolerated on `exp`, `nbf` and `iat` (5 seconds unless set).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway.as_secs();
        self
    }

    /// The claims of a valid token that grants every scope in `scopes`, checked against the
    /// keys held now (configured ones, and those fetched last); [`Self::verify_fetching`]
    /// also fetches rotated keys.
    pub fn verify(&self, token: &str, scopes: &[&str]) -> Result<C, JwtError> {
        self.verify_held(token, scopes).map_err(JwtError::from)
    }

    /// As [`Self::verify`], after fetching the key set again when it is stale or when the
    /// token names a key it lacks (at most once per refetch interval).
    pub async fn verify_fetching(&self, token: &str, scopes: &[&str]) -> Result<C, JwtError> {
        #[cfg(feature = "client")]
        if let Some(remote) = &self.remote {
            remote.ensure_fresh(self.issuer.as_deref()).await;
            return match self.verify_held(token, scopes) {
                Err(Fault::NoKey(_)) => {
                    remote.refetch_for_unknown_key(self.issuer.as_deref()).await;
                    self.verify(token, scopes)
                }
                held => held.map_err(JwtError::from),
            };
        }
        self.verify(token, scopes)
    }

    /// Verifies against the configured keys and those fetched last, with the issuer
    /// configured or, failing that, the one discovery named.
    fn verify_held(&self, token: &str, scopes: &[&str]) -> Result<C, Fault> {
        #[cfg(feature = "client")]
        let fetched = self.remote.as_ref().map(|remote| remote.snapshot());
        #[cfg(not(feature = "client"))]
        let fetched: Option<std::sync::Arc<Fetched>> = None;
        let (keys, issuer) = match &fetched {
            Some(snapshot) => (&snapshot.keys[..], self.issuer.as_ref().or(snapshot.issuer.as_ref())),
            None => (&[][..], self.issuer.as_ref()),
        };
        self.verify_with(token, scopes, keys, issuer)
    }

    fn verify_with(
        &self,
        token: &str,
        scopes: &[&str],
        fetched: &[PinnedKey],
        issuer: Option<&String>,
    ) -> Result<C, Fault> {
        let invalid = |reason: String| JwtError::Invalid(reason);
        let refused = |reason: String| Fault::Refused(JwtError::Invalid(reason));
        if token.len() > self.max_token_bytes {
            return Err(refused(format!(
                "the token is {} bytes long; at most {} are accepted",
                token.len(),
                self.max_token_bytes
            )));
        }
        let header = decode_header(token).map_err(|error| invalid(format!("malformed token: {error}")))?;
        if let Some(critical) = &header.crit {
            return Err(refused(format!(
                "the token header marks {critical:?} critical (`crit`); no JWS extension is understood here"
            )));
        }
        if let Some(expected) = &self.token_type {
            match header.typ.as_deref().map(media_subtype) {
                Some(typ) if typ == *expected => {}
                Some(typ) => return Err(refused(format!("the token's type (`typ`) is `{typ}`, not `{expected}`"))),
                None => return Err(refused(format!("the token declares no type (`typ`); `{expected}` is required"))),
            }
        }
        let mut candidates = self
            .keys
            .iter()
            .chain(fetched)
            .filter(|key| key.algorithm == header.alg)
            .filter(|key| key.kid.is_none() || header.kid.is_none() || key.kid == header.kid)
            .peekable();
        if candidates.peek().is_none() {
            let reason = match &header.kid {
                Some(kid) if self.keys.iter().chain(fetched).any(|key| key.algorithm == header.alg) => {
                    format!("no {:?} key has the id {kid:?}", header.alg)
                }
                _ => format!("tokens signed with {:?} are not accepted", header.alg),
            };
            return Err(Fault::NoKey(invalid(reason)));
        }
        let mut last = String::new();
        for key in candidates {
            match decode::<Map<String, Value>>(token, &key.key, &self.validation(key.algorithm)) {
                Ok(data) => return Ok(self.checked(data.claims, scopes, issuer)?),
                Err(error) => last = refusal_of(&error),
            }
        }
        Err(refused(last))
    }

    /// The signature and the time claims; `iss` and `aud` are checked in [`Self::checked`],
    /// more strictly than `jsonwebtoken` would (one issuer string; no `aud` unless expected).
    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.leeway = self.leeway;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp"]);
        validation
    }

    /// The checks `jsonwebtoken` leaves to us: issuer, audience, `iat` not in the future,
    /// and scopes.
    fn checked(&self, claims: Map<String, Value>, scopes: &[&str], issuer: Option<&String>) -> Result<C, JwtError> {
        if let Some(issuer) = issuer {
            match claims.get("iss") {
                Some(Value::String(iss)) if iss == issuer => {}
                Some(Value::String(iss)) => {
                    return Err(JwtError::Invalid(format!("the token's issuer `{iss}` is not the accepted one")))
                }
                Some(_) => return Err(JwtError::Invalid("the token's issuer (`iss`) is not a string".to_owned())),
                None => return Err(JwtError::Invalid("the token names no issuer (`iss`); one is required".to_owned())),
            }
        }
        self.check_audience(claims.get("aud"))?;
        if let Some(iat) = claims.get("iat") {
            let iat = iat.as_f64().ok_or_else(|| JwtError::Invalid("`iat` is not a number".to_owned()))?;
            if iat > (now() + self.leeway) as f64 {
                return Err(JwtError::Invalid("the token was issued in the future".to_owned()));
            }
        }
        let granted = scopes_of(&claims);
        let missing: Vec<String> =
            scopes.iter().filter(|scope| !granted.contains(scope)).map(|scope| scope.to_string()).collect();
        if !missing.is_empty() {
            return Err(JwtError::MissingScopes(missing));
        }
        serde_json::from_value(Value::Object(claims))
            .map_err(|error| JwtError::Invalid(format!("unexpected claims: {error}")))
    }
}

impl<C> JwtVerifier<C> {
    fn check_audience(&self, aud: Option<&Value>) -> Result<(), JwtError> {
        let invalid = |reason: &str| Err(JwtError::Invalid(reason.to_owned()));
        let names: Vec<&str> = match aud {
            None => Vec::new(),
            Some(Value::String(name)) => vec![name],
            Some(Value::Array(names)) if names.iter().all(Value::is_string) => {
                names.iter().filter_map(Value::as_str).collect()
            }
            Some(_) => return invalid("the token's audience (`aud`) is neither a string nor a list of strings"),
        };
        match (&self.audience, aud) {
            (None, None) => Ok(()),
            (None, Some(_)) => invalid("the token names an audience (`aud`) and this verifier accepts none"),
            (Some(_), None) => invalid("the token names no audience (`aud`); one is required"),
            (Some(audience), Some(_)) if names.contains(&audience.as_str()) => Ok(()),
            (Some(_), Some(_)) => invalid("the token is for another audience (`aud`)"),
        }
    }
}

/// Why `jsonwebtoken` refused a token, in words a caller can act on.
fn refusal_of(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => "the signature is invalid for every accepted key".to_owned(),
        ErrorKind::ExpiredSignature => "the token has expired (`exp`)".to_owned(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (`nbf`, immature)".to_owned(),
        ErrorKind::MissingRequiredClaim(claim) | ErrorKind::InvalidClaimFormat(claim) => {
            format!("the token's `{claim}` is missing or not a NumericDate")
        }
        ErrorKind::Json(error) => format!("malformed claims: {error}"),
        _ => format!("malformed token: {error}"),
    }
}

/// A `typ` value as RFC 7515 section 4.1.9 compares it: without case and with the
/// `application/` prefix optional.
fn media_subtype(typ: &str) -> String {
    let typ = typ.trim().to_ascii_lowercase();
    match typ.strip_prefix("application/") {
        Some(subtype) => subtype.to_owned(),
        None => typ,
    }
}

/// Stands in for the fetched keys where the `client` feature (and so fetching) is off.
#[cfg(not(feature = "client"))]
struct Fetched {
    keys: Vec<PinnedKey>,
    issuer: Option<String>,
}

#[cfg(feature = "server")]
impl<C: DeserializeOwned + Send + 'static> crate::server::Authenticate for JwtVerifier<C> {
    type Claims = C;

    fn authenticate(
        &self,
        presented: crate::server::Presented<'_>,
    ) -> impl std::future::Future<Output = Result<C, crate::server::Rejection>> + Send {
        use crate::server::Rejection;
        async move {
            self.verify_fetching(presented.credential, presented.scopes).await.map_err(|error| match error {
                JwtError::Invalid(reason) => Rejection::Invalid(reason),
                JwtError::MissingScopes(scopes) => Rejection::InsufficientScope(scopes),
            })
        }
    }
}

/// Signs tokens: for token services, and for tests and examples of the verifier.
pub struct JwtIssuer {
    algorithm: Algorithm,
    key: EncodingKey,
    kid: Option<String>,
    token_type: Option<String>,
    issuer: Option<String>,
    audience: Option<String>,
}

impl fmt::Debug for JwtIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtIssuer")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("token_type", &self.token_type)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl JwtIssuer {
    pub fn new(algorithm: Algorithm, key: EncodingKey) -> Self {
        JwtIssuer { algorithm, key, kid: None, token_type: None, issuer: None, audience: None }
    }

    /// Signs HS256 tokens with `secret`.
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new(Algorithm::HS256, EncodingKey::from_secret(secret))
    }

    /// Signs with a PEM private key (RS*, PS*, ES* or EdDSA).
    pub fn private_key_pem(algorithm: Algorithm, pem: &[u8]) -> Result<Self, JwtError> {
        let key = match pem_family(algorithm)? {
            PemFamily::Rsa => EncodingKey::from_rsa_pem(pem),
            PemFamily::Ec => EncodingKey::from_ec_pem(pem),
            PemFamily::Ed => EncodingKey::from_ed_pem(pem),
        }
        .map_err(|error| JwtError::Invalid(format!("the {algorithm:?} private key: {error}")))?;
        Ok(Self::new(algorithm, key))
    }

    pub fn kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.to_owned());
        self
    }

    /// The header's `typ` (`JWT` unless set): `at+jwt` for access tokens (RFC 9068).
    pub fn token_type(mut self, token_type: &str) -> Self {
        self.token_type = Some(token_type.to_owned());
        self
    }

    pub fn issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(issuer.to_owned());
        self
    }

    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.to_owned());
        self
    }

    /// A token for `subject` valid for `lifetime` from now, with `extra` claims merged in
    /// (an object; `scope`, `jti`, `nbf`, ... or overrides of `exp` and `iat`).
    pub fn issue(&self, subject: &str, lifetime: Duration, extra: Value) -> Result<String, JwtError> {
        let issued = now();
        let mut claims = Map::new();
        claims.insert("sub".into(), subject.into());
        claims.insert("iat".into(), issued.into());
        claims.insert("exp".into(), (issued + lifetime.as_secs()).into());
        if let Some(issuer) = &self.issuer {
            claims.insert("iss".into(), issuer.as_str().into());
        }
        if let Some(audience) = &self.audience {
            claims.insert("aud".into(), audience.as_str().into());
        }
        if let Value::Object(extra) = extra {
            claims.extend(extra);
        }
        let mut header = Header::new(self.algorithm);
        header.kid = self.kid.clone();
        if let Some(token_type) = &self.token_type {
            header.typ = Some(token_type.clone());
        }
        encode(&header, &claims, &self.key).map_err(|error| JwtError::Invalid(format!("signing failed: {error}")))
    }
}
