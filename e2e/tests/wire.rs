//! Wire text read by the declared type, checked from outside as well as client to server:
//! requests written by hand from `e2e/specs/wire.yaml`, and a raw server answering the
//! generated client. Each case failed before parameters and form bodies were read through
//! the type-directed text codec (`apigen_runtime::params::text`).

use e2e::wire::client::Client;
use e2e::wire::operations::{
    GetColorRequest, GetColorResponse, GetItemsRequest, GetItemsResponse, GetLabelRequest, GetLabelResponse,
    GetMatrixRequest, GetMatrixResponse, SignUpRequest, SignUpResponse,
};
use e2e::wire::server::router;
use e2e::wire::types::{Color, GetItemsFilter, SignUpRequestBody};
use e2e::wire_echo::Echo;
use e2e::{send_raw, send_raw_with};
use serde_json::{json, Value};

async fn serve_echo() -> String {
    format!("http://{}", e2e::serve(router(Echo)).await)
}

#[tokio::test]
async fn an_array_path_parameter_is_read_from_its_commas() {
    let base = serve_echo().await;
    let reply = send_raw("GET", &format!("{base}/items/1,2,3"), None, "").await;
    assert_eq!((reply.status, &reply.body["ids"]), (200, &json!([1, 2, 3])), "{}", reply.body);
    let reply = send_raw("GET", &format!("{base}/items/7"), None, "").await;
    assert_eq!(reply.body["ids"], json!([7]));
    let reply = send_raw("GET", &format!("{base}/items/1,x"), None, "").await;
    e2e::assert_problem(&reply, 400);
    assert!(reply.body["detail"].as_str().unwrap().contains("ids"), "{}", reply.body);
}

#[tokio::test]
async fn a_deep_object_mixing_a_numeric_looking_string_with_an_integer_is_read() {
    let base = serve_echo().await;
    let reply = send_raw("GET", &format!("{base}/items/1?filter[status]=1&filter[min_total]=100"), None, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["filter"], json!({ "status": "1", "min_total": 100 }));
    let reply = send_raw("GET", &format!("{base}/items/1?filter[min_total]=lots"), None, "").await;
    e2e::assert_problem(&reply, 400);
}

#[tokio::test]
async fn form_strings_that_look_like_literals_stay_strings() {
    let base = serve_echo().await;
    for name in ["123", "true", "null", "1.5"] {
        let body = format!("username={name}&age=30&nickname={name}");
        let reply = send_raw("POST", &format!("{base}/users"), Some("application/x-www-form-urlencoded"), &body).await;
        assert_eq!(reply.status, 201, "{name}: {}", reply.body);
        assert_eq!(reply.body, json!({ "username": name, "age": 30, "nickname": name }));
    }
    let form = Some("application/x-www-form-urlencoded");
    let reply = send_raw("POST", &format!("{base}/users"), form, "username=ann&age=thirty").await;
    e2e::assert_problem(&reply, 400);
    assert_eq!(reply.body["pointer"], "/age", "{}", reply.body);
}

#[tokio::test]
async fn the_client_keeps_the_commas_of_an_array_path_parameter() {
    // A raw server that records the request it receives.
    let (address, received) = e2e::recording_server(&["x-rate: x,y".to_owned()], "application/json", "{}").await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let filter = GetItemsFilter { status: Some("1".into()), min_total: Some(100) };
    let response = client
        .get_items(GetItemsRequest { ids: vec![1, 2, 3], filter: Some(filter), pipes: None, spaces: None })
        .await
        .unwrap();
    let head = received.lock().unwrap()[0].0.clone();
    assert!(head.starts_with("GET /items/1,2,3?"), "{head}");
    // And a list response header is read from its commas.
    let GetItemsResponse::Ok { x_rate, .. } = response;
    assert_eq!(x_rate, Some(vec!["x".to_owned(), "y".to_owned()]));
}

#[tokio::test]
async fn client_and_server_agree_as_well() {
    let client = Client::with_base_url(&serve_echo().await);
    let filter = GetItemsFilter { status: Some("1".into()), min_total: Some(100) };
    let GetItemsResponse::Ok { body, x_rate } = client
        .get_items(GetItemsRequest { ids: vec![4, 5], filter: Some(filter), pipes: None, spaces: None })
        .await
        .unwrap();
    assert_eq!(body["ids"], json!([4, 5]));
    assert_eq!(body["filter"], json!({ "status": "1", "min_total": 100 }));
    assert_eq!(x_rate, Some(vec!["x".to_owned(), "y".to_owned()]));
    let body = SignUpRequestBody { username: "123".into(), age: 30, nickname: None };
    let SignUpResponse::Created(created) = client.sign_up(SignUpRequest { body }).await.unwrap();
    assert_eq!(created["username"], Value::from("123"));
}

