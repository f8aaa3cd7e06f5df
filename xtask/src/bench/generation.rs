//! Generation figures: wall time and peak heap per stage (the stages run in sequence on one
//! thread), and end to end as `cargo xtask generate` runs it (modules rendered in parallel).

use super::heap;
use super::stats::{median, megabytes};
use apigen::profile::{self, Stage};
use apigen::Builder;
use std::path::Path;
use std::time::{Duration, Instant};

/// Goals of issue 6 on a 2-core machine, printed beside the figures.
const GOAL_GITHUB: Duration = Duration::from_secs(1);
const GOAL_ANY: Duration = Duration::from_secs(2);
const GOAL_PEAK_MB: f64 = 200.0;
/// Goals of issue 19: the GitHub spec end to end, and its speedup over openapi-generator.
const GOAL_GITHUB_FAST: Duration = Duration::from_millis(500);
const GOAL_PEER_SPEEDUP: f64 = 25.0;

pub struct Figures {
    pub operations: usize,
    pub types: usize,
    pub rust_lines: usize,
    /// Per stage, in [`Stage::ALL`] order: median time and median peak heap.
    pub stages: Vec<(Duration, usize)>,
    pub end_to_end: Duration,
    pub end_to_end_rss: usize,
    /// openapi-generator's time and peak RSS on the same spec, when it is installed.
    pub peer: Option<Result<(Duration, usize), String>>,
}

/// One staged run: each stage's time and the most heap it held.
fn staged_run(spec: &Path, out: &Path) -> Result<(profile::Output, Vec<(Duration, usize)>), String> {
    let _ = std::fs::remove_dir_all(out);
    let mut marks: Vec<(Instant, usize)> = Vec::new();
    let mut at_stage = |_stage: Stage| {
        let now = Instant::now();
        if let Some(last) = marks.last_mut() {
            // The previous stage ends here: close it with its peak.
            last.1 = heap::peak();
        }
        marks.push((now, 0));
        heap::reset_peak();
    };
    let output = profile::generate_crate(
        spec,
        out,
        "bench-crate",
        &apigen::RuntimeDependency::Path("../runtime".into()),
        &mut at_stage,
    )
    .map_err(|error| error.to_string())?;
    let end = Instant::now();
    if let Some(last) = marks.last_mut() {
        last.1 = heap::peak();
    }
    let mut stages = Vec::new();
    for (index, (start, peak)) in marks.iter().enumerate() {
        let stop = marks.get(index + 1).map_or(end, |next| next.0);
        stages.push((stop - *start, *peak));
    }
    Ok((output, stages))
}

/// One run the way `cargo xtask generate` does it, in a process of its own so that its
/// peak resident memory is its own, and uncounted so that it runs at a user's speed: wall
/// time and peak RSS.
fn end_to_end_run(spec: &Path, out: &Path) -> Result<(Duration, usize), String> {
    let _ = std::fs::remove_dir_all(out);
    let child = std::process::Command::new(std::env::current_exe().map_err(|error| error.to_string())?)
        .args(["bench-one".as_ref(), spec.as_os_str(), out.as_os_str()])
        .output()
        .map_err(|error| error.to_string())?;
    let report = String::from_utf8_lossy(&child.stdout);
    let figures: Vec<u64> = report.split_whitespace().filter_map(|word| word.parse().ok()).collect();
    match figures[..] {
        [micros, rss] if child.status.success() => Ok((Duration::from_micros(micros), rss as usize)),
        _ => Err(format!("bench-one failed: {}", String::from_utf8_lossy(&child.stderr))),
    }
}

/// The child of [`end_to_end_run`]: generates `spec` into `out` and prints microseconds and
/// peak RSS bytes.
pub fn one(args: &[String]) -> Result<(), String> {
    let [spec, out] = args else { return Err("usage: xtask bench-one SPEC OUT".to_owned()) };
    let start = Instant::now();
    let generated = Builder::new(spec).generate().map_err(|error| error.to_string())?;
    let files = generated
        .crate_files("bench-crate", &apigen::RuntimeDependency::Path("../runtime".into()))
        .map_err(|error| error.to_string())?;
    apigen::write_files(Path::new(out), &files, apigen::WriteMode::Write).map_err(|error| error.to_string())?;
    let elapsed = start.elapsed();
    println!("{} {}", elapsed.as_micros(), peak_rss().unwrap_or(0));
    Ok(())
}

