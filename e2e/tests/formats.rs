//! String formats as typed values, checked from outside: requests written by hand from
//! `e2e/specs/formats.yaml` with values as Python writes them (`datetime.isoformat()`,
//! `str(uuid)`, `base64.b64encode`), which must come back byte for byte, and values just
//! outside each format, which the server refuses naming where they stand. openapi-core judges
//! every one of these exchanges again (e2e/exchanges-oracle.sh).

use apigen_runtime::formats::{Base64Bytes, Date, DateTime, Uuid};
use e2e::formats::client::Client;
use e2e::formats::operations::{PutEventRequest, PutEventResponse};
use e2e::formats::server::router;
use e2e::formats::types::Event;
use e2e::reference::Events;
use serde_json::{json, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

async fn base() -> String {
    format!("http://{}", e2e::serve(router(Events)).await)
}

const ID: &str = "5f0c3a1e-7d4b-4c2a-9e8f-1a2b3c4d5e6f";

/// An event as Python's `json.dumps` writes one built from `datetime`, `uuid` and `base64`.
fn python_event() -> Value {
    json!({
        "id": ID,
        "at": "2026-12-01T10:20:30.250000+05:30",
        "payload": "AAEC/f7/",
        "attendees": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"],
        "history": {"created": "1999-12-31T23:59:59+00:00", "opened": "2026-01-02T03:04:05.000001-08:00"},
        "cancelled_at": null,
        "host": "example.org",
        "contact": "\"Ada L\"@example.org",
        "link": "https://example.org/a?b=%20#c",
        "path": "../a/b?c"
    })
}

async fn put(url: &str, headers: &[(&str, &str)], body: &str) -> (u16, String, Option<String>) {
    let mut request = reqwest::Client::new().put(url).header("content-type", "application/json").body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("loopback request");
    let status = response.status().as_u16();
    let stored_at = response.headers().get("x-stored-at").map(|value| value.to_str().unwrap().to_owned());
    (status, response.text().await.unwrap(), stored_at)
}

#[tokio::test]
async fn values_another_implementation_wrote_come_back_byte_for_byte() {
    let base = base().await;
    let sent = python_event();
    let url = format!("{base}/events/{ID}?since=2026-11-30T00:00:00Z&days=2026-12-01,2026-12-02");
    let (status, text, stored_at) = put(&url, &[("X-Origin", "192.0.2.7")], &sent.to_string()).await;
    assert_eq!(status, 200, "{text}");
    let back: Value = serde_json::from_str(&text).unwrap();
    for (member, value) in sent.as_object().unwrap() {
        assert_eq!(&back[member], value, "{member}: {text}");
    }
    // The values the server set came from typed parameters, written back in their format.
    assert_eq!(back["day"], "2026-12-02");
    assert_eq!(back["source"], "::ffff:192.0.2.7");
    assert_eq!(stored_at.as_deref(), Some("2026-11-30T00:00:00Z"));
}

#[tokio::test]
async fn a_value_outside_its_format_is_refused_naming_where_it_stands() {
    let base = base().await;
    let good = python_event().to_string();
    let since = "since=2026-11-30T00:00:00Z";
    let no_headers: &[(&str, &str)] = &[];
    let cases = [
        // A uuid of 31 hex digits.
        (format!("{base}/events/5f0c3a1e-7d4b-4c2a-9e8f-1a2b3c4d5e6?{since}"), no_headers, "id"),
        // A space instead of `T`, no offset: not RFC 3339's date-time.
        (format!("{base}/events/{ID}?since=2026-11-30%2000:00:00Z"), no_headers, "since"),
        (format!("{base}/events/{ID}?since=2026-11-30T00:00:00"), no_headers, "since"),
        // February the 30th.
        (format!("{base}/events/{ID}?{since}&days=2026-12-01,2026-02-30"), no_headers, "days"),
        (format!("{base}/events/{ID}?{since}"), &[("X-Origin", "192.0.2.256")], "X-Origin"),
    ];
    for (url, headers, named) in cases {
        let (status, text, _) = put(&url, headers, &good).await;
        assert_eq!(status, 400, "{url}: {text}");
        assert!(text.contains(named), "{url}: {text}");
    }
    let url = format!("{base}/events/{ID}?{since}");
    for (member, value, pointer) in [
        ("at", json!("2026-12-01T10:20:30+05:30:00"), "/at"),
        ("payload", json!("AAEC_f7_"), "/payload"),
        ("payload", json!("AAEC/f7"), "/payload"),
        ("attendees", json!([ID, "not-a-uuid"]), "/attendees/1"),
        ("history", json!({"created": "1999-12-31T24:00:00Z"}), "/history/created"),
        // The formats that stay strings, checked all the same.
        ("host", json!("-example.org"), "/host"),
        ("host", json!("a..org"), "/host"),
        ("contact", json!("example.org"), "/contact"),
        ("link", json!("//example.org/a"), "/link"),
        ("link", json!("https://example.org/a b"), "/link"),
        ("path", json!("a%2"), "/path"),
    ] {
        let mut event = python_event();
        event[member] = value;
        let (status, text, _) = put(&url, &[], &event.to_string()).await;
        assert_eq!(status, 400, "{member}: {text}");
        let problem: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["pointer"], pointer, "{text}");
    }
}

#[tokio::test]
async fn the_client_sends_and_reads_typed_values() {
    let client = Client::with_base_url(&base().await);
    let id: Uuid = ID.parse().unwrap();
    let at = DateTime::parse("2026-12-01T10:20:30.5-03:00").unwrap();
    let since: DateTime = chrono_utc(1_795_000_000);
    let body = Event {
        id,
        at,
        day: None,
        payload: Some(Base64Bytes::from(vec![0, 1, 2, 253, 254, 255])),
        source: None,
        attendees: Some(vec![Uuid::nil()]),
        history: None,
        cancelled_at: Some(None),
        host: Some("example.org".to_owned()),
        contact: None,
        link: Some("urn:isbn:0451450523".to_owned()),
        path: None,
    };
    let days: Vec<Date> = vec!["2026-02-28".parse().unwrap()];
    let request = PutEventRequest {
        id,
        since,
        days: Some(days.clone()),
        x_origin: Some(Ipv4Addr::new(192, 0, 2, 7)),
        body: body.clone(),
    };
    let PutEventResponse::Ok { body: back, x_stored_at } = client.put_event(request).await.unwrap() else {
        panic!("the event is refused")
    };
    assert_eq!(back, Event { day: Some(days[0]), source: Some(Ipv4Addr::new(192, 0, 2, 7).to_ipv6_mapped()), ..body });
    assert_eq!(back.at.to_string(), "2026-12-01T10:20:30.5-03:00");
    assert_eq!(x_stored_at, Some(since));
    let _: Option<Ipv6Addr> = back.source;
}

fn chrono_utc(seconds: i64) -> DateTime {
    apigen_runtime::chrono::DateTime::from_timestamp(seconds, 0).unwrap().into()
}
