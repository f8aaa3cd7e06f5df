//! The runtime's `tracing` feature: one span per operation on the generated client and the
//! generated server, with OpenTelemetry's HTTP field names, events for retries and token
//! refreshes, and never a secret in any field or message. A subscriber written here records
//! every span, field and event as it arrives, so both what is there and what must not be are
//! checked against everything a subscriber could see.

use apigen_runtime::client::{Policy, Retry, TokenOptions, Tokens};
use apigen_runtime::http::StatusCode;
use apigen_runtime::server::axum::{routing::get, Router};
use e2e::protected::client::Client as ResourceClient;
use e2e::protected::operations::MeResponse;
use e2e::tokens::{forged_access_token, serve_resources, verifier};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A span or event as a subscriber saw it: its name, every field as its value's text, and
/// the span it belongs to.
#[derive(Clone, Debug)]
struct Seen {
    name: &'static str,
    fields: BTreeMap<&'static str, String>,
    parent: Option<u64>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

#[derive(Default)]
struct Log {
    spans: Vec<(Seen, &'static Metadata<'static>)>,
    events: Vec<Seen>,
}

/// Records everything, on the thread it is set as the default for (each test runs on one
/// thread: tokio's current-thread runtime, client and server alike).
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Log>>);

thread_local! {
    /// The spans entered on this thread, innermost last.
    static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

struct Fields<'a>(&'a mut BTreeMap<&'static str, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let parent = attributes.parent().map(Id::into_u64).or_else(|| {
            attributes.is_contextual().then(|| ENTERED.with(|entered| entered.borrow().last().copied())).flatten()
        });
        let mut seen = self.0.lock().unwrap();
        seen.spans.push((Seen { name: attributes.metadata().name(), fields, parent }, attributes.metadata()));
        Id::from_u64(seen.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut seen = self.0.lock().unwrap();
        let (span, _) = &mut seen.spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut span.fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let parent = event.parent().map(Id::into_u64).or_else(|| {
            event.is_contextual().then(|| ENTERED.with(|entered| entered.borrow().last().copied())).flatten()
        });
        self.0.lock().unwrap().events.push(Seen { name: event.metadata().name(), fields, parent });
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, span: &Id) {
        ENTERED.with(|entered| {
            let mut entered = entered.borrow_mut();
            if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
                entered.remove(at);
            }
        });
    }

    fn current_span(&self) -> tracing_core::span::Current {
        match ENTERED.with(|entered| entered.borrow().last().copied()) {
            Some(id) => {
                let metadata = self.0.lock().unwrap().spans[id as usize - 1].1;
                tracing_core::span::Current::new(Id::from_u64(id), metadata)
            }
            None => tracing_core::span::Current::none(),
        }
    }
}

impl Recorder {
    /// Sets this recorder as the thread's subscriber for as long as the guard lives.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        tracing::subscriber::set_default(self.clone())
    }

    fn spans(&self, name: &str) -> Vec<Seen> {
        self.0.lock().unwrap().spans.iter().map(|(span, _)| span).filter(|span| span.name == name).cloned().collect()
    }

    /// The id of a span `spans` returned (spans are never removed: an id is its place).
    fn id_of(&self, span: &Seen) -> Option<u64> {
        let log = self.0.lock().unwrap();
        let same = |(seen, _): &(Seen, _)| seen.name == span.name && seen.fields == span.fields;
        log.spans.iter().position(same).map(|at| at as u64 + 1)
    }

    fn events(&self) -> Vec<Seen> {
        self.0.lock().unwrap().events.clone()
    }

    /// Everything a subscriber was shown, as text.
    fn everything(&self) -> String {
        let seen = self.0.lock().unwrap();
        let spans = seen.spans.iter().map(|(span, _)| span);
        spans.chain(&seen.events).map(|seen| format!("{seen:?}\n")).collect()
    }

    fn assert_hidden(&self, secrets: &[&str]) {
        let everything = self.everything();
        for secret in secrets {
            assert!(!secret.is_empty() && !everything.contains(secret), "{secret:?} shows in:\n{everything}");
        }
    }
}

