//! Tokens, keys and passwords never show in `Debug` output or error messages: not in
//! generated types, not in a configured client, not in the error for a response that did
//! not decode.

use apigen_runtime::client::{Error, Tokens};
use auth_api_v2::operations::AuthTokenCreateRequest;
use auth_api_v2::types::{AuthToken, AuthTokenRequest};
use auth_api_v2::Client;

const SECRETS: [&str; 4] = ["s3cr3t-key", "s3cr3t-secret", "eyJ-access", "eyJ-refresh"];

fn assert_hidden(shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} shows in: {shown}");
    }
}

#[test]
fn generated_types_redact_secret_members() {
    let request = AuthTokenRequest { api_key: SECRETS[0].into(), api_secret: SECRETS[1].into() };
    let token = AuthToken {
        access_token: SECRETS[2].into(),
        refresh_token: SECRETS[3].into(),
        token_type: Some("Bearer".into()),
        expires_in: Some(300),
    };
    let shown = format!("{request:?} {token:?} {:?}", AuthTokenCreateRequest { body: Some(request.clone()) });
    assert_hidden(&shown);
    // What is not secret still shows.
    assert!(shown.contains("token_type: Some(\"Bearer\")") && shown.contains("expires_in: Some(300)"), "{shown}");
    // Serialization is untouched: the wire gets the values.
    assert!(serde_json::to_string(&request).unwrap().contains(SECRETS[0]));
}

#[test]
fn a_configured_client_redacts_its_credentials() {
    let client = Client::with_base_url("http://127.0.0.1:9");
    let source = client.token_source(Tokens::new(SECRETS[2]).with_refresh(SECRETS[3]), Default::default());
    let other = bnn_console::Client::with_base_url("http://127.0.0.1:9").with_bearer_auth_token(SECRETS[0]);
    let forsta = forsta_atlas::Client::with_base_url("http://127.0.0.1:9").with_json_web_token(SECRETS[1]);
    assert_hidden(&format!("{client:?} {source:?} {other:?} {forsta:?}"));
}

#[tokio::test]
async fn an_error_for_a_response_that_did_not_decode_redacts_tokens() {
    use apigen_runtime::server::axum::{routing::post, Router};
    // A token endpoint whose success body lacks a required member: a decode error, whose
    // message shows the body.
    let body = format!(r#"{{"access_token": "{}", "token_type": "Bearer"}}"#, SECRETS[2]);
    let router = Router::new().route(
        "/api/v2/auth/token",
        post(move || {
            let body = body.clone();
            async move { (apigen_runtime::http::StatusCode::CREATED, [("content-type", "application/json")], body) }
        }),
    );
    let address = e2e::serve_fake(router).await;
    let client = Client::with_base_url(&format!("http://{address}/api/v2"));
    let request =
        AuthTokenCreateRequest { body: Some(AuthTokenRequest { api_key: "k".into(), api_secret: "s".into() }) };
    let error = client.auth_token_create(request).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert_hidden(&shown);
    assert!(shown.contains("refresh_token") && shown.contains("<redacted>"), "{shown}");
    // The caller can still read the body itself.
    assert!(error.response().unwrap().text().contains(SECRETS[2]));
}
