//! Swagger 2.0 rewritten as OpenAPI 3.0, in place, following the mapping of the OpenAPI 3.0
//! specification: `host`/`basePath`/`schemes` become `servers`, body and formData parameters
//! become `requestBody`, response `schema`s become `content` by `produces`, `definitions`,
//! `parameters`, `responses` and `securityDefinitions` move under `components`.

use super::walk_objects;
use crate::diagnostics::{pointer_push, Fault};
use serde_json::{json, Map, Value};

const PARAMETER_SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

pub fn convert(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(root) = document.as_object_mut() else { return };
    let global_consumes = string_list(root.get("consumes"));
    let global_produces = string_list(root.get("produces"));
    let body_parameters = body_parameter_names(root);

    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    out.insert("info".into(), root.remove("info").unwrap_or_else(|| json!({})));
    out.insert("servers".into(), Value::Array(servers(root)));
    for key in ["tags", "externalDocs", "security"] {
        if let Some(value) = root.remove(key) {
            out.insert(key.into(), value);
        }
    }
    let mut components = Map::new();
    if let Some(definitions) = root.remove("definitions") {
        components.insert("schemas".into(), definitions);
    }
    if let Some(Value::Object(parameters)) = root.remove("parameters") {
        let mut plain = Map::new();
        let mut bodies = Map::new();
        for (name, parameter) in parameters {
            let pointer = pointer_push("#/parameters", &name);
            match parameter.get("in").and_then(Value::as_str) {
                Some("body") => {
                    bodies.insert(name, request_body(vec![parameter], &global_consumes, &pointer, warnings));
                }
                Some("formData") => {
                    warnings.push(Fault::at(&pointer, "a shared formData parameter is inlined where it is used"));
                    plain.insert(name, parameter);
                }
                _ => {
                    plain.insert(name, convert_parameter(parameter));
                }
            }
        }
        components.insert("parameters".into(), Value::Object(plain));
        components.insert("requestBodies".into(), Value::Object(bodies));
    }
    if let Some(Value::Object(responses)) = root.remove("responses") {
        let converted = responses
            .into_iter()
            .map(|(name, response)| (name, convert_response(response, &global_produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(schemes)) = root.remove("securityDefinitions") {
        let converted = schemes.into_iter().map(|(name, scheme)| (name, convert_security_scheme(scheme))).collect();
        components.insert("securitySchemes".into(), Value::Object(converted));
    }
    let mut shared_form_parameters = Map::new();
    if let Some(Value::Object(parameters)) = components.get("parameters") {
        for (name, parameter) in parameters {
            if parameter.get("in").and_then(Value::as_str) == Some("formData") {
                shared_form_parameters.insert(name.clone(), parameter.clone());
            }
        }
    }
    if let Some(Value::Object(parameters)) = components.get_mut("parameters") {
        parameters.retain(|name, _| !shared_form_parameters.contains_key(name));
    }

    let mut paths = root.remove("paths").unwrap_or_else(|| json!({}));
    if let Value::Object(paths) = &mut paths {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let path_pointer = pointer_push("#/paths", path);
            let shared = take_array(item, "parameters");
            let mut path_level = Vec::new();
            for parameter in shared {
                path_level.push(inline_form_parameter(parameter, &shared_form_parameters));
            }
            for method in METHODS {
                let Some(Value::Object(operation)) = item.get_mut(*method) else { continue };
                let pointer = pointer_push(&path_pointer, method);
                convert_operation(
                    operation,
                    &path_level,
                    &shared_form_parameters,
                    &body_parameters,
                    (&global_consumes, &global_produces),
                    &pointer,
                    warnings,
                );
            }
            let kept: Vec<Value> = path_level
                .into_iter()
                .filter(|parameter| !is_body_like(parameter, &body_parameters))
                .map(convert_parameter)
                .collect();
            if !kept.is_empty() {
                item.insert("parameters".into(), Value::Array(kept));
            }
        }
    }
    out.insert("paths".into(), paths);
    out.insert("components".into(), Value::Object(components));
    for (key, value) in root.iter() {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }
    *document = Value::Object(out);
    rewrite_refs(document, &body_parameters);
    walk_objects(document, &mut convert_schema_keywords);
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn take_array(map: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match map.remove(key) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// Names of shared parameters that are bodies: references to them become `requestBody`s.
fn body_parameter_names(root: &Map<String, Value>) -> Vec<String> {
    let Some(Value::Object(parameters)) = root.get("parameters") else { return Vec::new() };
    parameters
        .iter()
        .filter(|(_, parameter)| parameter.get("in").and_then(Value::as_str) == Some("body"))
        .map(|(name, _)| name.clone())
        .collect()
}

fn servers(root: &Map<String, Value>) -> Vec<Value> {
    let host = root.get("host").and_then(Value::as_str);
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let schemes = string_list(root.get("schemes"));
    match host {
        Some(host) => {
            let schemes = if schemes.is_empty() { vec!["https".to_owned()] } else { schemes };
            schemes.iter().map(|scheme| json!({ "url": format!("{scheme}://{host}{base_path}") })).collect()
        }
        None if !base_path.is_empty() => vec![json!({ "url": base_path })],
        None => Vec::new(),
    }
}

fn reference_name<'a>(parameter: &'a Value, prefix: &str) -> Option<&'a str> {
    parameter.get("$ref").and_then(Value::as_str).and_then(|reference| reference.strip_prefix(prefix))
}

fn is_body_like(parameter: &Value, body_parameters: &[String]) -> bool {
    match parameter.get("in").and_then(Value::as_str) {
        Some("body" | "formData") => true,
        _ => reference_name(parameter, "#/parameters/")
            .is_some_and(|name| body_parameters.iter().any(|body| body == name)),
    }
}

fn inline_form_parameter(parameter: Value, shared_form_parameters: &Map<String, Value>) -> Value {
    match reference_name(&parameter, "#/parameters/").and_then(|name| shared_form_parameters.get(name)) {
        Some(shared) => shared.clone(),
        None => parameter,
    }
}

#[allow(clippy::too_many_arguments)]
fn convert_operation(
    operation: &mut Map<String, Value>,
    path_level: &[Value],
    shared_form_parameters: &Map<String, Value>,
    body_parameters: &[String],
    (global_consumes, global_produces): (&[String], &[String]),
    pointer: &str,
    warnings: &mut Vec<Fault>,
) {
    let consumes =
        operation.remove("consumes").map(|value| string_list(Some(&value))).unwrap_or_else(|| global_consumes.to_vec());
    let produces =
        operation.remove("produces").map(|value| string_list(Some(&value))).unwrap_or_else(|| global_produces.to_vec());
    let own: Vec<Value> = take_array(operation, "parameters")
        .into_iter()
        .map(|parameter| inline_form_parameter(parameter, shared_form_parameters))
        .collect();
    // Operation parameters override path-level ones of the same name and location.
    let key = |parameter: &Value| {
        (
            parameter.get("name").cloned().unwrap_or_else(|| parameter.get("$ref").cloned().unwrap_or_default()),
            parameter.get("in").cloned().unwrap_or_default(),
        )
    };
    let mut all: Vec<Value> =
        path_level.iter().filter(|shared| !own.iter().any(|mine| key(mine) == key(shared))).cloned().collect();
    all.extend(own);

    let mut plain = Vec::new();
    let mut bodies = Vec::new();
    let mut form_fields = Vec::new();
    for parameter in all {
        match parameter.get("in").and_then(Value::as_str) {
            Some("body") => bodies.push(parameter),
            Some("formData") => form_fields.push(parameter),
            _ => match reference_name(&parameter, "#/parameters/") {
                Some(name) if body_parameters.iter().any(|body| body == name) => {
                    operation
                        .insert("requestBody".into(), json!({ "$ref": format!("#/components/requestBodies/{name}") }));
                }
                _ => plain.push(convert_parameter(parameter)),
            },
        }
    }
    if !plain.is_empty() {
        operation.insert("parameters".into(), Value::Array(plain));
    }
    if !bodies.is_empty() {
        operation.insert("requestBody".into(), request_body(bodies, &consumes, pointer, warnings));
    } else if !form_fields.is_empty() {
        operation.insert("requestBody".into(), form_body(form_fields, &consumes));
    }
    if let Some(Value::Object(responses)) = operation.get_mut("responses") {
        for response in responses.values_mut() {
            *response = convert_response(std::mem::take(response), &produces);
        }
    }
}

fn request_body(mut bodies: Vec<Value>, consumes: &[String], pointer: &str, warnings: &mut Vec<Fault>) -> Value {
    if bodies.len() > 1 {
        warnings.push(Fault::at(pointer, "more than one body parameter; the first is used"));
    }
    let body = bodies.swap_remove(0);
    let schema = body.get("schema").cloned().unwrap_or_else(|| json!({}));
    let consumes: Vec<String> =
        if consumes.is_empty() { vec!["application/json".to_owned()] } else { consumes.to_vec() };
    let content: Map<String, Value> =
        consumes.iter().map(|media| (media.clone(), json!({ "schema": schema }))).collect();
    let mut out = json!({ "content": content, "required": body.get("required").cloned().unwrap_or(json!(false)) });
    if let Some(description) = body.get("description") {
        out["description"] = description.clone();
    }
    copy_extensions(&body, &mut out);
    out
}

fn form_body(fields: Vec<Value>, consumes: &[String]) -> Value {
    let has_file = fields.iter().any(|field| field.get("type").and_then(Value::as_str) == Some("file"));
    let media = if has_file || consumes.iter().any(|media| media.starts_with("multipart/form-data")) {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut encoding = Map::new();
    for field in fields {
        let Some(name) = field.get("name").and_then(Value::as_str).map(str::to_owned) else { continue };
        if media == "application/x-www-form-urlencoded" && field.get("type").and_then(Value::as_str) == Some("array") {
            // 2.0's default for a form array is `csv`, where 3.0's is `form` exploded.
            let layout = match field.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv") {
                "multi" => None,
                "ssv" => Some(json!({ "style": "spaceDelimited", "explode": false })),
                "pipes" => Some(json!({ "style": "pipeDelimited", "explode": false })),
                _ => Some(json!({ "style": "form", "explode": false })),
            };
            if let Some(layout) = layout {
                encoding.insert(name.clone(), layout);
            }
        }
        if field.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.clone()));
        }
        let mut schema = parameter_schema(&field);
        if let Some(description) = field.get("description") {
            schema["description"] = description.clone();
        }
        properties.insert(name, schema);
    }
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = Value::Array(required);
    }
    let mut content = json!({ "schema": schema });
    if !encoding.is_empty() {
        content["encoding"] = Value::Object(encoding);
    }
    json!({ "content": { media: content }, "required": true })
}

