//! `cargo xtask corpus [DIR] [--only TEXT]... [--clippy] [--doc]`: generates every spec under DIR
//! (default `../shared/corpus`) into one scratch workspace, `cargo check`s them together (one
//! target dir, so the runtime and dependencies build once), with `--doc` also `cargo doc`s them,
//! and prints a table and totals: operations generated of those declared, warnings, outcome.
//! Exits non-zero when any spec fails to generate, to compile or to document, or does either
//! with warnings.

use crate::guarded::{self, Guarded};
use apigen::Builder;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Longer than any spec should take; past it a spec counts as hung.
const GENERATE_LIMIT: Duration = Duration::from_secs(60);

enum Generation {
    Ok { operations: usize, declared: usize, warnings: usize },
    Failed(String),
}

struct Row {
    spec: String,
    version: String,
    package: String,
    generation: Generation,
    seconds: f64,
}

pub fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if path.is_dir() {
            spec_files(&path, out)?;
        } else if super::is_spec_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// A valid, unique-enough Cargo package name for a spec file.
fn package_name(relative: &str) -> String {
    let stem = relative.rsplit_once('.').map_or(relative, |(stem, _)| stem);
    let name: String = stem
        .chars()
        .map(|character| if character.is_ascii_alphanumeric() { character.to_ascii_lowercase() } else { '-' })
        .collect();
    // Runs of separators collapse: `a--b` would make a crate name that is not snake case.
    let words: Vec<&str> = name.split('-').filter(|word| !word.is_empty()).collect();
    format!("corpus-{}", words.join("-"))
}

/// The version a spec declares, read without the generator (it may be the thing that fails).
fn declared_version(text: &str) -> String {
    for line in text.lines().take(50) {
        let line = line.trim().trim_start_matches('{').trim();
        for key in ["\"openapi\"", "openapi", "\"swagger\"", "swagger"] {
            if let Some(rest) = line.strip_prefix(key).and_then(|rest| rest.trim_start().strip_prefix(':')) {
                // Up to the closing quote: a minified spec has the whole document on this line.
                let value = rest.trim().trim_start_matches(['"', '\'']);
                let end = value.find(['"', '\'', ',', ' ', '}']).unwrap_or(value.len());
                return value[..end].to_owned();
            }
        }
    }
    "?".to_owned()
}

fn generate(
    spec: PathBuf,
    crate_dir: PathBuf,
    package: String,
    runtime: apigen::RuntimeDependency,
) -> (Generation, f64) {
    let start = Instant::now();
    let outcome = guarded::run(GENERATE_LIMIT, move || {
        let generated = Builder::new(&spec).generate().map_err(|error| error.to_string())?;
        let files = generated.crate_files(&package, &runtime).map_err(|error| error.to_string())?;
        apigen::write_files(&crate_dir, &files, apigen::WriteMode::Write).map_err(|error| error.to_string())?;
        Ok::<_, String>(Generation::Ok {
            operations: generated.operation_count(),
            declared: generated.declared_operation_count(),
            warnings: generated.warnings().len(),
        })
    });
    let generation = match outcome {
        Guarded::Done(Ok(generation)) => generation,
        Guarded::Done(Err(message)) => Generation::Failed(message),
        Guarded::Panicked(_) => Generation::Failed("PANIC".to_owned()),
        Guarded::TimedOut => Generation::Failed(format!("HANG (no result in {}s)", GENERATE_LIMIT.as_secs())),
    };
    (generation, start.elapsed().as_secs_f64())
}

#[derive(Default)]
struct Check {
    errors: usize,
    warnings: usize,
    first_error: Option<String>,
    first_warning: Option<String>,
}

