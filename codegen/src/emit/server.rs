//! The `server` module: an `Api` trait with one method per operation, and a `router`
//! function that serves an implementation with axum.

use super::operations::{body_enum_name, has_request, is_struct_variant, request_name, response_name};
use super::tokens::{
    cfg, default_expression, docs, event_data, event_sentinel, form_fields, ident, inline, inline_prose,
    operations_prelude, own_default, route_doc, summary_and_description, Scope,
};
use super::{item, ModuleItems};
use crate::model::{
    Api, Body, Capture, Content, DefaultValue, Gate, MediaKind, Method, Operation, Param, ParamLocation, ParamStyle,
    Piece, QueryString, StatusMatch, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> ModuleItems<'_> {
    let secured_api = routed(api).any(|operation| operation.security.is_secured());
    // Per routed operation a handler, a parser and a reply, in three runs.
    let handlers = routed(api).map(|operation| item(move || gated(operation, handler(operation, secured_api))));
    let parsers = routed(api)
        .filter(|operation| has_request(operation))
        .map(|operation| item(move || gated(operation, parser(operation, Scope::elsewhere(&api.types)))));
    let replies = routed(api).map(|operation| item(move || gated(operation, into_response(operation))));
    ModuleItems { head: item(move || head(api, secured_api)), items: handlers.chain(parsers).chain(replies).collect() }
}

/// The operations the server routes.
fn routed(api: &Api) -> impl Iterator<Item = &Operation> {
    api.operations.iter().filter(|operation| operation.route.is_some())
}

/// An operation's item, compiled under its gate.
fn gated(operation: &Operation, item: TokenStream) -> TokenStream {
    let cfg = cfg(&operation.gate);
    quote! { #cfg #item }
}

/// The imports, the `Api` trait and the `router`.
fn head(api: &Api, secured_api: bool) -> TokenStream {
    let trait_methods = routed(api).map(|operation| gated(operation, trait_method(operation)));
    let claims = secured_api.then(|| {
        quote! {
            /// What the router's authenticator proves about a caller (a token's claims, say);
            /// operations whose `security` requires a credential receive it.
            type Claims: Send + 'static;

        }
    });
    let router_doc = if api.base_path.is_empty() {
        " Serves `api`: one route per operation.".to_owned()
    } else {
        format!(" Serves `api`: one route per operation, under the base path `{}`.", inline(&api.base_path))
    };
    let secured_routes = routes(api, quote! { service });
    let plain_routes = routes(api, quote! { api });
    let router = if secured_api {
        quote! {
            #[doc = #router_doc]
            ///
            /// Operations whose `security` requires a credential run only once `authenticator`
            /// accepts the one presented: without one, or with one it refuses, the answer is a
            /// 401 problem with a `WWW-Authenticate` challenge; without a required scope, a 403.
            ///
            /// Unknown paths get a 404 problem, other methods a 405 problem, and a panic in a
            /// method a 500 problem while the server goes on.
            pub fn router<S: Api>(api: S, authenticator: impl Authenticate<Claims = S::Claims>) -> Router {
                let service = Secured::new(api, SECURITY_SCHEMES, authenticator);
                #secured_routes
                apigen_runtime::server::finish(routes)
            }
        }
    } else {
        quote! {
            #[doc = #router_doc]
            ///
            /// Unknown paths get a 404 problem, other methods a 405 problem, and a panic in a
            /// method a 500 problem while the server goes on.
            pub fn router<S: Api>(api: S) -> Router {
                #plain_routes
                apigen_runtime::server::finish(routes)
            }
        }
    };
    let title = format!(
        " The {} (version {}), as a service implements it.",
        inline_prose(&api.title),
        inline_prose(&api.version)
    );
    let prelude = operations_prelude();
    quote! {
        #prelude

        #[doc = #title]
        ///
        /// Each method answers with one of the operation's documented responses, or with a
        /// `HandlerError`: an internal failure (a 500 problem) or a hand-built response for
        /// what the spec does not cover. Requests reach a method only once their parameters
        /// and body have been parsed; bad ones are answered with a 4xx problem.
        pub trait Api: Send + Sync + 'static {
            #claims
            #( #trait_methods )*

            /// Answers a request refused before any method ran (`operation` names the
            /// operation): a missing or invalid parameter or body, an unsupported media type,
            /// a missing or refused credential. By default the RFC 9457 problem, with its
            /// `WWW-Authenticate` challenge; override it to answer in the shape the spec
            /// documents for such errors.
            fn refuse(&self, _operation: &'static str, refusal: Refusal) -> apigen_runtime::server::axum::response::Response {
                apigen_runtime::server::axum::response::IntoResponse::into_response(refusal)
            }
        }

        #router
    }
}

