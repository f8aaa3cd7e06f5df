//! OAuth 2 from the spec's `securitySchemes` alone: the generated client obtains tokens at
//! the flow's `tokenUrl` (client credentials, password, the refresh token grant), as a token
//! endpoint on 127.0.0.1 sees them, and handles its errors as RFC 6749 section 5.2 says.

use apigen_runtime::client::{ClientAuth, Error, OAuth2Client, OAuthError, TokenOptions};
use apigen_runtime::server::axum::{self, body::Bytes, http::HeaderMap, routing::post, Router};
use e2e::protected::client::Client;
use e2e::protected::operations::MeResponse;
use e2e::tokens::{self, resource_router};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One token request as the endpoint saw it.
#[derive(Clone, Debug)]
struct Seen {
    authorization: Option<String>,
    form: HashMap<String, String>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }
}

type Script = Box<dyn Fn(usize, &Seen) -> (u16, Value) + Send + Sync>;

/// A token endpoint answering its `n`th request (from 0) as `script` says, and recording
/// every request.
#[derive(Clone)]
struct Endpoint {
    seen: Arc<Mutex<Vec<Seen>>>,
    requests: Arc<AtomicUsize>,
}

impl Endpoint {
    fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn grants(&self) -> Vec<String> {
        self.seen().iter().map(|seen| seen.field("grant_type").unwrap_or_default().to_owned()).collect()
    }
}

/// An access token the resource server accepts, answered as a token endpoint does.
fn issued(expires_in: u64, refresh: Option<&str>) -> (u16, Value) {
    let access = tokens::issuer().issue("app", Duration::from_secs(3600), json!({ "scope": "profile" })).unwrap();
    let mut answer = json!({ "access_token": access, "token_type": "Bearer", "expires_in": expires_in });
    if let Some(refresh) = refresh {
        answer["refresh_token"] = json!(refresh);
    }
    (200, answer)
}

/// The resource server and its token endpoint at `/token`, under one base URL.
async fn serve(script: impl Fn(usize, &Seen) -> (u16, Value) + Send + Sync + 'static) -> (Client, Endpoint) {
    let endpoint = Endpoint { seen: Arc::default(), requests: Arc::default() };
    let script: Arc<Script> = Arc::new(Box::new(script));
    let state = endpoint.clone();
    let token = post(move |headers: HeaderMap, body: Bytes| {
        let (state, script) = (state.clone(), script.clone());
        async move {
            let seen = Seen {
                authorization: headers.get("authorization").and_then(|value| value.to_str().ok()).map(str::to_owned),
                form: form_urlencoded::parse(&body).into_owned().collect(),
            };
            let index = state.requests.fetch_add(1, Ordering::SeqCst);
            state.seen.lock().unwrap().push(seen.clone());
            let (status, answer) = script(index, &seen);
            let status = axum::http::StatusCode::from_u16(status).unwrap();
            (status, [("content-type", "application/json")], answer.to_string())
        }
    });
    let router = Router::new().route("/token", token).merge(resource_router(tokens::verifier()));
    let address = e2e::serve(router).await;
    (Client::with_base_url(&format!("http://{address}")), endpoint)
}

async fn me(client: &Client) -> Result<String, Error> {
    let MeResponse::Ok(me) = client.me().await?;
    Ok(me.subject)
}

fn app() -> OAuth2Client {
    OAuth2Client::new("app", "s3cret")
}

#[tokio::test]
async fn client_credentials_come_from_the_flows_token_url_with_basic_auth() {
    let (client, endpoint) = serve(|_, _| issued(3600, None)).await;
    let client = client.with_oauth_client_credentials(app());
    for _ in 0..3 {
        assert_eq!(me(&client).await.unwrap(), "app");
    }
    assert_eq!(endpoint.count(), 1, "one token for three requests");
    let seen = &endpoint.seen()[0];
    assert_eq!(seen.field("grant_type"), Some("client_credentials"));
    assert_eq!(seen.field("scope"), Some("profile"), "the scope the operations require");
    assert_eq!(seen.authorization.as_deref(), Some("Basic YXBwOnMzY3JldA=="));
    assert_eq!(seen.field("client_secret"), None);
}

#[tokio::test]
async fn client_secret_post_sends_the_credentials_in_the_body() {
    let (client, endpoint) = serve(|_, _| issued(3600, None)).await;
    let scoped = app().auth(ClientAuth::Post).scopes(["profile", "email"]);
    me(&client.with_oauth_client_credentials(scoped)).await.unwrap();
    let seen = &endpoint.seen()[0];
    assert_eq!(seen.authorization, None);
    assert_eq!((seen.field("client_id"), seen.field("client_secret")), (Some("app"), Some("s3cret")));
    assert_eq!(seen.field("scope"), Some("profile email"));
}

