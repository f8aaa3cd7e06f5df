//! OpenAPI 3.2 rewritten as 3.1, in place (3.1 then becomes 3.0). What 3.2 adds that a 3.0
//! model holds is kept: the `cookie` style travels as an extension the model reads, and a
//! sequential media type's `itemSchema` becomes its `schema`, which the model reads as one
//! item's (for `text/event-stream`, the schema of one event's `data`); the `query` method
//! and `additionalOperations` travel in an extension of the path item, and `in: querystring`
//! parameters as query parameters marked by another. The document's `$self` is dropped.

use super::METHODS;
use crate::diagnostics::{pointer_push, Fault};
use serde_json::{json, Map, Value};

/// The extension under which a cookie parameter's 3.2 `style: cookie` reaches the model
/// (the 3.0 model knows only `form` for cookies).
pub const COOKIE_STYLE_EXTENSION: &str = "x-apigen-cookie-style";

/// The extension marking a 3.2 `in: querystring` parameter (the whole query string as one
/// value, described by its `content`), which reaches the model as `in: query`.
pub const QUERYSTRING_EXTENSION: &str = "x-apigen-querystring";

/// The extension under which a path item's 3.2 `query` operation (as `QUERY`) and its
/// `additionalOperations` reach the model, keyed by method.
pub const OPERATIONS_EXTENSION: &str = "x-apigen-operations";

/// The extension naming the data that ends an event stream (`[DONE]`): written by hand on a
/// `text/event-stream` media type, or found by the loader in a 3.2 `itemSchema`.
pub const SENTINEL_EXTENSION: &str = "x-apigen-sentinel";

pub fn downgrade(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(root) = document.as_object_mut() else { return };
    root.insert("openapi".into(), json!("3.1.1"));
    root.remove("$self");
    if let Some(Value::Object(parameters)) = root.get_mut("components").and_then(|c| c.get_mut("parameters")) {
        for parameter in parameters.values_mut() {
            parameter_32(parameter);
        }
    }
    let schemas = root.get("components").and_then(|c| c.get("schemas")).cloned().unwrap_or(Value::Null);
    for kind in ["responses", "requestBodies"] {
        if let Some(Value::Object(shared)) = root.get_mut("components").and_then(|c| c.get_mut(kind)) {
            for (name, shared) in shared.iter_mut() {
                let at = pointer_push(&pointer_push("#/components", kind), name);
                item_schemas(shared, &at, &schemas, warnings);
            }
        }
    }
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let at = pointer_push("#/paths", path);
        let Value::Object(item) = item else { continue };
        if let Some(parameters) = item.get_mut("parameters") {
            parameters_32(parameters);
        }
        super::for_each_operation(item, &at, &mut |operation, at| {
            if let Some(body) = operation.get_mut("requestBody") {
                item_schemas(body, &pointer_push(at, "requestBody"), &schemas, warnings);
            }
            if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    item_schemas(response, &pointer_push(&pointer_push(at, "responses"), status), &schemas, warnings);
                }
            }
            if let Some(parameters) = operation.get_mut("parameters") {
                parameters_32(parameters);
            }
        });
    }
}

/// The method name under which [`OPERATIONS_EXTENSION`] keeps a path item's `query`.
pub const QUERY_METHOD: &str = "QUERY";

/// Each path item's `query` operation and those of its `additionalOperations` move under
/// [`OPERATIONS_EXTENSION`], keyed by their method, where the 3.0 model keeps them. A method
/// that is not an HTTP token, or that repeats a fixed field's, is left out with a warning.
pub fn keep_more_operations(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(paths)) = document.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        if let Value::Object(item) = item {
            move_more_operations(item, &pointer_push("#/paths", path), warnings);
        }
    }
}

fn move_more_operations(item: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Fault>) {
    let mut kept = Map::new();
    if let Some(query) = item.remove("query") {
        kept.insert(QUERY_METHOD.to_owned(), query);
    }
    match item.remove("additionalOperations") {
        None => {}
        Some(Value::Object(more)) => {
            let more_at = pointer_push(at, "additionalOperations");
            for (method, operation) in more {
                let fixed = METHODS.iter().chain(&["query"]).any(|fixed| fixed.eq_ignore_ascii_case(&method));
                let token = !method.is_empty()
                    && method.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte));
                if fixed || !token {
                    let why = if fixed {
                        "repeats a method the path item has a field for"
                    } else {
                        "is not an HTTP method name"
                    };
                    warnings.push(Fault::at(pointer_push(&more_at, &method), format!("{method:?} {why}; left out")));
                    continue;
                }
                kept.insert(method, operation);
            }
        }
        Some(_) => warnings.push(Fault::at(
            pointer_push(at, "additionalOperations"),
            "`additionalOperations` is not a map of methods; left out",
        )),
    }
    if !kept.is_empty() {
        item.insert(OPERATIONS_EXTENSION.to_owned(), Value::Object(kept));
    }
}

