//! `cargo xtask bench`: figures a person can compare over time. Generation time and peak heap
//! per stage for the largest corpus specs, lines generated, `cargo check` time of a generated
//! crate (all features, one tag), the runtime overhead of a generated client and server
//! against hand-written reqwest and axum code on 127.0.0.1, and what the runtime's spans add
//! to it. Every figure has its baseline beside it, measured in the same run.

mod compile;
pub mod generation;
pub mod heap;
mod peer;
mod spans;
mod stats;

use std::path::PathBuf;

/// The largest specs of the corpus, relative to it.
const LARGEST: [&str; 3] = [
    "openapi-3.0/progenitor__api.github.com.json",
    "openapi-3.0/stripe__spec3-2022-04.json",
    "swagger-2.0/k8s-client-python__kubernetes-swagger.json",
];

struct Options {
    runs: usize,
    specs: Vec<PathBuf>,
    corpus: bool,
    compile: bool,
    runtime: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { runs: 5, specs: Vec::new(), corpus: false, compile: true, runtime: true };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value =
            |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{}", super::USAGE));
        match arg.as_str() {
            "--runs" => {
                options.runs = value("--runs")?.parse().ok().filter(|runs| *runs > 0).ok_or("--runs takes a count")?
            }
            "--spec" => options.specs.push(value("--spec")?.into()),
            "--corpus" => options.corpus = true,
            "--no-compile" => options.compile = false,
            "--no-runtime" => options.runtime = false,
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    if cfg!(debug_assertions) {
        // Figures from a debug build say nothing.
        return super::run_in_release("bench", args);
    }
    let options = parse(args)?;
    heap::start_counting();
    let root = super::workspace_root();
    let corpus = root.join("../shared/corpus");
    let scratch = super::target_dir()?.join("bench");
    std::fs::create_dir_all(&scratch).map_err(|error| format!("{}: {error}", scratch.display()))?;

    let (specs, runs) = if options.corpus {
        let mut specs = Vec::new();
        super::corpus::spec_files(&corpus, &mut specs)?;
        specs.sort();
        (specs, 1)
    } else if options.specs.is_empty() {
        (LARGEST.iter().map(|spec| corpus.join(spec)).collect(), options.runs)
    } else {
        (options.specs.clone(), options.runs)
    };
    // The peer is measured beside the largest specs, not across the corpus (minutes a spec).
    let peer = !options.corpus && peer::installed();
    let mut rows = Vec::new();
    for spec in &specs {
        let name = spec.strip_prefix(&corpus).unwrap_or(spec).to_string_lossy().into_owned();
        match generation::measure(spec, &scratch.join("generation"), runs, peer) {
            Ok(figures) => rows.push((name, figures)),
            Err(error) => eprintln!("{name}: {error}"),
        }
    }
    generation::print(&rows, runs);

    if options.compile && !options.corpus {
        compile::run(&root, &specs[0], &scratch, options.runs.min(3))?;
    }
    if options.runtime && !options.corpus {
        // Loopback throughput on two cores varies from round to round by several percent;
        // three rounds per run keep the median of the ratio steady.
        runtime(&root, &scratch, options.runs * 3)?;
    }
    Ok(())
}

/// The runtime overhead and stream figures come from benches of the `e2e` crate, which links the
/// generated seed crates (xtask must not: it has to build when they are stale).
fn runtime(root: &std::path::Path, scratch: &std::path::Path, rounds: usize) -> Result<(), String> {
    // The runtime bench itself, spans compiled in, then again without them.
    spans::run(root, scratch, rounds)?;
    // Streams: events/s and MiB/s beside baselines, and peak memory.
    crate::cargo(&["bench", "--quiet", "--package", "e2e", "--bench", "streams", "--", "3"], "the streams bench failed")
}
