//! Security schemes and requirements.

use super::names::{self, NameSet};
use super::refs::Resolver;
use super::{ParamLocation, Requirement, SchemeKind, SecurityScheme};
use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{APIKeyLocation, SecurityRequirement};

/// Names the word an API key is sent after: `x-credential-prefix: JWT` sends `JWT <key>`.
const PREFIX_EXTENSION: &str = "x-credential-prefix";

pub fn schemes(
    spec: &openapiv3::OpenAPI,
    resolver: &Resolver<'_>,
    warnings: &mut Vec<Fault>,
) -> Result<Vec<SecurityScheme>, Fault> {
    let Some(components) = &spec.components else { return Ok(Vec::new()) };
    let mut fields = NameSet::default();
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer_push("#/components/securitySchemes", name);
        let (scheme, _) = resolver.resolve(scheme, &at)?;
        let (kind, docs) = match scheme {
            openapiv3::SecurityScheme::APIKey { location, name: key, description, extensions } => {
                let location = match location {
                    APIKeyLocation::Header => ParamLocation::Header,
                    APIKeyLocation::Query => ParamLocation::Query,
                    APIKeyLocation::Cookie => ParamLocation::Cookie,
                };
                let prefix = match extensions.get(PREFIX_EXTENSION) {
                    None => None,
                    Some(serde_json::Value::String(prefix)) if !prefix.is_empty() && !prefix.contains(' ') => {
                        Some(prefix.clone())
                    }
                    Some(_) => {
                        warnings.push(Fault::at(
                            pointer_push(&at, PREFIX_EXTENSION),
                            "expected one word, such as \"JWT\"; the key is sent without a prefix",
                        ));
                        None
                    }
                };
                (SchemeKind::ApiKey { location, name: key, prefix }, description)
            }
            openapiv3::SecurityScheme::HTTP { scheme: http, description, .. } => {
                match http.to_ascii_lowercase().as_str() {
                    "bearer" => (SchemeKind::Bearer, description),
                    "basic" => (SchemeKind::Basic, description),
                    other => {
                        warnings.push(Fault::at(
                            &at,
                            format!("HTTP scheme {other:?} is not supported; its operations are sent without it"),
                        ));
                        continue;
                    }
                }
            }
            // Both hand the API an access token as a bearer credential.
            openapiv3::SecurityScheme::OAuth2 { description, .. }
            | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => (SchemeKind::Bearer, description),
        };
        let field = fields.claim(&names::snake_name(name, "scheme"));
        out.push(SecurityScheme { name: name.clone(), field, kind, docs });
    }
    Ok(out)
}

/// The alternatives of a `security` list, as scheme names; `[{}]` (anonymous allowed) is an
/// empty alternative. A name with no scheme behind it can never be satisfied, so it stays:
/// dropping it would turn its alternative into an anonymous one.
pub fn requirements(requirements: &[SecurityRequirement]) -> Vec<Vec<Requirement>> {
    requirements
        .iter()
        .map(|requirement| {
            requirement
                .iter()
                .map(|(scheme, scopes)| Requirement { scheme: scheme.clone(), scopes: scopes.clone() })
                .collect()
        })
        .collect()
}
