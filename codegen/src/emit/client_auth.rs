//! The client's authentication: one credential setter per security scheme, a token source
//! bound to the refresh operation, and token sources for the OAuth 2 flows a scheme declares.

use super::tokens::{cfg, docs, ident, inline, option_literal};
use crate::model::{Api, OAuthFlow, OAuthGrant, SchemeKind, SecurityScheme, TokenRefresh};
use proc_macro2::TokenStream;
use quote::quote;

/// `const TOKEN_REFRESH`, when the spec binds a refresh operation, and one `OAuth2Flow`
/// constant per OAuth 2 flow.
pub fn constants(api: &Api) -> TokenStream {
    let refresh = api.token_refresh.as_ref().map(refresh_binding);
    let flows = api
        .security_schemes
        .iter()
        .flat_map(|scheme| scheme.oauth_flows.iter().map(move |flow| flow_constant(scheme, flow)));
    quote! {
        #refresh
        #( #flows )*
    }
}

fn flow_constant(scheme: &SecurityScheme, flow: &OAuthFlow) -> TokenStream {
    let name = ident(&flow.constant);
    let token_url = &flow.token_url;
    let refresh_url = option_literal(flow.refresh_url.as_ref());
    let scopes = &flow.scopes;
    let doc = format!(" The `{}` flow of the `{}` scheme.", flow.grant.spec_name(), inline(&scheme.name));
    quote! {
        #[doc = #doc]
        const #name: OAuth2Flow = OAuth2Flow {
            token_url: #token_url,
            refresh_url: #refresh_url,
            scopes: &[#( #scopes ),*],
        };
    }
}

/// The `Client` methods of one OAuth 2 flow: a token source, and for grants a client makes
/// alone, a setter that uses one.
fn flow_methods(scheme: &SecurityScheme, flow: &OAuthFlow) -> TokenStream {
    let constant = ident(&flow.constant);
    let source = ident(&flow.source_method);
    // Both are claimed for every flow that uses them: grants a client makes alone, of
    // schemes that carry tokens (OAuth 2 schemes always do).
    let with = flow.setter.as_deref().map(ident);
    let with_tokens = scheme.tokens_setter.as_deref().map(ident);
    let endpoint = match &flow.refresh_url {
        Some(refresh_url) => format!("`{}` (refreshed at `{}`)", inline(&flow.token_url), inline(refresh_url)),
        None => format!("`{}`", inline(&flow.token_url)),
    };
    let scopes = if flow.scopes.is_empty() {
        " No scope is asked for unless `client` names some.".to_owned()
    } else {
        let scopes: Vec<String> = flow.scopes.iter().map(|scope| format!("`{}`", inline(scope))).collect();
        format!(" Asks for {} (what the operations require) unless `client` names other scopes.", scopes.join(", "))
    };
    let lifecycle =
        " Tokens are obtained on first use, refreshed ahead of expiry and after a 401, never twice at once.";
    let name = inline(&scheme.name);
    let with_doc =
        format!(" Sends tokens obtained by [`Client::{source}`] for the `{name}` scheme, with default token options.");
    match flow.grant {
        OAuthGrant::ClientCredentials => {
            let source_doc =
                format!(" A token source for the `{name}` scheme: the OAuth 2 client credentials grant at {endpoint}.");
            quote! {
                #[doc = #source_doc]
                #[doc = #scopes]
                #[doc = #lifecycle]
                pub fn #source(&self, client: OAuth2Client, options: TokenOptions) -> TokenSource {
                    self.transport.oauth2_token_source(&#constant, client, Grant::ClientCredentials, Tokens::none(), options)
                }

                #[doc = #with_doc]
                pub fn #with(self, client: OAuth2Client) -> Self {
                    let source = self.#source(client, TokenOptions::default());
                    self.#with_tokens(source)
                }
            }
        }
        OAuthGrant::Password => {
            let source_doc = format!(
                " A token source for the `{name}` scheme: the OAuth 2 resource owner password grant at {endpoint}."
            );
            quote! {
                #[doc = #source_doc]
                #[doc = #scopes]
                #[doc = #lifecycle]
                pub fn #source(
                    &self,
                    client: OAuth2Client,
                    username: &str,
                    password: impl Into<Credential>,
                    options: TokenOptions,
                ) -> TokenSource {
                    let grant = Grant::Password { username: username.to_owned(), password: password.into() };
                    self.transport.oauth2_token_source(&#constant, client, grant, Tokens::none(), options)
                }

                #[doc = #with_doc]
                pub fn #with(self, client: OAuth2Client, username: &str, password: impl Into<Credential>) -> Self {
                    let source = self.#source(client, username, password, TokenOptions::default());
                    self.#with_tokens(source)
                }
            }
        }
        OAuthGrant::AuthorizationCode => {
            let source_doc = format!(
                " A token source for the `{name}` scheme that refreshes `tokens`, obtained by an \
                 authorization code login, with the OAuth 2 refresh token grant at {endpoint}."
            );
            quote! {
                #[doc = #source_doc]
                pub fn #source(&self, client: OAuth2Client, tokens: Tokens, options: TokenOptions) -> TokenSource {
                    self.transport.oauth2_token_source(&#constant, client, Grant::RefreshOnly, tokens, options)
                }
            }
        }
    }
}

fn refresh_binding(refresh: &TokenRefresh) -> TokenStream {
    let descriptor = ident(&refresh.descriptor);
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
            operation: &#descriptor,
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
    let token_sources = api.security_schemes.iter().filter_map(token_source_setter);
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
    let flows = api
        .security_schemes
        .iter()
        .flat_map(|scheme| scheme.oauth_flows.iter().map(move |flow| flow_methods(scheme, flow)));
    quote! {
        #( #setters )*
        #( #token_sources )*
        #token_source
        #( #flows )*
    }
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
    let method = ident(&scheme.setter);
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

fn token_source_setter(scheme: &SecurityScheme) -> Option<TokenStream> {
    let method = ident(scheme.tokens_setter.as_deref()?);
    let plain = &scheme.setter;
    let name = &scheme.name;
    let title = format!(
        " Sends the access token of `source` for the `{name}` security scheme, as [`Client::{plain}`] \
         would, refreshing it when it nears expiry or the server answers 401."
    );
    Some(quote! {
        #[doc = #title]
        pub fn #method(mut self, source: TokenSource) -> Self {
            self.transport.set_token_source(#name, source);
            self
        }
    })
}