#[tokio::test]
async fn the_password_grant_sends_the_resource_owners_credentials() {
    let (client, endpoint) = serve(|_, _| issued(3600, None)).await;
    me(&client.with_oauth_password(app(), "ann", "hunter2")).await.unwrap();
    let seen = &endpoint.seen()[0];
    assert_eq!(seen.field("grant_type"), Some("password"));
    assert_eq!((seen.field("username"), seen.field("password")), (Some("ann"), Some("hunter2")));
}

#[tokio::test]
async fn a_hundred_concurrent_callers_cause_one_token_request() {
    let (client, endpoint) = serve(|_, _| {
        // Long enough for every caller to wait on this one request.
        std::thread::sleep(Duration::from_millis(50));
        issued(3600, None)
    })
    .await;
    let client = Arc::new(client.with_oauth_client_credentials(app()));
    let subjects = e2e::concurrently(100, || {
        let client = client.clone();
        async move { me(&client).await }
    })
    .await;
    assert!(subjects.iter().all(|subject| subject.as_deref().ok() == Some("app")), "{subjects:?}");
    assert_eq!(endpoint.count(), 1);
}

#[tokio::test]
async fn expires_in_decides_when_a_token_is_renewed() {
    let (client, endpoint) = serve(|_, _| issued(1, None)).await;
    let source = client.oauth_client_credentials_source(app(), TokenOptions::default().refresh_margin(Duration::ZERO));
    let client = client.with_oauth_tokens(source);
    me(&client).await.unwrap();
    me(&client).await.unwrap();
    assert_eq!(endpoint.count(), 1);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    me(&client).await.unwrap();
    assert_eq!(endpoint.count(), 2, "the token's own exp is an hour away; expires_in said one second");
}

#[tokio::test]
async fn refresh_tokens_are_spent_and_a_rejected_one_falls_back_to_the_grant() {
    let (client, endpoint) = serve(|index, seen| match (index, seen.field("grant_type")) {
        (0, Some("client_credentials")) => issued(1, Some("r1")),
        (1, Some("refresh_token")) if seen.field("refresh_token") == Some("r1") => issued(1, Some("r2")),
        (2, Some("refresh_token")) => (400, json!({ "error": "invalid_grant", "error_description": "revoked" })),
        (3, Some("client_credentials")) => issued(3600, None),
        _ => (500, json!({ "error": "server_error" })),
    })
    .await;
    let source = client.oauth_client_credentials_source(app(), TokenOptions::default().refresh_margin(Duration::ZERO));
    let client = client.with_oauth_tokens(source.clone());
    me(&client).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    me(&client).await.unwrap();
    assert_eq!(source.tokens().refresh.unwrap().secret(), "r2", "the rotated refresh token is kept");
    assert_eq!(endpoint.seen()[1].field("scope"), None, "a refresh keeps the granted scope");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    me(&client).await.unwrap();
    assert_eq!(endpoint.grants(), ["client_credentials", "refresh_token", "refresh_token", "client_credentials"]);
}

#[tokio::test]
async fn a_refused_client_is_a_sticky_typed_error() {
    let (client, endpoint) =
        serve(|_, _| (401, json!({ "error": "invalid_client", "error_description": "unknown client" }))).await;
    let client = client.with_oauth_client_credentials(app());
    for _ in 0..3 {
        let error = me(&client).await.unwrap_err();
        assert!(matches!(error, Error::Refresh { rejected: true, .. }), "{error:?}");
        let oauth = OAuthError::of(&error).expect("the endpoint's error");
        assert_eq!(
            (oauth.error.as_str(), oauth.error_description.as_deref()),
            ("invalid_client", Some("unknown client"))
        );
        assert!(error.to_string().contains("invalid_client: unknown client"), "{error}");
    }
    assert_eq!(endpoint.count(), 1, "a rejection is not retried");
}

#[tokio::test]
async fn passing_failures_are_retried() {
    // A 503 is retried at once, as the client's retry policy allows.
    let (client, endpoint) =
        serve(|index, _| if index == 0 { (503, json!({ "error": "server_error" })) } else { issued(3600, None) }).await;
    assert_eq!(me(&client.with_oauth_client_credentials(app())).await.unwrap(), "app");
    assert_eq!(endpoint.count(), 2);
    // `temporarily_unavailable` fails this call, and the next one tries again.
    let (client, endpoint) =
        serve(
            |index, _| {
                if index == 0 {
                    (400, json!({ "error": "temporarily_unavailable" }))
                } else {
                    issued(3600, None)
                }
            },
        )
        .await;
    let client = client.with_oauth_client_credentials(app());
    let error = me(&client).await.unwrap_err();
    assert!(matches!(error, Error::Refresh { rejected: false, .. }), "{error:?}");
    assert_eq!(me(&client).await.unwrap(), "app");
    assert_eq!(endpoint.count(), 2);
}

#[tokio::test]
async fn a_token_of_another_type_is_refused() {
    let (client, _) = serve(|_, _| (200, json!({ "access_token": "x", "token_type": "mac" }))).await;
    let error = me(&client.with_oauth_client_credentials(app())).await.unwrap_err();
    assert!(error.to_string().contains("\"mac\" token"), "{error}");
}
