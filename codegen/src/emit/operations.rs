//! The `operations` module: per operation, a request struct (parameters and body) and a
//! response enum (one variant per documented status). Client and server share both.

use super::tokens::{
    added, cfg, default_expression, default_impl, docs, ident, inline, inline_prose, optional_type, own_default,
    prelude, route_doc, rust_type, summary_and_description, Added, Scope,
};
use super::{item, ModuleItems};
use crate::model::{Api, Body, Gate, Operation, Response, StatusMatch, Through};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

pub fn request_name(operation: &Operation) -> Ident {
    ident(&operation.names.request)
}

pub fn response_name(operation: &Operation) -> Ident {
    ident(&operation.names.response)
}

pub fn body_enum_name(operation: &Operation) -> Ident {
    ident(&operation.names.request_body)
}

/// Whether the operation takes a request value at all.
pub fn has_request(operation: &Operation) -> bool {
    !operation.params.is_empty() || operation.body.is_some()
}

/// Whether a response variant carries named fields (a status, headers) rather than a bare body.
pub fn is_struct_variant(response: &Response) -> bool {
    !matches!(response.status, StatusMatch::Code(_)) || !response.headers.is_empty()
}

pub fn emit(api: &Api) -> ModuleItems<'_> {
    let scope = Scope::elsewhere(&api.types);
    let items = api
        .operations
        .iter()
        .map(|operation| {
            item(move || {
                let cfg = cfg(&operation.gate);
                let descriptor = descriptor(operation, cfg.as_ref());
                let request = has_request(operation).then(|| {
                    let checks = super::validate::request_implementation(operation, cfg.as_ref(), scope);
                    let request = request_struct(operation, cfg.as_ref(), scope);
                    quote! { #request #checks }
                });
                let response = response_enum(operation, cfg.as_ref(), scope);
                quote! { #descriptor #request #response }
            })
        })
        .collect();
    ModuleItems { head: item(move || head(api)), items }
}

/// `pub const AUTH_TOKEN_CREATE: Operation = ..`: what client, server and a refresh binding
/// read of the operation.
fn descriptor(operation: &Operation, cfg: Option<&TokenStream>) -> TokenStream {
    let constant = ident(&operation.names.descriptor);
    let name = &operation.name;
    let id = &operation.id;
    let method = operation.method.as_str();
    let path = operation.path.as_str();
    let security = super::security::requirements(&operation.security);
    let doc = route_doc(operation);
    quote! {
        #cfg
        #[doc = #doc]
        pub const #constant: Operation = Operation {
            name: #name,
            id: #id,
            method: #method,
            path: #path,
            security: #security,
        };
    }
}

/// The imports and the security schemes.
fn head(api: &Api) -> TokenStream {
    let operations = &api.operations;
    let uses_types =
        Gate::union(operations.iter().filter(|operation| uses_types(operation)).map(|operation| &operation.gate));
    let import = uses_types.map(|gate| {
        let cfg = cfg(&gate);
        quote! {
            #cfg
            use super::types;
        }
    });
    let schemes = super::security::schemes_const(api);
    let prelude = prelude();
    quote! {
        #import
        #prelude
        #schemes
    }
}

fn uses_types(operation: &Operation) -> bool {
    operation.types().any(|ty| ty.named(Through::Everything).is_some())
}

