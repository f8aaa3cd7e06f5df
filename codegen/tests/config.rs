//! Options from the builder and from an `apigen.toml`: what each changes in the output, and
//! that a mistaken option is an error or a warning naming it. `e2e/tests/configured.rs`
//! compiles and serves a spec under such options.

use apigen::{Builder, Config};
use std::path::PathBuf;
use std::process::Command;

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
  /stats:
    get:
      operationId: stats
      tags: [admin]
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        born: {type: string, x-rust-type: {path: "chrono::NaiveDate"}}
        odd: {type: string, x-rust-type: "not a type!"}
    Name: {type: string}
"##;

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("pets.yaml"), SPEC).unwrap();
    dir
}

fn module(builder: Builder) -> (String, Vec<String>) {
    let generated = builder.generate().unwrap();
    let warnings = generated.warnings().iter().map(ToString::to_string).collect();
    (generated.module_file().unwrap(), warnings)
}

#[test]
fn builder_options_change_the_output() {
    let dir = scratch("builder");
    let (text, warnings) = module(
        Builder::new(dir.join("pets.yaml"))
            .derive("Pet", "Eq")
            .attribute("*", "#[non_exhaustive]")
            .operation_derive("listPets", "Eq")
            .tags(["pets"])
            .server(false),
    );
    assert!(text.contains("Deserialize, Eq)]"), "{text}");
    assert!(text.contains("#[non_exhaustive]\n    pub struct Pet"), "{text}");
    assert!(text.contains("#[derive(Clone, Debug, PartialEq, Eq)]\n    #[allow(clippy::large_enum_variant)]\n    pub enum ListPetsResponse"), "{text}");
    assert!(!text.contains("StatsResponse") && !text.contains("pub mod server"), "{text}");
    // x-rust-type, in typify's object form; one that is not a type is a warning.
    assert!(text.contains("pub born: Option<chrono::NaiveDate>"), "{text}");
    assert!(text.contains("pub odd: Option<String>"), "{text}");
    assert!(warnings.iter().any(|warning| warning.contains("odd/x-rust-type")), "{warnings:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replaced_types_are_aliases_of_the_named_type() {
    let dir = scratch("replace");
    let (text, _) = module(Builder::new(dir.join("pets.yaml")).replace_type("Pet", "crate::pets::Pet"));
    assert!(text.contains("pub type Pet = crate::pets::Pet;"), "{text}");
    assert!(!text.contains("pub struct Pet"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mistaken_options_are_named() {
    let dir = scratch("mistaken");
    let spec = dir.join("pets.yaml");
    let error = Builder::new(&spec).derive("Pet", "Eq(").generate().err().unwrap().to_string();
    assert!(error.contains("types.Pet.derives") && error.contains("pets.yaml"), "{error}");
    let error = Builder::new(&spec).attribute("Pet", "non_exhaustive").generate().err().unwrap().to_string();
    assert!(error.contains("types.Pet.attributes"), "{error}");
    let (_, warnings) =
        module(Builder::new(&spec).derive("Pett", "Eq").operation_derive("listPet", "Eq").derive("Name", "Eq"));
    for expected in ["types.Pett: names no schema", "operations.listPet: names no operationId", "Name is a type alias"]
    {
        assert!(warnings.iter().any(|warning| warning.contains(expected)), "{expected}: {warnings:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_binary_reads_the_apigen_toml_beside_the_spec() {
    let dir = scratch("binary");
    std::fs::write(
        dir.join("apigen.toml"),
        "tags = [\"pets\"]\nserver = false\nruntime = { version = \"0.1\" }\n[types.Pet]\nderives = [\"Eq\"]\n",
    )
    .unwrap();
    let out = dir.join("crate");
    let run = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args([dir.join("pets.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("apigen-runtime = { version = \"0.1\", default-features = false }"), "{manifest}");
    assert!(!out.join("src/server.rs").exists());
    let operations = std::fs::read_to_string(out.join("src/operations.rs")).unwrap();
    assert!(operations.contains("ListPetsResponse") && !operations.contains("StatsResponse"), "{operations}");
    let types = std::fs::read_to_string(out.join("src/types.rs")).unwrap();
    assert!(types.contains("Deserialize, Eq)]"), "{types}");

    std::fs::write(dir.join("apigen.toml"), "colour = \"brown\"\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args([dir.join("pets.yaml").to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && message.contains("apigen.toml") && message.contains("colour"), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_options_from_toml_and_builder() {
    let dir = scratch("same");
    let spec = dir.join("pets.yaml");
    let config =
        Config::from_toml("[types.Pet]\nderives = [\"Eq\"]\n[operations.listPets]\nattributes = [\"#[must_use]\"]\n")
            .unwrap();
    let from_toml = Builder::new(&spec).config(config).generate().unwrap().module_file().unwrap();
    let from_builder = Builder::new(&spec)
        .derive("Pet", "Eq")
        .operation_attribute("listPets", "#[must_use]")
        .generate()
        .unwrap()
        .module_file()
        .unwrap();
    assert_eq!(from_toml, from_builder);
    std::fs::remove_dir_all(&dir).unwrap();
}
