//! Serves the token service on 127.0.0.1 (port 8080, or the first argument).
//!
//! ```text
//! cargo run -p token-service
//! curl -s localhost:8080/api/v2/auth/token -H 'content-type: application/json' \
//!      -d '{"api_key":"demo","api_secret":"demo-secret"}'
//! ```

use token_service::{Lifetimes, TokenService};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map(|port| port.parse()).transpose()?.unwrap_or(8080);
    let secret = std::env::var("TOKEN_SERVICE_SECRET").unwrap_or_else(|_| "change-me: a demo signing secret".into());
    let service = TokenService::new(secret.as_bytes(), "profile", Lifetimes::default()).user("demo", "demo-secret");
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("token service on http://{}/api/v2 (API user demo / demo-secret)", listener.local_addr()?);
    apigen_runtime::server::axum::serve(listener, auth_api_v2::router(service)).await?;
    Ok(())
}
