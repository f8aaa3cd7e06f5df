//! Checks of schemas' constraints, as plain code: a `Validate` implementation per named type
//! that has something to check (itself or in a member, at any depth), and the checks of one
//! value of a type, which the server's request parsers run on parameters and bodies.

use super::tokens::{cfg, ident, Scope};
use crate::model::{Access, Bound, Constraints, Content, FloatWidth, Operation, Type, TypeDef, TypeDefKind};
use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};

/// `impl Validate for Name`, where the type validates and is not an alias (an alias's
/// checks run where it is used).
pub fn implementation(def: &TypeDef, scope: Scope) -> TokenStream {
    if !def.validates {
        return TokenStream::new();
    }
    let body = match &def.kind {
        TypeDefKind::Struct(definition) => {
            // A request's members beyond the declared ones, where the schema forbids them.
            let closed = (definition.closed && def.read_by_servers).then(|| quote! { check.closed(); });
            let fields = definition.fields.iter().map(|field| {
                let field_name = ident(&field.rust_name);
                let wire_name = &field.wire_name;
                let optional = !field.required && field.default.is_none();
                let enter = quote! { check.enter(#wire_name); };
                let leave = quote! { check.leave(); };
                // A read-only member is an `Option`: present, a request sent it.
                let read_only = (field.access == Access::ReadOnly && def.read_by_servers).then(|| {
                    quote! {
                        if self.#field_name.is_some() { #enter check.read_only(); #leave }
                    }
                });
                let checks = place_checks(
                    quote! { &self.#field_name },
                    optional,
                    &field.ty,
                    &field.constraints,
                    &enter,
                    &leave,
                    scope,
                );
                quote! { #read_only #checks }
            });
            // The undeclared members are a map's values; a flattened choice is at the
            // struct's own place.
            let (none, unconstrained) = (TokenStream::new(), Constraints::default());
            let additional = definition.additional.as_ref().map(|members| {
                let field_name = ident(&members.rust_name);
                let map = Type::Map(Box::new(members.ty.clone()));
                place_checks(quote! { &self.#field_name }, false, &map, &unconstrained, &none, &none, scope)
            });
            let choice = definition.choice.as_ref().map(|choice| {
                let field_name = ident(&choice.rust_name);
                place_checks(quote! { &self.#field_name }, false, &choice.ty, &unconstrained, &none, &none, scope)
            });
            let count = member_count(def, definition);
            quote! { #closed #count #( #fields )* #additional #choice }
        }
        TypeDefKind::Union(union) => {
            let arms = union.variants.iter().map(|variant| {
                let variant_name = ident(&variant.name);
                let checks = value_checks(&variant.ty, &Constraints::default(), scope);
                if checks.is_empty() {
                    quote! { Self::#variant_name(_) => {} }
                } else {
                    quote! { Self::#variant_name(value) => { #checks } }
                }
            });
            quote! {
                match self {
                    #( #arms )*
                }
            }
        }
        TypeDefKind::Newtype(ty) => {
            let checks = value_checks(ty, &def.constraints, scope);
            quote! { let value = &self.0; #checks }
        }
        TypeDefKind::Alias(_) | TypeDefKind::Enum(_) => return TokenStream::new(),
    };
    let name = ident(&def.name);
    let cfg = cfg(&def.gate);
    // The model marks only types with checks; a body left empty still compiles clean.
    let check = if body.is_empty() {
        quote! { _check }
    } else {
        quote! { check }
    };
    quote! {
        #cfg
        impl apigen_runtime::validate::Validate for #name {
            fn validate(&self, #check: &mut apigen_runtime::validate::Check) {
                #body
            }
        }
    }
}

/// A count bound as code: `Some(3)` or `None`.
fn size(value: Option<usize>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::usize_unsuffixed(value);
            quote! { Some(#value) }
        }
        None => quote! { None },
    }
}

/// `minProperties`/`maxProperties` of a struct: its members present, declared and not.
fn member_count(def: &TypeDef, definition: &crate::model::Struct) -> TokenStream {
    let (min, max) = (def.constraints.min_properties, def.constraints.max_properties);
    if min.is_none() && max.is_none() {
        return TokenStream::new();
    }
    // A flattened choice holds members of its own, uncounted here.
    if definition.choice.is_some() {
        return TokenStream::new();
    }
    // Required members are always there; a member with a default is there once decoded,
    // but may have been absent: it counts towards `minProperties` only, so that neither
    // bound refuses what the sender may have sent.
    let required = definition.fields.iter().filter(|field| field.required).count();
    let defaulted = definition.fields.iter().filter(|field| field.default.is_some()).count();
    let mut terms: Vec<TokenStream> = Vec::new();
    if required > 0 {
        terms.push(Literal::usize_unsuffixed(required).into_token_stream());
    }
    for field in definition.fields.iter().filter(|field| !field.required && field.default.is_none()) {
        let field_name = ident(&field.rust_name);
        terms.push(quote! { usize::from(self.#field_name.is_some()) });
    }
    if let Some(members) = &definition.additional {
        let field_name = ident(&members.rust_name);
        terms.push(quote! { self.#field_name.len() });
    }
    let counted = if terms.is_empty() {
        quote! { 0 }
    } else {
        quote! { #( #terms )+* }
    };
    if defaulted == 0 {
        let (min, max) = (size(min), size(max));
        return quote! { check.properties(#counted, #min, #max); };
    }
    let defaulted = Literal::usize_unsuffixed(defaulted);
    let at_least = min.map(|min| {
        let min = Literal::usize_unsuffixed(min);
        quote! { check.properties(counted + #defaulted, Some(#min), None); }
    });
    let at_most = max.map(|max| {
        let max = Literal::usize_unsuffixed(max);
        quote! { check.properties(counted, None, Some(#max)); }
    });
    quote! {
        let counted = #counted;
        #at_least
        #at_most
    }
}

/// The checks of the value at `place` (a reference to a member, parameter or body), between
/// `enter` and `leave` (which say where it is); `optional`: `place` is an `Option` of it, and
/// of an optional nullable `Option<Option<T>>`, matched in one pattern. Empty when there is
/// nothing to check.
pub fn place_checks(
    place: TokenStream,
    optional: bool,
    ty: &Type,
    constraints: &Constraints,
    enter: &TokenStream,
    leave: &TokenStream,
    scope: Scope,
) -> TokenStream {
    let checks = value_checks(ty, constraints, scope);
    if checks.is_empty() {
        return checks;
    }
    match ty {
        _ if !optional => quote! { { let value = #place; #enter #checks #leave } },
        Type::Nullable(inner) => {
            let inner = value_checks(inner, constraints, scope);
            quote! { if let Some(Some(value)) = #place { #enter #inner #leave } }
        }
        _ => quote! { if let Some(value) = #place { #enter #checks #leave } },
    }
}

/// The checks of `value` (a reference to a value of `ty` in scope, beside `check`) against
/// `constraints` and what `ty` itself validates; empty when there is nothing to check.
pub fn value_checks(ty: &Type, constraints: &Constraints, scope: Scope) -> TokenStream {
    let own = own_checks(ty, constraints);
    let nested = match ty {
        Type::Nullable(inner) => {
            let inner = value_checks(inner, constraints, scope);
            return if inner.is_empty() {
                inner
            } else {
                quote! { if let Some(value) = value { #inner } }
            };
        }
        Type::Boxed(inner) => {
            let inner = value_checks(inner, constraints, scope);
            return if inner.is_empty() {
                inner
            } else {
                quote! { { let value = &**value; #inner } }
            };
        }
        Type::Array(item) => {
            let items = constraints.items.as_deref().cloned().unwrap_or_default();
            let checks = value_checks(item, &items, scope);
            (!checks.is_empty()).then(|| {
                quote! {
                    for (index, value) in value.iter().enumerate() {
                        check.enter_item(index);
                        #checks
                        check.leave();
                    }
                }
            })
        }
        Type::Map(item) => {
            let values = constraints.values.as_deref().cloned().unwrap_or_default();
            let checks = value_checks(item, &values, scope);
            (!checks.is_empty()).then(|| {
                quote! {
                    for (key, value) in value {
                        check.enter(key);
                        #checks
                        check.leave();
                    }
                }
            })
        }
        Type::Named(id) => {
            let def = scope.definition(*id);
            match &def.kind {
                // An alias's own constraints are checked here, on its type.
                TypeDefKind::Alias(inner) => {
                    let inner = value_checks(inner, &def.constraints, scope);
                    (!inner.is_empty()).then_some(inner)
                }
                _ if def.validates => Some(quote! { apigen_runtime::validate::Validate::validate(value, check); }),
                _ => None,
            }
        }
        _ => None,
    };
    quote! { #own #nested }
}

/// The checks `constraints` make on a value of `ty` itself (not its items or members).
fn own_checks(ty: &Type, constraints: &Constraints) -> TokenStream {
    let mut checks = Vec::new();
    match ty {
        Type::String => {
            if constraints.min_length.is_some() || constraints.max_length.is_some() {
                let (min, max) = (size(constraints.min_length), size(constraints.max_length));
                checks.push(quote! { check.length(value, #min, #max); });
            }
            if let Some(pattern) = &constraints.pattern {
                let (source, flags) = (&pattern.source, pattern.flags);
                // Compiled once, on first use; a block of its own keeps the name to itself.
                checks.push(quote! {
                    {
                        static PATTERN: apigen_runtime::validate::Pattern =
                            apigen_runtime::validate::Pattern::new(#source, #flags);
                        check.pattern(value, &PATTERN);
                    }
                });
            }
            if let Some(format) = constraints.format {
                let method = ident(format.check_name());
                checks.push(quote! { check.#method(value); });
            }
        }
        Type::Integer(_) => {
            let bound = |bound: &Bound, method: TokenStream| match integral(bound.value) {
                Some(integer) => {
                    let (integer, exclusive) = (Literal::i128_unsuffixed(integer), bound.exclusive);
                    quote! { check.#method(i128::from(*value), #integer, #exclusive); }
                }
                None => {
                    let (float, exclusive) = (Literal::f64_unsuffixed(bound.value), bound.exclusive);
                    quote! { check.#method(*value as f64, #float, #exclusive); }
                }
            };
            checks.extend(constraints.minimum.as_ref().map(|minimum| bound(minimum, quote! { minimum })));
            checks.extend(constraints.maximum.as_ref().map(|maximum| bound(maximum, quote! { maximum })));
            if let Some(divisor) = constraints.multiple_of {
                checks.push(match integral(divisor) {
                    Some(divisor) => {
                        let divisor = Literal::i128_unsuffixed(divisor);
                        quote! { check.integer_multiple_of(i128::from(*value), #divisor); }
                    }
                    None => {
                        let divisor = Literal::f64_unsuffixed(divisor);
                        quote! { check.multiple_of(*value as f64, #divisor); }
                    }
                });
            }
        }
        Type::Float(width) => {
            // f32 widens to f64 exactly; the bounds are the spec's, as f64.
            let value = match width {
                FloatWidth::F32 => quote! { f64::from(*value) },
                FloatWidth::F64 => quote! { *value },
            };
            let bound = |bound: &Bound, method: TokenStream| {
                let (float, exclusive) = (Literal::f64_unsuffixed(bound.value), bound.exclusive);
                quote! { check.#method(#value, #float, #exclusive); }
            };
            checks.extend(constraints.minimum.as_ref().map(|minimum| bound(minimum, quote! { minimum })));
            checks.extend(constraints.maximum.as_ref().map(|maximum| bound(maximum, quote! { maximum })));
            if let Some(divisor) = constraints.multiple_of {
                let divisor = Literal::f64_unsuffixed(divisor);
                checks.push(quote! { check.multiple_of(#value, #divisor); });
            }
        }
        Type::Array(_) => {
            if constraints.min_items.is_some() || constraints.max_items.is_some() {
                let (min, max) = (size(constraints.min_items), size(constraints.max_items));
                checks.push(quote! { check.items(value.len(), #min, #max); });
            }
            if constraints.unique_items {
                checks.push(quote! { check.unique(value); });
            }
        }
        Type::Map(_) if constraints.min_properties.is_some() || constraints.max_properties.is_some() => {
            let (min, max) = (size(constraints.min_properties), size(constraints.max_properties));
            checks.push(quote! { check.properties(value.len(), #min, #max); });
        }
        _ => {}
    }
    quote! { #( #checks )* }
}

/// A bound that is an integer (as i128), if it is one.
fn integral(value: f64) -> Option<i128> {
    (value.fract() == 0.0 && value.abs() < 1e38).then_some(value as i128)
}

/// The checks of a request's parameters and body, as `self.field` of its request struct.
fn request_checks(operation: &Operation, scope: Scope) -> TokenStream {
    let params = operation.params.iter().map(|param| {
        let (field, name) = (ident(&param.rust_name), &param.wire_name);
        // An optional nullable parameter is one `Option` (absent and null are one thing in
        // a query), which the checks of a nullable already unwrap.
        let single_option = matches!(param.ty, Type::Nullable(_));
        let optional = !(param.required || param.default.is_some() || single_option);
        let (enter, leave) = (quote! { check.enter_parameter(#name); }, quote! { check.leave_parameter(); });
        place_checks(quote! { &self.#field }, optional, &param.ty, &param.constraints, &enter, &leave, scope)
    });
    // A body of one media type; a body enum's contents are checked by their types alone.
    let body = operation.body.as_ref().and_then(|body| match body.contents.as_slice() {
        [content] => {
            let (ty, constraints, none) = (&content.ty, &content.constraints, TokenStream::new());
            Some(place_checks(quote! { &self.body }, !body.required, ty, constraints, &none, &none, scope))
        }
        _ => None,
    });
    let params: Vec<TokenStream> = params.collect();
    quote! { #( #params )* #body }
}

/// Whether a request of `operation` has something to check (its `Validate` implementation
/// is generated).
pub fn request_has_checks(operation: &Operation, scope: Scope) -> bool {
    !request_checks(operation, scope).is_empty()
}

/// `impl Validate for NameRequest`, which the server runs on each request it reads and the
/// client, where its policy asks, on each it sends; empty when there is nothing to check.
pub fn request_implementation(operation: &Operation, cfg: Option<&TokenStream>, scope: Scope) -> TokenStream {
    let checks = request_checks(operation, scope);
    if checks.is_empty() {
        return checks;
    }
    let name = super::operations::request_name(operation);
    quote! {
        #cfg
        impl apigen_runtime::validate::Validate for #name {
            fn validate(&self, check: &mut apigen_runtime::validate::Check) {
                #checks
            }
        }
    }
}

/// The checks of a decoded response body of `content`, as a closure the client runs where
/// its policy asks; `None` when there is nothing to check.
pub fn response_checks(content: &Content, scope: Scope) -> Option<TokenStream> {
    let constraints = content.constraints.clone().for_type(&content.ty);
    let checks = value_checks(&content.ty, &constraints, scope);
    if checks.is_empty() {
        return None;
    }
    if implements_validate(&content.ty, scope) && constraints.is_empty() {
        return Some(quote! { apigen_runtime::validate::Validate::validate });
    }
    let ty = super::tokens::rust_type(&content.ty, scope);
    Some(quote! {
        |value: &#ty, check: &mut apigen_runtime::validate::Check| { #checks }
    })
}

/// Whether `ty` is a named type with a `Validate` implementation (an alias has none: its
/// checks are written where it is used).
pub fn implements_validate(ty: &Type, scope: Scope) -> bool {
    matches!(ty, Type::Named(id) if {
        let def = scope.definition(*id);
        def.validates && !matches!(def.kind, TypeDefKind::Alias(_))
    })
}
