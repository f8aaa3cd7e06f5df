//! YAML and JSON text to `serde_json::Value`, with the line and column of a syntax error.

use crate::diagnostics::{Fault, Location};
use serde_json::{Map, Number, Value};

pub fn json(text: &str) -> Result<Value, Fault> {
    serde_json::from_str(text).map_err(|error| Fault {
        location: Location::LineColumn(error.line(), error.column()),
        message: format!("invalid JSON: {error}"),
    })
}

/// Parses YAML through `serde_yaml::Value` rather than straight into JSON values, because
/// specs write unquoted keys such as `200:` that JSON objects cannot hold as numbers.
pub fn yaml(text: &str) -> Result<Value, Fault> {
    let mut value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| {
        let message = format!("invalid YAML: {error}");
        match error.location() {
            Some(location) => Fault { location: Location::LineColumn(location.line(), location.column()), message },
            None => Fault { location: Location::File, message },
        }
    })?;
    value
        .apply_merge()
        .map_err(|error| Fault { location: Location::File, message: format!("invalid YAML merge key: {error}") })?;
    Ok(to_json(value))
}

fn key_text(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(text) => text,
        serde_yaml::Value::Null => "null".to_owned(),
        other => match to_json(other) {
            Value::String(text) => text,
            value => value.to_string(),
        },
    }
}

fn to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(flag) => Value::Bool(flag),
        serde_yaml::Value::Number(number) => {
            if let Some(integer) = number.as_i64() {
                Value::from(integer)
            } else if let Some(integer) = number.as_u64() {
                Value::from(integer)
            } else {
                number.as_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(text) => Value::String(text),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        serde_yaml::Value::Mapping(mapping) => Value::Object(
            mapping.into_iter().map(|(key, value)| (key_text(key), to_json(value))).collect::<Map<_, _>>(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}
