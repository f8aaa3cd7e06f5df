//! `cargo xtask generate`: specs to crates.

use apigen::{Builder, Config, RuntimeDependency, WriteMode};
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

/// One spec to generate and where its output goes.
struct Job {
    spec: PathBuf,
    output: Output,
}

enum Output {
    /// A crate in `dir`.
    Crate { dir: PathBuf, package: String, runtime: RuntimeDependency },
    /// One module file, as a build script writes it: the e2e specs' golden files, which the
    /// e2e crate `include!`s, so the committed text is the code its tests compile and run.
    ModuleFile(PathBuf),
}

impl Output {
    /// Where it is written: the crate's folder, or the file.
    fn path(&self) -> &Path {
        match self {
            Output::Crate { dir, .. } => dir,
            Output::ModuleFile(file) => file,
        }
    }
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
                output: Output::Crate {
                    dir: out.clone(),
                    package: options.name.clone().unwrap_or(stem),
                    runtime: RuntimeDependency::Path(runtime.to_string_lossy().into_owned()),
                },
            }]
        }
        _ => {
            std::env::set_current_dir(&root).map_err(|error| error.to_string())?;
            let mut jobs = seed_jobs(Path::new("specs"), Path::new("generated"))?;
            jobs.extend(golden_jobs(Path::new(E2E_SPECS), Path::new(E2E_GOLDEN))?);
            jobs
        }
    };

    // Everything is generated in memory first: one bad spec writes nothing at all.
    let mut outputs = Vec::new();
    let mut errors = Vec::new();
    for job in &jobs {
        let config = match Config::beside(&job.spec) {
            Ok(config) => config.unwrap_or_default(),
            Err(message) => {
                errors.push(format!("error: {message}"));
                continue;
            }
        };
        match Builder::new(&job.spec).config(config).generate().and_then(|generated| {
            for warning in generated.warnings() {
                eprintln!("warning: {warning}");
            }
            match &job.output {
                Output::Crate { package, runtime, .. } => generated.crate_files(package, runtime),
                Output::ModuleFile(path) => Ok(vec![(path.clone(), generated.module_file()?)]),
            }
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
        let written = match &job.output {
            Output::Crate { dir, .. } => {
                apigen::write_crate(dir, files, mode).map_err(|error| format!("{}: {error}", dir.display()))?
            }
            Output::ModuleFile(_) => {
                apigen::write_files(Path::new(""), files, mode).map_err(|error| error.to_string())?
            }
        };
        changed.extend(written);
    }
    if options.spec.is_none() {
        // Crates under `generated/`, and the e2e golden files.
        changed.extend(strays(Path::new("generated"), Path::is_dir, &jobs, mode)?);
        changed.extend(strays(Path::new(E2E_GOLDEN), |_| true, &jobs, mode)?);
    }
    if options.check {
        if !changed.is_empty() {
            let list: Vec<String> = changed.iter().map(|path| format!("  {}", path.display())).collect();
            return Err(format!("generated code is stale; run `cargo xtask generate`:\n{}", list.join("\n")));
        }
        println!("generated code is up to date ({})", count(&jobs));
    } else {
        println!("generated {}, {} files changed", count(&jobs), changed.len());
    }
    Ok(())
}

/// Where the e2e crate's test-only specs are, and their golden module files.
const E2E_SPECS: &str = "e2e/specs";
const E2E_GOLDEN: &str = "e2e/generated";

/// "5 crates and 10 module files".
fn count(jobs: &[Job]) -> String {
    let crates = jobs.iter().filter(|job| matches!(job.output, Output::Crate { .. })).count();
    match jobs.len() - crates {
        0 => format!("{crates} crates"),
        files => format!("{crates} crates and {files} module files"),
    }
}

/// The spec files directly in `dir` (files in its subfolders are parts that specs `$ref`),
/// sorted, with their stems.
fn specs_in(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && super::is_spec_file(path))
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|spec| {
            let stem = spec.file_stem().expect("filtered by extension").to_string_lossy().into_owned();
            (spec, stem)
        })
        .collect())
}

fn seed_jobs(specs: &Path, generated: &Path) -> Result<Vec<Job>, String> {
    Ok(specs_in(specs)?
        .into_iter()
        .map(|(spec, stem)| Job {
            output: Output::Crate {
                dir: generated.join(&stem),
                package: stem,
                runtime: RuntimeDependency::Path("../../runtime".into()),
            },
            spec,
        })
        .collect())
}

fn golden_jobs(specs: &Path, golden: &Path) -> Result<Vec<Job>, String> {
    Ok(specs_in(specs)?
        .into_iter()
        .map(|(spec, stem)| Job { output: Output::ModuleFile(golden.join(format!("{stem}.rs"))), spec })
        .collect())
}

/// What `folder` holds, of the entries `considered`, that no job writes any more (its spec is
/// gone): removed when writing, listed either way.
fn strays(folder: &Path, considered: fn(&Path) -> bool, jobs: &[Job], mode: WriteMode) -> Result<Vec<PathBuf>, String> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Ok(Vec::new()) };
    let mut stray = Vec::new();
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        if considered(&path) && !jobs.iter().any(|job| job.output.path() == path) {
            if mode == WriteMode::Write {
                let removed = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                removed.map_err(|error| format!("{}: {error}", path.display()))?;
            }
            stray.push(path);
        }
    }
    Ok(stray)
}
