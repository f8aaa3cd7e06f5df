//! `cargo xtask fuzz`: the generator against mutated specs. Each case is a corpus or seed
//! spec with a few random mutations (keys removed or renamed to keywords and odd text,
//! values replaced, `$ref`s pointed anywhere and at themselves, schemas nested deep, enums
//! made huge, descriptions that try to end a comment), run through load, model, emit and
//! format. A panic, a hang, or generated code that does not parse is a failure: the input
//! is saved to `codegen/tests/fuzz-regressions/`, which a test replays on every run.

use crate::guarded::{self, Guarded};
use apigen::{generate_text, Parts};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Longer than any spec of the corpus takes (the largest: about 2 s in a debug build).
const HANG: Duration = Duration::from_secs(30);
/// Specs larger than this are left out: a case should take milliseconds.
const MAX_SPEC_BYTES: u64 = 200_000;

struct Options {
    seconds: u64,
    seed: u64,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { seconds: 60, seed: 1 };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> Result<u64, String> {
            args.next().and_then(|value| value.parse().ok()).ok_or_else(|| format!("{flag} takes a number"))
        };
        match arg.as_str() {
            "--seconds" => options.seconds = number("--seconds")?,
            "--seed" => options.seed = number("--seed")?,
            other => return Err(format!("unknown argument {other:?}\n{}", super::USAGE)),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    if cfg!(debug_assertions) {
        // Ten times the executions per second; the same code paths.
        return super::run_in_release("fuzz", args);
    }
    let options = parse(args)?;
    let root = super::workspace_root();
    let seeds = seed_specs(&root)?;
    let regressions = root.join("codegen/tests/fuzz-regressions");
    let current = super::target_dir()?.join("fuzz-current-case.json");
    println!("fuzzing from {} specs for {} s (seed {})", seeds.len(), options.seconds, options.seed);
    std::panic::set_hook(Box::new(|_| {}));
    let mut random = Random(options.seed.max(1));
    let started = Instant::now();
    let (mut executions, mut rejected, mut failures) = (0u64, 0u64, 0u64);
    let mut slowest = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(options.seconds) {
        let mut spec = seeds[random.below(seeds.len())].clone();
        for _ in 0..=random.below(4) {
            mutate(&mut spec, &mut random);
        }
        let text = serde_json::to_string(&spec).map_err(|error| error.to_string())?;
        // A stack overflow aborts the process: the case that did it is left here.
        std::fs::write(&current, &text).map_err(|error| format!("{}: {error}", current.display()))?;
        let case_started = Instant::now();
        let outcome = run_case(text.clone());
        slowest = slowest.max(case_started.elapsed());
        executions += 1;
        match outcome {
            Outcome::Generated => {}
            Outcome::Refused => rejected += 1,
            Outcome::Failed(why) => {
                failures += 1;
                let path = save(&regressions, &text)?;
                println!("FAILURE {why}\n  input saved to {}", path.display());
            }
        }
    }
    let _ = std::panic::take_hook();
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{executions} executions in {elapsed:.0} s ({:.0}/s): {} generated, {rejected} refused with an error, \
         {failures} failures (panics, hangs, unparsable output); slowest case {} ms",
        executions as f64 / elapsed,
        executions - rejected - failures,
        slowest.as_millis()
    );
    if failures == 0 {
        Ok(())
    } else {
        Err(format!("{failures} failures; their inputs are in {}", regressions.display()))
    }
}

pub enum Outcome {
    Generated,
    Refused,
    Failed(String),
}

/// One case on a thread of its own, so that a hang is noticed and left behind.
fn run_case(text: String) -> Outcome {
    match guarded::run(HANG, move || check(&text)) {
        Guarded::Done(outcome) => outcome,
        Guarded::Panicked(message) => Outcome::Failed(format!("panic: {message}")),
        Guarded::TimedOut => Outcome::Failed(format!("no result within {} s", HANG.as_secs())),
    }
}

