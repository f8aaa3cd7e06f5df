//! Schemas to types. Component schemas become named types under their own names; inline
//! objects, enums and unions get names from where they stand (`CreatePetRequestBody`,
//! `PetOwner`); everything else maps to a Rust type directly.

use super::constraints;
use super::names::{self, NameSet};
use super::refs::Resolver;
use super::walk::Through;
use super::{
    Access, AdditionalMembers, ChoiceMember, Constraints, DefaultValue, EnumVariant, Enumeration, Field, FloatWidth,
    Format, IntegerWidth, Struct, Type, TypeDef, TypeDefKind, TypeId, Union, UnionVariant,
};
use crate::config::{Config, Formats};
use crate::diagnostics::{escape_token, pointer_push, unescape_token, Fault};
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, Type as SchemaType,
    VariantOrUnknownOrEmpty,
};
use std::collections::{HashMap, HashSet};

/// How deep inline schemas may nest before the rest is taken as any value.
const MAX_DEPTH: usize = 48;
const COMPONENTS: &str = "#/components/schemas/";

/// The object part of a schema: its properties, which are required, and extra members.
#[derive(Default)]
struct ObjectShape {
    properties: Vec<(String, ReferenceOr<Schema>, String)>,
    /// Required member names in document order, declared as properties or not.
    required: Vec<String>,
    additional: Option<AdditionalProperties>,
    additional_at: String,
    /// Whether `minProperties` or `maxProperties` counts the members.
    counted: bool,
}

pub struct TypeBuilder<'a> {
    resolver: &'a Resolver<'a>,
    config: &'a Config,
    names: NameSet,
    /// Each type's name, by id: components first (in document order), then inline schemas
    /// in the order they are met.
    names_by_id: Vec<String>,
    /// Each type's definition, by id, once it is made.
    defined: Vec<Option<TypeDef>>,
    /// The ids of the definitions in the order they were made: the `types` module's order.
    order: Vec<TypeId>,
    /// Component schema reference -> its type.
    components: HashMap<String, TypeId>,
    /// Component schemas that are nullable: every use of them may be null.
    nullable_components: HashSet<String>,
    /// Non-component references already turned into types.
    resolved: HashMap<String, Type>,
    /// Inline schemas already typed, by JSON pointer. A schema reached again (through an
    /// `allOf` that merges a component's properties, say) reuses its type instead of
    /// defining a copy, which keeps the output linear and self-references recursive.
    inline_types: HashMap<String, Type>,
    pub warnings: Vec<Fault>,
    depth: usize,
}

/// The extension by which a schema names the Rust type it is, as typify reads it.
const RUST_TYPE: &str = "x-rust-type";

/// Crates every Rust crate can name.
const STD_CRATES: [&str; 3] = ["std", "core", "alloc"];

impl<'a> TypeBuilder<'a> {
    /// Reserves a name for every component schema first, so that references resolve to the
    /// same name wherever and in whatever order they are met, cycles included.
    pub fn new(
        resolver: &'a Resolver<'a>,
        config: &'a Config,
        schemas: &indexmap::IndexMap<String, ReferenceOr<Schema>>,
    ) -> Self {
        let mut names = NameSet::default();
        let mut names_by_id = Vec::new();
        let mut components = HashMap::new();
        let mut nullable_components = HashSet::new();
        for (key, schema) in schemas {
            let reference = format!("{COMPONENTS}{}", escape_token(key));
            components.insert(reference.clone(), TypeId(names_by_id.len()));
            names_by_id.push(names.claim(&names::type_name(key, "Type")));
            if let ReferenceOr::Item(schema) = schema {
                if schema.schema_data.nullable {
                    nullable_components.insert(reference);
                }
            }
        }
        TypeBuilder {
            resolver,
            config,
            names,
            defined: vec![None; names_by_id.len()],
            names_by_id,
            order: Vec::new(),
            components,
            nullable_components,
            resolved: HashMap::new(),
            inline_types: HashMap::new(),
            warnings: Vec::new(),
            depth: 0,
        }
    }

    /// Each component schema's key and its type.
    pub fn component_ids(&self) -> Vec<(String, TypeId)> {
        let mut ids: Vec<(String, TypeId)> = self
            .components
            .iter()
            .map(|(reference, id)| (unescape_token(reference.trim_start_matches(COMPONENTS)), *id))
            .collect();
        ids.sort();
        ids
    }

    /// A new type named after `hint`.
    fn claim(&mut self, hint: &str) -> TypeId {
        let name = self.names.claim(&names::type_name(hint, "Type"));
        self.names_by_id.push(name);
        self.defined.push(None);
        TypeId(self.names_by_id.len() - 1)
    }

    fn name_of(&self, id: TypeId) -> &str {
        &self.names_by_id[id.0]
    }

    /// Defines type `id`, after every definition made so far (again, if it was defined).
    fn put(&mut self, id: TypeId, at: &str, docs: Option<String>, kind: TypeDefKind) {
        self.order.retain(|defined| *defined != id);
        self.order.push(id);
        let mut def = TypeDef::new(self.names_by_id[id.0].clone(), docs, kind);
        def.pointer = at.to_owned();
        self.defined[id.0] = Some(def);
    }

