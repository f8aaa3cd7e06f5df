//! Paths and operations to the model's operations: parameters by location, bodies by media
//! type, responses by status.

use super::names::{self, NameSet};
use super::refs::Resolver;
use super::schema::{is_string_of_format, TypeBuilder};
use super::OperationNames;
use super::PathTemplate;
use super::{
    constraints, Body, Constraints, Content, DefaultValue, FormField, Gate, MediaKind, Method, Operation, Param,
    ParamLocation, ParamStyle, QueryString, Response, ResponseHeader, StatusMatch, Type,
};
use super::{security, token_refresh};
use crate::config::Config;
use crate::diagnostics::{pointer_push, Fault};
use crate::load::{
    media_essence, COOKIE_STYLE_EXTENSION, EXPLODE_EXTENSION, OPERATIONS_EXTENSION, QUERYSTRING_EXTENSION,
    QUERY_METHOD, SENTINEL_EXTENSION,
};
use openapiv3::{Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, StatusCode};
use std::borrow::Cow;
use std::collections::HashSet;

/// The warning for a part of the spec left out because of `fault`.
fn left_out(fault: Fault, what: &str) -> Fault {
    fault.and(&format!("{what} is left out"))
}

/// A query style (parameters, and a form body's encodings) in the model.
fn query_style(style: &QueryStyle) -> ParamStyle {
    match style {
        QueryStyle::Form => ParamStyle::Form,
        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
        QueryStyle::DeepObject => ParamStyle::DeepObject,
    }
}

