//! Generation stage by stage, for benchmarks: the work of [`Builder::generate`],
//! [`Generated::crate_files`] and [`write_files`], through the same pipeline but on one
//! thread, so that stages do not overlap, with a call as each stage starts so that the caller
//! can time it and measure its memory.
//!
//! [`Builder::generate`]: crate::Builder::generate
//! [`Generated::crate_files`]: crate::Generated::crate_files
//! [`write_files`]: crate::write_files

use crate::diagnostics::Error;
use crate::layout::{Layout, RuntimeDependency};
use crate::write;
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
    at_stage(Stage::Load);
    let (text, json) = crate::read_spec(spec)?;
    let generated = crate::generate_staged(&text, json, spec, &crate::Config::default(), &mut at_stage)?;
    drop(text);
    let files = generated.render_with(Layout::Crate { package, runtime }, 1, &mut at_stage)?;

    at_stage(Stage::Write);
    write::write_files(out_dir, &files, write::WriteMode::Write).map_err(|error| Error::io(out_dir, &error))?;
    let rust_lines = files
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|extension| extension == "rs"))
        .map(|(_, text)| text.lines().count())
        .sum();
    Ok(Output { operations: generated.api.operations.len(), types: generated.api.types.len(), rust_lines })
}
