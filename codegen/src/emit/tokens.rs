//! Small pieces every emitter uses: identifiers, rustdoc, and Rust spellings of model types.

use crate::model::{
    Additions, Content, DefaultValue, FloatWidth, FormField, Format, Gate, IntegerWidth, Operation, ParamStyle, Type,
    TypeDef,
};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, ToTokens};

/// An identifier, raw where the name is a keyword (`r#type`).
pub fn ident(name: &str) -> Ident {
    if crate::model::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        format_ident!("{}", name)
    }
}

/// Rustdoc attributes for spec text.
pub fn docs(text: Option<&str>) -> TokenStream {
    let lines = doc_lines(text.unwrap_or_default());
    quote! { #( #[doc = #lines] )* }
}

/// Spec text for the middle of one doc line: line breaks become spaces, so that the text
/// cannot open a code block (which rustdoc would compile and run as a doctest).
pub fn inline(text: &str) -> String {
    text.split(is_line_break).map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Spec prose for the middle of one doc line, as [`inline`] makes it, read by rustdoc as
/// the text it is (see [`super::prose`]).
pub fn inline_prose(text: &str) -> String {
    super::prose::escape_line(&inline(text))
}

/// Every line break Unicode knows: each ends a doc line, or a printed comment would break
/// mid-line.
fn is_line_break(character: char) -> bool {
    matches!(character, '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Spec text as rustdoc lines (each with its leading space). Every fenced block opens as a
/// `text` block, whatever language it names: rustdoc would compile and run `rust` blocks,
/// and blocks without a language, as doctests of the generated crate.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    // Tabs become spaces, as rustdoc prefers.
    let text = text.replace("\r\n", "\n").replace('\t', "    ");
    // The fence that opened the current block (CommonMark: backticks or tildes).
    let mut open_fence: Option<&str> = None;
    let lines = text.split(is_line_break).map(|line| {
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|fence| trimmed.starts_with(fence));
        let line = match (fence, open_fence) {
            (Some(fence), None) => {
                open_fence = Some(fence);
                let indent = &line[..line.len() - trimmed.len()];
                format!("{indent}{fence}text")
            }
            (Some(fence), Some(opened))
                if fence == opened
                    && trimmed.trim_end().trim_end_matches(fence.chars().next().unwrap_or('`')).is_empty() =>
            {
                open_fence = None;
                line.to_owned()
            }
            (_, None) if line.starts_with("    ") => {
                // Indented blocks are doctests too; keep the text but not the indentation.
                super::prose::escape_line(line.trim_start())
            }
            (_, None) => super::prose::escape_line(line),
            _ => line.to_owned(),
        };
        format!(" {}", line.trim_end())
    });
    lines.collect()
}

/// `Some("text")` or `None`, as a constant of type `Option<&str>`.
pub fn option_literal(value: Option<&String>) -> TokenStream {
    match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    }
}

/// The import every generated module starts with: the runtime's prelude, whole. Not every
/// module uses all of it (a module of aliases may use none), hence the `allow`.
pub fn prelude() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use apigen_runtime::__private::*;
    }
}

/// The imports of the modules that use the operations' items (client and server): those
/// items whole, as the prelude, since a spec may have no operation, or a build none in its
/// tags; then the prelude.
pub fn operations_prelude() -> TokenStream {
    let prelude = prelude();
    quote! {
        #[allow(unused_imports)]
        use super::operations::*;
        #prelude
    }
}

/// An operation's method and path template as docs show them: `` `POST /auth/token` ``.
pub fn route_doc(operation: &Operation) -> String {
    format!(" `{} {}`", operation.method.as_str(), inline(operation.path.as_str()))
}

/// What the options add to a type: derives, to close its derive list (`, Eq, Hash`), and
/// attributes, to follow it.
pub struct Added {
    pub derives: TokenStream,
    pub attributes: TokenStream,
}

