//! Stage 2: the intermediate model of an API. Everything emission needs is here, already
//! named as Rust will spell it; emission never looks at the spec again.

mod build;
mod constraints;
mod features;
mod graph;
mod inhabited;
mod names;
mod operations;
mod path_template;
mod recursion;
pub(crate) mod refs;
mod routes;
mod schema;
mod security;
mod token_refresh;
mod walk;

pub use crate::config::Additions;
pub use build::build;
pub use constraints::{Bound, Constraints};
pub use names::is_keyword;
pub use path_template::{PathTemplate, Piece, Segment};
pub use walk::Through;

/// One API: its named types, its operations and how it authenticates.
#[derive(Clone, Debug)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// The first server's URL, when it is absolute (`https://host/base`).
    pub default_server: Option<String>,
    /// The path every route starts with, from the first server's URL (`/api/v2`), or empty.
    pub base_path: String,
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    pub security_schemes: Vec<SecurityScheme>,
    /// How a client keeps its tokens fresh, from the operation marked `x-token-refresh`.
    pub token_refresh: Option<TokenRefresh>,
    /// One Cargo feature per tag, when the spec has several (see `features.rs`).
    pub tag_features: Vec<TagFeature>,
}

impl Api {
    /// The runtime features its code needs, in order: `chrono` and `uuid` for the types of
    /// formats, `pattern` for the checks of patterns.
    pub fn runtime_features(&self) -> std::collections::BTreeSet<&'static str> {
        let members = self.types.iter().flat_map(|def| def.kind.member_types());
        let direct = self.operations.iter().flat_map(Operation::types);
        let mut features: std::collections::BTreeSet<&'static str> = members
            .chain(direct)
            .filter_map(|ty| match ty.innermost(walk::Through::Everything) {
                Type::Format(format) => format.runtime_feature(),
                _ => None,
            })
            .collect();
        if self.constraints().any(Constraints::has_pattern) {
            features.insert("pattern");
        }
        features
    }

    /// Every set of constraints it checks: of types, members, parameters and bodies.
    fn constraints(&self) -> impl Iterator<Item = &Constraints> {
        let types = self.types.iter().flat_map(|def| {
            let fields = match &def.kind {
                TypeDefKind::Struct(definition) => definition.fields.as_slice(),
                _ => &[],
            };
            std::iter::once(&def.constraints).chain(fields.iter().map(|field| &field.constraints))
        });
        let operations = self.operations.iter().flat_map(|operation| {
            let params = operation.params.iter().map(|param| &param.constraints);
            params.chain(operation.body.iter().flat_map(|body| &body.contents).map(|content| &content.constraints))
        });
        types.chain(operations)
    }

    /// How many named types deep the longest chain of members goes (see [`graph::nesting_depth`]).
    pub fn type_nesting_depth(&self) -> usize {
        graph::nesting_depth(&self.types)
    }

    /// The same API with every item always compiled: for a module file, whose features
    /// would be the including crate's.
    pub fn without_tag_features(&self) -> Api {
        let mut api = self.clone();
        api.tag_features.clear();
        api.types.iter_mut().for_each(|def| def.gate = Gate::Always);
        api.operations.iter_mut().for_each(|operation| operation.gate = Gate::Always);
        if let Some(refresh) = &mut api.token_refresh {
            refresh.gate = Gate::Always;
        }
        api
    }
}

/// A Cargo feature that compiles the operations of one tag.
#[derive(Clone, Debug)]
pub struct TagFeature {
    pub name: String,
    pub tag: String,
    /// How many operations carry the tag.
    pub operations: usize,
}

/// The Cargo features a generated item compiles under.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gate {
    #[default]
    Always,
    /// Compiled when any of these features is on (sorted, never empty).
    AnyOf(Vec<String>),
}

