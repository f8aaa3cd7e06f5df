//! What a schema asks of a value beyond its Rust type (`minLength`, `pattern`, `maximum`,
//! `minItems`, ...), read once per schema, for the checks a generated server runs on each
//! request before a method sees it. A schema reached by `$ref` keeps its constraints on its
//! own definition, so only inline schemas are read here.

use super::Type;
use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type as SchemaType};

/// The constraints of one schema, and of the items or values it holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<Pattern>,
    /// A string format checked, where no Rust type holds it (`email`, `hostname`, `uri`).
    pub format: Option<TextFormat>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Option<f64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    /// Of each item of an array.
    pub items: Option<Box<Constraints>>,
    /// Of each value of a map (`additionalProperties`).
    pub values: Option<Box<Constraints>>,
}

/// A string format that a check reads, the value staying a `String`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
    Email,
    Hostname,
    Uri,
    UriReference,
}

impl TextFormat {
    fn named(name: &str) -> Option<TextFormat> {
        Some(match name {
            "email" => TextFormat::Email,
            "hostname" => TextFormat::Hostname,
            "uri" => TextFormat::Uri,
            "uri-reference" => TextFormat::UriReference,
            _ => return None,
        })
    }

    /// The runtime's check of it (`Check::email`, ...).
    pub fn check_name(self) -> &'static str {
        match self {
            TextFormat::Email => "email",
            TextFormat::Hostname => "hostname",
            TextFormat::Uri => "uri",
            TextFormat::UriReference => "uri_reference",
        }
    }
}

/// A numeric bound: `minimum` or `maximum`, and whether it is exclusive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

/// A `pattern` that compiles as an ECMAScript regular expression, with the flags it compiles
/// under (`u` where it can, as JSON Schema means; none for patterns only legacy syntax reads,
/// such as `\-` outside a class).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub source: String,
    pub flags: &'static str,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// Only what applies to a value of `ty` (a string's `maximum` constrains nothing; nor
    /// does an inline constraint beside a named type, whose own are on its definition).
    pub fn for_type(self, ty: &Type) -> Constraints {
        let nested = |constraints: Option<Box<Constraints>>, item: &Type| {
            constraints.map(|constraints| constraints.for_type(item)).filter(|constraints| !constraints.is_empty())
        };
        match ty {
            Type::Nullable(inner) | Type::Boxed(inner) => self.for_type(inner),
            Type::String => Constraints {
                min_length: self.min_length,
                max_length: self.max_length,
                pattern: self.pattern,
                format: self.format,
                ..Constraints::default()
            },
            Type::Integer(_) | Type::Float(_) => Constraints {
                minimum: self.minimum,
                maximum: self.maximum,
                multiple_of: self.multiple_of,
                ..Constraints::default()
            },
            Type::Array(item) => Constraints {
                min_items: self.min_items,
                max_items: self.max_items,
                unique_items: self.unique_items,
                items: nested(self.items, item).map(Box::new),
                ..Constraints::default()
            },
            Type::Map(value) => Constraints {
                min_properties: self.min_properties,
                max_properties: self.max_properties,
                values: nested(self.values, value).map(Box::new),
                ..Constraints::default()
            },
            _ => Constraints::default(),
        }
    }

    /// Whether a pattern is among them, at any depth.
    pub fn has_pattern(&self) -> bool {
        self.pattern.is_some()
            || self.items.as_ref().is_some_and(|items| items.has_pattern())
            || self.values.as_ref().is_some_and(|values| values.has_pattern())
    }
}

/// The constraints of an inline schema (a reference's are its target's); a pattern that does
/// not compile is a warning naming it, and is not checked.
pub fn of(schema: &ReferenceOr<Schema>, at: &str, warnings: &mut Vec<Fault>) -> Constraints {
    let ReferenceOr::Item(schema) = schema else { return Constraints::default() };
    of_schema(schema, at, warnings)
}

