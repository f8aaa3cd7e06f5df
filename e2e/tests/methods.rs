//! OpenAPI 3.2's methods beyond the fixed ones (e2e/specs/methods.yaml), checked from
//! outside: requests written byte by byte from the spec's text on a raw socket (QUERY, LINK,
//! UNLINK), and what the generated client puts on the wire read by a raw server.

use apigen_runtime::client::Error;
use e2e::methods::client::Client;
use e2e::methods::operations::*;
use e2e::methods::server::router;
use e2e::methods::types::{Filter, Link};
use e2e::reference::Documents;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tokio::io::AsyncWriteExt;

/// Sends `method target` with an optional JSON body on a fresh connection, exactly as
/// written here, and returns the status line's code, the head and the body as JSON.
async fn raw(address: SocketAddr, method: &str, target: &str, body: Option<&str>) -> (u16, String, Value) {
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    let mut request = format!("{method} {target} HTTP/1.1\r\nhost: {address}\r\nconnection: close\r\n");
    if let Some(body) = body {
        request.push_str(&format!("content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len()));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).await.expect("write");
    let (head, body) = e2e::read_message(&mut stream).await.expect("read");
    let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
    (status, head.to_ascii_lowercase(), serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn documents() -> SocketAddr {
    e2e::serve(router(Documents::default())).await
}

fn ids(body: &Value) -> Vec<i64> {
    body.as_array().expect("a list").iter().map(|document| document["id"].as_i64().expect("an id")).collect()
}

#[tokio::test]
async fn a_query_request_written_by_hand_is_answered_from_its_body() {
    let address = documents().await;
    let (status, head, body) = raw(address, "QUERY", "/documents", Some(r#"{"tag":"notes"}"#)).await;
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert_eq!(ids(&body), [1, 3]);
    let (status, _, body) = raw(address, "QUERY", "/documents", Some(r#"{"tag":"draft","limit":1}"#)).await;
    assert_eq!((status, ids(&body)), (200, vec![2]));
    // GET on the same path is its own operation.
    let (status, _, body) = raw(address, "GET", "/documents", None).await;
    assert_eq!((status, ids(&body)), (200, vec![1, 2, 3]));
}

#[tokio::test]
async fn a_query_body_is_checked_like_any_other() {
    let address = documents().await;
    let (status, _, _) = raw(address, "QUERY", "/documents", Some(r#"{"limit":100}"#)).await;
    assert_eq!(status, 200);
    let (status, _, body) = raw(address, "QUERY", "/documents", Some(r#"{"limit":101}"#)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["pointer"], "/limit", "{body}");
    let (status, _, body) = raw(address, "QUERY", "/documents", None).await;
    assert_eq!(status, 400, "the body is required: {body}");
    let (status, _, body) = raw(address, "QUERY", "/documents", Some(r#"{"tag":7}"#)).await;
    assert_eq!((status, body["pointer"].as_str()), (400, Some("/tag")), "{body}");
}

#[tokio::test]
async fn link_and_unlink_written_by_hand_change_the_document() {
    let address = documents().await;
    let (status, head, _) = raw(address, "LINK", "/documents/1", Some(r#"{"target":2}"#)).await;
    assert_eq!(status, 204, "{head}");
    let (_, _, document) = raw(address, "GET", "/documents/1", None).await;
    assert_eq!(document["links"], json!([2]));
    let (status, _, _) = raw(address, "UNLINK", "/documents/1?target=2", None).await;
    assert_eq!(status, 204);
    let (_, _, document) = raw(address, "GET", "/documents/1", None).await;
    assert_eq!(document["links"], json!([]));
    // Just outside the bounds: the target 0, the id 0, the query parameter missing.
    let (status, _, body) = raw(address, "LINK", "/documents/1", Some(r#"{"target":0}"#)).await;
    assert_eq!((status, body["pointer"].as_str()), (400, Some("/target")), "{body}");
    let (status, _, body) = raw(address, "LINK", "/documents/0", Some(r#"{"target":1}"#)).await;
    assert_eq!((status, body["parameter"].as_str()), (400, Some("id")), "{body}");
    let (status, _, body) = raw(address, "UNLINK", "/documents/1", None).await;
    assert_eq!((status, body["parameter"].as_str()), (400, Some("target")), "{body}");
    let (status, _, _) = raw(address, "LINK", "/documents/9", Some(r#"{"target":1}"#)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn other_methods_get_a_405_problem_naming_every_method_of_the_path() {
    let address = documents().await;
    for (method, target, allow) in [
        ("DELETE", "/documents/1", "get, head, link, unlink"),
        ("PURGE", "/documents/1", "get, head, link, unlink"),
        ("POST", "/documents", "get, head, query"),
        // Methods are case-sensitive (RFC 9110 section 9.1).
        ("query", "/documents", "get, head, query"),
        ("Link", "/documents/1", "get, head, link, unlink"),
    ] {
        let (status, head, body) = raw(address, method, target, None).await;
        assert_eq!(status, 405, "{method} {target}: {head}");
        assert!(head.contains("content-type: application/problem+json"), "{head}");
        assert!(head.contains(&format!("allow: {allow}")), "{method} {target}: {head}");
        assert_eq!(body["status"], 405);
    }
}

#[tokio::test]
async fn the_generated_client_sends_query_link_and_unlink_to_the_generated_server() {
    let client = Client::with_base_url(&format!("http://{}", documents().await));
    let filter = Filter { tag: Some("notes".into()), title_contains: Some("Gamma".into()), limit: None };
    let QueryDocumentsResponse::Ok(found) =
        client.query_documents(QueryDocumentsRequest { body: filter }).await.expect("query")
    else {
        panic!("a 200")
    };
    assert_eq!(found.iter().map(|document| document.id).collect::<Vec<_>>(), [3]);
    let linked = client.link_document(LinkDocumentRequest { id: 3, body: Link { target: 1 } }).await.expect("link");
    assert_eq!(linked, LinkDocumentResponse::NoContent);
    let GetDocumentResponse::Ok(document) = client.get_document(GetDocumentRequest { id: 3 }).await.expect("get")
    else {
        panic!("a 200")
    };
    assert_eq!(document.links, [1]);
    let missing = client.link_document(LinkDocumentRequest { id: 3, body: Link { target: 8 } }).await.expect("link");
    assert!(matches!(missing, LinkDocumentResponse::NotFound(_)), "{missing:?}");
    let unlinked = client.unlink_document(UnlinkDocumentRequest { id: 3, target: 1 }).await.expect("unlink");
    assert_eq!(unlinked, UnlinkDocumentResponse::NoContent);
}

#[tokio::test]
async fn the_client_writes_the_method_as_the_spec_names_it() {
    let (address, received) = e2e::recording_server(&[], "application/json", "[]").await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let filter = Filter { tag: None, title_contains: Some("a b".into()), limit: Some(5) };
    client.query_documents(QueryDocumentsRequest { body: filter }).await.expect("query");
    // A 200 is not documented for UNLINK: the client says so, with the status.
    let error = client.unlink_document(UnlinkDocumentRequest { id: 2, target: 7 }).await.unwrap_err();
    assert!(matches!(&error, Error::UnexpectedStatus(response) if response.status == 200), "{error:?}");
    let received = received.lock().unwrap();
    let (head, body) = &received[0];
    assert!(head.starts_with("QUERY /documents HTTP/1.1\r\n"), "{head}");
    assert_eq!(serde_json::from_slice::<Value>(body).unwrap(), json!({"title_contains": "a b", "limit": 5}));
    assert!(received[1].0.starts_with("UNLINK /documents/2?target=7 HTTP/1.1\r\n"), "{}", received[1].0);
}