impl Gate {
    /// The gate of code that each of `gates` needs: `None` when there are none.
    pub fn union<'a>(gates: impl IntoIterator<Item = &'a Gate>) -> Option<Gate> {
        let mut union: Option<std::collections::BTreeSet<&String>> = None;
        for gate in gates {
            match gate {
                Gate::Always => return Some(Gate::Always),
                Gate::AnyOf(features) => union.get_or_insert_with(Default::default).extend(features),
            }
        }
        union.map(|features| Gate::AnyOf(features.into_iter().cloned().collect()))
    }
}

/// A Rust type as a field, parameter or body holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A type defined in the `types` module: its index in [`Api::types`].
    Named(TypeId),
    String,
    Integer(IntegerWidth),
    Float(FloatWidth),
    Boolean,
    /// A string of a format with a Rust type of its own (`date-time`, `uuid`, ...).
    Format(Format),
    Array(Box<Type>),
    /// An object with arbitrary keys (`additionalProperties`).
    Map(Box<Type>),
    /// Any JSON value: no type constraint, or one the generator cannot express yet.
    Any,
    /// A value that may be null (the nullable of OpenAPI 3.0, `type: [T, null]` of 3.1).
    Nullable(Box<Type>),
    /// A `multipart/form-data` body: named text and file parts.
    Multipart,
    /// A value the generator boxed to break a recursive type.
    Boxed(Box<Type>),
    /// A `text/event-stream` body: events whose data is of the inner type.
    Events(Box<Type>),
    /// A JSON Lines or JSON text sequence body: items of the inner type.
    Items(Box<Type>),
    /// A binary body (`format: binary`, or a media type the generator does not decode),
    /// sent and read as chunks, never whole.
    ByteStream,
    /// An existing Rust type, by path: a type replaced by the options, or `x-rust-type`.
    Path(String),
}

/// A named type, by its index in [`Api::types`] (while the model is built, by the order its
/// name was claimed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntegerWidth {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntegerWidth {
    /// The least and greatest values of the width.
    pub fn range(self) -> (i128, i128) {
        match self {
            IntegerWidth::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntegerWidth::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntegerWidth::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntegerWidth::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntegerWidth::U8 => (0, u8::MAX.into()),
            IntegerWidth::U16 => (0, u16::MAX.into()),
            IntegerWidth::U32 => (0, u32::MAX.into()),
            IntegerWidth::U64 => (0, u64::MAX.into()),
        }
    }

    /// The width an integer schema's `format` names: OpenAPI's `int32` and `int64`, and
    /// the sized and unsigned formats real specs use (`uint64`, `int8`, ...); 64 bits
    /// signed otherwise.
    pub fn of_format(format: Option<&str>) -> IntegerWidth {
        match format {
            Some("int8") => IntegerWidth::I8,
            Some("int16") => IntegerWidth::I16,
            Some("int32") => IntegerWidth::I32,
            Some("uint8") => IntegerWidth::U8,
            Some("uint16") => IntegerWidth::U16,
            Some("uint32") => IntegerWidth::U32,
            Some("uint64" | "uint") => IntegerWidth::U64,
            _ => IntegerWidth::I64,
        }
    }
}

/// The string formats that become typed values (where [`crate::config::Formats::Typed`], the
/// default, applies); any other format stays a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `date-time`: RFC 3339, as `chrono::DateTime<chrono::FixedOffset>`
    /// (`apigen_runtime::formats::DateTime`).
    DateTime,
    /// `date`: RFC 3339's full-date, as `chrono::NaiveDate`.
    Date,
    /// `uuid`, as `uuid::Uuid`.
    Uuid,
    /// `byte`: standard base64, as `apigen_runtime::formats::Base64Bytes`.
    Base64,
    /// `ipv4`, as `std::net::Ipv4Addr`.
    Ipv4,
    /// `ipv6`, as `std::net::Ipv6Addr`.
    Ipv6,
}

impl Format {
    /// The typed format a string schema's `format` names, if it names one.
    pub fn of(format: &str) -> Option<Format> {
        Some(match format {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "uuid" => Format::Uuid,
            "byte" => Format::Base64,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            _ => return None,
        })
    }

