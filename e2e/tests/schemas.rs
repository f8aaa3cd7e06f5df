//! Schema constructs, each pinned by the Rust type it becomes (these statements compile only
//! with those types) and by a serde round trip of a sample value; then an order travels from
//! the generated client to the generated server and back.

use apigen_runtime::server::HandlerError;
use e2e::schemas::client::Client;
use e2e::schemas::operations::{OrdersSearchGetRequest, OrdersSearchGetResponse, PutOrderRequest, PutOrderResponse};
use e2e::schemas::server::{router, Api};
use e2e::schemas::types::*;
use e2e::serve;
use serde_json::{json, Value};

fn order_json() -> Value {
    json!({
        "id": "4c9f6d0e-1b8a-4c57-9a7e-6a1f0f8d2b11",
        "status": "in-transit",
        "lines": [{"sku": "A-1", "quantity": 2}],
        "total": {"amount": 1999, "currency": "EUR"},
        "placed_at": "2026-11-26T12:00:00Z",
        "deliver_on": "2026-12-01",
        "weight": 1.5,
        "ratio": 0.25,
        "signature": "c2lnbmVk",
        "note": null,
        "priority": 1,
        "gift": true,
        "kind": "order",
        "contact": {"phone": "+49 30 1234"},
        "parent": {"name": "books", "parent": {"name": "media"}, "children": [{"name": "novels"}]},
        "shipping": {"method": "pickup", "store": 7},
        "reference": "ref-1",
        "audit": {"created_by": "ana", "updated_by": "ben"}
    })
}

/// Decodes `value` as `T` and encodes it again: the same JSON comes back.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(serde_json::to_value(&decoded).unwrap(), value);
    decoded
}

#[test]
fn an_order_round_trips_with_every_construct_typed() {
    let order: Order = round_trip(order_json());
    // Formats: int32/int64 and float/double are sized; uuid, date-time, date and byte are
    // typed values (date-time written back as it was read).
    use apigen_runtime::formats::{Base64Bytes, Date, DateTime, Uuid};
    let _: (&Uuid, &DateTime, &Option<Date>, &Option<Base64Bytes>) =
        (&order.id, &order.placed_at, &order.deliver_on, &order.signature);
    assert_eq!(order.id.as_u128(), 0x4c9f6d0e_1b8a_4c57_9a7e_6a1f0f8d2b11);
    assert_eq!(order.placed_at.timestamp(), 1_795_694_400);
    assert_eq!(order.deliver_on.map(|date| date.to_string()).as_deref(), Some("2026-12-01"));
    assert_eq!(order.signature.as_deref(), Some(&b"signed"[..]));
    let _: (i32, i64, Option<f32>, Option<f64>) =
        (order.lines[0].quantity, order.total.amount, order.weight, order.ratio);
    // An inline item schema is named from where it stands.
    let _: &OrderLinesItem = &order.lines[0];
    // A `$ref` into another file is a type of its own; `$defs` name theirs.
    let _: &Money = &order.total;
    let _: &Currency = &order.total.currency;
    // const is a one-value enum.
    assert_eq!(order.kind, Some(OrderKind::Order));
    // anyOf: variants tried in order.
    assert!(
        matches!(order.contact, Some(Contact::ContactVariant1(ContactVariant1 { ref phone, .. })) if phone == "+49 30 1234")
    );
    // Recursion is boxed where it would be infinite, not inside a Vec.
    let parent: &Option<Box<Category>> = &order.parent.as_ref().unwrap().parent;
    assert_eq!(parent.as_ref().unwrap().name, "media");
    let _: &Option<Vec<Category>> = &order.parent.as_ref().unwrap().children;
    // A discriminator picks the variant; $defs inside a schema give a named type.
    match &order.shipping {
        Some(Shipping::Pickup(Pickup { store, .. })) => {
            let _: &StoreId = store;
            assert_eq!(*store, 7);
        }
        other => panic!("expected a pickup, got {other:?}"),
    }
    // allOf is one struct with the members of each part.
    let audit = order.audit.as_ref().unwrap();
    assert_eq!((audit.created_by.as_str(), audit.updated_by.as_deref()), ("ana", Some("ben")));
    let _: &Option<Reference> = &order.reference;
}

