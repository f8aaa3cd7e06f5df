//! What a generated crate costs its users to compile: `cargo check` time of the crate alone
//! (its dependencies already built), with every feature and with less, each beside the
//! all-features figure as baseline.

use super::stats::median;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PACKAGE: &str = "bench-crate";

fn cargo_check(workspace: &Path, features: &[String]) -> Result<Duration, String> {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(workspace).args(["check", "--quiet", "--offline", "--package", PACKAGE]);
    if !features.is_empty() {
        command.args(["--no-default-features", "--features", &features.join(",")]);
    }
    let start = Instant::now();
    let output = command.output().map_err(|error| format!("cargo check: {error}"))?;
    if !output.status.success() {
        return Err(format!("cargo check {features:?} failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(start.elapsed())
}

/// Makes Cargo check the crate again without touching its dependencies.
fn touch(path: &Path) -> Result<(), String> {
    let text = std::fs::read(path).map_err(|error| error.to_string())?;
    std::fs::write(path, text).map_err(|error| error.to_string())
}

pub fn run(root: &Path, spec: &Path, scratch: &Path, runs: usize) -> Result<(), String> {
    let workspace = scratch.join("check");
    let crate_dir = workspace.join("api");
    let runtime = std::fs::canonicalize(root.join("runtime")).map_err(|error| error.to_string())?;
    let generated = apigen::Builder::new(spec).generate().map_err(|error| error.to_string())?;
    let files = generated
        .crate_files(PACKAGE, &apigen::RuntimeDependency::Path(runtime.to_string_lossy().into_owned()))
        .map_err(|error| error.to_string())?;
    apigen::write_files(&crate_dir, &files, apigen::WriteMode::Write).map_err(|error| error.to_string())?;
    let manifest = "[workspace]\nresolver = \"2\"\nmembers = [\"api\"]\n";
    apigen::write_files(&workspace, &[("Cargo.toml".into(), manifest.to_owned())], apigen::WriteMode::Write)
        .map_err(|error| error.to_string())?;
    let cargo_toml = std::fs::read_to_string(crate_dir.join("Cargo.toml")).map_err(|error| error.to_string())?;

    let tags = crate::tag_features(&cargo_toml);
    let every_tag =
        |half: &str| std::iter::once(half.to_owned()).chain(tags.iter().map(|(tag, _)| tag.clone())).collect();
    let mut configurations: Vec<(String, Vec<String>)> = vec![
        ("all features (client, server, every tag)".to_owned(), Vec::new()),
        ("client, every tag".to_owned(), every_tag("client")),
        ("server, every tag".to_owned(), every_tag("server")),
    ];
    // The largest tag: what one tag costs at most.
    if let Some((tag, operations)) = tags.iter().max_by_key(|(_, operations)| *operations) {
        for half in ["client", "server"] {
            configurations.push((
                format!("{half}, one tag ({tag}, {operations} operations)"),
                vec![half.to_owned(), tag.clone()],
            ));
        }
    }

    let name = spec.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    println!(
        "\n== cargo check of the generated crate for {name} ({} tag features), dependencies built; median of {runs} runs",
        tags.len()
    );
    let lib = crate_dir.join("src/lib.rs");
    let mut baseline = None;
    for (label, features) in &configurations {
        // Unmeasured: builds the dependencies as this configuration needs them.
        cargo_check(&workspace, features)?;
        let mut times = Vec::new();
        for _ in 0..runs {
            touch(&lib)?;
            times.push(cargo_check(&workspace, features)?);
        }
        let time = median(times);
        let all = *baseline.get_or_insert(time);
        println!(
            "{label:<48} {:>7.2} s   ratio to all features {:.2}",
            time.as_secs_f64(),
            time.as_secs_f64() / all.as_secs_f64()
        );
    }
    Ok(())
}