    /// The runtime feature its type needs, if any.
    pub fn runtime_feature(self) -> Option<&'static str> {
        match self {
            Format::DateTime | Format::Date => Some("chrono"),
            Format::Uuid => Some("uuid"),
            Format::Base64 | Format::Ipv4 | Format::Ipv6 => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FloatWidth {
    F32,
    F64,
}

/// A type of the `types` module.
#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: String,
    pub docs: Option<String>,
    pub kind: TypeDefKind,
    pub gate: Gate,
    /// Derives and attributes the options add.
    pub additions: Additions,
    /// The JSON pointer of its schema, for warnings.
    pub pointer: String,
    /// Its schema is nullable where the type is not: every use of it is an `Option`.
    pub nullable: bool,
    /// What its schema asks beyond the type: an alias's are checked where it is used.
    pub constraints: Constraints,
    /// Whether a value of it has constraints to check, itself or in a member at any depth
    /// (its `Validate` implementation is generated).
    pub validates: bool,
    /// Whether a server reads it from requests (a parameter's or a body's type, or a member
    /// of one at any depth): its optional members then refuse a null their schema forbids.
    pub read_by_servers: bool,
    /// The ways it travels, which decide the serde impls each half of a crate needs.
    pub travel: Travel,
}

/// The ways a type travels: in requests (a parameter's or a body's type, or a member of one
/// at any depth), in responses (a body's or a header's). A type no operation reaches, and
/// what it holds, travels both ways: it is the user's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Travel {
    pub in_requests: bool,
    pub in_responses: bool,
}

impl TypeDef {
    /// A definition compiled in every build, with nothing added.
    pub fn new(name: impl Into<String>, docs: Option<String>, kind: TypeDefKind) -> Self {
        let name = name.into();
        let (gate, additions, pointer) = (Gate::Always, Additions::default(), String::new());
        TypeDef {
            name,
            docs,
            kind,
            gate,
            additions,
            pointer,
            nullable: false,
            constraints: Constraints::default(),
            validates: false,
            read_by_servers: false,
            travel: Travel::default(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum TypeDefKind {
    Struct(Struct),
    /// A string enum.
    Enum(Enumeration),
    /// `oneOf`/`anyOf`: one of several types.
    Union(Union),
    /// A schema that is another type under this name.
    Alias(Type),
    /// A schema that is another type, as a struct of its own: an alias cannot refer to
    /// itself, so aliases on a cycle become newtypes.
    Newtype(Type),
}

#[derive(Clone, Debug)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// Members beyond the declared ones (`additionalProperties`), kept in a map.
    pub additional: Option<AdditionalMembers>,
    /// Its schema forbids members beyond the declared ones (`additionalProperties: false`).
    pub closed: bool,
    /// The union its values are also one of (`oneOf` or `anyOf` beside `properties`),
    /// flattened into it.
    pub choice: Option<ChoiceMember>,
    /// Every field may be absent, so the struct has a `Default`.
    pub defaultable: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub rust_name: String,
    pub wire_name: String,
    pub ty: Type,
    pub required: bool,
    pub docs: Option<String>,
    /// A password, key or token (by `format: password` or by name): `Debug` redacts it.
    pub secret: bool,
    /// Optional with a default: the field is not an `Option`, and an absent member reads
    /// as this value.
    pub default: Option<DefaultValue>,
    /// What its inline schema asks beyond the type (a `$ref`'s are on its definition).
    pub constraints: Constraints,
    /// Whether requests or responses only carry it (`readOnly`, `writeOnly`).
    pub access: Access,
}

/// Which way a member goes. A required member only one way carries is an `Option`: OpenAPI
/// requires it of that way only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Access {
    #[default]
    Both,
    /// `readOnly`: in responses; a server refuses it in a request.
    ReadOnly,
    /// `writeOnly`: in requests; a server never writes it into a response.
    WriteOnly,
}

/// A schema's `default`, as a value of the Rust type of its member or parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    String(String),
    Integer(i128),
    Float(f64),
    Boolean(bool),
    /// A variant of a string enum.
    Variant {
        rust_name: String,
        wire_name: String,
    },
    List(Vec<DefaultValue>),
}

impl DefaultValue {
    /// Whether it is what the Rust type's `Default` gives (`false`, `0`, `""`, `[]`).
    pub fn is_rust_default(&self) -> bool {
        match self {
            DefaultValue::String(text) => text.is_empty(),
            DefaultValue::Integer(integer) => *integer == 0,
            DefaultValue::Float(float) => *float == 0.0 && float.is_sign_positive(),
            DefaultValue::Boolean(boolean) => !boolean,
            DefaultValue::List(items) => items.is_empty(),
            DefaultValue::Variant { .. } => false,
        }
    }

