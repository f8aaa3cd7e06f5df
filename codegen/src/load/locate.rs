//! Finding the members of a spec that do not deserialize. openapiv3 reads `$ref`-or-item
//! values through untagged enums, which report a fault at the enclosing map; deserializing
//! the members one by one, from the outside in, finds the member that is actually wrong.

use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{Header, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A member of a spec that can be left out on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    Operation { path: String, method: String },
    PathItem { path: String },
    Component { section: &'static str, name: String },
}

/// A member that does not deserialize, and where inside it the fault is.
pub struct MemberFault {
    pub member: Member,
    pub fault: Fault,
}

type Check = fn(&Value, &str) -> Result<(), Fault>;

/// Deserializes one member as `T`, locating the fault inside it.
fn check<T: DeserializeOwned>(value: &Value, at: &str) -> Result<(), Fault> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map(|_| ())
        .map_err(|error| Fault::at(super::pointer_of(at, error.path()), error.inner().to_string()))
}

/// As [`check`] for a `$ref`-or-`T` value: an item is read as `T` itself, which locates a
/// fault deeper than the untagged enum would.
fn check_item<T: DeserializeOwned>(value: &Value, at: &str) -> Result<(), Fault> {
    if value.get("$ref").is_some() {
        check::<ReferenceOr<T>>(value, at)
    } else {
        check::<T>(value, at)
    }
}

fn entries<'a>(value: &'a Value, key: &str) -> Vec<(&'a String, &'a Value)> {
    value.get(key).and_then(Value::as_object).map(|map| map.iter().collect()).unwrap_or_default()
}

fn operation_fault(operation: &Value, at: &str) -> Option<Fault> {
    if let Some(Value::Array(parameters)) = operation.get("parameters") {
        let parameters_at = pointer_push(at, "parameters");
        for (index, parameter) in parameters.iter().enumerate() {
            if let Err(fault) = check_item::<Parameter>(parameter, &pointer_push(&parameters_at, &index.to_string())) {
                return Some(fault);
            }
        }
    }
    if let Some(body) = operation.get("requestBody") {
        if let Err(fault) = check_item::<RequestBody>(body, &pointer_push(at, "requestBody")) {
            return Some(fault);
        }
    }
    let responses_at = pointer_push(at, "responses");
    for (status, response) in entries(operation, "responses") {
        if let Err(fault) = check_item::<Response>(response, &pointer_push(&responses_at, status)) {
            return Some(fault);
        }
    }
    check::<Operation>(operation, at).err()
}

/// Every member that does not deserialize, in document order.
pub fn faults(document: &Value) -> Vec<MemberFault> {
    let mut found = Vec::new();
    for (path, item) in entries(document, "paths") {
        let at = pointer_push("#/paths", path);
        if item.get("$ref").is_some() {
            continue;
        }
        let mut operations_fault = false;
        for (method, operation) in item.as_object().into_iter().flatten() {
            if super::METHODS.contains(&method.as_str()) {
                if let Some(fault) = operation_fault(operation, &pointer_push(&at, method)) {
                    let member = Member::Operation { path: path.clone(), method: method.clone() };
                    found.push(MemberFault { member, fault });
                    operations_fault = true;
                }
            }
        }
        if !operations_fault {
            if let Err(fault) = check::<PathItem>(item, &at) {
                found.push(MemberFault { member: Member::PathItem { path: path.clone() }, fault });
            }
        }
    }
    let components = document.get("components").cloned().unwrap_or(Value::Null);
    let sections: [(&'static str, Check); 6] = [
        ("schemas", check_item::<Schema>),
        ("parameters", check_item::<Parameter>),
        ("requestBodies", check_item::<RequestBody>),
        ("responses", check_item::<Response>),
        ("headers", check_item::<Header>),
        ("securitySchemes", check_item::<SecurityScheme>),
    ];
    for (section, checker) in sections {
        let section_at = pointer_push("#/components", section);
        for (name, value) in entries(&components, section) {
            if let Err(fault) = checker(value, &pointer_push(&section_at, name)) {
                found.push(MemberFault { member: Member::Component { section, name: name.clone() }, fault });
            }
        }
    }
    found
}
