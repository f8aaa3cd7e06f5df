//! OpenAPI 3.2 rewritten as 3.1, in place (3.1 then becomes 3.0). What 3.2 adds that a 3.0
//! model holds is kept: the `cookie` style travels as an extension the model reads. What it
//! cannot hold is dropped with a warning naming where: the `query` method and
//! `additionalOperations`, `in: querystring` parameters, and the document's `$self`.

use super::METHODS;
use crate::diagnostics::{pointer_push, Fault};
use serde_json::{json, Value};

/// The extension under which a cookie parameter's 3.2 `style: cookie` reaches the model
/// (the 3.0 model knows only `form` for cookies).
pub const COOKIE_STYLE_EXTENSION: &str = "x-apigen-cookie-style";

pub fn downgrade(document: &mut Value, warnings: &mut Vec<Fault>) {
    let Some(root) = document.as_object_mut() else { return };
    root.insert("openapi".into(), json!("3.1.1"));
    root.remove("$self");
    // Shared `in: querystring` parameters go first, so that references to them can go too.
    let mut removed = Vec::new();
    if let Some(Value::Object(parameters)) = root.get_mut("components").and_then(|c| c.get_mut("parameters")) {
        parameters.retain(|name, parameter| {
            cookie_style(parameter);
            let querystring = parameter.get("in").and_then(Value::as_str) == Some("querystring");
            if querystring {
                warnings.push(Fault::at(
                    pointer_push("#/components/parameters", name),
                    "an `in: querystring` parameter (OpenAPI 3.2: the whole query string as one value) is not generated yet; left out",
                ));
                removed.push(format!("#/components/parameters/{name}"));
            }
            !querystring
        });
    }
    let Some(Value::Object(paths)) = root.get_mut("paths") else { return };
    for (path, item) in paths.iter_mut() {
        let at = pointer_push("#/paths", path);
        let Value::Object(item) = item else { continue };
        for dropped in ["query", "additionalOperations"] {
            if item.remove(dropped).is_some() {
                warnings.push(Fault::at(
                    pointer_push(&at, dropped),
                    format!("`{dropped}` (OpenAPI 3.2) is not generated yet; its operations are left out"),
                ));
            }
        }
        for (key, value) in item.iter_mut() {
            let list = if key == "parameters" {
                Some((pointer_push(&at, key), value))
            } else if METHODS.contains(&key.as_str()) {
                let at = pointer_push(&pointer_push(&at, key), "parameters");
                value.get_mut("parameters").map(|parameters| (at, parameters))
            } else {
                None
            };
            if let Some((at, parameters)) = list {
                parameters_32(parameters, &at, &removed, warnings);
            }
        }
    }
}

/// One parameter list: `style: cookie` kept aside, `in: querystring` left out (with a
/// warning), as are references to the shared ones `removed` names.
fn parameters_32(parameters: &mut Value, at: &str, removed: &[String], warnings: &mut Vec<Fault>) {
    let Value::Array(list) = parameters else { return };
    let mut index = 0;
    list.retain_mut(|parameter| {
        let here = pointer_push(at, &index.to_string());
        index += 1;
        cookie_style(parameter);
        let reference = parameter.get("$ref").and_then(Value::as_str);
        if reference.is_some_and(|reference| removed.iter().any(|name| name == reference)) {
            return false;
        }
        let querystring = parameter.get("in").and_then(Value::as_str) == Some("querystring");
        if querystring {
            warnings.push(Fault::at(
                here,
                "an `in: querystring` parameter (OpenAPI 3.2: the whole query string as one value) is not generated yet; left out",
            ));
        }
        !querystring
    });
}

/// `style: cookie` becomes `form` for the 3.0 model, the style kept in the extension.
fn cookie_style(parameter: &mut Value) {
    if parameter.get("style").and_then(Value::as_str) == Some("cookie") {
        parameter["style"] = json!("form");
        parameter[COOKIE_STYLE_EXTENSION] = json!(true);
    }
}
