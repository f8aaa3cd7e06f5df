//! The `x-token-refresh` extension: which operation refreshes tokens, and how.
//!
//! ```yaml
//! x-token-refresh:
//!   request:                  # where the current tokens go in the JSON request body
//!     refresh: /refresh_token
//!   response:                 # where the new tokens are in the success body
//!     access: /access_token
//!     refresh: /refresh_token # for APIs that rotate refresh tokens
//! ```
//!
//! Every value is a JSON pointer; only `response.access` is required. The current access
//! token also travels in the schemes the operation's `security` names.

use super::{Gate, MediaKind, Operation, ParamLocation, TokenRefresh};
use crate::diagnostics::{pointer_push, Fault};
use serde_json::Value;

pub const EXTENSION: &str = "x-token-refresh";

/// The binding an operation's extension describes. A binding that cannot work is a warning
/// naming where, and no binding: the operation itself is still generated.
pub fn bind(extension: &Value, operation: &Operation, at: &str) -> Result<TokenRefresh, Fault> {
    let at = pointer_push(at, EXTENSION);
    let pointer = |section: &str, key: &str| -> Result<Option<String>, Fault> {
        let Some(value) = extension.get(section).and_then(|section| section.get(key)) else { return Ok(None) };
        match value.as_str() {
            Some(pointer) if pointer.is_empty() || pointer.starts_with('/') => Ok(Some(pointer.to_owned())),
            _ => Err(Fault::at(
                pointer_push(&pointer_push(&at, section), key),
                "expected a JSON pointer such as \"/access_token\"",
            )),
        }
    };
    if !extension.is_object() {
        return Err(Fault::at(&at, "expected an object with `request` and `response` pointers"));
    }
    let access = pointer("response", "access")?.ok_or_else(|| {
        Fault::at(&at, "`response.access` is required: where the new access token is in the success body")
    })?;
    let (send_access, send_refresh) = (pointer("request", "access")?, pointer("request", "refresh")?);
    if let Some(param) = operation.params.iter().find(|param| param.location == ParamLocation::Path) {
        return Err(Fault::at(&at, format!("a refresh operation cannot take path parameters (`{}`)", param.wire_name)));
    }
    let json_body = operation
        .body
        .iter()
        .flat_map(|body| &body.contents)
        .find(|content| content.kind == MediaKind::Json)
        .map(|content| content.concrete_media_type.clone());
    let content_type = match (&send_access, &send_refresh, json_body) {
        (None, None, _) => None,
        (_, _, Some(media_type)) => Some(media_type),
        (_, _, None) => return Err(Fault::at(&at, "`request` pointers need a JSON request body")),
    };
    Ok(TokenRefresh {
        operation: operation.name.clone(),
        descriptor: operation.names.descriptor.clone(),
        content_type,
        send_access,
        send_refresh,
        access,
        refresh: pointer("response", "refresh")?,
        gate: Gate::Always,
    })
}