fn client_span_of(recorder: &Recorder, operation: &str) -> Vec<Seen> {
    recorder.spans("http.client").into_iter().filter(|span| span.field("operation.id") == Some(operation)).collect()
}

#[tokio::test]
async fn a_refused_token_is_traced_as_a_resend_a_refresh_and_two_server_spans_with_no_secret() {
    let recorder = Recorder::default();
    let _installed = recorder.install();
    // A token service (the Auth API v2 server) and a resource server that refuses the forged
    // token the source starts with.
    let service = token_service::TokenService::new(
        e2e::tokens::SECRET,
        e2e::tokens::SCOPE,
        token_service::Lifetimes { access: e2e::tokens::REFRESHED_LIFETIME, ..Default::default() },
    )
    .user("demo", "demo-secret");
    let address = e2e::serve(auth_api_v2::router(service)).await;
    let auth = auth_api_v2::Client::with_base_url(&format!("http://{address}/api/v2"));
    let login = auth_api_v2::types::AuthTokenRequest { api_key: "demo".into(), api_secret: "demo-secret".into() };
    let auth_api_v2::operations::AuthTokenCreateResponse::Created(pair) =
        auth.auth_token_create(auth_api_v2::operations::AuthTokenCreateRequest { body: Some(login) }).await.unwrap()
    else {
        panic!("login refused")
    };
    let forged = forged_access_token("demo");
    let source = auth
        .token_source(Tokens::new(forged.clone()).with_refresh(pair.refresh_token.clone()), TokenOptions::default());
    let resources = ResourceClient::with_base_url(&serve_resources(verifier()).await).with_oauth_tokens(source.clone());
    let MeResponse::Ok(me) = resources.me().await.unwrap();
    assert_eq!(me.subject, "demo");

    // The client's span of `me`: sent again once, answered 200.
    let [me_span] = client_span_of(&recorder, "me").try_into().expect("one client span of me");
    assert_eq!(me_span.field("otel.kind"), Some("client"));
    assert_eq!(me_span.field("otel.name"), Some("GET /me"));
    assert_eq!(me_span.field("http.request.method"), Some("GET"));
    assert_eq!(me_span.field("url.template"), Some("/me"));
    assert_eq!(me_span.field("server.address"), Some("127.0.0.1"));
    assert!(me_span.field("server.port").is_some_and(|port| port.parse::<u16>().is_ok()), "{me_span:?}");
    assert_eq!(me_span.field("http.request.resend_count"), Some("1"));
    assert_eq!(me_span.field("http.response.status_code"), Some("200"));
    assert_eq!(me_span.field("error.type"), None, "{me_span:?}");

    // The refresh, a call of its own (by the seed's operationId), inside the span of `me`, and
    // an event saying it rotated the refresh token.
    let refresh_spans = client_span_of(&recorder, "authTokenRefresh");
    assert_eq!(refresh_spans.len(), 1, "{refresh_spans:?}");
    assert_eq!(refresh_spans[0].field("url.template"), Some("/auth/refresh"));
    assert_eq!(refresh_spans[0].field("http.response.status_code"), Some("201"));
    let events = recorder.events();
    let refresh_event = events.iter().find(|event| event.field("token.refresh.outcome").is_some()).expect("event");
    assert_eq!(refresh_event.field("token.refresh.outcome"), Some("ok"), "{refresh_event:?}");
    assert_eq!(refresh_event.field("token.rotated"), Some("true"));
    let resend = events.iter().find(|event| event.field("message").is_some_and(|m| m.contains("refused"))).unwrap();
    assert_eq!(resend.parent, recorder.id_of(&me_span), "the resend is told inside the span of me");
    assert_eq!(refresh_spans[0].parent, recorder.id_of(&me_span), "the refresh runs inside the span of me");

    // The resource server's spans: the refused request and the one that passed, by route.
    let served: Vec<_> =
        recorder.spans("http.server").into_iter().filter(|span| span.field("operation.id") == Some("me")).collect();
    let statuses: Vec<_> = served.iter().map(|span| span.field("http.response.status_code")).collect();
    assert_eq!(statuses, [Some("401"), Some("200")], "{served:?}");
    for span in &served {
        assert_eq!(span.field("otel.kind"), Some("server"));
        assert_eq!(span.field("otel.name"), Some("GET /me"));
        assert_eq!(span.field("http.route"), Some("/me"));
        assert_eq!(span.field("http.request.method"), Some("GET"));
        assert_eq!(span.field("network.protocol.version"), Some("1.1"));
        assert!(span.field("server.address").is_some_and(|host| host.starts_with("127.0.0.1:")), "{span:?}");
        // A 4xx is the client's fault, not the server's.
        assert_eq!(span.field("error.type"), None, "{span:?}");
    }
    // The token service's span of the refresh, with its base path.
    let token_spans: Vec<_> = recorder
        .spans("http.server")
        .into_iter()
        .filter(|span| span.field("operation.id") == Some("authTokenRefresh"))
        .collect();
    assert_eq!(token_spans.len(), 1);
    assert_eq!(token_spans[0].field("http.route"), Some("/api/v2/auth/refresh"));

    // No secret anywhere: not the forged token, the login's secret, the first refresh token,
    // nor the tokens the refresh gave.
    let now = source.tokens();
    let refreshed_access = now.access.secret().to_owned();
    let rotated_refresh = now.refresh.as_ref().unwrap().secret().to_owned();
    assert_ne!(rotated_refresh, pair.refresh_token);
    recorder.assert_hidden(&[
        &forged,
        "demo-secret",
        &pair.access_token,
        &pair.refresh_token,
        &refreshed_access,
        &rotated_refresh,
    ]);
}

