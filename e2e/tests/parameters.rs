//! Every parameter location and style, every body media kind, status ranges, `default` and
//! response headers, through the generated client and server together.

use apigen_runtime::server::HandlerError;
use apigen_runtime::Bytes;
use e2e::parameters::client::Client;
use e2e::parameters::operations::*;
use e2e::parameters::server::{router, Api};
use e2e::parameters::types::{Echo, Form, GetItemClientErrorBody, GetItemSort, Note};
use e2e::{assert_problem, send_raw, serve};

struct Service;

impl Api for Service {
    async fn get_item(&self, request: GetItemRequest) -> Result<GetItemResponse, HandlerError> {
        if request.id == 404 {
            let body = GetItemClientErrorBody { reason: Some("no such item".into()) };
            return Ok(GetItemResponse::ClientError { status: 404, body });
        }
        if request.id == 0 {
            return Ok(GetItemResponse::Default { status: 503 });
        }
        let echo = Echo {
            id: request.id,
            limit: request.limit,
            tags: request.tags,
            ids: request.ids,
            pipes: request.pipes,
            sort: request.sort.map(|sort| format!("{sort:?}")),
            trace: request.x_trace,
            flags: request.x_flags,
            session: request.session,
        };
        Ok(GetItemResponse::Ok { body: echo, x_rate_remaining: Some(41) })
    }

    async fn post_note(&self, request: PostNoteRequest) -> Result<PostNoteResponse, HandlerError> {
        let stored = match request.body {
            PostNoteRequestBody::Json(note) => format!("json:{}", note.text),
            PostNoteRequestBody::Form(form) => format!("form:{}x{}", form.text, form.count),
            PostNoteRequestBody::Text(text) => format!("text:{text}"),
        };
        Ok(PostNoteResponse::Created(stored))
    }

    async fn put_blob(&self, request: PutBlobRequest) -> Result<PutBlobResponse, HandlerError> {
        let body = request.body.unwrap_or_default().collect(1 << 20).await?;
        let status = if body.is_empty() { 204 } else { 201 };
        Ok(PutBlobResponse::Success { status, body: body.into() })
    }
}

async fn start() -> (Client, String) {
    let address = serve(router(Service)).await;
    let base = format!("http://{address}");
    (Client::with_base_url(&base), base)
}

#[tokio::test]
async fn parameters_in_every_location_round_trip() {
    let (client, _) = start().await;
    let request = GetItemRequest {
        id: 7,
        tags: Some(vec!["a b".into(), "c&d".into()]),
        ids: Some(vec![1, 2, 3]),
        pipes: Some(vec!["x".into(), "y".into()]),
        limit: 10,
        sort: Some(GetItemSort::Desc),
        x_trace: Some("trace-1".into()),
        x_flags: Some(vec![true, false]),
        session: Some("s3ss10n".into()),
    };
    let GetItemResponse::Ok { body, x_rate_remaining } = client.get_item(request).await.unwrap() else {
        panic!("expected 200");
    };
    assert_eq!(x_rate_remaining, Some(41));
    assert_eq!(
        body,
        Echo {
            id: 7,
            limit: 10,
            tags: Some(vec!["a b".into(), "c&d".into()]),
            ids: Some(vec![1, 2, 3]),
            pipes: Some(vec!["x".into(), "y".into()]),
            sort: Some("Desc".into()),
            trace: Some("trace-1".into()),
            flags: Some(vec![true, false]),
            session: Some("s3ss10n".into()),
        }
    );
    // Absent optional parameters stay absent.
    let minimal = GetItemRequest {
        id: 1,
        tags: None,
        ids: None,
        pipes: None,
        limit: 0,
        sort: None,
        x_trace: None,
        x_flags: None,
        session: None,
    };
    let GetItemResponse::Ok { body, .. } = client.get_item(minimal).await.unwrap() else { panic!("expected 200") };
    assert_eq!((body.tags, body.trace, body.session), (None, None, None));
}

#[tokio::test]
async fn ranges_and_default_carry_their_status() {
    let (client, _) = start().await;
    let request = |id| GetItemRequest {
        id,
        tags: None,
        ids: None,
        pipes: None,
        limit: 1,
        sort: None,
        x_trace: None,
        x_flags: None,
        session: None,
    };
    match client.get_item(request(404)).await.unwrap() {
        GetItemResponse::ClientError { status, body } => {
            assert_eq!(status, 404);
            assert_eq!(body.reason.as_deref(), Some("no such item"));
        }
        other => panic!("expected 4XX, got {other:?}"),
    }
    assert_eq!(client.get_item(request(0)).await.unwrap(), GetItemResponse::Default { status: 503 });
}

#[tokio::test]
async fn bodies_in_every_media_kind() {
    let (client, _) = start().await;
    let post = |body| PostNoteRequest { body };
    let json = client.post_note(post(PostNoteRequestBody::Json(Note { text: "hi".into() }))).await.unwrap();
    assert_eq!(json, PostNoteResponse::Created("json:hi".into()));
    let form = client.post_note(post(PostNoteRequestBody::Form(Form { text: "a b".into(), count: 3 }))).await.unwrap();
    assert_eq!(form, PostNoteResponse::Created("form:a bx3".into()));
    let text = client.post_note(post(PostNoteRequestBody::Text("plain".into()))).await.unwrap();
    assert_eq!(text, PostNoteResponse::Created("text:plain".into()));

    let blob = Bytes::from_static(&[0, 159, 146, 150]);
    let PutBlobResponse::Success { status, body } =
        client.put_blob(PutBlobRequest { body: Some(blob.clone().into()) }).await.unwrap();
    assert_eq!((status, body.collect(1024).await.unwrap()), (201, blob));
    let PutBlobResponse::Success { status, body } = client.put_blob(PutBlobRequest { body: None }).await.unwrap();
    assert_eq!((status, body.collect(1024).await.unwrap()), (204, Bytes::new()));
}

#[tokio::test]
async fn bad_parameters_are_problems_naming_them() {
    let (_, base) = start().await;
    let reply = send_raw("GET", &format!("{base}/items/7"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "limit");

    let reply = send_raw("GET", &format!("{base}/items/seven?limit=1"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "id");

    let reply = send_raw("GET", &format!("{base}/items/7?limit=ten"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "limit");

    let reply = send_raw("GET", &format!("{base}/items/7?limit=1&sort=sideways"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "sort");

    let reply = send_raw("GET", &format!("{base}/items/7?limit=1&ids=1,x"), None, "").await;
    assert_problem(&reply, 400);
    assert_eq!(reply.body["parameter"], "ids");

    let reply = send_raw("POST", &format!("{base}/notes"), Some("application/x-www-form-urlencoded"), "text=a").await;
    assert_problem(&reply, 400);

    let reply = send_raw("POST", &format!("{base}/notes"), Some("application/xml"), "<note/>").await;
    assert_problem(&reply, 415);
}
