//! With `E2E_RECORD_DIR` set, every router [`crate::serve`] serves writes each exchange (the
//! request as the server received it, the response as it sent it) as one JSON line to
//! `$E2E_RECORD_DIR/<test binary>.jsonl`, for e2e/oracles/exchanges_openapi_core.py to judge
//! against the spec with openapi-core. Unset, routers are served as they are.

use apigen_runtime::server::axum::body::{to_bytes, Body};
use apigen_runtime::server::axum::extract::Request;
use apigen_runtime::server::axum::middleware::{self, Next};
use apigen_runtime::server::axum::response::Response;
use apigen_runtime::server::axum::Router;
use base64::Engine;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

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
    let request_body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let (method, target, request_headers) = (parts.method.to_string(), parts.uri.to_string(), headers(&parts.headers));
    let response = next.run(Request::from_parts(parts, Body::from(request_body.clone()))).await;
    let (parts, body) = response.into_parts();
    let response_body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let base64 = base64::engine::general_purpose::STANDARD;
    let line = serde_json::json!({
        "method": method,
        "target": target,
        "request_headers": request_headers,
        "request_body": base64.encode(&request_body),
        "status": parts.status.as_u16(),
        "response_headers": headers(&parts.headers),
        "response_body": base64.encode(&response_body),
    });
    {
        let _guard = WRITING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Ok(mut out) = std::fs::OpenOptions::new().create(true).append(true).open(&file) {
            let _ = writeln!(out, "{line}");
        }
    }
    Response::from_parts(parts, Body::from(response_body))
}
