//! The peer generator, measured in the same run when it is installed: openapi-generator's
//! `rust` generator (`pip install openapi-generator-cli`, which runs its jar on Java), the
//! whole process timed as a user runs it, its peak resident memory (the JVM's included) as
//! GNU time reports it.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const COMMAND: &str = "openapi-generator-cli";
const TIME: &str = "/usr/bin/time";

/// Whether the peer can be run here (it prints its version).
pub fn installed() -> bool {
    Command::new(COMMAND).arg("version").output().is_ok_and(|output| output.status.success())
}

/// One run of the peer on `spec` into `out`: wall time and peak RSS in bytes (0 when GNU
/// time is missing). Specs its validator refuses are generated anyway, as ours are.
pub fn run(spec: &Path, out: &Path) -> Result<(Duration, usize), String> {
    let _ = std::fs::remove_dir_all(out);
    let timed = Path::new(TIME).exists();
    let mut command = if timed {
        let mut command = Command::new(TIME);
        command.args(["-f", "peak-rss-kb %M", COMMAND]);
        command
    } else {
        Command::new(COMMAND)
    };
    command.args(["generate", "-g", "rust", "--skip-validate-spec", "-i"]).arg(spec).arg("-o").arg(out);
    let start = Instant::now();
    let output = command.output().map_err(|error| format!("{COMMAND}: {error}"))?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        return Err(format!("{COMMAND} failed on {}: {}", spec.display(), tail.join(" | ")));
    }
    let rss = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix("peak-rss-kb ")?.trim().parse::<usize>().ok())
        .map_or(0, |kilobytes| kilobytes * 1024);
    Ok((elapsed, rss))
}
