//! How generated modules are laid out on disk: as a crate of their own (`generated/`), or as
//! one file of inline modules for `include!` from a build script.
//!
//! Laying out is split around formatting: [`plan`] cuts the modules into parts,
//! [`part_tokens`] wraps a part's emitted items as its file holds them, [`join_parts`] joins the
//! formatted parts into modules, and [`files`] assembles the modules into files.

use crate::emit::{self, doc_lines, inline, item, Item, Module, ModuleItems, Parts};
use crate::format::{format, separate_items};
use crate::model::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::path::PathBuf;

/// How a generated crate's `Cargo.toml` names `apigen-runtime`, its one dependency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path, absolute or relative to the generated crate's root.
    Path(String),
    /// A version requirement, resolved from a registry.
    Version(String),
    /// A git repository, at a revision (a commit, tag or branch) or its default branch.
    Git { url: String, rev: Option<String> },
}

impl RuntimeDependency {
    /// The dependency as a TOML inline table's keys (`path = "../runtime"`).
    fn source(&self) -> String {
        match self {
            RuntimeDependency::Path(path) => format!("path = {}", toml_string(path)),
            RuntimeDependency::Version(version) => format!("version = {}", toml_string(version)),
            RuntimeDependency::Git { url, rev: None } => format!("git = {}", toml_string(url)),
            RuntimeDependency::Git { url, rev: Some(rev) } => {
                format!("git = {}, rev = {}", toml_string(url), toml_string(rev))
            }
        }
    }
}

/// Where the generated code goes.
#[derive(Clone, Copy, Debug)]
pub enum Layout<'a> {
    /// A crate named `package` that depends on `runtime`.
    Crate { package: &'a str, runtime: &'a RuntimeDependency },
    /// One file of inline modules, `<stem>.rs`, for `include!(concat!(env!("OUT_DIR"), "/<stem>.rs"))`.
    ModuleFile { stem: &'a str },
}

/// Lints that spec prose can trip in rustdoc text (the text is the spec's, kept as
/// written), and deep types that schemas nest as they please.
fn generated_lints(inner: bool) -> TokenStream {
    let lints =
        quote! { allow(clippy::doc_lazy_continuation, clippy::doc_overindented_list_items, clippy::type_complexity) };
    if inner {
        quote! { #![#lints] }
    } else {
        quote! { #[#lints] }
    }
}

/// One piece of work for the emit and format stages: a module's items, or a run of them.
pub struct Part<'a> {
    pub module: Module,
    /// Whether the part opens its module (its head and docs; in a module file, all of it).
    pub first: bool,
    /// Emits the part's tokens, wrapped as its file holds them.
    pub emit: Item<'a>,
}

/// Large flat modules are split into parts of this many repeated items, so that the parts
/// can be formatted in parallel and no parse tree holds a whole large module.
const ITEMS_PER_PART: usize = 250;

/// Each module's items as parts, in order: in a crate, runs of [`ITEMS_PER_PART`] items, the
/// first after the module's docs and head; in a module file, one part per module, inside
/// `pub mod name { .. }`.
pub fn parts<'a>(modules: Vec<(Module, ModuleItems<'a>)>, layout: Layout<'_>) -> Vec<Part<'a>> {
    let mut parts = Vec::new();
    for (module, ModuleItems { head, items }) in modules {
        let doc = module.doc();
        match layout {
            Layout::Crate { .. } => {
                let mut items = items.into_iter();
                let first: Vec<Item> = items.by_ref().take(ITEMS_PER_PART).collect();
                let emit = item(move || {
                    let head = head();
                    let first = first.into_iter().map(|emit| emit());
                    quote! {
                        #![doc = #doc]
                        #head
                        #( #first )*
                    }
                });
                parts.push(Part { module, first: true, emit });
                loop {
                    let run: Vec<Item> = items.by_ref().take(ITEMS_PER_PART).collect();
                    if run.is_empty() {
                        break;
                    }
                    let emit = item(move || {
                        let run = run.into_iter().map(|emit| emit());
                        quote! { #( #run )* }
                    });
                    parts.push(Part { module, first: false, emit });
                }
            }
            Layout::ModuleFile { .. } => {
                let emit = item(move || {
                    let lints = generated_lints(false);
                    let name = format_ident!("{}", module.name());
                    let head = head();
                    let items = items.into_iter().map(|emit| emit());
                    quote! {
                        #lints
                        pub mod #name {
                            #![doc = #doc]
                            #head
                            #( #items )*
                        }
                    }
                });
                parts.push(Part { module, first: true, emit });
            }
        }
    }
    parts
}

