//! What the generator writes: byte-identical on every run, and the same API whichever spec
//! version it was written in. The generated code itself is compiled and run by the `e2e`
//! crate (the seed specs) and by `examples/build-rs`.

use apigen::{generate_text, Parts, RuntimeDependency};
use std::path::Path;

const BOTH: Parts = Parts { client: true, server: true };

fn crate_text(spec: &str) -> String {
    let generated = generate_text(spec, false, Path::new("spec.yaml"), BOTH).unwrap();
    generated
        .crate_files("api", &RuntimeDependency::Path("../runtime".into()))
        .unwrap()
        .into_iter()
        .map(|(path, text)| format!("==> {}\n{text}", path.display()))
        .collect()
}

#[test]
fn output_is_deterministic() {
    let spec =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/auth-api-v2.yaml")).unwrap();
    let first = crate_text(&spec);
    for _ in 0..3 {
        assert_eq!(crate_text(&spec), first);
    }
}

#[test]
fn swagger_2_is_normalised() {
    let text = crate_text(
        r##"
swagger: "2.0"
info: {title: Pets, version: "1"}
host: pets.example
basePath: /v2
schemes: [https]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        "200":
          description: the pets
          schema: {type: array, items: {$ref: "#/definitions/Pet"}}
    post:
      operationId: addPet
      consumes: [application/x-www-form-urlencoded]
      parameters:
        - {name: name, in: formData, type: string, required: true}
      responses:
        "201": {description: created}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      nickname: {type: string, x-nullable: true}
      owner: {$ref: "#/definitions/Owner", x-nullable: true}
  Owner:
    type: object
    properties:
      name: {type: string}
"##,
    );
    assert!(text.contains(r#"pub const DEFAULT_BASE_URL: &str = "https://pets.example/v2";"#), "{text}");
    assert!(text.contains(r#"http_request.query("tags", &request.tags, Style::Form { explode: true });"#), "{text}");
    assert!(text.contains("Ok(Vec<types::Pet>)"), "{text}");
    assert!(text.contains("http_request.form_body(body, &[]);"), "{text}");
    // x-nullable on an optional member: absent, null and a value stay apart.
    assert!(text.contains("pub nickname: Option<Option<String>>,"), "{text}");
    // Beside a reference too, where siblings of `$ref` are not read otherwise.
    assert!(text.contains("pub owner: Option<Option<Owner>>,"), "{text}");
    assert!(
        text.contains(r#".route("/v2/pets", routing::get(handle_list_pets::<S>).post(handle_add_pet::<S>))"#),
        "{text}"
    );
}

#[test]
fn openapi_3_1_is_normalised() {
    let text = crate_text(
        r##"
openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
webhooks:
  ping: {}
components:
  schemas:
    Thing:
      type: object
      required: [id, kind, note]
      properties:
        id: {type: integer, format: int32, exclusiveMinimum: 0}
        kind: {const: widget}
        note: {type: [string, "null"]}
        tags: {type: array, items: true, examples: [[a, b]]}
"##,
    );
    assert!(text.contains("pub id: i32,"), "{text}");
    assert!(text.contains("pub kind: ThingKind,"), "{text}");
    assert!(text.contains(r#"#[serde(rename = "widget")]"#), "{text}");
    assert!(text.contains("pub note: Option<String>,"), "{text}");
    assert!(text.contains("pub tags: Option<Vec<serde_json::Value>>,"), "{text}");
}

#[test]
fn names_are_made_valid_and_unique() {
    let text = crate_text(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /new:
    get:
      operationId: new
      responses:
        "200": {description: ok}
components:
  schemas:
    Result:
      type: object
      properties:
        type: {type: string}
        self: {type: string}
        2fa: {type: boolean}
    Node:
      type: object
      properties:
        next: {$ref: "#/components/schemas/Node"}
        status: {type: string, enum: ["+1", "-1", "in progress", ""]}
"##,
    );
    assert!(text.contains("pub struct ResultModel"), "{text}");
    assert!(text.contains("pub r#type: Option<String>,"), "{text}");
    assert!(text.contains("pub self_: Option<String>,"), "{text}");
    assert!(text.contains("pub field_2fa: Option<bool>,"), "{text}");
    assert!(text.contains("pub next: Option<Box<Node>>,"), "{text}");
    assert!(
        text.contains("Plus1,") && text.contains("Minus1,") && text.contains("InProgress,") && text.contains("Empty,"),
        "{text}"
    );
    assert!(text.contains("pub async fn new_2(&self)"), "{text}");
}

/// An inline `allOf` of a component inside that component once copied it level after level,
/// exponentially (the homebox spec hung). Now it is the component itself, recursively.
#[test]
fn self_referencing_all_of_stays_linear() {
    let text = crate_text(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Tree:
      type: object
      properties:
        left: {allOf: [{$ref: "#/components/schemas/Tree"}]}
        right: {allOf: [{$ref: "#/components/schemas/Tree"}]}
        extra:
          type: object
          properties:
            inner: {allOf: [{$ref: "#/components/schemas/Tree"}], description: merged}
"##,
    );
    assert!(text.contains("pub left: Option<Box<Tree>>,"), "{text}");
    assert!(text.contains("pub right: Option<Box<Tree>>,"), "{text}");
    assert!(text.contains("pub inner: Option<Box<Tree>>,"), "{text}");
    // Tree, TreeExtra and the client: no copies.
    assert_eq!(text.matches("pub struct").count(), 3, "{text}");
}

/// Properties named like schema keywords (`properties`, `const`, `type`) stay properties.
#[test]
fn properties_named_like_keywords() {
    let text = crate_text(
        r##"
openapi: 3.1.0
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Problem:
      type: object
      properties:
        properties: {type: object, nullable: true}
        const: {type: string}
        type: {type: [integer, "null"]}
"##,
    );
    assert!(text.contains("pub properties: Option<Option<BTreeMap<String, serde_json::Value>>>,"), "{text}");
    assert!(text.contains("pub r#const: Option<String>,"), "{text}");
    assert!(text.contains("pub r#type: Option<Option<i64>>,"), "{text}");
}

/// Every OAuth 2 flow with a token endpoint gets client methods; their names and the scheme
/// setters share one name set, so a scheme named after another's flow collides with nothing.
#[test]
fn oauth_flow_methods_are_named_without_collisions() {
    let text = crate_text(
        r##"
openapi: 3.0.3
info: {title: Flows, version: "1"}
components:
  securitySchemes:
    oauth2:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: /token, scopes: {read: r, write: w}}
        authorizationCode: {authorizationUrl: /auth, tokenUrl: /token, refreshUrl: /refresh, scopes: {read: r}}
        implicit: {authorizationUrl: /auth, scopes: {read: r}}
    oauth2_clientCredentials: {type: apiKey, in: header, name: X-Key}
paths:
  /things:
    get:
      operationId: things
      security: [{oauth2: [read]}]
      responses: {"200": {description: ok}}
"##,
    );
    let count = |needle: &str| text.matches(needle).count();
    // The apiKey scheme keeps its setter; the flow's setter moves aside.
    assert_eq!(count("pub fn with_oauth2_client_credentials("), 1, "{text}");
    assert_eq!(count("self.transport.set_credential(\"oauth2_clientCredentials\""), 1);
    assert_eq!(count("pub fn with_oauth2_client_credentials_2(self, client: OAuth2Client)"), 1, "{text}");
    assert_eq!(count("pub fn oauth2_client_credentials_source("), 1);
    assert_eq!(count("pub fn oauth2_authorization_code_source("), 1);
    // The implicit flow has no token endpoint: no method.
    assert_eq!(count("implicit"), 0);
    // Scopes asked for are those the operations require, not every declared one.
    assert_eq!(count("\"write\""), 0, "{text}");
    assert!(text.contains("token_url: \"/token\",\n    refresh_url: None,\n    scopes: &[\"read\"],"), "{text}");
    assert_eq!(count("refresh_url: Some(\"/refresh\")"), 1);
}

/// OpenAPI 3.2 is read: its `cookie` style reaches the code, the `query` method and
/// `additionalOperations` become operations (`additionalOperations` that repeat a fixed
/// method or are no HTTP method are left out with a warning naming where), and so do
/// `in: querystring` parameters (a second one in an operation is left out with a warning),
/// the rest of the spec generated.
#[test]
fn openapi_3_2_is_read_and_its_new_constructs_degrade_with_warnings() {
    let spec = r##"
openapi: 3.2.0
$self: https://example.test/openapi.yaml
info: {title: Prefs, version: "1"}
components:
  parameters:
    Whole:
      name: whole
      in: querystring
      content: {application/x-www-form-urlencoded: {schema: {type: object}}}
paths:
  /prefs:
    get:
      operationId: getPrefs
      parameters:
        - {name: theme, in: cookie, style: cookie, explode: true, schema: {type: array, items: {type: string}}}
        - $ref: "#/components/parameters/Whole"
        - {name: raw, in: querystring, content: {text/plain: {schema: {type: string}}}}
      responses:
        "200": {description: ok}
    query:
      operationId: queryPrefs
      responses:
        "200": {description: ok}
    additionalOperations:
      LINK:
        operationId: linkPrefs
        responses:
          "204": {description: linked}
      get:
        operationId: again
        responses:
          "204": {description: linked}
      "NOT A METHOD":
        operationId: spaced
        responses:
          "204": {description: linked}
"##;
    let generated = generate_text(spec, false, Path::new("spec.yaml"), BOTH).unwrap();
    let warnings: Vec<String> = generated.warnings().iter().map(ToString::to_string).collect();
    let expected = [
        "#/paths/~1prefs/additionalOperations/get",
        "#/paths/~1prefs/additionalOperations/NOT A METHOD",
        "#/paths/~1prefs/get/parameters/2",
    ];
    for pointer in expected {
        assert!(warnings.iter().any(|warning| warning.contains(pointer)), "{pointer} in {warnings:#?}");
    }
    let text = crate_text(spec);
    assert!(text.contains(r#"http_request.cookie_unencoded("theme", &request.theme, true);"#), "{text}");
    assert!(text.contains(r#"parts.cookie_unencoded_exploded("theme", false)?"#), "{text}");
    assert!(text.contains("method: \"QUERY\"") && text.contains("method: \"LINK\""), "{text}");
    assert!(text.contains(r#".on("QUERY", handle_query_prefs::<S>)"#), "{text}");
    assert!(!text.contains("again") && !text.contains("spaced"), "{text}");
    // The first query string is the `whole` form; the second is left out.
    assert!(text.contains("http_request.query_string_form(&request.whole, &[]);"), "{text}");
    assert!(!text.contains("pub raw:") && !text.contains("query_string_raw"), "{text}");
}
