//! `$ref`s into other files: bundled as schemas of the spec's own, once each, cycles across
//! files kept as cycles, non-schema objects copied in place, and a missing file or target
//! named at the `$ref` that led to it.

use apigen::{generate_text, Location, Parts};
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

#[test]
fn a_missing_file_or_target_names_the_ref() {
    let dir = folder("missing", &[("common/tree.yaml", "Leaf: {type: string}\n")]);
    let error = generate_text(SPEC, false, &dir.join("spec.yaml"), BOTH).err().unwrap();
    assert_eq!(error.location, Location::Pointer("#/paths/~1trees/get/parameters/0".into()), "{error}");
    assert!(error.message.contains("parameters.yaml"), "{error}");
    std::fs::write(dir.join("common/parameters.yaml"), "Limit: {name: limit, in: query, schema: {type: integer}}\n")
        .unwrap();
    let error = generate_text(SPEC, false, &dir.join("spec.yaml"), BOTH).err().unwrap();
    assert!(error.message.contains("tree.yaml#/Tree does not exist"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn without_a_directory_a_file_ref_is_an_error_not_a_guess() {
    let error = generate_text(SPEC, false, Path::new(""), BOTH).err().unwrap();
    assert!(error.message.contains("points into another document"), "{error}");
}
