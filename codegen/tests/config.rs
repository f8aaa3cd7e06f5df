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

/// `text` as a spec file of its own.
fn spec_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-config-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join(format!("{name}.yaml"));
    std::fs::write(&spec, text).unwrap();
    spec
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

#[test]
fn formats_are_typed_unless_the_options_keep_them_strings() {
    const FORMATS: &str = r##"
openapi: 3.0.3
info: {title: Formats, version: "1"}
paths: {}
components:
  schemas:
    Event:
      type: object
      required: [id, at]
      properties:
        id: {type: string, format: uuid}
        at: {type: string, format: date-time}
        email: {type: string, format: email}
"##;
    let spec = spec_file("formats", FORMATS);
    let typed = Builder::new(&spec).generate().unwrap();
    let text = typed.module_file().unwrap();
    assert!(text.contains("pub id: apigen_runtime::formats::Uuid"), "{text}");
    assert!(text.contains("pub at: apigen_runtime::formats::DateTime"), "{text}");
    // A format without a type of its own stays a string.
    assert!(text.contains("pub email: Option<String>"), "{text}");
    let runtime = apigen::RuntimeDependency::Path("../runtime".into());
    let files = typed.crate_files("formats", &runtime).unwrap();
    let manifest = &files.iter().find(|(path, _)| path.ends_with("Cargo.toml")).unwrap().1;
    assert!(manifest.contains("default-features = false, features = [\"chrono\", \"uuid\"]"), "{manifest}");

    let strings = Config::from_toml("formats = \"strings\"\n").unwrap();
    let text = Builder::new(&spec).config(strings).generate().unwrap().module_file().unwrap();
    assert!(text.contains("pub id: String") && text.contains("pub at: String"), "{text}");
    assert!(!text.contains("apigen_runtime::formats"), "{text}");
    let from_builder =
        Builder::new(&spec).formats(apigen::config::Formats::Strings).generate().unwrap().module_file().unwrap();
    assert_eq!(text, from_builder);
    assert!(Config::from_toml("formats = \"dates\"\n").unwrap_err().contains("dates"));
}

#[test]
fn a_rust_type_of_another_crate_is_a_warning_and_the_schema_is_generated() {
    const EXTERNAL: &str = r##"
openapi: 3.0.3
info: {title: External, version: "1"}
paths: {}
components:
  schemas:
    IpNet:
      x-rust-type: {crate: oxnet, path: "oxnet::IpNet", version: "0.1.0"}
      type: object
      properties:
        addr: {type: string}
    Addr:
      x-rust-type: {crate: std, path: "std::net::IpAddr", version: "*"}
      type: string
"##;
    let (text, warnings) = module(Builder::new(spec_file("external", EXTERNAL)));
    assert!(text.contains("pub struct IpNet") && !text.contains("oxnet::"), "{text}");
    assert!(text.contains("pub type Addr = std::net::IpAddr;"), "{text}");
    assert!(
        warnings.iter().any(|warning| warning.contains("/IpNet/x-rust-type") && warning.contains("\"oxnet\"")),
        "{warnings:?}"
    );
}

const EVENTS: &str = r##"
openapi: 3.0.3
info: {title: Events, version: "1"}
paths:
  /completions:
    get:
      operationId: complete
      responses:
        "200":
          description: chunks
          content:
            application/json: {schema: {type: object}}
            text/event-stream: {schema: {type: object}}
            application/xml: {schema: {type: object}}
  /log:
    get:
      operationId: log
      responses:
        "200":
          description: lines
          content:
            text/event-stream: {x-apigen-sentinel: "EOF", schema: {type: string}}
"##;

#[test]
fn an_event_streams_sentinel_comes_from_the_spec_or_the_options() {
    let spec = spec_file("events", EVENTS);
    // Without whitespace, as prettyplease breaks the calls across lines.
    let squashed = |(text, warnings): (String, Vec<String>)| (text.split_whitespace().collect::<String>(), warnings);
    let (plain, warnings) = squashed(module(Builder::new(&spec)));
    // The spec's own sentinel, text data, and no sentinel where neither names one.
    assert!(plain.contains(r#"EventData::Text,Some("EOF")"#), "{plain}");
    assert!(plain.contains("EventData::Json,None"), "{plain}");
    // A third media type of one status is a warning naming it, not a silent drop.
    assert!(
        warnings.iter().any(|warning| warning.contains("application~1xml") && warning.contains("not generated")),
        "{warnings:?}"
    );
    let (configured, _) = squashed(module(Builder::new(&spec).event_sentinel("complete", "[DONE]")));
    assert!(configured.contains(r#"EventData::Json,Some("[DONE]")"#), "{configured}");
    assert!(configured.contains(r#"Some("EOF")"#), "the spec's sentinel stands: {configured}");
    let (everywhere, _) = squashed(module(Builder::new(&spec).event_sentinel("*", "[END]")));
    assert!(everywhere.contains(r#"EventData::Json,Some("[END]")"#), "{everywhere}");
}