/// The format stage's last step: each module's text from its parts' unparsed texts, given
/// with whether each part opens its module.
pub fn join_parts(parts: impl IntoIterator<Item = (bool, String)>) -> Vec<String> {
    let mut modules: Vec<String> = Vec::new();
    for (first, text) in parts {
        match modules.last_mut() {
            Some(module) if !first => module.push_str(&text),
            _ => modules.push(text),
        }
    }
    modules.iter().map(|text| separate_items(text)).collect()
}

fn crate_docs(api: &Api, source: &str) -> String {
    let mut text = format!("# {} (version {})\n", inline(&api.title), inline(&api.version));
    if let Some(description) = api.description.as_deref().map(str::trim).filter(|text| !text.is_empty()) {
        text.push('\n');
        text.push_str(description);
        text.push('\n');
    }
    text.push_str(&format!("\nGenerated by apigen from `{source}`; do not edit."));
    text
}

fn generated_header(source: &str) -> String {
    format!("// @generated by apigen from {source}; do not edit.\n")
}

/// The files of the layout (paths relative to its root), from each module of `parts` with its
/// formatted text, in [`emit::modules`] order.
pub fn files(
    api: &Api,
    parts: Parts,
    source: &str,
    layout: Layout,
    formatted: Vec<String>,
) -> Result<Vec<(PathBuf, String)>, String> {
    let modules = emit::modules(parts);
    let header = generated_header(source);
    match layout {
        Layout::ModuleFile { stem } => Ok(vec![(PathBuf::from(format!("{stem}.rs")), header + &formatted.join("\n"))]),
        Layout::Crate { package, runtime } => {
            let mut files =
                vec![(PathBuf::from("src/lib.rs"), format!("{header}{}", format(lib_tokens(api, source, &modules))?))];
            for (module, text) in modules.iter().zip(formatted) {
                files.push((PathBuf::from(format!("src/{}.rs", module.name())), format!("{header}{text}")));
            }
            files.push((PathBuf::from("Cargo.toml"), cargo_toml(api, source, package, runtime, parts)));
            Ok(files)
        }
    }
}