    /// The value as JSON text, for docs.
    pub fn to_json(&self) -> String {
        fn value(default: &DefaultValue) -> serde_json::Value {
            match default {
                DefaultValue::String(text) | DefaultValue::Variant { wire_name: text, .. } => text.clone().into(),
                DefaultValue::Integer(integer) => {
                    serde_json::Number::from_i128(*integer).map_or(serde_json::Value::Null, Into::into)
                }
                DefaultValue::Float(float) => (*float).into(),
                DefaultValue::Boolean(boolean) => (*boolean).into(),
                DefaultValue::List(items) => items.iter().map(value).collect(),
            }
        }
        value(self).to_string()
    }
}

/// The field that holds a struct's undeclared members, and their type.
#[derive(Clone, Debug)]
pub struct AdditionalMembers {
    /// Named apart from the declared fields (`additional_properties`).
    pub rust_name: String,
    pub ty: Type,
}

/// The field that holds the union a struct's values are also one of, and its type.
#[derive(Clone, Debug)]
pub struct ChoiceMember {
    /// Named apart from the declared fields (`choice`).
    pub rust_name: String,
    pub ty: Type,
}

/// A string enum's listed values, and the variant that holds any other.
#[derive(Clone, Debug)]
pub struct Enumeration {
    pub variants: Vec<EnumVariant>,
    /// The catch-all variant (`Other`), so a client keeps working when the API adds a value;
    /// `None` for a single value (a `const`), since untagged unions tell their variants
    /// apart by such values.
    pub other: Option<String>,
}

#[derive(Clone, Debug)]
pub struct EnumVariant {
    pub rust_name: String,
    pub wire_name: String,
    pub docs: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Union {
    pub variants: Vec<UnionVariant>,
    /// The property whose value names the variant (`discriminator.propertyName`).
    pub discriminator: Option<String>,
}

#[derive(Clone, Debug)]
pub struct UnionVariant {
    pub name: String,
    pub ty: Type,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
    /// Its type does not declare the discriminator member, so serialization writes it
    /// (its first tag) beside the type's own members.
    pub writes_tag: bool,
    /// The members its type declares, by wire name: without a discriminator, the variants
    /// declaring more of a value's members are tried first.
    pub members: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
    /// OpenAPI 3.2's `query`: HTTP QUERY, a safe method with a body.
    Query,
    /// A method of OpenAPI 3.2's `additionalOperations` (`LINK`), spelled as the spec does.
    Extension(String),
}

impl Method {
    pub fn as_str(&self) -> &str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
            Method::Query => "QUERY",
            Method::Extension(name) => name,
        }
    }

    /// The pointer of its operation in the path item at `path_at` (`.../get`, `.../query`,
    /// `.../additionalOperations/LINK`).
    pub fn pointer_in(&self, path_at: &str) -> String {
        match self {
            Method::Query | Method::Extension(_) => crate::load::kept_operation_pointer(path_at, self.as_str()),
            standard => crate::diagnostics::pointer_push(path_at, &standard.as_str().to_ascii_lowercase()),
        }
    }

