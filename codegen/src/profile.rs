//! Generation stage by stage, for benchmarks: the work of [`Builder::generate`],
//! [`Generated::crate_files`] and [`write_files`], in sequence on one thread, with a call as
//! each stage starts so that the caller can time it and measure its memory.
//!
//! [`Builder::generate`]: crate::Builder::generate
//! [`Generated::crate_files`]: crate::Generated::crate_files
//! [`write_files`]: crate::write_files

use crate::diagnostics::{Error, Location};
use crate::emit::Parts;
use crate::layout::{self, Layout, RuntimeDependency};
use crate::{format, load, model, write};
use std::path::Path;

/// A stage of the pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the file, parsing YAML/JSON, normalising to OpenAPI 3.0.
    Load,
    /// Building the intermediate model.
    Model,
    /// Rust tokens with `quote`.
    Emit,
    /// Tokens to text with prettyplease.
    Format,
    /// Writing the crate's files.
    Write,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::Load, Stage::Model, Stage::Emit, Stage::Format, Stage::Write];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Model => "model",
            Stage::Emit => "emit",
            Stage::Format => "format",
            Stage::Write => "write",
        }
    }
}

/// What one profiled generation produced.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    pub operations: usize,
    pub types: usize,
    /// Lines of generated Rust.
    pub rust_lines: usize,
}

/// Generates the crate of `spec` into `out_dir` (as [`crate::Generated::crate_files`] lays
/// it out), calling `at_stage` as each stage starts.
pub fn generate_crate(
    spec: &Path,
    out_dir: &Path,
    package: &str,
    runtime: &RuntimeDependency,
    mut at_stage: impl FnMut(Stage),
) -> Result<Output, Error> {
    let parts = Parts { client: true, server: true };
    let attach = |fault| Error::new(spec, fault);
    let bug = |message| Error { file: spec.to_owned(), location: Location::File, message };

    at_stage(Stage::Load);
    let text = std::fs::read_to_string(spec).map_err(|error| Error::io(spec, &error))?;
    let json = spec.extension().is_some_and(|extension| extension.eq_ignore_ascii_case("json"));
    let loaded = load::load(&text, json, Some(spec)).map_err(attach)?;

    at_stage(Stage::Model);
    let (api, _warnings) = model::build(&loaded);
    drop(loaded);

    at_stage(Stage::Emit);
    let layout = Layout::Crate { package, runtime };
    let plan = layout::plan(&api, parts, layout);
    let tokens: Vec<_> = plan.iter().map(|part| layout::part_tokens(&api, part, layout)).collect();

    at_stage(Stage::Format);
    let unparsed = tokens.into_iter().map(format::unparse).collect::<Result<Vec<_>, _>>().map_err(bug)?;
    let formatted = layout::join_parts(&plan, unparsed);
    let source = spec.to_string_lossy();
    let files = layout::files(&api, parts, &source, layout, formatted).map_err(bug)?;

    at_stage(Stage::Write);
    write::write_files(out_dir, &files, write::WriteMode::Write).map_err(|error| Error::io(out_dir, &error))?;
    let rust_lines = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|extension| extension == "rs"))
        .map(|(_, text)| text.lines().count())
        .sum();
    Ok(Output { operations: api.operations.len(), types: api.types.len(), rust_lines })
}
