//! Every input that ever made the generator fail (`cargo xtask fuzz` saves them in
//! `fuzz-regressions/`), with hand-made hostile specs beside them: `$ref` cycles, deep
//! nesting, huge enums, names that are keywords, empty or quoted, and text that tries to
//! end a comment or open a doctest. Each must be generated or refused with an error, never
//! a panic, and what is generated keeps spec text inert.

use apigen::{generate_text, Parts};
use std::path::{Path, PathBuf};

const BOTH: Parts = Parts { client: true, server: true };

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut inputs: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).filter(|path| path.is_file()).collect();
    inputs.sort();
    inputs
}

/// The generated crate's Rust files as one text, or the generator's error message.
fn generate(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let json = path.extension().is_some_and(|extension| extension == "json");
    // A directory that does not exist: these inputs may not read files.
    let source = Path::new("/nonexistent-apigen-fuzz/spec.json");
    let generated = generate_text(&text, json, source, BOTH).map_err(|error| error.message)?;
    let files = generated
        .crate_files("fuzz", &apigen::RuntimeDependency::Path("../runtime".into()))
        .map_err(|error| error.message)?;
    let rust = files.into_iter().filter(|(path, _)| path.extension().is_some_and(|extension| extension == "rs"));
    Ok(rust.map(|(_, text)| text).collect::<Vec<_>>().join("\n"))
}

#[test]
fn every_saved_input_is_generated_or_refused_without_a_panic() {
    let inputs = inputs();
    assert!(inputs.len() >= 5, "{inputs:?}");
    for input in inputs {
        match std::panic::catch_unwind(|| generate(&input)) {
            Ok(Ok(_)) => {}
            Ok(Err(message)) => assert!(!message.contains("bug in apigen"), "{}: {message}", input.display()),
            Err(_) => panic!("{} panicked", input.display()),
        }
    }
}

/// A line of code with the text of its string literals left out (escapes honoured).
fn outside_strings(line: &str) -> String {
    let (mut code, mut in_string, mut escaped) = (String::new(), false, false);
    for character in line.chars() {
        match (in_string, escaped, character) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (true, false, _) => {}
            (false, _, '"') => in_string = true,
            (false, _, other) => code.push(other),
        }
    }
    code
}

#[test]
fn hostile_text_stays_in_docs_and_names_stay_identifiers() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let code = generate(&dir.join("hostile-names.json")).unwrap();
    for line in code.lines() {
        let line = line.trim_start();
        let in_docs = line.starts_with("///") || line.starts_with("//!") || line.starts_with("#[doc = ");
        if !in_docs {
            // Spec text in a string literal (an operationId kept for traces) is data.
            let code = outside_strings(line);
            assert!(!code.contains("fn injected") && !code.contains("panic!()"), "spec text as code: {line}");
        }
        if line.starts_with("#[doc = ") {
            assert!(!line.contains("\\n"), "a doc attribute spans lines, and could open a code block: {line}");
        }
        if let Some(fence) =
            ["```", "~~~"].iter().find(|fence| line.trim_start_matches(['/', '!', ' ']).starts_with(**fence))
        {
            let rest = line.trim_start_matches(['/', '!', ' ']).trim_start_matches(fence.chars().next().unwrap());
            assert!(rest.is_empty() || rest == "text", "a code block rustdoc would run: {line}");
        }
    }
    // Names that are keywords, empty or quoted became identifiers; their wire names stay.
    for expected in [
        "pub r#type: Option<String>",
        "pub self_: Option<String>",
        "pub self_2: Option<String>",
        "rename = \"\\\"quoted\\\"\"",
    ] {
        assert!(code.contains(expected), "{expected}");
    }
}

#[test]
fn a_huge_enum_is_generated_with_unique_variants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let code = generate(&dir.join("huge-enums.json")).unwrap();
    let huge = code.split("pub enum Huge").nth(1).unwrap().split("\n}").next().unwrap();
    let variants: Vec<&str> =
        huge.lines().map(str::trim).filter(|line| line.ends_with(',') && !line.starts_with('#')).collect();
    let unique: std::collections::HashSet<&&str> = variants.iter().collect();
    assert_eq!(unique.len(), variants.len(), "duplicate variants");
    // 20,000 values, 7,505 of them distinct, and the catch-all.
    assert_eq!(variants.len(), 7_506);
}
