//! Query parameters both ways, by style. The client lays a value out and percent-encodes each
//! leaf (name, item, key, member value) on its own, keeping the delimiters it adds literal,
//! as OpenAPI's style examples are written (`color=a%2Cb,c`: two items). The server splits a
//! value as sent on its delimiter before decoding the pieces, so a comma inside an item stays
//! in the item.

use super::{scalar_text, Style};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// What a query leaf keeps as is: RFC 3986's unreserved characters but `~`, which form
/// encoding escapes too (OpenAPI 3.2, "URL Percent-Encoding").
const LEAF: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// What a leaf keeps with `allowReserved`: RFC 3986's reserved characters as well, but `#`,
/// which would end the query.
const RESERVED: &AsciiSet = &LEAF
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'[')
    .remove(b']')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// What a whole query string written by hand keeps: everything a query may hold, `%`
/// escapes included, so that only what it cannot hold (spaces, quotes, `#`, ...) is escaped.
const QUERY_TEXT: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A query string written by the caller, with what a query cannot hold escaped.
pub fn encode_query_text(text: &str) -> String {
    utf8_percent_encode(text, QUERY_TEXT).to_string()
}

/// Percent-encodes one leaf of a query (or of a form body).
pub fn encode_leaf(text: &str, allow_reserved: bool) -> String {
    utf8_percent_encode(text, if allow_reserved { RESERVED } else { LEAF }).to_string()
}

/// The `name=value` pieces one query parameter contributes, encoded, to be joined with `&`:
/// OpenAPI's style examples, `color=blue,black,brown`, `color=blue%7Cblack%7Cbrown`,
/// `color%5BR%5D=100`. Null adds nothing; so does an empty list exploded (RFC 6570 leaves an
/// empty list undefined), while a non-exploded one is `name=`.
pub fn encode(name: &str, value: &Value, style: Style, allow_reserved: bool) -> Vec<String> {
    let leaf = |text: &str| encode_leaf(text, allow_reserved);
    let pair = |key: &str, value: &str| format!("{}={value}", leaf(key));
    let joined = |delimiter: &str, leaves: Vec<String>| {
        let leaves: Vec<String> = leaves.iter().map(|text| leaf(text)).collect();
        vec![pair(name, &leaves.join(delimiter))]
    };
    let delimiter = match style {
        Style::SpaceDelimited => "%20",
        Style::PipeDelimited => "%7C",
        _ => ",",
    };
    match value {
        Value::Null => Vec::new(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar_text).collect();
            match style {
                Style::Form { explode: true } | Style::DeepObject => {
                    items.iter().map(|item| pair(name, &leaf(item))).collect()
                }
                _ => joined(delimiter, items),
            }
        }
        Value::Object(fields) => {
            let fields = fields.iter().filter_map(|(key, value)| Some((key.as_str(), scalar_text(value)?)));
            match style {
                Style::DeepObject => {
                    fields.map(|(key, value)| pair(&format!("{name}[{key}]"), &leaf(&value))).collect()
                }
                Style::Form { explode: true } => fields.map(|(key, value)| pair(key, &leaf(&value))).collect(),
                _ => joined(delimiter, fields.flat_map(|(key, value)| [key.to_owned(), value]).collect()),
            }
        }
        scalar => scalar_text(scalar).map(|text| pair(name, &leaf(&text))).into_iter().collect(),
    }
}

/// A query string's pairs: names decoded, values as sent (for [`split`]).
pub fn raw_pairs(query: &str) -> Vec<(String, &str)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode_text(name), value)
        })
        .collect()
}

/// Form-decodes one piece of a query: `+` is a space, then percent-decoding (invalid UTF-8
/// replaced, as `form_urlencoded` does).
pub fn decode_text(raw: &str) -> String {
    super::percent_decoded(&raw.replace('+', " ")).into_owned()
}

/// Splits a value as sent on the delimiter of `separator` (`,`, ` ` or `|`), then decodes
/// each piece. The space and pipe are themselves escaped on the wire (`%20` or `+`, `%7C`);
/// a comma is a delimiter only when literal. An empty value is an empty list.
pub fn split(raw: &str, separator: char) -> Vec<String> {
    if raw.is_empty() {
        return Vec::new();
    }
    let delimiters: &[&str] = match separator {
        ' ' => &["%20", "+", " "],
        '|' => &["%7C", "%7c", "|"],
        _ => &[","],
    };
    let mut pieces = Vec::new();
    let mut rest = raw;
    while let Some((at, delimiter)) =
        delimiters.iter().filter_map(|delimiter| Some((rest.find(delimiter)?, delimiter.len()))).min()
    {
        pieces.push(decode_text(&rest[..at]));
        rest = &rest[at + delimiter..];
    }
    pieces.push(decode_text(rest));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_are_encoded_one_by_one() {
        let list = json!(["a,b", "c d", "e~"]);
        assert_eq!(encode("q", &list, Style::Form { explode: false }, false), ["q=a%2Cb,c%20d,e%7E"]);
        assert_eq!(encode("q", &list, Style::Form { explode: true }, false), ["q=a%2Cb", "q=c%20d", "q=e%7E"]);
        assert_eq!(encode("q", &json!("a/b?c"), Style::Form { explode: true }, true), ["q=a/b?c"]);
        assert_eq!(encode("q", &json!("a#b"), Style::Form { explode: true }, true), ["q=a%23b"]);
        assert!(encode("q", &json!([]), Style::Form { explode: true }, false).is_empty());
        assert_eq!(encode("q", &json!([]), Style::Form { explode: false }, false), ["q="]);
        assert!(encode("q", &Value::Null, Style::Form { explode: true }, false).is_empty());
    }

    #[test]
    fn values_split_before_they_decode() {
        assert_eq!(split("a%2Cb,c%20d", ','), ["a,b", "c d"]);
        assert_eq!(split("a+b%20c", ' '), ["a", "b", "c"]);
        assert_eq!(split("a%7Cb|c%7cd", '|'), ["a", "b", "c", "d"]);
        assert!(split("", ',').is_empty());
        assert_eq!(raw_pairs("f%5Bx%5D=1,2&g"), [("f[x]".to_owned(), "1,2"), ("g".to_owned(), "")]);
    }
}
