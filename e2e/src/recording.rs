//! With `E2E_RECORD_DIR` set, every router [`crate::serve`] serves writes each exchange (the
//! request as the server received it, the response as it sent it) as one JSON line to
//! `$E2E_RECORD_DIR/<test binary>.jsonl`, for e2e/oracles/exchanges_openapi_core.py to judge
//! against the spec with openapi-core. Unset, routers are served as they are.

use apigen_runtime::server::axum::body::{to_bytes, Body, HttpBody};
use apigen_runtime::server::axum::extract::Request;
use apigen_runtime::server::axum::middleware::{self, Next};
use apigen_runtime::server::axum::response::Response;
use apigen_runtime::server::axum::Router;
use base64::Engine;
use futures_util::stream::{self, StreamExt};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Where exchanges go, when they are recorded.
fn record_file() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("E2E_RECORD_DIR")?);
    let binary = std::env::current_exe().ok()?.file_stem()?.to_string_lossy().into_owned();
    // Test binaries are named `<test>-<hash>`; the hash says nothing to the oracle.
    let name = binary.rsplit_once('-').map_or(binary.as_str(), |(name, _)| name).to_owned();
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join(format!("{name}.jsonl")))
}

/// `router`, recording its exchanges when `E2E_RECORD_DIR` asks for it.
pub fn recorded(router: Router) -> Router {
    match record_file() {
        Some(file) => router.layer(middleware::from_fn(move |request, next| record(file.clone(), request, next))),
        None => router,
    }
}

static WRITING: Mutex<()> = Mutex::new(());

fn headers(map: &apigen_runtime::http::HeaderMap) -> Vec<(String, String)> {
    map.iter().map(|(name, value)| (name.to_string(), String::from_utf8_lossy(value.as_bytes()).into_owned())).collect()
}

async fn record(file: PathBuf, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let (method, target, request_headers) = (parts.method.to_string(), parts.uri.to_string(), headers(&parts.headers));
    let request_body = Arc::new(Mutex::new(Vec::new()));
    let body = if body.size_hint().exact().is_some() {
        let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
        lock(&request_body).extend_from_slice(&body);
        Body::from(body)
    } else {
        // A streamed upload reaches the server as it was sent, and its copy as it is read.
        let copy = request_body.clone();
        Body::from_stream(body.into_data_stream().map(move |chunk| {
            if let Ok(chunk) = &chunk {
                lock(&copy).extend_from_slice(chunk);
            }
            chunk
        }))
    };
    let response = next.run(Request::from_parts(parts, body)).await;
    let (parts, body) = response.into_parts();
    let exchange = serde_json::json!({
        "method": method,
        "target": target,
        "request_headers": request_headers,
        "status": parts.status.as_u16(),
        "response_headers": headers(&parts.headers),
    });
    if body.size_hint().exact().is_some() {
        let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
        Pending { file, exchange, request_body, body: body.to_vec(), written: false }.write();
        return Response::from_parts(parts, Body::from(body));
    }
    let pending = Arc::new(Mutex::new(Pending { file, exchange, request_body, body: Vec::new(), written: false }));
    // A body of no known length passes through as it is written, so that a stream stays
    // one; its copy is recorded once the last chunk went out (or the client left, with what
    // it got).
    let (copy, end) = (pending.clone(), pending);
    let chunks = body
        .into_data_stream()
        .map(move |chunk| {
            if let Ok(chunk) = &chunk {
                lock(&copy).body.extend_from_slice(chunk);
            }
            Some(chunk)
        })
        .chain(stream::once(async move {
            lock(&end).write();
            None
        }))
        .filter_map(std::future::ready);
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// An exchange whose response body is still being written.
struct Pending {
    file: PathBuf,
    exchange: serde_json::Value,
    /// The request's body as far as the server read it.
    request_body: Arc<Mutex<Vec<u8>>>,
    body: Vec<u8>,
    written: bool,
}

impl Pending {
    fn write(&mut self) {
        if std::mem::replace(&mut self.written, true) {
            return;
        }
        let base64 = base64::engine::general_purpose::STANDARD;
        let request_body = lock(&self.request_body);
        self.exchange["request_body"] = base64.encode(&*request_body).into();
        self.exchange["response_body"] = base64.encode(&self.body).into();
        let _guard = lock(&WRITING);
        if let Ok(mut out) = std::fs::OpenOptions::new().create(true).append(true).open(&self.file) {
            let _ = writeln!(out, "{}", self.exchange);
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.write();
    }
}

fn lock<T>(shared: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
