//! `JwtVerifier` with keys that rotate, from a key set served on 127.0.0.1: discovery, a
//! rotation with no valid token refused, made-up `kid`s that cannot cause a storm of fetches,
//! `Cache-Control`, a key server that fails, and key sets that must not be trusted.

use apigen_runtime::jwt::{Algorithm, JwtIssuer, JwtVerifier};
use apigen_runtime::server::axum::{self, routing::get, Router};
use e2e::tokens::serve_resources;
use e2e::{send_raw_with, RawReply};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::EncodingKey;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const RSA_1: &[u8] = include_bytes!("../keys/rsa-private.pem");
const RSA_2: &[u8] = include_bytes!("../keys/rsa2-private.pem");
const EC_1: &[u8] = include_bytes!("../keys/ec-private.pem");
const AUDIENCE: &str = "resources";
const HOUR: Duration = Duration::from_secs(3600);
/// Short, so that the tests can wait it out.
const INTERVAL: Duration = Duration::from_millis(200);

/// The public JWK of a private key, with its `kid`.
fn jwk(private: &[u8], algorithm: Algorithm, kid: &str) -> Value {
    let key = match algorithm {
        Algorithm::ES256 => EncodingKey::from_ec_pem(private),
        _ => EncodingKey::from_rsa_pem(private),
    }
    .expect("private key");
    let mut jwk = serde_json::to_value(Jwk::from_encoding_key(&key, algorithm).expect("jwk")).unwrap();
    jwk["kid"] = json!(kid);
    jwk
}