/// Runs one `cargo check` (or `cargo clippy`, or `cargo doc`) over the scratch workspace;
/// diagnostics by package name.
/// `selection` picks the packages and features (`--workspace` for all, with their defaults).
fn cargo_check(scratch: &Path, command: &str, selection: &[&str]) -> Result<(BTreeMap<String, Check>, f64), String> {
    let start = Instant::now();
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.arg(command).args(selection);
    if command == "doc" {
        // Only the generated crates' own docs: the runtime's are checked in its workspace.
        cargo.arg("--no-deps");
    }
    let output = cargo
        .args(["--keep-going", "--message-format=json", "--quiet"])
        .current_dir(scratch)
        .output()
        .map_err(|error| format!("cargo check: {error}"))?;
    let mut checks: BTreeMap<String, Check> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" {
            continue;
        }
        // `path+file:///…/crates/corpus-x#corpus-x@0.1.0`, or `…/corpus-x#0.1.0`.
        let id = message["package_id"].as_str().unwrap_or_default();
        let package = id
            .rsplit_once('#')
            .map(|(path, name)| match name.split_once('@') {
                Some((name, _)) => name.to_owned(),
                None => path.rsplit('/').next().unwrap_or_default().to_owned(),
            })
            .unwrap_or_default();
        let check = checks.entry(package).or_default();
        match message["message"]["level"].as_str() {
            Some("error") => {
                check.errors += 1;
                if check.first_error.is_none() {
                    let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                    check.first_error = Some(rendered.lines().take(3).collect::<Vec<_>>().join(" | "));
                }
            }
            Some("warning") => {
                check.warnings += 1;
                if check.first_warning.is_none() {
                    let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                    check.first_warning = Some(rendered.lines().take(3).collect::<Vec<_>>().join(" | "));
                }
            }
            _ => {}
        }
    }
    Ok((checks, start.elapsed().as_secs_f64()))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let root = super::workspace_root();
    let mut dir = root.join("../shared/corpus");
    let mut only: Vec<String> = Vec::new();
    let mut clippy = false;
    let mut tags = false;
    let mut doc = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only.push(args.next().ok_or("--only needs a value")?.clone()),
            "--clippy" => clippy = true,
            "--tags" => tags = true,
            "--doc" => doc = true,
            other if !other.starts_with('-') => dir = PathBuf::from(other),
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    let mut specs = Vec::new();
    spec_files(&dir, &mut specs)?;
    specs.sort();
    specs.retain(|spec| only.is_empty() || only.iter().any(|text| spec.to_string_lossy().contains(text.as_str())));
    if specs.is_empty() {
        return Err(format!("no specs under {}", dir.display()));
    }

    let scratch = super::target_dir()?.join("corpus");
    let crates = scratch.join("crates");
    if crates.exists() {
        std::fs::remove_dir_all(&crates).map_err(|error| format!("{}: {error}", crates.display()))?;
    }
    std::fs::create_dir_all(&crates).map_err(|error| error.to_string())?;
    std::fs::write(scratch.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n")
        .map_err(|error| error.to_string())?;
    let runtime = apigen::RuntimeDependency::Path(
        std::fs::canonicalize(root.join("runtime")).map_err(|error| error.to_string())?.to_string_lossy().into_owned(),
    );

    let mut rows = Vec::new();
    for spec in &specs {
        let relative = spec.strip_prefix(&dir).unwrap_or(spec).to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(spec).unwrap_or_default();
        let package = package_name(&relative);
        let (generation, seconds) = generate(spec.clone(), crates.join(&package), package.clone(), runtime.clone());
        rows.push(Row { spec: relative, version: declared_version(&text), package, generation, seconds });
    }
    let generated = rows.iter().filter(|row| matches!(row.generation, Generation::Ok { .. })).count();
    let check_command = if clippy { "clippy" } else { "check" };
    eprintln!("generated {generated} of {} specs; cargo {check_command}…", rows.len());
    let (checks, check_seconds) =
        if generated > 0 { cargo_check(&scratch, check_command, &["--workspace"])? } else { (BTreeMap::new(), 0.0) };
    let docs = if doc && generated > 0 {
        eprintln!("cargo doc…");
        Some(cargo_check(&scratch, "doc", &["--workspace"])?.0)
    } else {
        None
    };
    let tag_checks = if tags { check_tag_subsets(&scratch, &crates, &rows, check_command)? } else { Vec::new() };

    println!(
        "{:<70} {:>7} {:>9} {:>9} {:>8} {:>5} {:>5} {:>7}",
        "spec", "version", "ops", "generate", "compile", "doc", "warn", "seconds"
    );
    let (mut clean, mut panics, mut notes) = (0, 0, Vec::new());
    let (mut kept_operations, mut declared_operations) = (0, 0);
    for row in &rows {
        let (operations, generate_status, warnings) = match &row.generation {
            Generation::Ok { operations, declared, warnings } => {
                kept_operations += operations;
                declared_operations += declared;
                (format!("{operations}/{declared}"), "ok", *warnings)
            }
            Generation::Failed(message) => {
                if message.starts_with("PANIC") || message.starts_with("HANG") {
                    panics += 1;
                }
                notes.push(format!("{}: {message}", row.spec));
                ("-".into(), "FAIL", 0)
            }
        };
        let generated_ok = matches!(row.generation, Generation::Ok { .. });
        let compile_status = outcome(generated_ok, checks.get(&row.package), "compiler", &row.spec, &mut notes);
        let doc_status = match &docs {
            Some(docs) => outcome(generated_ok, docs.get(&row.package), "rustdoc", &row.spec, &mut notes),
            None => "-",
        };
        if compile_status == "ok" && matches!(doc_status, "ok" | "-") {
            clean += 1;
        }
        println!(
            "{:<70} {:>7} {:>9} {:>9} {:>8} {:>5} {:>5} {:>7.2}",
            row.spec, row.version, operations, generate_status, compile_status, doc_status, warnings, row.seconds
        );
    }
    let total = rows.len();
    let checked = if doc { "compile and document" } else { "compile" };
    println!(
        "\n{total} specs: {generated} generated ({:.1}%), {clean} {checked} with no warnings ({:.1}%), {panics} panics or hangs; \
         {kept_operations} of {declared_operations} declared operations generated ({:.2}%); cargo {check_command} {check_seconds:.0}s",
        100.0 * generated as f64 / total as f64,
        100.0 * clean as f64 / total as f64,
        100.0 * kept_operations as f64 / declared_operations.max(1) as f64,
    );
    for note in &notes {
        println!("  {note}");
    }
    let failed_subsets = tag_checks.iter().filter(|check| !check.clean).count();
    if tags {
        println!(
            "\nfeature subsets: {} builds of one tag or one half each, {failed_subsets} with errors or warnings",
            tag_checks.len()
        );
        for check in &tag_checks {
            println!("  {:<60} {:<40} {}", check.package, check.features, check.outcome);
        }
    }
    if clean == total && failed_subsets == 0 {
        Ok(())
    } else {
        Err(format!(
            "{} of {total} specs did not generate and compile cleanly; {failed_subsets} tag builds failed",
            total - clean
        ))
    }
}

