//! Security schemes and requirements.

use super::names::{self, NameSet};
use super::refs::Resolver;
use super::{OAuthFlow, OAuthGrant, Operation, ParamLocation, Requirement, SchemeKind, Security, SecurityScheme};
use crate::diagnostics::{pointer_push, Fault};
use openapiv3::{APIKeyLocation, SecurityRequirement};

/// Names the word an API key is sent after: `x-credential-prefix: JWT` sends `JWT <key>`.
const PREFIX_EXTENSION: &str = "x-credential-prefix";

pub fn schemes(spec: &openapiv3::OpenAPI, resolver: &Resolver<'_>, warnings: &mut Vec<Fault>) -> Vec<SecurityScheme> {
    let Some(components) = &spec.components else { return Vec::new() };
    let mut fields = NameSet::default();
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer_push("#/components/securitySchemes", name);
        let scheme = match resolver.resolve(scheme, &at) {
            Ok((scheme, _)) => scheme,
            Err(fault) => {
                warnings.push(fault.and("operations are sent without this scheme"));
                continue;
            }
        };
        let oauth_flows = match &scheme {
            openapiv3::SecurityScheme::OAuth2 { flows, .. } => oauth_flows(flows, &at, warnings),
            _ => Vec::new(),
        };
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
        let carries_tokens = !matches!(kind, SchemeKind::Basic);
        out.push(SecurityScheme {
            name: name.clone(),
            setter: format!("with_{field}"),
            tokens_setter: carries_tokens.then(|| format!("with_{field}_tokens")),
            field,
            kind,
            docs,
            oauth_flows,
        });
    }
    claim_client_methods(out)
}

/// Claims the client's credential methods in one name set: first each scheme's setters,
/// whose names users already know, then the OAuth 2 flows' (`with_oauth2_client_credentials`
/// of scheme `oauth2` is also the setter of a scheme named `oauth2_clientCredentials`; the
/// flow's then ends in `_2`).
fn claim_client_methods(mut schemes: Vec<SecurityScheme>) -> Vec<SecurityScheme> {
    let mut methods = NameSet::with_reserved(CLIENT_METHODS);
    for scheme in &mut schemes {
        scheme.setter = methods.claim(&scheme.setter);
        scheme.tokens_setter = scheme.tokens_setter.as_deref().map(|setter| methods.claim(setter));
    }
    let mut constants = NameSet::default();
    for scheme in &mut schemes {
        for flow in &mut scheme.oauth_flows {
            let words = format!("{}_{}", scheme.field, flow.grant.snake_name());
            flow.source_method = methods.claim(&format!("{words}_source"));
            flow.setter = match flow.grant {
                OAuthGrant::AuthorizationCode => None,
                _ => Some(methods.claim(&format!("with_{words}"))),
            };
            flow.constant = constants.claim(&format!("{}_FLOW", words.to_ascii_uppercase()));
        }
    }
    schemes
}

/// Methods every generated client has besides its operations.
const CLIENT_METHODS: &[&str] = &["new", "with_base_url", "with_policy", "token_source"];

/// The flows whose token endpoint a client can call: client credentials, password, and the
/// refresh of an authorization code login. Implicit flows have no token endpoint. Scopes are
/// filled in by [`with_required_scopes`].
fn oauth_flows(flows: &openapiv3::OAuth2Flows, at: &str, warnings: &mut Vec<Fault>) -> Vec<OAuthFlow> {
    let declared = [
        flows
            .client_credentials
            .as_ref()
            .map(|flow| (OAuthGrant::ClientCredentials, &flow.token_url, &flow.refresh_url)),
        flows.password.as_ref().map(|flow| (OAuthGrant::Password, &flow.token_url, &flow.refresh_url)),
        flows
            .authorization_code
            .as_ref()
            .map(|flow| (OAuthGrant::AuthorizationCode, &flow.token_url, &flow.refresh_url)),
    ];
    let mut out = Vec::new();
    for (grant, token_url, refresh_url) in declared.into_iter().flatten() {
        let flow_at = pointer_push(&pointer_push(at, "flows"), grant.spec_name());
        if token_url.trim().is_empty() {
            warnings.push(Fault::at(
                pointer_push(&flow_at, "tokenUrl"),
                "the flow has no tokenUrl; clients get no method for it and take tokens from a TokenSource",
            ));
            continue;
        }
        let refresh_url = refresh_url.clone().filter(|url| !url.trim().is_empty());
        // Names are claimed with the other client methods' once every scheme is read.
        out.push(OAuthFlow {
            grant,
            token_url: token_url.clone(),
            refresh_url,
            scopes: Vec::new(),
            source_method: String::new(),
            setter: None,
            constant: String::new(),
        });
    }
    out
}

/// The schemes with each OAuth 2 flow's scopes set to those the operations require of it.
pub fn with_required_scopes(mut schemes: Vec<SecurityScheme>, operations: &[Operation]) -> Vec<SecurityScheme> {
    for scheme in &mut schemes {
        let mut scopes: Vec<String> = operations
            .iter()
            .flat_map(|operation| operation.security.requirements())
            .filter(|requirement| requirement.scheme == scheme.name)
            .flat_map(|requirement| requirement.scopes.iter().cloned())
            .collect();
        scopes.sort();
        scopes.dedup();
        for flow in &mut scheme.oauth_flows {
            flow.scopes = scopes.clone();
        }
    }
    schemes
}

/// The alternatives of a `security` list, as scheme names; `[{}]` (anonymous allowed) is an
/// empty alternative. A name with no scheme behind it can never be satisfied, so it stays:
/// dropping it would turn its alternative into an anonymous one.
pub fn requirements(requirements: &[SecurityRequirement]) -> Security {
    let alternatives = requirements
        .iter()
        .map(|requirement| {
            requirement
                .iter()
                .map(|(scheme, scopes)| Requirement { scheme: scheme.clone(), scopes: scopes.clone() })
                .collect()
        })
        .collect();
    Security { alternatives }
}