/// This process's peak resident set (Linux: `VmHWM`).
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// The figures of `spec`, openapi-generator's beside them when `peer` is set (its runs
/// alternate with ours, so both see the same machine).
pub fn measure(spec: &Path, out: &Path, runs: usize, peer: bool) -> Result<Figures, String> {
    let mut staged = Vec::new();
    let mut whole = Vec::new();
    let mut peer_runs = Vec::new();
    let mut peer_failure = None;
    let mut output = None;
    for _ in 0..runs {
        let (produced, stages) = staged_run(spec, out)?;
        output = Some(produced);
        staged.push(stages);
        whole.push(end_to_end_run(spec, out)?);
        if peer && peer_failure.is_none() {
            match super::peer::run(spec, &out.with_extension("peer")) {
                Ok(run) => peer_runs.push(run),
                Err(error) => peer_failure = Some(error),
            }
        }
    }
    let peer = peer.then(|| match peer_failure {
        Some(error) => Err(error),
        None => Ok((
            median(peer_runs.iter().map(|run| run.0).collect()),
            median(peer_runs.iter().map(|run| run.1).collect()),
        )),
    });
    let output = output.ok_or("no runs")?;
    let stages = (0..Stage::ALL.len())
        .map(|stage| {
            let times: Vec<Duration> = staged.iter().map(|run| run[stage].0).collect();
            let peaks: Vec<usize> = staged.iter().map(|run| run[stage].1).collect();
            (median(times), median(peaks))
        })
        .collect();
    Ok(Figures {
        operations: output.operations,
        types: output.types,
        rust_lines: output.rust_lines,
        stages,
        end_to_end: median(whole.iter().map(|run| run.0).collect()),
        end_to_end_rss: median(whole.iter().map(|run| run.1).collect()),
        peer,
    })
}

fn millis(duration: Duration) -> String {
    format!("{:.0}", duration.as_secs_f64() * 1000.0)
}

pub fn print(rows: &[(String, Figures)], runs: usize) {
    println!("\n== generation (release build; median of {runs} runs; heap peaks from a counting allocator)");
    println!("stages in sequence on one thread, ms (peak heap MB):");
    let header: Vec<String> = Stage::ALL.iter().map(|stage| format!("{:>14}", stage.name())).collect();
    println!("{:<56} {:>5} {:>5} {:>7} {}", "spec", "ops", "types", "lines", header.join(""));
    for (name, figures) in rows {
        let stages: Vec<String> = figures
            .stages
            .iter()
            .map(|(time, peak)| format!("{:>14}", format!("{} ({:.0})", millis(*time), megabytes(*peak))))
            .collect();
        println!(
            "{:<56} {:>5} {:>5} {:>7} {}",
            name,
            figures.operations,
            figures.types,
            figures.rust_lines,
            stages.join("")
        );
    }
    println!(
        "\nend to end as `cargo xtask generate` runs it (parts rendered in parallel), in a fresh process each run,\n\
         beside the one-thread sum of the stages and the goals (GitHub: {} ms and {GOAL_PEAK_MB:.0} MB RSS; any spec: {} ms):",
        millis(GOAL_GITHUB),
        millis(GOAL_ANY)
    );
    println!("{:<56} {:>8} {:>9} {:>6} {:>8} {:>7}", "spec", "ms", "1-thread", "ratio", "RSS MB", "goals");
    let mut missed = 0;
    for (name, figures) in rows {
        let sequential: Duration = figures.stages.iter().map(|(time, _)| *time).sum();
        let met = meets_goals(name, figures);
        missed += usize::from(!met);
        println!(
            "{:<56} {:>8} {:>9} {:>6.2} {:>8.0} {:>7}",
            name,
            millis(figures.end_to_end),
            millis(sequential),
            figures.end_to_end.as_secs_f64() / sequential.as_secs_f64(),
            megabytes(figures.end_to_end_rss),
            if met { "met" } else { "MISSED" }
        );
    }
    if let Some((name, figures)) = rows.iter().max_by_key(|(_, figures)| figures.end_to_end) {
        println!("{} specs; slowest {name} at {} ms; {missed} missed a goal", rows.len(), millis(figures.end_to_end));
    }
    print_peer(rows);
}

/// Ours beside openapi-generator's `rust` generator, each spec in the same run.
fn print_peer(rows: &[(String, Figures)]) {
    if rows.iter().all(|(_, figures)| figures.peer.is_none()) {
        println!(
            "
openapi-generator is not installed (`pip install openapi-generator-cli`): no peer figures"
        );
        return;
    }
    println!(
        "
beside openapi-generator's rust generator (whole process, JVM included; target: GitHub {GOAL_PEER_SPEEDUP:.0}x faster and under {} ms):",
        millis(GOAL_GITHUB_FAST)
    );
    println!("{:<56} {:>8} {:>8} {:>14} {:>9} {:>8}", "spec", "ours ms", "RSS MB", "peer ms", "RSS MB", "speedup");
    for (name, figures) in rows {
        match &figures.peer {
            Some(Ok((time, rss))) => println!(
                "{:<56} {:>8} {:>8.0} {:>14} {:>9.0} {:>7.1}x",
                name,
                millis(figures.end_to_end),
                megabytes(figures.end_to_end_rss),
                millis(*time),
                megabytes(*rss),
                time.as_secs_f64() / figures.end_to_end.as_secs_f64()
            ),
            Some(Err(error)) => println!("{name:<56} {:>8} peer failed: {error}", millis(figures.end_to_end)),
            None => {}
        }
    }
}

/// The issue sets the stricter goals, time and memory, for the GitHub spec by name.
fn meets_goals(name: &str, figures: &Figures) -> bool {
    if name.contains("api.github.com") {
        figures.end_to_end < GOAL_GITHUB && megabytes(figures.end_to_end_rss) < GOAL_PEAK_MB
    } else {
        figures.end_to_end < GOAL_ANY
    }
}
