//! Streams on 127.0.0.1, each figure beside a baseline measured in the same run
//! (`cargo xtask bench` runs this; `cargo bench -p e2e --bench streams -- ROUNDS`):
//!
//! - events client: the generated client of `e2e/specs/streaming.yaml` reading server-sent
//!   events (a JSON tick each: parsed as the WHATWG standard says, bounded, typed) against
//!   raw reqwest reading the same body with the least a client can do (split at blank lines,
//!   `serde_json` of each `data:` line), from one generated server;
//! - events server: the generated server writing the events against a hand-written axum
//!   `Sse` handler writing the same, under one raw reader;
//! - download: 1 GiB through the generated client's `ByteStream` against reqwest's
//!   `chunk()` loop, from one generated server;
//! - memory: the process's peak resident set (client and server both; `VmHWM`, reset through
//!   `/proc/self/clear_refs`) while 10,000 and then 1,000,000 events stream, and while 1 GiB
//!   downloads and uploads (through a router whose limit is raised to 2 GiB): a stream's
//!   memory does not grow with its length.
//!
//! Rounds alternate the two sides; each figure is the median over rounds.

use apigen_runtime::client::reqwest;
use apigen_runtime::server::axum::response::sse::{Event as SseEvent, Sse};
use apigen_runtime::server::axum::{routing::get, Router};
use apigen_runtime::server::HandlerError;
use apigen_runtime::stream::StreamExt;
use apigen_runtime::{ByteStream, Bytes, Event, EventStream};
use e2e::streaming::operations::*;
use e2e::streaming::types::{Completion, Received, Tick};
use futures_util::stream;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const EVENTS: i64 = 100_000;
const DOWNLOAD: i64 = 1 << 30;
const CHUNK: usize = 64 * 1024;

/// The streaming spec's operations, each body made as it is written.
struct Streams;

impl e2e::streaming::server::Api for Streams {
    async fn create_completion(&self, _: CreateCompletionRequest) -> Result<CreateCompletionResponse, HandlerError> {
        Ok(CreateCompletionResponse::Ok { body: Completion { text: String::new() }, x_request_id: None })
    }

    async fn stream_ticks(&self, request: StreamTicksRequest) -> Result<StreamTicksResponse, HandlerError> {
        Ok(StreamTicksResponse::Ok(EventStream::new(ticks(request.count).map(Event::new))))
    }

    async fn stream_log(&self) -> Result<StreamLogResponse, HandlerError> {
        Ok(StreamLogResponse::Ok(EventStream::from_iter([])))
    }

    async fn list_records(&self, _: ListRecordsRequest) -> Result<ListRecordsResponse, HandlerError> {
        Ok(ListRecordsResponse::Ok(std::iter::empty().collect()))
    }

    async fn list_record_sequence(&self) -> Result<ListRecordSequenceResponse, HandlerError> {
        Ok(ListRecordSequenceResponse::Ok(std::iter::empty().collect()))
    }

    async fn download(&self, request: DownloadRequest) -> Result<DownloadResponse, HandlerError> {
        let chunk = Bytes::from(vec![7u8; CHUNK]);
        let chunks = stream::unfold(request.size as usize, move |left| {
            let take = left.min(CHUNK);
            std::future::ready((take > 0).then(|| (chunk.slice(..take), left - take)))
        });
        Ok(DownloadResponse::Ok(ByteStream::new(chunks)))
    }

    async fn import_records(&self, request: ImportRecordsRequest) -> Result<ImportRecordsResponse, HandlerError> {
        e2e::reference::import_records(request.body).await
    }

    async fn upload(&self, request: UploadRequest) -> Result<UploadResponse, HandlerError> {
        let mut body = request.body;
        let (mut bytes, mut chunks) = (0, 0);
        while let Some(chunk) = body.next().await {
            (bytes, chunks) = (bytes + chunk?.len() as i64, chunks + 1);
        }
        Ok(UploadResponse::Ok(Received { bytes, chunks }))
    }
}

