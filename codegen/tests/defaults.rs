//! A default that is not a value of its schema's type is a warning naming it, and the docs
//! leave it out; a default that fits is kept in the docs.

use apigen::{generate_text, Parts};
use std::path::Path;

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Defaults, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: limit, in: query, schema: {type: integer, default: "ten"}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
components:
  schemas:
    Thing:
      type: object
      properties:
        count: {type: integer, default: 2.0}
        ratio: {type: number, default: "half"}
        flag: {type: boolean, default: 1}
        tags: {type: array, items: {type: string}, default: {}}
        kind: {type: string, default: plain}
"##;

#[test]
fn defaults_of_the_wrong_type_are_warned_about_and_left_out() {
    let generated =
        generate_text(SPEC, false, Path::new("defaults.yaml"), Parts { client: false, server: false }).unwrap();
    let warnings: Vec<String> = generated.warnings().iter().map(ToString::to_string).collect();
    let wrong = [
        "#/paths/~1things/get/parameters/0/schema/default",
        "#/components/schemas/Thing/properties/ratio/default",
        "#/components/schemas/Thing/properties/flag/default",
        "#/components/schemas/Thing/properties/tags/default",
    ];
    for pointer in wrong {
        assert!(
            warnings
                .iter()
                .any(|warning| warning.contains(pointer) && warning.contains("not a value of the schema's type")),
            "{pointer}: {warnings:#?}"
        );
    }
    assert_eq!(warnings.len(), wrong.len(), "{warnings:#?}");
    let text = generated.module_file().unwrap();
    for shown in ["Default: `2.0`.", "Default: `\"plain\"`."] {
        assert!(text.contains(shown), "{shown}\n{text}");
    }
    for hidden in ["\"half\"", "Default: `1`.", "Default: `{}`.", "\"ten\""] {
        assert!(!text.contains(hidden), "{hidden}\n{text}");
    }
}
