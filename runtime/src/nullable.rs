//! Members that are optional and nullable at once: `Option<Option<T>>`, where `None` is
//! absent, `Some(None)` is null and `Some(Some(value))` a value; or optional of a type that
//! holds null itself (`Option<serde_json::Value>`, where null is `Some(Value::Null)`). serde
//! alone reads null as absent; generated types name [`present`] as the member's
//! `deserialize_with`.

use serde::{Deserialize, Deserializer};

/// Reads a member that is present, null included (as `T` reads it: `None` of an `Option`,
/// `Value::Null`). Absent members never reach here; `#[serde(default)]` makes them `None`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Reads an optional member that is not nullable: a null reads as absent where a client reads
/// a response (servers send such nulls), and is refused where a server reads a request
/// ([`crate::enums::strict`]), as a value the schema does not allow.
pub fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    let value = Option::<T>::deserialize(deserializer)?;
    if value.is_none() && crate::enums::is_strict() {
        return Err(serde::de::Error::custom("null is not allowed: the member is optional, not nullable"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Deserialize)]
    struct Request {
        #[serde(default, deserialize_with = "super::not_null")]
        limit: Option<u8>,
    }

    #[test]
    fn a_null_of_a_member_that_is_not_nullable_is_refused_only_when_strict() {
        assert_eq!(serde_json::from_str::<Request>(r#"{"limit":null}"#).unwrap(), Request { limit: None });
        let strict = |text| crate::enums::strict(|| serde_json::from_str::<Request>(text));
        assert!(strict(r#"{"limit":null}"#).unwrap_err().to_string().contains("not nullable"));
        assert_eq!(strict("{}").unwrap(), Request { limit: None });
        assert_eq!(strict(r#"{"limit":3}"#).unwrap(), Request { limit: Some(3) });
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::present")]
        note: Option<Option<String>>,
        #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::present")]
        extra: Option<serde_json::Value>,
    }

    #[test]
    fn absent_null_and_value_stay_apart() {
        for (text, value) in
            [("{}", None), (r#"{"note":null}"#, Some(None)), (r#"{"note":"hi"}"#, Some(Some("hi".to_owned())))]
        {
            let patch: Patch = serde_json::from_str(text).unwrap();
            assert_eq!(patch, Patch { note: value, extra: None });
            assert_eq!(serde_json::to_string(&patch).unwrap(), text);
        }
    }

    #[test]
    fn a_null_value_of_any_type_stays_present() {
        for (text, extra) in [(r#"{"extra":null}"#, Some(serde_json::Value::Null)), ("{}", None)] {
            let patch: Patch = serde_json::from_str(text).unwrap();
            assert_eq!(patch, Patch { note: None, extra });
            assert_eq!(serde_json::to_string(&patch).unwrap(), text);
        }
    }
}