/// A path item's operations with their methods: the standard ones, then those the loader
/// kept from OpenAPI 3.2 (`query`, `additionalOperations`); one of those that does not read
/// as an operation is left out with a warning.
fn methods_of<'a>(
    item: &'a PathItem,
    path_at: &str,
    warnings: &mut Vec<Fault>,
) -> Vec<(Method, Cow<'a, openapiv3::Operation>)> {
    let mut methods: Vec<(Method, Cow<'a, openapiv3::Operation>)> = item
        .iter()
        .map(|(method, operation)| {
            let method = match method {
                "get" => Method::Get,
                "put" => Method::Put,
                "post" => Method::Post,
                "delete" => Method::Delete,
                "options" => Method::Options,
                "head" => Method::Head,
                "patch" => Method::Patch,
                _ => Method::Trace,
            };
            (method, Cow::Borrowed(operation))
        })
        .collect();
    let kept = item.extensions.get(OPERATIONS_EXTENSION).and_then(serde_json::Value::as_object);
    for (name, operation) in kept.into_iter().flatten() {
        let method = if name == QUERY_METHOD { Method::Query } else { Method::Extension(name.clone()) };
        match serde_json::from_value::<openapiv3::Operation>(operation.clone()) {
            Ok(operation) => methods.push((method, Cow::Owned(operation))),
            Err(error) => warnings.push(Fault::at(
                method.pointer_in(path_at),
                format!("not an Operation Object ({error}); the operation is left out"),
            )),
        }
    }
    methods
}

/// Methods of the generated client and server trait besides the operations', which
/// operations must not take.
const RESERVED_METHODS: &[&str] = &[
    "new",
    "with_base_url",
    "with_http_client",
    "with_policy",
    "base_url",
    "transport",
    "token_source",
    "refuse",
    // Not a method: its upper case is the `operations` module's `SECURITY_SCHEMES`.
    "security_schemes",
];
/// Runtime names the client and server use unqualified beside the operations' types.
const RESERVED_OPERATION_TYPES: &[&str] = &["IntoResponse"];
/// Headers OpenAPI says parameter definitions may not describe: the HTTP layer sets them.
const RESERVED_HEADERS: &[&str] = &["accept", "content-type", "authorization"];

pub struct OperationsBuilder<'a, 'b> {
    pub resolver: &'a Resolver<'a>,
    config: &'a Config,
    pub types: &'b mut TypeBuilder<'a>,
    pub warnings: Vec<Fault>,
    /// The first operation an `x-token-refresh` extension binds.
    pub token_refresh: Option<super::TokenRefresh>,
    method_names: NameSet,
    /// The types of the `operations` module, which the client and server import unqualified.
    type_names: NameSet,
}

impl<'a, 'b> OperationsBuilder<'a, 'b> {
    pub fn new(resolver: &'a Resolver<'a>, config: &'a Config, types: &'b mut TypeBuilder<'a>) -> Self {
        OperationsBuilder {
            resolver,
            config,
            types,
            warnings: Vec::new(),
            token_refresh: None,
            method_names: NameSet::with_reserved(RESERVED_METHODS),
            type_names: NameSet::with_reserved(RESERVED_OPERATION_TYPES),
        }
    }

    /// The operations of every path item; one that cannot be modelled is left out with a
    /// warning naming its fault, and the rest of the spec stands.
    pub fn build(&mut self, spec: &openapiv3::OpenAPI) -> Vec<Operation> {
        let mut operations = Vec::new();
        for (path, item) in &spec.paths.paths {
            let path_at = pointer_push("#/paths", path);
            let item = match self.resolver.resolve::<PathItem>(item, &path_at) {
                Ok((item, _)) => item,
                Err(fault) => {
                    self.warnings.push(left_out(fault, &format!("the path item {path:?}")));
                    continue;
                }
            };
            for (method, operation) in methods_of(&item, &path_at, &mut self.warnings) {
                let operation = operation.as_ref();
                if !self.config.includes(&operation.tags) {
                    continue;
                }
                let at = method.pointer_in(&path_at);
                let built = match self.operation(spec, path, &item, method.clone(), operation, &at) {
                    Ok(built) => built,
                    Err(fault) => {
                        self.warnings.push(left_out(fault, &format!("the operation {} {path}", method.as_str())));
                        continue;
                    }
                };
                if let Some(extension) = operation.extensions.get(token_refresh::EXTENSION) {
                    match token_refresh::bind(extension, &built, &at) {
                        Ok(binding) if self.token_refresh.is_none() => self.token_refresh = Some(binding),
                        Ok(_) => self.warnings.push(Fault::at(
                            pointer_push(&at, token_refresh::EXTENSION),
                            "only the first refresh operation is bound; this one is generated as any other",
                        )),
                        Err(fault) => self.warnings.push(fault),
                    }
                }
                operations.push(built);
            }
        }
        self.warn_of_unknown_operation_ids(spec);
        operations
    }

    /// Options for an operation id the spec does not have are a typo worth a warning.
    fn warn_of_unknown_operation_ids(&mut self, spec: &openapiv3::OpenAPI) {
        let ids: HashSet<&str> = spec
            .paths
            .paths
            .values()
            .filter_map(|item| item.as_item())
            .flat_map(|item| item.iter().filter_map(|(_, operation)| operation.operation_id.as_deref()))
            .collect();
        for id in self.config.operations.keys() {
            if id != crate::config::EVERY && !ids.contains(id.as_str()) {
                let at = format!("{}: operations.{id}", crate::config::FILE_NAME);
                self.warnings.push(Fault::at(at, "names no operationId of the spec; ignored"));
            }
        }
    }

    /// The first of `prefix`, `prefix2`, ... whose request, response and body type names are
    /// all free (inline schemas of the operation are named after it too), with those names:
    /// the operation ids `foo_bar2` and a second `foo_bar` (the method `foo_bar_2`) would
    /// otherwise both make `FooBar2Request`.
    fn claim_type_names(&mut self, prefix: &str) -> (String, OperationNames) {
        let names_for = |prefix: &str| OperationNames {
            request: format!("{prefix}Request"),
            response: format!("{prefix}Response"),
            request_body: format!("{prefix}RequestBody"),
            ..OperationNames::default()
        };
        let free = |names: &NameSet, prefix: &str| {
            let candidate = names_for(prefix);
            [&candidate.request, &candidate.response, &candidate.request_body].iter().all(|name| names.is_free(name))
        };
        let prefix = std::iter::once(prefix.to_owned())
            .chain((2..).map(|index| format!("{prefix}{index}")))
            .find(|candidate| free(&self.type_names, candidate))
            .expect("an unbounded range always yields a free name");
        let claimed = names_for(&prefix);
        for name in [&claimed.request, &claimed.response, &claimed.request_body] {
            self.type_names.claim(name);
        }
        (prefix, claimed)
    }

    fn operation(
        &mut self,
        spec: &openapiv3::OpenAPI,
        path: &str,
        item: &PathItem,
        method: Method,
        operation: &openapiv3::Operation,
        at: &str,
    ) -> Result<Operation, Fault> {
        let raw_name = match &operation.operation_id {
            Some(id) => id.clone(),
            // As openapi-generator names them: `/v1/refresh_token` POST is `v1_refresh_token_post`.
            None => format!("{path} {}", method.as_str().to_ascii_lowercase()),
        };
        let name = self.method_names.claim(&names::snake_name(&raw_name, "operation"));
        let (type_prefix, mut item_names) = self.claim_type_names(&names::type_name(&name, "Operation"));
        // Method names are unique snake case, so their upper case is unique too; the one
        // constant beside them, SECURITY_SCHEMES, is a reserved method name.
        item_names.descriptor = name.to_ascii_uppercase();
        // The server's functions for it; operation names are unique, and so are these.
        item_names.handler = format!("handle_{name}");
        item_names.parser = format!("parse_{name}");
        let template = PathTemplate::parse(path);
        let params = self.params(&template, item, operation, &type_prefix, at)?;
        let body = match &operation.request_body {
            Some(body) => Some(self.body(body, &type_prefix, &pointer_push(at, "requestBody"))?),
            None => None,
        };
        let sentinel = self.config.sentinel(operation.operation_id.as_deref()).map(str::to_owned);
        let responses =
            self.responses(&operation.responses, &type_prefix, sentinel.as_deref(), &pointer_push(at, "responses"))?;
        let requirements = operation.security.as_ref().or(spec.security.as_ref());
        Ok(Operation {
            id: operation.operation_id.clone().unwrap_or_else(|| name.clone()),
            name,
            names: item_names,
            method,
            path: template,
            summary: operation
                .summary
                .as_ref()
                .map(|summary| summary.trim().to_owned())
                .filter(|summary| !summary.is_empty()),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            params,
            body,
            responses,
            security: requirements.map(|requirements| security::requirements(requirements)).unwrap_or_default(),
            route: None,
            tags: operation.tags.clone(),
            gate: Gate::Always,
            additions: self.config.operation_additions(operation.operation_id.as_deref()),
        })
    }

    fn params(
        &mut self,
        template: &PathTemplate,
        item: &PathItem,
        operation: &openapiv3::Operation,
        prefix: &str,
        at: &str,
    ) -> Result<Vec<Param>, Fault> {
        // Operation parameters override path-level ones with the same name and location.
        let mut declared: Vec<(Parameter, String)> = Vec::new();
        let sources =
            [(&item.parameters, pointer_push("#/paths", template.as_str())), (&operation.parameters, at.to_owned())];
        for (list, list_at) in sources {
            for (index, parameter) in list.iter().enumerate() {
                let parameter_at = pointer_push(&pointer_push(&list_at, "parameters"), &index.to_string());
                let (parameter, _) = self.resolver.resolve(parameter, &parameter_at)?;
                // `in: querystring` reaches the model as `in: query`, marked: another location.
                let key = |candidate: &Parameter| {
                    let data = candidate.parameter_data_ref();
                    let whole = data.extensions.contains_key(QUERYSTRING_EXTENSION);
                    (data.name.clone(), std::mem::discriminant(candidate), whole)
                };
                declared.retain(|(existing, _)| key(existing) != key(&parameter));
                declared.push((parameter, parameter_at));
            }
        }
        let mut fields = NameSet::with_reserved(&["body"]);
        let mut params = Vec::new();
        for (parameter, parameter_at) in &declared {
            let data = parameter.parameter_data_ref();
            let allow_reserved = matches!(parameter, Parameter::Query { allow_reserved: true, .. });
            let (location, style, explode) = match parameter {
                Parameter::Query { parameter_data, .. }
                    if parameter_data.extensions.contains_key(QUERYSTRING_EXTENSION) =>
                {
                    (ParamLocation::QueryString, ParamStyle::Form, false)
                }
                Parameter::Query { style, parameter_data, .. } => {
                    let style = query_style(style);
                    (ParamLocation::Query, style, parameter_data.explode.unwrap_or(style == ParamStyle::Form))
                }
                Parameter::Header { parameter_data, .. } => {
                    (ParamLocation::Header, ParamStyle::Simple, parameter_data.explode.unwrap_or(false))
                }
                Parameter::Path { style, parameter_data } => {
                    let style = match style {
                        openapiv3::PathStyle::Simple => ParamStyle::Simple,
                        openapiv3::PathStyle::Label => ParamStyle::Label,
                        openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                    };
                    (ParamLocation::Path, style, parameter_data.explode.unwrap_or(false))
                }
                Parameter::Cookie { parameter_data, .. } => {
                    let style = if parameter_data.extensions.contains_key(COOKIE_STYLE_EXTENSION) {
                        ParamStyle::Cookie
                    } else {
                        ParamStyle::Form
                    };
                    (ParamLocation::Cookie, style, parameter_data.explode.unwrap_or(true))
                }
            };
            if location == ParamLocation::Header && RESERVED_HEADERS.contains(&data.name.to_ascii_lowercase().as_str())
            {
                self.warnings.push(Fault::at(
                    parameter_at,
                    format!("header parameter {:?} is ignored, as OpenAPI requires: the HTTP layer or a security scheme sets it", data.name),
                ));
                continue;
            }
            if location == ParamLocation::Path && !template.params().any(|name| name == data.name) {
                // No request can carry it: the path has no place for it, so a field would be a lie.
                self.warnings.push(Fault::at(
                    parameter_at,
                    format!(
                        "path parameter {:?} does not appear in the path template {:?}; ignored",
                        data.name,
                        template.as_str()
                    ),
                ));
                continue;
            }
            let hint = format!("{prefix}{}", names::type_name(&data.name, "Param"));
            let required = data.required || location == ParamLocation::Path;
            if location == ParamLocation::QueryString {
                if let Some(param) = self.query_string(&declared, data, &mut fields, &hint, parameter_at)? {
                    params.push(param);
                }
                continue;
            }
            let (ty, default, constraints) = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let schema_at = pointer_push(parameter_at, "schema");
                    let ty = self.types.type_of(schema, &schema_at, &hint)?;
                    let default = if required { None } else { self.types.applied_default(schema, &ty, &schema_at) };
                    (ty, default, constraints::of(schema, &schema_at, &mut self.warnings))
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.warnings
                        .push(Fault::at(parameter_at, "a parameter described by `content` is taken as a string"));
                    (Type::String, None, Constraints::default())
                }
            };
            params.push(Param {
                wire_name: data.name.clone(),
                rust_name: fields.claim(&names::snake_name(&data.name, "param")),
                location,
                required,
                ty,
                style,
                explode,
                allow_reserved,
                docs: with_default(data.description.clone(), default.as_ref()),
                capture: None,
                object: false,
                default,
                constraints,
                query_string: None,
            });
        }
        for name in template.params().map(str::to_owned) {
            if !params.iter().any(|param| param.location == ParamLocation::Path && param.wire_name == name) {
                self.warnings.push(Fault::at(
                    at,
                    format!("path parameter {name:?} is in the template but not declared; taken as a string"),
                ));
                params.push(Param {
                    rust_name: fields.claim(&names::snake_name(&name, "param")),
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
                    constraints: Constraints::default(),
                    query_string: None,
                });
            }
        }
        Ok(params)
    }

    fn body(&mut self, body: &ReferenceOr<openapiv3::RequestBody>, prefix: &str, at: &str) -> Result<Body, Fault> {
        let (body, body_at) = self.resolver.resolve(body, at)?;
        let mut contents: Vec<Content> = Vec::new();
        for (media_type, media) in &body.content {
            let media_at = pointer_push(&pointer_push(&body_at, "content"), media_type);
            let content = self.content(media_type, media, true, &format!("{prefix}RequestBody"), &media_at)?;
            match contents.iter_mut().find(|existing| existing.kind == content.kind && existing.ty == content.ty) {
                Some(existing) => existing.accepted.push(media_type.clone()),
                None => contents.push(content),
            }
        }
        let mut variants = NameSet::default();
        for content in &mut contents {
            content.variant = variants.claim(kind_name(content.kind));
        }
        if contents.is_empty() {
            self.warnings.push(Fault::at(&body_at, "a request body without content is sent as raw bytes"));
            contents.push(Content {
                concrete_media_type: "application/octet-stream".into(),
                accepted: vec!["*/*".into()],
                kind: MediaKind::Binary,
                ty: Type::ByteStream,
                variant: "Binary".into(),
                form_fields: Vec::new(),
                sentinel: None,
                constraints: Constraints::default(),
                notes_undeclared: false,
            });
        }
        let multipart = body.content.iter().find(|(media_type, _)| classify(media_type) == MediaKind::Multipart);
        let part_list = multipart.and_then(|(_, media)| self.part_list(media.schema.as_ref()?, &body_at));
        let docs = match (body.description.clone(), part_list) {
            (Some(description), Some(parts)) => Some(format!("{description}\n\n{parts}")),
            (description, parts) => description.or(parts),
        };
        Ok(Body { required: body.required, docs, contents })
    }

    /// The parts a multipart body's schema declares, for its rustdoc: `caption` (text),
    /// `file` (file).
    fn part_list(&self, schema: &ReferenceOr<openapiv3::Schema>, at: &str) -> Option<String> {
        let (schema, _) = self.resolver.resolve(schema, at).ok()?;
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) = &schema.schema_kind else { return None };
        let parts: Vec<String> = object
            .properties
            .iter()
            .map(|(name, property)| {
                let file = match property {
                    ReferenceOr::Item(property) => is_string_of_format(property, openapiv3::StringFormat::Binary),
                    ReferenceOr::Reference { .. } => false,
                };
                let required = if object.required.contains(name) { ", required" } else { "" };
                format!("`{name}` ({}{required})", if file { "file" } else { "text" })
            })
            .collect();
        (!parts.is_empty()).then(|| format!("Parts: {}.", parts.join(", ")))
    }

    /// An `in: querystring` parameter (OpenAPI 3.2): its one media type says how its value is
    /// the whole query string. One that cannot be (beside `in: query` parameters, a second
    /// one, no `content`) is left out with a warning.
    fn query_string(
        &mut self,
        declared: &[(Parameter, String)],
        data: &openapiv3::ParameterData,
        fields: &mut NameSet,
        hint: &str,
        at: &str,
    ) -> Result<Option<Param>, Fault> {
        let marked =
            |parameter: &Parameter| parameter.parameter_data_ref().extensions.contains_key(QUERYSTRING_EXTENSION);
        let query =
            declared.iter().any(|(parameter, _)| matches!(parameter, Parameter::Query { .. }) && !marked(parameter));
        let first = declared.iter().find(|(parameter, _)| marked(parameter)).map(|(_, first_at)| first_at.as_str());
        let content = match &data.format {
            ParameterSchemaOrContent::Content(content) if content.len() == 1 => content.first(),
            _ => None,
        };
        let fault = if query {
            Some("the whole query string cannot be a parameter beside `in: query` ones")
        } else if first != Some(at) {
            Some("an operation has one query string; a second `in: querystring` parameter")
        } else if content.is_none() {
            Some("an `in: querystring` parameter is described by a `content` of one media type")
        } else {
            None
        };
        let Some((media_type, media)) = content.filter(|_| fault.is_none()) else {
            self.warnings.push(Fault::at(at, format!("{}; left out", fault.unwrap_or_default())));
            return Ok(None);
        };
        let content_at = pointer_push(&pointer_push(at, "content"), media_type);
        let content = self.content(media_type, media, true, hint, &content_at)?;
        let (ty, query_string) = match content.kind {
            MediaKind::Form => (content.ty, QueryString::Form(content.form_fields)),
            MediaKind::Json => (content.ty, QueryString::Json),
            _ => {
                self.warnings.push(Fault::at(
                    &content_at,
                    "a query string of this media type is passed as it is sent (percent-encoded), as a string",
                ));
                (Type::String, QueryString::Raw)
            }
        };
        Ok(Some(Param {
            wire_name: data.name.clone(),
            rust_name: fields.claim(&names::snake_name(&data.name, "param")),
            location: ParamLocation::QueryString,
            required: data.required,
            ty,
            style: ParamStyle::Form,
            explode: false,
            allow_reserved: false,
            docs: data.description.clone(),
            capture: None,
            object: false,
            default: None,
            constraints: content.constraints,
            query_string: Some(query_string),
        }))
    }

    fn content(
        &mut self,
        media_type: &str,
        media: &openapiv3::MediaType,
        request: bool,
        hint: &str,
        at: &str,
    ) -> Result<Content, Fault> {
        let mut kind = classify(media_type);
        if kind == MediaKind::EventStream && request {
            self.warnings
                .push(Fault::at(at, "event-stream request bodies are sent as raw bytes (write the events yourself)"));
            kind = MediaKind::Binary;
        } else if kind == MediaKind::Multipart && !request {
            self.warnings.push(Fault::at(at, "multipart responses are passed as raw bytes (parse the body yourself)"));
            kind = MediaKind::Binary;
        } else if media_type.to_ascii_lowercase().starts_with("multipart/") && kind != MediaKind::Multipart {
            self.warnings.push(Fault::at(
                at,
                "multipart bodies other than form-data are passed as raw bytes (build and parse them yourself)",
            ));
            kind = MediaKind::Binary;
        }
        let (ty, constraints) = match kind {
            // Binary bodies are streams both ways, never held whole.
            MediaKind::Binary => (Type::ByteStream, Constraints::default()),
            MediaKind::Multipart => (Type::Multipart, Constraints::default()),
            MediaKind::Text => (Type::String, Constraints::default()),
            MediaKind::Json | MediaKind::Form => match &media.schema {
                Some(schema) => {
                    let schema_at = pointer_push(at, "schema");
                    let ty = self.types.type_of(schema, &schema_at, hint)?;
                    (ty, constraints::of(schema, &schema_at, &mut self.warnings))
                }
                None => (Type::Any, Constraints::default()),
            },
            // The schema is one item's (3.2's `itemSchema`, which the loader moved here) or,
            // for an event stream, one event's data.
            MediaKind::EventStream | MediaKind::JsonLines | MediaKind::JsonSeq => {
                let item = match &media.schema {
                    Some(schema) => self.types.type_of(schema, &pointer_push(at, "schema"), hint)?,
                    None if kind == MediaKind::EventStream => Type::String,
                    None => Type::Any,
                };
                let ty = if kind == MediaKind::EventStream {
                    Type::Events(Box::new(item))
                } else {
                    Type::Items(Box::new(item))
                };
                (ty, Constraints::default())
            }
        };
        let concrete_media_type = if media_type.contains('*') {
            match kind {
                MediaKind::Json => "application/json",
                MediaKind::Text => "text/plain",
                MediaKind::Form => "application/x-www-form-urlencoded",
                MediaKind::Multipart => "multipart/form-data",
                MediaKind::Binary => "application/octet-stream",
                MediaKind::EventStream => "text/event-stream",
                MediaKind::JsonLines => "application/jsonl",
                MediaKind::JsonSeq => "application/json-seq",
            }
            .to_owned()
        } else {
            media_type.to_owned()
        };
        let form_fields = if kind == MediaKind::Form { self.form_fields(media, at) } else { Vec::new() };
        let sentinel = match media.extensions.get(SENTINEL_EXTENSION) {
            None => None,
            Some(serde_json::Value::String(sentinel)) if kind == MediaKind::EventStream => Some(sentinel.clone()),
            Some(_) => {
                self.warnings.push(Fault::at(
                    pointer_push(at, SENTINEL_EXTENSION),
                    "a sentinel is a string on a text/event-stream media type; ignored",
                ));
                None
            }
        };
        Ok(Content {
            concrete_media_type,
            accepted: vec![media_type.to_owned()],
            kind,
            ty,
            variant: kind_name(kind).to_owned(),
            form_fields,
            sentinel,
            constraints,
            notes_undeclared: false,
        })
    }

    /// A form body's `encoding`, property by property. Properties it leaves at the defaults
    /// (`form`, exploded, no content type) are left out; so are content types other than
    /// JSON, which travel as text, with a warning.
    fn form_fields(&mut self, media: &openapiv3::MediaType, at: &str) -> Vec<FormField> {
        let mut fields = Vec::new();
        for (name, encoding) in &media.encoding {
            let encoding_at = pointer_push(&pointer_push(at, "encoding"), name);
            if let Some(content_type) = &encoding.content_type {
                let essence = media_essence(content_type);
                if essence == "application/json" || essence.ends_with("+json") {
                    fields.push(FormField::Json { name: name.clone() });
                    continue;
                }
                if !essence.starts_with("text/") {
                    self.warnings.push(Fault::at(
                        &encoding_at,
                        format!("the content type {content_type:?} of a form property is not applied; the value travels as text"),
                    ));
                }
            }
            let explicit_explode = encoding.extensions.get(EXPLODE_EXTENSION).and_then(serde_json::Value::as_bool);
            let style = encoding.style.as_ref().map_or(ParamStyle::Form, query_style);
            let explode = explicit_explode.unwrap_or(style == ParamStyle::Form);
            if style == ParamStyle::Form && explode && !encoding.allow_reserved {
                continue;
            }
            fields.push(FormField::Styled {
                name: name.clone(),
                style,
                explode,
                allow_reserved: encoding.allow_reserved,
            });
        }
        fields
    }

    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        prefix: &str,
        sentinel: Option<&str>,
        at: &str,
    ) -> Result<Vec<Response>, Fault> {
        let mut variants = NameSet::default();
        let mut out = Vec::new();
        let documented = responses
            .responses
            .iter()
            .map(|(status, response)| {
                let status = match status {
                    StatusCode::Code(code) => StatusMatch::Code(*code),
                    StatusCode::Range(hundred) => StatusMatch::Range(*hundred),
                };
                (status, response, pointer_push(at, &status.key()))
            })
            .chain(
                responses.default.iter().map(|response| (StatusMatch::Default, response, pointer_push(at, "default"))),
            );
        for (status, response, response_at) in documented {
            let (response, response_at) = self.resolver.resolve(response, &response_at)?;
            let variant = variants.claim(&status_variant(status));
            let (primary, stream) = pick_contents(&response.content);
            let content_at = pointer_push(&response_at, "content");
            for media_type in response.content.keys() {
                let chosen = [primary, stream].into_iter().flatten().any(|(chosen, _)| chosen == media_type);
                if !chosen {
                    let read = primary.map_or(String::new(), |(primary, _)| format!("; the client reads {primary}"));
                    self.warnings.push(Fault::at(
                        pointer_push(&content_at, media_type),
                        format!("this media type is not generated{read}"),
                    ));
                }
            }
            let content_of = |this: &mut Self, (media_type, media): (&String, &openapiv3::MediaType), hint: &str| {
                let mut content = this.content(
                    media_type,
                    media,
                    false,
                    &format!("{prefix}{hint}Body"),
                    &pointer_push(&content_at, media_type),
                )?;
                if content.kind == MediaKind::EventStream && content.sentinel.is_none() {
                    content.sentinel = sentinel.map(str::to_owned);
                }
                Ok::<_, Fault>(content)
            };
            let content = primary.map(|primary| content_of(self, primary, &variant)).transpose()?;
            let stream_variant = stream.map(|(media_type, _)| {
                let suffix = if classify(media_type) == MediaKind::EventStream { "Events" } else { "Items" };
                variants.claim(&format!("{variant}{suffix}"))
            });
            let stream = match (stream, &stream_variant) {
                (Some(stream), Some(stream_variant)) => Some(content_of(self, stream, stream_variant)?),
                _ => None,
            };
            let mut header_fields = NameSet::with_reserved(&["body", "status"]);
            let mut headers = Vec::new();
            for (name, header) in &response.headers {
                if name.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                let header_at = pointer_push(&pointer_push(&response_at, "headers"), name);
                let (header, header_at) = match self.resolver.resolve(header, &header_at) {
                    Ok(resolved) => resolved,
                    Err(fault) => {
                        self.warnings.push(left_out(fault, &format!("the response header {name:?}")));
                        continue;
                    }
                };
                let ty = match &header.format {
                    ParameterSchemaOrContent::Schema(schema) => self.types.type_of(
                        schema,
                        &pointer_push(&header_at, "schema"),
                        &format!("{prefix}{variant}{}", names::type_name(name, "Header")),
                    )?,
                    ParameterSchemaOrContent::Content(_) => Type::String,
                };
                let explode = header.extensions.get(EXPLODE_EXTENSION).and_then(serde_json::Value::as_bool);
                headers.push(ResponseHeader {
                    wire_name: name.to_ascii_lowercase(),
                    rust_name: header_fields.claim(&names::snake_name(name, "header")),
                    ty,
                    explode: explode.unwrap_or(false),
                    docs: header.description.clone(),
                });
            }
            let docs = Some(response.description.clone()).filter(|docs| !docs.trim().is_empty());
            let streamed = match (stream, stream_variant) {
                (Some(stream), Some(stream_variant)) => Some(Response {
                    status,
                    when_media_type: Some(media_essence(&stream.concrete_media_type)),
                    variant: stream_variant,
                    docs: docs.clone(),
                    content: Some(stream),
                    headers: headers.clone(),
                }),
                _ => None,
            };
            out.push(Response { status, when_media_type: None, variant, docs, content, headers });
            out.extend(streamed);
        }
        Ok(out)
    }
}