    /// The definitions in the order they were made, and where each id went among them:
    /// `None` for a name claimed but never defined.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Option<usize>>) {
        let mut defined = self.defined;
        let mut position = vec![None; defined.len()];
        let mut defs = Vec::with_capacity(self.order.len());
        for id in self.order {
            if let Some(def) = defined[id.0].take() {
                position[id.0] = Some(defs.len());
                defs.push(def);
            }
        }
        (defs, position)
    }

    /// Defines every component schema, in document order. One that cannot be typed becomes
    /// an alias of any JSON value, with a warning, so that the operations using it stand.
    pub fn define_components(&mut self, schemas: &indexmap::IndexMap<String, ReferenceOr<Schema>>) {
        for (key, schema) in schemas {
            let at = pointer_push("#/components/schemas", key);
            let reference = format!("{COMPONENTS}{}", escape_token(key));
            let id = self.components[&reference];
            let name = self.name_of(id).to_owned();
            if let Some(path) = self.config.replacement(key) {
                self.put(id, &at, None, TypeDefKind::Alias(Type::Path(path.to_owned())));
                continue;
            }
            let defined = match schema {
                ReferenceOr::Item(schema) => self.define(id, schema, &at),
                ReferenceOr::Reference { .. } => {
                    self.type_of(schema, &at, &name).map(|target| self.put(id, &at, None, TypeDefKind::Alias(target)))
                }
            };
            if let Err(fault) = defined {
                self.warnings.push(fault.and(&format!("{name} is taken as any JSON value")));
                self.put(id, &at, None, TypeDefKind::Alias(Type::Any));
            }
            if let Some(def) = self.defined[id.0].as_mut() {
                def.nullable = self.nullable_components.contains(&reference);
            }
        }
    }

    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(Fault::at(at, message));
    }

    /// Defines `name` from a schema: a struct, enum or union where the schema is one, an alias
    /// otherwise.
    fn define(&mut self, id: TypeId, schema: &Schema, at: &str) -> Result<(), Fault> {
        self.warnings.extend(default_fault(schema, at));
        let docs = docs_of(schema);
        if let Some(path) = self.rust_type_extension(schema, at) {
            self.put(id, at, docs, TypeDefKind::Alias(Type::Path(path)));
            return Ok(());
        }
        let name = self.name_of(id).to_owned();
        let kind = match self.definition_kind(&name, schema, at)? {
            Some(kind) => kind,
            None => TypeDefKind::Alias(self.plain_type(schema, at, &name)?),
        };
        self.put(id, at, docs, kind);
        let constraints = constraints::of_schema(schema, at, &mut self.warnings);
        if let Some(def) = self.defined[id.0].as_mut() {
            def.constraints = constraints;
        }
        Ok(())
    }

    /// The named-type kind a schema needs, or `None` when a plain Rust type expresses it.
    fn definition_kind(&mut self, name: &str, schema: &Schema, at: &str) -> Result<Option<TypeDefKind>, Fault> {
        if let Some(variants) = string_enum(schema) {
            return Ok(Some(TypeDefKind::Enum(enumeration(&variants))));
        }
        if let Some(shape) = self.object_shape(schema, at)? {
            return self.structure(name, shape, None).map(|definition| Some(TypeDefKind::Struct(definition)));
        }
        let choices = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => Some(("oneOf", one_of)),
            SchemaKind::AnyOf { any_of } => Some(("anyOf", any_of)),
            SchemaKind::Any(any) if !any.one_of.is_empty() => Some(("oneOf", &any.one_of)),
            SchemaKind::Any(any) if !any.any_of.is_empty() => Some(("anyOf", &any.any_of)),
            _ => None,
        };
        if let Some((keyword, choices)) = choices {
            let choices_at = pointer_push(at, keyword);
            let discriminator = schema.schema_data.discriminator.as_ref();
            let Some(union) = self.union(name, choices, discriminator, &choices_at)? else { return Ok(None) };
            return match self.shared_shape(schema, &union, at)? {
                // Members declared beside the choices are members of every choice: a struct
                // of them, with the union flattened into it.
                Some(shape) => {
                    let id = self.claim(&format!("{name}Choice"));
                    let docs = format!("The kinds a [`{name}`] is one of.");
                    self.put(id, &choices_at, Some(docs), TypeDefKind::Union(union));
                    let definition = self.structure(name, shape, Some(Type::Named(id)))?;
                    Ok(Some(TypeDefKind::Struct(definition)))
                }
                None => Ok(Some(TypeDefKind::Union(union))),
            };
        }
        Ok(None)
    }

    /// The object part declared beside a schema's `oneOf` or `anyOf`, less the members a
    /// choice declares itself and the discriminator (the choice reads those: a flattened
    /// union never sees the members its container takes); `None` when nothing else is
    /// declared beside them.
    fn shared_shape(&mut self, schema: &Schema, union: &Union, at: &str) -> Result<Option<ObjectShape>, Fault> {
        let SchemaKind::Any(any) = &schema.schema_kind else { return Ok(None) };
        if any.properties.is_empty() {
            return Ok(None);
        }
        let mut outer = schema.clone();
        if let SchemaKind::Any(any) = &mut outer.schema_kind {
            any.one_of.clear();
            any.any_of.clear();
        }
        let Some(mut shape) = self.object_shape(&outer, at)? else { return Ok(None) };
        let taken = |name: &String| {
            union.discriminator.as_ref() == Some(name)
                || union.variants.iter().any(|variant| variant.members.contains(name))
        };
        shape.properties.retain(|(name, _, _)| !taken(name));
        shape.required.retain(|name| !taken(name));
        Ok((!shape.properties.is_empty()).then_some(shape))
    }

    /// Whether a schema (through its `$ref`, which may not be typed yet) is an array's.
    fn is_array_schema(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(SchemaType::Array(_)) => true,
                SchemaKind::Any(any) => any.typ.as_deref() == Some("array"),
                _ => false,
            },
            ReferenceOr::Reference { reference } => {
                self.resolver
                    .follow(reference)
                    .and_then(|schema| schema.get("type"))
                    .and_then(serde_json::Value::as_str)
                    == Some("array")
            }
        }
    }

    /// The names of the properties a schema declares, `allOf` parts included; none where it
    /// cannot be read (typing it warns of that). A `$ref` is read as the document's JSON,
    /// not parsed into a schema again: unions of many choices made that costly.
    fn declared_members(&self, schema: &ReferenceOr<Schema>) -> Vec<String> {
        let mut names = Vec::new();
        match schema {
            ReferenceOr::Reference { reference } => {
                json_members(self.resolver.follow(reference), self.resolver, &mut names, 0)
            }
            ReferenceOr::Item(schema) => {
                let (properties, all_of) = match &schema.schema_kind {
                    SchemaKind::Type(SchemaType::Object(object)) => (Some(&object.properties), None),
                    SchemaKind::AllOf { all_of } => (None, Some(all_of)),
                    SchemaKind::Any(any) => (Some(&any.properties), Some(&any.all_of)),
                    _ => (None, None),
                };
                names.extend(properties.into_iter().flat_map(|properties| properties.keys().cloned()));
                for part in all_of.into_iter().flatten() {
                    names.extend(self.declared_members(part));
                }
            }
        }
        names
    }

    /// The Rust type of a schema as a field or body holds it, defining named types as needed.
    pub fn type_of(&mut self, schema: &ReferenceOr<Schema>, at: &str, hint: &str) -> Result<Type, Fault> {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, at, hint),
            ReferenceOr::Item(schema) => {
                if let Some(ty) = self.inline_types.get(at) {
                    return Ok(ty.clone());
                }
                if self.depth >= MAX_DEPTH {
                    self.warn(at, "schema nests too deeply; taken as any JSON value");
                    return Ok(Type::Any);
                }
                self.warnings.extend(default_fault(schema, at));
                self.depth += 1;
                let result = self.inline(schema, at, hint);
                self.depth -= 1;
                let mut ty = result?;
                if schema.schema_data.nullable {
                    // The definition is not nullable itself; every use of it is.
                    if let Type::Named(id) = &ty {
                        if let Some(def) = self.defined[id.0].as_mut() {
                            def.nullable = true;
                        }
                    }
                    ty = nullable(ty);
                }
                self.inline_types.insert(at.to_owned(), ty.clone());
                Ok(ty)
            }
        }
    }

    fn reference(&mut self, reference: &str, at: &str, hint: &str) -> Result<Type, Fault> {
        if let Some(&id) = self.components.get(reference) {
            let named = Type::Named(id);
            return Ok(if self.nullable_components.contains(reference) { nullable(named) } else { named });
        }
        if let Some(ty) = self.resolved.get(reference) {
            return Ok(ty.clone());
        }
        let item: ReferenceOr<Schema> = ReferenceOr::Reference { reference: reference.to_owned() };
        let (schema, target_at) = match self.resolver.resolve(&item, at) {
            Ok(resolved) => resolved,
            Err(fault) => {
                // The nearest faithful type of a schema that cannot be found or read.
                self.warnings.push(fault.and("taken as any JSON value"));
                return Ok(Type::Any);
            }
        };
        // A placeholder breaks cycles through non-component references.
        self.resolved.insert(reference.to_owned(), Type::Any);
        let ty = self.type_of(&ReferenceOr::Item(schema), &target_at, hint)?;
        self.resolved.insert(reference.to_owned(), ty.clone());
        Ok(ty)
    }

    /// The type a schema names with `x-rust-type` (a path, or typify's `{path: ...}`), if it
    /// names one that parses as a Rust type.
    fn rust_type_extension(&mut self, schema: &Schema, at: &str) -> Option<String> {
        let extension = schema.schema_data.extensions.get(RUST_TYPE)?;
        let path = match extension {
            serde_json::Value::String(path) => Some(path.as_str()),
            serde_json::Value::Object(object) => {
                // typify's form names the crate the type is in; a generated crate depends on
                // apigen-runtime alone, so a type from another crate is not in its reach.
                let external =
                    object.get("crate").and_then(serde_json::Value::as_str).filter(|name| !STD_CRATES.contains(name));
                if let Some(name) = external {
                    self.warn(
                        &pointer_push(at, RUST_TYPE),
                        format!("names a type of the crate {name:?}, which the generated crate does not depend on; the schema is generated as written (`replace` in apigen.toml uses the type)"),
                    );
                    return None;
                }
                object.get("path").and_then(serde_json::Value::as_str)
            }
            _ => None,
        };
        match path.filter(|path| syn::parse_str::<syn::Type>(path).is_ok()) {
            Some(path) => Some(path.to_owned()),
            None => {
                self.warn(&pointer_push(at, RUST_TYPE), "not a Rust type path; the schema is generated as written");
                None
            }
        }
    }

    fn inline(&mut self, schema: &Schema, at: &str, hint: &str) -> Result<Type, Fault> {
        if let Some(path) = self.rust_type_extension(schema, at) {
            return Ok(Type::Path(path));
        }
        // `allOf: [X]` with nothing beside it is X itself, not a copy of it.
        if let Some(part) = single_all_of(schema) {
            return self.type_of(part, &pointer_push(at, "allOf/0"), hint);
        }
        // Peek without defining: only claim a name when the schema needs one.
        let needs_name = string_enum(schema).is_some()
            || self.object_shape(schema, at)?.is_some()
            || matches!(&schema.schema_kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. })
            || matches!(&schema.schema_kind, SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty());
        if !needs_name {
            return self.plain_type(schema, at, hint);
        }
        let id = self.claim(hint);
        self.inline_types.insert(at.to_owned(), Type::Named(id));
        let name = self.name_of(id).to_owned();
        match self.definition_kind(&name, schema, at)? {
            Some(kind) => {
                self.put(id, at, docs_of(schema), kind);
                // Its other constraints are its use's (the field's or parameter's).
                if let (Some(def), SchemaKind::Type(SchemaType::Object(object))) =
                    (self.defined[id.0].as_mut(), &schema.schema_kind)
                {
                    (def.constraints.min_properties, def.constraints.max_properties) =
                        (object.min_properties, object.max_properties);
                }
                Ok(Type::Named(id))
            }
            None => self.plain_type(schema, at, hint),
        }
    }

    /// Types that need no definition of their own.
    fn plain_type(&mut self, schema: &Schema, at: &str, hint: &str) -> Result<Type, Fault> {
        Ok(match &schema.schema_kind {
            SchemaKind::Type(SchemaType::String(string)) => self.string_type(match &string.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => Some("date-time"),
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => Some("date"),
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte) => Some("byte"),
                VariantOrUnknownOrEmpty::Unknown(format) => Some(format.as_str()),
                // `binary` inside JSON is text; as a whole body it is bytes (operations.rs).
                _ => None,
            }),
            SchemaKind::Type(SchemaType::Integer(integer)) => Type::Integer(match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => IntegerWidth::I32,
                VariantOrUnknownOrEmpty::Unknown(format) => IntegerWidth::of_format(Some(format)),
                _ => IntegerWidth::I64,
            }),
            SchemaKind::Type(SchemaType::Number(number)) => Type::Float(match number.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => FloatWidth::F32,
                _ => FloatWidth::F64,
            }),
            SchemaKind::Type(SchemaType::Boolean(_)) => Type::Boolean,
            SchemaKind::Type(SchemaType::Array(array)) => self.array_type(array.items.as_ref(), at, hint)?,
            SchemaKind::Type(SchemaType::Object(object)) => {
                self.map_type(object.additional_properties.as_ref(), &pointer_push(at, "additionalProperties"), hint)?
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                self.type_of(&all_of[0], &pointer_push(at, "allOf/0"), hint)?
            }
            SchemaKind::AllOf { .. } => {
                self.warn(at, "allOf of parts that are not all objects; taken as any JSON value");
                Type::Any
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Type::Any,
            SchemaKind::Not { .. } => {
                self.warn(at, "`not` cannot be expressed as a Rust type; taken as any JSON value");
                Type::Any
            }
            SchemaKind::Any(any) => self.any_schema_type(any, at, hint)?,
        })
    }

    /// The `default` of an optional member or parameter of type `ty`, where the generated
    /// code applies it: a string, number or boolean, a value of a string enum, or a list of
    /// those. Other defaults (objects, formats, nullables) stay documented only, the member an
    /// `Option`. A default outside the Rust type's values (an integer beyond its width, a
    /// string not among the enum's) is a warning and is ignored.
    pub fn applied_default(&mut self, schema: &ReferenceOr<Schema>, ty: &Type, at: &str) -> Option<DefaultValue> {
        let (default, values, default_at) = match schema {
            ReferenceOr::Item(schema) => (schema.schema_data.default.as_ref()?, string_enum(schema), at.to_owned()),
            ReferenceOr::Reference { reference } => {
                let target = self.resolver.follow(reference)?;
                (target.get("default")?, json_string_enum(target), reference.clone())
            }
        };
        let applied = default_value(default, ty, values.as_deref());
        let outside = matches!(ty, Type::Integer(_)) && default.is_number()
            || values.is_some() && matches!(ty, Type::Named(_)) && default.is_string();
        if applied.is_none() && outside {
            self.warn(
                &pointer_push(&default_at, "default"),
                format!("the default {default} is not a value of the type; ignored"),
            );
        }
        applied
    }

    /// A string of `format`: its own type where the format has one and the options type
    /// formats, else `String`.
    fn string_type(&self, format: Option<&str>) -> Type {
        match format.and_then(Format::of) {
            Some(format) if self.config.formats.unwrap_or_default() == Formats::Typed => Type::Format(format),
            _ => Type::String,
        }
    }

    fn any_schema_type(&mut self, any: &AnySchema, at: &str, hint: &str) -> Result<Type, Fault> {
        if any.all_of.len() == 1 && any.properties.is_empty() {
            return self.type_of(&any.all_of[0], &pointer_push(at, "allOf/0"), hint);
        }
        if !any.all_of.is_empty() {
            self.warn(at, "allOf of parts that are not all objects; taken as any JSON value");
            return Ok(Type::Any);
        }
        if any.not.is_some() {
            self.warn(at, "`not` cannot be expressed as a Rust type; taken as any JSON value");
        }
        Ok(match any.typ.as_deref() {
            Some("string") => self.string_type(any.format.as_deref()),
            Some("integer") => Type::Integer(IntegerWidth::of_format(any.format.as_deref())),
            Some("number") => {
                Type::Float(if any.format.as_deref() == Some("float") { FloatWidth::F32 } else { FloatWidth::F64 })
            }
            Some("boolean") => Type::Boolean,
            Some("array") => self.array_type(any.items.as_ref(), at, hint)?,
            Some("object") => {
                self.map_type(any.additional_properties.as_ref(), &pointer_push(at, "additionalProperties"), hint)?
            }
            Some(other) => {
                self.warn(at, format!("unknown type {other:?}; taken as any JSON value"));
                Type::Any
            }
            None => Type::Any,
        })
    }

    fn array_type(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, at: &str, hint: &str) -> Result<Type, Fault> {
        let item = match items {
            Some(items) => self.type_of(&unbox(items), &pointer_push(at, "items"), &format!("{hint}Item"))?,
            None => Type::Any,
        };
        Ok(Type::Array(Box::new(item)))
    }

    fn map_type(&mut self, additional: Option<&AdditionalProperties>, at: &str, hint: &str) -> Result<Type, Fault> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                Type::Map(Box::new(self.type_of(schema, at, &format!("{hint}Value"))?))
            }
            Some(AdditionalProperties::Any(false)) | Some(AdditionalProperties::Any(true)) | None => {
                Type::Map(Box::new(Type::Any))
            }
        })
    }

    /// The object shape of a schema, `allOf` parts merged; `None` when it is not an object
    /// with declared properties.
    fn object_shape(&mut self, schema: &Schema, at: &str) -> Result<Option<ObjectShape>, Fault> {
        let mut shape = ObjectShape::default();
        let is_object = self.collect_shape(schema, at, &mut shape, 0)?;
        Ok(if is_object && !shape.properties.is_empty() { Some(shape) } else { None })
    }

    /// Adds a schema's properties to `shape`; false when some part is not an object.
    fn collect_shape(
        &mut self,
        schema: &Schema,
        at: &str,
        shape: &mut ObjectShape,
        depth: usize,
    ) -> Result<bool, Fault> {
        if depth > MAX_DEPTH {
            return Ok(false);
        }
        let (properties, required, additional, all_of, counted) = match &schema.schema_kind {
            SchemaKind::Type(SchemaType::Object(object)) => (
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                None,
                object.min_properties.is_some() || object.max_properties.is_some(),
            ),
            SchemaKind::AllOf { all_of } => {
                return self.collect_all_of(all_of, &pointer_push(at, "allOf"), shape, depth);
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                let object_typed = any.typ.is_none() || any.typ.as_deref() == Some("object");
                if !object_typed || (any.properties.is_empty() && any.all_of.is_empty()) {
                    return Ok(false);
                }
                (
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    Some(&any.all_of),
                    any.min_properties.is_some() || any.max_properties.is_some(),
                )
            }
            _ => return Ok(false),
        };
        if let Some(all_of) = all_of.filter(|all_of| !all_of.is_empty()) {
            if !self.collect_all_of(all_of, &pointer_push(at, "allOf"), shape, depth)? {
                return Ok(false);
            }
        }
        let properties_at = pointer_push(at, "properties");
        for (name, property) in properties {
            let property_at = pointer_push(&properties_at, name);
            shape.properties.retain(|(existing, _, _)| existing != name);
            shape.properties.push((name.clone(), unbox(property), property_at));
        }
        for name in required {
            if !shape.required.contains(name) {
                shape.required.push(name.clone());
            }
        }
        shape.counted |= counted;
        if additional.is_some() {
            shape.additional = additional.cloned();
            shape.additional_at = pointer_push(at, "additionalProperties");
        }
        Ok(true)
    }

    fn collect_all_of(
        &mut self,
        parts: &[ReferenceOr<Schema>],
        at: &str,
        shape: &mut ObjectShape,
        depth: usize,
    ) -> Result<bool, Fault> {
        for (index, part) in parts.iter().enumerate() {
            let part_at = pointer_push(at, &index.to_string());
            let (schema, schema_at) = self.resolver.resolve(part, &part_at)?;
            if !self.collect_shape(&schema, &schema_at, shape, depth + 1)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A struct of `shape`'s members, with `choice` (a union) flattened into it.
    fn structure(&mut self, name: &str, shape: ObjectShape, choice: Option<Type>) -> Result<Struct, Fault> {
        let mut field_names = NameSet::default();
        let mut fields = Vec::new();
        for (wire_name, schema, at) in &shape.properties {
            let field = field_names.claim(&names::snake_name(wire_name, "field"));
            let hint = format!("{name}{}", names::type_name(wire_name, "Field"));
            let ty = self.type_of(schema, at, &hint)?;
            let (docs, password, access) = match schema {
                ReferenceOr::Item(schema) => {
                    let access = access_of(schema.schema_data.read_only, schema.schema_data.write_only);
                    (docs_of(schema), is_string_of_format(schema, openapiv3::StringFormat::Password), access)
                }
                // A referenced schema's marks hold wherever it is used (read from the
                // document's JSON: parsing the target again costs on large specs).
                ReferenceOr::Reference { reference } => {
                    let target = self.resolver.follow(reference);
                    let marked = |keyword: &str| target.and_then(|target| target.get(keyword)) == Some(&true.into());
                    (None, false, access_of(marked("readOnly"), marked("writeOnly")))
                }
            };
            let required = shape.required.contains(wire_name) && access == Access::Both;
            // Text only: a list of messages about a `token` field is not a token.
            let text = matches!(&ty, Type::String) || matches!(&ty, Type::Nullable(inner) if **inner == Type::String);
            let secret = text && (password || names::names_a_secret(&field));
            // A member one way carries stays an `Option`, so that the other way leaves it out.
            let default = if required || access != Access::Both { None } else { self.applied_default(schema, &ty, at) };
            let constraints = constraints::of(schema, at, &mut self.warnings);
            let wire_name = wire_name.clone();
            let field = Field { rust_name: field, wire_name, ty, required, docs, secret, default, constraints, access };
            fields.push(field);
        }
        // A required member the schema does not describe is a member all the same: of any
        // JSON value, and never dropped.
        for wire_name in &shape.required {
            if !shape.properties.iter().any(|(declared, _, _)| declared == wire_name) {
                let field = field_names.claim(&names::snake_name(wire_name, "field"));
                let (ty, docs, secret, default, constraints) = (Type::Any, None, false, None, Constraints::default());
                let wire_name = wire_name.clone();
                let (required, access) = (true, Access::Both);
                let field =
                    Field { rust_name: field, wire_name, ty, required, docs, secret, default, constraints, access };
                fields.push(field);
            }
        }
        let additional = match &shape.additional {
            Some(AdditionalProperties::Schema(schema)) => {
                Some(self.type_of(schema, &shape.additional_at, &format!("{name}Value"))?)
            }
            Some(AdditionalProperties::Any(true)) => Some(Type::Any),
            // Undeclared members are dropped where the schema allows them (a documented
            // choice), but not where `minProperties` or `maxProperties` counts them: dropping
            // them would change whether the value is valid.
            None if shape.counted => Some(Type::Any),
            Some(AdditionalProperties::Any(false)) | None => None,
        };
        // A flattened choice reads the members beyond the declared ones itself.
        let additional = additional
            .filter(|_| choice.is_none())
            .map(|ty| AdditionalMembers { rust_name: field_names.claim("additional_properties"), ty });
        let choice = choice.map(|ty| ChoiceMember { rust_name: field_names.claim("choice"), ty });
        let defaultable = choice.is_none() && fields.iter().all(|field| !field.required);
        let closed = matches!(shape.additional, Some(AdditionalProperties::Any(false)));
        Ok(Struct { fields, additional, closed, choice, defaultable })
    }

    fn union(
        &mut self,
        name: &str,
        choices: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        at: &str,
    ) -> Result<Option<Union>, Fault> {
        let mut variant_names = NameSet::default();
        let mut variants = Vec::new();
        for (index, choice) in choices.iter().enumerate() {
            let choice_at = pointer_push(at, &index.to_string());
            let ty = self.type_of(choice, &choice_at, &format!("{name}Variant{index}"))?;
            let candidate = describe(&ty, &self.names_by_id);
            let tags = match (discriminator, choice) {
                (Some(discriminator), ReferenceOr::Reference { reference }) => {
                    discriminator_values(discriminator, reference)
                }
                _ => Vec::new(),
            };
            let name = variant_names.claim(&candidate);
            let members = self.declared_members(choice);
            variants.push(UnionVariant { name, ty, tags, writes_tag: false, members });
        }
        if variants.is_empty() {
            return Ok(None);
        }
        // Dispatch on the discriminator only when it names every variant; otherwise the
        // union stays untagged (serde tries the variants in order).
        let tagged = discriminator.is_some() && variants.iter().all(|variant| !variant.tags.is_empty());
        if discriminator.is_some() && !tagged {
            self.warn(
                at,
                "the discriminator cannot name every choice (some are inline); the variants are tried in order",
            );
        }
        if !tagged {
            variants.iter_mut().for_each(|variant| variant.tags.clear());
            // serde tries the variants in order, and the first that reads a value wins. So the
            // most specific go first. serde reads a struct from a JSON array too (its members
            // in order), so a struct tried first would take an array meant for an array
            // variant; an array variant takes nothing else: arrays first. A struct keeps the
            // members it does not declare as any JSON value (build.rs), and reads values of an
            // enum it does not list into its catch-all, so of two that read a value the one
            // declaring more members keeps more of it typed: more members first.
            let mut ranked: Vec<(bool, UnionVariant)> = Vec::new();
            for (variant, choice) in variants.into_iter().zip(choices) {
                let array =
                    matches!(variant.ty.innermost(Through::Values), Type::Array(_)) || self.is_array_schema(choice);
                ranked.push((array, variant));
            }
            ranked.sort_by_key(|(array, variant)| (!array, std::cmp::Reverse(variant.members.len())));
            variants = ranked.into_iter().map(|(_, variant)| variant).collect();
        }
        let discriminator = discriminator.filter(|_| tagged).map(|discriminator| discriminator.property_name.clone());
        if let Some(property) = &discriminator {
            for variant in &mut variants {
                variant.writes_tag = !variant.members.contains(property);
            }
        }
        Ok(Some(Union { variants, discriminator }))
    }
}

/// The one part of an `allOf` that has nothing else beside it.
fn single_all_of(schema: &Schema) -> Option<&ReferenceOr<Schema>> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => all_of.first(),
        SchemaKind::Any(any)
            if any.all_of.len() == 1
                && any.properties.is_empty()
                && any.typ.as_deref().is_none_or(|typ| typ == "object") =>
        {
            any.all_of.first()
        }
        _ => None,
    }
}

