//! Security as client and server share it: the spec's schemes as one constant of the
//! `operations` module, and an operation's `security` as the runtime takes it.

use super::tokens::option_literal;
use crate::model::{Api, ParamLocation, SchemeKind, Security, SecurityScheme};
use proc_macro2::TokenStream;
use quote::quote;

/// `pub const SECURITY_SCHEMES`.
pub fn schemes_const(api: &Api) -> TokenStream {
    let schemes = api.security_schemes.iter().map(scheme_tokens);
    quote! {
        /// The security schemes of the spec, as the client sends and the server checks them.
        pub const SECURITY_SCHEMES: &[SecurityScheme] = &[ #( #schemes ),* ];
    }
}

fn scheme_tokens(scheme: &SecurityScheme) -> TokenStream {
    let name = &scheme.name;
    let kind = match &scheme.kind {
        SchemeKind::Bearer => quote! { SchemeKind::Bearer },
        SchemeKind::Basic => quote! { SchemeKind::Basic },
        SchemeKind::ApiKey { location, name, prefix } => {
            let location = match location {
                ParamLocation::Query => quote! { KeyLocation::Query },
                ParamLocation::Cookie => quote! { KeyLocation::Cookie },
                _ => quote! { KeyLocation::Header },
            };
            let prefix = option_literal(prefix.as_ref());
            quote! { SchemeKind::ApiKey { location: #location, name: #name, prefix: #prefix } }
        }
    };
    quote! { SecurityScheme { name: #name, kind: #kind } }
}

/// `&[&[Requirement { scheme: "a", scopes: &["read"] }]]`, as the server checks them.
pub fn requirements(security: &Security) -> TokenStream {
    let alternatives = security.alternatives.iter().map(|alternative| {
        let requirements = alternative.iter().map(|requirement| {
            let scheme = &requirement.scheme;
            let scopes = &requirement.scopes;
            quote! { Requirement { scheme: #scheme, scopes: &[ #( #scopes ),* ] } }
        });
        quote! { &[ #( #requirements ),* ] }
    });
    quote! { &[ #( #alternatives ),* ] }
}