fn classify(media_type: &str) -> MediaKind {
    let essence = media_essence(media_type);
    if essence == "text/event-stream" {
        MediaKind::EventStream
    } else if matches!(
        essence.as_str(),
        "application/jsonl" | "application/x-ndjson" | "application/x-jsonlines" | "application/jsonlines"
    ) {
        MediaKind::JsonLines
    } else if essence == "application/json-seq" {
        MediaKind::JsonSeq
    } else if essence == "*/*" || essence == "application/*" || essence.contains("json") {
        MediaKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        MediaKind::Form
    } else if essence == "multipart/form-data" {
        MediaKind::Multipart
    } else if essence.starts_with("text/") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

fn kind_name(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Json => "Json",
        MediaKind::Form => "Form",
        MediaKind::Multipart => "Multipart",
        MediaKind::Text => "Text",
        MediaKind::Binary => "Binary",
        MediaKind::EventStream => "Events",
        MediaKind::JsonLines | MediaKind::JsonSeq => "Items",
    }
}

type MediaEntry<'a> = (&'a String, &'a openapiv3::MediaType);

/// The bodies of a response the generated code reads: JSON where the response lists it (or
/// else its first media type), and beside it the first streamed one, so that an operation
/// answering JSON or an event stream on one status (as LLM APIs do) keeps both.
fn pick_contents(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> (Option<MediaEntry<'_>>, Option<MediaEntry<'_>>) {
    let primary = content
        .iter()
        .find(|(media_type, _)| classify(media_type) == MediaKind::Json)
        .or_else(|| content.iter().find(|(media_type, _)| !classify(media_type).is_sequential()))
        .or_else(|| content.iter().next());
    let stream = content.iter().find(|(media_type, _)| {
        classify(media_type).is_sequential() && primary.is_some_and(|(primary, _)| primary != *media_type)
    });
    (primary, stream)
}

fn status_variant(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => reason(code).map_or_else(|| format!("Status{code}"), names::variant_name),
        StatusMatch::Range(1) => "Informational".into(),
        StatusMatch::Range(2) => "Success".into(),
        StatusMatch::Range(3) => "Redirection".into(),
        StatusMatch::Range(4) => "ClientError".into(),
        StatusMatch::Range(5) => "ServerError".into(),
        StatusMatch::Range(hundred) => format!("Status{hundred}XX"),
        StatusMatch::Default => "Default".into(),
    }
}

/// Reason phrases of the registered status codes (RFC 9110 and friends).
fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "Im A Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => return None,
    })
}

/// A parameter's description, and the default the server applies.
fn with_default(description: Option<String>, default: Option<&DefaultValue>) -> Option<String> {
    let Some(default) = default else { return description };
    let shown = format!("Default: `{}`.", default.to_json().replace('`', "'"));
    Some(match description {
        Some(text) => format!("{text}\n\n{shown}"),
        None => shown,
    })
}