/// A key server: `/.well-known/openid-configuration` and `/jwks`, whose keys, status and
/// `Cache-Control` the test changes as it goes.
#[derive(Clone)]
struct KeyServer {
    base: String,
    keys: Arc<Mutex<(u16, Value, &'static str)>>,
    fetches: Arc<AtomicUsize>,
}

impl KeyServer {
    async fn start(keys: Vec<Value>) -> KeyServer {
        let state = Arc::new(Mutex::new((200, json!({ "keys": keys }), "max-age=300")));
        let fetches = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (jwks_state, counter, issuer) = (state.clone(), fetches.clone(), base.clone());
        let router = Router::new()
            .route(
                "/jwks",
                get(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let (status, body, cache) = jwks_state.lock().unwrap().clone();
                    async move {
                        let status = axum::http::StatusCode::from_u16(status).unwrap();
                        (status, [("content-type", "application/json"), ("cache-control", cache)], body.to_string())
                    }
                }),
            )
            .route(
                "/.well-known/openid-configuration",
                get(move || {
                    let document = json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks") });
                    async move { ([("content-type", "application/json")], document.to_string()) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        KeyServer { base, keys: state, fetches }
    }

    fn publish(&self, keys: Vec<Value>) {
        self.keys.lock().unwrap().1 = json!({ "keys": keys });
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn verifier(&self) -> JwtVerifier {
        JwtVerifier::new().openid_issuer(&self.base).audience(AUDIENCE).jwks_refetch_interval(INTERVAL)
    }

    /// A token of this issuer, signed by `private` under `kid`.
    fn token(&self, private: &[u8], algorithm: Algorithm, kid: &str) -> String {
        JwtIssuer::private_key_pem(algorithm, private)
            .unwrap()
            .kid(kid)
            .issuer(&self.base)
            .audience(AUDIENCE)
            .issue("ann", HOUR, json!({ "scope": "profile" }))
            .unwrap()
    }
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn get_me(resources: &str, token: &str) -> RawReply {
    send_raw_with("GET", &format!("{resources}/me"), &[("authorization", &format!("Bearer {token}"))], "").await
}

#[tokio::test]
async fn keys_come_from_discovery_and_rotate_without_refusing_a_valid_token() {
    let keys = KeyServer::start(vec![jwk(RSA_1, Algorithm::RS256, "rsa-1")]).await;
    let resources = serve_resources(keys.verifier()).await;
    let old = keys.token(RSA_1, Algorithm::RS256, "rsa-1");
    assert_eq!(get_me(&resources, &old).await.status, 200);
    assert_eq!(get_me(&resources, &old).await.status, 200);
    assert_eq!(keys.fetches(), 1, "the key set is cached");

    // The provider publishes a new key and signs with it; the old one stays published.
    keys.publish(vec![jwk(RSA_2, Algorithm::RS256, "rsa-2"), jwk(RSA_1, Algorithm::RS256, "rsa-1")]);
    tokio::time::sleep(INTERVAL + Duration::from_millis(50)).await;
    let new = keys.token(RSA_2, Algorithm::RS256, "rsa-2");
    assert_eq!(get_me(&resources, &new).await.status, 200, "an unknown kid fetches the set again");
    assert_eq!(get_me(&resources, &old).await.status, 200, "tokens of the old key still pass");
    assert_eq!(keys.fetches(), 2);
}

#[tokio::test]
async fn made_up_kids_cause_at_most_one_fetch_per_interval() {
    let keys = KeyServer::start(vec![jwk(RSA_1, Algorithm::RS256, "rsa-1")]).await;
    let verifier = Arc::new(keys.verifier());
    verifier.verify_fetching(&keys.token(RSA_1, Algorithm::RS256, "rsa-1"), &[]).await.unwrap();
    tokio::time::sleep(INTERVAL + Duration::from_millis(50)).await;
    let signed = keys.token(RSA_1, Algorithm::RS256, "rsa-1");
    let claims = signed.split('.').nth(1).unwrap().to_owned();
    let calls: Vec<_> = (0..200)
        .map(|n| {
            // No key is found, so no signature is checked: any will do.
            let header = base64url(json!({ "alg": "RS256", "kid": format!("made-up-{n}") }).to_string().as_bytes());
            let token = format!("{header}.{claims}.c2lnbmF0dXJl");
            let verifier = verifier.clone();
            tokio::spawn(async move { verifier.verify_fetching(&token, &[]).await })
        })
        .collect();
    for call in calls {
        let refused = call.await.unwrap().unwrap_err();
        assert!(refused.to_string().contains("has the id"), "{refused}");
    }
    assert_eq!(keys.fetches(), 2, "200 made-up kids, one fetch");
    assert_eq!(verifier.jwks_fetches(), 2);
}

#[tokio::test]
async fn cache_control_sets_how_long_keys_are_kept_and_a_failing_server_keeps_them() {
    let keys = KeyServer::start(vec![jwk(RSA_1, Algorithm::RS256, "rsa-1")]).await;
    keys.keys.lock().unwrap().2 = "public, max-age=1";
    let verifier = keys.verifier();
    let token = keys.token(RSA_1, Algorithm::RS256, "rsa-1");
    verifier.verify_fetching(&token, &[]).await.unwrap();
    verifier.verify_fetching(&token, &[]).await.unwrap();
    assert_eq!(keys.fetches(), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    verifier.verify_fetching(&token, &[]).await.unwrap();
    assert_eq!(keys.fetches(), 2, "stale after max-age");

    // The key server fails: the keys held keep verifying.
    keys.keys.lock().unwrap().0 = 503;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    verifier.verify_fetching(&token, &[]).await.unwrap();
    assert_eq!(keys.fetches(), 3);
    // And it is not asked again within the interval.
    verifier.verify_fetching(&token, &[]).await.unwrap();
    assert_eq!(keys.fetches(), 3);

    // A rotation that drops the key: once the set is fetched again, its tokens are refused.
    keys.publish(vec![jwk(RSA_2, Algorithm::RS256, "rsa-2")]);
    keys.keys.lock().unwrap().0 = 200;
    tokio::time::sleep(INTERVAL + Duration::from_millis(50)).await;
    let refused = verifier.verify_fetching(&token, &[]).await.unwrap_err();
    assert!(refused.to_string().contains("no RS256 key has the id \"rsa-1\""), "{refused}");
}

#[tokio::test]
async fn keys_that_must_not_be_trusted_are_left_out() {
    let secret = b"a shared secret published by mistake";
    let mut encryption = jwk(RSA_2, Algorithm::RS256, "enc");
    encryption["use"] = json!("enc");
    let keys = KeyServer::start(vec![
        json!({ "kty": "oct", "kid": "hmac", "k": base64url(secret) }),
        encryption,
        jwk(EC_1, Algorithm::ES256, "ec-1"),
    ])
    .await;
    let verifier = keys.verifier();
    let hmac = JwtIssuer::hs256(secret).kid("hmac").issuer(&keys.base).audience(AUDIENCE);
    let refused = verifier.verify_fetching(&hmac.issue("ann", HOUR, json!({})).unwrap(), &[]).await.unwrap_err();
    assert!(refused.to_string().contains("HS256 are not accepted"), "{refused}");
    let refused = verifier.verify_fetching(&keys.token(RSA_2, Algorithm::RS256, "enc"), &[]).await.unwrap_err();
    assert!(refused.to_string().contains("RS256 are not accepted"), "{refused}");
    // The EC key is pinned to ES256: an RS256 token under its kid finds no key.
    verifier.verify_fetching(&keys.token(EC_1, Algorithm::ES256, "ec-1"), &[]).await.unwrap();
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_not_trusted() {
    let keys = KeyServer::start(vec![jwk(RSA_1, Algorithm::RS256, "rsa-1")]).await;
    // The verifier expects another issuer at the same document URL.
    let verifier: JwtVerifier = JwtVerifier::new()
        .issuer("https://elsewhere.test")
        .openid_configuration_url(&format!("{}/.well-known/openid-configuration", keys.base))
        .jwks_refetch_interval(INTERVAL);
    let refused = verifier.verify_fetching(&keys.token(RSA_1, Algorithm::RS256, "rsa-1"), &[]).await.unwrap_err();
    assert!(refused.to_string().contains("not accepted"), "{refused}");
    assert_eq!(keys.fetches(), 0, "the key set of a mismatched document is never fetched");
    // Without a configured issuer, the document's becomes the required one.
    let learned: JwtVerifier = JwtVerifier::new()
        .openid_configuration_url(&format!("{}/.well-known/openid-configuration", keys.base))
        .audience(AUDIENCE);
    learned.verify_fetching(&keys.token(RSA_1, Algorithm::RS256, "rsa-1"), &[]).await.unwrap();
    let foreign = JwtIssuer::private_key_pem(Algorithm::RS256, RSA_1)
        .unwrap()
        .kid("rsa-1")
        .issuer("https://elsewhere.test")
        .audience(AUDIENCE)
        .issue("ann", HOUR, json!({}))
        .unwrap();
    let refused = learned.verify_fetching(&foreign, &[]).await.unwrap_err();
    assert!(refused.to_string().contains("issuer"), "{refused}");
}
