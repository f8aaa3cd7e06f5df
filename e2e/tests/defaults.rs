//! Defaults applied where a value is absent, checked from outside: requests written by hand
//! from `e2e/specs/defaults.yaml` leave parameters and members out, and the server reads the
//! spec's defaults (openapi-core judges every exchange again, e2e/exchanges-oracle.sh).

use apigen_runtime::server::HandlerError;
use e2e::defaults::client::Client;
use e2e::defaults::operations::{PutSettingsRequest, PutSettingsResponse, SearchRequest, SearchResponse};
use e2e::defaults::server::{router, Api};
use e2e::defaults::types::{Order, Query, Settings};
use e2e::send_raw_with;
use serde_json::json;

/// Answers with what it read.
struct Reader;

impl Api for Reader {
    async fn search(&self, request: SearchRequest) -> Result<SearchResponse, HandlerError> {
        let SearchRequest { limit, order, fields, x_trace: trace } = request;
        Ok(SearchResponse::Ok(Query { limit, order, fields, trace }))
    }

    async fn put_settings(&self, request: PutSettingsRequest) -> Result<PutSettingsResponse, HandlerError> {
        Ok(PutSettingsResponse::Ok(request.body))
    }
}

async fn base() -> String {
    format!("http://{}", e2e::serve(router(Reader)).await)
}

#[tokio::test]
async fn absent_parameters_are_read_as_their_defaults() {
    let base = base().await;
    let reply = send_raw_with("GET", &format!("{base}/search"), &[], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, json!({"limit": 20, "order": "desc", "fields": ["id", "name"], "trace": true}));
    // Given, they are read as given; a value outside the type is still refused.
    let url = format!("{base}/search?limit=5&order=asc&fields=title");
    let reply = send_raw_with("GET", &url, &[("X-Trace", "false")], "").await;
    assert_eq!(reply.body, json!({"limit": 5, "order": "asc", "fields": ["title"], "trace": false}));
    let reply = send_raw_with("GET", &format!("{base}/search?limit=many"), &[], "").await;
    e2e::assert_problem(&reply, 400);
}

#[tokio::test]
async fn absent_members_are_read_as_their_defaults() {
    let base = base().await;
    let reply = send_raw_with("PUT", &format!("{base}/settings"), &[("content-type", "application/json")], "{}").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // `level`'s default is outside int8 and `since`'s is a format's: neither is applied.
    assert_eq!(reply.body, json!({"theme": "light", "ratio": 0.1, "retries": 3, "tags": [], "order": "desc"}));
    let given = json!({"theme": "dark", "ratio": 0.5, "retries": 0, "tags": ["a"], "order": "asc", "level": -3});
    let reply =
        send_raw_with("PUT", &format!("{base}/settings"), &[("content-type", "application/json")], &given.to_string())
            .await;
    assert_eq!(reply.body, given);
}

#[tokio::test]
async fn default_requests_and_values_are_the_specs_defaults() {
    let client = Client::with_base_url(&base().await);
    let SearchResponse::Ok(query) = client.search(SearchRequest::default()).await.unwrap();
    assert_eq!(query, Query { limit: 20, order: Order::Desc, fields: vec!["id".into(), "name".into()], trace: true });
    let settings = Settings::default();
    assert_eq!((settings.theme.as_str(), settings.ratio, settings.retries), ("light", 0.1, 3));
    assert_eq!((settings.tags.len(), &settings.order, settings.level), (0, &Order::Desc, None));
    let PutSettingsResponse::Ok(back) =
        client.put_settings(PutSettingsRequest { body: settings.clone() }).await.unwrap();
    assert_eq!(back, settings);
}
