//! The `client` module: a `Client` with one async method per operation.

use super::client_auth;
use super::operations::{body_enum_name, has_request, is_struct_variant, request_name, response_name};
use super::tokens::{
    cfg, docs, event_data, event_sentinel, form_fields, ident, inline, inline_prose, operations_prelude, route_doc,
    style_value, summary_and_description, Scope,
};
use crate::model::{
    Api, Body, Content, MediaKind, Operation, Param, ParamLocation, ParamStyle, Piece, QueryString, Response,
    StatusMatch, Through,
};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub fn emit(api: &Api) -> TokenStream {
    let (default_url, constructor, default_impl) = match &api.default_server {
        Some(url) => (
            Some(quote! {
                /// The URL of the first server the spec lists.
                pub const DEFAULT_BASE_URL: &str = #url;
            }),
            Some(quote! {
                /// A client for [`DEFAULT_BASE_URL`].
                pub fn new() -> Self {
                    Self::with_base_url(DEFAULT_BASE_URL)
                }
            }),
            Some(quote! {
                impl Default for Client {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }),
        ),
        None => (None, None, None),
    };
    let base_path_note = if api.base_path.is_empty() {
        String::new()
    } else {
        format!(" It includes the base path `{}`.", inline(&api.base_path))
    };
    let with_base_url_doc =
        format!(" A client for the server at `base_url` (`https://host{}`).{base_path_note}", inline(&api.base_path));
    let scope = Scope::elsewhere(&api.types);
    let methods = api.operations.iter().map(|operation| operation_method(operation, scope));
    let auth_constants = client_auth::constants(api);
    let auth_methods = client_auth::methods(api);
    let title = format!(" A client for the {} (version {}).", inline_prose(&api.title), inline_prose(&api.version));
    let prelude = operations_prelude();
    quote! {
        #prelude

        #default_url

        #auth_constants

        #[doc = #title]
        ///
        /// Every documented status, error statuses included, is a variant of the operation's
        /// response enum; `Err` means no documented response arrived (see `Error`).
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: Transport,
        }

        impl Client {
            #constructor

            #[doc = #with_base_url_doc]
            pub fn with_base_url(base_url: &str) -> Self {
                Self::with_http_client(base_url, reqwest::Client::new())
            }

            /// A client that sends through `http`, configured by the caller (proxies, TLS, pools).
            pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Self {
                Client { transport: Transport::new(base_url, http, SECURITY_SCHEMES) }
            }

            /// Other time, size and retry limits than `Policy::default()`: 30 s per attempt,
            /// 64 MiB responses, two retries of idempotent requests that got no response or a
            /// 502, 503 or 504.
            pub fn with_policy(mut self, policy: Policy) -> Self {
                self.transport.set_policy(policy);
                self
            }

            /// The server URL requests are sent to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            #auth_methods

            #( #methods )*
        }

        #default_impl
    }
}

