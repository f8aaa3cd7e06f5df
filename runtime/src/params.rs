//! Parameter values as they travel in paths, query strings, headers and cookies.
//!
//! The client side turns any `Serialize` value into text laid out by the OpenAPI `style`;
//! the server side reads text back into the declared type. Both go through
//! `serde_json::Value`, so enums with renamed variants and newtypes work like they do in
//! bodies, and the per-type generic code stays a single call.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// How an array or object parameter is laid out: OpenAPI's `style` with `explode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `name=a&name=b` when exploded, `name=a,b` otherwise (the query default).
    Form { explode: bool },
    /// `a,b` (the path and header default).
    Simple { explode: bool },
    /// `name=a%20b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// Serializes a parameter value. Fails only for values serde_json cannot represent
/// (a map with non-string keys), which generated types never are.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|error| error.to_string())
}

/// The text of a scalar; `None` for null. Nested values fall back to their JSON text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        nested => Some(nested.to_string()),
    }
}

/// The `name=value` pairs one query parameter contributes, unencoded.
pub fn query_pairs(name: &str, value: &Value, style: Style) -> Vec<(String, String)> {
    let joined = |separator: &str, items: Vec<String>| vec![(name.to_owned(), items.join(separator))];
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar_text).collect();
            match style {
                Style::Form { explode: true } | Style::DeepObject => {
                    items.into_iter().map(|item| (name.to_owned(), item)).collect()
                }
                Style::SpaceDelimited => joined(" ", items),
                Style::PipeDelimited => joined("|", items),
                Style::Form { explode: false } | Style::Simple { .. } => joined(",", items),
            }
        }
        Value::Object(fields) => {
            let fields = fields.iter().filter_map(|(key, value)| Some((key.clone(), scalar_text(value)?)));
            match style {
                Style::DeepObject => fields.map(|(key, value)| (format!("{name}[{key}]"), value)).collect(),
                Style::Form { explode: true } => fields.collect(),
                _ => joined(",", fields.flat_map(|(key, value)| [key, value]).collect()),
            }
        }
        scalar => scalar_text(scalar).map(|text| (name.to_owned(), text)).into_iter().collect(),
    }
}

/// A value in `simple` style, as path segments and headers carry it (unencoded).
pub fn simple_text(value: &Value, explode: bool) -> String {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar_text).collect::<Vec<_>>().join(","),
        Value::Object(fields) => {
            let pair_separator = if explode { "=" } else { "," };
            fields
                .iter()
                .filter_map(|(key, value)| Some(format!("{key}{pair_separator}{}", scalar_text(value)?)))
                .collect::<Vec<_>>()
                .join(",")
        }
        scalar => scalar_text(scalar).unwrap_or_default(),
    }
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn encode_path_segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// A path parameter rendered and encoded for the URL. Values that cannot be serialized
/// (none that generated types produce) render as an empty segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    let text = to_value(value).map(|value| simple_text(&value, false)).unwrap_or_default();
    encode_path_segment(&text)
}

/// Reads one textual parameter value into `T`: first as a string (strings, enums), then as
/// a JSON literal (numbers, booleans).
pub fn decode<T: DeserializeOwned>(raw: &str) -> Result<T, String> {
    serde_json::from_value(Value::String(raw.to_owned())).or_else(|as_string| {
        match serde_json::from_str::<Value>(raw) {
            Ok(literal) => serde_json::from_value(literal).map_err(|error| error.to_string()),
            Err(_) => Err(as_string.to_string()),
        }
    })
}

/// Reads a list parameter (its items already split) into `T`, a `Vec` of some item type.
pub fn decode_list<'a, T: DeserializeOwned>(items: impl IntoIterator<Item = &'a str>) -> Result<T, String> {
    let items: Vec<&str> = items.into_iter().collect();
    strings_then_literals(|leaf| Value::Array(items.iter().map(|item| leaf(item)).collect()))
}

/// Reads an object parameter (its members as text) into `T`.
pub fn decode_object<'a, T: DeserializeOwned>(
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<T, String> {
    let members: Vec<(&str, &str)> = members.into_iter().collect();
    strings_then_literals(|leaf| {
        Value::Object(members.iter().map(|(key, value)| ((*key).to_owned(), leaf(value))).collect())
    })
}