#[test]
fn doubles_come_back_bit_for_bit() {
    // Read from text as a server or client reads them: serde_json's default float parsing
    // may be one unit in the last place off; the runtime turns on its exact parsing.
    for ratio in ["1.9999999999999998", "-6.715996064569913e-75", "0.1", "1e308", "5e-324"] {
        let mut order = order_json();
        order["ratio"] = Value::Null;
        let text = order.to_string().replace("\"ratio\":null", &format!("\"ratio\":{ratio}"));
        let decoded: Order = serde_json::from_str(&text).unwrap();
        assert_eq!(decoded.ratio, Some(ratio.parse::<f64>().unwrap()), "{ratio}");
        let again: Order = serde_json::from_str(&serde_json::to_string(&decoded).unwrap()).unwrap();
        assert_eq!(again.ratio.map(f64::to_bits), decoded.ratio.map(f64::to_bits), "{ratio}");
    }
}

#[test]
fn nullable_and_optional_stay_apart() {
    let mut value = order_json();
    let order: Order = round_trip(value.clone());
    assert_eq!(order.note, Some(None), "present and null");
    value["note"] = json!("leave at the door");
    let order: Order = round_trip(value.clone());
    assert_eq!(order.note, Some(Some("leave at the door".to_owned())));
    value.as_object_mut().unwrap().remove("note");
    let order: Order = round_trip(value);
    assert_eq!(order.note, None, "absent");
    // Optional but not nullable: a null that a lax server sends reads as absent.
    let mut value = order_json();
    value["nickname"] = Value::Null;
    assert_eq!(serde_json::from_value::<Order>(value).unwrap().nickname, None);
}

#[test]
fn odd_enum_values_have_valid_names_and_unknown_values_a_catch_all() {
    for (status, text) in [
        (Status::Placed, "placed"),
        (Status::InTransit, "in-transit"),
        (Status::V2faRequired, "2fa_required"),
        (Status::Empty, ""),
        (Status::OnHold, "ON HOLD"),
        (Status::Other("returned".into()), "returned"),
    ] {
        assert_eq!(round_trip::<Status>(json!(text)), status);
    }
    // The catch-all does not reach a single-value enum (a const).
    assert!(serde_json::from_value::<OrderKind>(json!("invoice")).is_err());
}

#[test]
fn required_members_are_required() {
    let mut value = order_json();
    value.as_object_mut().unwrap().remove("total");
    let error = serde_json::from_value::<Order>(value).unwrap_err();
    assert!(error.to_string().contains("missing field `total`"), "{error}");
}

struct Orders;

impl Api for Orders {
    async fn put_order(&self, request: PutOrderRequest) -> Result<PutOrderResponse, HandlerError> {
        Ok(PutOrderResponse::Ok(request.body))
    }

    async fn orders_search_get(
        &self,
        request: OrdersSearchGetRequest,
    ) -> Result<OrdersSearchGetResponse, HandlerError> {
        let filter = request.filter.unwrap_or_default();
        Ok(OrdersSearchGetResponse::Ok(OrdersSearchGetOkBody { status: filter.status, min_total: filter.min_total }))
    }
}

