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
pub mod profile;
mod write;

pub use diagnostics::{Error, Location, Warning};
pub use layout::RuntimeDependency;
pub use write::{write_crate, write_files, WriteMode};

use diagnostics::Fault;
use layout::Layout;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Generates from spec text; `source` names it in diagnostics and headers.
pub fn generate_text(text: &str, json: bool, source: &Path, parts: emit::Parts) -> Result<Generated, Error> {
    let attach = |fault: Fault| Error::new(source, fault);
    let loaded = load::load(text, json, Some(source)).map_err(attach)?;
    let (api, faults) = model::build(&loaded);
    let warnings = faults
        .into_iter()
        .map(|fault| Warning { file: source.to_owned(), location: fault.location, message: fault.message })
        .collect();
    let declared_operations = loaded.declared_operations;
    Ok(Generated { source: source.to_owned(), api, parts, warnings, declared_operations })
}

/// A generated API, ready to be laid out as a crate or as one module file.
pub struct Generated {
    source: PathBuf,
    api: model::Api,
    parts: emit::Parts,
    warnings: Vec<Warning>,
    declared_operations: usize,
}

impl Generated {
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
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

    /// Emits and formats the modules' parts on as many threads as there are cores (parts are
    /// independent, and formatting is most of the work); more threads would only hold more
    /// parse trees in memory at once.
    fn render(&self, layout: Layout) -> Result<Vec<(PathBuf, String)>, Error> {
        // A module file's features would be the including crate's: it gates nothing.
        let stripped;
        let api = match layout {
            Layout::Crate { .. } => &self.api,
            Layout::ModuleFile { .. } => {
                stripped = self.api.without_tag_features();
                &stripped
            }
        };
        let plan = layout::plan(api, self.parts, layout);
        // The client is one `impl`, the largest part: it starts first so the rest fill in.
        let mut order: Vec<usize> = (0..plan.len()).collect();
        order.sort_by_key(|&index| plan[index].module != emit::Module::Client);
        let workers = std::thread::available_parallelism().map_or(1, usize::from).min(plan.len());
        let next = AtomicUsize::new(0);
        let render_next = || {
            let mut done = Vec::new();
            while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                done.push((index, format::unparse(layout::part_tokens(api, &plan[index], layout))));
            }
            done
        };
        let mut unparsed: Vec<(usize, Result<String, String>)> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..workers).map(|_| scope.spawn(render_next)).collect();
            threads
                .into_iter()
                .flat_map(|thread| thread.join().unwrap_or_else(|_| vec![(0, Err("emitting panicked".to_owned()))]))
                .collect()
        });
        unparsed.sort_by_key(|(index, _)| *index);
        let unparsed = unparsed.into_iter().map(|(_, text)| text).collect::<Result<Vec<_>, _>>();
        let formatted = layout::join_parts(&plan, unparsed.map_err(|message| self.bug(message))?);
        layout::files(api, self.parts, &self.source_name(), layout, formatted).map_err(|message| self.bug(message))
    }
}

pub use emit::Parts;
