//! Form bodies with nested members and per-property encodings (`POST /checkout` in
//! e2e/specs/wire.yaml), answered as forms. The text is written by hand from the spec and
//! the bracket convention of form-encoded APIs, both to the generated server and from a raw
//! server to the generated client.

use e2e::wire::client::Client;
use e2e::wire::operations::{CheckoutRequest, CheckoutResponse};
use e2e::wire::server::router;
use e2e::wire::types::{Checkout, CheckoutItemsItem, CheckoutOptions};
use e2e::wire_echo::Echo;
use std::collections::BTreeMap;

const FORM: &str = "application/x-www-form-urlencoded";

/// The order both sides send: nested members, an encoded `&`, a space, a pipe-delimited
/// list and a JSON member.
fn order() -> Checkout {
    Checkout {
        username: "123".into(),
        tags: Some(vec!["a".into(), "b c".into()]),
        metadata: Some(BTreeMap::from([("order".into(), "7".into())])),
        items: vec![
            CheckoutItemsItem { price: "p_1".into(), quantity: Some(2) },
            CheckoutItemsItem { price: "p&2".into(), quantity: None },
        ],
        colors: Some(vec!["blue".into(), "black".into()]),
        options: Some(CheckoutOptions { gift: Some(true) }),
    }
}

/// The order as this crate's encoder must write it: brackets and delimiters percent-encoded
/// as OpenAPI's examples are, properties in schema order.
const ORDER_TEXT: &str = "username=123&tags=a&tags=b%20c&metadata%5Border%5D=7\
    &items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=p%262\
    &colors=blue%7Cblack&options=%7B%22gift%22%3Atrue%7D";

async fn post_form(base: &str, body: &str) -> (u16, String, String) {
    let response = reqwest::Client::new()
        .post(format!("{base}/checkout"))
        .header("content-type", FORM)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    (status, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn the_server_reads_bracket_form_as_others_send_it_and_answers_a_form() {
    let base = format!("http://{}", e2e::serve(router(Echo)).await);
    // Literal brackets and `+` for a space, as most form clients write them.
    let sent = "username=123&tags=a&tags=b+c&metadata[order]=7&items[0][price]=p_1&items[0][quantity]=2\
                &items[1][price]=p%262&colors=blue|black&options=%7B%22gift%22%3Atrue%7D";
    let (status, content_type, body) = post_form(&base, sent).await;
    assert_eq!((status, content_type.as_str()), (200, FORM), "{body}");
    assert_eq!(body, ORDER_TEXT);
    // The same text encoded as this crate writes it reads the same.
    let (status, _, body) = post_form(&base, ORDER_TEXT).await;
    assert_eq!((status, body.as_str()), (200, ORDER_TEXT));
}

#[tokio::test]
async fn a_bad_nested_member_is_a_problem_naming_its_pointer() {
    let base = format!("http://{}", e2e::serve(router(Echo)).await);
    for (sent, pointer) in [
        ("username=a&items[0][price]=p&items[0][quantity]=two", "/items/0/quantity"),
        ("username=a&items[0][price]=p&options=%7Bgift", "/options"),
        ("username=a&items[0][quantity]=1", "/items/0"),
        ("username=a", ""),
    ] {
        let reply = e2e::send_raw("POST", &format!("{base}/checkout"), Some(FORM), sent).await;
        e2e::assert_problem(&reply, 400);
        assert_eq!(reply.body["pointer"].as_str().unwrap_or(""), pointer, "{sent}: {}", reply.body);
    }
}

#[tokio::test]
async fn the_client_writes_the_form_and_reads_one_written_by_hand() {
    let answer = "username=ann+b&items[1][price]=second&items[0][price]=first&colors=red&tags[]=x&tags[]=y";
    let (address, received) = e2e::recording_server(&[], FORM, answer).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let CheckoutResponse::Ok(read) = client.checkout(CheckoutRequest { body: order() }).await.unwrap();
    assert_eq!(String::from_utf8(received.lock().unwrap()[0].1.clone()).unwrap(), ORDER_TEXT);
    assert_eq!(read.username, "ann b");
    let prices: Vec<&str> = read.items.iter().map(|item| item.price.as_str()).collect();
    assert_eq!(prices, ["first", "second"]);
    assert_eq!(read.colors, Some(vec!["red".to_owned()]));
    assert_eq!(read.tags, Some(vec!["x".to_owned(), "y".to_owned()]));
}

#[tokio::test]
async fn client_and_server_agree_on_forms_as_well() {
    let client = Client::with_base_url(&format!("http://{}", e2e::serve(router(Echo)).await));
    let CheckoutResponse::Ok(read) = client.checkout(CheckoutRequest { body: order() }).await.unwrap();
    assert_eq!(read, order());
}
