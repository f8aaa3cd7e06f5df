//! `$ref`s into other files: bundled as schemas of the spec's own, once each, cycles across
//! files kept as cycles, non-schema objects copied in place, and a missing file or target
//! named at the `$ref` that led to it.

use apigen::{generate_text, Parts};
use std::path::{Path, PathBuf};

const BOTH: Parts = Parts { client: true, server: true };

/// A fresh directory holding `files`.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-external-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /trees:
    get:
      operationId: listTrees
      parameters:
        - $ref: "common/parameters.yaml#/Limit"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "common/tree.yaml#/Tree"}}
components:
  schemas:
    Forest:
      type: object
      properties:
        oldest: {$ref: "common/tree.yaml#/Tree"}
        leaf: {$ref: "./common/tree.yaml#/Leaf"}
"##;

#[test]
fn schemas_are_bundled_once_and_cycles_across_files_stay_cycles() {
    let dir = folder(
        "bundle",
        &[
            ("spec.yaml", SPEC),
            (
                "common/tree.yaml",
                "Tree:\n  type: object\n  properties:\n    leaf: {$ref: '#/Leaf'}\n    \
                 branches: {type: array, items: {$ref: 'branch.json#/Branch'}}\nLeaf: {type: string}\n",
            ),
            // Back to tree.yaml: a cycle through two files.
            (
                "common/branch.json",
                r##"{"Branch": {"type": "object", "properties": {"tree": {"$ref": "tree.yaml#/Tree"}}}}"##,
            ),
            ("common/parameters.yaml", "Limit: {name: limit, in: query, schema: {type: integer}}\n"),
        ],
    );
    let generated = generate_text(SPEC, false, &dir.join("spec.yaml"), BOTH).unwrap();
    let code = generated.module_file().unwrap();
    for expected in [
        "pub struct Forest",
        "pub oldest: Option<Tree>,",
        "pub leaf: Option<Leaf>,",
        "pub struct Tree",
        "pub branches: Option<Vec<Branch>>,",
        "pub struct Branch",
        // Through a Vec: finite without a Box.
        "pub tree: Option<Tree>,",
        "pub type Leaf = String;",
        "pub limit: Option<i64>,",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    assert_eq!(code.matches("pub struct Tree ").count(), 1, "{code}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The warnings of `generated`, as printed.
fn warnings(generated: &apigen::Generated) -> Vec<String> {
    generated.warnings().iter().map(ToString::to_string).collect()
}

#[test]
fn a_missing_file_or_target_is_a_warning_and_only_what_needs_it_is_left_out() {
    let dir = folder("missing", &[("common/tree.yaml", "Leaf: {type: string}\n")]);
    let spec = dir.join("spec.yaml");
    let generated = generate_text(SPEC, false, &spec, BOTH).unwrap();
    let warnings = warnings(&generated);
    // The parameter's file is missing: the operation that needs it is left out...
    let parameter =
        format!("{}: #/paths/~1trees/get/parameters/0: $ref \"common/parameters.yaml#/Limit\"", spec.display());
    assert!(warnings.iter().any(|warning| warning.starts_with(&parameter)), "{warnings:#?}");
    assert!(warnings.iter().any(|warning| warning.ends_with("the operation GET /trees is left out")), "{warnings:#?}");
    // ...and a schema whose target does not exist is any JSON value; the rest stands.
    let oldest = format!("{}: #/components/schemas/Forest/properties/oldest: $ref target", spec.display());
    assert!(
        warnings
            .iter()
            .any(|warning| warning.starts_with(&oldest) && warning.contains("tree.yaml#/Tree does not exist")),
        "{warnings:#?}"
    );
    assert_eq!(generated.operation_count(), 0);
    let code = generated.module_file().unwrap();
    for expected in ["pub oldest: Option<serde_json::Value>,", "pub leaf: Option<Leaf>,", "pub type Leaf = String;"] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn without_a_directory_a_file_ref_is_not_guessed() {
    let generated = generate_text(SPEC, false, Path::new(""), BOTH).unwrap();
    let warnings = warnings(&generated);
    assert!(warnings.iter().any(|warning| warning.contains("points into another document")), "{warnings:#?}");
    assert_eq!(generated.operation_count(), 0);
}

#[test]
fn refs_back_into_the_root_document_are_local_and_a_root_schema_that_is_a_file_ref_is_that_schema() {
    let spec = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    $ref: "paths/pets.yaml"
components:
  parameters:
    Limit: {name: limit, in: query, schema: {type: integer}}
  schemas:
    Error: {type: object, properties: {code: {type: string}}}
    Pet: {$ref: "schemas/pet.yaml"}
"##;
    let dir = folder(
        "root",
        &[
            ("spec.yaml", spec),
            (
                "paths/pets.yaml",
                "get:\n  operationId: listPets\n  parameters:\n    - $ref: '../spec.yaml#/components/parameters/Limit'\n  \
                 responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          \
                 schema: {type: array, items: {$ref: '../schemas/pet.yaml'}}\n    default:\n      description: error\n      \
                 content:\n        application/json:\n          schema: {$ref: '../spec.yaml#/components/schemas/Error'}\n",
            ),
            ("schemas/pet.yaml", "type: object\nproperties:\n  name: {type: string}\n  error: {$ref: '../spec.yaml#/components/schemas/Error'}\n"),
        ],
    );
    let generated = generate_text(spec, false, &dir.join("spec.yaml"), BOTH).unwrap();
    assert_eq!(warnings(&generated), Vec::<String>::new());
    let code = generated.module_file().unwrap();
    for expected in [
        "pub struct Pet {",
        "pub error: Option<Error>,",
        "Ok(Vec<types::Pet>)",
        "body: types::Error",
        "pub limit: Option<i64>,",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    // One of each: no copy of the root's schemas under a second name, no alias of Pet.
    for unexpected in ["Error2", "Pet2", "pub type Pet ="] {
        assert!(!code.contains(unexpected), "{unexpected}\n{code}");
    }
    let _ = std::fs::remove_dir_all(dir);
}
