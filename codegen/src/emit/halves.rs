//! Which serde impls each half of a crate compiles: a client writes requests and reads
//! responses, a server reads requests and writes responses, so a client-only build derives no
//! `Deserialize` for what only requests carry and no `Serialize` for what only responses do
//! (serde derives are most of what a generated crate costs to compile). A build with neither
//! half, and a type no operation reaches, keep both: the types are then for the user.

use super::Parts;
use crate::model::TypeDef;
use proc_macro2::TokenStream;
use quote::quote;

/// The halves generated, and whether Cargo features select them (a crate's `client` and
/// `server`; a module file is compiled whole, its halves are always there).
#[derive(Clone, Copy, Debug)]
pub struct Halves {
    pub parts: Parts,
    pub gated: bool,
}

/// When an impl is compiled.
#[derive(Clone, Debug)]
pub enum When {
    Always,
    Never,
    /// Under this `cfg` predicate.
    Cfg(TokenStream),
}

/// When a type's `Serialize` and its `Deserialize` are compiled.
#[derive(Clone, Debug)]
pub struct SerdeImpls {
    pub serialize: When,
    pub deserialize: When,
}

impl Halves {
    pub fn serde_impls(self, def: &TypeDef) -> SerdeImpls {
        let (requests, responses) = (def.travel.in_requests, def.travel.in_responses);
        SerdeImpls { serialize: self.when(requests, responses), deserialize: self.when(responses, requests) }
    }

    /// When an impl that the client uses if `client_uses` and the server if `server_uses` is
    /// compiled.
    fn when(self, client_uses: bool, server_uses: bool) -> When {
        let halves = [("client", self.parts.client, client_uses), ("server", self.parts.server, server_uses)];
        let generated: Vec<&str> = halves.iter().filter(|half| half.1).map(|half| half.0).collect();
        let users: Vec<&str> = halves.iter().filter(|half| half.1 && half.2).map(|half| half.0).collect();
        if generated.is_empty() || users.len() == generated.len() {
            return When::Always;
        }
        if !self.gated {
            return if users.is_empty() { When::Never } else { When::Always };
        }
        // Used, or no half that does not use it is on: `a ∨ ¬(a ∨ b)` is `a ∨ ¬b`.
        let others: Vec<&str> = generated.iter().copied().filter(|half| !users.contains(half)).collect();
        let none_of_others = match &others[..] {
            [other] => quote! { not(feature = #other) },
            others => quote! { not(any(#( feature = #others ),*)) },
        };
        if users.is_empty() {
            When::Cfg(none_of_others)
        } else {
            When::Cfg(quote! { any(#( feature = #users, )* #none_of_others) })
        }
    }
}

impl When {
    /// `, Serialize` for a derive list, when always derived.
    pub fn derived(&self, name: TokenStream) -> TokenStream {
        match self {
            When::Always => quote! { , #name },
            _ => TokenStream::new(),
        }
    }

    /// `#[cfg_attr(.., derive(Serialize))]` beside the derive list, when derived under a cfg.
    pub fn derived_under_cfg(&self, name: TokenStream) -> TokenStream {
        match self {
            When::Cfg(predicate) => quote! { #[cfg_attr(#predicate, derive(#name))] },
            _ => TokenStream::new(),
        }
    }

    /// The attribute over a hand-written impl; `None` when it is never compiled.
    pub fn impl_cfg(&self) -> Option<TokenStream> {
        match self {
            When::Always => Some(TokenStream::new()),
            When::Never => None,
            When::Cfg(predicate) => Some(quote! { #[cfg(#predicate)] }),
        }
    }

    /// Container attributes for serde's derives (`#[serde(untagged)]`), kept only where the
    /// derive they are for is compiled.
    pub fn helpers(&self, attributes: TokenStream) -> TokenStream {
        match self {
            When::Always => attributes,
            When::Never => TokenStream::new(),
            When::Cfg(predicate) => {
                // `#[serde(a)] #[serde(b)]` as one `cfg_attr(p, serde(a), serde(b))`.
                let inner = strip_attributes(attributes);
                if inner.is_empty() {
                    return TokenStream::new();
                }
                quote! { #[cfg_attr(#predicate, #( #inner ),*)] }
            }
        }
    }
}

/// The contents of each `#[..]` in `attributes`.
fn strip_attributes(attributes: TokenStream) -> Vec<TokenStream> {
    attributes
        .into_iter()
        .filter_map(|token| match token {
            proc_macro2::TokenTree::Group(group) if group.delimiter() == proc_macro2::Delimiter::Bracket => {
                Some(group.stream())
            }
            _ => None,
        })
        .collect()
}
