//! Types a decoder could never finish with. A union variant that leads back to its own union
//! without reading any of the input (`anyOf: [$ref: itself, ...]`) would be tried forever, so
//! it is dropped: it admits nothing its siblings do not. A type no finite value inhabits
//! (`allOf: [$ref: itself]`, an object that requires another of itself) would overflow the
//! stack on every input, so it becomes any JSON value. Each with a warning naming its schema.

use super::{Type, TypeDef, TypeDefKind, TypeId};
use crate::diagnostics::Fault;

pub fn settle(defs: &mut [TypeDef], warnings: &mut Vec<Fault>) {
    drop_endless_variants(defs, warnings);
    replace_uninhabited(defs, warnings);
}

/// The named type a value of `ty` is decoded as at the same place in the input: through
/// nullables and boxes, not into arrays or maps, which read deeper.
fn at_same_place(ty: &Type) -> Option<TypeId> {
    match ty {
        Type::Nullable(inner) | Type::Boxed(inner) => at_same_place(inner),
        Type::Named(id) => Some(*id),
        _ => None,
    }
}

/// The types decoding `id` tries at the same place in the input: an alias's or newtype's
/// type, a union's variants. A struct or enum reads the input itself.
fn same_place_targets(def: &TypeDef) -> Vec<TypeId> {
    match &def.kind {
        TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => at_same_place(ty).into_iter().collect(),
        TypeDefKind::Union(union) => union.variants.iter().filter_map(|variant| at_same_place(&variant.ty)).collect(),
        TypeDefKind::Struct(_) | TypeDefKind::Enum(_) => Vec::new(),
    }
}

/// Whether decoding `from` can come back to `to` without reading any input.
fn reaches(defs: &[TypeDef], from: TypeId, to: TypeId) -> bool {
    let mut seen = vec![false; defs.len()];
    let mut stack = vec![from];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if !std::mem::replace(&mut seen[id.0], true) {
            stack.extend(same_place_targets(&defs[id.0]));
        }
    }
    false
}

fn drop_endless_variants(defs: &mut [TypeDef], warnings: &mut Vec<Fault>) {
    for index in 0..defs.len() {
        let TypeDefKind::Union(union) = &defs[index].kind else { continue };
        let endless: Vec<usize> = (0..union.variants.len())
            .filter(|&variant| {
                at_same_place(&union.variants[variant].ty).is_some_and(|target| reaches(defs, target, TypeId(index)))
            })
            .collect();
        if endless.is_empty() {
            continue;
        }
        let def = &mut defs[index];
        let TypeDefKind::Union(union) = &mut def.kind else { continue };
        for &variant in endless.iter().rev() {
            let dropped = union.variants.remove(variant);
            warnings.push(Fault::at(
                &def.pointer,
                format!(
                    "variant {} of {} leads back to {} without reading the input; it is left out, as it admits nothing the others do not",
                    dropped.name, def.name, def.name
                ),
            ));
        }
    }
}

/// Whether some finite value of `ty` exists, given which named types are known to have one.
fn has_value(ty: &Type, inhabited: &[bool]) -> bool {
    match ty {
        Type::Named(id) => inhabited[id.0],
        Type::Boxed(inner) => has_value(inner, inhabited),
        // `null`, `[]` and `{}` are values whatever the item type.
        Type::Nullable(_) | Type::Array(_) | Type::Map(_) => true,
        // An empty stream.
        Type::Events(_) | Type::Items(_) | Type::ByteStream => true,
        Type::String
        | Type::Integer(_)
        | Type::Float(_)
        | Type::Boolean
        | Type::Format(_)
        | Type::Any
        | Type::Multipart
        | Type::Path(_) => true,
    }
}

fn replace_uninhabited(defs: &mut [TypeDef], warnings: &mut Vec<Fault>) {
    // The least fixed point: a type has a value once its parts do.
    let mut inhabited = vec![false; defs.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for (index, def) in defs.iter().enumerate() {
            if inhabited[index] {
                continue;
            }
            let has = match &def.kind {
                TypeDefKind::Enum(_) => true,
                TypeDefKind::Struct(definition) => {
                    definition
                        .fields
                        .iter()
                        .filter(|field| field.required)
                        .all(|field| has_value(&field.ty, &inhabited))
                        && definition.choice.iter().all(|choice| has_value(&choice.ty, &inhabited))
                }
                TypeDefKind::Union(union) => union.variants.iter().any(|variant| has_value(&variant.ty, &inhabited)),
                TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => has_value(ty, &inhabited),
            };
            if has {
                inhabited[index] = true;
                changed = true;
            }
        }
    }
    for (def, inhabited) in defs.iter_mut().zip(inhabited) {
        if !inhabited {
            warnings.push(Fault::at(
                &def.pointer,
                format!(
                    "no finite value fits {} (it contains itself on every path); taken as any JSON value",
                    def.name
                ),
            ));
            def.kind = TypeDefKind::Alias(Type::Any);
        }
    }
}