/// The status of one crate in a cargo run (`ok`, `warn`, `FAIL`, or `-` when it did not
/// generate), noting what went wrong.
fn outcome(generated: bool, check: Option<&Check>, tool: &str, spec: &str, notes: &mut Vec<String>) -> &'static str {
    match check {
        _ if !generated => "-",
        Some(check) if check.errors > 0 => {
            notes.push(format!("{spec}: {}", check.first_error.clone().unwrap_or_default()));
            "FAIL"
        }
        Some(check) if check.warnings > 0 => {
            let first = check.first_warning.clone().unwrap_or_default();
            notes.push(format!("{spec}: {} {tool} warnings, the first: {first}", check.warnings));
            "warn"
        }
        _ => "ok",
    }
}

struct TagCheck {
    package: String,
    features: String,
    clean: bool,
    outcome: String,
}

/// For each spec with tag features, builds the client with its first tag alone and the
/// server with its last tag alone: a tag must compile on its own, warning-free. A spec
/// without builds each half alone (each derives only the serde impls it uses).
fn check_tag_subsets(scratch: &Path, crates: &Path, rows: &[Row], command: &str) -> Result<Vec<TagCheck>, String> {
    let mut results = Vec::new();
    for row in rows.iter().filter(|row| matches!(row.generation, Generation::Ok { .. })) {
        let manifest = std::fs::read_to_string(crates.join(&row.package).join("Cargo.toml")).unwrap_or_default();
        let tags = super::tag_features(&manifest);
        let subsets = match (tags.first(), tags.last()) {
            (Some((first, _)), Some((last, _))) => vec![format!("client,{first}"), format!("server,{last}")],
            // A crate of one half has nothing to take apart.
            _ if manifest.contains("\nclient = [") && manifest.contains("\nserver = [") => {
                vec!["client".to_owned(), "server".to_owned()]
            }
            _ => Vec::new(),
        };
        for features in subsets {
            let selection = ["--package", &row.package, "--no-default-features", "--features", &features];
            let (checks, seconds) = cargo_check(scratch, command, &selection)?;
            let check = checks.get(&row.package);
            let (errors, warnings) = check.map_or((0, 0), |check| (check.errors, check.warnings));
            let outcome = match check.and_then(|check| check.first_error.clone()) {
                Some(error) => format!("FAIL {error}"),
                None if warnings > 0 => format!("{warnings} warnings"),
                None => format!("ok ({seconds:.0}s)"),
            };
            results.push(TagCheck {
                package: row.package.clone(),
                features,
                clean: errors == 0 && warnings == 0,
                outcome,
            });
        }
    }
    Ok(results)
}
