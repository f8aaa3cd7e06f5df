//! Stage 3: the model as Rust tokens, one token stream per generated module.

mod client;
mod client_auth;
mod operations;
mod security;
mod server;
mod tokens;
mod types;

use crate::model::Api;
use proc_macro2::TokenStream;

/// Which halves of the API to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    pub client: bool,
    pub server: bool,
}

/// The generated modules, unformatted.
pub struct Emitted {
    pub types: TokenStream,
    pub operations: TokenStream,
    pub client: Option<TokenStream>,
    pub server: Option<TokenStream>,
}

pub use tokens::doc_lines;

pub fn emit(api: &Api, parts: Parts) -> Emitted {
    Emitted {
        types: types::emit(&api.types),
        operations: operations::emit(api),
        client: parts.client.then(|| client::emit(api)),
        server: parts.server.then(|| server::emit(api)),
    }
}
