//! Streamed bodies: server-sent events, JSON Lines, JSON text sequences and byte streams,
//! through the generated client and server together, and the client against a server of
//! raw socket writes (not our code) that frames events as the WHATWG standard allows.

use apigen_runtime::client::{Policy, Retry};
use apigen_runtime::server::{with_limits, HandlerError, Limits};
use apigen_runtime::stream::{StreamError, StreamExt};
use apigen_runtime::{ByteStream, Bytes, Event, EventStream, ItemStream};
use e2e::serve;
use e2e::streaming::client::Client;
use e2e::streaming::operations::*;
use e2e::streaming::server::{router, Api};
use e2e::streaming::types::{Chunk, Completion, CompletionRequest, Failure, Received, Record, Tick};
use futures_util::stream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Default)]
struct Service {
    /// Set when a tick stream's producer is dropped.
    ticks_dropped: Arc<AtomicBool>,
}

/// Sets its flag when dropped: the producer of a stream the server stopped writing.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Api for Service {
    async fn create_completion(
        &self,
        request: CreateCompletionRequest,
    ) -> Result<CreateCompletionResponse, HandlerError> {
        let CompletionRequest { prompt, stream } = request.body;
        if prompt == "fail" {
            return Ok(CreateCompletionResponse::UnprocessableEntity(Failure { message: "no".into() }));
        }
        let words: Vec<String> = prompt.split(' ').map(str::to_owned).collect();
        let x_request_id = Some("r-1".to_owned());
        if !stream {
            return Ok(CreateCompletionResponse::Ok { body: Completion { text: words.concat() }, x_request_id });
        }
        let events =
            words.into_iter().enumerate().map(|(index, delta)| Event::new(Chunk { index: index as i64, delta }));
        Ok(CreateCompletionResponse::OkEvents { body: events.collect(), x_request_id })
    }

    async fn stream_ticks(&self, request: StreamTicksRequest) -> Result<StreamTicksResponse, HandlerError> {
        let flag = DropFlag(self.ticks_dropped.clone());
        // Made one by one as the server writes them.
        let ticks = stream::iter(0..request.count).map(move |n| {
            let _alive = &flag;
            Event::new(Tick { n }).with_id(n.to_string())
        });
        Ok(StreamTicksResponse::Ok(EventStream::new(ticks)))
    }

    async fn stream_log(&self) -> Result<StreamLogResponse, HandlerError> {
        let lines = ["first", "second\nhas two lines", "", "third"];
        Ok(StreamLogResponse::Ok(lines.into_iter().map(|line| Event::new(line.to_owned()).with_event("log")).collect()))
    }

    async fn list_records(&self, request: ListRecordsRequest) -> Result<ListRecordsResponse, HandlerError> {
        let records = (0..request.count).map(|id| Record { id, name: format!("record {id}") });
        Ok(ListRecordsResponse::Ok(records.collect()))
    }

    async fn list_record_sequence(&self) -> Result<ListRecordSequenceResponse, HandlerError> {
        let records = (0..3).map(|id| Record { id, name: format!("line\nbreak {id}") });
        Ok(ListRecordSequenceResponse::Ok(records.collect()))
    }

    async fn download(&self, request: DownloadRequest) -> Result<DownloadResponse, HandlerError> {
        Ok(DownloadResponse::Ok(chunks_of(request.size as usize)))
    }

    async fn import_records(&self, request: ImportRecordsRequest) -> Result<ImportRecordsResponse, HandlerError> {
        e2e::reference::import_records(request.body).await
    }

    async fn upload(&self, request: UploadRequest) -> Result<UploadResponse, HandlerError> {
        let mut body = request.body;
        let (mut bytes, mut chunks) = (0, 0);
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => {
                    bytes += chunk.len() as i64;
                    chunks += 1;
                }
                Err(StreamError::TooLarge { limit }) => {
                    let message = format!("more than {limit} bytes");
                    return Ok(UploadResponse::PayloadTooLarge(Failure { message }));
                }
                Err(error) => return Err(error.into()),
            }
        }
        Ok(UploadResponse::Ok(Received { bytes, chunks }))
    }
}