/// The whole pipeline but writing. A spec error is a fine answer; an error that says the
/// output does not parse is a generator bug.
pub fn check(text: &str) -> Outcome {
    // A directory that does not exist: no `$ref` may read files.
    let source = Path::new("/nonexistent-apigen-fuzz/spec.json");
    let generated = match generate_text(text, true, source, Parts { client: true, server: true }) {
        Ok(generated) => generated,
        Err(_) => return Outcome::Refused,
    };
    match generated.crate_files("fuzz", &apigen::RuntimeDependency::Path("../runtime".into())) {
        Ok(_) => Outcome::Generated,
        Err(error) if error.message.contains("bug in apigen") => Outcome::Failed(error.to_string()),
        Err(_) => Outcome::Refused,
    }
}

fn save(dir: &Path, text: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    // Named by content, so the same failure saved twice is one file.
    let hash = text
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3));
    let path = dir.join(format!("{hash:016x}.json"));
    std::fs::write(&path, text).map_err(|error| format!("{}: {error}", path.display()))?;
    Ok(path)
}

/// The specs of `specs/` and the smaller ones of the corpus, as JSON values.
fn seed_specs(root: &Path) -> Result<Vec<Value>, String> {
    let mut files = Vec::new();
    super::corpus::spec_files(&root.join("specs"), &mut files)?;
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        super::corpus::spec_files(&corpus, &mut files)?;
    }
    files.sort();
    let mut specs = Vec::new();
    for file in files {
        if std::fs::metadata(&file).map_or(true, |metadata| metadata.len() > MAX_SPEC_BYTES) {
            continue;
        }
        let text = std::fs::read_to_string(&file).map_err(|error| format!("{}: {error}", file.display()))?;
        let json = file.extension().is_some_and(|extension| extension == "json");
        specs.extend(apigen::spec_document(&text, json).ok());
    }
    if specs.is_empty() {
        return Err("no seed specs found".to_owned());
    }
    Ok(specs)
}

/// xorshift64*: enough randomness for choosing mutations, and repeatable from a seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "$ref",
    "type",
    "enum",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "required",
    "nullable",
    "discriminator",
    "format",
    "default",
    "const",
    "additionalProperties",
    "in",
    "style",
    "explode",
    "operationId",
    "description",
    "x-token-refresh",
    "security",
    "content",
    "schema",
    "parameters",
    "responses",
    "name",
    "$defs",
    "exclusiveMinimum",
    "examples",
    "webhooks",
    "securitySchemes",
    "mapping",
    "propertyName",
    "x-nullable",
];

const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "",
    " ",
    "*/",
    "\"quoted\"",
    "r#x",
    "0",
    "9lives",
    "é",
    "a/b",
    "~",
    "{id}",
    "Default",
    "Option",
    "Result",
    "String",
    "Box",
    "Vec",
    "mod",
    "fn",
    "async",
    "await",
    "dyn",
    "_",
    "__",
    "body",
    "request",
    "response",
    "client",
    "Api",
    "Error",
    "-",
    "--x--",
    "a b",
    "🦀",
    "try",
    "union",
    "macro_rules",
];

const TEXTS: &[&str] = &[
    "*/ fn evil() {} /*",
    "\"); panic!(\"",
    "#[cfg(any())]",
    "\n\n```rust\npanic!()\n```",
    "\u{0}",
    "{",
    "}",
    "{id}",
    "%zz%",
    "~1~0",
    "#/components/schemas/",
    "#/",
    "#",
    "application/json",
    "multipart/form-data",
    "*/*",
    "2XX",
    "default",
    "int64",
    "date-time",
    "binary",
    "deepObject",
    "",
];

fn random_scalar(random: &mut Random) -> Value {
    match random.below(8) {
        0 => Value::Null,
        1 => json!(random.next() % 1000),
        2 => json!(-1.5e300),
        3 => json!(random.below(2) == 0),
        4 => json!(*random.pick(TEXTS)),
        5 => json!(*random.pick(NAMES)),
        6 => json!("x".repeat(10_000)),
        _ => json!([]),
    }
}

fn count(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count).sum(),
        Value::Array(items) => items.iter().map(count).sum(),
        _ => 0,
    }
}

