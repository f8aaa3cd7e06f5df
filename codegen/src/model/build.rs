//! The model stage's entry point.

use super::operations::OperationsBuilder;
use super::recursion::box_recursive_fields;
use super::refs::Resolver;
use super::schema::TypeBuilder;
use super::{security, Api, Type, TypeDef, TypeDefKind};
use crate::config::Config;
use crate::diagnostics::Fault;
use crate::load::Loaded;
use std::collections::HashMap;

/// Builds the model of a loaded spec; also returns the warnings of every stage so far. What
/// cannot be modelled is left out or typed as any JSON value, each with a warning.
pub fn build(loaded: &Loaded, config: &Config) -> (Api, Vec<Fault>) {
    let spec = &loaded.spec;
    let resolver = Resolver::new(&loaded.document);
    let mut warnings = loaded.warnings.clone();
    let empty = indexmap::IndexMap::new();
    let schemas = spec.components.as_ref().map_or(&empty, |components| &components.schemas);

    let mut types = TypeBuilder::new(&resolver, config, schemas);
    types.define_components(schemas);
    let security_schemes = security::schemes(spec, &resolver, &mut warnings);
    let mut operations = OperationsBuilder::new(&resolver, config, &mut types);
    let built = operations.build(spec);
    warnings.append(&mut operations.warnings);
    let token_refresh = operations.token_refresh.take();
    warnings.append(&mut types.warnings);
    let component_names = types.component_names();
    let mut defs = types.defs;
    add_to_types(&mut defs, &component_names, config, &mut warnings);
    box_recursive_fields(&mut defs);
    let mut built = built;
    let by_name: HashMap<&str, &TypeDef> = defs.iter().map(|def| (def.name.as_str(), def)).collect();
    for param in built.iter_mut().flat_map(|operation| operation.params.iter_mut()) {
        param.object = is_object(&param.ty, &by_name);
    }

    let server_url = spec.servers.first().map(expand_variables);
    let (default_server, base_path) = match &server_url {
        Some(url) if url.contains("://") => {
            let after_scheme = &url[url.find("://").map_or(0, |index| index + 3)..];
            let path = after_scheme.find('/').map_or("", |index| &after_scheme[index..]);
            (Some(url.trim_end_matches('/').to_owned()), path.trim_end_matches('/').to_owned())
        }
        Some(url) => (None, url.trim_end_matches('/').to_owned()),
        None => (None, String::new()),
    };
    let base_path =
        if base_path.starts_with('/') || base_path.is_empty() { base_path } else { format!("/{base_path}") };
    super::routes::plan(&mut built, &base_path, &mut warnings);
    let security_schemes = security::with_required_scopes(security_schemes, &built);
    let mut api = Api {
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        default_server,
        base_path,
        types: defs,
        operations: built,
        security_schemes,
        token_refresh,
        tag_features: Vec::new(),
    };
    super::features::assign(&mut api);
    (api, warnings)
}

/// The options' derives and attributes, on the types they name ("*": every type but aliases,
/// which take none). Options naming no schema, or an alias, are warned about.
fn add_to_types(
    defs: &mut [TypeDef],
    component_names: &[(String, String)],
    config: &Config,
    warnings: &mut Vec<Fault>,
) {
    for def in defs.iter_mut() {
        let schema = component_names.iter().find(|(_, name)| *name == def.name).map(|(key, _)| key.as_str());
        if !matches!(def.kind, TypeDefKind::Alias(_)) {
            def.additions = config.type_additions(schema);
        }
    }
    for (key, options) in &config.types {
        let at = format!("{}: types.{key}", crate::config::FILE_NAME);
        let def = component_names
            .iter()
            .find(|(schema, _)| schema == key)
            .and_then(|(_, name)| defs.iter().find(|def| def.name == *name));
        match def {
            _ if key == crate::config::EVERY => {}
            None => warnings.push(Fault::at(at, "names no schema under components/schemas; ignored")),
            Some(def)
                if matches!(def.kind, TypeDefKind::Alias(_))
                    && !(options.derives.is_empty() && options.attributes.is_empty()) =>
            {
                warnings
                    .push(Fault::at(at, format!("{} is a type alias, which takes no derives or attributes", def.name)))
            }
            Some(_) => {}
        }
    }
}

/// Whether values of `ty` are JSON objects.
fn is_object(ty: &Type, by_name: &HashMap<&str, &TypeDef>) -> bool {
    match ty {
        Type::Map(_) => true,
        Type::Nullable(inner) | Type::Boxed(inner) => is_object(inner, by_name),
        Type::Named(name) => by_name.get(name.as_str()).is_some_and(|def| match &def.kind {
            TypeDefKind::Struct(_) => true,
            TypeDefKind::Alias(inner) => is_object(inner, by_name),
            _ => false,
        }),
        _ => false,
    }
}

/// A server URL with its `{variables}` replaced by their defaults.
fn expand_variables(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    if let Some(variables) = &server.variables {
        for (name, variable) in variables {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
    }
    url
}