    /// The method axum's `MethodRouter` routes by name (`routing::get`), if it has one.
    pub fn routing_name(&self) -> Option<&'static str> {
        match self {
            Method::Get => Some("get"),
            Method::Put => Some("put"),
            Method::Post => Some("post"),
            Method::Delete => Some("delete"),
            Method::Options => Some("options"),
            Method::Head => Some("head"),
            Method::Patch => Some("patch"),
            Method::Trace => Some("trace"),
            Method::Query | Method::Extension(_) => None,
        }
    }
}

/// The names of one operation's generated items: its types in the `operations` module,
/// claimed together so no two operations share one, its constant, and the server's functions.
#[derive(Clone, Debug, Default)]
pub struct OperationNames {
    /// Its parameters and body (`AuthTokenCreateRequest`).
    pub request: String,
    /// Its documented responses (`AuthTokenCreateResponse`).
    pub response: String,
    /// Its body, when it has more than one media type (`AuthTokenCreateRequestBody`).
    pub request_body: String,
    /// The constant describing it (`AUTH_TOKEN_CREATE`): method, path and security.
    pub descriptor: String,
    /// The server's axum handler (`handle_auth_token_create`).
    pub handler: String,
    /// The server's request parser (`parse_auth_token_create`).
    pub parser: String,
}

/// One operation: a method on a path.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The Rust method name (`auth_token_create`).
    pub name: String,
    /// The spec's `operationId`, or `name` where it gives none.
    pub id: String,
    /// The names of the items generated for it besides its method.
    pub names: OperationNames,
    /// Derives and attributes the options add to its request and response types.
    pub additions: Additions,
    pub method: Method,
    /// The path template as the spec writes it (`/pets/{petId}`), without the base path.
    pub path: PathTemplate,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub security: Security,
    /// How the generated server routes it; `None` when another operation already takes
    /// the same method and route (the client still has it).
    pub route: Option<String>,
    pub tags: Vec<String>,
    pub gate: Gate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    /// OpenAPI 3.2's `in: querystring`: the whole query string is the value, laid out as its
    /// `content` says ([`Param::query_string`]).
    QueryString,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::QueryString => "querystring",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// OpenAPI's serialization `style` of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    Form,
    Simple,
    /// Path only: `.value`.
    Label,
    /// Path only: `;name=value`.
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// Cookie only (OpenAPI 3.2): `name=value` pairs as RFC 6265 writes them (`; `), with no
    /// percent-encoding.
    Cookie,
}

#[derive(Clone, Debug)]
pub struct Param {
    /// The name on the wire.
    pub wire_name: String,
    /// The field of the request struct.
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: Type,
    pub style: ParamStyle,
    pub explode: bool,
    /// Query only: RFC 3986's reserved characters travel unencoded.
    pub allow_reserved: bool,
    pub docs: Option<String>,
    /// For path parameters: where the server's router captures the value.
    pub capture: Option<Capture>,
    /// Whether the value is an object (a struct or a map): in a query it spreads over
    /// several pairs (`deepObject`, exploded `form`).
    pub object: bool,
    /// Optional with a default: the field is not an `Option`, and the server reads an
    /// absent parameter as this value.
    pub default: Option<DefaultValue>,
    /// What its inline schema asks beyond the type.
    pub constraints: Constraints,
    /// For `in: querystring`: how the value is the query string.
    pub query_string: Option<QueryString>,
}

/// How an `in: querystring` parameter's value is the whole query string, by the media type
/// of its `content`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryString {
    /// `application/x-www-form-urlencoded`: the members of an object as pairs, each laid out
    /// as its `encoding` says.
    Form(Vec<FormField>),
    /// `application/json`: the JSON text, percent-encoded.
    Json,
    /// Any other media type: the query string as sent, still percent-encoded, as a string.
    Raw,
}

/// The router capture holding a path parameter. Capture names agree across routes that
/// share a prefix (the router requires it), so they may differ from the parameter's name; a
/// segment with text after a parameter (`{name}.json`) is captured whole and split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    pub name: String,
    /// The segment's template when it holds more than the one parameter.
    pub segment: Option<Segment>,
}