/// The options' additions as tokens; they were checked to parse when the options were read.
pub fn added(additions: &Additions) -> Added {
    let parse = |text: &String| text.parse::<TokenStream>().unwrap_or_default();
    let derives = additions.derives.iter().map(parse);
    let attributes = additions.attributes.iter().map(parse);
    Added { derives: quote! { #( , #derives )* }, attributes: quote! { #( #attributes )* } }
}

/// Points serde's derives at the runtime's serde, so a generated crate needs no serde
/// dependency of its own.
pub fn serde_crate() -> TokenStream {
    quote! { #[serde(crate = "apigen_runtime::__private::serde")] }
}

/// The `#[cfg]` of an item under `gate`; nothing for an item always compiled.
pub fn cfg(gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::AnyOf(features) => match features.as_slice() {
            [feature] => Some(quote! { #[cfg(feature = #feature)] }),
            _ => Some(quote! { #[cfg(any( #( feature = #features ),* ))] }),
        },
    }
}

/// Joins a summary and a description into one doc text.
pub fn summary_and_description(summary: Option<&str>, description: Option<&str>) -> Option<String> {
    match (summary, description) {
        (Some(summary), Some(description)) if summary.trim() != description.trim() => {
            Some(format!("{summary}\n\n{description}"))
        }
        (Some(summary), _) => Some(summary.to_owned()),
        (None, Some(description)) => Some(description.to_owned()),
        (None, None) => None,
    }
}

/// Where a type is spelled, with the named types it may name: inside the `types` module
/// they are in scope, elsewhere they are `types::Name`.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    types: &'a [TypeDef],
    qualified: bool,
}

impl<'a> Scope<'a> {
    /// Inside the `types` module.
    pub fn types_module(types: &'a [TypeDef]) -> Self {
        Scope { types, qualified: false }
    }

    /// In a module that imports `types`.
    pub fn elsewhere(types: &'a [TypeDef]) -> Self {
        Scope { types, qualified: true }
    }

    /// The definition of a named type.
    pub fn definition(&self, id: crate::model::TypeId) -> &'a TypeDef {
        &self.types[id.0]
    }

    /// Whether null is one of the values of `ty`.
    pub fn holds_null(&self, ty: &Type) -> bool {
        ty.holds_null(self.types)
    }
}

pub fn rust_type(ty: &Type, scope: Scope) -> TokenStream {
    match ty {
        Type::Named(id) => {
            let name = ident(&scope.types[id.0].name);
            if scope.qualified {
                quote! { types::#name }
            } else {
                quote! { #name }
            }
        }
        Type::String => quote! { String },
        Type::Integer(IntegerWidth::I8) => quote! { i8 },
        Type::Integer(IntegerWidth::I16) => quote! { i16 },
        Type::Integer(IntegerWidth::I32) => quote! { i32 },
        Type::Integer(IntegerWidth::I64) => quote! { i64 },
        Type::Integer(IntegerWidth::U8) => quote! { u8 },
        Type::Integer(IntegerWidth::U16) => quote! { u16 },
        Type::Integer(IntegerWidth::U32) => quote! { u32 },
        Type::Integer(IntegerWidth::U64) => quote! { u64 },
        Type::Float(FloatWidth::F32) => quote! { f32 },
        Type::Float(FloatWidth::F64) => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Format(Format::DateTime) => quote! { apigen_runtime::formats::DateTime },
        Type::Format(Format::Date) => quote! { apigen_runtime::formats::Date },
        Type::Format(Format::Uuid) => quote! { apigen_runtime::formats::Uuid },
        Type::Format(Format::Base64) => quote! { apigen_runtime::formats::Base64Bytes },
        Type::Format(Format::Ipv4) => quote! { std::net::Ipv4Addr },
        Type::Format(Format::Ipv6) => quote! { std::net::Ipv6Addr },
        Type::Multipart => quote! { apigen_runtime::Multipart },
        Type::Events(data) => {
            let data = rust_type(data, scope);
            quote! { apigen_runtime::EventStream<#data> }
        }
        Type::Items(item) => {
            let item = rust_type(item, scope);
            quote! { apigen_runtime::ItemStream<#item> }
        }
        Type::ByteStream => quote! { apigen_runtime::ByteStream },
        Type::Array(item) => {
            let item = rust_type(item, scope);
            quote! { Vec<#item> }
        }
        Type::Map(value) => {
            let value = rust_type(value, scope);
            quote! { BTreeMap<String, #value> }
        }
        Type::Any => quote! { serde_json::Value },
        Type::Nullable(inner) => {
            let inner = rust_type(inner, scope);
            quote! { Option<#inner> }
        }
        Type::Boxed(inner) => {
            let inner = rust_type(inner, scope);
            quote! { Box<#inner> }
        }
        // The model keeps only paths that parse as a type.
        Type::Path(path) => path.parse().unwrap_or_else(|_| quote! { serde_json::Value }),
    }
}

/// A default the Rust type's `Default` does not give (`20`, not `0`): the generated code
/// writes it out; the others are left to `Default`.
pub fn own_default(default: Option<&DefaultValue>) -> Option<&DefaultValue> {
    default.filter(|default| !default.is_rust_default())
}

/// `impl Default for Name` from each field's `field: value`: where a spec's defaults are not
/// the Rust types'.
pub fn default_impl(name: &Ident, cfg: Option<&TokenStream>, fields: Vec<TokenStream>) -> TokenStream {
    quote! {
        #cfg
        impl Default for #name {
            fn default() -> Self {
                #name {
                    #( #fields, )*
                }
            }
        }
    }
}

/// A default as an expression of its type `ty`: `String::from("plain")`, `20`, `Kind::Fast`,
/// `vec![...]`.
pub fn default_expression(value: &DefaultValue, ty: &Type, scope: Scope) -> TokenStream {
    match (value, ty) {
        (DefaultValue::String(text), _) => quote! { String::from(#text) },
        (DefaultValue::Integer(integer), _) => proc_macro2::Literal::i128_unsuffixed(*integer).into_token_stream(),
        // Written at the type's precision: an `f32` literal with more digits is a lint.
        (DefaultValue::Float(float), Type::Float(FloatWidth::F32)) => {
            proc_macro2::Literal::f32_unsuffixed(*float as f32).into_token_stream()
        }
        (DefaultValue::Float(float), _) => proc_macro2::Literal::f64_unsuffixed(*float).into_token_stream(),
        (DefaultValue::Boolean(boolean), _) => quote! { #boolean },
        (DefaultValue::Variant { rust_name, .. }, _) => {
            let ty = rust_type(ty, scope);
            let variant = ident(rust_name);
            quote! { #ty::#variant }
        }
        (DefaultValue::List(items), Type::Array(item_type)) if !items.is_empty() => {
            let items = items.iter().map(|item| default_expression(item, item_type, scope));
            quote! { vec![ #( #items ),* ] }
        }
        (DefaultValue::List(_), _) => quote! { Vec::new() },
    }
}

/// The type of a value that may be absent: `Option<T>`, without doubling an `Option`.
pub fn optional_type(ty: &Type, scope: Scope) -> TokenStream {
    match ty {
        Type::Nullable(_) => rust_type(ty, scope),
        other => {
            let inner = rust_type(other, scope);
            quote! { Option<#inner> }
        }
    }
}

/// The runtime's `Style` for a style and explode, spelled under `style_path` (`Style`
/// where imported).
pub fn style_value(style: ParamStyle, explode: bool, style_path: &TokenStream) -> TokenStream {
    match style {
        ParamStyle::Form => quote! { #style_path::Form { explode: #explode } },
        // Label and matrix are path styles, which paths encode themselves; cookies too.
        ParamStyle::Simple | ParamStyle::Label | ParamStyle::Matrix | ParamStyle::Cookie => {
            quote! { #style_path::Simple { explode: #explode } }
        }
        // Exploded, the delimited styles repeat the name as exploded `form` does.
        ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited if explode => {
            quote! { #style_path::Form { explode: true } }
        }
        ParamStyle::SpaceDelimited => quote! { #style_path::SpaceDelimited },
        ParamStyle::PipeDelimited => quote! { #style_path::PipeDelimited },
        ParamStyle::DeepObject => quote! { #style_path::DeepObject },
    }
}

/// A form body's Encoding Objects as the runtime takes them: `&[]` when all are defaults.
pub fn form_fields(fields: &[FormField]) -> TokenStream {
    let params = quote! { apigen_runtime::params };
    let style_path = quote! { #params::Style };
    let fields = fields.iter().map(|field| match field {
        FormField::Json { name } => quote! { #params::FormField::json(#name) },
        FormField::Styled { name, style, explode, allow_reserved } => {
            let style = style_value(*style, *explode, &style_path);
            quote! { #params::FormField::styled(#name, #style, #allow_reserved) }
        }
    });
    quote! { &[ #( #fields ),* ] }
}

/// How an event stream's data is typed: as the text itself where its schema is a string
/// (of a format too), else as JSON.
pub fn event_data(content: &Content) -> TokenStream {
    match &content.ty {
        Type::Events(data) if matches!(**data, Type::String | Type::Format(_)) => {
            quote! { apigen_runtime::stream::EventData::Text }
        }
        _ => quote! { apigen_runtime::stream::EventData::Json },
    }
}

/// The data that ends an event stream, as an `Option<&str>` expression.
pub fn event_sentinel(content: &Content) -> TokenStream {
    match &content.sentinel {
        Some(sentinel) => quote! { Some(#sentinel) },
        None => quote! { None },
    }
}

#[cfg(test)]
mod tests {
    use super::{doc_lines, inline};

    #[test]
    fn spec_text_never_becomes_a_doctest() {
        let text = "Example:\n```\nlet x = 1;\n```\n```rust\npanic!()\n```\n~~~ignore\nrm -rf /\n~~~\n```json\n{}\n```";
        assert_eq!(
            doc_lines(text),
            [
                " Example:",
                " ```text",
                " let x = 1;",
                " ```",
                " ```text",
                " panic!()",
                " ```",
                " ~~~text",
                " rm -rf /",
                " ~~~",
                " ```text",
                " {}",
                " ```"
            ]
        );
        // Indented code is a doctest too: the indentation goes.
        assert_eq!(doc_lines("Run:\n\n    panic!()"), [" Run:", " ", " panic!()"]);
        // A fence with an info string inside an open block is text of the block.
        assert_eq!(doc_lines("```\n```rust\n```"), [" ```text", " ```rust", " ```"]);
    }

    #[test]
    fn inline_text_has_no_line_breaks() {
        assert_eq!(inline(" A\n```\npanic!()\n```\u{2028}B "), "A ``` panic!() ``` B");
    }
}
