//! What a user may change about the generated code, from [`crate::Builder`] or from an
//! `apigen.toml` beside the spec (which `cargo xtask generate`, the `apigen` binary and the
//! `generate!` macro read). Every option, documented in one place:
//!
//! ```toml
//! client = true                 # generate the client (default: true)
//! server = false                # generate the server stub (default: true)
//! tags = ["pets", "store"]      # only operations with one of these tags (default: all)
//! formats = "strings"           # formats as plain strings (default: "typed", see below)
//!
//! # How a generated Cargo.toml names apigen-runtime: `path`, `version` or `git` (with `rev`).
//! runtime = { version = "0.1" }
//!
//! # By schema name (its key under components/schemas), or "*" for every generated type.
//! [types.Pet]
//! derives = ["Eq", "Hash"]                     # added to the derives apigen writes
//! attributes = ["#[serde(deny_unknown_fields)]"]
//! [types.Money]
//! replace = "crate::money::Money"              # an existing type instead of a generated one
//!
//! # By operationId, or "*": on its request struct and response enum.
//! [operations.listPets]
//! derives = ["Eq"]
//! attributes = ["#[must_use]"]
//! [operations.createCompletion]
//! sentinel = "[DONE]"                          # an event whose data ends its event streams
//! ```
//!
//! With `formats = "typed"`, string formats have Rust types: `date-time` is
//! `chrono::DateTime<chrono::FixedOffset>`, `date` `chrono::NaiveDate`, `uuid` `uuid::Uuid`,
//! `byte` `apigen_runtime::formats::Base64Bytes`, `ipv4` and `ipv6` `std::net` addresses (the generated
//! crate turns on the runtime features `chrono` and `uuid` where it needs them; a crate that
//! includes generated code itself, through `generate!` or `build.rs`, turns them on in its
//! own dependency on `apigen-runtime`). Other formats stay strings.
//!
//! A schema may also name its type itself, as typify reads it: `x-rust-type: "std::net::Ipv4Addr"`
//! (or `x-rust-type: {path: ...}`). A replacing type must serialize as the schema says.

use crate::layout::RuntimeDependency;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The options; see the module documentation. `Default` changes nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub client: Option<bool>,
    pub server: Option<bool>,
    pub tags: Option<Vec<String>>,
    pub formats: Option<Formats>,
    #[serde(default, deserialize_with = "runtime")]
    pub runtime: Option<RuntimeDependency>,
    #[serde(default)]
    pub types: BTreeMap<String, TypeOptions>,
    #[serde(default)]
    pub operations: BTreeMap<String, ItemOptions>,
}

/// How string formats are typed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Formats {
    /// `date-time`, `date`, `uuid`, `byte`, `ipv4` and `ipv6` as Rust types of their own.
    #[default]
    Typed,
    /// Every format a `String`.
    Strings,
}

/// Options for one generated type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeOptions {
    #[serde(default)]
    pub derives: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<String>,
    /// A Rust type used in place of the generated one.
    pub replace: Option<String>,
}

/// Options for the items of one operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemOptions {
    #[serde(default)]
    pub derives: Vec<String>,
    #[serde(default)]
    pub attributes: Vec<String>,
    /// The `data` that ends the operation's event streams (`"[DONE]"`), where the spec's
    /// media type names none in `x-apigen-sentinel`.
    pub sentinel: Option<String>,
}

/// The key that applies options to every type or operation.
pub const EVERY: &str = "*";

/// The file name read beside a spec.
pub const FILE_NAME: &str = "apigen.toml";

/// Derives and attributes, each checked to be what it claims (a path, an outer attribute).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Additions {
    pub derives: Vec<String>,
    pub attributes: Vec<String>,
}

