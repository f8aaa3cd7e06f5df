//! Keys that rotate: a JSON Web Key Set (RFC 7517) fetched from its URL, or from the
//! `jwks_uri` of an OpenID Connect discovery document.
//!
//! Each key is pinned to one algorithm when it is read (from its `alg`, else from its type
//! and curve); encryption keys, symmetric (`oct`) keys and keys of unknown kinds are left
//! out. The set is cached as the response's `Cache-Control: max-age` says (ten minutes when
//! it says nothing), and fetched again before that when a token names a `kid` the set lacks,
//! but at most once per [refetch interval](super::JwtVerifier::jwks_refetch_interval), so
//! that made-up `kid`s cannot become a storm of fetches. A fetch that fails keeps the keys
//! already held, so rotation never refuses a valid token. Fetches are bounded in time and
//! size, and only `https` is fetched, except from loopback addresses.

use super::{JwtError, PinnedKey};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The largest key set or discovery document read.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;
/// How long one fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a key set is kept when its response does not say.
const DEFAULT_MAX_AGE: Duration = Duration::from_secs(600);
/// The longest a key set is kept, whatever its response says.
const LONGEST_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Where the keys come from.
#[derive(Clone, Debug)]
pub(super) enum KeySource {
    /// A key set URL.
    Jwks(String),
    /// An OpenID Connect discovery document's URL; its `issuer` must be `issuer` when one is
    /// configured, and becomes the required issuer otherwise.
    Discovery(String),
}

/// The keys fetched last, and until when they are fresh.
#[derive(Default)]
pub(super) struct Snapshot {
    pub keys: Vec<PinnedKey>,
    /// The issuer a discovery document named.
    pub issuer: Option<String>,
    fresh_until: Option<Instant>,
}

pub(super) struct RemoteKeys {
    source: KeySource,
    pub refetch_interval: Duration,
    http: reqwest::Client,
    current: RwLock<Arc<Snapshot>>,
    /// Held by the one fetch under way; holds when the last fetch started.
    fetching: tokio::sync::Mutex<Option<Instant>>,
    fetches: std::sync::atomic::AtomicU64,
}

impl RemoteKeys {
    pub fn new(source: KeySource, refetch_interval: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        RemoteKeys {
            source,
            refetch_interval,
            http,
            current: RwLock::default(),
            fetching: tokio::sync::Mutex::new(None),
            fetches: Default::default(),
        }
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// The keys held now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|poison| poison.into_inner()).clone()
    }

    /// How many fetches of the key set were started.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Fetches the set again when it is stale (or was never fetched). `issuer` is the one
    /// configured, which a discovery document must name.
    pub async fn ensure_fresh(&self, issuer: Option<&str>) {
        let stale = |snapshot: &Snapshot| snapshot.fresh_until.is_none_or(|until| Instant::now() >= until);
        if !stale(&self.snapshot()) {
            return;
        }
        let mut last = self.fetching.lock().await;
        // Another caller may have fetched while this one waited; a failed fetch is not
        // tried again within the refetch interval.
        if stale(&self.snapshot()) && last.is_none_or(|last| last.elapsed() >= self.refetch_interval) {
            self.fetch(&mut last, issuer).await;
        }
    }

    /// Fetches the set again because a token named a key it lacks, unless a fetch started
    /// within the refetch interval. Callers verify again afterwards either way: a fetch that
    /// another caller just made may hold the key.
    pub async fn refetch_for_unknown_key(&self, issuer: Option<&str>) {
        let mut last = self.fetching.lock().await;
        if last.is_none_or(|last| last.elapsed() >= self.refetch_interval) {
            self.fetch(&mut last, issuer).await;
        }
    }