/// Reads the value `shape` builds from its texts: first with every text a string (strings,
/// enums), then with each text a JSON literal where it is one (numbers, booleans). The error
/// is the first reading's, which names what was expected.
fn strings_then_literals<T: DeserializeOwned>(shape: impl Fn(&dyn Fn(&str) -> Value) -> Value) -> Result<T, String> {
    let as_string = |text: &str| Value::String(text.to_owned());
    serde_json::from_value(shape(&as_string)).or_else(|as_strings_error| {
        let as_literal = |text: &str| serde_json::from_str(text).unwrap_or_else(|_| as_string(text));
        serde_json::from_value(shape(&as_literal)).map_err(|_| as_strings_error.to_string())
    })
}

/// Splits a path segment by its template (`{name}.{ext}` against `report.v2.csv` gives name
/// `report.v2`, ext `csv`). Parameters are non-empty and greedy, earlier ones first, as a
/// regular expression `(.+)\.(.+)` would split. `None` when the segment does not fit.
pub fn split_segment<'a>(template: &str, segment: &'a str) -> Option<Vec<(String, &'a str)>> {
    // The template as pieces: literal text, or a parameter name.
    let mut pieces: Vec<Result<&str, &str>> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        if open > 0 {
            pieces.push(Ok(&rest[..open]));
        }
        pieces.push(Err(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Ok(rest));
    }
    let mut values = Vec::new();
    match_pieces(&pieces, segment, &mut values).then_some(values)
}

fn match_pieces<'a>(pieces: &[Result<&str, &str>], segment: &'a str, values: &mut Vec<(String, &'a str)>) -> bool {
    match pieces.split_first() {
        None => segment.is_empty(),
        Some((Ok(text), rest)) => segment.strip_prefix(text).is_some_and(|after| match_pieces(rest, after, values)),
        Some((Err(name), rest)) => {
            // Longest first; every split point is a character boundary.
            let ends = (1..=segment.len()).rev().filter(|end| segment.is_char_boundary(*end));
            for end in ends {
                values.push(((*name).to_owned(), &segment[..end]));
                if match_pieces(rest, &segment[end..], values) {
                    return true;
                }
                values.pop();
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_layouts() {
        let list = json!(["a", 1, true]);
        assert_eq!(
            query_pairs("q", &list, Style::Form { explode: true }),
            [("q".into(), "a".into()), ("q".into(), "1".into()), ("q".into(), "true".into())]
        );
        assert_eq!(query_pairs("q", &list, Style::Form { explode: false }), [("q".into(), "a,1,true".into())]);
        assert_eq!(query_pairs("q", &list, Style::PipeDelimited), [("q".into(), "a|1|true".into())]);
        let object = json!({"x": 1, "y": "b"});
        assert_eq!(
            query_pairs("f", &object, Style::DeepObject),
            [("f[x]".into(), "1".into()), ("f[y]".into(), "b".into())]
        );
        assert!(query_pairs("q", &Value::Null, Style::Form { explode: true }).is_empty());
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment(&42), "42");
        assert_eq!(path_segment(&["x", "y"]), "x%2Cy");
    }

    #[test]
    fn segments_split_by_their_template() {
        let split = |template, segment| split_segment(template, segment);
        assert_eq!(
            split("{name}.{ext}", "report.v2.csv"),
            Some(vec![("name".into(), "report.v2"), ("ext".into(), "csv")])
        );
        assert_eq!(split("{a}-{b}-x", "1-2-x"), Some(vec![("a".into(), "1"), ("b".into(), "2")]));
        assert_eq!(split("{name}.{ext}", "noext"), None);
        assert_eq!(
            split("v{major}-{minor}.json", "v1-2.json"),
            Some(vec![("major".into(), "1"), ("minor".into(), "2")])
        );
        assert_eq!(split("{name}.json", "data.xml"), None);
        assert_eq!(split("{id}", "42"), Some(vec![("id".into(), "42")]));
    }

    #[test]
    fn decoding_follows_the_declared_type() {
        assert_eq!(decode::<String>("123").unwrap(), "123");
        assert_eq!(decode::<i64>("123").unwrap(), 123);
        assert!(decode::<bool>("yes").is_err());
        assert!(decode::<i32>("12x").is_err());
        assert_eq!(decode_list::<Vec<u8>>(["1", "2"]).unwrap(), vec![1, 2]);
        assert_eq!(decode_list::<Vec<String>>(["1", "b"]).unwrap(), vec!["1", "b"]);
    }
}
