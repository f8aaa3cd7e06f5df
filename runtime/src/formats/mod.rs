//! String formats as typed values, by the names generated code uses: `date-time` is
//! [`DateTime`] (a `chrono::DateTime<FixedOffset>` that is written back as it was read), `date`
//! is [`Date`] and `uuid` is [`Uuid`] (features `chrono` and `uuid`; both crates are
//! re-exported by this one);
//! `byte` is [`Base64Bytes`], bytes with standard base64 on the wire; `ipv4` and `ipv6` are
//! `std::net` addresses.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use std::fmt;
use std::ops::Deref;

#[cfg(feature = "chrono")]
mod date_time;
#[cfg(feature = "chrono")]
pub use date_time::DateTime;

/// `format: date`: a calendar date (RFC 3339's `full-date`).
#[cfg(feature = "chrono")]
pub type Date = chrono::NaiveDate;

/// `format: uuid`.
#[cfg(feature = "uuid")]
pub use uuid::Uuid;

/// Bytes written as standard base64 with padding (RFC 4648 section 4), OpenAPI's
/// `format: byte`. Reading refuses any other text: the URL-safe alphabet, missing padding,
/// whitespace.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64Bytes(pub Bytes);

impl Base64Bytes {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The base64 text.
    pub fn encoded(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// Decodes base64 text.
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        STANDARD.decode(text).map(|bytes| Base64Bytes(Bytes::from(bytes)))
    }
}

impl Deref for Base64Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Base64Bytes(Bytes::from(bytes))
    }
}

impl From<Bytes> for Base64Bytes {
    fn from(bytes: Bytes) -> Self {
        Base64Bytes(bytes)
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(bytes: &[u8]) -> Self {
        Base64Bytes(Bytes::copy_from_slice(bytes))
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl serde::Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encoded())
    }
}

impl<'de> serde::Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_text(deserializer, "standard base64 text", |text| {
            Base64Bytes::decode(text).map_err(|error| format!("not standard base64: {error}"))
        })
    }
}

/// A value of a format read from its text by `parse` (borrowed or owned text alike); a
/// value that is not text is refused as not `expecting`.
fn from_text<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Text<T> {
        expecting: &'static str,
        parse: fn(&str) -> Result<T, String>,
    }
    impl<T> serde::de::Visitor<'_> for Text<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            (self.parse)(text).map_err(E::custom)
        }
    }
    deserializer.deserialize_str(Text { expecting, parse })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_refuses_other_alphabets() {
        let value: Base64Bytes = serde_json::from_str("\"+/8=\"").unwrap();
        assert_eq!(value.as_bytes(), [0xfb, 0xff]);
        assert_eq!(serde_json::to_string(&value).unwrap(), "\"+/8=\"");
        for refused in ["\"-_8=\"", "\"+/8\"", "\"+/8= \"", "\"+/9=\"", "3"] {
            assert!(serde_json::from_str::<Base64Bytes>(refused).is_err(), "{refused}");
        }
        assert_eq!(serde_json::from_str::<Base64Bytes>("\"\"").unwrap(), Base64Bytes::default());
    }
}
