//! Every schema checked on its own before the spec is deserialized whole. openapiv3 reads
//! schemas through untagged enums that retry each nested level when a level below fails, so
//! a fault deep in a schema costs time exponential in its depth (20 levels: 9 s; 30: hours).
//! Checked one level at a time, children stubbed, from the leaves up, it costs linear time,
//! and the fault is found at the schema that has it, which alone becomes any JSON value.

use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};

/// Keys of a schema whose value is a schema.
const SCHEMA_MEMBERS: &[&str] = &["items", "not", "additionalProperties"];
/// Keys of a schema whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keys outside schemas whose value is free-form, never walked. (Not `default`: outside a
/// schema it is the default response, full of schemas.)
const OPAQUE: &[&str] = &["example", "examples"];

/// Checks every schema of the (OpenAPI 3.0) document; a schema level that does not
/// deserialize becomes `{}` (any JSON value) with a warning naming its fault.
pub fn check(document: &mut Value, warnings: &mut Vec<Fault>) {
    outside(document, "#", warnings);
}

/// Walks a value that is not a schema, looking for the schemas in it.
fn outside(value: &mut Value, at: &str, warnings: &mut Vec<Fault>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if OPAQUE.contains(&key.as_str()) || key.starts_with("x-") {
                    continue;
                }
                let child_at = pointer_push(at, key);
                if key == "schema" {
                    schema(child, &child_at, warnings);
                } else if key == "schemas" && at == "#/components" {
                    for (name, entry) in child.as_object_mut().into_iter().flatten() {
                        schema(entry, &pointer_push(&child_at, name), warnings);
                    }
                } else {
                    outside(child, &child_at, warnings);
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                outside(item, &pointer_push(at, &index.to_string()), warnings);
            }
        }
        _ => {}
    }
}

/// Schemas nested no deeper than this are left to the whole-spec deserialization: a fault in
/// them costs at most 2^8 retries of a small subtree, and checking every schema of a large
/// spec level by level would cost more than that (Stripe: +180 ms).
const SHALLOW: usize = 8;

/// Checks a schema that nests deeper than [`SHALLOW`], every level of it.
fn schema(value: &mut Value, at: &str, warnings: &mut Vec<Fault>) {
    if schema_depth(value, SHALLOW + 1) > SHALLOW {
        check_levels(value, at, warnings);
    }
}

/// How deep schemas nest in `value`, counting no further than `limit`.
fn schema_depth(value: &Value, limit: usize) -> usize {
    let Value::Object(map) = value else { return 0 };
    if limit == 0 {
        return 0;
    }
    let mut deepest = 0;
    for (key, child) in map {
        let depth = if SCHEMA_MEMBERS.contains(&key.as_str()) {
            schema_depth(child, limit - 1)
        } else if SCHEMA_LISTS.contains(&key.as_str()) || key == "properties" {
            let children: Box<dyn Iterator<Item = &Value>> = match child {
                Value::Array(items) => Box::new(items.iter()),
                Value::Object(members) => Box::new(members.values()),
                _ => Box::new(std::iter::empty()),
            };
            children.map(|child| schema_depth(child, limit - 1)).max().unwrap_or(0)
        } else {
            continue;
        };
        deepest = deepest.max(depth);
        if deepest + 1 >= limit {
            break;
        }
    }
    deepest + 1
}

/// Checks a schema: its child schemas first, then itself with each child replaced by `{}`.
/// A level that does not deserialize is replaced by `{}` itself.
fn check_levels(value: &mut Value, at: &str, warnings: &mut Vec<Fault>) {
    let stubbed = match &mut *value {
        Value::Object(map) => {
            let mut stubbed = Map::with_capacity(map.len());
            for (key, child) in map.iter_mut() {
                let child_at = pointer_push(at, key);
                let stub = if SCHEMA_MEMBERS.contains(&key.as_str()) && child.is_object() {
                    check_levels(child, &child_at, warnings);
                    Value::Object(Map::new())
                } else if let (true, Value::Array(items)) = (SCHEMA_LISTS.contains(&key.as_str()), &mut *child) {
                    for (index, item) in items.iter_mut().enumerate() {
                        check_levels(item, &pointer_push(&child_at, &index.to_string()), warnings);
                    }
                    Value::Array(vec![Value::Object(Map::new()); items.len()])
                } else if let (true, Value::Object(properties)) = (key == "properties", &mut *child) {
                    let mut stubs = Map::new();
                    for (name, property) in properties.iter_mut() {
                        check_levels(property, &pointer_push(&child_at, name), warnings);
                        stubs.insert(name.clone(), Value::Object(Map::new()));
                    }
                    Value::Object(stubs)
                } else {
                    child.clone()
                };
                stubbed.insert(key.clone(), stub);
            }
            Value::Object(stubbed)
        }
        // Not an object: deserializing it alone is cheap and says why.
        other => other.clone(),
    };
    if let Err(fault) = deserialize(&stubbed, at) {
        warnings.push(fault.and("this schema is taken as any JSON value"));
        *value = Value::Object(Map::new());
    }
}

fn deserialize(value: &Value, at: &str) -> Result<(), Fault> {
    let fault = |error: serde_path_to_error::Error<serde_json::Error>| {
        Fault::at(super::pointer_of(at, error.path()), error.inner().to_string())
    };
    // As a schema rather than `$ref`-or-schema, whose error would only say that neither fit.
    if value.get("$ref").is_some() {
        serde_path_to_error::deserialize::<_, ReferenceOr<Schema>>(value).map(|_| ()).map_err(fault)
    } else {
        serde_path_to_error::deserialize::<_, Schema>(value).map(|_| ()).map_err(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use serde_json::json;

    fn faults(document: &mut Value) -> Vec<Fault> {
        let mut warnings = Vec::new();
        check(document, &mut warnings);
        warnings
    }

    fn nested(depth: usize, leaf: Value) -> Value {
        (0..depth).fold(leaf, |inner, level| {
            if level % 2 == 0 {
                json!({"type": "array", "items": inner})
            } else {
                json!({"allOf": [inner]})
            }
        })
    }

    #[test]
    fn a_fault_deep_in_a_schema_is_found_at_once_and_located() {
        let mut document =
            json!({"components": {"schemas": {"A": nested(60, json!({"type": "boolean", "nullable": "yes"}))}}});
        let fault = faults(&mut document).remove(0);
        let Location::Pointer(pointer) = &fault.location else { panic!("{fault:?}") };
        assert!(pointer.starts_with("#/components/schemas/A/allOf/0/items/allOf/0/items"), "{pointer}");
        assert_eq!(pointer.matches("/items").count(), 30, "{pointer}");
        assert!(fault.message.contains("expected a boolean"), "{}", fault.message);
    }

    #[test]
    fn schemas_of_a_default_response_are_checked() {
        let deep = nested(40, json!({"type": "array", "items": 216}));
        let mut document = json!({"paths": {"/a": {"get": {"responses": {"default": {"description": "any",
            "content": {"application/json": {"schema": deep}}}}}}}});
        let fault = faults(&mut document).remove(0);
        let Location::Pointer(pointer) = &fault.location else { panic!("{fault:?}") };
        assert!(pointer.starts_with("#/paths/~1a/get/responses/default/content/"), "{pointer}");
    }

    #[test]
    fn valid_schemas_pass_and_free_form_members_are_not_read_as_schemas() {
        let mut document = json!({
            "components": {"schemas": {"A": nested(60, json!({"type": "string"}))}},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"schema": {"type": "integer"}}},
                "example": {"schema": "not a schema"}
            }}}}}}}
        });
        assert_eq!(faults(&mut document), []);
    }
}
