//! Every constraint of `e2e/specs/constraints.yaml`, checked from outside: requests written
//! by hand with a value just inside each bound (answered 2xx) and just outside it (answered
//! 400, the problem naming the parameter or the JSON pointer), and several violations at once
//! listed together. openapi-core judges every exchange again (e2e/exchanges-oracle.sh), and
//! schemathesis runs against the same server in CI (e2e/schemathesis.sh).

use e2e::reference::Accounts;
use e2e::{send_raw_with, RawReply};
use serde_json::{json, Value};

async fn base() -> String {
    format!("http://{}", e2e::serve(e2e::constraints::server::router(Accounts)).await)
}

fn account() -> Value {
    json!({"name": "ann", "age": 30})
}

async fn create(base: &str, body: &Value) -> RawReply {
    send_raw_with("POST", &format!("{base}/accounts"), &[("content-type", "application/json")], &body.to_string()).await
}

/// The account with `member` set to `value`.
fn with(member: &str, value: Value) -> Value {
    let mut body = account();
    body[member] = value;
    body
}

#[tokio::test]
async fn each_body_constraint_holds_just_inside_and_fails_just_outside() {
    let base = base().await;
    let cases = [
        // minLength 1, maxLength 8 (in code points: "é" is one), pattern ^[a-z]+$.
        ("name", json!("a"), json!(""), "/name"),
        ("name", json!("abcdefgh"), json!("abcdefghi"), "/name"),
        ("name", json!("abc"), json!("abC"), "/name"),
        // minimum 18, maximum 130.
        ("age", json!(18), json!(17), "/age"),
        ("age", json!(130), json!(131), "/age"),
        // exclusiveMinimum 0, exclusiveMaximum 1.
        ("score", json!(5e-324), json!(0), "/score"),
        ("score", json!(0.9999999999999999), json!(1), "/score"),
        // multipleOf 5.
        ("step", json!(-15), json!(16), "/step"),
        // minItems 1, maxItems 3, uniqueItems, items maxLength 5.
        ("tags", json!(["a"]), json!([]), "/tags"),
        ("tags", json!(["a", "b", "c"]), json!(["a", "b", "c", "d"]), "/tags"),
        ("tags", json!(["a", "b"]), json!(["a", "a"]), "/tags"),
        ("tags", json!(["abcde"]), json!(["a", "abcdef"]), "/tags/1"),
        // The alias Code: pattern ^[A-Z]{3}$, checked where it is used.
        ("code", json!("ABC"), json!("ABCD"), "/code"),
        // maxProperties 2; each value minimum 0.
        ("limits", json!({"a": 0, "b": 1}), json!({"a": 0, "b": 1, "c": 2}), "/limits"),
        ("limits", json!({"a~b": 0}), json!({"a/b": -1}), "/limits/a~1b"),
        // Optional, not nullable: null is not a value.
        ("score", json!(0.5), Value::Null, "/score"),
        // A struct's minProperties 1: its members are counted.
        ("address", json!({"zip": "01234"}), json!({}), "/address"),
    ];
    for (member, inside, outside, pointer) in cases {
        let reply = create(&base, &with(member, inside.clone())).await;
        assert_eq!(reply.status, 201, "{member} = {inside}: {}", reply.body);
        assert_eq!(reply.body[member], inside);
        let reply = create(&base, &with(member, outside.clone())).await;
        e2e::assert_problem(&reply, 400);
        assert_eq!(reply.body["pointer"], pointer, "{member} = {outside}: {}", reply.body);
    }
}

#[tokio::test]
async fn one_problem_lists_every_violation() {
    let base = base().await;
    let body = json!({"name": "Ann", "age": 12, "tags": ["x", "x"], "code": "ab"});
    let reply = create(&base, &body).await;
    e2e::assert_problem(&reply, 400);
    let pointers: Vec<&str> =
        reply.body["errors"].as_array().unwrap().iter().map(|error| error["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/name", "/age", "/tags", "/code"], "{}", reply.body);
    assert_eq!(reply.body["pointer"], "/name");
    assert!(reply.body["detail"].as_str().unwrap().contains("3 more"), "{}", reply.body);
}

type Headers = &'static [(&'static str, &'static str)];