/// How a body travels, by its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Json,
    Form,
    /// `multipart/form-data`, request bodies only.
    Multipart,
    Text,
    Binary,
    /// `text/event-stream`, responses only.
    EventStream,
    /// JSON Lines (`application/jsonl`, `application/x-ndjson`).
    JsonLines,
    /// JSON text sequences (`application/json-seq`, RFC 7464).
    JsonSeq,
}

impl MediaKind {
    /// A sequential media type: items that arrive one by one.
    pub fn is_sequential(self) -> bool {
        matches!(self, MediaKind::EventStream | MediaKind::JsonLines | MediaKind::JsonSeq)
    }
}

#[derive(Clone, Debug)]
pub struct Content {
    /// The media type sent when this content is produced (a range resolved to a concrete type).
    pub concrete_media_type: String,
    /// Every declared media type this content is accepted under (several JSON types, say).
    pub accepted: Vec<String>,
    pub kind: MediaKind,
    pub ty: Type,
    /// The variant naming this content in a body enum, when there are several.
    pub variant: String,
    /// A form body's Encoding Objects, property by property (empty for other kinds).
    pub form_fields: Vec<FormField>,
    /// An event stream's data that ends it (`[DONE]`), from the media type's
    /// `x-apigen-sentinel` or the options.
    pub sentinel: Option<String>,
    /// What its inline schema asks beyond the type.
    pub constraints: Constraints,
    /// A request body whose type holds, at some depth, an object that forbids undeclared
    /// members: the server notes the members decoding drops, for its checks.
    pub notes_undeclared: bool,
}

impl Content {
    /// A body read as it arrives (events, items, chunks), not whole.
    pub fn is_streamed(&self) -> bool {
        matches!(self.ty, Type::Events(_) | Type::Items(_) | Type::ByteStream)
    }
}

/// How one property of an `application/x-www-form-urlencoded` body travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormField {
    /// Laid out in a query parameter's style.
    Styled { name: String, style: ParamStyle, explode: bool, allow_reserved: bool },
    /// `contentType: application/json` (or a `+json` type): the value as JSON text.
    Json { name: String },
}

#[derive(Clone, Debug)]
pub struct Body {
    pub required: bool,
    pub docs: Option<String>,
    pub contents: Vec<Content>,
}

/// The statuses a documented response covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `2XX`: the hundred.
    Range(u16),
    Default,
}