fn lib_tokens(api: &Api, source: &str, modules: &[Module]) -> TokenStream {
    let lints = generated_lints(true);
    let declarations = modules.iter().map(|module| {
        let name = format_ident!("{}", module.name());
        let cfg = module.feature().map(|feature| quote! { #[cfg(feature = #feature)] });
        quote! {
            #cfg
            pub mod #name;
        }
    });
    let client_export =
        modules.contains(&Module::Client).then(|| quote! { #[cfg(feature = "client")] pub use client::Client; });
    let server_export =
        modules.contains(&Module::Server).then(|| quote! { #[cfg(feature = "server")] pub use server::{router, Api}; });
    let crate_doc = doc_lines(&crate_docs(api, source));
    let recursion_limit = recursion_limit(api).map(|limit| {
        let limit = limit.to_string();
        quote! { #![recursion_limit = #limit] }
    });
    quote! {
        #( #![doc = #crate_doc] )*
        #lints
        #recursion_limit
        #( #declarations )*
        #client_export
        #server_export
    }
}

/// A recursion limit above the compiler's 128 for types that nest deeper than it can prove
/// their auto traits (rustdoc documents `Send`, `RefUnwindSafe`, ... of every type, and
/// a chain of Stripe's types is 41 deep, which overflows the default).
fn recursion_limit(api: &Api) -> Option<usize> {
    const DEFAULT: usize = 128;
    // Each level of members costs the trait solver about three levels of its own (the
    // field's type, the named type: `Option<Box<T>>` is three); twice that, for margin.
    let needed = api.type_nesting_depth() * 6;
    (needed > DEFAULT).then(|| needed.next_power_of_two())
}

fn toml_string(text: &str) -> String {
    // A JSON string is a valid TOML basic string.
    serde_json::Value::String(text.to_owned()).to_string()
}

fn cargo_toml(api: &Api, source: &str, package: &str, runtime: &RuntimeDependency, parts: Parts) -> String {
    let description = toml_string(&format!(
        "Client and server for the {} (version {}), generated by apigen",
        inline(&api.title),
        inline(&api.version)
    ));
    let mut defaults = Vec::new();
    let mut features = String::new();
    if parts.client {
        defaults.push("\"client\"".to_owned());
        features.push_str("client = [\"apigen-runtime/client\"]\n");
    }
    if parts.server {
        defaults.push("\"server\"".to_owned());
        features.push_str("server = [\"apigen-runtime/server\"]\n");
    }
    if parts.client || parts.server {
        features.push_str(
            "# A span per operation, with OpenTelemetry's HTTP field names.\ntracing = [\"apigen-runtime/tracing\"]\n",
        );
    }
    if !api.tag_features.is_empty() {
        features.push_str(
            "# One feature per tag: each compiles the tag's operations and the types they use.\n\
             # For fewer, depend with `default-features = false, features = [\"client\", \"<tag>\", ...]`.\n",
        );
    }
    for feature in &api.tag_features {
        defaults.push(toml_string(&feature.name));
        let tag: String =
            feature.tag.chars().map(|character| if character.is_control() { ' ' } else { character }).collect();
        let count = match feature.operations {
            1 => "1 operation".to_owned(),
            count => format!("{count} operations"),
        };
        features.push_str(&format!("{} = [] # tag {tag:?}: {count}\n", feature.name));
    }
    let defaults = if api.tag_features.is_empty() {
        defaults.join(", ")
    } else {
        format!("\n    {},\n", defaults.join(",\n    "))
    };
    format!(
        "# @generated by apigen from {source}; do not edit.\n\
         [package]\n\
         name = {package}\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         description = {description}\n\
         \n\
         [lib]\n\
         doctest = false\n\
         \n\
         [features]\n\
         default = [{defaults}]\n\
         {features}\
         \n\
         [dependencies]\n\
         apigen-runtime = {{ {runtime}, default-features = false{runtime_features} }}\n",
        package = toml_string(package),
        runtime_features = match api.runtime_features() {
            features if features.is_empty() => String::new(),
            features => {
                let names: Vec<String> = features.iter().map(|feature| toml_string(feature)).collect();
                format!(", features = [{}]", names.join(", "))
            }
        },
        defaults = defaults,
        runtime = runtime.source(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spec large enough that every flat module is cut into several parts.
    fn large_spec() -> String {
        let mut text = String::from("openapi: 3.0.3\ninfo: {title: Large, version: '1'}\npaths:\n");
        for index in 0..300 {
            text.push_str(&format!(
                "  /things{index}/{{id}}:\n    get:\n      operationId: getThing{index}\n      tags: [tag{}]\n      \
                 parameters: [{{name: id, in: path, required: true, schema: {{type: string}}}}]\n      \
                 responses:\n        '200':\n          description: it\n          content:\n            \
                 application/json: {{schema: {{$ref: '#/components/schemas/Thing{index}'}}}}\n",
                index % 3
            ));
        }
        text.push_str("components:\n  schemas:\n");
        for index in 0..600 {
            text.push_str(&format!(
                "    Thing{index}:\n      type: object\n      properties:\n        name: {{type: string}}\n        \
                 kind: {{type: string, enum: [a, b]}}\n"
            ));
        }
        text
    }

    #[test]
    fn parts_join_into_the_whole_module() {
        let loaded = crate::load::load(&large_spec(), false, None).unwrap();
        let (api, _) = crate::model::build(&loaded, &crate::Config::default());
        let parts = Parts { client: true, server: true };
        let runtime = RuntimeDependency::Path("../runtime".to_owned());
        let layout = Layout::Crate { package: "large", runtime: &runtime };
        let halves = emit::Halves { parts, gated: true };
        let emitted =
            || emit::modules(parts).into_iter().map(|module| (module, emit::emit(&api, module, halves))).collect();
        let cut = super::parts(emitted(), layout);
        assert!(cut.len() > 8, "only {} parts", cut.len());
        let joined =
            join_parts(cut.into_iter().map(|part| (part.first, crate::format::unparse((part.emit)()).unwrap())));
        let modules: Vec<(Module, ModuleItems)> = emitted();
        for ((module, ModuleItems { head, items }), text) in modules.into_iter().zip(joined) {
            let doc = module.doc();
            let head = head();
            let items = items.into_iter().map(|emit| emit());
            let whole = quote! {
                #![doc = #doc]
                #head
                #( #items )*
            };
            assert_eq!(text, format(whole).unwrap(), "{}", module.name());
        }
    }
}
