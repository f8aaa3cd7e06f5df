//! Unions: one chosen by a discriminator whose variant's type does not declare the
//! discriminator member writes the member beside the type's own, so what was read by its tag
//! is written with it; one without a discriminator tries first the variants that declare the
//! most of a value's members.

use serde::ser::{Error, Serialize, Serializer};
use serde_json::Value;
use std::cmp::Reverse;

/// One variant read from the buffered value: its structs read objects only, as everywhere.
pub fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(crate::objects::ObjectsOnly(value))
}

/// The order to try a union's variants in for `value`, given the members each declares: of
/// an object, those declaring more of its members first; ties, and other values, in order.
pub fn by_members(value: &Value, members: &[&[&str]]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..members.len()).collect();
    if let Value::Object(object) = value {
        order.sort_by_key(|&index| {
            Reverse(members[index].iter().filter(|member| object.contains_key(**member)).count())
        });
    }
    order
}

/// Serializes `value` with `property: tag` among its members, unless it has that member.
pub fn serialize_with_tag<T: Serialize, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(value).map_err(S::Error::custom)?;
    if let Value::Object(members) = &mut value {
        members.entry(property).or_insert_with(|| Value::String(tag.to_owned()));
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    struct Circle;

    impl serde::Serialize for Circle {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize_with_tag(&json!({"radius": 1}), "kind", "circle", serializer)
        }
    }

    #[test]
    fn a_variant_that_is_a_struct_reads_objects_only() {
        #[derive(Debug, serde::Deserialize)]
        struct Pair {
            #[serde(default)]
            _a: Option<u8>,
        }
        assert!(serde_json::from_value::<Pair>(serde_json::json!([])).is_ok(), "serde alone reads an array");
        assert!(super::from_value::<Pair>(serde_json::json!([])).is_err());
        assert!(super::from_value::<Pair>(serde_json::json!({"_a": 1})).is_ok());
        assert!(super::from_value::<Vec<u8>>(serde_json::json!([1])).is_ok());
    }

    #[test]
    fn variants_declaring_more_of_the_members_come_first() {
        let members: &[&[&str]] = &[&["a", "b"], &["c", "d"], &["c"]];
        assert_eq!(super::by_members(&json!({"c": 1}), members), [1, 2, 0]);
        assert_eq!(super::by_members(&json!({"a": 1, "c": 2}), members), [0, 1, 2]);
        assert_eq!(super::by_members(&json!([1]), members), [0, 1, 2]);
    }

    #[test]
    fn the_tag_is_written_beside_the_members() {
        assert_eq!(serde_json::to_value(Circle).unwrap(), json!({"kind": "circle", "radius": 1}));
        let value = serde_json::to_value(Tagged).unwrap();
        assert_eq!(value, json!({"kind": "disc"}), "a member already there is left as it is");
    }

    struct Tagged;

    impl serde::Serialize for Tagged {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            super::serialize_with_tag(&json!({"kind": "disc"}), "kind", "circle", serializer)
        }
    }
}
