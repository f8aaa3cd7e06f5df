//! `format: date-time` (RFC 3339 section 5.6), read strictly and written back as it was read:
//! the same offset, the same number of fraction digits, `Z` where it was `Z`. A value written
//! by another implementation (Python's `isoformat()`: six digits, `+00:00`) comes back byte for
//! byte, and a signature over the text stays valid.

use chrono::{FixedOffset, SecondsFormat, Timelike};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// An instant with the offset it was written in: a [`chrono::DateTime<FixedOffset>`] (which
/// it dereferences to) and how its text was written. Equality, order and hashing are the
/// instant's and offset's: `12:00:00Z` equals `12:00:00.000+00:00`.
#[derive(Clone, Copy)]
pub struct DateTime {
    value: chrono::DateTime<FixedOffset>,
    /// Digits of the fraction of a second, 0 to 9.
    fraction_digits: u8,
    /// A zero offset written `Z`.
    zulu: bool,
}

impl DateTime {
    /// Reads RFC 3339 `date-time` text (`T` or `t` between date and time; a space is not
    /// RFC 3339's `date-time` production and is refused).
    pub fn parse(text: &str) -> Result<Self, String> {
        let refused = || format!("expected an RFC 3339 date-time, found {text:?}");
        if text.as_bytes().get(10).is_none_or(|separator| !matches!(separator, b'T' | b't')) {
            return Err(refused());
        }
        let value = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| refused())?;
        // The time starts after the separator; a fraction follows its seconds (`hh:mm:ss`).
        let time = &text[11..];
        let fraction = time
            .get(8..)
            .filter(|rest| rest.starts_with('.'))
            .map_or(0, |rest| rest[1..].bytes().take_while(u8::is_ascii_digit).count());
        if fraction > 9 {
            // chrono keeps nanoseconds; more digits could not be written back.
            return Err(format!("{text:?}: more than nine digits of a second"));
        }
        let zulu = text.ends_with(['Z', 'z']);
        Ok(DateTime { value, fraction_digits: fraction as u8, zulu })
    }

    /// The instant and its offset.
    pub fn into_inner(self) -> chrono::DateTime<FixedOffset> {
        self.value
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    /// Written with as many fraction digits as it needs (0, 3, 6 or 9), the offset as `±hh:mm`.
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        let nanos = value.nanosecond() % 1_000_000_000;
        let fraction_digits = match nanos {
            0 => 0,
            _ if nanos % 1_000_000 == 0 => 3,
            _ if nanos % 1_000 == 0 => 6,
            _ => 9,
        };
        DateTime { value, fraction_digits, zulu: false }
    }
}

impl From<chrono::DateTime<chrono::Utc>> for DateTime {
    /// Written with a `Z`.
    fn from(value: chrono::DateTime<chrono::Utc>) -> Self {
        DateTime { zulu: true, ..DateTime::from(value.fixed_offset()) }
    }
}

impl Deref for DateTime {
    type Target = chrono::DateTime<FixedOffset>;

    fn deref(&self) -> &Self::Target {
        &self.value
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zulu = self.zulu && self.value.offset().local_minus_utc() == 0;
        let text = self.value.to_rfc3339_opts(SecondsFormat::Secs, zulu);
        // `to_rfc3339_opts` writes `…:ss` then the offset: the fraction goes between them.
        let (seconds, offset) = text.split_at(19);
        f.write_str(seconds)?;
        if self.fraction_digits > 0 {
            let digits = usize::from(self.fraction_digits);
            let nanos = self.value.nanosecond() % 1_000_000_000;
            let fraction = nanos / 10u32.pow(9 - u32::from(self.fraction_digits));
            write!(f, ".{fraction:0digits$}")?;
        }
        f.write_str(offset)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.value.offset() == other.value.offset()
    }
}

impl Eq for DateTime {}

impl Hash for DateTime {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
        self.value.offset().local_minus_utc().hash(state);
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTime {
    /// By instant, then by offset.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let offset = |time: &DateTime| time.value.offset().local_minus_utc();
        self.value.cmp(&other.value).then_with(|| offset(self).cmp(&offset(other)))
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        DateTime::parse(text)
    }
}

impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for DateTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::from_text(deserializer, "an RFC 3339 date-time", DateTime::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_comes_back_as_it_was_written() {
        for text in [
            "2026-12-01T10:20:30Z",
            "2026-12-01t10:20:30z",
            "2026-12-01T10:20:30.250000+01:00",
            "2026-12-01T10:20:30.25-05:30",
            "2026-12-01T10:20:30.000000001+00:00",
            "2026-12-01T10:20:30.100Z",
            "1990-12-31T23:59:60Z",
        ] {
            let time = DateTime::parse(text).unwrap();
            let written = time.to_string();
            // The case of `t` and `z` is not kept: RFC 3339 writes them upper case.
            assert_eq!(written, text.to_ascii_uppercase(), "{text}");
        }
    }

    #[test]
    fn what_is_not_rfc_3339_is_refused() {
        for text in [
            "2026-12-01 10:20:30Z",
            "2026-12-01T10:20:30",
            "2026-12-01T10:20Z",
            "2026-12-01",
            "2026-13-01T10:20:30Z",
            "2026-12-01T10:20:30.Z",
            "2026-12-01T10:20:30.1234567891Z",
            "2026-12-01T10:20:30+0100",
            "",
            "é",
        ] {
            assert!(DateTime::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn equality_is_the_instant_and_offset() {
        let a = DateTime::parse("2026-12-01T10:20:30Z").unwrap();
        let b = DateTime::parse("2026-12-01T10:20:30.000+00:00").unwrap();
        let c = DateTime::parse("2026-12-01T11:20:30+01:00").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.timestamp(), c.timestamp());
        let utc: DateTime = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:20:30.5Z").unwrap().to_utc().into();
        assert_eq!(utc.to_string(), "2026-12-01T10:20:30.500Z");
    }
}
