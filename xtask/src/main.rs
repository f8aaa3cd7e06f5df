//! Project tasks: `cargo xtask generate`, `cargo xtask corpus`, `cargo xtask bench`; `cargo xtask`
//! alone lists them.

mod bench;
mod conformance;
mod corpus;
mod fuzz;
mod generate;
mod guarded;

use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask generate [--check]                          every spec in specs/ into generated/
  cargo xtask generate --spec FILE --out DIR [--name N]   one spec into the crate at DIR
  cargo xtask corpus [DIR] [--only TEXT]... [--clippy] [--doc] [--tags]
                                                          generate and cargo check (or clippy) every spec
                                                          under DIR (default ../shared/corpus); --doc also
                                                          cargo docs them; --tags also builds specs with tag
                                                          features one tag at a time
  cargo xtask conformance [DIR] [--only TEXT]... [--instances N] [--seed S]
        [--schema-seconds T] [--max-schemas M]
                                                          instances of every schema (hypothesis-jsonschema)
                                                          decoded into its generated type and back, judged
                                                          by jsonschema (default DIR ../shared/corpus)
  cargo xtask bench [--runs N] [--spec FILE]... [--no-compile] [--no-runtime]
                                                          generation, compile and runtime figures (release build)
  cargo xtask bench --corpus                              generation time of every corpus spec
  cargo xtask fuzz [--seconds N] [--seed S]               the generator against mutated specs (default 60 s)
  cargo xtask wire-matrix                                 OpenAPI's style examples through the generated client
                                                          and server, cell by cell (e2e/src/style_matrix.rs)";

#[global_allocator]
static HEAP: bench::heap::CountingAllocator = bench::heap::CountingAllocator;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate::run(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("wire-matrix") => wire_matrix(),
        Some("bench-one") => bench::generation::one(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo xtask <task> <args>` again from a release build, for the tasks whose speed
/// matters (figures, executions per second).
fn run_in_release(task: &str, args: &[String]) -> Result<(), String> {
    let mut command = vec!["run", "--quiet", "--release", "--package", "xtask", "--", task];
    command.extend(args.iter().map(String::as_str));
    cargo(&command, &format!("cargo xtask {task} failed"))
}

/// Prints the wire matrix: the e2e binary does the work, as it links the generated crates.
fn wire_matrix() -> Result<(), String> {
    cargo(&["run", "--quiet", "--package", "e2e", "--bin", "wire-matrix"], "some cells of the wire matrix fail")
}

/// Runs cargo with `args` in the workspace root; `failure` is the error when it fails.
pub fn cargo(args: &[&str], failure: &str) -> Result<(), String> {
    let status = std::process::Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace_root())
        .status()
        .map_err(|error| format!("cargo {}: {error}", args.first().copied().unwrap_or_default()))?;
    if status.success() {
        Ok(())
    } else {
        Err(failure.to_owned())
    }
}

/// Whether a path names a spec: YAML or JSON.
pub fn is_spec_file(path: &std::path::Path) -> bool {
    matches!(path.extension().and_then(|extension| extension.to_str()), Some("yaml" | "yml" | "json"))
}

/// The tag features a generated `Cargo.toml` declares (`name = [] # tag "..": N operations`),
/// in order, with the operation count its comment gives.
pub fn tag_features(manifest: &str) -> Vec<(String, usize)> {
    manifest
        .lines()
        .skip_while(|line| line.trim() != "[features]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
        .filter_map(|line| {
            let (name, rest) = line.split_once(" = ")?;
            if !rest.contains("# tag ") {
                return None;
            }
            let count = rest.rsplit(": ").next()?.split(' ').next()?.parse().unwrap_or(0);
            Some((name.trim().to_owned(), count))
        })
        .collect()
}

/// The workspace root, so that commands work from any directory.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_owned()
}

/// Where Cargo puts this workspace's build outputs, as `cargo metadata` reports it: `target/`
/// unless `CARGO_TARGET_DIR` or `build.target-dir` says otherwise. Scratch files go there too.
/// Created if it does not exist yet.
pub fn target_dir() -> Result<std::path::PathBuf, String> {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(workspace_root())
        .output()
        .map_err(|error| format!("cargo metadata: {error}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|error| format!("cargo metadata: {error}"))?;
    let dir = metadata["target_directory"]
        .as_str()
        .map(std::path::PathBuf::from)
        .ok_or("cargo metadata reported no target_directory")?;
    std::fs::create_dir_all(&dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    Ok(dir)
}
