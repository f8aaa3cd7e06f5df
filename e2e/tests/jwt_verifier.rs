//! A generated router checking bearer JWTs with `JwtVerifier`: each way a token can be wrong
//! is a 401 with a `WWW-Authenticate` challenge, a missing scope a 403, and a valid token
//! reaches the handler as claims.

use apigen_runtime::jwt::{now, Algorithm, JwtIssuer, JwtVerifier};
use base64::Engine;
use e2e::tokens::serve_resources;
use e2e::{send_raw_with, RawReply};
use serde_json::json;
use std::time::Duration;

const RSA_PRIVATE: &[u8] = include_bytes!("../keys/rsa-private.pem");
const RSA_PUBLIC: &[u8] = include_bytes!("../keys/rsa-public.pem");
const EC_PRIVATE: &[u8] = include_bytes!("../keys/ec-private.pem");
const EC_PUBLIC: &[u8] = include_bytes!("../keys/ec-public.pem");
const ED_PRIVATE: &[u8] = include_bytes!("../keys/ed-private.pem");
const ED_PUBLIC: &[u8] = include_bytes!("../keys/ed-public.pem");
const ISSUER: &str = "https://issuer.test";
const AUDIENCE: &str = "resources";
const HOUR: Duration = Duration::from_secs(3600);

/// Accepts RS256, ES256 and EdDSA tokens from `ISSUER` for `AUDIENCE`, and nothing else.
fn verifier() -> JwtVerifier {
    JwtVerifier::new()
        .public_key_pem(Algorithm::RS256, RSA_PUBLIC)
        .and_then(|verifier| verifier.public_key_pem(Algorithm::ES256, EC_PUBLIC))
        .and_then(|verifier| verifier.public_key_pem(Algorithm::EdDSA, ED_PUBLIC))
        .expect("public keys")
        .issuer(ISSUER)
        .audience(AUDIENCE)
}

fn rsa_issuer() -> JwtIssuer {
    JwtIssuer::private_key_pem(Algorithm::RS256, RSA_PRIVATE).expect("private key").issuer(ISSUER).audience(AUDIENCE)
}

fn sign(extra: serde_json::Value) -> String {
    rsa_issuer().issue("ann", HOUR, extra).expect("sign")
}

fn profile() -> serde_json::Value {
    json!({ "scope": "profile" })
}

async fn get_me(base: &str, authorization: Option<&str>) -> RawReply {
    let headers: Vec<(&str, &str)> = authorization.map(|value| ("authorization", value)).into_iter().collect();
    send_raw_with("GET", &format!("{base}/me"), &headers, "").await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A 401 problem whose detail names the fault and whose challenge says `invalid_token`.
fn assert_refused(reply: &RawReply, fault: &str) {
    e2e::assert_problem(reply, 401);
    let detail = reply.body["detail"].as_str().unwrap_or_default().to_ascii_lowercase();
    assert!(detail.contains(fault), "expected {fault:?} in {detail:?}");
    assert!(reply.challenge.starts_with("Bearer realm=\"api\", error=\"invalid_token\""), "{}", reply.challenge);
}

#[tokio::test]
async fn a_valid_token_of_each_pinned_algorithm_reaches_the_handler() {
    let base = serve_resources(verifier()).await;
    let reply = get_me(&base, Some(&bearer(&sign(profile())))).await;
    assert_eq!((reply.status, &reply.body), (200, &json!({ "subject": "ann" })));
    for (algorithm, key) in [(Algorithm::ES256, EC_PRIVATE), (Algorithm::EdDSA, ED_PRIVATE)] {
        let issuer = JwtIssuer::private_key_pem(algorithm, key).unwrap().issuer(ISSUER).audience(AUDIENCE);
        let reply = get_me(&base, Some(&bearer(&issuer.issue("bo", HOUR, profile()).unwrap()))).await;
        assert_eq!((reply.status, &reply.body), (200, &json!({ "subject": "bo" })), "{algorithm:?}");
    }
}

#[tokio::test]
async fn no_token_is_a_401_challenge() {
    let base = serve_resources(verifier()).await;
    let reply = get_me(&base, None).await;
    e2e::assert_problem(&reply, 401);
    assert_eq!(reply.challenge, "Bearer realm=\"api\"");
    // Another scheme is no bearer token either.
    let reply = get_me(&base, Some("Basic YW5uOnB3")).await;
    assert_eq!(reply.challenge, "Bearer realm=\"api\"");
}

#[tokio::test]
async fn malformed_and_badly_signed_tokens_are_refused() {
    let base = serve_resources(verifier()).await;
    assert_refused(&get_me(&base, Some("Bearer not-a-jwt")).await, "malformed");
    let mut token = sign(profile());
    token.truncate(token.len() - 4);
    token.push_str("AAAA");
    assert_refused(&get_me(&base, Some(&bearer(&token))).await, "signature");
    // An HS256 token: no key of this verifier is pinned to that algorithm.
    let other = JwtIssuer::hs256(b"x").issuer(ISSUER).audience(AUDIENCE).issue("ann", HOUR, profile()).unwrap();
    assert_refused(&get_me(&base, Some(&bearer(&other))).await, "hs256");
}

#[tokio::test]
async fn alg_none_is_refused() {
    let base = serve_resources(verifier()).await;
    let encode = |value: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string());
    let claims = json!({ "sub": "ann", "iss": ISSUER, "aud": AUDIENCE, "exp": now() + 3600, "scope": "profile" });
    let unsigned = format!("{}.{}.", encode(json!({ "alg": "none", "typ": "JWT" })), encode(claims));
    assert_refused(&get_me(&base, Some(&bearer(&unsigned))).await, "malformed");
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    // The classic confusion: a verifier that took the algorithm from the header would check
    // this HMAC with the public key as the secret, and accept it.
    let base = serve_resources(verifier()).await;
    let forged = JwtIssuer::hs256(RSA_PUBLIC).issuer(ISSUER).audience(AUDIENCE).issue("ann", HOUR, profile()).unwrap();
    assert_refused(&get_me(&base, Some(&bearer(&forged))).await, "hs256 are not accepted");
}

