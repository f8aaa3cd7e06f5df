//! `application/x-www-form-urlencoded` bodies both ways, request and response.
//!
//! A body is an object; each property travels as its Encoding Object says ([`FormField`]:
//! `style`, `explode`, `allowReserved`, or a JSON `contentType`), laid out as a query
//! parameter of that style would be. Without one, a scalar or a list of scalars is a `form`
//! exploded pair (`tags=a&tags=b`) and anything nested travels in bracket form
//! (`metadata[key]=v`, `items[0][price]=p`), as the largest form-encoded APIs read it;
//! `deepObject` asks for bracket form too. Reading builds the same tree back from the pairs
//! and hands it to the declared type, which parses a leaf only when it asks (a string
//! holding `123` stays a string).

use super::query::{self, decode_text, encode_leaf};
use super::text::Leaf;
use super::{scalar_text, Style};
use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, Visitor};
use serde::forward_to_deserialize_any;
use serde::Serialize;
use serde_json::Value;

/// How one property of a form body travels: its Encoding Object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormField {
    pub name: &'static str,
    /// `None` for the default: `form` exploded, bracket form for nested values.
    pub style: Option<Style>,
    pub allow_reserved: bool,
    /// `contentType: application/json`: the value as JSON text.
    pub json: bool,
}

impl FormField {
    /// A property laid out in `style`.
    pub const fn styled(name: &'static str, style: Style, allow_reserved: bool) -> Self {
        FormField { name, style: Some(style), allow_reserved, json: false }
    }

    /// A property sent as JSON text.
    pub const fn json(name: &'static str) -> Self {
        FormField { name, style: None, allow_reserved: false, json: true }
    }
}

fn field<'a>(fields: &'a [FormField], name: &str) -> Option<&'a FormField> {
    fields.iter().find(|field| field.name == name)
}

/// Encodes a body (an object; anything else has no form and gives an error).
pub fn encode<T: Serialize + ?Sized>(body: &T, fields: &[FormField]) -> Result<String, String> {
    let Value::Object(members) = super::to_value(body)? else {
        return Err("a form body must be an object".to_owned());
    };
    let mut pieces = Vec::new();
    for (name, member) in &members {
        let field = field(fields, name);
        match field {
            Some(FormField { json: true, .. }) => {
                pieces.push(format!("{}={}", encode_leaf(name, false), encode_leaf(&member.to_string(), false)))
            }
            Some(FormField { style: Some(Style::DeepObject), .. }) => brackets(name, member, &mut pieces),
            Some(FormField { style: Some(style), allow_reserved, .. }) => {
                pieces.extend(query::encode(name, member, *style, *allow_reserved))
            }
            _ if is_nested(member) => brackets(name, member, &mut pieces),
            _ => pieces.extend(query::encode(name, member, Style::Form { explode: true }, false)),
        }
    }
    Ok(pieces.join("&"))
}

/// An object, or a list holding something other than scalars.
fn is_nested(value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(|item| item.is_object() || item.is_array()),
        _ => false,
    }
}

/// `prefix[key]=v` for each member, `prefix[0]=v` for each item, recursively.
fn brackets(prefix: &str, value: &Value, pieces: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                brackets(&format!("{prefix}[{key}]"), member, pieces);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                brackets(&format!("{prefix}[{index}]"), item, pieces);
            }
        }
        Value::Null => {}
        scalar => {
            let text = scalar_text(scalar).unwrap_or_default();
            pieces.push(format!("{}={}", encode_leaf(prefix, false), encode_leaf(&text, false)));
        }
    }
}

/// A form body read back as a tree: text leaves, repeated or delimited lists, objects from
/// bracketed names, JSON-encoded properties.
#[derive(Debug)]
enum Node {
    Text(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
    Json(Value),
}

impl Node {
    fn entry(entries: &[(String, Node)], key: &str) -> Option<usize> {
        entries.iter().position(|(existing, _)| existing == key)
    }

