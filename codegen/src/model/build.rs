//! The model stage's entry point.

use super::operations::OperationsBuilder;
use super::recursion::box_recursive_fields;
use super::refs::Resolver;
use super::schema::TypeBuilder;
use super::walk::Through;
use super::{security, Access, Api, Constraints, DefaultValue, Operation, Travel, Type, TypeDef, TypeDefKind, TypeId};
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
    let component_ids = types.component_ids();
    let (mut defs, position) = types.finish();
    let mut built = built;
    // From here on a type's id is its index in `defs`.
    let members = defs.iter_mut().flat_map(|def| def.kind.member_types_mut());
    for ty in members.chain(built.iter_mut().flat_map(Operation::types_mut)) {
        renumber(ty, &position);
    }
    let component_ids: Vec<(String, TypeId)> =
        component_ids.into_iter().filter_map(|(key, id)| position[id.0].map(|index| (key, TypeId(index)))).collect();
    add_to_types(&mut defs, &component_ids, config, &mut warnings);
    box_recursive_fields(&mut defs);
    super::inhabited::settle(&mut defs, &mut warnings);
    keep_undeclared_in_choices(&mut defs);
    fit_to_types(&mut defs, &mut built);
    mark_directions(&mut defs, &built);
    mark_validating(&mut defs);
    mark_noting_undeclared(&defs, &mut built);
    for param in built.iter_mut().flat_map(|operation| operation.params.iter_mut()) {
        param.object = is_object(&param.ty, &defs);
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

/// Gives each struct that is a choice of an untagged union a map of the members it does not
/// declare, where its schema allows them. A struct elsewhere drops them (a documented choice);
/// a choice must not: what is left of a value without them can fit several choices of a
/// `oneOf`, so the value written back would no longer be valid.
fn keep_undeclared_in_choices(defs: &mut [TypeDef]) {
    let mut choices = Vec::new();
    for def in defs.iter() {
        if let TypeDefKind::Union(union) = &def.kind {
            if union.discriminator.is_none() {
                choices.extend(union.variants.iter().filter_map(|variant| variant.ty.named(Through::Values)));
            }
        }
    }
    for mut id in choices {
        // Through aliases, a few deep (an alias of itself is not a struct either way).
        for _ in 0..8 {
            match &defs[id.0].kind {
                TypeDefKind::Alias(ty) => match ty.named(Through::Values) {
                    Some(aliased) => id = aliased,
                    None => break,
                },
                _ => break,
            }
        }
        let forbids_flatten =
            defs[id.0].additions.attributes.iter().any(|attribute| attribute.contains("deny_unknown_fields"));
        if let TypeDefKind::Struct(definition) = &mut defs[id.0].kind {
            if definition.additional.is_none() && definition.choice.is_none() && !definition.closed && !forbids_flatten
            {
                let mut names = super::names::NameSet::default();
                for field in &definition.fields {
                    names.claim(&field.rust_name);
                }
                let rust_name = names.claim("additional_properties");
                definition.additional = Some(super::AdditionalMembers { rust_name, ty: Type::Any });
            }
        }
    }
}

/// What was read from a schema before the types were final, kept where it still applies to
/// its field's or parameter's type: a default naming an enum variant (the options may have
/// replaced the enum by another type), and of each set of constraints those of the type.
fn fit_to_types(defs: &mut [TypeDef], operations: &mut [Operation]) {
    let enums: Vec<bool> = defs.iter().map(|def| matches!(def.kind, TypeDefKind::Enum(_))).collect();
    let fit = |ty: &Type, default: &mut Option<DefaultValue>, constraints: &mut Constraints| {
        if matches!(default, Some(DefaultValue::Variant { .. })) && !matches!(ty, Type::Named(id) if enums[id.0]) {
            *default = None;
        }
        *constraints = std::mem::take(constraints).for_type(ty);
    };
    for def in defs.iter_mut() {
        match &mut def.kind {
            TypeDefKind::Struct(definition) => {
                for field in &mut definition.fields {
                    fit(&field.ty, &mut field.default, &mut field.constraints);
                }
                // Of an object's own, only how many members it has applies to a struct.
                let (min_properties, max_properties) = (def.constraints.min_properties, def.constraints.max_properties);
                def.constraints = Constraints { min_properties, max_properties, ..Constraints::default() };
            }
            TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => {
                def.constraints = std::mem::take(&mut def.constraints).for_type(ty);
            }
            _ => def.constraints = Constraints::default(),
        }
    }
    for operation in operations {
        for param in &mut operation.params {
            fit(&param.ty, &mut param.default, &mut param.constraints);
        }
        for content in operation.body.iter_mut().flat_map(|body| &mut body.contents) {
            content.constraints = std::mem::take(&mut content.constraints).for_type(&content.ty);
        }
    }
}

/// Marks the types with constraints to check, in themselves or in a member at any depth (the
/// least fixed point: recursive types are marked once a way through them has something).
fn mark_validating(defs: &mut [TypeDef]) {
    fn validates(ty: &Type, defs: &[TypeDef]) -> bool {
        ty.named(Through::Everything).is_some_and(|id| defs[id.0].validates)
    }
    loop {
        let mut changed = false;
        for index in 0..defs.len() {
            let def = &defs[index];
            let found = !def.validates
                && match &def.kind {
                    // What only a request can break (unknown or read-only members) is
                    // checked where servers read the type.
                    TypeDefKind::Struct(definition) => {
                        !def.constraints.is_empty()
                            || (def.read_by_servers
                                && (definition.closed
                                    || definition.fields.iter().any(|field| field.access == Access::ReadOnly)))
                            || definition
                                .fields
                                .iter()
                                .any(|field| !field.constraints.is_empty() || validates(&field.ty, defs))
                            || definition.additional.as_ref().is_some_and(|members| validates(&members.ty, defs))
                            || definition.choice.as_ref().is_some_and(|choice| validates(&choice.ty, defs))
                    }
                    TypeDefKind::Union(union) => union.variants.iter().any(|variant| validates(&variant.ty, defs)),
                    TypeDefKind::Alias(ty) | TypeDefKind::Newtype(ty) => {
                        !def.constraints.is_empty() || validates(ty, defs)
                    }
                    // Unlisted values are refused as a server decodes them (`enums::strict`).
                    TypeDefKind::Enum(_) => false,
                };
            if found {
                defs[index].validates = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// Marks the types a server reads from requests (those of parameters and bodies, and what
/// they hold at any depth), and the ways each type travels: in requests, in responses (bodies
/// and headers), or, for a type no operation reaches and what it holds, both (it is the
/// user's).
fn mark_directions(defs: &mut [TypeDef], operations: &[Operation]) {
    let edges = super::graph::edges(defs);
    let named = |ty: &Type| ty.named(Through::Everything).map(|id| id.0);
    let requests: Vec<usize> = operations.iter().flat_map(Operation::request_types).filter_map(named).collect();
    let responses: Vec<usize> = operations.iter().flat_map(Operation::response_types).filter_map(named).collect();
    let mark = |defs: &mut [TypeDef], mut stack: Vec<usize>, flag: fn(&mut TypeDef) -> &mut bool| {
        while let Some(index) = stack.pop() {
            if !std::mem::replace(flag(&mut defs[index]), true) {
                stack.extend(&edges[index]);
            }
        }
    };
    mark(defs, requests, |def| &mut def.travel.in_requests);
    mark(defs, responses, |def| &mut def.travel.in_responses);
    // What requests carry, before the unreached are counted as carried both ways.
    for def in defs.iter_mut() {
        def.read_by_servers = def.travel.in_requests;
    }
    let unreached: Vec<usize> = (0..defs.len()).filter(|&index| defs[index].travel == Travel::default()).collect();
    mark(defs, unreached.clone(), |def| &mut def.travel.in_requests);
    mark(defs, unreached, |def| &mut def.travel.in_responses);
}

/// Marks the request bodies that hold an object forbidding undeclared members at some depth
/// (only they pay for noting what decoding drops).
fn mark_noting_undeclared(defs: &[TypeDef], operations: &mut [Operation]) {
    let edges = super::graph::edges(defs);
    let closed = |ty: &Type| {
        let mut seen = vec![false; defs.len()];
        let mut stack: Vec<usize> = ty.named(Through::Everything).map(|id| id.0).into_iter().collect();
        while let Some(index) = stack.pop() {
            if std::mem::replace(&mut seen[index], true) {
                continue;
            }
            if matches!(&defs[index].kind, TypeDefKind::Struct(definition) if definition.closed) {
                return true;
            }
            stack.extend(&edges[index]);
        }
        false
    };
    for content in
        operations.iter_mut().flat_map(|operation| operation.body.iter_mut().flat_map(|body| &mut body.contents))
    {
        content.notes_undeclared = content.kind == super::MediaKind::Json && closed(&content.ty);
    }
}

/// A named type's id as the builder claimed it, as its index among the definitions; a name
/// claimed but never defined (which the builder avoids) is any JSON value.
fn renumber(ty: &mut Type, position: &[Option<usize>]) {
    let inner = ty.innermost_mut(Through::Everything);
    if let Type::Named(id) = inner {
        match position[id.0] {
            Some(index) => *id = TypeId(index),
            None => *inner = Type::Any,
        }
    }
}

/// The options' derives and attributes, on the types they name ("*": every type but aliases,
/// which take none). Options naming no schema, or an alias, are warned about.
fn add_to_types(defs: &mut [TypeDef], component_ids: &[(String, TypeId)], config: &Config, warnings: &mut Vec<Fault>) {
    let schema_of: HashMap<TypeId, &str> = component_ids.iter().map(|(key, id)| (*id, key.as_str())).collect();
    for (index, def) in defs.iter_mut().enumerate() {
        if !matches!(def.kind, TypeDefKind::Alias(_)) {
            def.additions = config.type_additions(schema_of.get(&TypeId(index)).copied());
        }
    }
    for (key, options) in &config.types {
        let at = format!("{}: types.{key}", crate::config::FILE_NAME);
        let def = component_ids.iter().find(|(schema, _)| schema == key).map(|(_, id)| &defs[id.0]);
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
fn is_object(ty: &Type, defs: &[TypeDef]) -> bool {
    match ty {
        Type::Map(_) => true,
        Type::Nullable(inner) | Type::Boxed(inner) => is_object(inner, defs),
        Type::Named(id) => match &defs[id.0].kind {
            TypeDefKind::Struct(_) => true,
            TypeDefKind::Alias(inner) => is_object(inner, defs),
            _ => false,
        },
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
