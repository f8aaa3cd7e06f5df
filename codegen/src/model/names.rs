//! Turning names from a spec into valid, idiomatic and unique Rust identifiers.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Words that are keywords in any edition: as fields they become raw identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type",
    "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];
/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "super", "crate", "_"];
/// Type names generated code uses unqualified; a schema with one of these names is renamed.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
    "BTreeMap",
    "Deserialize",
    "Serialize",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Copy",
    "Eq",
    "Hash",
    "Bytes",
];

/// Spells out characters that carry meaning in enum values (`+1`, `-1`, `>=`) but that
/// case conversion would drop, so distinct values keep distinct names.
fn spell_symbols(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for character in raw.chars() {
        let word = match character {
            '+' => " plus ",
            '-' if out.trim().is_empty() => " minus ",
            '<' => " lt ",
            '>' => " gt ",
            '=' if out.trim().is_empty() || out.ends_with(" lt ") || out.ends_with(" gt ") => " eq ",
            '*' if raw.len() == 1 => " star ",
            '.' if out.trim().is_empty() => " dot ",
            _ => {
                out.push(character);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

/// Keeps only characters heck treats as word content; the rest separate words.
fn words(raw: &str) -> String {
    raw.chars().map(|character| if character.is_alphanumeric() { character } else { ' ' }).collect()
}

fn ascii_only(text: String) -> String {
    // Identifiers may be Unicode, but ASCII keeps generated APIs typeable; non-ASCII letters
    // are dropped after conversion, and an empty result gets a fallback name.
    text.chars().filter(|character| character.is_ascii_alphanumeric() || *character == '_').collect()
}

/// A type or variant name in UpperCamelCase; `fallback` when nothing usable is left.
pub fn type_name(raw: &str, fallback: &str) -> String {
    let name = ascii_only(words(raw).to_upper_camel_case());
    let name = match name.chars().next() {
        None => fallback.to_owned(),
        Some(first) if first.is_ascii_digit() => format!("{fallback}{name}"),
        Some(_) => name,
    };
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// An enum variant name for a string value.
pub fn variant_name(value: &str) -> String {
    let name = ascii_only(words(&spell_symbols(value)).to_upper_camel_case());
    match name.chars().next() {
        None => "Empty".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("V{name}"),
        Some(_) if name == "Self" => "SelfValue".to_owned(),
        Some(_) => name,
    }
}

/// A field, parameter or method name in snake_case, valid as an identifier.
pub fn snake_name(raw: &str, fallback: &str) -> String {
    let name = ascii_only(words(&spell_symbols(raw)).to_snake_case());
    let name = match name.chars().next() {
        None => fallback.to_owned(),
        Some(first) if first.is_ascii_digit() => format!("{fallback}_{name}"),
        Some(_) => name,
    };
    if NOT_RAW.contains(&name.as_str()) || name == "self_" {
        format!("{name}_")
    } else {
        name
    }
}

/// Whether an identifier must be written raw (`r#type`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Hands out names unique within one scope, in the order asked, so output is deterministic:
/// the second `Pet` becomes `Pet2`.
#[derive(Default)]
pub struct NameSet {
    taken: HashSet<String>,
}

impl NameSet {
    pub fn with_reserved(reserved: &[&str]) -> Self {
        NameSet { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// `candidate` if free, else `candidate{N}` (with `_` between for snake-case names).
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.taken.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let separator = if candidate.chars().next().is_some_and(char::is_lowercase) { "_" } else { "" };
        // `self_` (a keyword made safe) continues as `self_2`, not `self__2`.
        let stem = if separator.is_empty() { candidate } else { candidate.trim_end_matches('_') };
        (2..)
            .map(|index| format!("{stem}{separator}{index}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

/// Whether a field's (snake case) name says it holds a secret: a password, a key, a token.
/// `token_type` and `next_page_token` do not; `access_token` and `client_secret` do.
pub fn names_a_secret(field: &str) -> bool {
    let field = field.trim_start_matches("r#").trim_end_matches('_');
    const EXACT: &[&str] = &["token", "authorization", "credentials", "otp", "pin"];
    const SUFFIXES: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "access_token",
        "refresh_token",
        "id_token",
        "api_key",
        "apikey",
        "private_key",
    ];
    EXACT.contains(&field) || SUFFIXES.iter().any(|suffix| field.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_by_name() {
        for secret in ["password", "new_password", "client_secret", "api_secret", "access_token", "api_key", "token"] {
            assert!(names_a_secret(secret), "{secret}");
        }
        for plain in ["token_type", "next_page_token", "expires_in", "key", "secretary_name", "username"] {
            assert!(!names_a_secret(plain), "{plain}");
        }
    }

    #[test]
    fn types() {
        assert_eq!(type_name("auth-token_request", "Type"), "AuthTokenRequest");
        assert_eq!(type_name("1stPlace", "Type"), "Type1stPlace");
        assert_eq!(type_name("Result", "Type"), "ResultModel");
        assert_eq!(type_name("", "Type"), "Type");
        assert_eq!(type_name("日本", "Type"), "Type");
    }

    #[test]
    fn variants_keep_symbols_apart() {
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("in-progress"), "InProgress");
    }

    #[test]
    fn snake() {
        assert_eq!(snake_name("refreshToken", "field"), "refresh_token");
        assert_eq!(snake_name("self", "field"), "self_");
        assert_eq!(snake_name("2fa", "field"), "field_2fa");
        assert_eq!(snake_name("@type", "field"), "type");
        assert!(is_keyword("type"));
    }

    #[test]
    fn name_sets_suffix_in_order() {
        let mut names = NameSet::with_reserved(&["new"]);
        assert_eq!(names.claim("new"), "new_2");
        assert_eq!(names.claim("Pet"), "Pet");
        assert_eq!(names.claim("Pet"), "Pet2");
    }
}