/// A parameter list's parameters as the 3.0 model reads them.
fn parameters_32(parameters: &mut Value) {
    if let Value::Array(list) = parameters {
        list.iter_mut().for_each(parameter_32);
    }
}

/// `style: cookie` becomes `form`, the style kept in [`COOKIE_STYLE_EXTENSION`]; `in:
/// querystring` becomes `in: query`, marked by [`QUERYSTRING_EXTENSION`].
fn parameter_32(parameter: &mut Value) {
    cookie_style(parameter);
    if parameter.get("in").and_then(Value::as_str) == Some("querystring") {
        parameter["in"] = json!("query");
        parameter[QUERYSTRING_EXTENSION] = json!(true);
    }
}

/// `style: cookie` becomes `form` for the 3.0 model, the style kept in the extension.
fn cookie_style(parameter: &mut Value) {
    if parameter.get("style").and_then(Value::as_str) == Some("cookie") {
        parameter["style"] = json!("form");
        parameter[COOKIE_STYLE_EXTENSION] = json!(true);
    }
}

/// A request body's or response's media types: each `itemSchema` becomes the `schema` the
/// model reads as one item's. For `text/event-stream` that is the schema of one event's
/// `data`: its `contentSchema` where the data is JSON text, else the data's own schema.
fn item_schemas(body: &mut Value, at: &str, schemas: &Value, warnings: &mut Vec<Fault>) {
    let Some(Value::Object(content)) = body.get_mut("content") else { return };
    for (media_type, media) in content.iter_mut() {
        let Some(item) = media.as_object_mut().and_then(|media| media.remove("itemSchema")) else { continue };
        let at = pointer_push(&pointer_push(&pointer_push(at, "content"), media_type), "itemSchema");
        let essence = super::media_essence(media_type);
        let schema = if essence == "text/event-stream" {
            let (data, sentinel) = event_data_schema(&item, &at, schemas, warnings);
            if let (Some(sentinel), Some(media)) = (sentinel, media.as_object_mut()) {
                media.entry(SENTINEL_EXTENSION).or_insert(json!(sentinel));
            }
            data
        } else if essence == "multipart/mixed" {
            warnings
                .push(Fault::at(&at, "the parts of multipart/mixed are not typed yet; the body is passed as bytes"));
            continue;
        } else {
            item
        };
        media["schema"] = schema;
    }
}

/// The schema of an event's `data`, from the schema of the event (`{data, event, id,
/// retry}`), and the sentinel it documents: where the event is a `oneOf` (or `anyOf`) of
/// events, a choice whose data is one constant string (`[DONE]`) is the stream's end, and
/// the other choices' data make the type. A string where it cannot be told, with a warning.
fn event_data_schema(item: &Value, at: &str, schemas: &Value, warnings: &mut Vec<Fault>) -> (Value, Option<String>) {
    let event = local_schema(item, schemas);
    if let Some(data) = event_data(event, schemas) {
        return (data, None);
    }
    let choices = ["oneOf", "anyOf"].into_iter().find_map(|key| event.get(key).and_then(Value::as_array));
    if let Some(choices) = choices {
        let datas: Option<Vec<Value>> =
            choices.iter().map(|choice| event_data(local_schema(choice, schemas), schemas)).collect();
        if let Some(datas) = datas {
            let (constants, typed): (Vec<Value>, Vec<Value>) =
                datas.into_iter().partition(|data| constant_string(data).is_some());
            let sentinel = match constants.as_slice() {
                [] => None,
                [constant] => constant_string(constant),
                _ => {
                    warnings.push(Fault::at(at, "several events of constant data; none is taken as the stream's end"));
                    None
                }
            };
            let data = match typed.len() {
                0 => json!({"type": "string"}),
                1 => typed.into_iter().next().unwrap_or_default(),
                _ => json!({"oneOf": typed}),
            };
            return (data, sentinel);
        }
    }
    warnings.push(Fault::at(
        at,
        "the event schema has no `data` property the generator can read; each event's data is taken as a string",
    ));
    (json!({"type": "string"}), None)
}

/// One event's `data` schema: its `contentSchema` where the data is JSON text.
fn event_data(event: &Value, schemas: &Value) -> Option<Value> {
    let data = local_schema(event.get("properties")?.get("data")?, schemas);
    Some(data.get("contentSchema").cloned().unwrap_or_else(|| data.clone()))
}

/// `const: "[DONE]"`, or an `enum` of that one string.
fn constant_string(schema: &Value) -> Option<String> {
    let constant = schema.get("const").or_else(|| match schema.get("enum").and_then(Value::as_array)?.as_slice() {
        [only] => Some(only),
        _ => None,
    })?;
    constant.as_str().map(str::to_owned)
}

/// A schema, or the component schema its local `$ref` names.
fn local_schema<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    let name = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/schemas/"));
    match name {
        Some(name) => schemas.get(name.replace("~1", "/").replace("~0", "~")).unwrap_or(schema),
        None => schema,
    }
}