/// `format!("/pets/{}", params::path_segment(&request.pet_id))`, or a plain string.
fn path_expression(operation: &Operation) -> TokenStream {
    let mut format = String::new();
    let mut arguments = Vec::new();
    for piece in operation.path.pieces() {
        let name = match piece {
            Piece::Text(text) => {
                format.push_str(&text.replace('{', "{{").replace('}', "}}"));
                continue;
            }
            Piece::Param(name) => name,
        };
        if let Some(param) =
            operation.params.iter().find(|param| param.location == ParamLocation::Path && param.wire_name == *name)
        {
            let field = ident(&param.rust_name);
            format.push_str("{}");
            let (name, explode) = (&param.wire_name, param.explode);
            arguments.push(match param.style {
                ParamStyle::Label => quote! { params::path_label(&request.#field, #explode) },
                ParamStyle::Matrix => quote! { params::path_matrix(&request.#field, #name, #explode) },
                _ if param.object && param.explode => quote! { params::path_segment_exploded(&request.#field) },
                _ => quote! { params::path_segment(&request.#field) },
            });
        }
    }
    if arguments.is_empty() {
        let path = operation.path.as_str();
        quote! { #path.to_owned() }
    } else {
        quote! { format!(#format, #( #arguments ),*) }
    }
}

fn style_tokens(param: &Param) -> TokenStream {
    style_value(param.style, param.explode, &quote! { Style })
}

/// The statement that sets the body `value`: borrowed from the request, or `owned` where
/// the body holds a stream, which is moved into the request.
fn set_body(content: &Content, value: TokenStream, owned: bool) -> TokenStream {
    let media_type = &content.concrete_media_type;
    let borrowed = if owned {
        quote! { &#value }
    } else {
        value.clone()
    };
    let copied = if owned {
        value.clone()
    } else {
        quote! { #value.clone() }
    };
    match content.kind {
        MediaKind::Json => quote! { http_request.json_body(#media_type, #borrowed); },
        MediaKind::Form => {
            let fields = form_fields(&content.form_fields);
            quote! { http_request.form_body(#borrowed, #fields); }
        }
        MediaKind::Multipart => quote! { http_request.multipart_body(#borrowed); },
        MediaKind::Text => quote! { http_request.raw_body(#media_type, #copied); },
        MediaKind::JsonLines => {
            quote! { http_request.items_body(#media_type, #copied, apigen_runtime::stream::Framing::Lines); }
        }
        MediaKind::JsonSeq => {
            quote! { http_request.items_body(#media_type, #copied, apigen_runtime::stream::Framing::Sequence); }
        }
        // A binary body is a stream (the model sends event streams in requests as binary ones).
        MediaKind::Binary | MediaKind::EventStream => {
            quote! { http_request.stream_body(#media_type, #copied); }
        }
    }
}

fn body_statements(operation: &Operation, body: &Body) -> TokenStream {
    let owned = body.is_streamed();
    let set = match body.contents.as_slice() {
        [single] => set_body(single, quote! { body }, owned),
        several => {
            let enum_name = body_enum_name(operation);
            let arms = several.iter().map(|content| {
                let variant = ident(&content.variant);
                let set = set_body(content, quote! { body }, owned);
                quote! { #enum_name::#variant(body) => { #set } }
            });
            quote! { match body { #( #arms )* } }
        }
    };
    let taken = if owned {
        quote! { request.body }
    } else {
        quote! { &request.body }
    };
    if body.required {
        quote! {
            let body = #taken;
            #set
        }
    } else {
        quote! {
            if let Some(body) = #taken {
                #set
            }
        }
    }
}

fn decode_body(content: &Content, scope: Scope) -> TokenStream {
    match content.kind {
        MediaKind::Json => match super::validate::response_checks(content, scope) {
            Some(checks) => quote! { response.json_checked(#checks)? },
            None => quote! { response.json()? },
        },
        MediaKind::Form => {
            let fields = form_fields(&content.form_fields);
            quote! { response.form(#fields)? }
        }
        MediaKind::Text => quote! { response.text()? },
        MediaKind::Binary | MediaKind::Multipart => quote! { response.byte_stream() },
        MediaKind::EventStream => {
            let data = event_data(content);
            let sentinel = event_sentinel(content);
            quote! { response.events(#data, #sentinel) }
        }
        MediaKind::JsonLines => quote! { response.items(apigen_runtime::stream::Framing::Lines) },
        MediaKind::JsonSeq => quote! { response.items(apigen_runtime::stream::Framing::Sequence) },
    }
}

/// One arm of the status match: its pattern (`None` for `default`) and value. Where the
/// response is `opened` (the operation streams some body), an arm that decodes a whole body
/// reads it first.
fn response_arm(
    operation: &Operation,
    response: &Response,
    opened: bool,
    scope: Scope,
) -> (Option<TokenStream>, TokenStream) {
    let enum_name = response_name(operation);
    let variant = ident(&response.variant);
    let pattern = match response.status {
        StatusMatch::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            Some(quote! { #code })
        }
        StatusMatch::Range(hundred) => {
            let low = Literal::u16_unsuffixed(hundred * 100);
            let high = Literal::u16_unsuffixed(hundred * 100 + 99);
            Some(quote! { #low..=#high })
        }
        StatusMatch::Default => None,
    };
    let value = if is_struct_variant(response) {
        let status = (!matches!(response.status, StatusMatch::Code(_))).then(|| quote! { status, });
        let headers: Vec<_> = response
            .headers
            .iter()
            .map(|header| {
                let field = ident(&header.rust_name);
                let name = &header.wire_name;
                if header.explode {
                    quote! { let #field = response.header_exploded(#name)?; }
                } else {
                    quote! { let #field = response.header(#name)?; }
                }
            })
            .collect();
        let header_fields = response.headers.iter().map(|header| ident(&header.rust_name));
        let body = response.content.as_ref().map(|content| {
            let decode = decode_body(content, scope);
            quote! { body: #decode, }
        });
        (headers, quote! { Ok(#enum_name::#variant { #status #body #( #header_fields, )* }) })
    } else {
        match &response.content {
            Some(content) => {
                let decode = decode_body(content, scope);
                (Vec::new(), quote! { Ok(#enum_name::#variant(#decode)) })
            }
            None => (Vec::new(), quote! { Ok(#enum_name::#variant) }),
        }
    };
    let (mut statements, value) = value;
    let reads_whole = response.content.is_some() || !response.headers.is_empty();
    if opened && reads_whole && !response.is_streamed() {
        statements.insert(0, quote! { let response = response.read().await?; });
    }
    let value = if statements.is_empty() {
        value
    } else {
        quote! {{
            #( #statements )*
            #value
        }}
    };
    let guard = response.when_media_type.as_ref().map(|media_type| quote! { if response.has_media_type(#media_type) });
    let pattern = match (pattern, guard) {
        (Some(pattern), guard) => Some(quote! { #pattern #guard }),
        (None, Some(guard)) => Some(quote! { _ #guard }),
        (None, None) => None,
    };
    (pattern, value)
}

fn response_match(operation: &Operation, opened: bool, scope: Scope) -> TokenStream {
    let mut arms = Vec::new();
    let mut fallback = if opened {
        quote! { Err(response.read().await?.unexpected()) }
    } else {
        quote! { Err(response.unexpected()) }
    };
    // Exact codes before ranges, as OpenAPI ranks them; `default` last. Of two bodies of one
    // status, the one chosen by its media type comes first.
    let mut ordered: Vec<&Response> = operation.responses.iter().collect();
    ordered.sort_by_key(|response| {
        let rank = match response.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        };
        (rank, response.when_media_type.is_none())
    });
    for response in ordered {
        match response_arm(operation, response, opened, scope) {
            (Some(pattern), value) => arms.push(quote! { #pattern => #value, }),
            (None, value) => fallback = value,
        }
    }
    let uses_status = operation.responses.iter().any(|response| !matches!(response.status, StatusMatch::Code(_)));
    let status = uses_status.then(|| quote! { let status = response.status().as_u16(); });
    if arms.is_empty() {
        return quote! { #status #fallback };
    }
    let scrutinee = if uses_status {
        quote! { status }
    } else {
        quote! { response.status().as_u16() }
    };
    quote! {
        #status
        match #scrutinee {
            #( #arms )*
            _ => #fallback,
        }
    }
}

/// Where a status documents a streamed body beside another, the request's `Accept` lists
/// the media types the operation reads, so that the server may choose.
fn accept_statement(operation: &Operation) -> Option<TokenStream> {
    if operation.responses.iter().all(|response| response.when_media_type.is_none()) {
        return None;
    }
    let mut media_types: Vec<&str> = Vec::new();
    for content in operation.responses.iter().filter_map(|response| response.content.as_ref()) {
        if !media_types.contains(&content.concrete_media_type.as_str()) {
            media_types.push(&content.concrete_media_type);
        }
    }
    let accept = media_types.join(", ");
    Some(quote! { http_request.accept(#accept); })
}

fn operation_method(operation: &Operation, scope: Scope) -> TokenStream {
    let name = ident(&operation.name);
    let response_type = response_name(operation);
    let path = path_expression(operation);
    let request_param = has_request(operation).then(|| {
        let request_type = request_name(operation);
        quote! { , request: #request_type }
    });
    let params = operation.params.iter().filter(|param| param.location != ParamLocation::Path).map(|param| {
        let field = ident(&param.rust_name);
        let name = &param.wire_name;
        match param.location {
            ParamLocation::Query if param.allow_reserved => {
                let style = style_tokens(param);
                quote! { http_request.query_reserved(#name, &request.#field, #style); }
            }
            ParamLocation::Query => {
                let style = style_tokens(param);
                quote! { http_request.query(#name, &request.#field, #style); }
            }
            ParamLocation::QueryString => match &param.query_string {
                Some(QueryString::Form(fields)) => {
                    let fields = form_fields(fields);
                    quote! { http_request.query_string_form(&request.#field, #fields); }
                }
                Some(QueryString::Json) => quote! { http_request.query_string_json(&request.#field); },
                None | Some(QueryString::Raw) if param.required => {
                    quote! { http_request.query_string_raw(Some(&request.#field)); }
                }
                None | Some(QueryString::Raw) => quote! { http_request.query_string_raw(request.#field.as_deref()); },
            },
            ParamLocation::Header => {
                let explode = param.explode;
                quote! { http_request.header(#name, &request.#field, #explode); }
            }
            ParamLocation::Cookie if param.style == ParamStyle::Cookie => {
                let explode = param.explode;
                quote! { http_request.cookie_unencoded(#name, &request.#field, #explode); }
            }
            ParamLocation::Cookie => quote! { http_request.cookie(#name, &request.#field); },
            ParamLocation::Path => unreachable!("filtered above"),
        }
    });
    let params: Vec<_> = params.collect();
    let body = operation.body.as_ref().map(|body| body_statements(operation, body));
    let accept = accept_statement(operation);
    let mutable = (!params.is_empty() || body.is_some() || accept.is_some()).then(|| quote! { mut });
    let descriptor = ident(&operation.names.descriptor);
    // Only where the policy asks; checked before anything is sent.
    let check = super::validate::request_has_checks(operation, scope)
        .then(|| quote! { self.transport.check_request(&request)?; });
    // The checks of a response body other than a named type's name its type.
    let checks_name_types =
        operation.responses.iter().filter_map(|response| response.content.as_ref()).any(|content| {
            super::validate::response_checks(content, scope).is_some()
                && !super::validate::implements_validate(&content.ty, scope)
                && content.ty.named(Through::Everything).is_some()
        });
    let types = checks_name_types.then(|| quote! { use super::types; });
    let opened = operation.responses.iter().any(Response::is_streamed);
    let send = if opened {
        quote! { let response = self.transport.open(http_request).await?; }
    } else {
        quote! { let response = self.transport.send(http_request).await?; }
    };
    let matcher = response_match(operation, opened, scope);
    let doc = docs(summary_and_description(operation.summary.as_deref(), operation.description.as_deref()).as_deref());
    let route = route_doc(operation);
    let separator = (!doc.is_empty()).then(|| quote! { #[doc = ""] });
    let deprecated = operation.deprecated.then(|| quote! { #[deprecated] });
    let cfg = cfg(&operation.gate);
    quote! {
        #cfg
        #doc
        #separator
        #[doc = #route]
        #deprecated
        pub async fn #name(&self #request_param) -> Result<#response_type, Error> {
            #types
            #check
            let #mutable http_request = self.transport.request_for(&#descriptor, #path);
            #( #params )*
            #body
            #accept
            #send
            #matcher
        }
    }
}