fn ticks(count: i64) -> impl apigen_runtime::stream::Stream<Item = Tick> + Send {
    stream::iter(0..count).map(|n| Tick { n })
}

/// The same events as a hand-written axum handler writes them.
async fn hand_written_ticks(
) -> Sse<impl apigen_runtime::stream::Stream<Item = Result<SseEvent, std::convert::Infallible>>> {
    Sse::new(ticks(EVENTS).map(|tick| Ok(SseEvent::default().data(format!("{{\"n\":{}}}", tick.n)))))
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move { apigen_runtime::server::axum::serve(listener, router).await.expect("serve") });
    address
}

async fn generated_events(client: &e2e::streaming::client::Client, count: i64) -> Duration {
    let start = Instant::now();
    let StreamTicksResponse::Ok(mut events) = client.stream_ticks(StreamTicksRequest { count }).await.expect("ticks")
    else {
        panic!("expected the stream");
    };
    let mut expected = 0;
    while let Some(event) = events.next().await {
        assert_eq!(event.expect("an event").data.n, expected);
        expected += 1;
    }
    assert_eq!(expected, count);
    start.elapsed()
}

/// What a hand-written client does at least: split at blank lines, decode each data line.
async fn raw_events(http: &reqwest::Client, url: &str) -> Duration {
    let start = Instant::now();
    let mut response = http.get(url).send().await.expect("send");
    let mut pending: Vec<u8> = Vec::new();
    let mut expected = 0;
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = pending[start..].windows(2).position(|pair| pair == b"\n\n") {
            let event = &pending[start..start + end];
            if let Some(data) = event.strip_prefix(b"data: ") {
                let tick: Tick = serde_json::from_slice(data).expect("a tick");
                assert_eq!(tick.n, expected);
                expected += 1;
            }
            start += end + 2;
        }
        pending.drain(..start);
    }
    assert_eq!(expected, EVENTS);
    start.elapsed()
}

async fn generated_download(client: &e2e::streaming::client::Client) -> Duration {
    let start = Instant::now();
    let DownloadResponse::Ok(mut body) = client.download(DownloadRequest { size: DOWNLOAD }).await.expect("download")
    else {
        panic!("expected the stream");
    };
    let mut total = 0;
    while let Some(chunk) = body.next().await {
        total += chunk.expect("a chunk").len() as i64;
    }
    assert_eq!(total, DOWNLOAD);
    start.elapsed()
}

/// 1 GiB up, made as it is sent, counted by the server as it arrives.
async fn generated_upload(client: &e2e::streaming::client::Client) -> Duration {
    let start = Instant::now();
    let chunk = Bytes::from(vec![7u8; CHUNK]);
    let chunks = stream::unfold(DOWNLOAD as usize, move |left| {
        let take = left.min(CHUNK);
        std::future::ready((take > 0).then(|| (chunk.slice(..take), left - take)))
    });
    let UploadResponse::Ok(received) =
        client.upload(UploadRequest { body: ByteStream::new(chunks) }).await.expect("upload")
    else {
        panic!("expected the count");
    };
    assert_eq!(received.bytes, DOWNLOAD);
    start.elapsed()
}

async fn raw_download(http: &reqwest::Client, url: &str) -> Duration {
    let start = Instant::now();
    let mut response = http.get(url).send().await.expect("send");
    let mut total = 0;
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        total += chunk.len() as i64;
    }
    assert_eq!(total, DOWNLOAD);
    start.elapsed()
}

/// The peak resident set since the last reset, in MiB, and a reset; `None` off Linux.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    Some(kib / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

struct Comparison {
    name: &'static str,
    subject: &'static str,
    baseline: &'static str,
    /// Items (events, or MiB) per round.
    amount: f64,
    unit: &'static str,
    rounds: Vec<(Duration, Duration)>,
}

