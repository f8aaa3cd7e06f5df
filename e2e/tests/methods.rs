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

/// A GET of `target` is a 400 problem naming `parameter` and, where given, the `pointer`.
async fn refused_naming(address: SocketAddr, target: &str, parameter: &str, pointer: Option<&str>) {
    let (status, _, body) = raw(address, "GET", target, None).await;
    assert_eq!(status, 400, "{target}: {body}");
    assert_eq!(body["parameter"], parameter, "{target}: {body}");
    if let Some(pointer) = pointer {
        assert_eq!(body["pointer"], pointer, "{target}: {body}");
    }
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
    // Any answer may carry `Allow`; where it does, it names every method of the path.
    let allow: Vec<&str> = head.lines().filter(|line| line.starts_with("allow:")).collect();
    assert!(allow.is_empty() || allow == ["allow: get, head, query"], "{head}");
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
    // An array is no object, even one serde could read member by member (schemathesis found
    // `[]` accepted as a filter whose members are all optional).
    for array in ["[]", r#"["notes"]"#] {
        let (status, _, body) = raw(address, "QUERY", "/documents", Some(array)).await;
        assert_eq!(status, 400, "{array}: {body}");
    }
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
    let (status, _, body) = raw(address, "LINK", "/documents/1", Some("[2]")).await;
    assert_eq!(status, 400, "an array is no link: {body}");
    let (status, _, body) = raw(address, "LINK", "/documents/1", Some(r#"{"target":2} {"target":3}"#)).await;
    assert_eq!(status, 400, "one JSON value is the body, nothing after it: {body}");
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

#[tokio::test]
async fn a_query_string_of_form_fields_written_by_hand_is_the_criteria() {
    let address = documents().await;
    for (target, expected) in [
        ("/search?tags=notes,draft", vec![3]),
        ("/search?tags=notes&limit=1", vec![1]),
        ("/search?limit=100&tags=plan", vec![2]),
        ("/search?tags=draft", vec![2, 3]),
    ] {
        let (status, _, body) = raw(address, "GET", target, None).await;
        assert_eq!((status, ids(&body)), (200, expected), "{target}: {body}");
    }
    // Just outside: no tag (an empty value is an empty list; minItems 1), an empty tag and
    // a tag the enum does not list, a limit of 101 or 0 or not a number, no tags member, no
    // query string.
    for (target, pointer) in [
        ("/search?tags=", Some("/tags")),
        ("/search?tags=notes,&limit=1", Some("/tags/1")),
        ("/search?tags=notes,false", Some("/tags/1")),
        ("/search?tags=plan&limit=101", Some("/limit")),
        ("/search?tags=plan&limit=0", Some("/limit")),
        ("/search?tags=plan&limit=ten", Some("/limit")),
        ("/search?limit=1", None),
        ("/search", None),
    ] {
        refused_naming(address, target, "criteria", pointer).await;
    }
}

#[tokio::test]
async fn a_query_string_of_json_written_by_hand_is_the_filter() {
    let address = documents().await;
    let (status, _, body) = raw(address, "GET", "/select", None).await;
    assert_eq!((status, ids(&body)), (200, vec![1, 2, 3]));
    let (status, _, body) = raw(address, "GET", "/select?%7B%22tag%22%3A%22draft%22%7D", None).await;
    assert_eq!((status, ids(&body)), (200, vec![2, 3]), "{body}");
    // `:` and `,` may stand unescaped in a query.
    let (status, _, body) = raw(address, "GET", "/select?%7B%22tag%22:%22notes%22,%22limit%22:1%7D", None).await;
    assert_eq!((status, ids(&body)), (200, vec![1]), "{body}");
    for (target, pointer) in [
        ("/select?%7B%22limit%22:0%7D", Some("/limit")),
        ("/select?%7B%22limit%22:101%7D", Some("/limit")),
        ("/select?%7B%22tag%22:3%7D", Some("/tag")),
        ("/select?%7B%7D%7B%7D", None),
        ("/select?%7B%22tag%22:%22%FF%22%7D", None),
        ("/select?tag=notes", None),
    ] {
        refused_naming(address, target, "selector", pointer).await;
    }
}

#[tokio::test]
async fn the_client_writes_a_whole_query_string_as_its_media_type_says() {
    use e2e::methods::types::{Criteria, Tag};
    let (address, received) = e2e::recording_server(&[], "application/json", "[]").await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let criteria = Criteria { tags: vec![Tag::Notes, Tag::Draft], limit: Some(2) };
    client.search_documents(SearchDocumentsRequest { criteria }).await.expect("search");
    let selector = Filter { tag: Some("x y".into()), title_contains: None, limit: Some(3) };
    client.select_documents(SelectDocumentsRequest { selector: Some(selector) }).await.expect("select");
    client.select_documents(SelectDocumentsRequest { selector: None }).await.expect("select all");
    let received = received.lock().unwrap();
    let lines: Vec<&str> = received.iter().map(|(head, _)| head.lines().next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "GET /search?tags=notes,draft&limit=2 HTTP/1.1",
            "GET /select?%7B%22tag%22%3A%22x%20y%22%2C%22limit%22%3A3%7D HTTP/1.1",
            "GET /select HTTP/1.1",
        ]
    );
}

#[tokio::test]
async fn the_generated_client_and_server_agree_on_whole_query_strings() {
    use e2e::methods::types::{Criteria, Tag};
    let client = Client::with_base_url(&format!("http://{}", documents().await));
    let criteria = Criteria { tags: vec![Tag::Notes, Tag::Draft], limit: None };
    let SearchDocumentsResponse::Ok(found) =
        client.search_documents(SearchDocumentsRequest { criteria }).await.unwrap()
    else {
        panic!("a 200")
    };
    assert_eq!(found.iter().map(|document| document.id).collect::<Vec<_>>(), [3]);
    let selector = Filter { tag: None, title_contains: Some("a n".into()), limit: None };
    let SelectDocumentsResponse::Ok(found) =
        client.select_documents(SelectDocumentsRequest { selector: Some(selector) }).await.unwrap()
    else {
        panic!("a 200")
    };
    assert_eq!(found.iter().map(|document| document.id).collect::<Vec<_>>(), [1, 3]);
}
