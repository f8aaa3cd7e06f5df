//! Per-tag Cargo features: what compiles under which feature. `cargo xtask corpus
//! codegen/tests/specs --tags` (run by CI) builds this spec's crate one tag at a time,
//! warning-free; the e2e tests run generated code with every feature on.

use apigen::{generate_text, Parts, RuntimeDependency};
use std::path::Path;

const BOTH: Parts = Parts { client: true, server: true };

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/tags.yaml")).unwrap()
}

fn file(files: &[(std::path::PathBuf, String)], name: &str) -> String {
    files.iter().find(|(path, _)| path.ends_with(name)).map(|(_, text)| text.clone()).unwrap()
}

/// The attribute lines right above the line that contains `item`.
fn gate_of(text: &str, item: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let index = lines.iter().position(|line| line.contains(item)).unwrap_or_else(|| panic!("{item} not found"));
    let mut gate = String::new();
    for line in lines[..index].iter().rev() {
        let line = line.trim();
        if line.starts_with("#[cfg(") {
            gate = line.to_owned();
        }
        if !(line.starts_with("#[") || line.starts_with("///")) {
            break;
        }
    }
    gate
}

#[test]
fn each_tag_is_a_default_feature_with_a_valid_name() {
    let files = generate_text(&spec(), false, Path::new("tags.yaml"), BOTH)
        .unwrap()
        .crate_files("store", &RuntimeDependency::Path("../runtime".into()))
        .unwrap();
    let manifest = file(&files, "Cargo.toml");
    assert!(manifest.contains("pets = [] # tag \"pets\": 2 operations\n"), "{manifest}");
    assert!(manifest.contains("store-front = [] # tag \"Store Front\": 2 operations\n"), "{manifest}");
    // A tag spelled like a built-in feature gets a name of its own.
    assert!(manifest.contains("client-tag = [] # tag \"client\": 1 operation\n"), "{manifest}");
    assert!(manifest.contains("client = [\"apigen-runtime/client\"]\n"), "{manifest}");
    for feature in ["client", "server", "pets", "store-front", "client-tag"] {
        assert!(manifest.contains(&format!("    \"{feature}\",\n")), "{feature} is not a default feature:\n{manifest}");
    }
}

#[test]
fn types_compile_under_the_tags_that_reach_them() {
    let files = generate_text(&spec(), false, Path::new("tags.yaml"), BOTH)
        .unwrap()
        .crate_files("store", &RuntimeDependency::Path("../runtime".into()))
        .unwrap();
    let types = file(&files, "types.rs");
    let shared = "#[cfg(any(feature = \"pets\", feature = \"store-front\"))]";
    assert_eq!(gate_of(&types, "pub struct Pet "), shared);
    // Reached only through Pet's field: the same tags as Pet.
    assert_eq!(gate_of(&types, "pub struct Category "), shared);
    assert_eq!(gate_of(&types, "pub struct Order "), "#[cfg(feature = \"store-front\")]");
    // Used by an untagged operation, or by none: always compiled.
    assert_eq!(gate_of(&types, "pub struct Problem "), "");
    assert_eq!(gate_of(&types, "pub struct Unused "), "");
    // Pets reach Rank through Category, but Unused, always compiled, names it too.
    assert_eq!(gate_of(&types, "pub struct Rank "), "");
    // The runtime's prelude is imported whole, under no gate.
    assert_eq!(gate_of(&types, "use apigen_runtime::__private::*;"), "");
}

#[test]
fn operations_client_and_server_follow_their_tags() {
    let files = generate_text(&spec(), false, Path::new("tags.yaml"), BOTH)
        .unwrap()
        .crate_files("store", &RuntimeDependency::Path("../runtime".into()))
        .unwrap();
    let pets = "#[cfg(feature = \"pets\")]";
    let operations = file(&files, "operations.rs");
    assert_eq!(gate_of(&operations, "pub struct ListPetsRequest "), pets);
    assert_eq!(gate_of(&operations, "pub enum ListPetsResponse "), pets);
    assert_eq!(gate_of(&operations, "pub enum HealthResponse "), "");
    let client = file(&files, "client.rs");
    assert_eq!(gate_of(&client, "pub async fn list_pets("), pets);
    assert_eq!(gate_of(&client, "pub async fn health("), "");
    let server = file(&files, "server.rs");
    assert_eq!(gate_of(&server, "fn list_pets("), pets);
    assert_eq!(gate_of(&server, "async fn handle_list_pets<"), pets);
    // One path, two tags: a route statement per tag, merged by axum.
    assert!(server.contains(
        "    #[cfg(feature = \"pets\")]\n    let routes = routes.route(\"/v1/pets\", routing::get(handle_list_pets::<S>));\n"
    ), "{server}");
    assert!(server.contains(
        "    #[cfg(feature = \"store-front\")]\n    let routes = routes.route(\"/v1/pets\", routing::post(handle_add_pet::<S>));\n"
    ), "{server}");
}

#[test]
fn module_files_and_specs_with_one_tag_gate_nothing() {
    let generated = generate_text(&spec(), false, Path::new("tags.yaml"), BOTH).unwrap();
    let module_file = generated.module_file().unwrap();
    assert!(module_file.contains("pub async fn list_pets("));
    assert!(!module_file.contains("#[cfg(feature = \"pets\")]"), "a module file's features are the includer's");

    let one_tag = spec().replace("[Store Front]", "[pets]").replace("[client]", "[pets]");
    let files = generate_text(&one_tag, false, Path::new("tags.yaml"), BOTH)
        .unwrap()
        .crate_files("store", &RuntimeDependency::Path("../runtime".into()))
        .unwrap();
    assert!(!file(&files, "Cargo.toml").contains("pets"));
    assert!(!file(&files, "client.rs").contains("#[cfg(feature = \"pets\")]"));
}