impl Comparison {
    fn print(&self) {
        let ratio = median(
            self.rounds.iter().map(|(subject, baseline)| subject.as_secs_f64() / baseline.as_secs_f64()).collect(),
        );
        let rate = |time: Vec<f64>| self.amount / median(time);
        let subject = rate(self.rounds.iter().map(|round| round.0.as_secs_f64()).collect());
        let baseline = rate(self.rounds.iter().map(|round| round.1.as_secs_f64()).collect());
        println!(
            "{:<14} {:<30} {:>10.0} {:<9} {:<34} {:>10.0} {:<9} ratio {:.3}",
            self.name, self.subject, subject, self.unit, self.baseline, baseline, self.unit, ratio
        );
    }
}

async fn run(rounds: usize) {
    let limits = apigen_runtime::server::Limits::default().body_bytes(2 << 30);
    let generated = serve(apigen_runtime::server::with_limits(e2e::streaming::server::router(Streams), limits)).await;
    let hand_written = serve(Router::new().route("/ticks", get(hand_written_ticks))).await;
    let client = e2e::streaming::client::Client::with_base_url(&format!("http://{generated}"));
    let http = reqwest::Client::new();
    let generated_url = format!("http://{generated}/ticks?count={EVENTS}");
    let hand_written_url = format!("http://{hand_written}/ticks");
    let download_url = format!("http://{generated}/download?size={DOWNLOAD}");

    let comparison = |name, subject, baseline, amount, unit| Comparison {
        name,
        subject,
        baseline,
        amount,
        unit,
        rounds: Vec::new(),
    };
    let mut events_client =
        comparison("events client", "generated client", "raw reqwest, split by hand", EVENTS as f64, "events/s");
    let mut events_server =
        comparison("events server", "generated server", "hand-written axum Sse", EVENTS as f64, "events/s");
    let mut download = comparison("download", "generated ByteStream", "reqwest chunk() loop", 1024.0, "MiB/s");
    // One unmeasured round warms connections and allocators.
    for round in 0..=rounds {
        let client_round = (generated_events(&client, EVENTS).await, raw_events(&http, &generated_url).await);
        let server_round = (raw_events(&http, &generated_url).await, raw_events(&http, &hand_written_url).await);
        let download_round = (generated_download(&client).await, raw_download(&http, &download_url).await);
        if round > 0 {
            events_client.rounds.push(client_round);
            events_server.rounds.push(server_round);
            download.rounds.push(download_round);
        }
    }
    println!("\n== streams on 127.0.0.1 ({EVENTS} events and 1 GiB per side per round, median of {rounds} rounds)");
    events_client.print();
    events_server.print();
    download.print();

    peak_rss_mib();
    generated_events(&client, 10_000).await;
    let few = peak_rss_mib();
    generated_events(&client, 1_000_000).await;
    let many = peak_rss_mib();
    generated_download(&client).await;
    let downloaded = peak_rss_mib();
    let upload_time = generated_upload(&client).await;
    let uploaded = peak_rss_mib();
    println!(
        "upload: 1 GiB through the generated client and server in {:.2} s ({:.0} MiB/s)",
        upload_time.as_secs_f64(),
        1024.0 / upload_time.as_secs_f64()
    );
    if let (Some(few), Some(many), Some(downloaded), Some(uploaded)) = (few, many, downloaded, uploaded) {
        println!(
            "peak RSS, client and server: {few:.1} MiB for 10,000 events, {many:.1} MiB for 1,000,000, {downloaded:.1} MiB for a 1 GiB download, {uploaded:.1} MiB for a 1 GiB upload (bound: 64 MiB)"
        );
        assert!(downloaded < 64.0 && many < 64.0 && uploaded < 64.0, "a stream held more than 64 MiB");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a number is the count of rounds.
    let rounds = std::env::args().skip(1).find_map(|arg| arg.parse().ok()).filter(|rounds| *rounds > 0).unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run(rounds));
}
