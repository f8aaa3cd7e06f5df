//! Serves the token service on 127.0.0.1 (port 8080, or the first argument; 0 for any), its
//! logins kept in the SQLite file `TOKEN_SERVICE_DB` (`token-service.db` unless set), so that
//! a restart loses none and several processes can share them.
//!
//! ```text
//! cargo run -p token-service
//! curl -s localhost:8080/api/v2/auth/token -H 'content-type: application/json' \
//!      -d '{"api_key":"demo","api_secret":"demo-secret"}'
//! ```

use token_service::{Lifetimes, SqliteStore, TokenService};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map(|port| port.parse()).transpose()?.unwrap_or(8080);
    let secret = std::env::var("TOKEN_SERVICE_SECRET").unwrap_or_else(|_| "change-me: a demo signing secret".into());
    let database = std::env::var("TOKEN_SERVICE_DB").unwrap_or_else(|_| "token-service.db".into());
    let store = SqliteStore::open(std::path::Path::new(&database))?;
    let service =
        TokenService::new(secret.as_bytes(), "profile", Lifetimes::default()).user("demo", "demo-secret").store(store);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("token service on http://{}/api/v2 (API user demo / demo-secret)", listener.local_addr()?);
    apigen_runtime::server::axum::serve(listener, auth_api_v2::router(service)).await?;
    Ok(())
}
