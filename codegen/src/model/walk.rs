//! The one walk over types: what a type, a definition or an operation mentions. Gating by
//! tags, boxing recursive fields, nesting depth, object detection and imports all read it.

use super::{Operation, Type, TypeDef, TypeDefKind, TypeId};

/// How far into a type a walk goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Through {
    /// Into every wrapper: collections, maps, boxes and nullables.
    Everything,
    /// Only what the type holds by value, through nullables: a `Vec`, map or box is already
    /// an indirection (what recursion needs to know).
    Values,
}

impl Type {
    /// The type inside a wrapper that `through` enters, if `self` is one.
    fn inner(&self, through: Through) -> Option<&Type> {
        match (self, through) {
            (Type::Nullable(inner), _) => Some(inner),
            (
                Type::Array(inner) | Type::Map(inner) | Type::Boxed(inner) | Type::Events(inner) | Type::Items(inner),
                Through::Everything,
            ) => Some(inner),
            _ => None,
        }
    }

    /// The type itself once the wrappers `through` enters are taken off.
    pub fn innermost(&self, through: Through) -> &Type {
        let mut ty = self;
        while let Some(inner) = ty.inner(through) {
            ty = inner;
        }
        ty
    }

    /// [`Type::innermost`], to change it.
    pub fn innermost_mut(&mut self, through: Through) -> &mut Type {
        if self.inner(through).is_none() {
            return self;
        }
        match self {
            Type::Nullable(inner)
            | Type::Array(inner)
            | Type::Map(inner)
            | Type::Boxed(inner)
            | Type::Events(inner)
            | Type::Items(inner) => inner.innermost_mut(through),
            other => other,
        }
    }

    /// Whether null is one of its values: any JSON value, a nullable, or an alias of either.
    pub fn holds_null(&self, defs: &[TypeDef]) -> bool {
        match self {
            Type::Any | Type::Nullable(_) => true,
            Type::Named(id) => matches!(&defs[id.0].kind, TypeDefKind::Alias(inner) if inner.holds_null(defs)),
            _ => false,
        }
    }

    /// The named type this type is, or holds `through` its wrappers.
    pub fn named(&self, through: Through) -> Option<TypeId> {
        match self.innermost(through) {
            Type::Named(id) => Some(*id),
            _ => None,
        }
    }
}

impl TypeDefKind {
    /// The types of its members: fields, additional members, a flattened choice, variants,
    /// the aliased type.
    pub fn member_types(&self) -> Vec<&Type> {
        match self {
            TypeDefKind::Struct(definition) => definition
                .fields
                .iter()
                .map(|field| &field.ty)
                .chain(definition.additional.iter().map(|members| &members.ty))
                .chain(definition.choice.iter().map(|choice| &choice.ty))
                .collect(),
            TypeDefKind::Union(union) => union.variants.iter().map(|variant| &variant.ty).collect(),
            TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => vec![ty],
            TypeDefKind::Enum(_) => Vec::new(),
        }
    }

    /// [`TypeDefKind::member_types`], to change them.
    pub fn member_types_mut(&mut self) -> Vec<&mut Type> {
        match self {
            TypeDefKind::Struct(definition) => definition
                .fields
                .iter_mut()
                .map(|field| &mut field.ty)
                .chain(definition.additional.iter_mut().map(|members| &mut members.ty))
                .chain(definition.choice.iter_mut().map(|choice| &mut choice.ty))
                .collect(),
            TypeDefKind::Union(union) => union.variants.iter_mut().map(|variant| &mut variant.ty).collect(),
            TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => vec![ty],
            TypeDefKind::Enum(_) => Vec::new(),
        }
    }

    /// The named types its members mention, `through` their wrappers.
    pub fn named_members(&self, through: Through) -> Vec<TypeId> {
        self.member_types().into_iter().filter_map(|ty| ty.named(through)).collect()
    }
}

impl Operation {
    /// The types it mentions directly: its parameters', bodies' and responses' (headers too).
    pub fn types(&self) -> impl Iterator<Item = &Type> {
        self.request_types().chain(self.response_types())
    }

    /// The types of its parameters and bodies.
    pub fn request_types(&self) -> impl Iterator<Item = &Type> {
        let params = self.params.iter().map(|param| &param.ty);
        params.chain(self.body.iter().flat_map(|body| &body.contents).map(|content| &content.ty))
    }

    /// The types of its responses' bodies and headers.
    pub fn response_types(&self) -> impl Iterator<Item = &Type> {
        self.responses.iter().flat_map(|response| {
            let content = response.content.iter().map(|content| &content.ty);
            content.chain(response.headers.iter().map(|header| &header.ty))
        })
    }

    /// [`Operation::types`], to change them.
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut Type> {
        let params = self.params.iter_mut().map(|param| &mut param.ty);
        let bodies = self.body.iter_mut().flat_map(|body| &mut body.contents).map(|content| &mut content.ty);
        let responses = self.responses.iter_mut().flat_map(|response| {
            let content = response.content.iter_mut().map(|content| &mut content.ty);
            content.chain(response.headers.iter_mut().map(|header| &mut header.ty))
        });
        params.chain(bodies).chain(responses)
    }
}