impl Config {
    /// Reads and checks a TOML file of options.
    pub fn from_file(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|error| error.to_string())?;
        Config::from_toml(&text)
    }

    /// The `apigen.toml` beside `spec`, if there is one.
    pub fn beside(spec: &Path) -> Result<Option<Config>, String> {
        let path = spec.parent().unwrap_or(Path::new("")).join(FILE_NAME);
        if !path.is_file() {
            return Ok(None);
        }
        Config::from_file(&path).map(Some).map_err(|message| format!("{}: {message}", path.display()))
    }

    pub fn from_toml(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|error| error.message().to_owned())?;
        config.check()?;
        Ok(config)
    }

    /// Every derive a Rust path, every attribute one outer attribute, every replacing type a
    /// Rust type: the message names the option at fault.
    pub fn check(&self) -> Result<(), String> {
        for (name, options) in &self.types {
            check_additions(&format!("types.{name}"), &options.derives, &options.attributes)?;
            if let Some(replace) = &options.replace {
                if syn::parse_str::<syn::Type>(replace).is_err() {
                    return Err(format!("types.{name}.replace: {replace:?} is not a Rust type"));
                }
            }
        }
        for (id, options) in &self.operations {
            check_additions(&format!("operations.{id}"), &options.derives, &options.attributes)?;
        }
        Ok(())
    }

    /// What a schema's type gets: the options for every type, then its own.
    pub fn type_additions(&self, schema: Option<&str>) -> Additions {
        let own = schema.and_then(|schema| self.types.get(schema));
        let options = self.types.get(EVERY).into_iter().chain(own);
        merged(options.map(|options| (&options.derives, &options.attributes)))
    }

    /// What an operation's request and response types get: the options for every operation,
    /// then its own.
    pub fn operation_additions(&self, operation_id: Option<&str>) -> Additions {
        let own = operation_id.and_then(|id| self.operations.get(id));
        let options = self.operations.get(EVERY).into_iter().chain(own);
        merged(options.map(|options| (&options.derives, &options.attributes)))
    }

    /// The data that ends an operation's event streams: its own option, else `"*"`'s.
    pub fn sentinel(&self, operation_id: Option<&str>) -> Option<&str> {
        let own = operation_id.and_then(|id| self.operations.get(id)).and_then(|options| options.sentinel.as_deref());
        own.or_else(|| self.operations.get(EVERY).and_then(|options| options.sentinel.as_deref()))
    }

    /// The type replacing a schema's, if the options name one.
    pub fn replacement(&self, schema: &str) -> Option<&str> {
        self.types.get(schema).and_then(|options| options.replace.as_deref())
    }

    /// Whether an operation with `tags` is generated.
    pub fn includes(&self, tags: &[String]) -> bool {
        self.tags.as_ref().is_none_or(|wanted| tags.iter().any(|tag| wanted.contains(tag)))
    }
}

/// Derives and attributes, in order, from each set of options that applies.
fn merged<'a>(options: impl Iterator<Item = (&'a Vec<String>, &'a Vec<String>)>) -> Additions {
    let mut additions = Additions::default();
    for (derives, attributes) in options {
        additions.derives.extend(derives.iter().cloned());
        additions.attributes.extend(attributes.iter().cloned());
    }
    additions
}

fn check_additions(at: &str, derives: &[String], attributes: &[String]) -> Result<(), String> {
    for derive in derives {
        if syn::parse_str::<syn::Path>(derive).is_err() {
            return Err(format!("{at}.derives: {derive:?} is not a Rust path"));
        }
    }
    for attribute in attributes {
        let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, attribute);
        if !matches!(parsed.as_deref(), Ok([_])) {
            return Err(format!("{at}.attributes: {attribute:?} is not one outer attribute (`#[...]`)"));
        }
    }
    Ok(())
}

/// `runtime = { path = ".." }`, `{ version = ".." }` or `{ git = "..", rev = ".." }`.
fn runtime<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<RuntimeDependency>, D::Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Runtime {
        path: Option<String>,
        version: Option<String>,
        git: Option<String>,
        rev: Option<String>,
    }
    let runtime = Runtime::deserialize(deserializer)?;
    let dependency = match runtime {
        Runtime { path: Some(path), version: None, git: None, rev: None } => RuntimeDependency::Path(path),
        Runtime { path: None, version: Some(version), git: None, rev: None } => RuntimeDependency::Version(version),
        Runtime { path: None, version: None, git: Some(url), rev } => RuntimeDependency::Git { url, rev },
        _ => return Err(serde::de::Error::custom("runtime takes one of `path`, `version` or `git` (with `rev`)")),
    };
    Ok(Some(dependency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_option() {
        let config = Config::from_toml(
            r##"
            server = false
            tags = ["pets"]
            runtime = { git = "https://git.example/apigen", rev = "v1" }
            [types."*"]
            derives = ["Eq"]
            [types.Pet]
            derives = ["Hash"]
            attributes = ["#[serde(deny_unknown_fields)]"]
            [types.Money]
            replace = "crate::Money"
            [operations.listPets]
            attributes = ["#[must_use]"]
            "##,
        )
        .unwrap();
        assert_eq!(config.server, Some(false));
        assert_eq!(config.type_additions(Some("Pet")).derives, ["Eq", "Hash"]);
        assert_eq!(config.type_additions(None).derives, ["Eq"]);
        assert_eq!(config.replacement("Money"), Some("crate::Money"));
        assert_eq!(config.operation_additions(Some("listPets")).attributes, ["#[must_use]"]);
        assert!(config.includes(&["pets".to_owned()]) && !config.includes(&[]));
        assert_eq!(
            config.runtime,
            Some(RuntimeDependency::Git { url: "https://git.example/apigen".into(), rev: Some("v1".into()) })
        );
    }

    #[test]
    fn names_the_option_at_fault() {
        let fault = |text: &str| Config::from_toml(text).unwrap_err();
        assert!(fault("[types.Pet]\nderives = [\"Eq(\"]").contains("types.Pet.derives"));
        assert!(fault("[types.Pet]\nattributes = [\"must_use\"]").contains("types.Pet.attributes"));
        assert!(fault("[types.Pet]\nreplace = \"not a type!\"").contains("types.Pet.replace"));
        assert!(fault("colour = true").contains("colour"));
        assert!(fault("runtime = { path = \"a\", version = \"1\" }").contains("one of"));
    }
}