impl StatusMatch {
    /// The key as the spec's `responses` writes it: `200`, `2XX`, `default`.
    pub fn key(self) -> String {
        match self {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(hundred) => format!("{hundred}XX"),
            StatusMatch::Default => "default".to_owned(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Response {
    pub status: StatusMatch,
    /// Where one status documents a streamed body beside another (JSON and an event stream
    /// on one 200), the streamed one is a response of its own, read when the answer's
    /// `Content-Type` is this media type.
    pub when_media_type: Option<String>,
    /// The variant of the response enum.
    pub variant: String,
    pub docs: Option<String>,
    pub content: Option<Content>,
    pub headers: Vec<ResponseHeader>,
}

impl Body {
    /// Whether one of its contents is a stream (a binary body), so that a request holding it
    /// can be neither cloned nor compared.
    pub fn is_streamed(&self) -> bool {
        self.contents.iter().any(Content::is_streamed)
    }

    /// Whether it is a stream only: a server leaves it unread for the method.
    pub fn is_stream_only(&self) -> bool {
        matches!(self.contents.as_slice(), [single] if single.is_streamed())
    }
}

impl Response {
    /// Whether its body is read as it arrives.
    pub fn is_streamed(&self) -> bool {
        self.content.as_ref().is_some_and(Content::is_streamed)
    }
}

#[derive(Clone, Debug)]
pub struct ResponseHeader {
    pub wire_name: String,
    /// The field of the response variant.
    pub rust_name: String,
    pub ty: Type,
    /// `simple` style exploded: an object's members as `key=value`.
    pub explode: bool,
    pub docs: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SecurityScheme {
    /// The key in `securitySchemes`.
    pub name: String,
    /// The snake-case name used in generated method names.
    pub field: String,
    pub kind: SchemeKind,
    pub docs: Option<String>,
    /// The client method that sets the scheme's credential (`with_<field>`).
    pub setter: String,
    /// The client method that takes a token source for it (`with_<field>_tokens`), for the
    /// schemes that carry tokens (all but basic auth).
    pub tokens_setter: Option<String>,
    /// The OAuth 2 flows whose token endpoint a client calls itself.
    pub oauth_flows: Vec<OAuthFlow>,
}

/// An OAuth 2 flow of a scheme, as a client obtains and refreshes its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthFlow {
    pub grant: OAuthGrant,
    /// The `tokenUrl`, absolute or relative to the server URL.
    pub token_url: String,
    pub refresh_url: Option<String>,
    /// The scopes the spec's operations require of the scheme, sorted: what a client asks
    /// for unless told otherwise.
    pub scopes: Vec<String>,
    /// The client method that makes a token source of this flow (`<field>_<grant>_source`).
    pub source_method: String,
    /// The client method that sets such a source with default options
    /// (`with_<field>_<grant>`), for grants a client makes alone.
    pub setter: Option<String>,
    /// The constant that describes the flow to the runtime (`<FIELD>_<GRANT>_FLOW`).
    pub constant: String,
}

/// The grant of an [`OAuthFlow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthGrant {
    ClientCredentials,
    Password,
    /// Tokens come from a person's login; the client only refreshes them.
    AuthorizationCode,
}

impl OAuthGrant {
    /// The grant in snake case, as method names carry it.
    pub fn snake_name(self) -> &'static str {
        match self {
            OAuthGrant::ClientCredentials => "client_credentials",
            OAuthGrant::Password => "password",
            OAuthGrant::AuthorizationCode => "authorization_code",
        }
    }

    /// The flow's key in a spec's `flows`.
    pub fn spec_name(self) -> &'static str {
        match self {
            OAuthGrant::ClientCredentials => "clientCredentials",
            OAuthGrant::Password => "password",
            OAuthGrant::AuthorizationCode => "authorizationCode",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    Bearer,
    Basic,
    /// `prefix` comes from `x-credential-prefix`: the key is sent as `<prefix> <key>`.
    ApiKey {
        location: ParamLocation,
        name: String,
        prefix: Option<String>,
    },
}

/// An operation's `security`: alternatives, each a set of requirements that must all be met.
/// No alternatives: nothing is required; an empty alternative: a request may go without.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Security {
    pub alternatives: Vec<Vec<Requirement>>,
}

impl Security {
    /// Whether the server must check a credential: some alternative needs one.
    pub fn is_secured(&self) -> bool {
        self.alternatives.iter().any(|alternative| !alternative.is_empty())
    }

    /// Whether a request may also go without a credential (`security` lists `{}`).
    pub fn allows_anonymous(&self) -> bool {
        self.alternatives.iter().any(Vec::is_empty)
    }

    /// Every requirement of every alternative.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.alternatives.iter().flatten()
    }
}

/// One scheme an operation's `security` requires, with the scopes it must grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub scheme: String,
    pub scopes: Vec<String>,
}

/// The refresh operation as an `x-token-refresh` extension binds it: where the current tokens
/// go in its JSON request body and where the new ones are in its success body (JSON pointers).
/// The current access token also goes in the schemes its `security` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRefresh {
    /// The Rust method name of the operation.
    pub operation: String,
    /// The name of its constant in the `operations` module.
    pub descriptor: String,
    /// The JSON media type of the request body, when tokens go in it.
    pub content_type: Option<String>,
    pub send_access: Option<String>,
    pub send_refresh: Option<String>,
    pub access: String,
    pub refresh: Option<String>,
    /// The refresh operation's gate.
    pub gate: Gate,
}