/// The schema keywords of a 2.0 non-body parameter, gathered into a 3.0 `schema`.
fn parameter_schema(parameter: &Value) -> Value {
    let mut schema = Map::new();
    if let Value::Object(fields) = parameter {
        for key in PARAMETER_SCHEMA_KEYS {
            if let Some(value) = fields.get(*key) {
                schema.insert((*key).to_owned(), value.clone());
            }
        }
    }
    Value::Object(schema)
}

fn convert_parameter(parameter: Value) -> Value {
    if parameter.get("$ref").is_some() {
        return parameter;
    }
    let Value::Object(fields) = &parameter else { return parameter };
    let mut out = Map::new();
    for key in ["name", "in", "description", "required", "deprecated", "allowEmptyValue"] {
        if let Some(value) = fields.get(key) {
            out.insert(key.to_owned(), value.clone());
        }
    }
    for (key, value) in fields {
        if key.starts_with("x-") && key != "x-nullable" {
            out.insert(key.clone(), value.clone());
        }
    }
    out.insert("schema".into(), parameter_schema(&parameter));
    let location = fields.get("in").and_then(Value::as_str).unwrap_or_default();
    let (style, explode) = match fields.get("collectionFormat").and_then(Value::as_str) {
        Some("multi") => ("form", true),
        Some("ssv") => ("spaceDelimited", false),
        Some("pipes") => ("pipeDelimited", false),
        Some(_) if location == "query" || location == "cookie" => ("form", false),
        Some(_) => ("simple", false),
        None if fields.get("type").and_then(Value::as_str) == Some("array")
            && (location == "query" || location == "cookie") =>
        {
            ("form", false)
        }
        None => ("", false),
    };
    if !style.is_empty() {
        out.insert("style".into(), json!(style));
        out.insert("explode".into(), json!(explode));
    }
    Value::Object(out)
}