fn body_type(operation: &Operation, body: &Body, scope: Scope) -> TokenStream {
    match body.contents.as_slice() {
        [single] => rust_type(&single.ty, scope),
        _ => {
            let name = body_enum_name(operation);
            quote! { #name }
        }
    }
}

fn request_struct(operation: &Operation, cfg: Option<&TokenStream>, scope: Scope) -> TokenStream {
    let name = request_name(operation);
    let doc = format!(" Parameters and body of `{}`.", operation.name);
    let params = operation.params.iter().map(|param| {
        let field = ident(&param.rust_name);
        let ty = if param.required || param.default.is_some() {
            rust_type(&param.ty, scope)
        } else {
            optional_type(&param.ty, scope)
        };
        let location = format!(" The {} parameter `{}`.", param.location.as_str(), inline(&param.wire_name));
        let description = docs(param.docs.as_deref());
        let separator = param.docs.is_some().then(|| quote! { #[doc = ""] });
        quote! {
            #description
            #separator
            #[doc = #location]
            pub #field: #ty
        }
    });
    let body = operation.body.as_ref().map(|body| {
        let ty = body_type(operation, body, scope);
        let ty = if body.required {
            ty
        } else {
            quote! { Option<#ty> }
        };
        let doc = docs(Some(body.docs.as_deref().unwrap_or("The request body.")));
        quote! {
            #doc
            pub body: #ty
        }
    });
    // A stream can be neither cloned nor compared.
    let streamed = operation.body.as_ref().is_some_and(Body::is_streamed);
    let body_derives = if streamed {
        quote! { Debug }
    } else {
        quote! { Clone, Debug, PartialEq }
    };
    let body_enum = operation.body.as_ref().filter(|body| body.contents.len() > 1).map(|body| {
        let enum_name = body_enum_name(operation);
        let variants = body.contents.iter().map(|content| {
            let variant = ident(&content.variant);
            let ty = rust_type(&content.ty, scope);
            let doc = format!(" Sent as `{}`.", inline(&content.concrete_media_type));
            quote! {
                #[doc = #doc]
                #variant(#ty)
            }
        });
        let doc = format!(" The body of `{}`, in one of the media types it accepts.", operation.name);
        quote! {
            #cfg
            #[doc = #doc]
            #[derive(#body_derives)]
            #[allow(clippy::large_enum_variant)]
            pub enum #enum_name {
                #( #variants, )*
            }
        }
    });
    let defaultable = operation.params.iter().all(|param| !param.required)
        && operation.body.as_ref().is_none_or(|body| !body.required);
    let defaulted = operation.params.iter().any(|param| own_default(param.default.as_ref()).is_some());
    let default = (defaultable && !defaulted).then(|| quote! { Default, });
    // Where a parameter has a default, `Default` gives it (not the Rust type's).
    let default_impl = (defaultable && defaulted).then(|| {
        let fields = operation.params.iter().map(|param| {
            let field = ident(&param.rust_name);
            match own_default(param.default.as_ref()) {
                Some(value) => {
                    let value = default_expression(value, &param.ty, scope);
                    quote! { #field: #value }
                }
                None => quote! { #field: Default::default() },
            }
        });
        let body = operation.body.as_ref().map(|_| quote! { body: None });
        default_impl(&name, cfg, fields.chain(body).collect())
    });
    let Added { derives, attributes } = added(&operation.additions);
    let derives = if streamed {
        let default = default.is_some().then(|| quote! { , Default });
        quote! { Debug #default }
    } else {
        quote! { Clone, Debug, #default PartialEq #derives }
    };
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(#derives)]
        #attributes
        pub struct #name {
            #( #params, )*
            #body
        }
        #default_impl
        #body_enum
    }
}

fn status_doc(response: &Response) -> String {
    let status = match response.status {
        StatusMatch::Default => "Any other status".to_owned(),
        other => other.key(),
    };
    match &response.docs {
        Some(text) => format!(" {status}: {}", inline_prose(text)),
        None => format!(" {status}."),
    }
}

fn response_enum(operation: &Operation, cfg: Option<&TokenStream>, scope: Scope) -> TokenStream {
    let name = response_name(operation);
    let variants = operation.responses.iter().map(|response| {
        let variant = ident(&response.variant);
        let doc = status_doc(response);
        let body_type = response.content.as_ref().map(|content| rust_type(&content.ty, scope));
        if is_struct_variant(response) {
            let status = (!matches!(response.status, StatusMatch::Code(_))).then(|| quote! { status: u16, });
            let body = body_type.map(|ty| quote! { body: #ty, });
            let headers = response.headers.iter().map(|header| {
                let field = ident(&header.rust_name);
                let ty = optional_type(&header.ty, scope);
                let doc = docs(header.docs.as_deref());
                let wire = format!(" The `{}` header.", inline(&header.wire_name));
                quote! {
                    #doc
                    #[doc = #wire]
                    #field: #ty,
                }
            });
            quote! {
                #[doc = #doc]
                #variant { #status #body #( #headers )* }
            }
        } else {
            match body_type {
                Some(ty) => quote! {
                    #[doc = #doc]
                    #variant(#ty)
                },
                None => quote! {
                    #[doc = #doc]
                    #variant
                },
            }
        }
    });
    let summary = summary_and_description(operation.summary.as_deref(), None);
    let doc = match summary {
        Some(summary) => format!(" The documented responses of `{}`: {}", operation.name, inline_prose(&summary)),
        None => format!(" The documented responses of `{}`.", operation.name),
    };
    let Added { derives, attributes } = added(&operation.additions);
    // A stream can be neither cloned nor compared, so an enum holding one is only `Debug`.
    let derives = if operation.responses.iter().any(Response::is_streamed) {
        quote! { Debug }
    } else {
        quote! { Clone, Debug, PartialEq #derives }
    };
    quote! {
        #cfg
        #[doc = #doc]
        #[derive(#derives)]
        #[allow(clippy::large_enum_variant)]
        #attributes
        pub enum #name {
            #( #variants, )*
        }
    }
}
