//! No spec lost: what no generated line depends on is mended with a warning, and an
//! operation, path item or component that cannot be read is left out (a schema: any JSON
//! value) with a warning naming its pointer, while the rest generates. The specs are in
//! `specs/degraded/`; `cargo xtask corpus codegen/tests/specs/degraded --clippy --doc`
//! compiles what they generate.

use apigen::Builder;
use std::path::Path;

/// Generates `specs/degraded/<file>`; returns its warnings (without the file name) and the
/// client's method names.
fn generate(file: &str) -> (Vec<String>, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/degraded").join(file);
    let generated = Builder::new(&path).generate().unwrap_or_else(|error| panic!("{error}"));
    let prefix = format!("{}: ", path.display());
    let warnings = generated
        .warnings()
        .iter()
        .map(|warning| warning.to_string().strip_prefix(&prefix).expect("names the file").to_owned())
        .collect();
    (warnings, generated.module_file().unwrap())
}

#[test]
fn swagger_without_an_info_version() {
    let (warnings, code) = generate("swagger-info-without-version.yaml");
    assert_eq!(warnings, ["#/info/version: `info.version` is missing or not a string; taken as \"\""]);
    assert!(code.contains("pub async fn list_pets("), "{code}");
}

#[test]
fn no_info_at_all() {
    let (warnings, code) = generate("no-info.yaml");
    assert_eq!(warnings, ["#/info: the spec has no `info` object; the API is titled \"API\", of no version"]);
    assert!(code.contains("pub async fn list_pets("), "{code}");
}

#[test]
fn mistyped_prose_and_metadata_are_mended_or_ignored() {
    let (warnings, code) = generate("mistyped-prose.json");
    assert_eq!(
        warnings,
        [
            "#/info/title: `title` is a number; taken as the text \"7\"",
            "#/info/version: `version` is a number; taken as the text \"2\"",
            "#/info/license: an invalid `license` is ignored",
            "#/tags/1: an entry without a `name` string is ignored",
            "#/tags/2: an entry without a `name` string is ignored",
            "#/externalDocs: external docs without a `url` string are ignored",
            "#/servers/1: an entry without a `url` string is ignored",
            "#/info/description: `description` is not a string; ignored",
            "#/tags/0/description: `description` is not a string; ignored",
            "#/paths/~1pets/summary: `summary` is not a string; ignored",
            "#/paths/~1pets/get/description: `description` is not a string; ignored",
            "#/paths/~1pets/get/summary: `summary` is a number; taken as the text \"12\"",
            "#/paths/~1pets/get/externalDocs: external docs without a `url` string are ignored",
            "#/paths/~1pets/get/tags: tags that are not strings are ignored",
            "#/paths/~1pets/get/responses/200/links: links without an operation are ignored",
            "#/paths/~1pets/get/responses/200/content/application~1json/examples: examples that are not Example Objects are ignored",
            "#/paths/~1pets/get/parameters/0/description: `description` is not a string; ignored",
            "#/paths/~1pets/get/parameters/0/schema/title: `title` is not a string; ignored",
            "#/servers/0/variables/zone: a server variable without a `default` is ignored",
        ]
    );
    // What the code depends on is intact: the operation, its parameter, the server variable.
    for expected in ["pub async fn list_pets(", "pub limit: Option<i64>,", "https://eu.example.com/v1", "/// 12"] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
}

#[test]
fn required_members_no_code_needs_are_filled_in() {
    let (warnings, code) = generate("missing-members.yaml");
    assert_eq!(
        warnings,
        [
            "#/components/securitySchemes/oauth/flows/authorizationCode/authorizationUrl: `authorizationUrl` is missing or not a string",
            "#/components/securitySchemes/oauth/flows/authorizationCode/scopes: `scopes` is missing or not a map; taken as none",
            "#/components/securitySchemes/oauth/flows/clientCredentials/tokenUrl: `tokenUrl` is missing or not a string",
            "#/paths/~1pets/get/parameters/0: neither `schema` nor `content` is given; the value is taken as a string",
            "#/paths/~1pets/get/responses/200/headers/X-Next: neither `schema` nor `content` is given; the value is taken as a string",
            "#/components/schemas/Pet/discriminator: a discriminator without a `propertyName` string is ignored; variants are told apart by shape",
            "#/components/securitySchemes/oauth/flows/clientCredentials/tokenUrl: the flow has no tokenUrl; clients get no method for it and take tokens from a TokenSource",
        ]
    );
    for expected in ["pub q: Option<String>,", "x_next: Option<String>,", "pub enum Pet {", "pub fn with_oauth("] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
}

#[test]
fn what_cannot_be_read_is_left_out_and_the_rest_stands() {
    let (warnings, code) = generate("bad-operation.yaml");
    assert_eq!(
        warnings,
        [
            "#/paths/~1bad/get/parameters/0/in: unknown variant `nowhere`, expected one of `query`, `header`, `path`, `cookie`; the operation GET /bad is left out",
            "#/components/schemas/Broken: invalid type: string \"a\", expected a sequence; the schema \"Broken\" is taken as any JSON value",
            "#/components/parameters/Unreadable: invalid type: string \"sometimes\", expected a boolean; parameters/Unreadable is left out, and so is each operation that refers to it",
            "#/paths/~1bad/post/parameters/0: $ref target \"#/components/parameters/Missing\" does not exist; the operation POST /bad is left out",
            "#/paths/~1loop: $ref chain does not end (a reference cycle); the path item \"/loop\" is left out",
            "#/paths/~1loop2: $ref chain does not end (a reference cycle); the path item \"/loop2\" is left out",
            "#/paths/~1uses-bad-parameter/get/parameters/0: $ref target \"#/components/parameters/Unreadable\" does not exist; the operation GET /uses-bad-parameter is left out",
            "#/paths/~1body/post/requestBody/content/application~1json/schema: $ref target \"#/components/schemas/Missing\" does not exist; taken as any JSON value",
        ]
    );
    for expected in [
        "pub async fn get_good(",
        "pub page: Option<i64>,",
        "pub type Broken = serde_json::Value;",
        "pub async fn post_body(",
    ] {
        assert!(code.contains(expected), "{expected}\n{code}");
    }
    for left_out in ["fn get_bad(", "fn post_bad(", "fn uses_bad_parameter(", "/loop"] {
        assert!(!code.contains(left_out), "{left_out}\n{code}");
    }
}

#[test]
fn a_document_that_is_no_api_description_still_fails() {
    for (text, expected) in [
        ("just: a map\n", "neither `openapi` nor `swagger` is set"),
        ("- a\n- list\n", "a spec must be an object"),
        // Leaving out a malformed top-level requirement would drop authentication.
        ("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nsecurity: {bearer: []}\n", "#/security"),
    ] {
        let error =
            apigen::generate_text(text, false, Path::new("x.yaml"), apigen::Parts { client: true, server: true })
                .err()
                .unwrap_or_else(|| panic!("{text} generated"));
        assert!(error.to_string().contains(expected), "{text}: {error}");
    }
}