#[tokio::test]
async fn time_claims_are_checked() {
    let base = serve_resources(verifier()).await;
    let expired = sign(json!({ "scope": "profile", "exp": now() - 60 }));
    assert_refused(&get_me(&base, Some(&bearer(&expired))).await, "expired");
    let early = sign(json!({ "scope": "profile", "nbf": now() + 600 }));
    assert_refused(&get_me(&base, Some(&bearer(&early))).await, "immature");
    let future = sign(json!({ "scope": "profile", "iat": now() + 600 }));
    assert_refused(&get_me(&base, Some(&bearer(&future))).await, "future");
    let endless = sign(json!({ "scope": "profile", "exp": null }));
    assert_refused(&get_me(&base, Some(&bearer(&endless))).await, "exp");
}

#[tokio::test]
async fn issuer_and_audience_are_checked() {
    let base = serve_resources(verifier()).await;
    let foreign = sign(json!({ "scope": "profile", "iss": "https://elsewhere.test" }));
    assert_refused(&get_me(&base, Some(&bearer(&foreign))).await, "issuer");
    let other_audience = sign(json!({ "scope": "profile", "aud": "billing" }));
    assert_refused(&get_me(&base, Some(&bearer(&other_audience))).await, "audience");
}

#[tokio::test]
async fn a_valid_token_without_the_scope_is_a_403() {
    let base = serve_resources(verifier()).await;
    let reply = get_me(&base, Some(&bearer(&sign(json!({ "scope": "email" }))))).await;
    e2e::assert_problem(&reply, 403);
    assert_eq!(reply.challenge, "Bearer error=\"insufficient_scope\", scope=\"profile\"");
    // `scp` arrays count as scopes too.
    let reply = get_me(&base, Some(&bearer(&sign(json!({ "scp": ["email", "profile"] }))))).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn an_optional_credential_must_still_be_valid_when_given() {
    let base = serve_resources(verifier()).await;
    let greet = |authorization: Option<String>| {
        let base = base.clone();
        async move {
            let headers: Vec<(&str, String)> =
                authorization.map(|value| ("authorization", value)).into_iter().collect();
            let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
            send_raw_with("GET", &format!("{base}/greeting"), &headers, "").await
        }
    };
    assert_eq!(greet(None).await.status, 200);
    assert_eq!(greet(Some(bearer(&sign(json!({}))))).await.status, 200);
    assert_eq!(greet(Some("Bearer junk".into())).await.status, 401);
}

/// The claims a configured verifier requires, each removed from an otherwise valid token.
#[tokio::test]
async fn configured_issuer_and_audience_are_required_claims() {
    let base = serve_resources(verifier()).await;
    let unsigned = JwtIssuer::private_key_pem(Algorithm::RS256, RSA_PRIVATE).expect("private key");
    let no_iss = unsigned.audience(AUDIENCE).issue("ann", HOUR, profile()).unwrap();
    assert_refused(&get_me(&base, Some(&bearer(&no_iss))).await, "no issuer");
    let no_aud = JwtIssuer::private_key_pem(Algorithm::RS256, RSA_PRIVATE)
        .unwrap()
        .issuer(ISSUER)
        .issue("ann", HOUR, profile())
        .unwrap();
    assert_refused(&get_me(&base, Some(&bearer(&no_aud))).await, "no audience");
    // Of the wrong JSON type: an issuer list, an audience number.
    let listed = sign(json!({ "scope": "profile", "iss": [ISSUER] }));
    assert_refused(&get_me(&base, Some(&bearer(&listed))).await, "not a string");
    let numbered = sign(json!({ "scope": "profile", "aud": 7 }));
    assert_refused(&get_me(&base, Some(&bearer(&numbered))).await, "audience");
    // A list that holds the audience is fine.
    let several = sign(json!({ "scope": "profile", "aud": ["billing", AUDIENCE] }));
    assert_eq!(get_me(&base, Some(&bearer(&several))).await.status, 200);
}

#[tokio::test]
async fn a_token_naming_an_audience_is_refused_where_none_is_configured() {
    let base = serve_resources(JwtVerifier::new().public_key_pem(Algorithm::RS256, RSA_PUBLIC).unwrap()).await;
    assert_refused(&get_me(&base, Some(&bearer(&sign(profile())))).await, "accepts none");
    let unaddressed = JwtIssuer::private_key_pem(Algorithm::RS256, RSA_PRIVATE).unwrap().issue("ann", HOUR, profile());
    assert_eq!(get_me(&base, Some(&bearer(&unaddressed.unwrap()))).await.status, 200);
}

/// A token whose header is written by hand, signed with the pinned RSA key.
fn signed_with_header(header: serde_json::Value) -> String {
    let verified = sign(profile());
    let claims = verified.split('.').nth(1).expect("claims part");
    let head = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(header.to_string());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(RSA_PRIVATE).expect("private key");
    let message = format!("{head}.{claims}");
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::RS256).expect("sign");
    format!("{message}.{signature}")
}

