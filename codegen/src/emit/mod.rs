//! Stage 3: the model as Rust tokens, one token stream per generated module.

mod client;
mod client_auth;
mod halves;
mod operations;
mod prose;
mod security;
mod server;
mod tokens;
mod types;
mod validate;

use crate::model::Api;
use proc_macro2::TokenStream;

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

pub use halves::Halves;
pub use tokens::{doc_lines, inline};

/// One item of a module, to be emitted where it is formatted: token streams cannot cross
/// threads, so emitters hand out the work of making them rather than the tokens.
pub type Item<'a> = Box<dyn FnOnce() -> TokenStream + Send + 'a>;

pub fn item<'a>(emit: impl FnOnce() -> TokenStream + Send + 'a) -> Item<'a> {
    Box::new(emit)
}

/// A module's items: its head (imports and the items there is one of) and its repeated
/// items (per schema or per operation), in order. How they are cut into parts, and on which
/// thread each is emitted and formatted, is layout's and the pipeline's business.
pub struct ModuleItems<'a> {
    pub head: Item<'a>,
    pub items: Vec<Item<'a>>,
}

/// The items of one module.
pub fn emit(api: &Api, module: Module, halves: Halves) -> ModuleItems<'_> {
    match module {
        Module::Types => types::emit(&api.types, halves),
        Module::Operations => operations::emit(api),
        // One `impl`: all head.
        Module::Client => ModuleItems { head: item(move || client::emit(api)), items: Vec::new() },
        Module::Server => server::emit(api),
    }
}
