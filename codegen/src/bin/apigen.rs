//! `apigen`: generates a crate (or one module file) for a spec anywhere on disk.
//!
//! ```text
//! apigen SPEC --out DIR [--name PACKAGE] [RUNTIME] [--no-client] [--no-server] [--check]
//! apigen SPEC --module FILE [--no-client] [--no-server] [--check]
//! ```

use apigen::{Builder, Config, RuntimeDependency, WriteMode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: apigen SPEC --out DIR [--name PACKAGE] [RUNTIME] [--no-client] [--no-server] [--check]
       apigen SPEC --module FILE [--no-client] [--no-server] [--check]

  --out DIR             write a crate (Cargo.toml, src/*.rs) into DIR
  --module FILE         write one file of inline modules, for include!
  --name PACKAGE        the crate's package name (default: the spec's file stem)
  --check               write nothing; fail if what is on disk differs
  --no-client           leave out the client
  --no-server           leave out the server

RUNTIME, how the crate's Cargo.toml names apigen-runtime, its one dependency:
  --runtime-path PATH   a path, absolute or relative to the crate's root
  --runtime-version REQ a version requirement
  --runtime-git URL     a git repository, with --runtime-rev REV for a commit, tag or branch
By default, the one apigen.toml names; else the runtime this binary was built beside, by
absolute path, if it is still there; else the version of this binary.

Options (derives, attributes and types by schema or operation, tags, client, server,
runtime) are read from the apigen.toml beside SPEC, if there is one.";

/// Where the output goes.
enum Target {
    /// `runtime`: as the command line names it, if it does.
    Crate {
        dir: PathBuf,
        package: String,
        runtime: Option<RuntimeDependency>,
    },
    Module(PathBuf),
}

struct Options {
    spec: PathBuf,
    target: Target,
    /// `false` where the command line leaves a half out; else as `apigen.toml` says.
    client: bool,
    server: bool,
    check: bool,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|arg| arg == "--help" || arg == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match parse(&args).and_then(|options| run(&options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut spec = None;
    let (mut out, mut module, mut name) = (None, None, None);
    let (mut runtime_path, mut runtime_version, mut runtime_git, mut runtime_rev) = (None, None, None, None);
    let (mut client, mut server, mut check) = (true, true, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value(arg)?)),
            "--module" => module = Some(PathBuf::from(value(arg)?)),
            "--name" => name = Some(value(arg)?),
            "--runtime-path" => runtime_path = Some(value(arg)?),
            "--runtime-version" => runtime_version = Some(value(arg)?),
            "--runtime-git" => runtime_git = Some(value(arg)?),
            "--runtime-rev" => runtime_rev = Some(value(arg)?),
            "--no-client" => client = false,
            "--no-server" => server = false,
            "--check" => check = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag:?}\n\n{USAGE}")),
            path if spec.is_none() => spec = Some(PathBuf::from(path)),
            extra => return Err(format!("one spec at a time; {extra:?} is a second\n\n{USAGE}")),
        }
    }
    let spec = spec.ok_or_else(|| format!("no spec given\n\n{USAGE}"))?;
    let runtime = match (runtime_path, runtime_version, runtime_git) {
        (None, None, None) if runtime_rev.is_none() => None,
        (Some(path), None, None) if runtime_rev.is_none() => Some(RuntimeDependency::Path(path)),
        (None, Some(version), None) if runtime_rev.is_none() => Some(RuntimeDependency::Version(version)),
        (None, None, Some(url)) => Some(RuntimeDependency::Git { url, rev: runtime_rev }),
        _ => {
            return Err(format!(
                "one of --runtime-path, --runtime-version or --runtime-git (with --runtime-rev)\n\n{USAGE}"
            ))
        }
    };
    let target = match (out, module) {
        (Some(dir), None) => {
            let package = name.unwrap_or_else(|| stem(&spec));
            Target::Crate { dir, package, runtime }
        }
        (None, Some(file)) => Target::Module(file),
        _ => return Err(format!("one of --out or --module\n\n{USAGE}")),
    };
    Ok(Options { spec, target, client, server, check })
}

/// The spec's file stem as a package name: `auth-api.yaml` is `auth-api`.
fn stem(spec: &Path) -> String {
    spec.file_stem().map_or_else(|| "api".to_owned(), |stem| stem.to_string_lossy().into_owned())
}

/// The runtime of the checkout this binary was built in, if it is still on disk; else the
/// runtime of the binary's own version.
fn default_runtime() -> RuntimeDependency {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    match std::fs::canonicalize(beside) {
        Ok(path) if path.join("Cargo.toml").is_file() => RuntimeDependency::Path(path.to_string_lossy().into_owned()),
        _ => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned()),
    }
}

fn run(options: &Options) -> Result<(), String> {
    let mut config = Config::beside(&options.spec).map_err(|message| format!("error: {message}"))?.unwrap_or_default();
    if !options.client {
        config.client = Some(false);
    }
    if !options.server {
        config.server = Some(false);
    }
    let generated = Builder::new(&options.spec).config(config).generate().map_err(|error| format!("error: {error}"))?;
    for warning in generated.warnings() {
        eprintln!("warning: {warning}");
    }
    let mode = if options.check { WriteMode::Check } else { WriteMode::Write };
    let (place, changed) = match &options.target {
        Target::Crate { dir, package, runtime } => {
            let runtime =
                runtime.clone().or_else(|| generated.runtime_dependency().cloned()).unwrap_or_else(default_runtime);
            let files = generated.crate_files(package, &runtime).map_err(|error| format!("error: {error}"))?;
            (
                dir.clone(),
                apigen::write_crate(dir, &files, mode).map_err(|error| format!("{}: {error}", dir.display()))?,
            )
        }
        Target::Module(file) => {
            let text = generated.module_file().map_err(|error| format!("error: {error}"))?;
            let (dir, name) = match (file.parent(), file.file_name()) {
                (Some(dir), Some(name)) => (dir, PathBuf::from(name)),
                _ => return Err(format!("{}: not a file path", file.display())),
            };
            let changed = apigen::write_files(dir, &[(name, text)], mode)
                .map_err(|error| format!("{}: {error}", file.display()))?;
            (file.clone(), changed)
        }
    };
    match (options.check, changed.is_empty()) {
        (true, false) => {
            let list: Vec<String> = changed.iter().map(|path| format!("  {}", path.display())).collect();
            Err(format!("{} is stale:\n{}", place.display(), list.join("\n")))
        }
        (true, true) => {
            println!("{} is up to date", place.display());
            Ok(())
        }
        (false, _) => {
            println!("{}: {} files changed", place.display(), changed.len());
            Ok(())
        }
    }
}
