//! The `apigen` binary, run as a user would: a spec in a folder outside this repository, a
//! crate written beside it whose one dependency is `apigen-runtime`, `--check` that notices
//! what changed, and bad input answered with a message and a failing exit code. CI compiles
//! such a crate (`.ci/run`, "standalone crate").

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh folder under the system's temporary directory, outside the repository.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn apigen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A seed spec copied outside the repository.
fn spec_in(dir: &Path) -> PathBuf {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/auth-api-v2.yaml");
    let spec = dir.join("auth.yaml");
    std::fs::copy(seed, &spec).unwrap();
    spec
}

#[test]
fn writes_a_crate_whose_one_dependency_is_the_runtime() {
    let dir = scratch("crate");
    let spec = spec_in(&dir);
    let out = dir.join("auth-client");
    let run = apigen(&[spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--runtime-version", "0.1"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"auth\"\n"), "{manifest}");
    let dependencies: Vec<&str> = manifest
        .split("[dependencies]\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(dependencies, ["apigen-runtime = { version = \"0.1\", default-features = false }"]);
    for module in ["lib", "types", "operations", "client", "server"] {
        let source = std::fs::read_to_string(out.join(format!("src/{module}.rs"))).unwrap();
        assert!(!source.contains("use serde"), "src/{module}.rs imports serde itself");
    }

    // Unchanged output checks clean; an edited file and a stray one do not.
    let check = |dir: &Path| {
        apigen(&[spec.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--runtime-version", "0.1", "--check"])
    };
    assert!(check(&out).status.success(), "{}", text(&check(&out).stderr));
    std::fs::write(out.join("src/types.rs"), "// edited\n").unwrap();
    std::fs::write(out.join("src/stray.rs"), "// left over\n").unwrap();
    let stale = check(&out);
    assert!(!stale.status.success());
    let message = text(&stale.stderr);
    assert!(message.contains("types.rs") && message.contains("stray.rs"), "{message}");
    assert!(std::fs::read_to_string(out.join("src/types.rs")).unwrap() == "// edited\n", "--check wrote");

    // Writing again mends both.
    let run = apigen(&[spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--runtime-version", "0.1"]);
    assert!(run.status.success());
    assert!(!out.join("src/stray.rs").exists());
    assert!(check(&out).status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_the_runtime_by_path_or_git() {
    let dir = scratch("runtime");
    let spec = spec_in(&dir);
    let manifest = |extra: &[&str]| {
        let out = dir.join("out");
        let mut args = vec![spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "auth-api"];
        args.extend_from_slice(extra);
        let run = apigen(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
        std::fs::read_to_string(out.join("Cargo.toml")).unwrap()
    };
    let git = manifest(&["--runtime-git", "https://git.example/apigen", "--runtime-rev", "v0.1.0"]);
    assert!(
        git.contains(
            "apigen-runtime = { git = \"https://git.example/apigen\", rev = \"v0.1.0\", default-features = false }"
        ),
        "{git}"
    );
    assert!(git.contains("name = \"auth-api\"\n"), "{git}");
    let path = manifest(&["--runtime-path", "../runtime"]);
    assert!(path.contains("apigen-runtime = { path = \"../runtime\", default-features = false }"), "{path}");
    // By default, the runtime this binary was built beside, by absolute path.
    let default = manifest(&[]);
    let runtime = std::fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime")).unwrap();
    let expected = format!("path = {}", serde_json::Value::String(runtime.to_string_lossy().into_owned()));
    assert!(default.contains(&expected), "{default}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn writes_one_module_file_as_the_build_script_would() {
    let dir = scratch("module");
    let spec = spec_in(&dir);
    let file = dir.join("auth.rs");
    let run = apigen(&[spec.to_str().unwrap(), "--module", file.to_str().unwrap(), "--no-server"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let written = std::fs::read_to_string(&file).unwrap();
    let expected = apigen::Builder::new(&spec).server(false).generate().unwrap().module_file().unwrap();
    assert_eq!(written, expected);
    assert!(written.contains("pub mod client") && !written.contains("pub mod server"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_fails_with_a_message() {
    let dir = scratch("bad");
    let spec = dir.join("bad.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: Bad, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n",
    )
    .unwrap();
    let out = dir.join("out");
    let run = apigen(&[spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let message = text(&run.stderr);
    // A member that does not read is left out with a warning naming its pointer; the crate is written.
    assert!(run.status.success(), "{message}");
    assert!(message.contains("bad.yaml") && message.contains("#/paths/~1a/get"), "{message}");

    let missing = apigen(&[dir.join("absent.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("absent.yaml"), "{}", text(&missing.stderr));
    for args in [
        &[][..],
        &["--out", "x"][..],
        &["a.yaml"][..],
        &["a.yaml", "--out", "x", "--module", "y"][..],
        &["a.yaml", "--bogus"][..],
    ] {
        let run = apigen(args);
        assert!(!run.status.success(), "{args:?}");
        assert!(text(&run.stderr).contains("usage: apigen"), "{args:?}: {}", text(&run.stderr));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
