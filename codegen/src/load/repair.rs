//! Leniency for what real specs write whatever version they claim: JSON Schema keywords of
//! 3.1 in 2.0 and 3.0 documents, members the 3.0 model requires but specs omit, and
//! constructs that cannot be typed, replaced by their nearest faithful fallback with a
//! warning naming where.

use super::{for_each_operation, walk_objects, SCHEMA_MAPS};
use crate::diagnostics::{pointer_push, Fault};
use serde_json::{json, Map, Value};

pub fn repair(document: &mut Value, warnings: &mut Vec<Fault>) {
    normalise_path_templates(document, warnings);
    complete_operations(document, warnings);
    drop_unknown_security_schemes(document, warnings);
    walk_objects_at(document, "#", &mut |object, at| {
        replace_tuple_items(object, at, warnings);
        replace_pattern_properties(object, at, warnings);
    });
    walk_objects(document, &mut schema_keywords);
    walk_objects(document, &mut keep_explode);
}

/// The extension under which the `explode` of a Header or Encoding Object reaches the
/// model: `openapiv3::Header` has no such field and would drop it, and `openapiv3::Encoding`
/// reads an absent one as `false` where OpenAPI's default depends on the style.
pub const EXPLODE_EXTENSION: &str = "x-apigen-explode";

/// Copies the `explode` of each Header Object (a response's headers, `components/headers`,
/// an encoding's headers) and Encoding Object into [`EXPLODE_EXTENSION`].
fn keep_explode(object: &mut Map<String, Value>) {
    for key in ["headers", "encoding"] {
        let Some(Value::Object(entries)) = object.get_mut(key) else { continue };
        for entry in entries.values_mut() {
            if let Some(explode) = entry.get("explode").and_then(Value::as_bool) {
                entry[EXPLODE_EXTENSION] = Value::Bool(explode);
            }
        }
    }
}

/// `{param*}`, `{+param}` and the like are RFC 6570 operators, not part of the name.
fn normalise_path_templates(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    let renamed: Vec<(String, String)> = paths
        .keys()
        .filter_map(|path| {
            let clean = strip_operators(path);
            (clean != *path).then(|| (path.clone(), clean))
        })
        .collect();
    for (from, to) in renamed {
        if paths.contains_key(&to) {
            continue;
        }
        if let Some(item) = paths.remove(&from) {
            warnings.push(Fault::at(pointer_push("#/paths", &from), format!("path template operators dropped: {to}")));
            paths.insert(to, item);
        }
    }
}

fn strip_operators(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_template = false;
    for character in path.chars() {
        match character {
            '{' => in_template = true,
            '}' => in_template = false,
            '*' | '+' | '#' | ';' | '?' | '&' if in_template => continue,
            '.' if in_template && out.ends_with('{') => continue,
            _ => {}
        }
        out.push(character);
    }
    out
}

/// Operations without `responses` (optional in 3.1), responses without `description` or
/// written as null.
fn complete_operations(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for_each_operation(item, &pointer_push("#/paths", path), &mut |operation, at| {
            let responses = operation.entry("responses").or_insert_with(|| json!({}));
            let Value::Object(responses) = responses else { return };
            for (status, response) in responses.iter_mut() {
                match response {
                    Value::Null => {
                        let at = pointer_push(&pointer_push(at, "responses"), status);
                        warnings.push(Fault::at(at, "a null response is taken as one without a body"));
                        *response = json!({ "description": "" });
                    }
                    Value::Object(response) if !response.contains_key("$ref") => {
                        response.entry("description").or_insert_with(|| json!(""));
                    }
                    _ => {}
                }
            }
        });
    }
}

fn drop_unknown_security_schemes(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(schemes)) = document.pointer_mut("/components/securitySchemes") else { return };
    schemes.retain(|name, scheme| {
        let known =
            matches!(scheme.get("type").and_then(Value::as_str), Some("apiKey" | "http" | "oauth2" | "openIdConnect"))
                || scheme.get("$ref").is_some();
        if !known {
            warnings.push(Fault::at(
                pointer_push("#/components/securitySchemes", name),
                "this security scheme type is not supported; operations are sent without it",
            ));
        }
        known
    });
}

/// `items: [A, B]` (a JSON Schema tuple) has no 3.0 form: its items are taken as any value.
fn replace_tuple_items(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Fault>) {
    if let Some(Value::Array(_)) = object.get("items") {
        warnings.push(Fault::at(pointer_push(at, "items"), "tuple items are taken as any JSON value"));
        object.insert("items".into(), json!({}));
    }
}

