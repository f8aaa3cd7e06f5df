//! Parameter values as they travel in paths, query strings, headers and cookies.
//!
//! The client side turns any `Serialize` value into text laid out by the OpenAPI `style`,
//! through `serde_json::Value`, so enums with renamed variants and newtypes work like they
//! do in bodies. The server side (and the client, for response headers) reads text back
//! directed by the declared type ([`text`]): a leaf is parsed only when the type asks.

pub mod form;
pub mod query;
pub mod text;

pub use form::FormField;

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

/// A value in `simple` style, as headers carry it (unencoded).
pub fn simple_text(value: &Value, explode: bool) -> String {
    simple_text_with(value, explode, str::to_owned)
}

/// A value in `simple` style with each leaf (item, key, member value) passed through
/// `leaf`, so that a path can percent-encode the leaves and keep the `,` and `=` that
/// delimit them, as RFC 6570 expansion does.
fn simple_text_with(value: &Value, explode: bool, leaf: impl Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => {
            items.iter().filter_map(scalar_text).map(|item| leaf(&item)).collect::<Vec<_>>().join(",")
        }
        Value::Object(fields) => {
            let pair_separator = if explode { "=" } else { "," };
            fields
                .iter()
                .filter_map(|(key, value)| Some(format!("{}{pair_separator}{}", leaf(key), leaf(&scalar_text(value)?))))
                .collect::<Vec<_>>()
                .join(",")
        }
        scalar => leaf(&scalar_text(scalar).unwrap_or_default()),
    }
}

/// Percent-decodes text (a path or cookie leaf; `+` stays `+`), borrowing when there is
/// nothing to decode. Invalid UTF-8 is replaced.
pub fn percent_decoded(text: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

/// A cookie value in `form` style, encoded: each leaf percent-encoded, the commas between
/// items kept (`color=blue,black`; `R%26D` for `R&D`). Values that cannot be serialized
/// render as an empty value.
pub fn cookie_text(value: &Value) -> String {
    simple_text_with(value, false, |text| query::encode_leaf(text, false))
}

/// The pairs of a cookie parameter in OpenAPI 3.2's `cookie` style, as is: one `name=a,b`
/// pair, or exploded one pair per item (`name=a`, `name=b`) or member (`R=100`).
pub fn cookie_pairs(name: &str, value: &Value, explode: bool) -> Vec<(String, String)> {
    match value {
        Value::Array(items) if explode => {
            items.iter().filter_map(scalar_text).map(|item| (name.to_owned(), item)).collect()
        }
        Value::Object(fields) if explode => {
            fields.iter().filter_map(|(key, value)| Some((key.clone(), scalar_text(value)?))).collect()
        }
        _ => vec![(name.to_owned(), simple_text(value, false))],
    }
}

/// Percent-encodes one path segment: everything but RFC 3986 unreserved characters.
pub fn encode_path_segment(text: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// A path parameter rendered in `simple` style and encoded for the URL: each item encoded,
/// the commas between items kept (`/items/1,2,3`). Values that cannot be serialized (none
/// that generated types produce) render as an empty segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    to_value(value).map(|value| simple_text_with(&value, false, encode_path_segment)).unwrap_or_default()
}

/// A path parameter as [`path_segment`] renders it, with `explode`: an object's members as
/// `key=value` (`R=100,G=200`) instead of `key,value`.
pub fn path_segment_exploded<T: Serialize + ?Sized>(value: &T) -> String {
    to_value(value).map(|value| simple_text_with(&value, true, encode_path_segment)).unwrap_or_default()
}

/// A path parameter in `label` style, encoded: `.blue`, `.blue,black` (`.blue.black`
/// exploded), `.R,100,G,200` (`.R=100.G=200` exploded).
pub fn path_label<T: Serialize + ?Sized>(value: &T, explode: bool) -> String {
    let Ok(value) = to_value(value) else { return String::new() };
    let leaf = |text: &str| encode_path_segment(text);
    match &value {
        Value::Array(items) if explode => {
            format!(".{}", items.iter().filter_map(scalar_text).map(|item| leaf(&item)).collect::<Vec<_>>().join("."))
        }
        Value::Object(_) if explode => format!(".{}", simple_text_with(&value, true, leaf).replace(',', ".")),
        _ => format!(".{}", simple_text_with(&value, false, leaf)),
    }
}

/// A path parameter in `matrix` style, encoded: `;color=blue`, `;color=blue,black`
/// (`;color=blue;color=black` exploded), `;color=R,100,G,200` (`;R=100;G=200` exploded),
/// `;color` when empty.
pub fn path_matrix<T: Serialize + ?Sized>(value: &T, name: &str, explode: bool) -> String {
    let Ok(value) = to_value(value) else { return String::new() };
    let leaf = |text: &str| encode_path_segment(text);
    let name = leaf(name);
    match &value {
        Value::Array(items) if explode => {
            items.iter().filter_map(scalar_text).map(|item| format!(";{name}={}", leaf(&item))).collect()
        }
        Value::Object(fields) if explode => fields
            .iter()
            .filter_map(|(key, value)| Some(format!(";{}={}", leaf(key), leaf(&scalar_text(value)?))))
            .collect(),
        _ => match simple_text_with(&value, false, leaf) {
            text if text.is_empty() => format!(";{name}"),
            text => format!(";{name}={text}"),
        },
    }
}

/// Reads a `label` path parameter (its leading `.` included) into `T`.
pub fn decode_label<T: DeserializeOwned>(raw: &str, explode: bool) -> Result<T, String> {
    let text =
        raw.strip_prefix('.').ok_or_else(|| format!("expected a label value starting with `.`, found {raw:?}"))?;
    let delimited = if explode {
        text::Delimited { item: '.', ..text::Delimited::simple(text, true) }
    } else {
        text::Delimited::simple(text, false)
    };
    T::deserialize(delimited.percent_decoded()).map_err(|error| error.to_string())
}

/// Reads a `matrix` path parameter named `name` (its leading `;` included) into `T`.
pub fn decode_matrix<T: DeserializeOwned>(raw: &str, name: &str, explode: bool) -> Result<T, String> {
    let text =
        raw.strip_prefix(';').ok_or_else(|| format!("expected a matrix value starting with `;`, found {raw:?}"))?;
    let prefix = format!("{name}=");
    let delimited = if explode {
        // `;color` alone is the empty value.
        let text = if text == name { "" } else { text };
        text::Delimited { item: ';', prefix: &prefix, ..text::Delimited::simple(text, true) }
    } else {
        let value = match text.strip_prefix(name) {
            Some("") => "",
            Some(rest) => rest.strip_prefix('=').ok_or_else(|| format!("expected `;{name}=`, found {raw:?}"))?,
            None => return Err(format!("expected `;{name}=`, found {raw:?}")),
        };
        text::Delimited::simple(value, false)
    };
    T::deserialize(delimited.percent_decoded()).map_err(|error| error.to_string())
}

/// Reads one value as it stands (a decoded query scalar, a cookie in 3.2's `cookie` style)
/// in `simple` style into `T`, directed by `T`: `a,b` is a list when `T` is one and text when
/// it is a string; `explode` reads an object's members as `key=value`.
pub fn decode<T: DeserializeOwned>(raw: &str, explode: bool) -> Result<T, String> {
    T::deserialize(text::Delimited::simple(raw, explode)).map_err(|error| error.to_string())
}

/// Reads a header value (request or response) in `simple` style into `T`, directed by `T`:
/// a string takes the whole text, a list its comma-separated items (whitespace around them
/// dropped), an object `key,value,...` or, `explode`, `key=value,...`.
pub fn decode_header<T: DeserializeOwned>(raw: &str, explode: bool) -> Result<T, String> {
    T::deserialize(text::Delimited::header(raw, explode)).map_err(|error| error.to_string())
}

/// Reads a path segment as sent (percent-encoded) in `simple` style into `T`: split on its
/// delimiters first, then each leaf decoded, so `a%2Cb,c` is two items. `explode` reads an
/// object's members as `key=value`.
pub fn decode_path<T: DeserializeOwned>(raw: &str, explode: bool) -> Result<T, String> {
    T::deserialize(text::Delimited::simple(raw, explode).percent_decoded()).map_err(|error| error.to_string())
}

/// Reads a list parameter (its items already split) into `T`, a `Vec` of some item type.
pub fn decode_list<'a, T: DeserializeOwned>(items: impl IntoIterator<Item = &'a str>) -> Result<T, String> {
    T::deserialize(text::list(items)).map_err(|error| error.to_string())
}

