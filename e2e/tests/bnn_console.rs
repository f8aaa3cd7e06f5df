//! BNN's `/v1/refresh_token` and `/v2/refresh_token`: bodiless statuses, a nested object with
//! extra members, and the bearer scheme.

use apigen_runtime::server::axum::{self, extract::Request, middleware::Next};
use apigen_runtime::server::{HandlerError, Presented, Rejection};
use bnn_console::operations::{V1RefreshTokenPostResponse as V1, V2RefreshTokenPostResponse as V2};
use bnn_console::types::{ErrorEnvelope, V2RefreshTokenPostOkBody, V2RefreshTokenPostOkBodyData};
use bnn_console::{router, Api, Client};
use e2e::serve;
use serde_json::json;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The operations take no input the handler sees (the bearer token is the transport's), so
/// this implementation answers from a script, one answer per call, to reach every status.
#[derive(Default)]
struct Scripted {
    v1: Mutex<VecDeque<V1>>,
    v2: Mutex<VecDeque<V2>>,
}

impl Api for Scripted {
    /// The bearer token as presented.
    type Claims = String;

    async fn v1_refresh_token_post(&self, token: String) -> Result<V1, HandlerError> {
        assert_eq!(token, "jwt-abc");
        Ok(self.v1.lock().unwrap().pop_front().expect("scripted"))
    }

    async fn v2_refresh_token_post(&self, token: String) -> Result<V2, HandlerError> {
        assert_eq!(token, "jwt-abc");
        Ok(self.v2.lock().unwrap().pop_front().expect("scripted"))
    }
}

fn envelope(code: i64) -> ErrorEnvelope {
    ErrorEnvelope {
        request_id: Some("req-1".into()),
        error_code: Some(code),
        error_description: Some("token rejected".into()),
        data: Some(0),
        additional_properties: BTreeMap::from([("trace".to_owned(), json!("abc"))]),
    }
}

#[tokio::test]
async fn every_documented_status_of_both_versions() {
    let v1 = vec![V1::Ok, V1::BadRequest, V1::Unauthorized, V1::Forbidden, V1::InternalServerError];
    let ok = V2RefreshTokenPostOkBody {
        request_id: Some("req-2".into()),
        error_code: Some(0),
        error_description: None,
        data: Some(V2RefreshTokenPostOkBodyData {
            refresh_token: Some("refresh-xyz".into()),
            additional_properties: BTreeMap::from([("expires_in".to_owned(), json!(18000))]),
        }),
        additional_properties: BTreeMap::new(),
    };
    let v2 = vec![
        V2::Ok(ok),
        V2::BadRequest,
        V2::Unauthorized(envelope(401)),
        V2::Forbidden(envelope(403)),
        V2::InternalServerError,
    ];
    let service = Scripted { v1: Mutex::new(v1.clone().into()), v2: Mutex::new(v2.clone().into()) };

    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = seen.clone();
    let accept_any = |presented: Presented<'_>| Ok::<_, Rejection>(presented.credential.to_owned());
    let app = router(service, accept_any).layer(axum::middleware::from_fn(move |request: Request, next: Next| {
        let recorder = recorder.clone();
        async move {
            let header =
                request.headers().get("authorization").and_then(|value| value.to_str().ok()).map(str::to_owned);
            recorder.lock().unwrap().push(header);
            next.run(request).await
        }
    }));
    let address = serve(app).await;
    let client = Client::with_base_url(&format!("http://{address}")).with_bearer_auth_token("jwt-abc");
    assert_eq!(bnn_console::client::DEFAULT_BASE_URL, "https://dev02.console.bnntest.com");

    for expected in v1 {
        assert_eq!(client.v1_refresh_token_post().await.unwrap(), expected);
    }
    for expected in v2 {
        // Extra members survive the round trip (additionalProperties: true).
        assert_eq!(client.v2_refresh_token_post().await.unwrap(), expected);
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 10);
    assert!(seen.iter().all(|header| header.as_deref() == Some("Bearer jwt-abc")), "{seen:?}");
}
