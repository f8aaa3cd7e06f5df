//! The multi-file spec `specs/tree.yaml`: operations whose path items, parameters, bodies,
//! responses and schemas live in other files, some of them referring back into the root
//! document, send and read what the files say, against a server written by hand.

use e2e::tree::client::Client;
use e2e::tree::operations::*;
use e2e::tree::types::{Contact, Cursor, Owner, Page, R7Alias, R8};

#[tokio::test]
async fn a_response_typed_across_folders_and_the_root_document_is_read() {
    // A 200 for `GET /r7/{id}`: `../responses/r7.yaml` -> `aliases.yaml#/R7Alias` (itself a
    // `$ref`) -> `resources/r7.yaml`, whose `owner` is in `../common/` and refers back to the
    // root document's `Contact`, and whose `page` is the root's `Page`, itself a file.
    let answer = r#"{"id": "seven", "size": 7, "owner": {"name": "Ada", "contact": {"email": "ada@example.com"}},
                     "page": {"total": 3, "next": "c2"}}"#;
    let (address, received) = e2e::recording_server(&[], "application/json", answer).await;
    let client = Client::with_base_url(&format!("http://{address}")).with_bearer("token-1");
    let GetR7Response::Ok(resource) = client.get_r7(GetR7Request { id: "a b".into() }).await.unwrap() else {
        panic!("expected the 200")
    };
    let expected: R7Alias = e2e::tree::types::R7 {
        id: "seven".into(),
        size: Some(7),
        owner: Some(Owner {
            name: Some("Ada".into()),
            contact: Some(Contact { email: Some("ada@example.com".into()) }),
        }),
        page: Some(Page { total: 3, next: Some(Cursor::from("c2")) }),
    };
    assert_eq!(resource, expected);
    let (head, _) = received.lock().unwrap().remove(0);
    assert!(head.starts_with("GET /r7/a%20b HTTP/1.1\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("\r\nauthorization: bearer token-1\r\n"), "{head}");
}

#[tokio::test]
async fn parameters_and_bodies_from_other_files_are_sent() {
    let (address, received) = e2e::recording_server(&[], "application/json", r#"{"items": []}"#).await;
    let client = Client::with_base_url(&format!("http://{address}")).with_bearer("token-1");
    // `limit` is the root document's parameter, `cursor` a file whose schema is another file.
    let request = ListR3Request { limit: Some(5), cursor: Some(Cursor::from("c1")) };
    let ListR3Response::Ok(page) = client.list_r3(request).await.unwrap() else { panic!("expected the 200") };
    assert_eq!(page.items, Some(Vec::new()));
    // A body from `../bodies/r8.yaml`; R8 is one of every fifth resource that relates to the next.
    let body = R8 { id: "eight".into(), size: None, owner: None, page: None };
    let _ = client.create_r8(CreateR8Request { body }).await;
    let received = received.lock().unwrap();
    assert!(received[0].0.starts_with("GET /r3?limit=5&cursor=c1 HTTP/1.1\r\n"), "{}", received[0].0);
    assert!(received[1].0.starts_with("POST /r8 HTTP/1.1\r\n"), "{}", received[1].0);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&received[1].1).unwrap(),
        serde_json::json!({"id": "eight"})
    );
}
