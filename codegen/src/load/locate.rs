//! Finding where a spec fails to deserialize. openapiv3 reads `$ref`-or-item values through
//! untagged enums, which report a fault at the enclosing map; deserializing the members one
//! by one, from the outside in, finds the member that is actually wrong.

use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserializes one member as `T`, locating the fault inside it.
type Check = fn(&Value, &str) -> Result<(), Fault>;

fn check<T: DeserializeOwned>(value: &Value, at: &str) -> Result<(), Fault> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(|_| ())
        .map_err(|error| Fault::at(super::pointer_of(at, error.path()), error.inner().to_string()))
}

fn entries<'a>(value: &'a Value, key: &str) -> Vec<(&'a String, &'a Value)> {
    value.get(key).and_then(Value::as_object).map(|map| map.iter().collect()).unwrap_or_default()
}

fn operation_fault(operation: &Value, at: &str) -> Option<Fault> {
    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        let parameters_at = pointer_push(at, "parameters");
        for (index, parameter) in parameters.iter().enumerate() {
            if let Err(fault) =
                check::<ReferenceOr<Parameter>>(parameter, &pointer_push(&parameters_at, &index.to_string()))
            {
                return Some(fault);
            }
        }
    }
    if let Some(body) = operation.get("requestBody") {
        if let Err(fault) = check::<ReferenceOr<RequestBody>>(body, &pointer_push(at, "requestBody")) {
            return Some(fault);
        }
    }
    let responses_at = pointer_push(at, "responses");
    for (status, response) in entries(operation, "responses") {
        if let Err(fault) = check::<ReferenceOr<Response>>(response, &pointer_push(&responses_at, status)) {
            return Some(fault);
        }
    }
    check::<Operation>(operation, at).err()
}

/// The deepest member that does not deserialize, when one can be found.
pub fn deepest_fault(document: &Value) -> Option<Fault> {
    for (path, item) in entries(document, "paths") {
        let at = pointer_push("#/paths", path);
        if item.get("$ref").is_some() {
            continue;
        }
        for (method, operation) in item.as_object().into_iter().flatten() {
            if matches!(method.as_str(), "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") {
                if let Some(fault) = operation_fault(operation, &pointer_push(&at, method)) {
                    return Some(fault);
                }
            }
        }
        if let Err(fault) = check::<PathItem>(item, &at) {
            return Some(fault);
        }
    }
    let components = document.get("components").cloned().unwrap_or(Value::Null);
    let sections: [(&str, Check); 6] = [
        ("schemas", check::<ReferenceOr<Schema>>),
        ("parameters", check::<ReferenceOr<Parameter>>),
        ("requestBodies", check::<ReferenceOr<RequestBody>>),
        ("responses", check::<ReferenceOr<Response>>),
        ("headers", check::<ReferenceOr<Header>>),
        ("securitySchemes", check::<ReferenceOr<SecurityScheme>>),
    ];
    for (section, checker) in sections {
        let section_at = pointer_push("#/components", section);
        for (name, value) in entries(&components, section) {
            if let Err(fault) = checker(value, &pointer_push(&section_at, name)) {
                return Some(fault);
            }
        }
    }
    None
}