/// The discriminator values naming the schema at `reference`: its `mapping` entries, or else
/// the schema's name, as OpenAPI defines.
fn discriminator_values(discriminator: &openapiv3::Discriminator, reference: &str) -> Vec<String> {
    let mapped: Vec<String> = discriminator
        .mapping
        .iter()
        .filter(|(_, target)| *target == reference || reference.rsplit('/').next() == Some(target.as_str()))
        .map(|(value, _)| value.clone())
        .collect();
    if !mapped.is_empty() {
        return mapped;
    }
    reference.strip_prefix(COMPONENTS).map(|name| vec![unescape_token(name)]).unwrap_or_default()
}

/// [`TypeBuilder::declared_members`] of a schema's JSON.
fn json_members(schema: Option<&serde_json::Value>, resolver: &Resolver, names: &mut Vec<String>, depth: usize) {
    let Some(schema) = schema.filter(|_| depth <= MAX_DEPTH) else { return };
    if let Some(reference) = schema.get("$ref").and_then(serde_json::Value::as_str) {
        return json_members(resolver.follow(reference), resolver, names, depth + 1);
    }
    if let Some(serde_json::Value::Object(properties)) = schema.get("properties") {
        names.extend(properties.keys().cloned());
    }
    for part in schema.get("allOf").and_then(serde_json::Value::as_array).into_iter().flatten() {
        json_members(Some(part), resolver, names, depth + 1);
    }
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    }
}