fn convert_response(response: Value, produces: &[String]) -> Value {
    if response.get("$ref").is_some() {
        return response;
    }
    let Value::Object(mut fields) = response else { return response };
    let mut out = Map::new();
    out.insert("description".into(), fields.remove("description").unwrap_or_else(|| json!("")));
    if let Some(schema) = fields.remove("schema") {
        let produces: Vec<String> =
            if produces.is_empty() { vec!["application/json".to_owned()] } else { produces.to_vec() };
        let content: Map<String, Value> =
            produces.iter().map(|media| (media.clone(), json!({ "schema": schema }))).collect();
        out.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = fields.remove("headers") {
        let converted: Map<String, Value> = headers
            .into_iter()
            .map(|(name, header)| {
                let mut converted = json!({ "schema": parameter_schema(&header) });
                if let Some(description) = header.get("description") {
                    converted["description"] = description.clone();
                }
                (name, converted)
            })
            .collect();
        out.insert("headers".into(), Value::Object(converted));
    }
    for (key, value) in fields {
        if key.starts_with("x-") {
            out.insert(key, value);
        }
    }
    Value::Object(out)
}

fn convert_security_scheme(scheme: Value) -> Value {
    let description = scheme.get("description").cloned();
    let mut out = match scheme.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("apiKey") => {
            json!({ "type": "apiKey", "in": scheme.get("in").cloned().unwrap_or(json!("header")), "name": scheme.get("name").cloned().unwrap_or(json!("")) })
        }
        Some("oauth2") => {
            let scopes = scheme.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let authorization_url = scheme.get("authorizationUrl").cloned().unwrap_or(json!(""));
            let token_url = scheme.get("tokenUrl").cloned().unwrap_or(json!(""));
            let flow = match scheme.get("flow").and_then(Value::as_str) {
                Some("implicit") => json!({ "implicit": { "authorizationUrl": authorization_url, "scopes": scopes } }),
                Some("password") => json!({ "password": { "tokenUrl": token_url, "scopes": scopes } }),
                Some("application") => json!({ "clientCredentials": { "tokenUrl": token_url, "scopes": scopes } }),
                _ => {
                    json!({ "authorizationCode": { "authorizationUrl": authorization_url, "tokenUrl": token_url, "scopes": scopes } })
                }
            };
            json!({ "type": "oauth2", "flows": flow })
        }
        _ => scheme.clone(),
    };
    if let Some(description) = description {
        out["description"] = description;
    }
    copy_extensions(&scheme, &mut out);
    out
}

