//! apigen: typed Rust clients and axum server stubs from OpenAPI 3.0/3.1 and Swagger 2.0.
//!
//! The generator is a pipeline, one module per stage: `load` (YAML/JSON, 2.0, 3.1 and 3.2
//! normalised to 3.0, `$ref`s across files bundled) -> `model` (operations, parameters,
//! bodies, responses, named types by id, security; every name decided here) -> `emit` (each
//! module's items as Rust tokens with `quote`) -> `layout` (cut into parts) and `format`
//! (prettyplease), run by `pipeline` on as many threads as there are cores -> `write` (a
//! crate, or one file for `include!`). The options of [`Config`] shape the model and emit.
//!
//! Ways in: this [`Builder`] (for build scripts), the `apigen` binary, and the
//! `apigen_macros::generate!` macro.
//!
//! From a build script, as prost-build does:
//!
//! ```no_run
//! // in build.rs, inside `fn main`:
//! apigen::Builder::new("specs/auth.yaml").server(false).compile().unwrap();
//! ```
//!
//! ```ignore
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/auth.rs"));
//! ```

pub mod config;
pub mod diagnostics;
mod emit;
mod format;
mod layout;
mod load;
mod model;
mod pipeline;
pub mod profile;
mod write;

pub use config::Config;
pub use diagnostics::{Error, Location, Warning};
pub use layout::RuntimeDependency;
pub use write::{write_crate, write_files, WriteMode};

use diagnostics::Fault;
use layout::Layout;
use std::path::{Path, PathBuf};

/// Generates code for one spec. The options are those of [`Config`] (documented there), set
/// one by one or all at once.
#[derive(Clone, Debug)]
pub struct Builder {
    spec: PathBuf,
    config: Config,
    out_dir: Option<PathBuf>,
}

impl Builder {
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Builder { spec: spec.as_ref().to_owned(), config: Config::default(), out_dir: None }
    }

    /// All options at once, in place of those set so far; [`Config::beside`] reads the
    /// `apigen.toml` beside a spec.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Whether to generate the client (on by default).
    pub fn client(mut self, enabled: bool) -> Self {
        self.config.client = Some(enabled);
        self
    }

    /// Whether to generate the server stub (on by default).
    pub fn server(mut self, enabled: bool) -> Self {
        self.config.server = Some(enabled);
        self
    }

    /// How string formats are typed: Rust types of their own (the default) or strings.
    pub fn formats(mut self, formats: config::Formats) -> Self {
        self.config.formats = Some(formats);
        self
    }

    /// Only the operations with one of `tags`.
    pub fn tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.config.tags = Some(tags.into_iter().map(Into::into).collect());
        self
    }

    /// Adds a derive (`Eq`, `Hash`, `my_crate::MyTrait`) to the type of `schema` (its key
    /// under `components/schemas`), or to every type for `"*"`.
    pub fn derive(mut self, schema: &str, derive: &str) -> Self {
        self.config.types.entry(schema.to_owned()).or_default().derives.push(derive.to_owned());
        self
    }

    /// Adds an outer attribute (`#[non_exhaustive]`) to the type of `schema`, or of every
    /// type for `"*"`.
    pub fn attribute(mut self, schema: &str, attribute: &str) -> Self {
        self.config.types.entry(schema.to_owned()).or_default().attributes.push(attribute.to_owned());
        self
    }

    /// Uses the existing type at `path` (`crate::money::Money`) for `schema` instead of
    /// generating one; it must serialize as the schema says.
    pub fn replace_type(mut self, schema: &str, path: &str) -> Self {
        self.config.types.entry(schema.to_owned()).or_default().replace = Some(path.to_owned());
        self
    }

    /// Adds a derive to the request and response types of the operation `operation_id`, or of
    /// every operation for `"*"`.
    pub fn operation_derive(mut self, operation_id: &str, derive: &str) -> Self {
        self.config.operations.entry(operation_id.to_owned()).or_default().derives.push(derive.to_owned());
        self
    }

    /// Adds an outer attribute to the request and response types of the operation
    /// `operation_id`, or of every operation for `"*"`.
    pub fn operation_attribute(mut self, operation_id: &str, attribute: &str) -> Self {
        self.config.operations.entry(operation_id.to_owned()).or_default().attributes.push(attribute.to_owned());
        self
    }

    /// Ends the event streams of the operation `operation_id`, or of every operation for
    /// `"*"`, at an event whose data is `sentinel` (`"[DONE]"`); the spec may name it too, as
    /// `x-apigen-sentinel` on the `text/event-stream` media type.
    pub fn event_sentinel(mut self, operation_id: &str, sentinel: &str) -> Self {
        self.config.operations.entry(operation_id.to_owned()).or_default().sentinel = Some(sentinel.to_owned());
        self
    }

    /// Where [`Builder::compile`] writes; `OUT_DIR` by default.
    pub fn out_dir(mut self, out_dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(out_dir.as_ref().to_owned());
        self
    }

    /// Reads, models and emits the spec, keeping the result in memory.
    pub fn generate(&self) -> Result<Generated, Error> {
        let (text, json) = read_spec(&self.spec)?;
        generate_staged(&text, json, &self.spec, &self.config, &mut |_| {})
    }

    /// For build scripts: writes `$OUT_DIR/<spec stem>.rs`, a file of inline modules
    /// (`types`, `operations`, `client`, `server`) to `include!`, and tells Cargo to rerun
    /// when the spec changes. Warnings are passed to Cargo. Returns the written path.
    pub fn compile(&self) -> Result<PathBuf, Error> {
        println!("cargo:rerun-if-changed={}", self.spec.display());
        let generated = self.generate()?;
        for warning in generated.warnings() {
            println!("cargo:warning={warning}");
        }
        let out_dir = match &self.out_dir {
            Some(out_dir) => out_dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| Error {
                file: self.spec.clone(),
                location: Location::File,
                message: "OUT_DIR is not set: call compile() from a build script, or set out_dir()".to_owned(),
            })?,
        };
        let stem =
            self.spec.file_stem().map_or_else(|| "api".to_owned(), |stem| stem.to_string_lossy().replace('-', "_"));
        let files = generated.render(Layout::ModuleFile { stem: &stem })?;
        let path = out_dir.join(&files[0].0);
        write_files(&out_dir, &files, WriteMode::Write).map_err(|error| Error::io(&path, &error))?;
        Ok(path)
    }
}

