//! Stage 1: text to one model. YAML or JSON is parsed, Swagger 2.0 and OpenAPI 3.1 are
//! rewritten into OpenAPI 3.0, and the result is deserialized into `openapiv3::OpenAPI`.
//! The normalised JSON is kept beside it so that `$ref`s can be followed anywhere.

mod degrade;
mod external;
mod lenient;
mod locate;
mod openapi31;
mod openapi32;
pub(crate) mod parse;
mod repair;

pub(crate) use openapi32::{
    COOKIE_STYLE_EXTENSION, OPERATIONS_EXTENSION, QUERYSTRING_EXTENSION, QUERY_METHOD, SENTINEL_EXTENSION,
};
pub(crate) use repair::EXPLODE_EXTENSION;
mod schema_check;
mod swagger2;

use crate::diagnostics::{Fault, Location};
use serde_json::Value;
use std::path::Path;

/// A media type without its parameters, in lower case (`text/event-stream`).
pub(crate) fn media_essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The spec versions the loader accepts, by the version they were written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceVersion {
    Swagger2,
    OpenApi30,
    OpenApi31,
    OpenApi32,
}

/// The operations of a path item, as 3.0 names them.
pub(crate) const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A spec normalised to OpenAPI 3.0.
pub struct Loaded {
    pub spec: openapiv3::OpenAPI,
    /// The normalised document, for `$ref`s that point outside `components`.
    pub document: Value,
    pub warnings: Vec<Fault>,
    /// How many operations the spec declares, before any is left out.
    pub declared_operations: usize,
}

/// Parses and normalises one spec. `json` says how to parse the text; `file`, when known, is
/// where it was read from, which `$ref`s into other files are relative to.
pub fn load(text: &str, json: bool, file: Option<&Path>) -> Result<Loaded, Fault> {
    let mut document = if json { parse::json(text)? } else { parse::yaml(text)? };
    if !document.is_object() {
        return Err(Fault::at("#", "a spec must be an object"));
    }
    if let Some(at) = too_deep(&document, MAX_DEPTH, "#") {
        return Err(Fault::at(at, format!("the document nests deeper than {MAX_DEPTH} levels here")));
    }
    let mut warnings = Vec::new();
    let source_version = detect_version(&document)?;
    if let Some(file) = file.filter(|file| file.parent().is_some()) {
        let schemas: &[&str] =
            if source_version == SourceVersion::Swagger2 { &["definitions"] } else { &["components", "schemas"] };
        external::bundle(&mut document, file, schemas, &mut warnings)?;
    }
    let declared_operations = count_operations(&document);
    match source_version {
        SourceVersion::Swagger2 => swagger2::convert(&mut document, &mut warnings),
        SourceVersion::OpenApi31 => openapi31::downgrade(&mut document, &mut warnings),
        SourceVersion::OpenApi32 => {
            openapi32::downgrade(&mut document, &mut warnings);
            openapi31::downgrade(&mut document, &mut warnings);
        }
        SourceVersion::OpenApi30 => {}
    }
    repair::repair(&mut document, &mut warnings);
    lenient::relax(&mut document, &mut warnings);
    schema_check::check(&mut document, &mut warnings);
    if source_version == SourceVersion::OpenApi32 {
        // Last, so that every pass above has read these operations where the spec wrote them.
        openapi32::keep_more_operations(&mut document, &mut warnings);
    }
    let spec = deserialize(&mut document, &mut warnings)?;
    Ok(Loaded { spec, document, warnings, declared_operations })
}

/// The operations of every path item (one that is a local `$ref` is followed once), 3.2's
/// `query` and `additionalOperations` included; `x-` members of `paths` are extensions.
fn count_operations(document: &Value) -> usize {
    let Some(Value::Object(paths)) = document.get("paths") else { return 0 };
    paths
        .iter()
        .filter(|(path, _)| !path.starts_with("x-"))
        .map(|(_, item)| item)
        .map(|item| match item.get("$ref").and_then(Value::as_str).and_then(|reference| reference.strip_prefix('#')) {
            Some(pointer) => document.pointer(&crate::model::refs::percent_decode(pointer)).unwrap_or(item),
            None => item,
        })
        .filter_map(Value::as_object)
        .map(|item| {
            let standard = item.keys().filter(|key| METHODS.contains(&key.as_str()) || *key == "query").count();
            standard + item.get("additionalOperations").and_then(Value::as_object).map_or(0, |more| more.len())
        })
        .sum()
}

/// How deep a document may nest. The deepest spec of the corpus nests 30 levels; every
/// stage walks schemas recursively, and a hostile spec must not exhaust the stack.
const MAX_DEPTH: usize = 64;

/// The pointer of the first value nested `depth` levels below `value`, if any.
fn too_deep(value: &Value, depth: usize, at: &str) -> Option<String> {
    // Tokens gathered on the way out, so that the common case allocates nothing.
    let mut tokens = deeper_than(value, depth)?;
    tokens.reverse();
    Some(tokens.iter().fold(at.to_owned(), |pointer, token| crate::diagnostics::pointer_push(&pointer, token)))
}

