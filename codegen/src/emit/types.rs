//! The `types` module: one Rust type per named schema.

use super::halves::{Halves, SerdeImpls};
use super::tokens::{
    added, cfg, default_expression, default_impl, docs, ident, inline, optional_type, own_default, prelude, rust_type,
    serde_crate, Added, Scope,
};
use super::{item, ModuleItems};
use crate::model::{Access, Enumeration, Field, Struct, TypeDef, TypeDefKind, Union};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(defs: &[TypeDef], halves: Halves) -> ModuleItems<'_> {
    let scope = Scope::types_module(defs);
    let items = defs.iter().map(|def| item(move || definition(def, scope, halves.serde_impls(def)))).collect();
    ModuleItems { head: item(prelude), items }
}

fn definition(def: &TypeDef, scope: Scope, impls: SerdeImpls) -> TokenStream {
    let definition = type_definition(def, scope, &impls);
    let validation = super::validate::implementation(def, scope);
    quote! { #definition #validation }
}

/// `, Serialize, Deserialize` for a derive list, as far as each is always derived; and the
/// `cfg_attr` derives of those compiled under a cfg.
fn serde_derives(impls: &SerdeImpls, serialize: bool, deserialize: bool) -> (TokenStream, TokenStream) {
    let (ser, de) = (quote! { Serialize }, quote! { Deserialize });
    let mut listed = TokenStream::new();
    let mut gated = TokenStream::new();
    if serialize {
        listed.extend(impls.serialize.derived(ser.clone()));
        gated.extend(impls.serialize.derived_under_cfg(ser));
    }
    if deserialize {
        listed.extend(impls.deserialize.derived(de.clone()));
        gated.extend(impls.deserialize.derived_under_cfg(de));
    }
    (listed, gated)
}

/// What every item of one definition shares.
struct Head<'a> {
    name: proc_macro2::Ident,
    /// Its gate, then its docs.
    doc: TokenStream,
    added: Added,
    cfg: Option<TokenStream>,
    impls: &'a SerdeImpls,
}

fn type_definition(def: &TypeDef, scope: Scope, impls: &SerdeImpls) -> TokenStream {
    let name = ident(&def.name);
    let cfg = cfg(&def.gate);
    // The gate goes first, on every item the definition makes.
    let description = docs(def.docs.as_deref());
    let doc = quote! { #cfg #description };
    let added = added(&def.additions);
    match &def.kind {
        TypeDefKind::Struct(definition) => {
            let head = Head { name, doc, added, cfg, impls };
            structure(&head, definition, def.read_by_servers, scope)
        }
        TypeDefKind::Enum(enumeration_def) => enumeration(&name, &doc, &added, enumeration_def, impls),
        TypeDefKind::Union(union) => {
            let head = Head { name, doc, added, cfg, impls };
            union_enum(&head, def.docs.is_some(), union, scope)
        }
        TypeDefKind::Alias(ty) => {
            let ty = rust_type(ty, scope);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
        TypeDefKind::Newtype(ty) => {
            let ty = rust_type(ty, scope);
            let serde_crate = serde_crate();
            let Added { derives, attributes } = added;
            let (serde, gated) = serde_derives(impls, true, true);
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq #serde #derives)]
                #gated
                #serde_crate
                #[serde(transparent)]
                #attributes
                pub struct #name(pub #ty);
            }
        }
    }
}

/// A string enum, with its catch-all variant if it has one (see [`Enumeration::other`]).
fn enumeration(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    added: &Added,
    enumeration: &Enumeration,
    impls: &SerdeImpls,
) -> TokenStream {
    let known = enumeration.variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let value = &variant.wire_name;
        let doc = docs(variant.docs.as_deref());
        quote! {
            #doc
            #[serde(rename = #value)]
            #variant_name
        }
    });
    let catch_all = enumeration.other.as_deref().map(|other| {
        let other = ident(other);
        quote! {
            /// A value the spec does not list (refused in what a server reads).
            #[serde(untagged)]
            #other(apigen_runtime::OtherValue),
        }
    });
    // The catch-all holds a String: no longer `Copy`.
    let copy = catch_all.is_none().then(|| quote! { Copy, });
    let serde_crate = serde_crate();
    let Added { derives, attributes } = added;
    let (serde, gated) = serde_derives(impls, true, true);
    quote! {
        #doc
        #[derive(Clone, #copy Debug, PartialEq, Eq, Hash, PartialOrd, Ord #serde #derives)]
        #gated
        #serde_crate
        #attributes
        #[allow(clippy::enum_variant_names)]
        pub enum #name {
            #( #known, )*
            #catch_all
        }
    }
}