/// A spec's text as the JSON document the loader reads (YAML keys such as `200` become
/// strings), before any normalisation; for tools that work on specs, such as fuzzers.
pub fn spec_document(text: &str, json: bool) -> Result<serde_json::Value, Error> {
    let parsed = if json { load::parse::json(text) } else { load::parse::yaml(text) };
    parsed.map_err(|fault| Error::new(Path::new("<text>"), fault))
}

/// A spec as the generator reads it, normalised to OpenAPI 3.0 with `$ref`s into other files
/// bundled in: the document the pointers of [`Generated::schema_types`] point into.
pub fn normalized_document(spec: &Path) -> Result<serde_json::Value, Error> {
    let (text, json) = read_spec(spec)?;
    let loaded = load::load(&text, json, Some(spec)).map_err(|fault| Error::new(spec, fault))?;
    Ok(loaded.document)
}

/// A spec file's text, and whether it is JSON (by its extension; YAML otherwise).
fn read_spec(spec: &Path) -> Result<(String, bool), Error> {
    let text = std::fs::read_to_string(spec).map_err(|error| Error::io(spec, &error))?;
    let json = spec.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
    Ok((text, json))
}

/// Generates from spec text; `source` names it in diagnostics and headers.
pub fn generate_text(text: &str, json: bool, source: &Path, parts: emit::Parts) -> Result<Generated, Error> {
    let config = Config { client: Some(parts.client), server: Some(parts.server), ..Config::default() };
    generate_staged(text, json, source, &config, &mut |_| {})
}

