//! Reading parameter text into the declared type, directed by the type through serde: a
//! leaf is parsed only when the type asks for it (`deserialize_i64` parses, `deserialize_str`
//! does not), so a string parameter holding `123` or `true` stays a string, and an integer
//! holding `12x` is refused naming what was expected. No JSON guessing.
//!
//! [`Delimited`] is one value whose items and members are split by delimiters: OpenAPI's
//! `simple` style (paths and headers: `a,b`; objects `k,v,k,v`, or `k=v,k=v` exploded), and
//! the path styles `label` and `matrix` once their leading `.` or `;name=` is taken off.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeSeed, EnumAccess, IntoDeserializer, VariantAccess, Visitor};
use serde::forward_to_deserialize_any;
use std::borrow::Cow;

/// One leaf of text: a scalar.
#[derive(Clone, Debug)]
pub struct Leaf<'a>(pub Cow<'a, str>);

impl<'a> Leaf<'a> {
    /// A leaf of text as it stands.
    pub fn new(text: &'a str) -> Self {
        Leaf(Cow::Borrowed(text))
    }

    /// A leaf of percent-encoded text (a path's), decoded; invalid UTF-8 is replaced.
    pub fn percent_decoded(text: &'a str) -> Self {
        Leaf(super::percent_decoded(text))
    }
}

impl<'a> IntoDeserializer<'a, Error> for Leaf<'a> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parse_as {
    ($($method:ident => $visit:ident as $kind:literal),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.0.parse() {
                    Ok(value) => visitor.$visit(value),
                    Err(_) => Err(de::Error::custom(format!("expected {}, found {:?}", $kind, self.0))),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Leaf<'de> {
    type Error = Error;

    /// Text the type did not ask to parse stays text.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    parse_as! {
        deserialize_bool => visit_bool as "true or false",
        deserialize_i8 => visit_i8 as "an integer",
        deserialize_i16 => visit_i16 as "an integer",
        deserialize_i32 => visit_i32 as "an integer",
        deserialize_i64 => visit_i64 as "an integer",
        deserialize_i128 => visit_i128 as "an integer",
        deserialize_u8 => visit_u8 as "a non-negative integer",
        deserialize_u16 => visit_u16 as "a non-negative integer",
        deserialize_u32 => visit_u32 as "a non-negative integer",
        deserialize_u64 => visit_u64 as "a non-negative integer",
        deserialize_u128 => visit_u128 as "a non-negative integer",
        deserialize_f32 => visit_f32 as "a number",
        deserialize_f64 => visit_f64 as "a number",
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_empty() {
            visitor.visit_unit()
        } else {
            Err(de::Error::custom(format!("expected an empty value, found {:?}", self.0)))
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_enum(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        char str string bytes byte_buf unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// A leaf names a unit variant (string enums).
impl<'de> EnumAccess<'de> for Leaf<'de> {
    type Error = Error;
    type Variant = UnitOnly;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, UnitOnly), Error> {
        Ok((seed.deserialize(self)?, UnitOnly))
    }
}

/// The variant of a leaf carries nothing.
pub struct UnitOnly;

impl<'de> VariantAccess<'de> for UnitOnly {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, _seed: S) -> Result<S::Value, Error> {
        Err(de::Error::custom("expected a plain value"))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("expected a plain value"))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], _visitor: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("expected a plain value"))
    }
}

/// Items of a list, each a leaf.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> SeqDeserializer<impl Iterator<Item = Leaf<'a>>, Error> {
    SeqDeserializer::new(items.into_iter().map(Leaf::new))
}

/// Keys and values that alternate (`k,v,k,v`) as members; a key without a value has an
/// empty one.
pub fn alternating<'a>(items: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    items.chunks(2).map(|pair| (pair[0], pair.get(1).copied().unwrap_or_default())).collect()
}

/// A leaf, percent-decoded when `decode` (a path's).
fn leaf(text: &str, decode: bool) -> Leaf<'_> {
    if decode {
        Leaf::percent_decoded(text)
    } else {
        Leaf::new(text)
    }
}

/// Members of an object, keys and values each a leaf.
pub fn object<'a>(
    members: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> MapDeserializer<'a, impl Iterator<Item = (Leaf<'a>, Leaf<'a>)>, Error> {
    MapDeserializer::new(members.into_iter().map(|(key, value)| (Leaf::new(key), Leaf::new(value))))
}

/// One value split by delimiters, read as the type asks: a scalar, a list of `item`-separated
/// leaves, or an object whose members are `item`-separated `key<pair>value` (`pair` given) or
/// alternate keys and values (`pair` none: `k,v,k,v`). `prefix` is taken off each list item
/// and off a scalar: matrix style repeats `name=` before each (`color=a;color=b`). With
/// `percent_decoded` (a path's text), each leaf is percent-decoded once it is split off, so
/// an encoded comma (`a%2Cb`) stays inside its item.
#[derive(Clone, Copy, Debug)]
pub struct Delimited<'a> {
    pub text: &'a str,
    pub item: char,
    pub pair: Option<char>,
    pub prefix: &'a str,
    pub percent_decoded: bool,
    /// Whitespace around each item is dropped, as around the commas of an HTTP list.
    pub trimmed: bool,
}

impl<'a> Delimited<'a> {
    /// `simple` style.
    pub fn simple(text: &'a str, explode: bool) -> Self {
        Delimited { text, item: ',', pair: explode.then_some('='), prefix: "", percent_decoded: false, trimmed: false }
    }

