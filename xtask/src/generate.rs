//! `cargo xtask generate`: specs to crates.

use apigen::{Builder, RuntimeDependency, WriteMode};
use std::path::{Path, PathBuf};

struct Options {
    check: bool,
    spec: Option<PathBuf>,
    out: Option<PathBuf>,
    name: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { check: false, spec: None, out: None, name: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{}", super::USAGE));
        match arg.as_str() {
            "--check" => options.check = true,
            "--spec" => options.spec = Some(value("--spec")?.into()),
            "--out" => options.out = Some(value("--out")?.into()),
            "--name" => options.name = Some(value("--name")?),
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    if options.spec.is_some() != options.out.is_some() {
        return Err(format!("--spec and --out go together\n{}", super::USAGE));
    }
    Ok(options)
}

/// One crate to generate: its spec, where it goes, its package name and the runtime's path.
struct Job {
    spec: PathBuf,
    dir: PathBuf,
    package: String,
    runtime: RuntimeDependency,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let root = super::workspace_root();
    let jobs = match (&options.spec, &options.out) {
        (Some(spec), Some(out)) => {
            let stem = spec.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_else(|| "api".into());
            let runtime = std::fs::canonicalize(root.join("runtime")).map_err(|error| error.to_string())?;
            vec![Job {
                spec: spec.clone(),
                dir: out.clone(),
                package: options.name.clone().unwrap_or(stem),
                runtime: RuntimeDependency::Path(runtime.to_string_lossy().into_owned()),
            }]
        }
        _ => {
            std::env::set_current_dir(&root).map_err(|error| error.to_string())?;
            seed_jobs(Path::new("specs"), Path::new("generated"))?
        }
    };

    // Everything is generated in memory first: one bad spec writes nothing at all.
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for job in &jobs {
        match Builder::new(&job.spec).generate().and_then(|generated| {
            for warning in generated.warnings() {
                eprintln!("warning: {warning}");
            }
            generated.crate_files(&job.package, &job.runtime)
        }) {
            Ok(files) => outputs.push((job, files)),
            Err(error) => errors.push(format!("error: {error}")),
        }
    }
    if !errors.is_empty() {
        return Err(format!("{}\nnothing was written", errors.join("\n")));
    }

    let mode = if options.check { WriteMode::Check } else { WriteMode::Write };
    let mut changed = Vec::new();
    for (job, files) in &outputs {
        changed.extend(
            apigen::write_crate(&job.dir, files, mode).map_err(|error| format!("{}: {error}", job.dir.display()))?,
        );
    }
    if options.spec.is_none() {
        changed.extend(stray_crates(Path::new("generated"), &jobs, mode)?);
    }
    if options.check {
        if !changed.is_empty() {
            let list: Vec<String> = changed.iter().map(|path| format!("  {}", path.display())).collect();
            return Err(format!("generated code is stale; run `cargo xtask generate`:\n{}", list.join("\n")));
        }
        println!("generated code is up to date ({} crates)", outputs.len());
    } else {
        println!("generated {} crates, {} files changed", outputs.len(), changed.len());
    }
    Ok(())
}

fn seed_jobs(specs: &Path, generated: &Path) -> Result<Vec<Job>, String> {
    let entries = std::fs::read_dir(specs).map_err(|error| format!("{}: {error}", specs.display()))?;
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|entry| entry.path()).filter(|path| super::is_spec_file(path)).collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|spec| {
            let stem = spec.file_stem().expect("filtered by extension").to_string_lossy().into_owned();
            Job {
                dir: generated.join(&stem),
                package: stem,
                spec,
                runtime: RuntimeDependency::Path("../../runtime".into()),
            }
        })
        .collect())
}

/// Crates under `generated/` whose spec is gone.
fn stray_crates(generated: &Path, jobs: &[Job], mode: WriteMode) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(generated) else { return Ok(Vec::new()) };
    let mut stray = Vec::new();
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if path.is_dir() && !jobs.iter().any(|job| job.dir == path) {
            if mode == WriteMode::Write {
                std::fs::remove_dir_all(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            }
            stray.push(path);
        }
    }
    Ok(stray)
}