    async fn fetch(&self, last: &mut Option<Instant>, issuer: Option<&str>) {
        *last = Some(Instant::now());
        self.fetches.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match self.fetch_keys(issuer).await {
            Ok(snapshot) => *self.current.write().unwrap_or_else(|poison| poison.into_inner()) = Arc::new(snapshot),
            Err(_) => {
                // Keep the keys held, fresh for one more interval, so that tokens signed by
                // them keep passing while the key server is down.
                let held = self.snapshot();
                let kept = Snapshot {
                    keys: held.keys.clone(),
                    issuer: held.issuer.clone(),
                    fresh_until: Some(Instant::now() + self.refetch_interval),
                };
                *self.current.write().unwrap_or_else(|poison| poison.into_inner()) = Arc::new(kept);
            }
        }
    }

    async fn fetch_keys(&self, expected_issuer: Option<&str>) -> Result<Snapshot, JwtError> {
        let (jwks_url, issuer) = match &self.source {
            KeySource::Jwks(url) => (url.clone(), None),
            KeySource::Discovery(url) => {
                let (document, _) = self.get_json(url).await?;
                let issuer = document["issuer"].as_str().map(str::to_owned);
                if let (Some(expected), Some(issuer)) = (expected_issuer, &issuer) {
                    if expected != issuer {
                        return Err(invalid(format!("{url} names the issuer {issuer:?}, not {expected:?}")));
                    }
                }
                let issuer = issuer.ok_or_else(|| invalid(format!("{url} names no issuer")))?;
                let jwks = document["jwks_uri"].as_str().ok_or_else(|| invalid(format!("{url} has no jwks_uri")))?;
                (jwks.to_owned(), Some(issuer))
            }
        };
        let (set, max_age) = self.get_json(&jwks_url).await?;
        let keys = match set.get("keys") {
            Some(Value::Array(keys)) => keys.iter().filter_map(pinned_key).collect(),
            _ => return Err(invalid(format!("{jwks_url} is not a JSON Web Key Set"))),
        };
        let max_age = max_age.unwrap_or(DEFAULT_MAX_AGE).clamp(self.refetch_interval, LONGEST_MAX_AGE);
        Ok(Snapshot { keys, issuer, fresh_until: Some(Instant::now() + max_age) })
    }

