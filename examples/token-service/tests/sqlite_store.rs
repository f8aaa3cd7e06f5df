//! The token service's SQLite store, with the service run as its own binary: logins survive a
//! restart, and two processes sharing one database that are handed the same refresh token at
//! once issue exactly one new pair and revoke the login for the other.

use auth_api_v2::operations::{
    AuthTokenCreateRequest, AuthTokenCreateResponse, AuthTokenRefreshRequest, AuthTokenRefreshResponse,
};
use auth_api_v2::types::{AuthTokenRequest, RefreshTokenRequest};
use auth_api_v2::Client;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `token-service` process, ended when dropped.
struct Service {
    child: Child,
    client: Client,
}

impl Service {
    fn start(database: &Path) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_token-service"))
            .arg("0")
            .env("TOKEN_SERVICE_DB", database)
            .env("TOKEN_SERVICE_SECRET", "sqlite store tests: the shared signing secret")
            .stdout(Stdio::piped())
            .spawn()
            .expect("token-service starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        // "token service on http://127.0.0.1:PORT/api/v2 (...)"
        let url = line.split_whitespace().find(|word| word.starts_with("http://")).expect("its URL").to_owned();
        Service { child, client: Client::with_base_url(&url) }
    }

    async fn log_in(&self) -> (String, String) {
        let login = AuthTokenRequest { api_key: "demo".into(), api_secret: "demo-secret".into() };
        match self.client.auth_token_create(AuthTokenCreateRequest { body: Some(login) }).await.unwrap() {
            AuthTokenCreateResponse::Created(pair) => (pair.access_token, pair.refresh_token),
            other => panic!("login refused: {other:?}"),
        }
    }

    /// The next refresh token, or the refusal's detail.
    async fn refresh(&self, refresh_token: &str) -> Result<String, String> {
        let body = RefreshTokenRequest { refresh_token: refresh_token.to_owned() };
        match self.client.auth_token_refresh(AuthTokenRefreshRequest { body: Some(body) }).await.unwrap() {
            AuthTokenRefreshResponse::Created(pair) => Ok(pair.refresh_token),
            AuthTokenRefreshResponse::Unauthorized(error) => Err(error.detail),
            other => panic!("unexpected answer {other:?}"),
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database path in the system's temporary folder.
fn database(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("token-service-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("sessions.db")
}

#[tokio::test]
async fn logins_survive_a_restart() {
    let database = database("restart");
    let service = Service::start(&database);
    let (_, refresh) = service.log_in().await;
    let refresh = service.refresh(&refresh).await.expect("a refresh before the restart");
    drop(service);

    let service = Service::start(&database);
    let next = service.refresh(&refresh).await.expect("the login survived the restart");
    // Reuse detection survives too: the token spent before the restart is still spent.
    let again = Service::start(&database);
    assert_eq!(again.refresh(&refresh).await, Err("refresh token reuse detected; this login is revoked".into()));
    assert_eq!(service.refresh(&next).await, Err("this login was revoked".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_spending_one_refresh_token_at_once_issue_one_pair() {
    let database = database("race");
    let (first, second) = (Service::start(&database), Service::start(&database));
    for round in 0..20 {
        let (_, refresh) = first.log_in().await;
        let (left, right) = tokio::join!(first.refresh(&refresh), second.refresh(&refresh));
        let (winner, loser) = match (left, right) {
            (Ok(next), Err(detail)) | (Err(detail), Ok(next)) => (next, detail),
            other => panic!("round {round}: expected exactly one new pair, got {other:?}"),
        };
        assert!(loser.contains("reuse detected"), "round {round}: {loser}");
        // The login is revoked for everyone: the winner's new token refreshes no more.
        assert_eq!(second.refresh(&winner).await, Err("this login was revoked".into()), "round {round}");
    }
}
