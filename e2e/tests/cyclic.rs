//! Types of schemas that refer to themselves: every kind of JSON value decodes into each (or
//! is refused) without the process overflowing its stack, and each accepts what its schema
//! does. A schema no finite value satisfies, or whose decoding would chase itself forever, is
//! any JSON value (with a warning at generation); one with a base case stays a type.

use e2e::cyclic::types::*;
use serde_json::{json, Value};

/// `{}`, `1`, `null`, `[]` and `"x"`: one value of each JSON kind but boolean, which `1`
/// stands in for among scalars.
fn kinds() -> [Value; 5] {
    [json!({}), json!(1), Value::Null, json!([]), json!("x")]
}

fn accepted<T: serde::de::DeserializeOwned>() -> Vec<bool> {
    kinds().into_iter().map(|value| serde_json::from_value::<T>(value).is_ok()).collect()
}

#[test]
fn endless_schemas_are_any_json_value() {
    // No finite value satisfies these schemas; as any JSON value, every input decodes.
    let all = vec![true; 5];
    assert_eq!(accepted::<AllOfSelf>(), all);
    assert_eq!(accepted::<AllOfPairA>(), all);
    assert_eq!(accepted::<AllOfPairB>(), all);
    assert_eq!(accepted::<AnyOfSelf>(), all);
    assert_eq!(accepted::<OneOfPairA>(), all);
    assert_eq!(accepted::<OneOfPairB>(), all);
    assert_eq!(accepted::<Endless>(), all);
}

#[test]
fn a_union_keeps_the_variants_that_end() {
    // `anyOf: [itself, string]` admits exactly the strings.
    assert_eq!(accepted::<SelfOrText>(), [false, false, false, false, true]);
    assert_eq!(serde_json::to_value(SelfOrText::String("x".into())).unwrap(), json!("x"));
}

#[test]
fn recursion_with_a_base_case_stays_a_type() {
    assert_eq!(accepted::<Tree>(), [false; 5]);
    let tree =
        json!({"label": "a", "children": [{"label": "b"}, {"label": "c", "children": []}], "parent": {"label": "p"}});
    let decoded: Tree = serde_json::from_value(tree.clone()).unwrap();
    assert_eq!(decoded.children.as_ref().map(Vec::len), Some(2));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), tree);
    // Nesting deeper than the decoder goes (serde_json stops at 128) is refused, not a
    // crash; the text is built as text, as a `Value` that deep would overflow on its own.
    let depth = 10_000;
    let text =
        format!("{}{{\"label\":\"leaf\"}}{}", "{\"label\":\"node\",\"parent\":".repeat(depth), "}".repeat(depth));
    assert!(serde_json::from_str::<Tree>(&text).is_err());
    let shallow = format!("{}{{\"label\":\"leaf\"}}{}", "{\"label\":\"node\",\"parent\":".repeat(50), "}".repeat(50));
    assert!(serde_json::from_str::<Tree>(&shallow).is_ok());
}
