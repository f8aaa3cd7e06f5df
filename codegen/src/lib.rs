//! apigen: typed Rust clients and axum server stubs from OpenAPI 3.0/3.1 and Swagger 2.0.
//!
//! The generator is a pipeline, one module per stage: `load` (YAML/JSON, 2.0 and 3.1
//! normalised to 3.0) -> `model` (operations, parameters, bodies, responses, named types,
//! security) -> `emit` (Rust tokens with `quote`) -> `format` (prettyplease) -> `layout` and
//! `write` (a crate, or one file for `include!`).
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

pub mod diagnostics;
mod emit;
mod format;
mod layout;
mod load;
mod model;
mod write;

pub use diagnostics::{Error, Location, Warning};
pub use write::{write_files, WriteMode};

use diagnostics::Fault;
use std::path::{Path, PathBuf};

/// Generates code for one spec.
#[derive(Clone, Debug)]
pub struct Builder {
    spec: PathBuf,
    parts: emit::Parts,
    out_dir: Option<PathBuf>,
}

impl Builder {
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Builder { spec: spec.as_ref().to_owned(), parts: emit::Parts { client: true, server: true }, out_dir: None }
    }

    /// Whether to generate the client (on by default).
    pub fn client(mut self, enabled: bool) -> Self {
        self.parts.client = enabled;
        self
    }

    /// Whether to generate the server stub (on by default).
    pub fn server(mut self, enabled: bool) -> Self {
        self.parts.server = enabled;
        self
    }

    /// Where [`Builder::compile`] writes; `OUT_DIR` by default.
    pub fn out_dir(mut self, out_dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(out_dir.as_ref().to_owned());
        self
    }

    /// Reads, models and emits the spec, keeping the result in memory.
    pub fn generate(&self) -> Result<Generated, Error> {
        let text = std::fs::read_to_string(&self.spec).map_err(|error| Error::io(&self.spec, &error))?;
        let json = self.spec.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
        generate_text(&text, json, &self.spec, self.parts)
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
        let path = out_dir.join(format!("{stem}.rs"));
        let text = generated.module_file()?;
        write_files(&out_dir, &[(PathBuf::from(format!("{stem}.rs")), text)], WriteMode::Write)
            .map_err(|error| Error::io(&path, &error))?;
        Ok(path)
    }
}

/// Generates from spec text; `source` names it in diagnostics and headers.
pub fn generate_text(text: &str, json: bool, source: &Path, parts: emit::Parts) -> Result<Generated, Error> {
    let attach = |fault: Fault| Error::new(source, fault);
    let loaded = load::load(text, json).map_err(attach)?;
    let (api, faults) = model::build(&loaded).map_err(attach)?;
    let warnings = faults
        .into_iter()
        .map(|fault| Warning { file: source.to_owned(), location: fault.location, message: fault.message })
        .collect();
    Ok(Generated { source: source.to_owned(), api, parts, warnings })
}

/// A generated API, ready to be laid out as a crate or as one module file.
pub struct Generated {
    source: PathBuf,
    api: model::Api,
    parts: emit::Parts,
    warnings: Vec<Warning>,
}

impl Generated {
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Number of operations, for reports.
    pub fn operation_count(&self) -> usize {
        self.api.operations.len()
    }

    fn source_name(&self) -> String {
        self.source.to_string_lossy().replace('\\', "/")
    }

    fn bug(&self, message: String) -> Error {
        Error { file: self.source.clone(), location: Location::File, message }
    }

    /// One file of inline modules for `include!`.
    pub fn module_file(&self) -> Result<String, Error> {
        layout::module_file(emit::emit(&self.api, self.parts), &self.source_name()).map_err(|message| self.bug(message))
    }

    /// The files of a crate (`Cargo.toml`, `src/*.rs`), paths relative to its root.
    /// `runtime_path` is the path from the crate's root to `runtime/`.
    pub fn crate_files(&self, package: &str, runtime_path: &str) -> Result<Vec<(PathBuf, String)>, Error> {
        layout::crate_files(&self.api, emit::emit(&self.api, self.parts), &self.source_name(), package, runtime_path)
            .map_err(|message| self.bug(message))
    }
}

pub use emit::Parts;