    /// `simple` style in a header, whose list items may have whitespace around the commas
    /// (RFC 9110 5.6.1: `x, y`).
    pub fn header(text: &'a str, explode: bool) -> Self {
        Delimited { trimmed: true, ..Delimited::simple(text, explode) }
    }

    /// Leaves percent-decoded once split off: a path's text.
    pub fn percent_decoded(self) -> Self {
        Delimited { percent_decoded: true, ..self }
    }

    fn leaf(self, text: &'a str) -> Leaf<'a> {
        leaf(text, self.percent_decoded)
    }

    fn item_leaves(self) -> SeqDeserializer<impl Iterator<Item = Leaf<'a>>, Error> {
        let prefix = self.prefix;
        SeqDeserializer::new(
            self.items().map(move |item| leaf(item.strip_prefix(prefix).unwrap_or(item), self.percent_decoded)),
        )
    }

    fn items(self) -> impl Iterator<Item = &'a str> {
        // An empty value is an empty list, not a list of one empty item.
        let trimmed = self.trimmed;
        self.text
            .split(self.item)
            .filter(move |_| !self.text.is_empty())
            .map(move |item| if trimmed { item.trim() } else { item })
    }

    fn scalar(self) -> &'a str {
        self.text.strip_prefix(self.prefix).unwrap_or(self.text)
    }

    fn members(self) -> Vec<(&'a str, &'a str)> {
        match self.pair {
            Some(pair) => self.items().map(|member| member.split_once(pair).unwrap_or((member, ""))).collect(),
            None => alternating(&self.items().collect::<Vec<_>>()),
        }
    }
}

macro_rules! forward_scalars_to_leaf {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                de::Deserializer::$method(self.leaf(self.scalar()), visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Delimited<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.leaf(self.scalar()).deserialize_any(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self.item_leaves(), visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let decode = self.percent_decoded;
        let members = self.members().into_iter().map(move |(key, value)| (leaf(key, decode), leaf(value, decode)));
        de::Deserializer::deserialize_map(MapDeserializer::new(members), visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
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
        self.leaf(self.scalar()).deserialize_enum(name, variants, visitor)
    }

    forward_scalars_to_leaf! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.leaf(self.scalar()).deserialize_unit_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self.item_leaves(), len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_tuple(len, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    fn simple<'a, T: Deserialize<'a>>(text: &'a str, explode: bool) -> Result<T, Error> {
        T::deserialize(Delimited::simple(text, explode))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Color {
        #[serde(rename = "R")]
        r: u8,
        #[serde(rename = "G")]
        g: u8,
        #[serde(rename = "B")]
        b: u8,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Shade {
        Blue,
        Black,
    }

    #[test]
    fn leaves_are_parsed_only_when_the_type_asks() {
        assert_eq!(simple::<String>("123", false).unwrap(), "123");
        assert_eq!(simple::<String>("true", false).unwrap(), "true");
        assert_eq!(simple::<String>("a,b", false).unwrap(), "a,b");
        assert_eq!(simple::<i64>("-7", false).unwrap(), -7);
        assert_eq!(simple::<f64>("1.5", false).unwrap(), 1.5);
        assert!(simple::<bool>("true", false).unwrap());
        assert_eq!(simple::<Shade>("blue", false).unwrap(), Shade::Blue);
        assert_eq!(simple::<i32>("12x", false).unwrap_err().to_string(), "expected an integer, found \"12x\"");
        assert!(simple::<u8>("-1", false).is_err());
        assert!(simple::<Shade>("green", false).is_err());
        assert_eq!(simple::<Option<u8>>("5", false).unwrap(), Some(5));
    }

    /// OpenAPI's style examples, `simple` column: `blue`, `blue,black,brown`,
    /// `R,100,G,200,B,150` and, exploded, `R=100,G=200,B=150`.
    #[test]
    fn the_simple_style_examples_decode() {
        assert_eq!(simple::<Vec<String>>("blue,black,brown", false).unwrap(), ["blue", "black", "brown"]);
        assert_eq!(simple::<Vec<String>>("blue,black,brown", true).unwrap(), ["blue", "black", "brown"]);
        assert_eq!(simple::<Vec<u32>>("7", false).unwrap(), [7]);
        assert_eq!(simple::<Vec<u32>>("", false).unwrap(), Vec::<u32>::new());
        assert_eq!(simple::<Vec<Shade>>("blue,black", false).unwrap(), [Shade::Blue, Shade::Black]);
        let color = Color { r: 100, g: 200, b: 150 };
        assert_eq!(simple::<Color>("R,100,G,200,B,150", false).unwrap(), color);
        assert_eq!(simple::<Color>("R=100,G=200,B=150", true).unwrap(), color);
        let map: BTreeMap<String, String> = simple("R=100,G=200", true).unwrap();
        assert_eq!(map["G"], "200");
        assert!(simple::<Vec<u8>>("1,x", false).is_err());
    }

    #[test]
    fn lists_and_objects_of_leaves() {
        assert_eq!(Vec::<String>::deserialize(list(["1", "b"])).unwrap(), ["1", "b"]);
        assert_eq!(Vec::<u8>::deserialize(list(["1", "2"])).unwrap(), [1, 2]);
        #[derive(Debug, Deserialize, PartialEq)]
        struct Filter {
            status: String,
            min_total: i64,
        }
        let filter = Filter::deserialize(object([("status", "1"), ("min_total", "100")])).unwrap();
        assert_eq!(filter, Filter { status: "1".into(), min_total: 100 });
    }
}
