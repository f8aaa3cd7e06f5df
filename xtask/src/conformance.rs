//! `cargo xtask conformance [DIR] [--only TEXT]... [--instances N] [--seed S] [--schema-seconds T]
//! [--max-schemas M]`:
//! do the generated types accept the data their schemas describe? Every spec under DIR (default
//! `../shared/corpus`) is generated (types only) into a scratch workspace, each crate with a
//! `roundtrip` binary that decodes JSON into a named type and encodes it back; then
//! `conformance/driver.py`, in a virtualenv of pinned hypothesis-jsonschema, hypothesis and
//! jsonschema, generates instances of each schema from the spec's own text and judges what
//! comes back. Exits non-zero on any failure. Specs are generated without their
//! `apigen.toml`: the types its options name live in the crate that uses them.

use apigen::{Builder, RuntimeDependency, SchemaType, WriteMode};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The oracles, at the versions `../shared/ORACLES.md` records as working together.
const PACKAGES: &[&str] = &["hypothesis==6.100.0", "hypothesis-jsonschema==0.23.1", "jsonschema==4.26.0"];

pub fn run(args: &[String]) -> Result<(), String> {
    let root = super::workspace_root();
    let mut dir = root.join("../shared/corpus");
    let mut only: Vec<String> = Vec::new();
    let mut driver_args: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => only.push(args.next().ok_or("--only needs a value")?.clone()),
            "--instances" | "--seed" | "--schema-seconds" | "--max-schemas" => {
                driver_args.push(arg.clone());
                driver_args.push(args.next().ok_or(format!("{arg} needs a value"))?.clone());
            }
            other if !other.starts_with('-') => dir = PathBuf::from(other),
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    let mut specs = Vec::new();
    super::corpus::spec_files(&dir, &mut specs)?;
    specs.sort();
    specs.retain(|spec| only.is_empty() || only.iter().any(|text| spec.to_string_lossy().contains(text.as_str())));
    if specs.is_empty() {
        return Err(format!("no specs under {}", dir.display()));
    }

    let scratch = super::target_dir()?.join("conformance");
    let python = virtualenv(&scratch)?;
    let (crates, work) = (scratch.join("crates"), scratch.join("work"));
    for folder in [&crates, &work] {
        if folder.exists() {
            std::fs::remove_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
        }
        std::fs::create_dir_all(folder).map_err(|error| error.to_string())?;
    }
    let write =
        |path: &Path, text: &str| std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()));
    write(&scratch.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"crates/*\"]\n")?;
    // The workspace's versions, so the scratch crates build from what is already fetched.
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).map_err(|error| error.to_string())?;
    let runtime = std::fs::canonicalize(root.join("runtime")).map_err(|error| error.to_string())?;
    let runtime = RuntimeDependency::Path(runtime.to_string_lossy().into_owned());

    let mut packages = Vec::new();
    let mut not_specs = 0;
    for (index, spec) in specs.iter().enumerate() {
        let package = format!("conformance-{index}");
        match prepare(spec, &package, &runtime, &crates, &work) {
            Ok(()) => packages.push(package),
            // Files a spec refers to sit beside specs in test folders.
            Err(message) if message.contains("this is not an OpenAPI document") => not_specs += 1,
            Err(message) => eprintln!("skipped {}: {message}", spec.display()),
        }
    }
    if not_specs > 0 {
        eprintln!("{not_specs} files that are not OpenAPI documents left out");
    }
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--keep-going", "--bins"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .status()
        .map_err(|error| format!("cargo build: {error}"))?;
    if !build.success() {
        eprintln!("some generated crates did not build; their specs are left out");
    }
    for package in &packages {
        let binary = scratch.join("target/debug").join(format!("{package}-roundtrip"));
        let linked = work.join(package).join("roundtrip");
        if binary.is_file() {
            std::fs::copy(&binary, &linked).map_err(|error| format!("{}: {error}", binary.display()))?;
        } else {
            std::fs::remove_dir_all(work.join(package)).map_err(|error| error.to_string())?;
        }
    }
    let status = Command::new(&python)
        .arg(root.join("xtask/conformance/driver.py"))
        .arg(&work)
        .args(&driver_args)
        // hypothesis keeps its caches in `.hypothesis/` where it runs: in the scratch folder,
        // not the checkout.
        .current_dir(&scratch)
        .status()
        .map_err(|error| format!("{}: {error}", python.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err("some instances were refused or did not round-trip (see above)".to_owned())
    }
}