#[tokio::test]
async fn a_critical_header_extension_is_refused() {
    let base = serve_resources(verifier()).await;
    let token = signed_with_header(json!({ "alg": "RS256", "crit": ["x-unknown"], "x-unknown": 1 }));
    assert_refused(&get_me(&base, Some(&bearer(&token))).await, "critical");
    // The same header without `crit` passes: the refusal is the extension's, not the signature's.
    let token = signed_with_header(json!({ "alg": "RS256", "x-unknown": 1 }));
    assert_eq!(get_me(&base, Some(&bearer(&token))).await.status, 200);
}

#[tokio::test]
async fn a_required_token_type_is_checked() {
    let base = serve_resources(verifier().token_type("at+jwt")).await;
    for typ in ["at+jwt", "application/at+jwt", "AT+JWT"] {
        let token = rsa_issuer().token_type(typ).issue("ann", HOUR, profile()).unwrap();
        assert_eq!(get_me(&base, Some(&bearer(&token))).await.status, 200, "{typ}");
    }
    for typ in ["JWT", "refresh+jwt"] {
        let token = rsa_issuer().token_type(typ).issue("ann", HOUR, profile()).unwrap();
        assert_refused(&get_me(&base, Some(&bearer(&token))).await, "type");
    }
    let untyped = signed_with_header(json!({ "alg": "RS256" }));
    assert_refused(&get_me(&base, Some(&bearer(&untyped))).await, "declares no type");
}

#[tokio::test]
async fn tokens_are_bounded_in_size() {
    let base = serve_resources(verifier().max_token_bytes(4096)).await;
    let padded = |bytes: usize| sign(json!({ "scope": "profile", "padding": "x".repeat(bytes) }));
    assert_eq!(get_me(&base, Some(&bearer(&padded(2000)))).await.status, 200);
    assert_refused(&get_me(&base, Some(&bearer(&padded(4000)))).await, "at most 4096");
}
