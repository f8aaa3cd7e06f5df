//! The names generated code uses, which each generated module imports whole
//! (`use apigen_runtime::__private::*;`), as tonic's generated code imports its `codegen`
//! module: emitters need not work out which imports a module uses, and a generated crate
//! depends on this crate alone, serde and serde_json included. Not a stable API: it follows
//! the generator that writes the code.

pub use crate::params::{self, Style};
pub use crate::security::{KeyLocation, Requirement, SchemeKind, SecurityScheme};
pub use crate::Operation;
pub use serde::{self, Deserialize, Serialize};
pub use serde_json;
pub use std::collections::BTreeMap;
pub use std::future::Future;
pub use std::sync::Arc;

/// Decodes JSON text as generated clients and servers read a body: one value, structs from
/// objects only, integers from numbers with a zero fraction. For tools that judge the
/// types (`cargo xtask conformance`).
pub fn decode_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    crate::decode_json_item(json.as_bytes()).map_err(|error| error.to_string())
}

#[cfg(feature = "client")]
pub use crate::client::{
    reqwest, Credential, Error, Grant, OAuth2Client, OAuth2Flow, Policy, RefreshBinding, TokenOptions, TokenSource,
    Tokens, Transport,
};
#[cfg(feature = "server")]
pub use crate::server::axum::extract::State;
#[cfg(feature = "server")]
pub use crate::server::axum::response::{IntoResponse, Response};
#[cfg(feature = "server")]
pub use crate::server::axum::{routing, Router};
#[cfg(feature = "server")]
pub use crate::server::{
    reply, Authenticate, ExtensionMethods, HandlerError, Problem, Refusal, RequestParts, Secured, StreamedParts,
};
#[cfg(feature = "server")]
pub use crate::trace::serving;