/// The path (innermost token first) to a container nested more than `depth` levels down.
fn deeper_than(value: &Value, depth: usize) -> Option<Vec<String>> {
    let below = |child: &Value| -> Option<Vec<String>> {
        if !(child.is_object() || child.is_array()) {
            None
        } else if depth == 0 {
            Some(Vec::new())
        } else {
            deeper_than(child, depth - 1)
        }
    };
    let (mut tokens, token) = match value {
        Value::Object(map) => map.iter().find_map(|(key, child)| Some((below(child)?, key.clone())))?,
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(index, child)| Some((below(child)?, index.to_string())))?
        }
        _ => return None,
    };
    tokens.push(token);
    Some(tokens)
}

fn detect_version(document: &Value) -> Result<SourceVersion, Fault> {
    if let Some(swagger) = document.get("swagger") {
        return match swagger.as_str() {
            Some("2.0") => Ok(SourceVersion::Swagger2),
            _ => Err(Fault::at("#/swagger", format!("unsupported Swagger version {swagger}; 2.0 is supported"))),
        };
    }
    match document.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => Ok(SourceVersion::OpenApi30),
        Some(version) if version.starts_with("3.1") => Ok(SourceVersion::OpenApi31),
        Some(version) if version.starts_with("3.2") => Ok(SourceVersion::OpenApi32),
        Some(version) => Err(Fault::at(
            "#/openapi",
            format!("unsupported OpenAPI version {version:?}; 3.0, 3.1 and 3.2 are supported"),
        )),
        None => Err(Fault::at("#", "neither `openapi` nor `swagger` is set: this is not an OpenAPI document")),
    }
}

/// Deserializes the document, leaving out the members that do not read (and saying so)
/// until the rest does. A fault outside every such member is the spec's.
fn deserialize(document: &mut Value, warnings: &mut Vec<Fault>) -> Result<openapiv3::OpenAPI, Fault> {
    let mut round = 0;
    loop {
        let error = match serde_path_to_error::deserialize(&*document) {
            Ok(spec) => return Ok(spec),
            Err(error) => error,
        };
        let faults = locate::faults(document);
        if faults.is_empty() || round == degrade::ROUNDS {
            let first = faults.into_iter().next().map(|found| found.fault);
            return Err(first.unwrap_or_else(|| Fault {
                location: Location::Pointer(pointer_of("#", error.path())),
                message: error.inner().to_string(),
            }));
        }
        degrade::leave_out(document, faults, warnings);
        round += 1;
    }
}

/// The JSON pointer (`#/a/b/0`) of a serde path.
/// The JSON pointer of a serde path, below `base` (`#/a/b/0`).
fn pointer_of(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = base.to_owned();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = crate::diagnostics::pointer_push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = crate::diagnostics::pointer_push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Keys whose value maps names to schemas: the map itself is not a schema, so a property
/// named `const` or `properties` must not be read as a keyword.
pub(crate) const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "schemas", "definitions", "$defs"];

/// The pointer of an operation kept under [`OPERATIONS_EXTENSION`] as the spec wrote it:
/// `.../query` for `QUERY`, else `.../additionalOperations/<method>`.
pub(crate) fn kept_operation_pointer(path_at: &str, method: &str) -> String {
    use crate::diagnostics::pointer_push;
    if method == QUERY_METHOD {
        pointer_push(path_at, "query")
    } else {
        pointer_push(&pointer_push(path_at, "additionalOperations"), method)
    }
}

/// Calls `visit` with each operation of a path item at `at` and the operation's pointer: the
/// standard methods', then OpenAPI 3.2's `query` and `additionalOperations` (which stay where
/// the spec wrote them until the loader's last step moves them under
/// [`OPERATIONS_EXTENSION`]).
pub(crate) fn for_each_operation(
    item: &mut serde_json::Map<String, Value>,
    at: &str,
    visit: &mut dyn FnMut(&mut serde_json::Map<String, Value>, &str),
) {
    use crate::diagnostics::pointer_push;
    for method in METHODS.iter().copied().chain(["query"]) {
        if let Some(Value::Object(operation)) = item.get_mut(method) {
            visit(operation, &pointer_push(at, method));
        }
    }
    if let Some(Value::Object(more)) = item.get_mut("additionalOperations") {
        let more_at = pointer_push(at, "additionalOperations");
        for (method, operation) in more.iter_mut() {
            let Value::Object(operation) = operation else { continue };
            visit(operation, &pointer_push(&more_at, method));
        }
    }
}

/// Calls `visit` on every object in the document, depth first, children before parents,
/// stepping over maps of named schemas (their entries are visited, the maps are not).
pub(crate) fn walk_objects(value: &mut Value, visit: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::Object(entries) if SCHEMA_MAPS.contains(&key.as_str()) => {
                        for entry in entries.values_mut() {
                            walk_objects(entry, visit);
                        }
                    }
                    _ => walk_objects(child, visit),
                }
            }
            visit(map);
        }
        Value::Array(items) => {
            for item in items {
                walk_objects(item, visit);
            }
        }
        _ => {}
    }
}
