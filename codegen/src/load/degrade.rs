//! Per-member degradation: an operation, path item or component that does not read as
//! OpenAPI is left out with a warning naming its fault (a schema becomes any JSON value),
//! and the rest of the spec generates.

use super::locate::{Member, MemberFault};
use crate::diagnostics::Fault;
use serde_json::{json, Value};

/// How many rounds of leaving out may run: a member left out can expose a fault in the
/// member around it (a path item once its bad operations are gone).
pub const ROUNDS: usize = 3;

/// Leaves out each member of `faults` from `document`.
pub fn leave_out(document: &mut Value, faults: Vec<MemberFault>, warnings: &mut Vec<Fault>) {
    for MemberFault { member, fault } in faults {
        let outcome = match &member {
            Member::Operation { path, method } => {
                remove(document, &["paths", path], method);
                format!("the operation {} {path} is left out", method.to_ascii_uppercase())
            }
            Member::PathItem { path } => {
                remove(document, &["paths"], path);
                format!("the path item {path:?} is left out")
            }
            Member::Component { section: "schemas", name } => {
                if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
                    schemas.insert(name.clone(), json!({}));
                }
                format!("the schema {name:?} is taken as any JSON value")
            }
            Member::Component { section, name } => {
                remove(document, &["components", section], name);
                format!("{section}/{name} is left out, and so is each operation that refers to it")
            }
        };
        warnings.push(fault.and(&outcome));
    }
}

fn remove(document: &mut Value, parents: &[&str], key: &str) {
    let parent = parents.iter().try_fold(document, |value, token| value.get_mut(*token));
    if let Some(Value::Object(map)) = parent {
        map.shift_remove(key);
    }
}
