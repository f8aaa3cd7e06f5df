//! What the runtime's spans cost a service that sets no subscriber: the runtime bench built
//! with them (its default) and without (`--no-default-features`), each round's ratio taken
//! against the raw baseline measured in the same process, medians compared.

use std::path::Path;
use std::process::Command;

/// The comparisons whose overhead the spans add to (the other two repeat them).
const TRACED: [&str; 2] = ["client", "server"];

/// Runs the runtime bench with spans and without, `rounds` rounds each, and prints the ratios
/// and their quotient beside the target.
pub fn run(root: &Path, scratch: &Path, rounds: usize) -> Result<(), String> {
    let with = bench(root, &scratch.join("ratios-with-spans.txt"), rounds, &[])?;
    let without = bench(root, &scratch.join("ratios-without-spans.txt"), rounds, &["--no-default-features"])?;
    println!(
        "\n== tracing compiled in, no subscriber (median of {rounds} rounds each, against the same raw baselines)"
    );
    for name in TRACED {
        let (Some(with), Some(without)) = (ratio(&with, name), ratio(&without, name)) else {
            return Err(format!("the runtime bench wrote no {name} ratio"));
        };
        println!(
            "{name:<8} with spans {with:.3}   without {without:.3}   overhead {:.3}x (target <= 1.01)",
            with / without
        );
    }
    Ok(())
}

/// The runtime bench's ratios file, after a run with `flags`.
fn bench(root: &Path, ratios: &Path, rounds: usize, flags: &[&str]) -> Result<String, String> {
    let rounds = rounds.to_string();
    let status = Command::new(env!("CARGO"))
        .args(["bench", "--quiet", "--package", "e2e", "--bench", "runtime"])
        .args(flags)
        .args(["--", &rounds])
        .env("APIGEN_BENCH_RATIOS", ratios)
        .current_dir(root)
        .status()
        .map_err(|error| format!("cargo bench: {error}"))?;
    if !status.success() {
        return Err("the runtime bench failed".to_owned());
    }
    std::fs::read_to_string(ratios).map_err(|error| format!("{}: {error}", ratios.display()))
}

fn ratio(lines: &str, name: &str) -> Option<f64> {
    lines.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}
