//! YAML and JSON text to `serde_json::Value`, with the line and column of a syntax error.

use crate::diagnostics::{Fault, Location};
use serde_json::{Map, Number, Value};

pub fn json(text: &str) -> Result<Value, Fault> {
    serde_json::from_str(text).map_err(|error| Fault {
        location: Location::LineColumn(error.line(), error.column()),
        message: format!("invalid JSON: {error}"),
    })
}

/// Parses YAML into JSON values with a visitor of our own rather than through
/// `serde_yaml::Value`: specs write unquoted keys such as `200:` (JSON keys are strings),
/// integers beyond 64 bits (kept as the nearest float), and `<<` merge keys.
pub fn yaml(text: &str) -> Result<Value, Fault> {
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde::Deserialize::deserialize(deserializer).map(|YamlValue(value)| value).map_err(|error: serde_yaml::Error| {
        let message = format!("invalid YAML: {error}");
        match error.location() {
            Some(location) => Fault { location: Location::LineColumn(location.line(), location.column()), message },
            None => Fault { location: Location::File, message },
        }
    })
}

/// A JSON value read from YAML.
struct YamlValue(Value);

impl<'de> serde::Deserialize<'de> for YamlValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlValue)
    }
}

struct YamlVisitor;

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }
    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(float(value as f64))
    }
    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(float(value as f64))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }
    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }
    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut merged = Vec::new();
        while let Some((YamlValue(key), YamlValue(value))) = map.next_entry()? {
            let key = match key {
                Value::String(text) => text,
                Value::Null => "null".to_owned(),
                other => other.to_string(),
            };
            if key == "<<" {
                merged.push(value);
            } else {
                object.insert(key, value);
            }
        }
        // Merge keys: explicit keys win, then earlier merged maps over later ones.
        for source in merged {
            let sources = match source {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                if let Value::Object(entries) = source {
                    for (key, value) in entries {
                        object.entry(key).or_insert(value);
                    }
                }
            }
        }
        Ok(Value::Object(object))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): the tag is dropped, the value kept.
        use serde::de::VariantAccess;
        let (_, variant): (YamlValue, _) = data.variant()?;
        variant.newtype_variant::<YamlValue>().map(|YamlValue(value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_numbers_merges_and_tags() {
        let value = yaml(
            "responses:\n  200: {description: ok}\n  true: x\nbig: 106347997792363865062\n\
             base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\ntagged: !custom 5\n",
        )
        .unwrap();
        assert_eq!(value["responses"]["200"], json!({"description": "ok"}));
        assert_eq!(value["responses"]["true"], json!("x"));
        assert_eq!(value["big"].as_f64(), Some(106347997792363865062.0));
        assert_eq!(value["derived"], json!({"b": 3, "a": 1}));
        assert_eq!(value["tagged"], json!(5));
    }

    #[test]
    fn syntax_errors_have_locations() {
        let fault = yaml("a: [1, 2\nb: c\n").unwrap_err();
        assert!(matches!(fault.location, Location::LineColumn(..)), "{fault:?}");
    }
}
