//! Leniency where no generated line depends on a member: prose and metadata (`info`,
//! descriptions, summaries, tags, external docs, server variables, examples, links) that is
//! missing or mistyped gets a fallback and a warning, so that it never sinks a spec. What the
//! code depends on (a parameter's name, a schema's type) is left to the model, which degrades
//! per operation.

use super::SCHEMA_MAPS;
use crate::diagnostics::{pointer_push, Fault};
use serde_json::{json, Map, Value};

pub fn relax(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(root) = document.as_object_mut() else { return };
    info(root, warnings);
    for (key, what) in [("paths", "no operations"), ("components", "no components")] {
        if root.get(key).is_some_and(|value| !value.is_object()) {
            warnings.push(Fault::at(pointer_push("#", key), format!("`{key}` is not a map; the spec has {what}")));
            root.remove(key);
        }
    }
    root.entry("paths").or_insert_with(|| json!({}));
    list_of_objects(root, "tags", "#", &["name"], warnings);
    oauth_flows(root, warnings);
    walk(root, "#", warnings);
}

/// OAuth 2 flows without an `authorizationUrl` (which no generated line uses), `tokenUrl`
/// (the model then gives the flow no client method) or `scopes`.
fn oauth_flows(root: &mut Map<String, Value>, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(schemes)) =
        root.get_mut("components").and_then(|components| components.get_mut("securitySchemes"))
    else {
        return;
    };
    for (name, scheme) in schemes.iter_mut() {
        let Some(Value::Object(flows)) = scheme.get_mut("flows") else { continue };
        for (flow, members) in flows.iter_mut() {
            let Value::Object(members) = members else { continue };
            let at = pointer_push(&pointer_push(&pointer_push("#/components/securitySchemes", name), "flows"), flow);
            let urls: &[&str] = match flow.as_str() {
                "implicit" => &["authorizationUrl"],
                "authorizationCode" => &["authorizationUrl", "tokenUrl"],
                _ => &["tokenUrl"],
            };
            for key in urls {
                if !members.get(*key).is_some_and(Value::is_string) {
                    warnings.push(Fault::at(pointer_push(&at, key), format!("`{key}` is missing or not a string")));
                    members.insert((*key).into(), json!(""));
                }
            }
            if !members.get("scopes").is_some_and(Value::is_object) {
                warnings
                    .push(Fault::at(pointer_push(&at, "scopes"), "`scopes` is missing or not a map; taken as none"));
                members.insert("scopes".into(), json!({}));
            }
            if let Some(Value::Object(scopes)) = members.get_mut("scopes") {
                for description in scopes.values_mut().filter(|description| !description.is_string()) {
                    *description = json!("");
                }
            }
        }
    }
}

/// Keys whose value maps names (or status codes, media types, paths) to objects: the keys
/// are not keywords, so a header named `description` is not prose.
const NAME_MAPS: &[&str] = &[
    "paths",
    "responses",
    "content",
    "headers",
    "encoding",
    "examples",
    "links",
    "callbacks",
    "variables",
    "securitySchemes",
    "parameters",
    "requestBodies",
    "pathItems",
    "scopes",
    "mapping",
];

/// Keys whose value is data of the API, not part of the description, or names only
/// (`security` maps scheme names to scopes).
const DATA: &[&str] = &["example", "default", "enum", "value", "const", "security"];

/// Prose members, which must be strings.
const PROSE: &[&str] = &["description", "summary", "title", "termsOfService"];

/// `info`, `info.title` and `info.version` are required, yet only docs read them.
fn info(root: &mut Map<String, Value>, warnings: &mut Vec<Fault>) {
    if !root.get("info").is_some_and(Value::is_object) {
        warnings.push(Fault::at("#/info", "the spec has no `info` object; the API is titled \"API\", of no version"));
        root.insert("info".into(), json!({"title": "API", "version": ""}));
    }
    let Some(Value::Object(info)) = root.get_mut("info") else { return };
    for (key, fallback) in [("title", "API"), ("version", "")] {
        if !text(info, key, "#/info", warnings) {
            warnings.push(Fault::at(
                pointer_push("#/info", key),
                format!("`info.{key}` is missing or not a string; taken as {fallback:?}"),
            ));
            info.insert(key.into(), json!(fallback));
        }
    }
    for (key, required) in [("license", Some("name")), ("contact", None)] {
        let valid = match info.get(key) {
            None => true,
            Some(Value::Object(object)) => {
                required.is_none_or(|required| object.get(required).is_some_and(Value::is_string))
            }
            Some(_) => false,
        };
        if !valid {
            warnings.push(Fault::at(pointer_push("#/info", key), format!("an invalid `{key}` is ignored")));
            info.remove(key);
        }
    }
}

/// Keeps the objects of the list at `object[key]` that have every `required` member as a
/// string; drops the rest (or the whole member when it is not a list) with a warning.
fn list_of_objects(object: &mut Map<String, Value>, key: &str, at: &str, required: &[&str], warnings: &mut Vec<Fault>) {
    let Some(value) = object.get_mut(key) else { return };
    let list_at = pointer_push(at, key);
    let Value::Array(items) = value else {
        warnings.push(Fault::at(list_at, format!("`{key}` is not a list; ignored")));
        object.remove(key);
        return;
    };
    let mut index = 0;
    items.retain(|item| {
        let keep = item
            .as_object()
            .is_some_and(|item| required.iter().all(|name| item.get(*name).is_some_and(Value::is_string)));
        if !keep {
            let missing = required.join("` and `");
            warnings.push(Fault::at(
                pointer_push(&list_at, &index.to_string()),
                format!("an entry without a `{missing}` string is ignored"),
            ));
        }
        index += 1;
        keep
    });
}

