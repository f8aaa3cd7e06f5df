//! Bad specs give clear errors naming the file and where in it; never a panic.

use apigen::{generate_text, Error, Location, Parts};
use std::path::Path;

const BOTH: Parts = Parts { client: true, server: true };

/// The module a YAML spec generates, and its warnings.
fn module_and_warnings(text: &str) -> (String, Vec<String>) {
    let generated = generate_text(text, false, Path::new("specs/x.yaml"), BOTH).unwrap();
    let warnings = generated.warnings().iter().map(ToString::to_string).collect();
    (generated.module_file().unwrap(), warnings)
}

fn error_of(text: &str, json: bool) -> Error {
    match generate_text(text, json, Path::new("specs/x.yaml"), BOTH) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(error) => error,
    }
}

#[test]
fn a_path_parameter_not_in_the_template_is_ignored_with_a_warning() {
    // Real specs have this slip (apache-superset, supertokens); the rest of the spec stands.
    let (code, warnings) = module_and_warnings(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: petId, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, schema: {type: integer}}
      responses:
        "200": {description: ok}
"##,
    );
    assert_eq!(
        warnings,
        ["specs/x.yaml: #/paths/~1pets/get/parameters/0: path parameter \"petId\" does not appear in the path template \"/pets\"; ignored"]
    );
    assert!(code.contains("pub struct ListPetsRequest") && code.contains("pub limit:"), "{code}");
    assert!(!code.contains("pet_id"), "{code}");
}

#[test]
fn invalid_yaml_gives_line_and_column() {
    let error = error_of("openapi: 3.0.3\ninfo:\n  title: [unclosed\n", false);
    assert!(matches!(error.location, Location::LineColumn(line, _) if line >= 3), "{error}");
    assert!(error.to_string().starts_with("specs/x.yaml:"), "{error}");
}

#[test]
fn invalid_json_gives_line_and_column() {
    let error = error_of("{\n  \"openapi\": \"3.0.3\",\n  oops\n}", true);
    assert_eq!(error.location, Location::LineColumn(3, 3));
}

#[test]
fn an_unsupported_version_is_named() {
    let error = error_of("openapi: 4.0.0\ninfo: {title: T, version: '1'}\npaths: {}\n", false);
    assert_eq!(error.location, Location::Pointer("#/openapi".into()));
    let error = error_of("info: {title: T}\n", false);
    assert!(error.message.contains("not an OpenAPI document"), "{error}");
}

#[test]
fn reserved_headers_are_ignored_with_a_warning() {
    let generated = generate_text(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      parameters:
        - {name: Authorization, in: header, schema: {type: string}}
      responses:
        "200": {description: ok}
"##,
        false,
        Path::new("specs/x.yaml"),
        BOTH,
    )
    .unwrap();
    let warnings: Vec<String> = generated.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0]
            .starts_with("specs/x.yaml: #/paths/~1a/get/parameters/0: header parameter \"Authorization\" is ignored"),
        "{warnings:?}"
    );
}

#[test]
fn pattern_properties_are_kept_as_extra_members_with_a_warning() {
    let (code, warnings) = module_and_warnings(
        r##"
openapi: 3.1.0
info: {title: T, version: "1"}
components:
  schemas:
    Scores:
      type: object
      additionalProperties: false
      patternProperties: {"^score_": {type: integer}}
    Form:
      type: object
      properties:
        patternProperties: {type: object, properties: {"a": {type: string}}}
"##,
    );
    assert_eq!(
        warnings,
        ["specs/x.yaml: #/components/schemas/Scores/patternProperties: patterns of member names cannot be typed; the members they match are kept, typed by the pattern's schema, their names unchecked"]
    );
    assert!(code.contains("pub type Scores = BTreeMap<String, i64>;"), "{code}");
    // A property that happens to be named `patternProperties` is a property.
    assert!(code.contains("pub pattern_properties: Option<FormPatternProperties>"), "{code}");
}