/// Reads an object parameter (its members as text) into `T`.
pub fn decode_object<'a, T: DeserializeOwned>(
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<T, String> {
    T::deserialize(text::object(members)).map_err(|error| error.to_string())
}

/// A piece of a path segment's template, as the generator parsed it: literal text or a
/// parameter's name (`{name}.{ext}` is `[Param("name"), Text("."), Param("ext")]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(&'static str),
    Param(&'static str),
}

/// The template the pieces spell, for messages: `{name}.{ext}`.
pub fn template_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => (*text).to_owned(),
            Piece::Param(name) => format!("{{{name}}}"),
        })
        .collect()
}

/// Splits a path segment by its template's pieces (`{name}.{ext}` against `report.v2.csv`
/// gives name `report.v2`, ext `csv`). Parameters are non-empty and greedy, earlier ones
/// first, as a regular expression `(.+)\.(.+)` would split. `None` when the segment does
/// not fit.
pub fn split_segment<'a>(pieces: &[Piece], segment: &'a str) -> Option<Vec<(String, &'a str)>> {
    let mut values = Vec::new();
    match_pieces(pieces, segment, &mut values).then_some(values)
}

fn match_pieces<'a>(pieces: &[Piece], segment: &'a str, values: &mut Vec<(String, &'a str)>) -> bool {
    match pieces.split_first() {
        None => segment.is_empty(),
        Some((Piece::Text(text), rest)) => {
            segment.strip_prefix(text).is_some_and(|after| match_pieces(rest, after, values))
        }
        Some((Piece::Param(name), rest)) => {
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

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("a b/c"), "a%20b%2Fc");
        assert_eq!(path_segment(&42), "42");
        // Items are encoded one by one; the commas between them stay.
        assert_eq!(path_segment(&["x", "y"]), "x,y");
        assert_eq!(path_segment(&["a,b", "c d"]), "a%2Cb,c%20d");
    }

    fn decode_styled<T: DeserializeOwned>(style: &str, raw: &str, explode: bool) -> T {
        match style {
            "label" => decode_label(raw, explode),
            _ => decode_matrix(raw, "color", explode),
        }
        .unwrap()
    }

    /// OpenAPI's style examples for `color`: `blue`, `["blue","black","brown"]` and
    /// `{"R":100,"G":200,"B":150}`, in `label` and `matrix` style, each way.
    #[test]
    fn label_and_matrix_follow_the_style_examples() {
        use std::collections::BTreeMap;
        let list = ["blue", "black", "brown"];
        let color = BTreeMap::from([("B", 150), ("G", 200), ("R", 100)]);
        let cases: [(&str, bool, String, String, String); 4] = [
            ("label", false, path_label("blue", false), path_label(&list, false), path_label(&color, false)),
            ("label", true, path_label("blue", true), path_label(&list, true), path_label(&color, true)),
            (
                "matrix",
                false,
                path_matrix("blue", "color", false),
                path_matrix(&list, "color", false),
                path_matrix(&color, "color", false),
            ),
            (
                "matrix",
                true,
                path_matrix("blue", "color", true),
                path_matrix(&list, "color", true),
                path_matrix(&color, "color", true),
            ),
        ];
        let expected = [
            (".blue", ".blue,black,brown", ".B,150,G,200,R,100"),
            (".blue", ".blue.black.brown", ".B=150.G=200.R=100"),
            (";color=blue", ";color=blue,black,brown", ";color=B,150,G,200,R,100"),
            (";color=blue", ";color=blue;color=black;color=brown", ";B=150;G=200;R=100"),
        ];
        for ((style, explode, scalar, array, object), (want_scalar, want_array, want_object)) in
            cases.iter().zip(expected)
        {
            assert_eq!(
                (scalar.as_str(), array.as_str(), object.as_str()),
                (want_scalar, want_array, want_object),
                "{style} {explode}"
            );
            let explode = *explode;
            assert_eq!(decode_styled::<String>(style, scalar, explode), "blue", "{style} {explode}");
            assert_eq!(decode_styled::<Vec<String>>(style, array, explode), list, "{style} {explode}");
            let object: BTreeMap<String, u8> = decode_styled(style, object, explode);
            assert_eq!(object["G"], 200, "{style} {explode}");
        }
        assert_eq!(path_matrix("", "color", false), ";color");
        assert_eq!(decode_matrix::<String>(";color", "color", false).unwrap(), "");
        assert!(decode_label::<String>("blue", false).is_err());
        assert!(decode_matrix::<String>(";shade=blue", "color", false).is_err());
    }

    #[test]
    fn segments_split_by_their_template() {
        use Piece::{Param, Text};
        let name_ext = [Param("name"), Text("."), Param("ext")];
        assert_eq!(template_text(&name_ext), "{name}.{ext}");
        assert_eq!(
            split_segment(&name_ext, "report.v2.csv"),
            Some(vec![("name".into(), "report.v2"), ("ext".into(), "csv")])
        );
        let dashes = [Param("a"), Text("-"), Param("b"), Text("-x")];
        assert_eq!(split_segment(&dashes, "1-2-x"), Some(vec![("a".into(), "1"), ("b".into(), "2")]));
        assert_eq!(split_segment(&name_ext, "noext"), None);
        let version = [Text("v"), Param("major"), Text("-"), Param("minor"), Text(".json")];
        assert_eq!(split_segment(&version, "v1-2.json"), Some(vec![("major".into(), "1"), ("minor".into(), "2")]));
        assert_eq!(split_segment(&[Param("name"), Text(".json")], "data.xml"), None);
        assert_eq!(split_segment(&[Param("id")], "42"), Some(vec![("id".into(), "42")]));
    }

    #[test]
    fn decoding_follows_the_declared_type() {
        assert_eq!(decode::<String>("123", false).unwrap(), "123");
        assert_eq!(decode::<i64>("123", false).unwrap(), 123);
        assert!(decode::<bool>("yes", false).is_err());
        assert!(decode::<i32>("12x", false).is_err());
        assert_eq!(decode_list::<Vec<u8>>(["1", "2"]).unwrap(), vec![1, 2]);
        assert_eq!(decode_list::<Vec<String>>(["1", "b"]).unwrap(), vec!["1", "b"]);
    }

    #[test]
    fn header_lists_allow_whitespace_around_commas() {
        assert_eq!(decode_header::<Vec<String>>("x, y ,z", false).unwrap(), ["x", "y", "z"]);
        // A string takes the whole value, spaces and commas included.
        assert_eq!(decode_header::<String>("R&D, 50%", false).unwrap(), "R&D, 50%");
        let map: std::collections::BTreeMap<String, u8> = decode_header("R=1, G=2", true).unwrap();
        assert_eq!(map["G"], 2);
    }
}
