//! The client's authentication: one credential setter per security scheme, and a token
//! source bound to the refresh operation.

use super::security;
use super::tokens::{cfg, docs, ident, inline, option_literal};
use crate::model::{Api, SchemeKind, SecurityScheme, TokenRefresh};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `const TOKEN_REFRESH`, when the spec binds a refresh operation.
pub fn constants(api: &Api) -> TokenStream {
    api.token_refresh.as_ref().map(refresh_binding).unwrap_or_default()
}

fn refresh_binding(refresh: &TokenRefresh) -> TokenStream {
    let method = refresh.method.as_str();
    let path = &refresh.path;
    let alternatives = security::scheme_names(&refresh.security);
    let content_type = option_literal(refresh.content_type.as_ref());
    let send_access = option_literal(refresh.send_access.as_ref());
    let send_refresh = option_literal(refresh.send_refresh.as_ref());
    let access = &refresh.access;
    let new_refresh = option_literal(refresh.refresh.as_ref());
    let doc = format!(" How [`Client::{}`] refreshes tokens, from the spec's `x-token-refresh`.", refresh.operation);
    let cfg = cfg(&refresh.gate);
    quote! {
        #cfg
        #[doc = #doc]
        const TOKEN_REFRESH: RefreshBinding = RefreshBinding {
            method: #method,
            path: #path,
            security: #alternatives,
            content_type: #content_type,
            send_access: #send_access,
            send_refresh: #send_refresh,
            access: #access,
            refresh: #new_refresh,
        };
    }
}

/// The `Client` methods that set credentials, and `token_source` when the spec binds one.
pub fn methods(api: &Api) -> TokenStream {
    let setters = api.security_schemes.iter().map(credential_setter);
    let token_sources = api.security_schemes.iter().filter(|scheme| takes_tokens(scheme)).map(token_source_setter);
    let token_source = api.token_refresh.as_ref().map(|refresh| {
        let doc = format!(
            " A token source that refreshes `tokens` through [`Client::{}`] on this client's server: \
             ahead of the access token's expiry, once per 401, never twice at once.",
            refresh.operation
        );
        let cfg = cfg(&refresh.gate);
        quote! {
            #cfg
            #[doc = #doc]
            ///
            /// Hand it to a `with_*_tokens` method; clones share the tokens.
            pub fn token_source(&self, tokens: Tokens, options: TokenOptions) -> TokenSource {
                self.transport.token_source(&TOKEN_REFRESH, tokens, options)
            }
        }
    });
    quote! {
        #( #setters )*
        #( #token_sources )*
        #token_source
    }
}

/// Bearer and API-key schemes carry tokens; basic auth carries a password.
pub fn takes_tokens(scheme: &SecurityScheme) -> bool {
    !matches!(scheme.kind, SchemeKind::Basic)
}

fn how_sent(scheme: &SecurityScheme) -> String {
    match &scheme.kind {
        SchemeKind::Bearer => " Sent as `Authorization: Bearer <token>`.".to_owned(),
        SchemeKind::Basic => " The credential is `user:password`, sent as HTTP basic auth.".to_owned(),
        SchemeKind::ApiKey { location, name, prefix: Some(prefix) } => {
            format!(" Sent in the {} `{}` as `{} <token>`.", location.as_str(), inline(name), inline(prefix))
        }
        SchemeKind::ApiKey { location, name, prefix: None } => {
            format!(" Sent in the {} `{}`.", location.as_str(), inline(name))
        }
    }
}

fn credential_setter(scheme: &SecurityScheme) -> TokenStream {
    let method = format_ident!("with_{}", scheme.field);
    let name = &scheme.name;
    let how = how_sent(scheme);
    let title = format!(" Sets the credential of the `{}` security scheme.", inline(name));
    let description = docs(scheme.docs.as_deref());
    let separator = scheme.docs.is_some().then(|| quote! { #[doc = ""] });
    quote! {
        #[doc = #title]
        #[doc = ""]
        #description
        #separator
        #[doc = #how]
        pub fn #method(mut self, credential: impl Into<Credential>) -> Self {
            self.transport.set_credential(#name, credential.into());
            self
        }
    }
}

fn token_source_setter(scheme: &SecurityScheme) -> TokenStream {
    let method = format_ident!("with_{}_tokens", scheme.field);
    let plain = ident(&format!("with_{}", scheme.field));
    let name = &scheme.name;
    let title = format!(
        " Sends the access token of `source` for the `{name}` security scheme, as [`Client::{plain}`] \
         would, refreshing it when it nears expiry or the server answers 401."
    );
    quote! {
        #[doc = #title]
        pub fn #method(mut self, source: TokenSource) -> Self {
            self.transport.set_token_source(#name, source);
            self
        }
    }
}