/// `size` bytes in chunks of 64 KiB, made as they are written.
fn chunks_of(size: usize) -> ByteStream {
    const CHUNK: usize = 64 * 1024;
    let chunk = Bytes::from(vec![7u8; CHUNK]);
    ByteStream::new(stream::unfold(size, move |left| {
        let take = left.min(CHUNK);
        let next = (take > 0).then(|| (chunk.slice(..take), left - take));
        std::future::ready(next)
    }))
}

async fn start() -> (Client, Arc<AtomicBool>) {
    let service = Service::default();
    let dropped = service.ticks_dropped.clone();
    // Uploads up to 16 MiB; the default (2 MiB) holds in `an_upload_past_the_limit_is_refused`.
    let address = serve(with_limits(router(service), Limits::default().body_bytes(16 << 20))).await;
    (Client::with_base_url(&format!("http://{address}")), dropped)
}

#[tokio::test]
async fn ten_thousand_events_arrive_in_order() {
    let (client, _) = start().await;
    let StreamTicksResponse::Ok(mut events) = client.stream_ticks(StreamTicksRequest { count: 10_000 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let mut expected = 0;
    while let Some(event) = events.next().await {
        let event = event.unwrap();
        assert_eq!(event.data, Tick { n: expected });
        assert_eq!(event.id.as_deref(), Some(expected.to_string().as_str()));
        expected += 1;
    }
    assert_eq!(expected, 10_000);
}

#[tokio::test]
async fn a_dropped_stream_ends_the_servers_producer() {
    let (client, dropped) = start().await;
    // A million ticks: were the body read whole, the first would take the whole stream.
    let StreamTicksResponse::Ok(events) = client.stream_ticks(StreamTicksRequest { count: 1_000_000 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let first: Vec<_> = events.take(3).map(|event| event.unwrap().data.n).collect().await;
    assert_eq!(first, [0, 1, 2]);
    for _ in 0..200 {
        if dropped.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server still produces ticks for a client that left");
}

#[tokio::test]
async fn one_status_answers_json_or_events_and_the_sentinel_ends_them() {
    let (client, _) = start().await;
    let whole = |stream| CreateCompletionRequest { body: CompletionRequest { prompt: "a b c".into(), stream } };
    match client.create_completion(whole(false)).await.unwrap() {
        CreateCompletionResponse::Ok { body, x_request_id } => {
            assert_eq!(body, Completion { text: "abc".into() });
            assert_eq!(x_request_id.as_deref(), Some("r-1"));
        }
        other => panic!("expected JSON, got {other:?}"),
    }
    match client.create_completion(whole(true)).await.unwrap() {
        CreateCompletionResponse::OkEvents { body, x_request_id } => {
            assert_eq!(x_request_id.as_deref(), Some("r-1"));
            let deltas: Vec<String> = body.map(|event| event.unwrap().data.delta).collect().await;
            assert_eq!(deltas, ["a", "b", "c"]);
        }
        other => panic!("expected events, got {other:?}"),
    }
    let failed = CreateCompletionRequest { body: CompletionRequest { prompt: "fail".into(), stream: true } };
    match client.create_completion(failed).await.unwrap() {
        CreateCompletionResponse::UnprocessableEntity(failure) => assert_eq!(failure.message, "no"),
        other => panic!("expected 422, got {other:?}"),
    }
}

#[tokio::test]
async fn text_events_keep_their_lines_and_names() {
    let (client, _) = start().await;
    let StreamLogResponse::Ok(events) = client.stream_log().await.unwrap();
    let events: Vec<Event<String>> = events.map(Result::unwrap).collect().await;
    let data: Vec<&str> = events.iter().map(|event| event.data.as_str()).collect();
    assert_eq!(data, ["first", "second\nhas two lines", "", "third"], "an empty text is an event too");
    assert!(events.iter().all(|event| event.event.as_deref() == Some("log")));
}

#[tokio::test]
async fn json_lines_and_sequences_stream_records() {
    let (client, _) = start().await;
    let ListRecordsResponse::Ok(records) = client.list_records(ListRecordsRequest { count: 1000 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let ids: Vec<i64> = records.map(|record| record.unwrap().id).collect().await;
    assert_eq!(ids, (0..1000).collect::<Vec<_>>());
    let ListRecordSequenceResponse::Ok(records) = client.list_record_sequence().await.unwrap();
    let names: Vec<String> = records.map(|record| record.unwrap().name).collect().await;
    assert_eq!(names, ["line\nbreak 0", "line\nbreak 1", "line\nbreak 2"]);
}

#[tokio::test]
async fn a_download_arrives_in_chunks() {
    let (client, _) = start().await;
    let size = 8 * 1024 * 1024 + 5;
    let DownloadResponse::Ok(mut body) = client.download(DownloadRequest { size }).await.unwrap() else {
        panic!("expected the stream");
    };
    let (mut total, mut chunks) = (0usize, 0usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.iter().all(|byte| *byte == 7));
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total as i64, size);
    assert!(chunks > 1, "the body came in one piece");
}

/// Serves one connection: reads the request head, then writes `head` and `body` a byte at a
/// time, flushing each, and keeps the connection open for `linger` when given.
async fn raw_server(head: &'static str, body: Vec<u8>, linger: Option<Duration>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        if read_head(&mut socket).await.is_none() {
            return;
        }
        socket.write_all(head.as_bytes()).await.unwrap();
        for byte in body {
            if socket.write_all(&[byte]).await.is_err() {
                return;
            }
            socket.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        if let Some(linger) = linger {
            tokio::time::sleep(linger).await;
        }
    });
    format!("http://{address}")
}

/// Reads a request's head (to its blank line); `None` when the client left first.
async fn read_head(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        let read = socket.read(&mut buffer).await.ok().filter(|read| *read > 0)?;
        head.extend_from_slice(&buffer[..read]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

const EVENT_STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";

#[tokio::test]
async fn a_hand_framed_stream_decodes_byte_by_byte() {
    // A BOM, CRLF, CR and LF line ends, comments, a multi-line data, an id that persists, a
    // retry, a field without a colon, an event with no data (dropped), and a last event that
    // is never terminated (dropped, as the standard says).
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend_from_slice(
        b": a comment\r\nevent: log\r\ndata: one\r\ndata:two\r\nid: 7\r\n\r\n\
          data: three\rretry: 1500\r\r\
          : keep-alive\n\nevent: empty\n\n\
          data\ndata:  four\n\n\
          data: never ends",
    );
    let url = raw_server(EVENT_STREAM_HEAD, body, None).await;
    let StreamLogResponse::Ok(events) = Client::with_base_url(&url).stream_log().await.unwrap();
    let events: Vec<Event<String>> = events.map(Result::unwrap).collect().await;
    assert_eq!(
        events,
        [
            Event::new("one\ntwo".to_owned()).with_event("log").with_id("7"),
            Event::new("three".to_owned()).with_id("7").with_retry(Duration::from_millis(1500)),
            Event::new("\n four".to_owned()).with_id("7"),
        ]
    );
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_and_the_stream_goes_on() {
    let body = b"data: {\"n\": 1}\n\ndata: {\"n\": \"two\"}\n\ndata: {\"n\": 3}\n\n".to_vec();
    let url = raw_server(EVENT_STREAM_HEAD, body, None).await;
    let StreamTicksResponse::Ok(events) =
        Client::with_base_url(&url).stream_ticks(StreamTicksRequest { count: 3 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let events: Vec<Result<Event<Tick>, StreamError>> = events.collect().await;
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].as_ref().unwrap().data, Tick { n: 1 });
    match &events[1] {
        Err(StreamError::Decode { data, .. }) => assert_eq!(data, "{\"n\": \"two\"}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert_eq!(events[2].as_ref().unwrap().data, Tick { n: 3 });
}

#[tokio::test]
async fn the_sentinel_ends_a_stream_the_server_keeps_open() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nx-request-id: raw\r\n\r\n";
    let body = b"data: {\"index\": 0, \"delta\": \"hi\"}\n\ndata: [DONE]\n\n".to_vec();
    // The server never closes within the test: only the sentinel can end the stream.
    let url = raw_server(head, body, Some(Duration::from_secs(60))).await;
    let request = CreateCompletionRequest { body: CompletionRequest { prompt: "x".into(), stream: true } };
    let CreateCompletionResponse::OkEvents { body, x_request_id } =
        Client::with_base_url(&url).create_completion(request).await.unwrap()
    else {
        panic!("expected events");
    };
    assert_eq!(x_request_id.as_deref(), Some("raw"));
    let events =
        tokio::time::timeout(Duration::from_secs(10), body.collect::<Vec<_>>()).await.expect("the sentinel ended it");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].as_ref().unwrap().data, Chunk { index: 0, delta: "hi".into() });
}

#[tokio::test]
async fn an_event_past_the_bound_ends_the_stream() {
    let mut body = b"data: {\"n\": 1}\n\ndata: ".to_vec();
    body.extend(std::iter::repeat_n(b'9', 2048));
    body.extend_from_slice(b"\n\ndata: {\"n\": 3}\n\n");
    let url = raw_server(EVENT_STREAM_HEAD, body, None).await;
    let client = Client::with_base_url(&url).with_policy(Policy::default().max_item_bytes(1024));
    let StreamTicksResponse::Ok(events) = client.stream_ticks(StreamTicksRequest { count: 3 }).await.unwrap() else {
        panic!("expected the stream");
    };
    let events: Vec<Result<Event<Tick>, StreamError>> = events.collect().await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(matches!(events[1], Err(StreamError::TooLarge { limit: 1024 })), "{events:?}");
}

#[tokio::test]
async fn an_undocumented_status_of_a_streamed_operation_is_read_whole() {
    let head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\n";
    let url = raw_server(head, b"busy".to_vec(), None).await;
    // One connection only: a retry of the 503 would find no server.
    let client = Client::with_base_url(&url).with_policy(Policy::default().retry(Retry::never()));
    let error = client.stream_ticks(StreamTicksRequest { count: 1 }).await.unwrap_err();
    let apigen_runtime::client::Error::UnexpectedStatus(response) = error else { panic!("{error:?}") };
    assert_eq!((response.status.as_u16(), &response.body[..]), (503, &b"busy"[..]));
}

#[tokio::test]
async fn items_stream_from_a_hand_written_server() {
    // CRLF line ends and blank lines between texts, as JSON Lines writers do.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\nconnection: close\r\n\r\n";
    let body = b"{\"id\": 1, \"name\": \"a\"}\r\n\r\n{\"id\": 2, \"name\": \"b\"}\r\n".to_vec();
    let url = raw_server(head, body, None).await;
    let ListRecordsResponse::Ok(records) =
        Client::with_base_url(&url).list_records(ListRecordsRequest { count: 2 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let records: Vec<Record> = records.map(Result::unwrap).collect().await;
    assert_eq!(records, [Record { id: 1, name: "a".into() }, Record { id: 2, name: "b".into() }]);
}

#[tokio::test]
async fn an_upload_streams_to_the_method_as_it_arrives() {
    let (client, _) = start().await;
    let size = 8 * 1024 * 1024 + 5;
    let UploadResponse::Ok(received) = client.upload(UploadRequest { body: chunks_of(size) }).await.unwrap() else {
        panic!("expected the count");
    };
    assert_eq!(received.bytes as usize, size);
    assert!(received.chunks > 1, "the body reached the method in one piece");
}

#[tokio::test]
async fn an_upload_past_the_routers_limit_is_refused() {
    let address = serve(router(Service::default())).await;
    let client = Client::with_base_url(&format!("http://{address}"));
    // 3 MiB against the 2 MiB default, sent with no declared length (a stream): the method
    // sees its stream end at the limit, and answers. (A declared length past the limit is
    // refused before any method runs: e2e/tests/server_limits.rs.)
    let streamed = client.upload(UploadRequest { body: chunks_of(3 << 20) }).await;
    match streamed {
        Ok(UploadResponse::PayloadTooLarge(failure)) => {
            assert_eq!(failure.message, format!("more than {} bytes", 2 << 20))
        }
        other => panic!("expected 413, got {other:?}"),
    }
}

#[tokio::test]
async fn an_event_stream_that_ends_early_is_opened_again_after_the_last_id() {
    // The first connection ends inside event 3 (never dispatched); the second must ask for
    // what follows event 2, after the server's retry of 10 ms.
    let first = b"retry: 10\nid: 1\ndata: {\"n\": 1}\n\nid: 2\ndata: {\"n\": 2}\n\nid: 3\ndata: {\"n\": 99}".to_vec();
    let second = b"data: {\"n\": 3}\n\n".to_vec();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (heads, mut received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        for body in [first, second] {
            let (mut socket, _) = listener.accept().await.unwrap();
            let head = read_head(&mut socket).await.expect("a request head");
            heads.send(head.to_ascii_lowercase()).unwrap();
            socket.write_all(EVENT_STREAM_HEAD.as_bytes()).await.unwrap();
            socket.write_all(&body).await.unwrap();
        }
    });
    let client = Client::with_base_url(&url).with_policy(Policy::default().event_reconnects(1));
    let StreamTicksResponse::Ok(events) = client.stream_ticks(StreamTicksRequest { count: 3 }).await.unwrap() else {
        panic!("expected the stream");
    };
    let ticks: Vec<i64> = events.map(|event| event.unwrap().data.n).collect().await;
    assert_eq!(ticks, [1, 2, 3]);
    assert!(!received.recv().await.unwrap().contains("last-event-id"));
    assert!(received.recv().await.unwrap().contains("last-event-id: 2\r\n"));
}

#[tokio::test]
async fn without_reconnects_an_event_stream_ends_with_its_connection() {
    let body = b"id: 1\ndata: {\"n\": 1}\n\n".to_vec();
    let url = raw_server(EVENT_STREAM_HEAD, body, None).await;
    let StreamTicksResponse::Ok(events) =
        Client::with_base_url(&url).stream_ticks(StreamTicksRequest { count: 1 }).await.unwrap()
    else {
        panic!("expected the stream");
    };
    let ticks: Vec<i64> = events.map(|event| event.unwrap().data.n).collect().await;
    assert_eq!(ticks, [1]);
}

#[tokio::test]
async fn records_stream_up_as_json_lines_and_are_read_as_they_arrive() {
    let (client, _) = start().await;
    let records = stream::iter(0..100_000).map(|id| Record { id, name: format!("record {id}") });
    let request = ImportRecordsRequest { body: ItemStream::new(records) };
    let ImportRecordsResponse::Ok(imported) = client.import_records(request).await.unwrap() else {
        panic!("expected the count");
    };
    assert_eq!(imported.count, 100_000);
}

#[tokio::test]
async fn the_client_writes_one_json_text_per_line() {
    // A raw server reads the whole chunked request, then answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.ends_with(b"\r\n0\r\n\r\n") {
            let read = socket.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the request ended early: {}", String::from_utf8_lossy(&request));
            request.extend_from_slice(&buffer[..read]);
        }
        let reply = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"count\":2}";
        socket.write_all(reply.as_bytes()).await.unwrap();
        String::from_utf8(request).unwrap()
    });
    let client = Client::with_base_url(&format!("http://{address}"));
    let records = [Record { id: 1, name: "a\nb".into() }, Record { id: 2, name: "c".into() }];
    let response = client.import_records(ImportRecordsRequest { body: records.into_iter().collect() }).await;
    assert!(matches!(response, Ok(ImportRecordsResponse::Ok(_))), "{response:?}");
    let request = server.await.unwrap();
    let (head, body) = request.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("post /records/import http/1.1"), "{head}");
    assert!(head.contains("content-type: application/jsonl"), "{head}");
    assert!(head.contains("transfer-encoding: chunked"), "sent as it is made: {head}");
    // The chunks' payloads, joined: one JSON text per line.
    let mut lines = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size, 16).unwrap();
        lines.push_str(&after[..size]);
        rest = &after[size + 2..];
    }
    assert_eq!(lines, "{\"id\":1,\"name\":\"a\\nb\"}\n{\"id\":2,\"name\":\"c\"}\n");
}

#[tokio::test]
async fn json_lines_written_by_hand_are_imported_or_refused_at_the_line_at_fault() {
    let address = serve(router(Service::default())).await;
    let url = format!("http://{address}/records/import");
    // Blank lines and CRLF ends are allowed; each line is one record.
    let lines = "{\"id\":1,\"name\":\"a\"}\r\n\n{\"id\":2,\"name\":\"b\"}\n";
    let reply = e2e::send_raw("POST", &url, Some("application/jsonl"), lines).await;
    assert_eq!((reply.status, reply.body["count"].as_i64()), (200, Some(2)), "{}", reply.body);
    for refused in ["{\"id\":1,\"name\":\"a\"}\n{\"id\":\"two\",\"name\":\"b\"}\n", "[1,\"a\"]\n", "{\"id\":1}\n"] {
        let reply = e2e::send_raw("POST", &url, Some("application/jsonl"), refused).await;
        assert_eq!(reply.status, 400, "{refused}: {}", reply.body);
    }
    let reply = e2e::send_raw("POST", &url, Some("application/json"), "{}").await;
    assert_eq!(reply.status, 415, "{}", reply.body);
}