fn copy_extensions(from: &Value, to: &mut Value) {
    if let (Value::Object(from), Value::Object(to)) = (from, to) {
        for (key, value) in from {
            if key.starts_with("x-") {
                to.insert(key.clone(), value.clone());
            }
        }
    }
}

fn rewrite_refs(document: &mut Value, body_parameters: &[String]) {
    walk_objects(document, &mut |object| {
        let Some(Value::String(reference)) = object.get_mut("$ref") else { return };
        if let Some(name) = reference.strip_prefix("#/definitions/") {
            *reference = format!("#/components/schemas/{name}");
        } else if let Some(name) = reference.strip_prefix("#/parameters/") {
            let section = if body_parameters.iter().any(|body| body == name) { "requestBodies" } else { "parameters" };
            *reference = format!("#/components/{section}/{name}");
        } else if let Some(name) = reference.strip_prefix("#/responses/") {
            *reference = format!("#/components/responses/{name}");
        }
    });
}

/// Schema keywords that differ between 2.0 and 3.0: `x-nullable`, `type: file`, and the
/// string form of `discriminator`.
fn convert_schema_keywords(object: &mut Map<String, Value>) {
    if let Some(nullable) = object.remove("x-nullable") {
        object.insert("nullable".into(), nullable);
    }
    if object.get("type").and_then(Value::as_str) == Some("file") {
        object.insert("type".into(), json!("string"));
        object.insert("format".into(), json!("binary"));
    }
    if let Some(Value::String(property)) = object.get("discriminator") {
        let property = property.clone();
        object.insert("discriminator".into(), json!({ "propertyName": property }));
    }
}