/// `patternProperties` has no 3.0 form. The members its patterns match are still allowed, so
/// they are kept as extra members: typed by the pattern's schema where one pattern stands in
/// for an `additionalProperties: false` (or repeats the `additionalProperties` schema), and
/// as any JSON value otherwise; the patterns themselves are not checked.
fn replace_pattern_properties(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(patterns)) = object.remove("patternProperties") else { return };
    let single = (patterns.len() == 1).then(|| patterns.values().next().cloned()).flatten();
    let kept = match (object.get("additionalProperties"), single) {
        (Some(Value::Bool(false)), Some(pattern)) => pattern,
        (Some(additional), Some(pattern)) if *additional == pattern => pattern,
        _ => json!({}),
    };
    let how = if kept == json!({}) { "as any JSON value" } else { "typed by the pattern's schema" };
    warnings.push(Fault::at(
        pointer_push(at, "patternProperties"),
        format!(
            "patterns of member names cannot be typed; the members they match are kept, {how}, their names unchecked"
        ),
    ));
    object.insert("additionalProperties".into(), kept);
}

/// Calls `visit` on every object in `value` with its JSON pointer, except maps of schemas by
/// name (`properties` and the like), whose keys are names, not keywords, and example values
/// and extensions, which are not schemas.
fn walk_objects_at(value: &mut Value, at: &str, visit: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    match value {
        Value::Object(object) => {
            visit(object, at);
            for (key, child) in object.iter_mut() {
                if key == "example" || key == "examples" || key.starts_with("x-") {
                    continue;
                }
                let child_at = pointer_push(at, key);
                match child {
                    Value::Object(entries) if SCHEMA_MAPS.contains(&key.as_str()) => {
                        for (name, entry) in entries.iter_mut() {
                            walk_objects_at(entry, &pointer_push(&child_at, name), visit);
                        }
                    }
                    _ => walk_objects_at(child, &child_at, visit),
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                walk_objects_at(item, &pointer_push(at, &index.to_string()), visit);
            }
        }
        _ => {}
    }
}

/// JSON Schema spellings that 3.0 writes differently: type arrays with `null`, `const`,
/// `examples` lists, numeric exclusive bounds, base64 content.
fn schema_keywords(object: &mut Map<String, Value>) {
    // `type: [string, "null"]` is `type: string, nullable: true`; several non-null types are
    // a choice between them.
    if let Some(Value::Array(types)) = object.get("type").cloned() {
        let nullable = types.iter().any(|kind| kind == "null");
        let concrete: Vec<Value> = types.into_iter().filter(|kind| kind != "null").collect();
        object.remove("type");
        match concrete.as_slice() {
            [] => {}
            [single] => {
                object.insert("type".into(), single.clone());
            }
            several => {
                let choices = several.iter().map(|kind| json!({ "type": kind })).collect();
                object.insert("anyOf".into(), Value::Array(choices));
            }
        }
        if nullable {
            object.insert("nullable".into(), json!(true));
        }
    }
    if object.get("type").and_then(Value::as_str) == Some("null") {
        object.remove("type");
        object.insert("nullable".into(), json!(true));
    }
    // `anyOf: [X, {type: null}]` is X made nullable.
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(choices)) = object.get_mut(keyword) {
            let before = choices.len();
            choices.retain(|choice| !is_null_schema(choice));
            if choices.len() < before {
                object.insert("nullable".into(), json!(true));
            }
        }
    }
    // A reference made nullable beside it (`x-nullable` in 2.0, `nullable` in 3.0): siblings
    // of `$ref` are not read, so the reference becomes the one part of an `allOf` that is.
    if object.get("nullable") == Some(&json!(true)) && object.get("$ref").is_some_and(Value::is_string) {
        if let Some(reference) = object.remove("$ref") {
            object.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
    if let Some(value) = object.remove("const") {
        object.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(examples)) = object.get("examples") {
        let first = examples.first().cloned();
        object.remove("examples");
        if let Some(first) = first {
            object.entry("example").or_insert(first);
        }
    }
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(bound) = object.get(exclusive).filter(|bound| bound.is_number()).cloned() {
            object.insert(inclusive.into(), bound);
            object.insert(exclusive.into(), json!(true));
        }
    }
    if object.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
        object.insert("format".into(), json!("byte"));
    }
    if object.contains_key("contentMediaType")
        && object.get("type").and_then(Value::as_str) == Some("string")
        && !object.contains_key("format")
    {
        object.insert("format".into(), json!("binary"));
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
        || schema.get("nullable") == Some(&json!(true)) && schema.as_object().is_some_and(|object| object.len() == 1)
}
