//! JSON objects only where a schema says `type: object`. serde's derived structs also read a
//! JSON array, member by member in declaration order (`[]` is a struct whose members are
//! all optional, `[5]` is `{"target": 5}`); no serde attribute turns that off. This adapter
//! wraps a deserializer, at every depth, and refuses an array wherever a struct (or a struct
//! variant) is asked for. Generated unions read each choice through it too
//! (`unions::from_value`); the values of flattened members, which serde buffers itself, are
//! read past it.

use serde::de::{self, DeserializeSeed, Deserializer, Unexpected, Visitor};
use std::fmt;

/// A deserializer whose structs read JSON objects only.
pub(crate) struct ObjectsOnly<D>(pub D);

macro_rules! forward {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Visit { inner: visitor, refuse_seq: false, integral: false })
            }
        )*
    };
}

/// Integers read a number with a zero fraction (`70.0`) as the integer it is, as JSON Schema
/// (2020-12, so OpenAPI 3.1 and later) counts it one; the type's own range still holds.
macro_rules! integers {
    ($($method:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Visit { inner: visitor, refuse_seq: false, integral: true })
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    integers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
    );

    forward!(
        deserialize_any,
        deserialize_bool,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Visit { inner: visitor, refuse_seq: true, integral: false })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// A visitor whose nested values are read through [`ObjectsOnly`]; `refuse_seq` (where a
/// struct is asked for) refuses arrays, `integral` (where an integer is) reads `70.0` as 70.
struct Visit<V> {
    inner: V,
    refuse_seq: bool,
    integral: bool,
}

macro_rules! visit_scalars {
    ($($method:ident($type:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, value: $type) -> Result<V::Value, E> {
                self.inner.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(formatter)
    }

    visit_scalars!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_f32<E: de::Error>(self, value: f32) -> Result<V::Value, E> {
        match self.integral {
            true => self.visit_f64(f64::from(value)),
            false => self.inner.visit_f32(value),
        }
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<V::Value, E> {
        // Below 2^63 (and at or above -2^63) an integral f64 converts exactly.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if self.integral && value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value) {
            return self.inner.visit_i64(value as i64);
        }
        self.inner.visit_f64(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(ObjectsOnly(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(ObjectsOnly(deserializer))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if self.refuse_seq {
            return Err(de::Error::invalid_type(Unexpected::Seq, &"an object"));
        }
        self.inner.visit_seq(Seq(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Map(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Enum(data))
    }
}

/// A seed whose value is read through [`ObjectsOnly`].
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(ObjectsOnly(deserializer))
    }
}

struct Seq<A>(A);

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Map<A>(A);

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Map<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Enum<A>(A);

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0.variant_seed(Seed(seed)).map(|(value, variant)| (value, Variant(variant)))
    }
}

struct Variant<A>(A);

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Visit { inner: visitor, refuse_seq: false, integral: false })
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Visit { inner: visitor, refuse_seq: true, integral: false })
    }
}

#[cfg(test)]
mod tests {
    use super::ObjectsOnly;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Filter {
        #[serde(default)]
        tag: Option<String>,
        #[serde(default)]
        inner: Option<Box<Filter>>,
        #[serde(default)]
        items: Vec<Filter>,
    }

    fn read<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, serde_json::Error> {
        T::deserialize(ObjectsOnly(&mut serde_json::Deserializer::from_str(text)))
    }

    #[test]
    fn structs_read_objects_and_refuse_arrays_at_every_depth() {
        assert_eq!(serde_json::from_str::<Filter>("[]").unwrap(), Filter::default(), "serde alone reads an array");
        for refused in
            ["[]", r#"["a"]"#, r#"{"inner": []}"#, r#"{"inner": {"inner": ["a"]}}"#, r#"{"items": [{}, []]}"#]
        {
            let error = read::<Filter>(refused).unwrap_err();
            assert!(error.to_string().contains("expected an object"), "{refused}: {error}");
        }
        let read: Filter = read(r#"{"tag": "a", "inner": {"items": [{"tag": "b"}]}}"#).unwrap();
        assert_eq!(read.inner.unwrap().items[0].tag.as_deref(), Some("b"));
    }

    #[test]
    fn integers_read_numbers_with_a_zero_fraction_within_their_range() {
        assert_eq!(read::<i32>("70.0").unwrap(), 70);
        assert_eq!(read::<u8>("-0.0").unwrap(), 0);
        assert_eq!(read::<Vec<i64>>("[1e3, -2.0]").unwrap(), [1000, -2]);
        for refused in ["70.5", "256.0", "1e30"] {
            assert!(read::<u8>(refused).is_err(), "{refused}");
        }
        assert!(read::<i64>("1e30").is_err());
        // Other values keep their numbers as written.
        assert_eq!(read::<serde_json::Value>("70.0").unwrap(), serde_json::json!(70.0));
        assert_eq!(read::<f64>("70.0").unwrap(), 70.0);
    }

    #[test]
    fn lists_tuples_maps_and_enums_read_as_before() {
        assert_eq!(read::<Vec<(u8, String)>>(r#"[[1, "a"]]"#).unwrap(), [(1, "a".to_owned())]);
        let map: std::collections::BTreeMap<String, Vec<u8>> = read(r#"{"a": [1, 2]}"#).unwrap();
        assert_eq!(map["a"], [1, 2]);
        #[derive(Debug, Deserialize, PartialEq)]
        enum Shape {
            Unit,
            Pair(u8, u8),
            Named { x: u8 },
        }
        assert_eq!(read::<Shape>(r#""Unit""#).unwrap(), Shape::Unit);
        assert_eq!(read::<Shape>(r#"{"Pair": [1, 2]}"#).unwrap(), Shape::Pair(1, 2));
        assert_eq!(read::<Shape>(r#"{"Named": {"x": 3}}"#).unwrap(), Shape::Named { x: 3 });
        assert!(read::<Shape>(r#"{"Named": [3]}"#).is_err());
        assert_eq!(read::<serde_json::Value>(r#"[{"a": []}]"#).unwrap(), serde_json::json!([{"a": []}]));
    }
}