/// Visits every object of the description (not the data in it), mending what only docs read.
fn walk(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Fault>) {
    mend(object, at, warnings);
    for (key, child) in object.iter_mut() {
        if key.starts_with("x-") || DATA.contains(&key.as_str()) {
            continue;
        }
        let child_at = pointer_push(at, key);
        match child {
            Value::Object(entries) if NAME_MAPS.contains(&key.as_str()) || SCHEMA_MAPS.contains(&key.as_str()) => {
                for (name, entry) in entries.iter_mut() {
                    if let Value::Object(entry) = entry {
                        walk(entry, &pointer_push(&child_at, name), warnings);
                    }
                }
            }
            Value::Object(child) => walk(child, &child_at, warnings),
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    if let Value::Object(item) = item {
                        walk(item, &pointer_push(&child_at, &index.to_string()), warnings);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Mends the members of one object that no generated code depends on.
fn mend(object: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Fault>) {
    for key in PROSE {
        if object.contains_key(*key) && !text(object, key, at, warnings) {
            warnings.push(Fault::at(pointer_push(at, key), format!("`{key}` is not a string; ignored")));
            object.remove(*key);
        }
    }
    // A parameter or header that says nothing of its type: its value is text on the wire.
    let located = object
        .get("in")
        .and_then(Value::as_str)
        .is_some_and(|location| matches!(location, "query" | "header" | "path" | "cookie"));
    let parameter = located && object.get("name").is_some_and(Value::is_string);
    let header = at.rsplit('/').nth(1) == Some("headers");
    if (parameter || header)
        && !object.contains_key("schema")
        && !object.contains_key("content")
        && !object.contains_key("$ref")
    {
        warnings.push(Fault::at(at, "neither `schema` nor `content` is given; the value is taken as a string"));
        object.insert("schema".into(), json!({"type": "string"}));
    }
    if let Some(discriminator) = object.get("discriminator") {
        if !discriminator.get("propertyName").is_some_and(Value::is_string) {
            let message =
                "a discriminator without a `propertyName` string is ignored; variants are told apart by shape";
            warnings.push(Fault::at(pointer_push(at, "discriminator"), message));
            object.remove("discriminator");
        }
    }
    if let Some(docs) = object.get("externalDocs") {
        if !docs.get("url").is_some_and(Value::is_string) {
            warnings
                .push(Fault::at(pointer_push(at, "externalDocs"), "external docs without a `url` string are ignored"));
            object.remove("externalDocs");
        }
    }
    // An operation's tags: names.
    if let Some(Value::Array(tags)) = object.get_mut("tags") {
        if tags.iter().any(|tag| !tag.is_string()) && object.contains_key("responses") {
            warnings.push(Fault::at(pointer_push(at, "tags"), "tags that are not strings are ignored"));
            if let Some(Value::Array(tags)) = object.get_mut("tags") {
                tags.retain(Value::is_string);
            }
        }
    }
    if object.contains_key("servers") {
        list_of_objects(object, "servers", at, &["url"], warnings);
    }
    if let Some(Value::Object(variables)) = object.get_mut("variables").filter(|_| object_is_server(at)) {
        variables.retain(|name, variable| {
            let default = variable.get("default").cloned();
            let default = match default {
                Some(Value::String(text)) => Some(text),
                Some(scalar @ (Value::Number(_) | Value::Bool(_))) => Some(scalar.to_string()),
                _ => None,
            };
            let Some(default) = default else {
                warnings.push(Fault::at(
                    pointer_push(&pointer_push(at, "variables"), name),
                    "a server variable without a `default` is ignored",
                ));
                return false;
            };
            variable["default"] = Value::String(default);
            if let Some(Value::Array(choices)) = variable.get_mut("enum") {
                for choice in choices.iter_mut().filter(|choice| !choice.is_string()) {
                    *choice = Value::String(choice.to_string());
                }
            }
            true
        });
    }
    // A parameter's, header's or media type's named examples; docs only.
    if object.get("examples").is_some_and(|examples| !examples.is_object()) && !object.contains_key("type") {
        warnings.push(Fault::at(pointer_push(at, "examples"), "`examples` is not a map of Example Objects; ignored"));
        object.remove("examples");
    }
    if let Some(Value::Object(examples)) = object.get_mut("examples") {
        let before = examples.len();
        examples.retain(|_, example| example.is_object());
        if examples.len() < before {
            warnings.push(Fault::at(pointer_push(at, "examples"), "examples that are not Example Objects are ignored"));
        }
    }
    if let Some(Value::Object(links)) = object.get_mut("links") {
        let before = links.len();
        links.retain(|_, link| {
            ["$ref", "operationId", "operationRef"].iter().any(|key| link.get(*key).is_some_and(Value::is_string))
        });
        if links.len() < before {
            warnings.push(Fault::at(pointer_push(at, "links"), "links without an operation are ignored"));
        }
    }
}

/// Whether `object[key]` is a string once mended: a number (`version: 2`) is taken as its
/// text, with a warning. False when it is absent or of another type.
fn text(object: &mut Map<String, Value>, key: &str, at: &str, warnings: &mut Vec<Fault>) -> bool {
    match object.get(key) {
        Some(Value::String(_)) => true,
        Some(Value::Number(number)) => {
            let number = number.to_string();
            warnings
                .push(Fault::at(pointer_push(at, key), format!("`{key}` is a number; taken as the text {number:?}")));
            object.insert(key.into(), Value::String(number));
            true
        }
        _ => false,
    }
}

/// Whether the object at `at` is a Server Object: an entry of a `servers` list.
fn object_is_server(at: &str) -> bool {
    at.rsplit_once('/').is_some_and(|(parent, index)| parent.ends_with("/servers") && index.parse::<usize>().is_ok())
}
