//! `generate!`: an OpenAPI spec expanded in place to the modules (`types`, `operations`,
//! `client`, `server`) that [`apigen::Builder::compile`] writes for `include!`, for a crate
//! that would rather not have a build script.
//!
//! ```ignore
//! mod auth {
//!     apigen_macros::generate!("specs/auth.yaml", server = false);
//! }
//! ```
//!
//! The path is relative to the invoking crate's root (`CARGO_MANIFEST_DIR`); the options of
//! the `apigen.toml` beside the spec apply (see `apigen::config`), `client` and `server`
//! given here over its own. The expansion
//! `include_str!`s the spec and its `apigen.toml`, so the crate rebuilds when either changes
//! (files the spec `$ref`s are not tracked). A spec that cannot be generated is a compile error naming its file and
//! the JSON pointer of the fault. A macro cannot raise warnings on stable Rust: the `apigen`
//! binary and the build script show them. As with the build script, the crate depends on
//! `apigen-runtime` alone.

use proc_macro::TokenStream;
use quote::quote;
use std::path::PathBuf;
use syn::parse::{Parse, ParseStream};
use syn::{LitBool, LitStr, Token};

/// `generate!("spec.yaml")`, or with `client = false` and/or `server = false` after the path.
#[proc_macro]
pub fn generate(input: TokenStream) -> TokenStream {
    let request = syn::parse_macro_input!(input as Request);
    match expand(&request) {
        Ok(tokens) => tokens.into(),
        Err(message) => syn::Error::new(request.spec.span(), message).to_compile_error().into(),
    }
}

/// What the invocation asks for.
struct Request {
    spec: LitStr,
    /// As the invocation says, if it does; else as `apigen.toml` says.
    client: Option<bool>,
    server: Option<bool>,
}

impl Parse for Request {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let spec: LitStr = input.parse()?;
        let mut request = Request { spec, client: None, server: None };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key: syn::Ident = input.parse()?;
            input.parse::<Token![=]>()?;
            let value: LitBool = input.parse()?;
            match key.to_string().as_str() {
                "client" => request.client = Some(value.value),
                "server" => request.server = Some(value.value),
                _ => return Err(syn::Error::new(key.span(), "expected `client` or `server`")),
            }
        }
        Ok(request)
    }
}

fn expand(request: &Request) -> Result<proc_macro2::TokenStream, String> {
    let root = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_default();
    let spec = root.join(request.spec.value());
    // The generator emits on worker threads, where the compiler's token API is not
    // available: it works on proc-macro2's own tokens until its text is written.
    let mut config = apigen::Config::beside(&spec)?.unwrap_or_default();
    config.client = request.client.or(config.client);
    config.server = request.server.or(config.server);
    proc_macro2::fallback::force();
    let text = apigen::Builder::new(&spec)
        .config(config)
        .generate()
        .and_then(|generated| generated.module_file())
        .map_err(|error| error.to_string());
    proc_macro2::fallback::unforce();
    let text = text?;
    let modules: proc_macro2::TokenStream =
        text.parse().map_err(|error| format!("apigen wrote code that does not parse (a bug): {error}"))?;
    // Makes the spec, and its options if it has any, inputs of this crate: an edit rebuilds it.
    let config = spec.parent().map(|folder| folder.join(apigen::config::FILE_NAME)).filter(|path| path.is_file());
    let tracked = std::iter::once(spec.clone()).chain(config).map(|path| path.to_string_lossy().into_owned());
    Ok(quote! {
        #( const _: &str = include_str!(#tracked); )*
        #modules
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(spec: &str) -> Request {
        Request { spec: LitStr::new(spec, proc_macro2::Span::call_site()), client: None, server: Some(false) }
    }

    #[test]
    fn expands_a_spec_to_its_modules() {
        let tokens = expand(&request("../../specs/auth-api-v2.yaml")).unwrap().to_string();
        for module in ["pub mod types", "pub mod operations", "pub mod client"] {
            assert!(tokens.contains(module), "{module}");
        }
        assert!(!tokens.contains("pub mod server"));
        assert!(tokens.contains("include_str !"));
    }

    #[test]
    fn a_spec_that_cannot_be_read_is_an_error_naming_it() {
        let error = expand(&request("absent.yaml")).unwrap_err();
        assert!(error.contains("absent.yaml"), "{error}");
    }

    #[test]
    fn options_follow_the_path() {
        let parsed: Request = syn::parse_str(r#""a.yaml", server = false"#).unwrap();
        assert_eq!((parsed.client, parsed.server), (None, Some(false)));
        assert!(syn::parse_str::<Request>(r#""a.yaml", tests = true"#).is_err());
    }
}