/// The `index`th node in depth-first order, with its JSON pointer.
fn node_mut(value: &mut Value, index: usize, pointer: String) -> (&mut Value, String) {
    if index == 0 {
        return (value, pointer);
    }
    let mut remaining = index - 1;
    let children: Vec<(String, usize)> = match &*value {
        Value::Object(map) => {
            map.iter().map(|(key, child)| (apigen::diagnostics::escape_token(key), count(child))).collect()
        }
        Value::Array(items) => items.iter().enumerate().map(|(at, child)| (at.to_string(), count(child))).collect(),
        _ => return (value, pointer),
    };
    let mut found = None;
    for (position, (token, size)) in children.into_iter().enumerate() {
        if remaining < size {
            found = Some((position, token));
            break;
        }
        remaining -= size;
    }
    let Some((position, token)) = found else { return (value, pointer) };
    let pointer = format!("{pointer}/{token}");
    // `position` came from this node's own children.
    match value {
        Value::Object(map) => {
            node_mut(map.values_mut().nth(position).expect("a child of this node"), remaining, pointer)
        }
        Value::Array(items) => node_mut(&mut items[position], remaining, pointer),
        other => (other, pointer),
    }
}

fn mutate(spec: &mut Value, random: &mut Random) {
    let total = count(spec);
    let donor = {
        let (node, _) = node_mut(spec, random.below(total), String::new());
        node.clone()
    };
    let other_pointer = node_mut(spec, random.below(total), String::new()).1;
    let (node, pointer) = node_mut(spec, random.below(total), String::new());
    match random.below(11) {
        // A value replaced.
        0 => *node = random_scalar(random),
        // A key removed.
        1 => {
            if let Value::Object(map) = node {
                if !map.is_empty() {
                    let key = map.keys().nth(random.below(map.len())).cloned().unwrap_or_default();
                    map.remove(&key);
                }
            }
        }
        // A keyword set.
        2 => {
            if let Value::Object(map) = node {
                map.insert((*random.pick(KEYS)).to_owned(), random_scalar(random));
            }
        }
        // A `$ref` anywhere, to itself, or to its own parent.
        3 => {
            let target = match random.below(3) {
                0 => format!("#{other_pointer}"),
                1 => format!("#{pointer}"),
                _ => format!("#{}", pointer.rsplit_once('/').map_or("", |(parent, _)| parent)),
            };
            *node = json!({ "$ref": target });
        }
        // A key renamed.
        4 => {
            if let Value::Object(map) = node {
                if let Some(key) = map.keys().nth(random.below(map.len().max(1))).cloned() {
                    if let Some(value) = map.remove(&key) {
                        map.insert((*random.pick(NAMES)).to_owned(), value);
                    }
                }
            }
        }
        // Text that tries to escape a comment or a string.
        5 => {
            if node.is_string() || random.below(2) == 0 {
                *node = json!(*random.pick(TEXTS));
            }
        }
        // Deep nesting.
        6 => {
            let depth = 1 + random.below(100);
            let mut nested = std::mem::take(node);
            for level in 0..depth {
                nested = if level % 2 == 0 {
                    json!({"type": "array", "items": nested})
                } else {
                    json!({"allOf": [nested], "nullable": true})
                };
            }
            *node = nested;
        }
        // A huge enum, with duplicates and odd values.
        7 => {
            let values: Vec<Value> = (0..10_000)
                .map(|index| match index % 5 {
                    0 => json!(format!("v{}", index / 2)),
                    1 => json!(*random.pick(NAMES)),
                    2 => json!(index),
                    3 => Value::Null,
                    _ => json!(format!("V {index}")),
                })
                .collect();
            *node = json!({"type": "string", "enum": values});
        }
        // A subtree copied elsewhere.
        8 => *node = donor,
        // A name of a map entry made hostile (a schema, a property, a path).
        9 => {
            if let Value::Object(map) = node {
                map.insert((*random.pick(NAMES)).to_owned(), donor);
            }
        }
        // An object where a list stands and the reverse.
        _ => {
            *node = match std::mem::take(node) {
                Value::Array(items) => Value::Object(
                    items.into_iter().enumerate().map(|(index, item)| (index.to_string(), item)).collect::<Map<_, _>>(),
                ),
                Value::Object(map) => Value::Array(map.into_iter().map(|(_, value)| value).collect()),
                other => json!([other]),
            }
        }
    }
}