#[test]
fn members_required_but_not_described_and_members_counted_are_kept() {
    // `respondent` is required but has no schema: a member of any JSON value, not dropped.
    let survey: Survey =
        round_trip(json!({"answer": "yes", "respondent": {"id": 7}, "comment": null, "asked_at": "noon"}));
    let _: (&String, &Value, &Option<Value>) = (&survey.answer, &survey.respondent, &survey.comment);
    // An optional member of any value keeps its null (absent stays absent), by name too.
    assert_eq!(survey.comment, Some(Value::Null));
    let named: Survey = round_trip(json!({"answer": "a", "respondent": 1, "context": null}));
    assert_eq!(named.context, Some(Value::Null));
    assert_eq!(round_trip::<Survey>(json!({"answer": "a", "respondent": 1, "x": 2})).comment, None);
    // minProperties counts the undeclared member, so it is kept.
    assert_eq!(survey.additional_properties["asked_at"], "noon");
    let missing = serde_json::from_value::<Survey>(json!({"answer": "yes", "comment": 1, "x": 2})).unwrap_err();
    assert!(missing.to_string().contains("respondent"), "{missing}");
}

#[test]
fn sized_and_unsigned_integer_formats_are_their_rust_types() {
    let counters: Counters = round_trip(json!({"total": u64::MAX, "small": 255, "delta": -32768}));
    let _: (u64, Option<u8>, Option<i16>) = (counters.total, counters.small, counters.delta);
    // Just outside each range is refused.
    for outside in [json!({"total": -1}), json!({"total": 0, "small": 256}), json!({"total": 0, "delta": 32768})] {
        assert!(serde_json::from_value::<Counters>(outside.clone()).is_err(), "{outside}");
    }
}

#[test]
fn members_named_by_pattern_are_kept() {
    // One pattern and no other members: typed by the pattern's schema.
    let scores: Scores = round_trip(json!({"score_math": 3, "score_art": 5}));
    let _: &std::collections::BTreeMap<String, i64> = &scores;
    assert!(serde_json::from_value::<Scores>(json!({"score_math": "3"})).is_err());
    // A pattern beside other members of another type: any JSON value, none refused or lost.
    let labels: Labels = round_trip(json!({"label_colour": "red", "size": 3}));
    assert_eq!(labels.len(), 2);
}

#[tokio::test]
async fn an_order_travels_both_ways() {
    let address = serve(router(Orders)).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    let order: Order = serde_json::from_value(order_json()).unwrap();
    let PutOrderResponse::Ok(stored) = client.put_order(PutOrderRequest { body: order.clone() }).await.unwrap();
    assert_eq!(stored, order);
}

#[tokio::test]
async fn a_deep_object_query_and_a_json_suffix_response() {
    let address = serve(router(Orders)).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    // An operation without an operationId is named from its path and method.
    let filter = OrdersSearchGetFilter { status: Some("placed".into()), min_total: Some(100) };
    let OrdersSearchGetResponse::Ok(echo) =
        client.orders_search_get(OrdersSearchGetRequest { filter: Some(filter) }).await.unwrap();
    assert_eq!((echo.status.as_deref(), echo.min_total), (Some("placed"), Some(100)));
    // On the wire: filter[status]=placed&filter[min_total]=100, answered as application/vnd.orders+json.
    let reply = reqwest::get(format!("http://{address}/orders/search?filter%5Bstatus%5D=sold&filter%5Bmin_total%5D=5"))
        .await
        .unwrap();
    assert_eq!(reply.headers()["content-type"], "application/vnd.orders+json");
    assert_eq!(reply.json::<Value>().await.unwrap(), json!({"status": "sold", "min_total": 5}));
}

#[tokio::test]
async fn a_server_refuses_values_its_spec_does_not_list() {
    let address = serve(router(Orders)).await;
    let mut order = order_json();
    order["status"] = json!("returned");
    let reply =
        e2e::send_raw("POST", &format!("http://{address}/orders"), Some("application/json"), &order.to_string()).await;
    e2e::assert_problem(&reply, 400);
    assert_eq!(reply.body["pointer"], "/status", "{}", reply.body);
    // While a client takes such a value from a response.
    let client = Client::with_base_url(&format!("http://{address}"));
    let stored: Order = serde_json::from_value(order_json()).unwrap();
    assert!(client.put_order(PutOrderRequest { body: stored }).await.is_ok());
}
