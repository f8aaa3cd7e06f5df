//! What `e2e/oracles/jwt_tokens.py` attacks with tokens crafted by PyJWT, each on an ephemeral
//! 127.0.0.1 port, printed as one JSON line: `strict`, the protected resource server pinned to
//! the RS256 and ES256 keys of `e2e/keys/` with an issuer and an audience; `typed`, the same
//! requiring `typ: at+jwt`; `token_service`, the example token service (HS256, its secret read
//! from `JWT_ORACLE_SECRET`) under `/api/v2`; `resources`, a resource server accepting its
//! access tokens. Runs until its standard input closes.

use apigen_runtime::jwt::{Algorithm, JwtVerifier};
use e2e::tokens::serve_resources;
use std::io::Read;
use token_service::{Lifetimes, TokenService};

/// The `iss` and `aud` of the strict verifiers.
const ISSUER: &str = "https://issuer.test";
const AUDIENCE: &str = "resources";

fn pinned() -> Result<JwtVerifier, Box<dyn std::error::Error>> {
    Ok(JwtVerifier::new()
        .public_key_pem(Algorithm::RS256, include_bytes!("../../keys/rsa-public.pem"))?
        .public_key_pem(Algorithm::ES256, include_bytes!("../../keys/ec-public.pem"))?
        .issuer(ISSUER)
        .audience(AUDIENCE))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("JWT_ORACLE_SECRET").map_err(|_| "JWT_ORACLE_SECRET is not set")?;
    let strict = serve_resources(pinned()?).await;
    let typed = serve_resources(pinned()?.token_type("at+jwt")).await;
    let service = TokenService::new(secret.as_bytes(), "profile", Lifetimes::default()).user("demo", "demo-secret");
    let token_service = format!("http://{}/api/v2", e2e::serve(auth_api_v2::router(service)).await);
    let resources = serve_resources(TokenService::access_verifier(secret.as_bytes())).await;
    let urls = serde_json::json!({
        "strict": strict,
        "typed": typed,
        "token_service": token_service,
        "resources": resources,
        "issuer": ISSUER,
        "audience": AUDIENCE,
    });
    println!("{urls}");
    tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await??;
    Ok(())
}