    /// Puts `value` at `path` under this map: a key seen again becomes a list, `[]` appends.
    fn insert(&mut self, path: &[&str], value: Node) -> Result<(), String> {
        let Node::Map(entries) = self else { return Err("a value and members under one name".to_owned()) };
        let (first, rest) = path.split_first().expect("a path has a name");
        let position = Self::entry(entries, first);
        match (position, rest.is_empty()) {
            (None, true) => entries.push(((*first).to_owned(), value)),
            (Some(at), true) => {
                let existing = &mut entries[at].1;
                match existing {
                    Node::List(items) => items.push(value),
                    _ => {
                        let previous = std::mem::replace(existing, Node::List(Vec::new()));
                        *existing = Node::List(vec![previous, value]);
                    }
                }
            }
            (position, false) if rest[0].is_empty() => {
                // `name[]=v`: one more item of a list.
                let at = position.unwrap_or_else(|| {
                    entries.push(((*first).to_owned(), Node::List(Vec::new())));
                    entries.len() - 1
                });
                match &mut entries[at].1 {
                    Node::List(items) => items.push(value),
                    _ => return Err(format!("`{first}[]` after a value of `{first}`")),
                }
            }
            (position, false) => {
                let at = position.unwrap_or_else(|| {
                    entries.push(((*first).to_owned(), Node::Map(Vec::new())));
                    entries.len() - 1
                });
                entries[at].1.insert(rest, value)?;
            }
        }
        Ok(())
    }
}

/// `a[b][0]` as `["a", "b", "0"]`; a name without brackets is itself.
fn name_path(name: &str) -> Vec<&str> {
    let Some(open) = name.find('[').filter(|_| name.ends_with(']')) else { return vec![name] };
    let mut path = vec![&name[..open]];
    path.extend(name[open + 1..name.len() - 1].split("]["));
    path
}

/// Reads a body into `T`. Errors name the property by its JSON pointer when serde can.
pub fn decode<T: DeserializeOwned>(body: &str, fields: &[FormField]) -> Result<T, (String, String)> {
    let mut root = Node::Map(Vec::new());
    for (name, raw) in query::raw_pairs(body) {
        let path = name_path(&name);
        let pointer = || format!("/{}", path.join("/"));
        let value = match field(fields, path[0]) {
            Some(FormField { json: true, .. }) => Node::Json(
                serde_json::from_str(&decode_text(raw)).map_err(|error| (pointer(), format!("not JSON: {error}")))?,
            ),
            Some(FormField { style: Some(style), .. }) if !matches!(style, Style::Form { explode: true }) => {
                match style {
                    Style::SpaceDelimited => Node::List(query::split(raw, ' ').into_iter().map(Node::Text).collect()),
                    Style::PipeDelimited => Node::List(query::split(raw, '|').into_iter().map(Node::Text).collect()),
                    Style::DeepObject => Node::Text(decode_text(raw)),
                    _ => Node::List(query::split(raw, ',').into_iter().map(Node::Text).collect()),
                }
            }
            _ => Node::Text(decode_text(raw)),
        };
        root.insert(&path, value).map_err(|error| (pointer(), error))?;
    }
    serde_path_to_error::deserialize(root)
        .map_err(|error| (crate::json_pointer(error.path()), error.inner().to_string()))
}

fn expected(what: &str, node: &Node) -> Error {
    let found = match node {
        Node::Text(text) => format!("{text:?}"),
        Node::List(_) => "several values".to_owned(),
        Node::Map(_) => "members in brackets".to_owned(),
        Node::Json(value) => value.to_string(),
    };
    de::Error::custom(format!("expected {what}, found {found}"))
}

macro_rules! scalars {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self {
                    Node::Text(text) => Leaf(text.into()).$method(visitor),
                    Node::Json(value) => crate::objects::ObjectsOnly(value).$method(visitor).map_err(de::Error::custom),
                    other => Err(expected("one value", &other)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Text(text) => visitor.visit_string(text),
            Node::List(items) => SeqDeserializer::new(items.into_iter()).deserialize_any(visitor),
            Node::Map(entries) => MapDeserializer::new(entries.into_iter().map(|(key, node)| (Leaf(key.into()), node)))
                .deserialize_any(visitor),
            Node::Json(value) => crate::objects::ObjectsOnly(value).deserialize_any(visitor).map_err(de::Error::custom),
        }
    }

    scalars! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Json(Value::Null) => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            // A list sent once is one pair.
            Node::Text(text) => SeqDeserializer::new(std::iter::once(Node::Text(text))).deserialize_seq(visitor),
            Node::List(items) => SeqDeserializer::new(items.into_iter()).deserialize_seq(visitor),
            Node::Map(entries) => {
                // `items[0]`, `items[1]`: a list by index.
                let mut indexed = Vec::with_capacity(entries.len());
                for (key, node) in entries {
                    let index: usize = key.parse().map_err(|_| expected("a list", &Node::Map(Vec::new())))?;
                    indexed.push((index, node));
                }
                indexed.sort_by_key(|(index, _)| *index);
                SeqDeserializer::new(indexed.into_iter().map(|(_, node)| node)).deserialize_seq(visitor)
            }
            Node::Json(value) => crate::objects::ObjectsOnly(value).deserialize_seq(visitor).map_err(de::Error::custom),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Map(entries) => MapDeserializer::new(entries.into_iter().map(|(key, node)| (Leaf(key.into()), node)))
                .deserialize_map(visitor),
            // A delimited object: `R,100,G,200`.
            Node::List(items) => {
                let mut members = Vec::new();
                let mut items = items.into_iter();
                while let (Some(Node::Text(key)), value) = (items.next(), items.next()) {
                    members.push((Leaf(key.into()), value.unwrap_or(Node::Text(String::new()))));
                }
                MapDeserializer::new(members.into_iter()).deserialize_map(visitor)
            }
            Node::Text(text) if text.is_empty() => {
                MapDeserializer::new(std::iter::empty::<(Leaf, Node)>()).deserialize_map(visitor)
            }
            Node::Json(value) => crate::objects::ObjectsOnly(value).deserialize_map(visitor).map_err(de::Error::custom),
            other => Err(expected("an object", &other)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            Node::Text(text) => Leaf(text.into()).deserialize_enum(name, variants, visitor),
            Node::Json(value) => {
                crate::objects::ObjectsOnly(value).deserialize_enum(name, variants, visitor).map_err(de::Error::custom)
            }
            other => Err(expected("one value", &other)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! { unit_struct tuple tuple_struct }
}

impl<'de> de::IntoDeserializer<'de, Error> for Node {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        price: String,
        quantity: Option<u32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Checkout {
        username: String,
        tags: Vec<String>,
        metadata: BTreeMap<String, String>,
        items: Vec<Item>,
        colors: Vec<String>,
        options: Option<Value>,
    }

    const FIELDS: &[FormField] =
        &[FormField::styled("colors", Style::PipeDelimited, false), FormField::json("options")];

    #[test]
    fn nested_values_travel_in_bracket_form_and_come_back() {
        let body = json!({
            "username": "123",
            "tags": ["a", "b c"],
            "metadata": {"order": "7", "note": "x&y"},
            "items": [{"price": "p_1", "quantity": 2}, {"price": "p_2"}],
            "colors": ["blue", "black"],
            "options": {"gift": true},
        });
        let text = encode(&body, FIELDS).unwrap();
        assert_eq!(
            text,
            "username=123&tags=a&tags=b%20c&metadata%5Border%5D=7&metadata%5Bnote%5D=x%26y\
             &items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=p_2\
             &colors=blue%7Cblack&options=%7B%22gift%22%3Atrue%7D"
        );
        let read: Checkout = decode(&text, FIELDS).unwrap();
        assert_eq!(read.username, "123");
        assert_eq!(read.tags, ["a", "b c"]);
        assert_eq!(read.metadata["note"], "x&y");
        assert_eq!(
            read.items,
            [Item { price: "p_1".into(), quantity: Some(2) }, Item { price: "p_2".into(), quantity: None }]
        );
        assert_eq!(read.colors, ["blue", "black"]);
        assert_eq!(read.options, Some(json!({"gift": true})));
    }

    #[test]
    fn what_others_send_is_read_too() {
        // Literal brackets, `+` for spaces, `name[]` lists, one item sent once.
        let text = "username=ann+b&tags[]=x&tags[]=y&metadata[k]=v&items[1][price]=b&items[0][price]=a&colors=red";
        let read: Checkout = decode(text, FIELDS).unwrap();
        assert_eq!(read.username, "ann b");
        assert_eq!(read.tags, ["x", "y"]);
        assert_eq!(read.items[0].price, "a");
        assert_eq!(read.colors, ["red"]);
    }

    #[test]
    fn faults_name_their_property() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Order {
            items: Vec<Item>,
        }
        let (pointer, message) = decode::<Order>("items[0][price]=a&items[0][quantity]=x", &[]).unwrap_err();
        assert_eq!(pointer, "/items/0/quantity");
        assert!(message.contains("expected a non-negative integer"), "{message}");
        let (pointer, _) = decode::<Checkout>("options=%7Bnope", FIELDS).unwrap_err();
        assert_eq!(pointer, "/options");
        assert!(encode(&json!("text"), &[]).is_err());
    }
}
