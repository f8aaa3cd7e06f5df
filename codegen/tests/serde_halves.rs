//! Each half of a crate derives only the serde impls it uses: a client writes requests and
//! reads responses, a server the reverse. `cargo xtask corpus codegen/tests/specs --tags`
//! (run by CI) builds this spec's client alone and its server alone, warning-free; the e2e
//! tests run generated code with both.

use apigen::{generate_text, Parts, RuntimeDependency};
use std::path::Path;

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/halves.yaml")).unwrap()
}

fn types_of_crate(parts: Parts) -> String {
    let files = generate_text(&spec(), false, Path::new("halves.yaml"), parts)
        .unwrap()
        .crate_files("halves", &RuntimeDependency::Path("../runtime".into()))
        .unwrap();
    files.into_iter().find(|(path, _)| path.ends_with("types.rs")).map(|(_, text)| text).unwrap()
}

/// The attribute lines right above the line that declares `item`, joined.
fn attributes_of(text: &str, item: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let index = lines.iter().position(|line| line.contains(item)).unwrap_or_else(|| panic!("{item} not found"));
    let above = lines[..index].iter().rev().map(|line| line.trim()).take_while(|line| {
        line.starts_with("#[") || line.starts_with("///") || line.starts_with("//!") || line.is_empty()
    });
    let mut attributes: Vec<&str> = above.filter(|line| line.starts_with("#[")).collect();
    attributes.reverse();
    attributes.join("\n")
}

const CLIENT_SIDE: &str = r#"any(feature = "client", not(feature = "server"))"#;
const SERVER_SIDE: &str = r#"any(feature = "server", not(feature = "client"))"#;

#[test]
fn a_crate_derives_per_half_what_it_writes_and_reads() {
    let types = types_of_crate(Parts { client: true, server: true });
    // Requests only: the client writes them, the server reads them.
    let new_pet = attributes_of(&types, "pub struct NewPet ");
    assert!(new_pet.contains("#[derive(Clone, Debug, PartialEq)]"), "{new_pet}");
    assert!(new_pet.contains(&format!("#[cfg_attr({CLIENT_SIDE}, derive(Serialize))]")), "{new_pet}");
    assert!(new_pet.contains(&format!("#[cfg_attr({SERVER_SIDE}, derive(Deserialize))]")), "{new_pet}");
    // Responses only: the reverse.
    let pet = attributes_of(&types, "pub struct Pet ");
    assert!(pet.contains(&format!("#[cfg_attr({SERVER_SIDE}, derive(Serialize))]")), "{pet}");
    assert!(pet.contains(&format!("#[cfg_attr({CLIENT_SIDE}, derive(Deserialize))]")), "{pet}");
    // Both ways, and no way: both impls, always.
    for both in ["pub struct Tag ", "pub struct Unused "] {
        let attributes = attributes_of(&types, both);
        assert!(attributes.contains("PartialEq, Serialize, Deserialize)]"), "{both}: {attributes}");
        assert!(!attributes.contains("cfg_attr"), "{both}: {attributes}");
    }
    // A request parameter's enum.
    assert!(attributes_of(&types, "pub enum Kind ").contains(CLIENT_SIDE));
    // Hand-written impls carry the same cfg: the union's reader is the server's.
    let filter = types.find("impl<'de> Deserialize<'de> for Filter").expect("the union's reader");
    assert!(types[..filter].trim_end().ends_with(&format!("#[cfg({SERVER_SIDE})]")), "{types}");
    // The default serde reads is public, so no build leaves it unused.
    assert!(types.contains("pub fn default_limit() -> i64"), "{types}");
}

#[test]
fn a_crate_of_one_half_derives_only_what_that_half_uses() {
    let types = types_of_crate(Parts { client: true, server: false });
    let new_pet = attributes_of(&types, "pub struct NewPet ");
    // Always the client's; `Deserialize` only for a build without the client.
    assert!(new_pet.contains("PartialEq, Serialize)]"), "{new_pet}");
    assert!(new_pet.contains(r#"#[cfg_attr(not(feature = "client"), derive(Deserialize))]"#), "{new_pet}");
}

#[test]
fn a_module_file_derives_what_its_halves_use_with_no_features() {
    let client_only = generate_text(&spec(), false, Path::new("halves.yaml"), Parts { client: true, server: false })
        .unwrap()
        .module_file()
        .unwrap();
    let new_pet = attributes_of(&client_only, "pub struct NewPet ");
    assert!(new_pet.contains("PartialEq, Serialize)]") && !new_pet.contains("cfg_attr"), "{new_pet}");
    let pet = attributes_of(&client_only, "pub struct Pet ");
    assert!(pet.contains("PartialEq, Deserialize)]") && !pet.contains("cfg_attr"), "{pet}");
    assert!(!client_only.contains("impl<'de> Deserialize<'de> for Filter"), "the server's reader, in a client");

    let both = generate_text(&spec(), false, Path::new("halves.yaml"), Parts { client: true, server: true })
        .unwrap()
        .module_file()
        .unwrap();
    assert!(!both.contains("cfg_attr(any(feature"), "a module file's features are the includer's");
}