/// The virtualenv's python, with the oracles installed (once).
fn virtualenv(scratch: &Path) -> Result<PathBuf, String> {
    let venv = scratch.join("venv");
    let python = venv.join("bin/python");
    let marker = venv.join(PACKAGES.join(" ").replace(['=', ' '], "_"));
    if marker.is_file() {
        return Ok(python);
    }
    let run = |command: &mut Command| -> Result<(), String> {
        let status = command.status().map_err(|error| error.to_string())?;
        status.success().then_some(()).ok_or_else(|| format!("{command:?} failed"))
    };
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]).args(PACKAGES))?;
    std::fs::write(&marker, "").map_err(|error| error.to_string())?;
    Ok(python)
}

/// One spec's crate (types only, with its `roundtrip` binary) and its folder for the driver.
fn prepare(spec: &Path, package: &str, runtime: &RuntimeDependency, crates: &Path, work: &Path) -> Result<(), String> {
    let generated = Builder::new(spec).client(false).server(false).generate().map_err(|error| error.to_string())?;
    let files = generated.crate_files(package, runtime).map_err(|error| error.to_string())?;
    let dir = crates.join(package);
    apigen::write_crate(&dir, &files, WriteMode::Write).map_err(|error| error.to_string())?;
    let types = generated.schema_types();
    let library = package.replace('-', "_");
    // A nullable component's uses are `Option`s of its type: that is what a value of it meets.
    let arms: String = types
        .iter()
        .map(|SchemaType { name, nullable, .. }| {
            let ty = format!("{library}::types::{name}");
            let ty = if *nullable { format!("Option<{ty}>") } else { ty };
            format!("        \"{name}\" => through::<{ty}>(json),\n")
        })
        .collect();
    let binary = format!(
        "//! Decodes each `NAME\\tJSON` line of stdin into the type NAME and prints it encoded again.\n\
         use apigen_runtime::__private::{{serde, serde_json}};\n\
         use std::io::{{BufRead, Write}};\n\n\
         fn through<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> Result<String, String> {{\n    \
             let value: T = apigen_runtime::__private::decode_json(json)?;\n    \
             serde_json::to_string(&value).map_err(|error| error.to_string())\n\
         }}\n\n\
         fn main() {{\n    \
             let mut out = std::io::stdout().lock();\n    \
             for line in std::io::stdin().lock().lines().map_while(Result::ok) {{\n        \
                 let Some((name, json)) = line.split_once('\\t') else {{ continue }};\n        \
                 let result: Result<String, String> = match name {{\n{arms}        \
                     other => Err(format!(\"no type {{other}}\")),\n        \
                 }};\n        \
                 let line = match result {{\n            \
                     Ok(text) => format!(\"ok\\t{{text}}\"),\n            \
                     Err(error) => format!(\"err\\t{{}}\", error.replace(['\\t', '\\n'], \" \")),\n        \
                 }};\n        \
                 let _ = writeln!(out, \"{{line}}\");\n        \
                 let _ = out.flush();\n    \
             }}\n\
         }}\n"
    );
    let bin = dir.join("src/bin");
    std::fs::create_dir_all(&bin).map_err(|error| error.to_string())?;
    std::fs::write(bin.join(format!("{package}-roundtrip.rs")), binary).map_err(|error| error.to_string())?;

    let folder = work.join(package);
    std::fs::create_dir_all(&folder).map_err(|error| error.to_string())?;
    let text = std::fs::read_to_string(spec).map_err(|error| error.to_string())?;
    let json = spec.extension().is_some_and(|extension| extension == "json");
    let original = apigen::spec_document(&text, json).unwrap_or(serde_json::Value::Null);
    let version = original
        .get("openapi")
        .or_else(|| original.get("swagger"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let normalized = apigen::normalized_document(spec).map_err(|error| error.to_string())?;
    let write = |name: &str, value: &serde_json::Value| {
        std::fs::write(folder.join(name), value.to_string()).map_err(|error| error.to_string())
    };
    write("original.json", &original)?;
    write("normalized.json", &normalized)?;
    std::fs::write(folder.join("version"), version).map_err(|error| error.to_string())?;
    std::fs::write(folder.join("spec"), spec.to_string_lossy().as_bytes()).map_err(|error| error.to_string())?;
    let pairs: Vec<[&String; 2]> = types.iter().map(|ty| [&ty.pointer, &ty.name]).collect();
    write("types.json", &serde_json::json!(pairs))
}