/// OpenAPI's style examples for `color = {"R":100,"G":200,"B":150}`: simple exploded in the
/// path (`R=100,G=200,B=150`), and in headers exploded and not (`R,100,G,200,B,150`).
#[tokio::test]
async fn objects_in_paths_and_headers_follow_the_style_examples() {
    let base = serve_echo().await;
    let headers = [("x-color", "R=100,G=200,B=150"), ("x-shade", "R,100,G,200,B,150")];
    let reply = send_raw_with("GET", &format!("{base}/colors/R=100,G=200,B=150"), &headers, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let rgb = json!([100, 200, 150]);
    assert_eq!(reply.body, json!({ "path": rgb, "x_color": rgb, "x_shade": rgb }));
    let reply = send_raw("GET", &format!("{base}/colors/R,100,G,200,B,150"), None, "").await;
    e2e::assert_problem(&reply, 400);

    // The generated client writes the same text.
    let client = Client::with_base_url(&base);
    let color = || Color { r: 100, g: 200, b: 150 };
    let request = GetColorRequest { color: color(), x_color: Some(color()), x_shade: Some(color()) };
    let GetColorResponse::Ok(body) = client.get_color(request).await.unwrap();
    assert_eq!(body["path"], rgb);
    assert_eq!((&body["x_color"], &body["x_shade"]), (&rgb, &rgb));
}

/// The `label` and `matrix` columns of the style examples, through raw HTTP and the client.
#[tokio::test]
async fn label_and_matrix_paths_follow_the_style_examples() {
    let base = serve_echo().await;
    let want = json!({ "list": ["blue", "black", "brown"], "color": [100, 200, 150] });
    let reply = send_raw("GET", &format!("{base}/label/.blue,black,brown/.R=100.G=200.B=150"), None, "").await;
    assert_eq!((reply.status, &reply.body), (200, &want));
    let matrix = format!("{base}/matrix/;list=blue;list=black;list=brown/;color=R,100,G,200,B,150");
    let reply = send_raw("GET", &matrix, None, "").await;
    assert_eq!((reply.status, &reply.body), (200, &want));
    // Without the style's prefix, or with another name, the value is refused.
    let reply = send_raw("GET", &format!("{base}/label/blue/.R=100.G=200.B=150"), None, "").await;
    e2e::assert_problem(&reply, 400);
    let reply = send_raw("GET", &format!("{base}/matrix/;list=blue/;shade=R,100,G,200,B,150"), None, "").await;
    e2e::assert_problem(&reply, 400);

    let client = Client::with_base_url(&base);
    let list = || vec!["blue".to_owned(), "black".to_owned(), "brown".to_owned()];
    let color = || Color { r: 100, g: 200, b: 150 };
    let GetLabelResponse::Ok(body) = client.get_label(GetLabelRequest { list: list(), color: color() }).await.unwrap();
    assert_eq!(json!(body), want);
    let GetMatrixResponse::Ok(body) =
        client.get_matrix(GetMatrixRequest { list: list(), color: color() }).await.unwrap();
    assert_eq!(json!(body), want);
}

/// Delimited query arrays: `pipes=a&pipes=b` exploded (as exploded form), `spaces=1%202` not.
#[tokio::test]
async fn delimited_query_arrays_follow_their_explode() {
    let base = serve_echo().await;
    let reply = send_raw("GET", &format!("{base}/items/1?pipes=a%20b&pipes=c&spaces=1%202"), None, "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!((&reply.body["pipes"], &reply.body["spaces"]), (&json!(["a b", "c"]), &json!([1, 2])));
    let client = Client::with_base_url(&base);
    let request = GetItemsRequest {
        ids: vec![1],
        pipes: Some(vec!["a|b".into(), "c".into()]),
        spaces: Some(vec![3, 4]),
        filter: None,
    };
    let GetItemsResponse::Ok { body, .. } = client.get_items(request).await.unwrap();
    assert_eq!((&body["pipes"], &body["spaces"]), (&json!(["a|b", "c"]), &json!([3, 4])));
}