/// [`generate_text`], calling `at_stage` as the model stage starts (the load stage is under
/// way: the caller has read the text).
fn generate_staged(
    text: &str,
    json: bool,
    source: &Path,
    config: &Config,
    at_stage: &mut dyn FnMut(profile::Stage),
) -> Result<Generated, Error> {
    config.check().map_err(|message| Error {
        file: source.to_owned(),
        location: Location::File,
        message: format!("in the options: {message}"),
    })?;
    let parts = emit::Parts { client: config.client.unwrap_or(true), server: config.server.unwrap_or(true) };
    let attach = |fault: Fault| Error::new(source, fault);
    let loaded = load::load(text, json, Some(source)).map_err(attach)?;
    at_stage(profile::Stage::Model);
    let (api, faults) = model::build(&loaded, config);
    let warnings = faults
        .into_iter()
        .map(|fault| Warning { file: source.to_owned(), location: fault.location, message: fault.message })
        .collect();
    let declared_operations = loaded.declared_operations;
    let runtime = config.runtime.clone();
    Ok(Generated { source: source.to_owned(), api, parts, warnings, declared_operations, runtime })
}

/// A generated API, ready to be laid out as a crate or as one module file.
pub struct Generated {
    source: PathBuf,
    api: model::Api,
    parts: emit::Parts,
    warnings: Vec<Warning>,
    declared_operations: usize,
    runtime: Option<RuntimeDependency>,
}

/// A type of the `types` module and the schema it was generated from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaType {
    /// The schema's JSON pointer (`#/components/schemas/Pet`, or an inline schema's).
    pub pointer: String,
    /// The type's name in the `types` module.
    pub name: String,
    /// The schema is nullable where the type is not: its uses are `Option<name>`.
    pub nullable: bool,
}

impl Generated {
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Each type of the `types` module with the JSON pointer of the schema it was generated
    /// from (`#/components/schemas/Pet`, or an inline schema's), for tools that check the
    /// types against their schemas.
    pub fn schema_types(&self) -> Vec<SchemaType> {
        let types = self.api.types.iter().filter(|def| !def.pointer.is_empty());
        types
            .map(|def| SchemaType { pointer: def.pointer.clone(), name: def.name.clone(), nullable: def.nullable })
            .collect()
    }

    /// The runtime dependency the options name, for a crate's `Cargo.toml`.
    pub fn runtime_dependency(&self) -> Option<&RuntimeDependency> {
        self.runtime.as_ref()
    }

    /// Number of operations generated, for reports.
    pub fn operation_count(&self) -> usize {
        self.api.operations.len()
    }

    /// Number of operations the spec declares; those not generated were left out, each with
    /// a warning.
    pub fn declared_operation_count(&self) -> usize {
        self.declared_operations
    }

    fn source_name(&self) -> String {
        self.source.to_string_lossy().replace('\\', "/")
    }

    fn bug(&self, message: String) -> Error {
        Error { file: self.source.clone(), location: Location::File, message }
    }

    /// One file of inline modules for `include!`.
    pub fn module_file(&self) -> Result<String, Error> {
        let mut files = self.render(Layout::ModuleFile { stem: "api" })?;
        Ok(files.pop().map(|(_, text)| text).unwrap_or_default())
    }

    /// The files of a crate (`Cargo.toml`, `src/*.rs`), paths relative to its root; its one
    /// dependency is `runtime`.
    pub fn crate_files(&self, package: &str, runtime: &RuntimeDependency) -> Result<Vec<(PathBuf, String)>, Error> {
        self.render(Layout::Crate { package, runtime })
    }

    /// Emits and formats on as many threads as there are cores (formatting is most of the
    /// work, and a large module's parts are formatted apart); more threads would only hold
    /// more parse trees in memory at once.
    fn render(&self, layout: Layout) -> Result<Vec<(PathBuf, String)>, Error> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        self.render_with(layout, threads, &mut |_| {})
    }

    /// [`Generated::render`] on `threads` threads, calling `at_stage` as each stage starts.
    fn render_with(
        &self,
        layout: Layout,
        threads: usize,
        at_stage: &mut dyn FnMut(profile::Stage),
    ) -> Result<Vec<(PathBuf, String)>, Error> {
        // A module file's features would be the including crate's: it gates nothing.
        let stripped;
        let api = match layout {
            Layout::Crate { .. } => &self.api,
            Layout::ModuleFile { .. } => {
                stripped = self.api.without_tag_features();
                &stripped
            }
        };
        pipeline::render(api, self.parts, &self.source_name(), layout, threads, at_stage)
            .map_err(|message| self.bug(message))
    }
}

pub use emit::Parts;