#[tokio::test]
async fn each_retry_is_an_event_and_the_span_counts_the_resends() {
    let recorder = Recorder::default();
    let _installed = recorder.install();
    // Twice unavailable, then the answer.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let router = Router::new().route(
        "/me",
        get(move || {
            let call = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                match call {
                    0 | 1 => (StatusCode::SERVICE_UNAVAILABLE, [("content-type", "text/plain")], String::new()),
                    _ => (StatusCode::OK, [("content-type", "application/json")], r#"{"subject":"x"}"#.to_owned()),
                }
            }
        }),
    );
    let address = e2e::serve_fake(router).await;
    let secret = "eyJ-fixed-bearer-secret";
    let client = ResourceClient::with_base_url(&format!("http://{address}"))
        .with_policy(Policy::default().retry(Retry::default().backoff(Duration::from_millis(1))))
        .with_oauth(secret);
    let MeResponse::Ok(me) = client.me().await.unwrap();
    assert_eq!(me.subject, "x");
    let [span] = client_span_of(&recorder, "me").try_into().expect("one span for the call and its retries");
    assert_eq!(span.field("http.request.resend_count"), Some("2"));
    assert_eq!(span.field("http.response.status_code"), Some("200"));
    let retries: Vec<_> =
        recorder.events().into_iter().filter(|event| event.field("message") == Some("retrying")).collect();
    let told: Vec<_> =
        retries.iter().map(|event| (event.field("http.request.resend_count"), event.field("cause"))).collect();
    assert_eq!(told, [(Some("1"), Some("503")), (Some("2"), Some("503"))]);
    assert!(retries.iter().all(|event| event.field("pause_ms").is_some()));
    recorder.assert_hidden(&[secret]);
}

#[tokio::test]
async fn a_failure_with_no_response_and_an_undocumented_status_name_their_error_type() {
    let recorder = Recorder::default();
    let _installed = recorder.install();
    // Nothing listens on the port of a listener just dropped.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let client = ResourceClient::with_base_url(&format!("http://{closed}"))
        .with_policy(Policy::default().retry(Retry::never()))
        .with_oauth("eyJ-unsent");
    assert!(client.me().await.is_err());
    let router = Router::new().route("/me", get(|| async { (StatusCode::IM_A_TEAPOT, "no") }));
    let address = e2e::serve_fake(router).await;
    let client = ResourceClient::with_base_url(&format!("http://{address}")).with_oauth("eyJ-sent");
    assert!(client.me().await.is_err());
    let spans = client_span_of(&recorder, "me");
    let outcomes: Vec<_> =
        spans.iter().map(|span| (span.field("http.response.status_code"), span.field("error.type"))).collect();
    assert_eq!(outcomes, [(None, Some("connect")), (Some("418"), Some("418"))], "{spans:?}");
    recorder.assert_hidden(&["eyJ-unsent", "eyJ-sent"]);
}