#[tokio::test]
async fn each_parameter_constraint_holds_just_inside_and_fails_just_outside() {
    let base = base().await;
    // Query, headers, the parameter refused (none: accepted) and the pointer inside it.
    let cases: [(&str, Headers, &str, Option<&str>); 10] = [
        ("limit=1", &[], "", None),
        ("limit=100", &[], "", None),
        ("limit=0", &[], "limit", None),
        ("limit=101", &[], "limit", None),
        ("prefix=abc", &[], "", None),
        ("prefix=abcd", &[], "prefix", None),
        ("ids=1,1000000", &[], "", None),
        ("ids=1,2,3", &[], "ids", None),
        ("ids=1,0", &[], "ids", Some("/1")),
        ("", &[("X-Request-Id", "0123abcg")], "X-Request-Id", None),
    ];
    for (query, headers, refused, pointer) in cases {
        let reply = send_raw_with("GET", &format!("{base}/accounts?{query}"), headers, "").await;
        if refused.is_empty() {
            assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        } else {
            e2e::assert_problem(&reply, 400);
            assert_eq!(reply.body["parameter"], refused, "{query}: {}", reply.body);
            assert_eq!(reply.body["pointer"].as_str(), pointer, "{query}: {}", reply.body);
        }
    }
    let reply = send_raw_with("GET", &format!("{base}/accounts"), &[("X-Request-Id", "0123abcd")], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn members_the_schema_does_not_declare_are_refused_where_it_forbids_them() {
    let base = base().await;
    // Every declared member, at both depths: accepted.
    let declared = with("address", json!({"city": "Oslo", "zip": "01234"}));
    let reply = create(&base, &declared).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["address"], json!({"city": "Oslo", "zip": "01234"}));
    // One member too many, at the top and inside `address` (both additionalProperties:
    // false), each named by its own pointer in one problem.
    let mut body = with("address", json!({"city": "Oslo", "country": "NO"}));
    body["nick/name"] = json!("a");
    let reply = create(&base, &body).await;
    e2e::assert_problem(&reply, 400);
    let pointers: Vec<&str> =
        reply.body["errors"].as_array().unwrap().iter().map(|error| error["pointer"].as_str().unwrap()).collect();
    assert_eq!(pointers, ["/nick~1name", "/address/country"], "{}", reply.body);
    // `limits` is a map: its members are its values, none of them undeclared.
    let reply = create(&base, &with("limits", json!({"any": 1}))).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

#[tokio::test]
async fn a_read_only_member_is_refused_in_a_request_and_given_in_the_response() {
    let base = base().await;
    let reply = create(&base, &with("id", json!(7))).await;
    e2e::assert_problem(&reply, 400);
    assert_eq!(reply.body["pointer"], "/id", "{}", reply.body);
    // Required, but of responses only: a request leaves it out.
    let reply = create(&base, &account()).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["id"], 1);
}

#[tokio::test]
async fn a_write_only_member_is_read_from_a_request_and_left_out_of_the_response() {
    let base = base().await;
    // minLength 8, checked like any member's.
    let reply = create(&base, &with("password", json!("1234567"))).await;
    e2e::assert_problem(&reply, 400);
    assert_eq!(reply.body["pointer"], "/password", "{}", reply.body);
    let reply = create(&base, &with("password", json!("12345678"))).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert!(reply.body.get("password").is_none(), "{}", reply.body);
    // The reference implementation sets one on every listed account; none is written.
    let reply = send_raw_with("GET", &format!("{base}/accounts?limit=2"), &[], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    for listed in reply.body.as_array().unwrap() {
        assert!(listed.get("password").is_none() && listed["id"].is_number(), "{listed}");
    }
}

#[tokio::test]
async fn a_client_checks_requests_and_responses_only_where_its_policy_asks() {
    use apigen_runtime::client::{Error, Policy};
    use e2e::constraints::client::Client;
    use e2e::constraints::operations::{CreateAccountRequest, ListAccountsRequest, ListAccountsResponse};
    use e2e::constraints::types::Account;
    // Hand-written: an account breaking its pattern and bound, with a member the schema forbids.
    let answer = r#"[{"id": 1, "name": "Ann", "age": 12, "nick": "x"}]"#;
    let (address, received) = e2e::recording_server(&[], "application/json", answer).await;
    let base = format!("http://{address}");

    let lenient = Client::with_base_url(&base);
    let ListAccountsResponse::Ok(accounts) = lenient.list_accounts(ListAccountsRequest::default()).await.unwrap()
    else {
        panic!("a 200 is Ok")
    };
    assert_eq!((accounts[0].name.as_str(), accounts[0].age), ("Ann", 12));

    let strict = Client::with_base_url(&base).with_policy(Policy::default().validate_requests().validate_responses());
    match strict.list_accounts(ListAccountsRequest::default()).await {
        Err(Error::Violations { violations, response: Some(response) }) => {
            let pointers: Vec<_> = violations.iter().map(|violation| violation.pointer.as_deref().unwrap()).collect();
            assert_eq!(pointers, ["/0/nick", "/0/name", "/0/age"]);
            assert_eq!((response.status.as_u16(), response.text().as_str()), (200, answer));
        }
        other => panic!("expected the response's violations, got {other:?}"),
    }
    // The id is the server's to give (readOnly), and the age out of bounds: not sent.
    let sent_before = received.lock().unwrap().len();
    let account = Account { id: Some(3), name: "ann".into(), age: 12, ..typed_account() };
    match strict.create_account(CreateAccountRequest { body: account }).await {
        Err(error @ Error::Violations { response: None, .. }) => {
            let Error::Violations { violations, .. } = &error else { unreachable!() };
            let pointers: Vec<_> = violations.iter().map(|violation| violation.pointer.as_deref().unwrap()).collect();
            assert_eq!(pointers, ["/id", "/age"], "{error}");
            assert!(error.to_string().contains("not sent"), "{error}");
        }
        other => panic!("expected the request's violations, got {other:?}"),
    }
    assert_eq!(received.lock().unwrap().len(), sent_before, "an invalid request is not sent");
    // A client leaves a read-only member out of what it sends: a value read back passes.
    let read_back = Account { id: Some(3), ..typed_account() };
    let _ = lenient.create_account(CreateAccountRequest { body: read_back }).await;
    let (_, body) = received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), crate::account());
}

fn typed_account() -> e2e::constraints::types::Account {
    serde_json::from_value(account()).unwrap()
}
