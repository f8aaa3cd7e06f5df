//! Following `$ref`s through the normalised document.

use crate::diagnostics::Fault;
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Resolves references against one document.
pub struct Resolver<'a> {
    document: &'a Value,
}

/// How many references may chain (`A` -> `B` -> ...) before it counts as a cycle.
const MAX_CHAIN: usize = 32;

impl<'a> Resolver<'a> {
    pub fn new(document: &'a Value) -> Self {
        Resolver { document }
    }

    /// The JSON value a local reference points at. `at` is the pointer of the `$ref` itself.
    pub fn target(&self, reference: &str, at: &str) -> Result<&'a Value, Fault> {
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(Fault::at(at, format!(
                    "$ref {reference:?} points into another document that was not read (only relative file paths of a spec read from disk are followed)"
                )));
        };
        let decoded = percent_decode(pointer);
        self.document
            .pointer(&decoded)
            .ok_or_else(|| Fault::at(at, format!("$ref target {reference:?} does not exist")))
    }

    /// The JSON of the schema a reference leads to, through chains of references; `None`
    /// where it leads nowhere. For a quick look that does not parse the schema.
    pub fn follow(&self, reference: &str) -> Option<&'a Value> {
        let mut value = self.target(reference, "").ok()?;
        for _ in 0..MAX_CHAIN {
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => value = self.target(next, "").ok()?,
                None => return Some(value),
            }
        }
        None
    }

    /// Follows references until an item, giving it with the pointer where it stands.
    pub fn resolve<T: DeserializeOwned + Clone>(&self, item: &ReferenceOr<T>, at: &str) -> Result<(T, String), Fault> {
        let mut reference = match item {
            ReferenceOr::Item(item) => return Ok((item.clone(), at.to_owned())),
            ReferenceOr::Reference { reference } => reference.clone(),
        };
        let mut at = at.to_owned();
        for _ in 0..MAX_CHAIN {
            let target = self.target(&reference, &at)?;
            let parsed: ReferenceOr<T> = serde_json::from_value(target.clone())
                .map_err(|error| Fault::at(&reference, format!("invalid target of $ref: {error}")))?;
            at = reference.clone();
            match parsed {
                ReferenceOr::Item(item) => return Ok((item, at)),
                ReferenceOr::Reference { reference: next } => reference = next,
            }
        }
        Err(Fault::at(at, "$ref chain does not end (a reference cycle)"))
    }
}

/// References are URI fragments: `%7B` stands for `{` and so on.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            // Bytes, not a str slice: the two after `%` may be part of a multi-byte character.
            let digits = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(digits, 16) {
                out.push(byte);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_chains_and_reports_missing_targets() {
        let document =
            json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {"type": "string"}}}});
        let resolver = Resolver::new(&document);
        let item: ReferenceOr<openapiv3::Schema> = ReferenceOr::ref_("#/components/schemas/A");
        let (_, at) = resolver.resolve(&item, "#/x").unwrap();
        assert_eq!(at, "#/components/schemas/B");
        let missing: ReferenceOr<openapiv3::Schema> = ReferenceOr::ref_("#/components/schemas/C");
        let fault = resolver.resolve(&missing, "#/x").unwrap_err();
        assert_eq!(fault, Fault::at("#/x", "$ref target \"#/components/schemas/C\" does not exist"));
    }

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        assert_eq!(percent_decode("/bad%zz"), "/bad%zz");
        assert_eq!(percent_decode("/a%é"), "/a%é");
    }
}