#[tokio::test]
async fn the_server_traces_a_refusal_and_an_unknown_path_with_their_status() {
    let recorder = Recorder::default();
    let _installed = recorder.install();
    let base = serve_resources(verifier()).await;
    let bearer = "eyJ-not-a-token-at-all";
    let refused =
        e2e::send_raw_with("GET", &format!("{base}/me"), &[("authorization", &format!("Bearer {bearer}"))], "").await;
    assert_eq!(refused.status, 401);
    let unknown = e2e::send_raw_with("GET", &format!("{base}/nowhere?api_key=s3cr3t-in-a-query"), &[], "").await;
    assert_eq!(unknown.status, 404);
    let spans = recorder.spans("http.server");
    let seen: Vec<_> = spans
        .iter()
        .map(|span| {
            (
                span.field("otel.name"),
                span.field("http.route"),
                span.field("operation.id"),
                span.field("http.response.status_code"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(Some("GET /me"), Some("/me"), Some("me"), Some("401")), (Some("GET"), None, None, Some("404"))],
        "{spans:?}"
    );
    recorder.assert_hidden(&[bearer, "s3cr3t-in-a-query", "/nowhere"]);
}

#[tokio::test]
async fn methods_axum_has_no_slot_for_are_traced_by_their_route() {
    let recorder = Recorder::default();
    let _installed = recorder.install();
    let address = e2e::serve(e2e::methods::server::router(e2e::reference::Documents::default())).await;
    let json = [("content-type", "application/json")];
    let queried =
        e2e::send_raw_with("QUERY", &format!("http://{address}/documents"), &json, r#"{"tag":"notes"}"#).await;
    assert_eq!(queried.status, 200);
    let linked = e2e::send_raw_with("LINK", &format!("http://{address}/documents/1"), &json, r#"{"target":2}"#).await;
    assert_eq!(linked.status, 204);
    let unknown = e2e::send_raw_with("PURGE", &format!("http://{address}/documents/1"), &[], "").await;
    assert_eq!(unknown.status, 405);
    let spans = recorder.spans("http.server");
    let seen: Vec<_> = spans
        .iter()
        .map(|span| (span.field("otel.name"), span.field("operation.id"), span.field("http.response.status_code")))
        .collect();
    assert_eq!(
        seen,
        [
            (Some("QUERY /documents"), Some("queryDocuments"), Some("200")),
            (Some("LINK /documents/{id}"), Some("linkDocument"), Some("204")),
            // The path is known, the method is not: the route, no operation.
            (Some("PURGE /documents/{id}"), None, Some("405")),
        ],
        "{spans:?}"
    );
}

#[tokio::test]
async fn a_panic_is_a_server_error_and_a_router_with_no_route_still_traces() {
    struct Panics;
    impl e2e::protected::server::Api for Panics {
        type Claims = apigen_runtime::jwt::Claims;
        async fn me(&self, _: Self::Claims) -> Result<MeResponse, apigen_runtime::server::HandlerError> {
            panic!("the method failed")
        }
        async fn greeting(
            &self,
            _: Option<Self::Claims>,
        ) -> Result<e2e::protected::operations::GreetingResponse, apigen_runtime::server::HandlerError> {
            panic!("the method failed")
        }
    }
    let recorder = Recorder::default();
    let _installed = recorder.install();
    let address = e2e::serve(e2e::protected::server::router(Panics, verifier())).await;
    let answered = e2e::send_raw("GET", &format!("http://{address}/greeting"), None, "").await;
    assert_eq!(answered.status, 500);
    let empty = e2e::serve_fake(apigen_runtime::server::finish(Router::new())).await;
    assert_eq!(e2e::send_raw("GET", &format!("http://{empty}/anything"), None, "").await.status, 404);
    let spans = recorder.spans("http.server");
    let seen: Vec<_> =
        spans.iter().map(|span| (span.field("http.response.status_code"), span.field("error.type"))).collect();
    assert_eq!(seen, [(Some("500"), Some("500")), (Some("404"), None)], "{spans:?}");
    assert_eq!(spans[0].field("operation.id"), Some("greeting"));
}