pub fn of_schema(schema: &Schema, at: &str, warnings: &mut Vec<Fault>) -> Constraints {
    let mut found = Constraints::default();
    let bound = |value: Option<f64>, exclusive: bool| value.map(|value| Bound { value, exclusive });
    let nested = |schema: Option<&Schema>, at: String, warnings: &mut Vec<Fault>| {
        let constraints = of_schema(schema?, &at, warnings);
        (!constraints.is_empty()).then(|| Box::new(constraints))
    };

    let mut pattern = None;
    match &schema.schema_kind {
        SchemaKind::Type(SchemaType::String(string)) => {
            (found.min_length, found.max_length) = (string.min_length, string.max_length);
            pattern = string.pattern.as_deref();
            if let openapiv3::VariantOrUnknownOrEmpty::Unknown(name) = &string.format {
                found.format = TextFormat::named(name);
            }
        }
        SchemaKind::Type(SchemaType::Integer(integer)) => {
            found.minimum = bound(integer.minimum.map(|value| value as f64), integer.exclusive_minimum);
            found.maximum = bound(integer.maximum.map(|value| value as f64), integer.exclusive_maximum);
            found.multiple_of = integer.multiple_of.map(|value| value as f64);
        }
        SchemaKind::Type(SchemaType::Number(number)) => {
            found.minimum = bound(number.minimum, number.exclusive_minimum);
            found.maximum = bound(number.maximum, number.exclusive_maximum);
            found.multiple_of = number.multiple_of;
        }
        SchemaKind::Type(SchemaType::Array(array)) => {
            (found.min_items, found.max_items, found.unique_items) =
                (array.min_items, array.max_items, array.unique_items);
            found.items = nested(inline(array.items.as_ref()), pointer_push(at, "items"), warnings);
        }
        SchemaKind::Type(SchemaType::Object(object)) => {
            (found.min_properties, found.max_properties) = (object.min_properties, object.max_properties);
            if let Some(AdditionalProperties::Schema(schema)) = &object.additional_properties {
                if let ReferenceOr::Item(schema) = schema.as_ref() {
                    found.values = nested(Some(schema), pointer_push(at, "additionalProperties"), warnings);
                }
            }
        }
        SchemaKind::Any(any) => {
            (found.min_length, found.max_length) = (any.min_length, any.max_length);
            pattern = any.pattern.as_deref();
            found.minimum = bound(any.minimum, any.exclusive_minimum.unwrap_or(false));
            found.maximum = bound(any.maximum, any.exclusive_maximum.unwrap_or(false));
            found.multiple_of = any.multiple_of;
            (found.min_items, found.max_items) = (any.min_items, any.max_items);
            found.unique_items = any.unique_items.unwrap_or(false);
            found.items = nested(inline(any.items.as_ref()), pointer_push(at, "items"), warnings);
            (found.min_properties, found.max_properties) = (any.min_properties, any.max_properties);
        }
        _ => {}
    }
    // A divisor of zero or less is no constraint JSON Schema allows; it is left out.
    found.multiple_of = found.multiple_of.filter(|divisor| *divisor > 0.0 && divisor.is_finite());
    if let Some(source) = pattern {
        found.pattern = compiled(source);
        if found.pattern.is_none() {
            warnings.push(Fault::at(
                pointer_push(at, "pattern"),
                format!("{source:?} is not an ECMAScript regular expression; it is not checked"),
            ));
        }
    }
    found
}

/// The schema of an inline item, not a reference.
fn inline(schema: Option<&ReferenceOr<Box<Schema>>>) -> Option<&Schema> {
    match schema {
        Some(ReferenceOr::Item(schema)) => Some(schema),
        _ => None,
    }
}

fn compiled(source: &str) -> Option<Pattern> {
    ["u", ""]
        .into_iter()
        .find(|flags| regress::Regex::with_flags(source, *flags).is_ok())
        .map(|flags| Pattern { source: source.to_owned(), flags })
}