fn nullable(ty: Type) -> Type {
    match ty {
        Type::Nullable(_) | Type::Any => ty,
        other => Type::Nullable(Box::new(other)),
    }
}

/// A variant name for a type in a union: a named type's name, else what the type is.
fn describe(ty: &Type, names: &[String]) -> String {
    match ty {
        Type::Named(id) => names[id.0].clone(),
        Type::String => "String".into(),
        Type::Integer(_) => "Integer".into(),
        Type::Float(_) => "Number".into(),
        Type::Boolean => "Boolean".into(),
        Type::Format(Format::DateTime) => "DateTime".into(),
        Type::Format(Format::Date) => "Date".into(),
        Type::Format(Format::Uuid) => "Uuid".into(),
        Type::Format(Format::Base64) => "Bytes".into(),
        Type::Format(Format::Ipv4) => "Ipv4".into(),
        Type::Format(Format::Ipv6) => "Ipv6".into(),
        Type::Multipart => "Multipart".into(),
        Type::Events(_) => "EventStream".into(),
        Type::Items(_) => "ItemStream".into(),
        Type::ByteStream => "ByteStream".into(),
        Type::Array(item) => format!("{}List", describe(item, names)),
        Type::Map(_) => "Object".into(),
        Type::Any => "Value".into(),
        Type::Nullable(inner) | Type::Boxed(inner) => describe(inner, names),
        // `std::net::Ipv4Addr` is `Ipv4Addr`; `chrono::DateTime<chrono::Utc>` is `DateTime`.
        Type::Path(path) => {
            let path = path.split('<').next().unwrap_or(path);
            names::type_name(path.rsplit("::").next().unwrap_or(path), "External")
        }
    }
}