    /// A JSON document and the `max-age` its response gave, read within the size bound.
    async fn get_json(&self, url: &str) -> Result<(Value, Option<Duration>), JwtError> {
        check_fetchable(url)?;
        let mut response = self.http.get(url).send().await.map_err(|error| invalid(format!("{url}: {error}")))?;
        if !response.status().is_success() {
            return Err(invalid(format!("{url} answered {}", response.status())));
        }
        let max_age = response
            .headers()
            .get_all(http::header::CACHE_CONTROL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(max_age_of);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|error| invalid(format!("{url}: {error}")))? {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(invalid(format!("{url} is larger than {MAX_DOCUMENT_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        let document = serde_json::from_slice(&body).map_err(|error| invalid(format!("{url}: {error}")))?;
        Ok((document, max_age))
    }
}

fn invalid(reason: String) -> JwtError {
    JwtError::Invalid(reason)
}

/// `https`, or `http` to a loopback address (a key server on the same machine).
fn check_fetchable(url: &str) -> Result<(), JwtError> {
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(format!("{url}: {error}")))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|address| address.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(invalid(format!("{url}: keys are fetched over https only"))),
    }
}

/// The `max-age` of a `Cache-Control` value; `no-cache` and `no-store` count as zero.
fn max_age_of(cache_control: &str) -> Option<Duration> {
    cache_control.split(',').map(str::trim).find_map(|directive| {
        let directive = directive.to_ascii_lowercase();
        if directive == "no-cache" || directive == "no-store" {
            return Some(Duration::ZERO);
        }
        let seconds = directive.strip_prefix("max-age=")?.trim_matches('"').parse().ok()?;
        Some(Duration::from_secs(seconds))
    })
}

/// A key of the set, pinned to the one algorithm it signs with; `None` for keys that are not
/// public signature keys of a kind this verifier knows.
fn pinned_key(value: &Value) -> Option<PinnedKey> {
    let jwk: Jwk = serde_json::from_value(value.clone()).ok()?;
    if !matches!(jwk.common.public_key_use, None | Some(PublicKeyUse::Signature)) {
        return None;
    }
    let algorithm = match (&jwk.algorithm, &jwk.common.key_algorithm) {
        (AlgorithmParameters::RSA(_), None) => Algorithm::RS256,
        (AlgorithmParameters::RSA(_), Some(named)) => match named {
            KeyAlgorithm::RS256 => Algorithm::RS256,
            KeyAlgorithm::RS384 => Algorithm::RS384,
            KeyAlgorithm::RS512 => Algorithm::RS512,
            KeyAlgorithm::PS256 => Algorithm::PS256,
            KeyAlgorithm::PS384 => Algorithm::PS384,
            KeyAlgorithm::PS512 => Algorithm::PS512,
            _ => return None,
        },
        (AlgorithmParameters::EllipticCurve(parameters), named) => match (&parameters.curve, named) {
            (EllipticCurve::P256, None | Some(KeyAlgorithm::ES256)) => Algorithm::ES256,
            (EllipticCurve::P384, None | Some(KeyAlgorithm::ES384)) => Algorithm::ES384,
            _ => return None,
        },
        (AlgorithmParameters::OctetKeyPair(parameters), None | Some(KeyAlgorithm::EdDSA))
            if parameters.curve == EllipticCurve::Ed25519 =>
        {
            Algorithm::EdDSA
        }
        // Symmetric keys are never taken from the network; other kinds are unknown.
        _ => return None,
    };
    let key = DecodingKey::from_jwk(&jwk).ok()?;
    Some(PinnedKey { kid: jwk.common.key_id.clone(), algorithm, key })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cache_control_gives_the_lifetime() {
        assert_eq!(max_age_of("public, max-age=300"), Some(Duration::from_secs(300)));
        assert_eq!(max_age_of("no-store"), Some(Duration::ZERO));
        assert_eq!(max_age_of("public"), None);
        assert_eq!(max_age_of("max-age=soon"), None);
    }

    #[test]
    fn only_https_or_loopback_is_fetched() {
        assert!(check_fetchable("https://issuer.example/jwks").is_ok());
        assert!(check_fetchable("http://127.0.0.1:8080/jwks").is_ok());
        assert!(check_fetchable("http://localhost/jwks").is_ok());
        assert!(check_fetchable("http://[::1]/jwks").is_ok());
        assert!(check_fetchable("http://issuer.example/jwks").is_err());
        assert!(check_fetchable("file:///etc/passwd").is_err());
    }

    #[test]
    fn keys_are_pinned_by_kind_and_the_rest_left_out() {
        let rsa = json!({ "kty": "RSA", "kid": "r", "n": "sXch", "e": "AQAB" });
        let pinned = |value: Value| pinned_key(&value).map(|key| (key.algorithm, key.kid));
        assert_eq!(pinned(rsa.clone()), Some((Algorithm::RS256, Some("r".into()))));
        let mut ps = rsa.clone();
        ps["alg"] = json!("PS384");
        assert_eq!(pinned(ps).map(|(algorithm, _)| algorithm), Some(Algorithm::PS384));
        let mut encryption = rsa.clone();
        encryption["use"] = json!("enc");
        assert_eq!(pinned(encryption), None);
        let mut oaep = rsa.clone();
        oaep["alg"] = json!("RSA-OAEP");
        assert_eq!(pinned(oaep), None);
        let mut mismatched = rsa;
        mismatched["alg"] = json!("ES256");
        assert_eq!(pinned(mismatched), None);
        assert_eq!(pinned(json!({ "kty": "oct", "k": "c2VjcmV0" })), None);
        let ec = json!({ "kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                         "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" });
        assert_eq!(pinned(ec.clone()).map(|(algorithm, _)| algorithm), Some(Algorithm::ES256));
        let mut p384 = ec;
        p384["alg"] = json!("ES384");
        assert_eq!(pinned(p384), None);
        assert_eq!(pinned(json!({ "kty": "XYZ" })), None);
    }
}