fn structure(head: &Head<'_>, definition: &Struct, read_by_servers: bool, scope: Scope) -> TokenStream {
    let (name, doc, added, cfg, impls) = (&head.name, &head.doc, &head.added, head.cfg.as_ref(), head.impls);
    let fields = definition.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let wire_name = &field.wire_name;
        let rename = (field.rust_name != field.wire_name).then(|| quote! { #[serde(rename = #wire_name)] });
        let way = match field.access {
            Access::Both => None,
            Access::ReadOnly => Some("Read-only: responses carry it; a client leaves it out of a request, and a server refuses it there."),
            Access::WriteOnly => Some("Write-only: requests carry it, and a server leaves it out of a response."),
        };
        let doc = match (field.docs.as_deref(), way) {
            (Some(text), Some(way)) => docs(Some(&format!("{text}\n\n{way}"))),
            (text, way) => docs(text.or(way)),
        };
        // A member one way carries is left out of what goes the other way.
        let skip = match field.access {
            Access::Both => "Option::is_none",
            Access::ReadOnly => "apigen_runtime::access::skip_read_only",
            Access::WriteOnly => "apigen_runtime::access::skip_write_only",
        };
        let (ty, serde) = match &field.default {
            Some(_) if own_default(field.default.as_ref()).is_none() => {
                (rust_type(&field.ty, scope), quote! { #[serde(default)] })
            }
            Some(_) => {
                let function = format!("{name}::{}", default_function(field));
                (rust_type(&field.ty, scope), quote! { #[serde(default = #function)] })
            }
            None if field.required => (rust_type(&field.ty, scope), TokenStream::new()),
            // Optional, of a type that holds null (a nullable, any JSON value, an alias of
            // either): absent (`None`), null (`Some(None)`, `Some(Value::Null)`) and a value
            // are three different requests, as a PATCH tells them apart.
            None if scope.holds_null(&field.ty) => {
                let ty = rust_type(&field.ty, scope);
                let serde = quote! {
                    #[serde(default, skip_serializing_if = #skip, deserialize_with = "apigen_runtime::nullable::present")]
                };
                (quote! { Option<#ty> }, serde)
            }
            // A server refuses a null the schema does not allow; a client reads it as absent.
            None if read_by_servers => {
                let serde = quote! {
                    #[serde(default, skip_serializing_if = #skip, deserialize_with = "apigen_runtime::nullable::not_null")]
                };
                (optional_type(&field.ty, scope), serde)
            }
            None => (optional_type(&field.ty, scope), quote! { #[serde(default, skip_serializing_if = #skip)] }),
        };
        quote! {
            #doc
            #rename
            #serde
            pub #field_name: #ty
        }
    });
    let additional = definition.additional.as_ref().map(|members| {
        let value = rust_type(&members.ty, scope);
        let field_name = ident(&members.rust_name);
        quote! {
            /// Members beyond the declared ones.
            #[serde(flatten)]
            pub #field_name: BTreeMap<String, #value>
        }
    });
    let choice = definition.choice.as_ref().map(|choice| {
        let ty = rust_type(&choice.ty, scope);
        let field_name = ident(&choice.rust_name);
        quote! {
            /// The choice these members come with.
            #[serde(flatten)]
            pub #field_name: #ty
        }
    });
    let defaults = defaults(name, cfg, definition, scope);
    let derive_default =
        definition.defaultable && definition.fields.iter().all(|field| own_default(field.default.as_ref()).is_none());
    let default = derive_default.then(|| quote! { Default, });
    // With a secret among the fields, `Debug` is written out to redact it.
    let redacting = definition.fields.iter().any(|field| field.secret).then(|| redacting_debug(name, cfg, definition));
    let debug = redacting.is_none().then(|| quote! { Debug, });
    let serde_crate = serde_crate();
    let Added { derives, attributes } = added;
    let (serde, gated) = serde_derives(impls, true, true);
    quote! {
        #doc
        #[derive(Clone, #debug #default PartialEq #serde #derives)]
        #gated
        #serde_crate
        #attributes
        pub struct #name {
            #( #fields, )*
            #additional
            #choice
        }

        #redacting
        #defaults
    }
}

fn default_function(field: &Field) -> proc_macro2::Ident {
    format_ident!("default_{}", field.rust_name)
}

/// The functions serde reads absent members' defaults from, and `Default` where every member
/// is optional: the spec's defaults, not the Rust type's.
fn defaults(name: &proc_macro2::Ident, cfg: Option<&TokenStream>, definition: &Struct, scope: Scope) -> TokenStream {
    let defaulted: Vec<&Field> =
        definition.fields.iter().filter(|field| own_default(field.default.as_ref()).is_some()).collect();
    if defaulted.is_empty() {
        return TokenStream::new();
    }
    let functions = defaulted.iter().map(|field| {
        let function = default_function(field);
        let ty = rust_type(&field.ty, scope);
        let value = field.default.as_ref().map(|value| default_expression(value, &field.ty, scope));
        let doc = format!(" The spec's default of `{}`.", field.wire_name.replace('`', "'"));
        // Public: serde reads it where `Deserialize` is compiled, which may be nowhere.
        quote! {
            #[doc = #doc]
            pub fn #function() -> #ty {
                #value
            }
        }
    });
    let default_impl = definition.defaultable.then(|| {
        let fields = definition.fields.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            if own_default(field.default.as_ref()).is_some() {
                let function = default_function(field);
                quote! { #field_name: Self::#function() }
            } else {
                quote! { #field_name: Default::default() }
            }
        });
        let additional = definition.additional.as_ref().map(|members| {
            let field_name = ident(&members.rust_name);
            quote! { #field_name: Default::default() }
        });
        default_impl(name, cfg, fields.chain(additional).collect())
    });
    quote! {
        #cfg
        impl #name {
            #( #functions )*
        }

        #default_impl
    }
}

/// `Debug` that prints secrets (passwords, keys, tokens) as `<redacted>`, so a logged
/// request or response does not leak them.
fn redacting_debug(name: &proc_macro2::Ident, cfg: Option<&TokenStream>, definition: &Struct) -> TokenStream {
    let type_name = name.to_string();
    let fields = definition.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let label = field.rust_name.trim_start_matches("r#");
        if field.secret {
            quote! { .field(#label, &"<redacted>") }
        } else {
            quote! { .field(#label, &self.#field_name) }
        }
    });
    let choice = definition.choice.as_ref().map(|choice| {
        let field_name = ident(&choice.rust_name);
        let label = choice.rust_name.trim_start_matches("r#");
        quote! { .field(#label, &self.#field_name) }
    });
    let rest = if definition.additional.is_some() {
        quote! { .finish_non_exhaustive() }
    } else {
        quote! { .finish() }
    };
    quote! {
        #cfg
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#type_name)
                    #( #fields )*
                    #choice
                    #rest
            }
        }
    }
}

/// `Deserialize` for an untagged union that tries the variants declaring more of a value's
/// members first.
fn untagged_by_members(
    name: &proc_macro2::Ident,
    cfg: Option<&TokenStream>,
    union: &Union,
    impls: &SerdeImpls,
) -> TokenStream {
    let Some(compiled) = impls.deserialize.impl_cfg() else { return TokenStream::new() };
    let members = union.variants.iter().map(|variant| {
        let names = &variant.members;
        quote! { &[#( #names ),*] }
    });
    let arms = union.variants.iter().enumerate().map(|(index, variant)| {
        let variant_name = ident(&variant.name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote! { #index => apigen_runtime::unions::from_value(value.clone()).map(Self::#variant_name), }
    });
    let unmatched = format!("data did not match any variant of untagged enum {name}");
    let body = quote! {
        for variant in apigen_runtime::unions::by_members(&value, &[#( #members ),*]) {
            let read = match variant {
                #( #arms )*
                _ => continue,
            };
            if let Ok(read) = read {
                return Ok(read);
            }
        }
        Err(serde::de::Error::custom(#unmatched))
    };
    deserialize_from_value(name, cfg, compiled, body)
}

/// `Deserialize` that reads one JSON value, as `value`, and then runs `body`.
fn deserialize_from_value(
    name: &proc_macro2::Ident,
    cfg: Option<&TokenStream>,
    compiled: TokenStream,
    body: TokenStream,
) -> TokenStream {
    quote! {
        #cfg
        #compiled
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #body
            }
        }
    }
}

fn union_enum(head: &Head<'_>, has_docs: bool, union: &Union, scope: Scope) -> TokenStream {
    let (name, doc, added, cfg, impls) = (&head.name, &head.doc, &head.added, head.cfg.as_ref(), head.impls);
    let variants = union.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let ty = rust_type(&variant.ty, scope);
        quote! { #variant_name(#ty) }
    });
    let serde_crate = serde_crate();
    let Added { derives, attributes } = added;
    let Some(property) = &union.discriminator else {
        // Where variants declare members, the ones declaring more of a value's members are
        // tried first (serde alone tries them in order, and the first that reads the value
        // wins, dropping what it does not declare), each read so that a struct takes an
        // object only (serde's buffered untagged read lets a struct take an array).
        let by_members = union.variants.iter().any(|variant| !variant.members.is_empty());
        let (serde, gated) = serde_derives(impls, true, !by_members);
        let deserialize = by_members.then(|| untagged_by_members(name, cfg, union, impls));
        // With `Deserialize` written out, `Serialize` is the one derive the helpers are for.
        let helpers = quote! { #serde_crate #[serde(untagged)] };
        let helpers = if by_members { impls.serialize.helpers(helpers) } else { helpers };
        return quote! {
            #doc
            #[derive(Clone, Debug, PartialEq #serde #derives)]
            #gated
            #helpers
            #attributes
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #( #variants, )*
            }

            #deserialize
        };
    };
    // Deserialization reads the property first and decodes only that variant. Serialization
    // is untagged where each variant's type declares the property itself; otherwise the
    // property is written beside the variant's members.
    let writes_tag = union.variants.iter().any(|variant| variant.writes_tag);
    let serialize = writes_tag.then(|| impls.serialize.impl_cfg()).flatten().map(|compiled| {
        let arms = union.variants.iter().map(|variant| {
            let variant_name = ident(&variant.name);
            match variant.tags.first().filter(|_| variant.writes_tag) {
                Some(tag) => quote! {
                    Self::#variant_name(value) => apigen_runtime::unions::serialize_with_tag(value, #property, #tag, serializer),
                },
                None => quote! { Self::#variant_name(value) => value.serialize(serializer), },
            }
        });
        quote! {
            #cfg
            #compiled
            impl Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    match self {
                        #( #arms )*
                    }
                }
            }
        }
    });
    // Without a serde derive, no serde attributes either.
    let (derived_serialize, gated_serialize, serde_attributes) = if writes_tag {
        (TokenStream::new(), TokenStream::new(), TokenStream::new())
    } else {
        let (derived, gated) = serde_derives(impls, true, false);
        (derived, gated, impls.serialize.helpers(quote! { #serde_crate #[serde(untagged)] }))
    };
    let arms = union.variants.iter().map(|variant| {
        let variant_name = ident(&variant.name);
        let tags = &variant.tags;
        quote! { Some(#( #tags )|*) => apigen_runtime::unions::from_value(value).map(Self::#variant_name), }
    });
    let expected: Vec<&str> = union.variants.iter().flat_map(|variant| &variant.tags).map(String::as_str).collect();
    let unknown = format!("unknown {property} {{other:?}}; expected one of: {}", expected.join(", "));
    let deserialize = impls.deserialize.impl_cfg().map(|compiled| {
        let body = quote! {
            let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
            match tag.as_deref() {
                #( #arms )*
                Some(other) => return Err(serde::de::Error::custom(format!(#unknown))),
                None => return Err(serde::de::Error::missing_field(#property)),
            }
            .map_err(serde::de::Error::custom)
        };
        deserialize_from_value(name, cfg, compiled, body)
    });
    let doc_tag = format!(" The variant is chosen by the `{}` member.", inline(property));
    let separator = has_docs.then(|| quote! { #[doc = ""] });
    quote! {
        #doc
        #separator
        #[doc = #doc_tag]
        #[derive(Clone, Debug, PartialEq #derived_serialize #derives)]
        #gated_serialize
        #serde_attributes
        #attributes
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #( #variants, )*
        }

        #serialize

        #deserialize
    }
}