/// `value` as a default of `ty` (see [`TypeBuilder::applied_default`]); `values` are the
/// string enum's, when `ty` is one.
fn default_value(value: &serde_json::Value, ty: &Type, values: Option<&[String]>) -> Option<DefaultValue> {
    Some(match ty {
        Type::String => DefaultValue::String(value.as_str()?.to_owned()),
        Type::Boolean => DefaultValue::Boolean(value.as_bool()?),
        Type::Integer(width) => {
            // JSON Schema counts `2.0` an integer.
            let integer = match (value.as_i64(), value.as_u64(), value.as_f64()) {
                (Some(integer), _, _) => i128::from(integer),
                (None, Some(integer), _) => i128::from(integer),
                (None, None, Some(float)) if float.fract() == 0.0 && float.abs() < 1e38 => float as i128,
                _ => return None,
            };
            let (least, greatest) = width.range();
            (least..=greatest).contains(&integer).then_some(DefaultValue::Integer(integer))?
        }
        Type::Float(width) => {
            let float = value.as_f64()?;
            let fits = *width == FloatWidth::F64 || float.abs() <= f64::from(f32::MAX);
            fits.then_some(DefaultValue::Float(float))?
        }
        Type::Named(_) => {
            let text = value.as_str()?;
            let variant = enumeration(values?).variants.into_iter().find(|variant| variant.wire_name == text)?;
            DefaultValue::Variant { rust_name: variant.rust_name, wire_name: variant.wire_name }
        }
        Type::Array(item) => DefaultValue::List(
            value.as_array()?.iter().map(|item_value| default_value(item_value, item, None)).collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// The values of a string enum in a schema's JSON, when it is one.
fn json_string_enum(schema: &serde_json::Value) -> Option<Vec<String>> {
    if schema.get("type").is_some_and(|typ| typ != "string") {
        return None;
    }
    let values = schema.get("enum")?.as_array()?.iter().filter(|value| !value.is_null());
    values
        .map(|value| value.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .filter(|values| !values.is_empty())
}

/// Which way a member goes, by its schema's `readOnly` and `writeOnly` (both: neither way
/// is told apart, so both).
fn access_of(read_only: bool, write_only: bool) -> Access {
    match (read_only, write_only) {
        (true, false) => Access::ReadOnly,
        (false, true) => Access::WriteOnly,
        _ => Access::Both,
    }
}

/// The values of a string enum, when the schema is one.
fn string_enum(schema: &Schema) -> Option<Vec<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => string.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(any) if any.typ.as_deref().is_none_or(|typ| typ == "string") && !any.enumeration.is_empty() => {
            let strings: Vec<String> =
                any.enumeration.iter().filter_map(|value| value.as_str().map(str::to_owned)).collect();
            if strings.len() != any.enumeration.iter().filter(|value| !value.is_null()).count() {
                return None;
            }
            strings
        }
        _ => return None,
    };
    if values.is_empty() {
        None
    } else {
        Some(values)
    }
}

fn enumeration(values: &[String]) -> Enumeration {
    let mut variant_names = NameSet::default();
    let mut seen = HashSet::new();
    let variants: Vec<EnumVariant> = values
        .iter()
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumVariant {
            rust_name: variant_names.claim(&names::variant_name(value)),
            wire_name: value.clone(),
            docs: None,
        })
        .collect();
    let other = (variants.len() >= 2).then(|| {
        let free = ["Other", "Unknown", "OtherValue"].into_iter().find(|name| variant_names.is_free(name));
        variant_names.claim(free.unwrap_or("UnlistedValue"))
    });
    Enumeration { variants, other }
}

/// Whether `schema` is a string of the given format (`password`, `binary`).
pub fn is_string_of_format(schema: &Schema, format: openapiv3::StringFormat) -> bool {
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(SchemaType::String(string)) if string.format == openapiv3::VariantOrUnknownOrEmpty::Item(format)
    )
}

/// Title and description, as rustdoc, with the default of an optional member.
/// Whether a default is a value of the schema's type (a `null` default of a nullable one
/// too); a schema without a single type takes any default.
fn default_fits(schema: &Schema, value: &serde_json::Value) -> bool {
    if value.is_null() {
        return schema.schema_data.nullable || !matches!(schema.schema_kind, SchemaKind::Type(_));
    }
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(_)) => value.is_string(),
        // JSON Schema counts `2.0` an integer.
        SchemaKind::Type(SchemaType::Integer(_)) => value.as_f64().is_some_and(|number| number.fract() == 0.0),
        SchemaKind::Type(SchemaType::Number(_)) => value.is_number(),
        SchemaKind::Type(SchemaType::Boolean(_)) => value.is_boolean(),
        SchemaKind::Type(SchemaType::Array(_)) => value.is_array(),
        SchemaKind::Type(SchemaType::Object(_)) => value.is_object(),
        _ => true,
    }
}

/// The warning for a default that is not a value of its schema's type, if it is not.
fn default_fault(schema: &Schema, at: &str) -> Option<Fault> {
    let value = schema.schema_data.default.as_ref()?;
    (!default_fits(schema, value)).then(|| {
        Fault::at(
            pointer_push(at, "default"),
            format!("the default {value} is not a value of the schema's type; ignored"),
        )
    })
}

pub fn docs_of(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    let text = match (&data.title, &data.description) {
        (Some(title), Some(description)) if title != description => Some(format!("{title}\n\n{description}")),
        (_, Some(description)) => Some(description.clone()),
        (Some(title), None) => Some(title.clone()),
        (None, None) => None,
    };
    // The server applies a default to what the client leaves out; the field stays optional
    // so that leaving it out is still possible, and the docs say what it then means.
    let default = data.default.as_ref().filter(|value| default_fits(schema, value)).map(|value| {
        let mut shown = value.to_string();
        if shown.len() > 200 {
            shown = "(see the spec)".to_owned();
        }
        format!("Default: `{}`.", shown.replace('`', "'"))
    });
    match (text, default) {
        (Some(text), Some(default)) => Some(format!("{text}\n\n{default}")),
        (text, default) => text.or(default),
    }
}
