//! OpenAPI 3.1 rewritten as 3.0, in place. 3.1 schemas are JSON Schema 2020-12; the keywords
//! that 3.0 spells differently are translated, and what 3.0 cannot say is noted.

use super::{walk_objects, SCHEMA_MAPS};
use crate::diagnostics::Fault;
use serde_json::{json, Value};

pub fn downgrade(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(root) = document.as_object_mut() else { return };
    root.insert("openapi".into(), json!("3.0.3"));
    if root.remove("webhooks").is_some() {
        warnings.push(Fault::at(
            "#/webhooks",
            "webhooks are not generated (they describe requests the API sends, not serves)",
        ));
    }
    root.entry("paths").or_insert_with(|| json!({}));
    if let Some(Value::Object(info)) = root.get_mut("info") {
        // 3.1 allows an SPDX `identifier` instead of a license URL; 3.0 has only `url`.
        if let Some(Value::Object(license)) = info.get_mut("license") {
            license.remove("identifier");
        }
    }
    lift_defs(document);
    replace_boolean_schemas(document);
}

/// `$defs` nested in component schemas become components of their own, so refs into them
/// (`#/components/schemas/A/$defs/B`) keep resolving after the move.
fn lift_defs(document: &mut Value) {
    let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") else { return };
    let mut lifted = Vec::new();
    for (owner, schema) in schemas.iter_mut() {
        if let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|schema| schema.remove("$defs")) {
            for (name, def) in defs {
                lifted.push((owner.clone(), name, def));
            }
        }
    }
    let mut renames = Vec::new();
    for (owner, name, def) in lifted {
        let target = if schemas.contains_key(&name) { format!("{owner}_{name}") } else { name.clone() };
        renames.push((format!("#/components/schemas/{owner}/$defs/{name}"), format!("#/components/schemas/{target}")));
        schemas.insert(target, def);
    }
    if renames.is_empty() {
        return;
    }
    walk_objects(document, &mut |object| {
        if let Some(Value::String(reference)) = object.get_mut("$ref") {
            if let Some((_, to)) = renames.iter().find(|(from, _)| from == reference) {
                *reference = to.clone();
            }
        }
    });
}

/// Boolean schemas (`true`: anything, `false`: nothing) where 3.0 expects a schema object.
fn replace_boolean_schemas(value: &mut Value) {
    const SCHEMA_SLOTS: &[&str] = &["items", "not", "schema", "contains", "propertyNames"];
    const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
    let boolean_schema = |slot: &mut Value| {
        if let Value::Bool(allowed) = slot {
            *slot = if *allowed { json!({}) } else { json!({ "not": {} }) };
        }
    };
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if SCHEMA_MAPS.contains(&key.as_str()) {
                    if let Value::Object(entries) = child {
                        for entry in entries.values_mut() {
                            boolean_schema(entry);
                            replace_boolean_schemas(entry);
                        }
                    }
                    continue;
                } else if SCHEMA_SLOTS.contains(&key.as_str()) {
                    boolean_schema(child);
                } else if SCHEMA_LISTS.contains(&key.as_str()) {
                    if let Value::Array(items) = child {
                        items.iter_mut().for_each(boolean_schema);
                    }
                }
                replace_boolean_schemas(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(replace_boolean_schemas),
        _ => {}
    }
}
