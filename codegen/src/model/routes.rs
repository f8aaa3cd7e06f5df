//! Server routes for the operations. axum's router (matchit) requires one parameter name per
//! position among routes that share a prefix, and allows text before a parameter in a
//! segment but not after it; specs ask for neither. Each position keeps the first name used
//! there, and a segment like `{name}.{ext}` is captured whole, to be split when parsed.

use super::{Capture, Method, Operation, ParamLocation, Piece};
use crate::diagnostics::{pointer_push, Fault};
use std::collections::{HashMap, HashSet};

pub fn plan(operations: &mut [Operation], base_path: &str, warnings: &mut Vec<Fault>) {
    // Prefix of a route up to a capture (captures written `{}`) -> the capture's name.
    let mut capture_names: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<(String, Method)> = HashSet::new();
    for operation in operations.iter_mut() {
        let mut prefix = base_path.to_owned();
        let mut route = base_path.to_owned();
        let mut captures: Vec<(String, Capture)> = Vec::new();
        for (index, segment) in operation.path.segments().iter().enumerate() {
            prefix.push('/');
            route.push('/');
            let names: Vec<String> = segment.params().map(str::to_owned).collect();
            // One parameter at the end, after text or none: axum captures it as it is.
            let simple_tail = match segment.pieces.as_slice() {
                [Piece::Param(name)] => Some(("", name)),
                [Piece::Text(text), Piece::Param(name)] if !text.contains(['{', '}']) => Some((text.as_str(), name)),
                _ => None,
            };
            if names.is_empty() {
                prefix.push_str(&segment.text);
                route.push_str(&segment.text);
                continue;
            }
            let (static_part, default_name, whole) = match simple_tail {
                Some((text, name)) => (text, name.clone(), false),
                None => ("", format!("segment_{index}"), true),
            };
            prefix.push_str(static_part);
            let name = capture_names.entry(prefix.clone()).or_insert(default_name).clone();
            prefix.push_str("{}");
            route.push_str(&format!("{static_part}{{{name}}}"));
            for param in names {
                let capture = Capture { name: name.clone(), segment: whole.then(|| segment.clone()) };
                captures.push((param, capture));
            }
        }
        for param in operation.params.iter_mut().filter(|param| param.location == ParamLocation::Path) {
            param.capture =
                captures.iter().find(|(name, _)| *name == param.wire_name).map(|(_, capture)| capture.clone());
        }
        if taken.insert((route.clone(), operation.method.clone())) {
            operation.route = Some(route);
        } else {
            let at = operation.method.pointer_in(&pointer_push("#/paths", operation.path.as_str()));
            warnings.push(Fault::at(
                at,
                "another operation has the same method and route; the server stub leaves this one out",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Param, ParamStyle, PathTemplate, Type};

    fn operation(method: Method, path: &str) -> Operation {
        let template = PathTemplate::parse(path);
        let params = template.params().map(str::to_owned).collect::<HashSet<_>>();
        Operation {
            name: path.into(),
            id: path.into(),
            names: Default::default(),
            additions: Default::default(),
            method,
            path: template,
            summary: None,
            description: None,
            deprecated: false,
            params: params
                .into_iter()
                .map(|name| Param {
                    rust_name: name.clone(),
                    wire_name: name,
                    location: ParamLocation::Path,
                    required: true,
                    ty: Type::String,
                    style: ParamStyle::Simple,
                    explode: false,
                    allow_reserved: false,
                    docs: None,
                    capture: None,
                    object: false,
                    default: None,
                    constraints: Default::default(),
                    query_string: None,
                })
                .collect(),
            body: None,
            responses: Vec::new(),
            security: Default::default(),
            route: None,
            tags: Vec::new(),
            gate: crate::model::Gate::Always,
        }
    }

    fn capture<'a>(operation: &'a Operation, param: &str) -> &'a Capture {
        operation
            .params
            .iter()
            .find(|candidate| candidate.wire_name == param)
            .and_then(|param| param.capture.as_ref())
            .unwrap()
    }

    #[test]
    fn captures_agree_and_mixed_segments_are_whole() {
        let mut operations = vec![
            operation(Method::Get, "/repos/{owner}/{repo}"),
            operation(Method::Get, "/repos/{org}/{name}/hooks"),
            operation(Method::Get, "/files/{name}.{ext}"),
            operation(Method::Get, "/v{version}/info"),
            operation(Method::Post, "/repos/{a}/{b}"),
            operation(Method::Get, "/repos/{x}/{y}"),
        ];
        let mut warnings = Vec::new();
        plan(&mut operations, "/api", &mut warnings);
        assert_eq!(operations[1].route.as_deref(), Some("/api/repos/{owner}/{repo}/hooks"));
        assert_eq!(capture(&operations[1], "org"), &Capture { name: "owner".into(), segment: None });
        assert_eq!(operations[2].route.as_deref(), Some("/api/files/{segment_1}"));
        assert_eq!(
            capture(&operations[2], "ext"),
            &Capture {
                name: "segment_1".into(),
                segment: Some(PathTemplate::parse("{name}.{ext}").segments()[0].clone())
            }
        );
        assert_eq!(operations[3].route.as_deref(), Some("/api/v{version}/info"));
        assert_eq!(operations[4].route.as_deref(), Some("/api/repos/{owner}/{repo}"));
        assert_eq!(operations[5].route, None);
        assert_eq!(warnings.len(), 1);
    }
}