/// Result type of a handler method, as a future.
fn future_type(operation: &Operation) -> TokenStream {
    let response = response_name(operation);
    quote! { impl Future<Output = Result<#response, HandlerError>> + Send }
}

fn trait_method(operation: &Operation) -> TokenStream {
    let name = ident(&operation.name);
    let output = future_type(operation);
    let claims = operation.security.is_secured().then(|| {
        if operation.security.allows_anonymous() {
            quote! { , claims: Option<Self::Claims> }
        } else {
            quote! { , claims: Self::Claims }
        }
    });
    let request = has_request(operation).then(|| {
        let request_type = request_name(operation);
        quote! { , request: #request_type }
    });
    let doc = docs(summary_and_description(operation.summary.as_deref(), operation.description.as_deref()).as_deref());
    let route = route_doc(operation);
    let separator = (!doc.is_empty()).then(|| quote! { #[doc = ""] });
    quote! {
        #doc
        #separator
        #[doc = #route]
        fn #name(&self #claims #request) -> #output;
    }
}

fn handler_name(operation: &Operation) -> proc_macro2::Ident {
    ident(&operation.names.handler)
}

fn parser_name(operation: &Operation) -> proc_macro2::Ident {
    ident(&operation.names.parser)
}

fn handler(operation: &Operation, secured_api: bool) -> TokenStream {
    let name = handler_name(operation);
    let method = ident(&operation.name);
    // A secured API's state also holds the guard that checks credentials.
    let (state, api) = if secured_api {
        (quote! { State(service): State<Arc<Secured<S, S::Claims>>> }, quote! { service.api })
    } else {
        (quote! { State(api): State<Arc<S>> }, quote! { api })
    };
    let descriptor = ident(&operation.names.descriptor);
    let operation_name = quote! { #descriptor.name };
    let check = operation.security.is_secured().then(|| {
        let requirements = quote! { #descriptor.security };
        let check =
            if operation.security.allows_anonymous() { format_ident!("allow") } else { format_ident!("require") };
        quote! {
            let claims = match service.guard.#check(#requirements, &parts).await {
                Ok(claims) => claims,
                Err(refusal) => return #api.refuse(#operation_name, refusal),
            };
        }
    });
    let parse = has_request(operation).then(|| {
        let parser = parser_name(operation);
        quote! {
            let request = match #parser(&parts) {
                Ok(request) => request,
                Err(problem) => return #api.refuse(#operation_name, problem.into()),
            };
        }
    });
    // A stream-only body is left unread for the method to read as it arrives.
    let streamed = operation.body.as_ref().is_some_and(Body::is_stream_only);
    let parts = (check.is_some() || parse.is_some()).then(|| {
        if streamed {
            quote! { , StreamedParts(parts): StreamedParts }
        } else {
            quote! { , parts: RequestParts }
        }
    });
    let claims_arg = check.is_some().then(|| quote! { claims });
    let request_arg = parse.is_some().then(|| quote! { request });
    let args = claims_arg.into_iter().chain(request_arg);
    quote! {
        async fn #name<S: Api>(#state #parts) -> Response {
            serving(&#descriptor);
            #check
            #parse
            match #api.#method(#( #args ),*).await {
                Ok(response) => response.into_response(),
                Err(error) => error.into_response(),
            }
        }
    }
}

fn is_list(ty: &Type) -> bool {
    match ty {
        Type::Array(_) => true,
        Type::Nullable(inner) => is_list(inner),
        _ => false,
    }
}

/// What separates the items of a non-exploded query value.
fn separator(style: ParamStyle) -> char {
    match style {
        ParamStyle::SpaceDelimited => ' ',
        ParamStyle::PipeDelimited => '|',
        _ => ',',
    }
}

fn param_expression(param: &Param, scope: Scope) -> TokenStream {
    let name = &param.wire_name;
    let explode_object = param.explode;
    let location = param.location.as_str();
    let read = match param.location {
        ParamLocation::Path => {
            return match &param.capture {
                Some(Capture { name: capture, segment: Some(segment) }) => {
                    let pieces = segment.pieces.iter().map(|piece| match piece {
                        Piece::Text(text) => quote! { params::Piece::Text(#text) },
                        Piece::Param(name) => quote! { params::Piece::Param(#name) },
                    });
                    quote! { parts.path_in_segment(#capture, &[ #( #pieces ),* ], #name)? }
                }
                Some(Capture { name: capture, segment: None }) if param.style == ParamStyle::Label => {
                    let explode = param.explode;
                    quote! { parts.path_label(#capture, #name, #explode)? }
                }
                Some(Capture { name: capture, segment: None }) if param.style == ParamStyle::Matrix => {
                    let explode = param.explode;
                    quote! { parts.path_matrix(#capture, #name, #explode)? }
                }
                Some(Capture { name: capture, segment: None }) if param.object && param.explode => {
                    quote! { parts.path_exploded(#capture, #name)? }
                }
                Some(Capture { name: capture, segment: None }) if capture != name => {
                    quote! { parts.path_captured_as(#capture, #name)? }
                }
                _ => quote! { parts.path(#name)? },
            };
        }
        ParamLocation::Query if is_list(&param.ty) => {
            // Exploded, the delimited styles repeat the name as exploded `form` does.
            let explode = param.explode
                && matches!(param.style, ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited);
            let separator = separator(param.style);
            quote! { parts.query_list(#name, #explode, #separator)? }
        }
        ParamLocation::Query if param.object => {
            let deep = param.style == ParamStyle::DeepObject;
            let separator = separator(param.style);
            quote! { parts.query_object(#name, #deep, #explode_object, #separator)? }
        }
        ParamLocation::Query => quote! { parts.query(#name)? },
        ParamLocation::QueryString => {
            let empty_is_absent = !param.required;
            match &param.query_string {
                Some(QueryString::Form(fields)) => {
                    let fields = form_fields(fields);
                    quote! { parts.query_string_form(#name, #fields, #empty_is_absent)? }
                }
                Some(QueryString::Json) => quote! { parts.query_string_json(#name)? },
                None | Some(QueryString::Raw) => quote! { parts.query_string_raw(#empty_is_absent) },
            }
        }
        ParamLocation::Header if param.object && param.explode => quote! { parts.header_exploded(#name)? },
        ParamLocation::Header => quote! { parts.header(#name)? },
        ParamLocation::Cookie if param.style == ParamStyle::Cookie && param.explode && is_list(&param.ty) => {
            quote! { parts.cookie_unencoded_exploded(#name, false)? }
        }
        ParamLocation::Cookie if param.style == ParamStyle::Cookie && param.explode && param.object => {
            quote! { parts.cookie_unencoded_exploded(#name, true)? }
        }
        ParamLocation::Cookie if param.style == ParamStyle::Cookie => quote! { parts.cookie_unencoded(#name)? },
        ParamLocation::Cookie if is_list(&param.ty) => quote! { parts.cookie_list(#name)? },
        ParamLocation::Cookie if param.object => quote! { parts.cookie_object(#name)? },
        ParamLocation::Cookie => quote! { parts.cookie(#name)? },
    };
    if param.required {
        quote! { #read.ok_or_else(|| Problem::missing_parameter(#location, #name))? }
    } else if param.default.is_some() {
        // A constant as it is; a value that allocates only when it is needed.
        match own_default(param.default.as_ref()) {
            None => quote! { #read.unwrap_or_default() },
            Some(default) => {
                let value = default_expression(default, &param.ty, scope);
                match default {
                    DefaultValue::String(_) | DefaultValue::List(_) => quote! { #read.unwrap_or_else(|| #value) },
                    _ => quote! { #read.unwrap_or(#value) },
                }
            }
        }
    } else {
        read
    }
}

fn decode_content(content: &Content) -> TokenStream {
    match content.kind {
        MediaKind::Json if content.notes_undeclared => quote! { parts.json_body_noting_undeclared()? },
        MediaKind::Json => quote! { parts.json_body()? },
        MediaKind::Form => {
            let fields = form_fields(&content.form_fields);
            quote! { parts.form_body(#fields)? }
        }
        MediaKind::Multipart => quote! { parts.multipart_body()? },
        MediaKind::Text => quote! { parts.text_body()? },
        MediaKind::JsonLines => quote! { parts.items_body(apigen_runtime::stream::Framing::Lines) },
        MediaKind::JsonSeq => quote! { parts.items_body(apigen_runtime::stream::Framing::Sequence) },
        // A binary body is a stream (the model sends event streams in requests as binary ones).
        MediaKind::Binary | MediaKind::EventStream => quote! { parts.byte_stream_body() },
    }
}

fn body_expression(operation: &Operation, body: &Body) -> TokenStream {
    let accepted: Vec<&String> = body.contents.iter().flat_map(|content| &content.accepted).collect();
    let decoded = match body.contents.as_slice() {
        // A stream is handed over unread: nothing to fail on.
        [single] if single.is_streamed() => {
            let decode = decode_content(single);
            quote! { parts.body_media(&[ #( #accepted ),* ])?.map(|_| #decode) }
        }
        [single] => {
            let decode = decode_content(single);
            quote! {
                match parts.body_media(&[ #( #accepted ),* ])? {
                    Some(_) => Some(#decode),
                    None => None,
                }
            }
        }
        several => {
            let enum_name = body_enum_name(operation);
            let mut index = 0usize;
            let mut arms = Vec::new();
            for content in several {
                let variant = ident(&content.variant);
                let decode = decode_content(content);
                let first = index;
                index += content.accepted.len();
                let last = index - 1;
                let (first, last) =
                    (proc_macro2::Literal::usize_unsuffixed(first), proc_macro2::Literal::usize_unsuffixed(last));
                let pattern = if first.to_string() == last.to_string() {
                    quote! { Some(#first) }
                } else {
                    quote! { Some(#first..=#last) }
                };
                arms.push(quote! { #pattern => Some(#enum_name::#variant(#decode)), });
            }
            quote! {
                match parts.body_media(&[ #( #accepted ),* ])? {
                    #( #arms )*
                    _ => None,
                }
            }
        }
    };
    if body.required {
        quote! { (#decoded).ok_or_else(Problem::missing_body)? }
    } else {
        decoded
    }
}

/// The checks of a request's parameters and body against their schemas' constraints, every
/// violation collected (empty when there is nothing to check).
fn parser(operation: &Operation, scope: Scope) -> TokenStream {
    let name = parser_name(operation);
    let request_type = request_name(operation);
    let fields = operation.params.iter().map(|param| {
        let field = ident(&param.rust_name);
        let value = param_expression(param, scope);
        quote! { #field: #value }
    });
    let body = operation.body.as_ref().map(|body| {
        let value = body_expression(operation, body);
        quote! { body: #value, }
    });
    // A default naming an enum variant names the type, as `types::Order`.
    let names_types = operation.params.iter().any(|param| matches!(param.default, Some(DefaultValue::Variant { .. })));
    let types = names_types.then(|| quote! { use super::types; });
    let value = if !super::validate::request_has_checks(operation, scope) {
        quote! {
            Ok(#request_type {
                #( #fields, )*
                #body
            })
        }
    } else {
        quote! {
            let request = #request_type {
                #( #fields, )*
                #body
            };
            let mut check = parts.check();
            apigen_runtime::validate::Validate::validate(&request, &mut check);
            Problem::check(check.into_violations())?;
            Ok(request)
        }
    };
    quote! {
        fn #name(parts: &RequestParts) -> Result<#request_type, Problem> {
            #types
            #value
        }
    }
}

fn reply_body(content: &Content, status: TokenStream) -> TokenStream {
    let media_type = &content.concrete_media_type;
    match content.kind {
        MediaKind::Json => quote! { reply::json(#status, #media_type, &body) },
        MediaKind::Form => {
            let fields = form_fields(&content.form_fields);
            quote! { reply::form(#status, &body, #fields) }
        }
        MediaKind::Text => quote! { reply::raw(#status, #media_type, body) },
        MediaKind::Binary | MediaKind::Multipart => quote! { reply::byte_stream(#status, #media_type, body) },
        MediaKind::EventStream => {
            let data = event_data(content);
            let sentinel = event_sentinel(content);
            quote! { reply::events(#status, body, #data, #sentinel) }
        }
        MediaKind::JsonLines => {
            quote! { reply::items(#status, #media_type, body, apigen_runtime::stream::Framing::Lines) }
        }
        MediaKind::JsonSeq => {
            quote! { reply::items(#status, #media_type, body, apigen_runtime::stream::Framing::Sequence) }
        }
    }
}

fn into_response(operation: &Operation) -> TokenStream {
    let enum_name = response_name(operation);
    let arms = operation.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let status = match response.status {
            StatusMatch::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                quote! { #code }
            }
            StatusMatch::Range(_) | StatusMatch::Default => quote! { status },
        };
        let reply = match &response.content {
            Some(content) => reply_body(content, status),
            None => quote! { reply::empty(#status) },
        };
        if is_struct_variant(response) {
            let status_field = (!matches!(response.status, StatusMatch::Code(_))).then(|| quote! { status, });
            let body_field = response.content.as_ref().map(|_| quote! { body, });
            let header_fields: Vec<_> = response.headers.iter().map(|header| ident(&header.rust_name)).collect();
            // reply::header(reply::header(body, "a", &a), "b", &b): one expression, no rebinding.
            let reply = response.headers.iter().fold(reply, |reply, header| {
                let field = ident(&header.rust_name);
                let name = &header.wire_name;
                if header.explode {
                    quote! { reply::header_exploded(#reply, #name, &#field) }
                } else {
                    quote! { reply::header(#reply, #name, &#field) }
                }
            });
            quote! {
                #enum_name::#variant { #status_field #body_field #( #header_fields, )* } => #reply,
            }
        } else if response.content.is_some() {
            quote! { #enum_name::#variant(body) => #reply, }
        } else {
            quote! { #enum_name::#variant => #reply, }
        }
    });
    quote! {
        impl IntoResponse for #enum_name {
            fn into_response(self) -> Response {
                match self {
                    #( #arms )*
                }
            }
        }
    }
}

/// `let routes = Router::new().route("/path", routing::get(handle_a::<S>).post(handle_b::<S>))
/// .with_state(Arc::new(state));`, one `.route` per path. Where operations are gated, each
/// path's operations of one gate are a statement of their own under it (axum merges the
/// methods of one path). Methods axum has no slot for (QUERY, `additionalOperations`) are one
/// `ExtensionMethods` per path, merged in the same way.
fn routes(api: &Api, state: TokenStream) -> TokenStream {
    let mut groups: Vec<(&str, &Gate, Vec<&Operation>)> = Vec::new();
    let mut extended: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for operation in &api.operations {
        let Some(route) = operation.route.as_deref() else { continue };
        if operation.method.routing_name().is_none() {
            match extended.iter_mut().find(|(existing, _)| *existing == route) {
                Some((_, operations)) => operations.push(operation),
                None => extended.push((route, vec![operation])),
            }
            continue;
        }
        match groups.iter_mut().find(|(existing, gate, _)| *existing == route && **gate == operation.gate) {
            Some((_, _, operations)) => operations.push(operation),
            None => groups.push((route, &operation.gate, vec![operation])),
        }
    }
    let route_calls = groups.iter().map(|(route, gate, operations)| {
        let mut chain = TokenStream::new();
        for (index, operation) in operations.iter().enumerate() {
            let method = format_ident!("{}", operation.method.routing_name().unwrap_or_default());
            let handler = handler_name(operation);
            chain = if index == 0 {
                quote! { routing::#method(#handler::<S>) }
            } else {
                quote! { #chain.#method(#handler::<S>) }
            };
        }
        (cfg(gate), quote! { .route(#route, #chain) })
    });
    // Each path's extension methods are one `ExtensionMethods`, an arm under each gate.
    let extension_statements: Vec<TokenStream> = extended
        .iter()
        .map(|(route, operations)| {
            let allow = allowed_methods(api, route);
            let arms = operations.iter().map(|operation| {
                let (method, handler, cfg) = (operation.method.as_str(), handler_name(operation), cfg(&operation.gate));
                quote! {
                    #cfg
                    let methods = methods.on(#method, #handler::<S>);
                }
            });
            quote! {
                let methods = ExtensionMethods::new(#allow);
                #( #arms )*
                let routes = routes.route(#route, methods.attach(routing::MethodRouter::new()));
            }
        })
        .collect();
    if groups.iter().all(|(_, gate, _)| **gate == Gate::Always) {
        let calls = route_calls.map(|(_, call)| call);
        if extension_statements.is_empty() {
            return quote! { let routes = Router::new() #( #calls )* .with_state(Arc::new(#state)); };
        }
        return quote! {
            let routes = Router::new() #( #calls )*;
            #( #extension_statements )*
            let routes = routes.with_state(Arc::new(#state));
        };
    }
    let statements = route_calls.map(|(cfg, call)| {
        quote! {
            #cfg
            let routes = routes #call;
        }
    });
    quote! {
        let routes = Router::new();
        #( #statements )*
        #( #extension_statements )*
        let routes = routes.with_state(Arc::new(#state));
    }
}

/// The `Allow` list of a route: every method routed there, HEAD with GET as axum answers it.
fn allowed_methods(api: &Api, route: &str) -> String {
    let mut methods: Vec<&str> = Vec::new();
    for operation in api.operations.iter().filter(|operation| operation.route.as_deref() == Some(route)) {
        let head = (operation.method == Method::Get).then_some("HEAD");
        for method in std::iter::once(operation.method.as_str()).chain(head) {
            if !methods.contains(&method) {
                methods.push(method);
            }
        }
    }
    methods.join(", ")
}
