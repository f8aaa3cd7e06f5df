//! The catch-all of generated string enums: a value the spec does not list. A client takes
//! it (an API may add values after the client was generated); a server refuses it in what
//! it reads from a request, as a value its spec does not allow.

use serde::{Deserialize, Deserializer, Serialize};
use std::cell::Cell;
use std::fmt;

/// A value of a string enum that the spec does not list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OtherValue(pub String);

impl OtherValue {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OtherValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for OtherValue {
    fn from(value: &str) -> Self {
        OtherValue(value.to_owned())
    }
}

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode` with unlisted enum values refused: what a server reads from a request must
/// be a value its spec allows. Decoding is synchronous, so a thread-local flag is enough.
pub fn strict<T>(decode: impl FnOnce() -> T) -> T {
    crate::access::with_flag(&STRICT, decode)
}

/// Whether decoding runs inside [`strict`].
pub(crate) fn is_strict() -> bool {
    STRICT.with(Cell::get)
}

impl<'de> Deserialize<'de> for OtherValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        if is_strict() {
            return Err(serde::de::Error::custom(format!("{value:?} is not one of the values the spec lists")));
        }
        Ok(OtherValue(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    enum Sort {
        #[serde(rename = "asc")]
        Asc,
        #[serde(untagged)]
        Other(OtherValue),
    }

    #[test]
    fn lenient_by_default_strict_inside_strict() {
        assert_eq!(serde_json::from_str::<Sort>(r#""asc""#).unwrap(), Sort::Asc);
        assert_eq!(serde_json::from_str::<Sort>(r#""up""#).unwrap(), Sort::Other("up".into()));
        assert_eq!(serde_json::to_string(&Sort::Other("up".into())).unwrap(), r#""up""#);
        assert!(strict(|| serde_json::from_str::<Sort>(r#""up""#)).is_err());
        assert_eq!(strict(|| serde_json::from_str::<Sort>(r#""asc""#)).unwrap(), Sort::Asc);
        assert!(serde_json::from_str::<Sort>(r#""up""#).is_ok(), "the flag is restored");
    }
}
