//! Stage 3: the model as Rust tokens, one token stream per generated module.

mod client;
mod client_auth;
mod operations;
mod prose;
mod security;
mod server;
mod tokens;
mod types;

use crate::model::Api;
use proc_macro2::TokenStream;
use std::ops::Range;

/// Which halves of the API to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub client: bool,
    pub server: bool,
}

/// A generated module. Each is emitted on its own, so modules can be rendered in parallel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Types,
    Operations,
    Client,
    Server,
}

impl Module {
    pub fn name(self) -> &'static str {
        match self {
            Module::Types => "types",
            Module::Operations => "operations",
            Module::Client => "client",
            Module::Server => "server",
        }
    }

    /// The module's inner doc comment.
    pub fn doc(self) -> &'static str {
        match self {
            Module::Types => " The schemas of the spec as Rust types.",
            Module::Operations => " Per operation, its request (parameters and body) and its documented responses.",
            Module::Client => " An async client with one method per operation.",
            Module::Server => " A server stub: the `Api` trait and its axum `router`.",
        }
    }

    /// The Cargo feature the module is compiled under, if any.
    pub fn feature(self) -> Option<&'static str> {
        match self {
            Module::Types | Module::Operations => None,
            Module::Client => Some("client"),
            Module::Server => Some("server"),
        }
    }
}

/// The modules `parts` asks for, in the order they are declared.
pub fn modules(parts: Parts) -> Vec<Module> {
    let mut modules = vec![Module::Types, Module::Operations];
    if parts.client {
        modules.push(Module::Client);
    }
    if parts.server {
        modules.push(Module::Server);
    }
    modules
}

pub use tokens::{doc_lines, inline};

/// Part of a module's items: its head (imports and the items there is one of) and a range of
/// its repeated items (per schema or per operation), so that a large module can be emitted and
/// formatted in parts. The parts' texts, concatenated in order, are the whole module's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slice {
    pub head: bool,
    pub items: Range<usize>,
}

/// How many repeated items `module` has; the client's methods are one `impl` and count as head.
pub fn item_count(api: &Api, module: Module) -> usize {
    match module {
        Module::Types => api.types.len(),
        Module::Operations => api.operations.len(),
        Module::Client => 0,
        Module::Server => server::item_count(api),
    }
}

/// The items of `slice` of one module.
pub fn emit(api: &Api, module: Module, slice: &Slice) -> TokenStream {
    match module {
        Module::Types => types::emit(&api.types, slice),
        Module::Operations => operations::emit(api, slice),
        Module::Client => client::emit(api),
        Module::Server => server::emit(api, slice),
    }
}
