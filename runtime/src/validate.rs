//! A schema's constraints, checked where a generated server reads a request: generated code
//! calls these checks per parameter and per member (plain code per schema, each pattern
//! compiled once), and every violation is collected, each with the parameter or the JSON
//! pointer it is at, so that one 400 problem lists them all.

use std::collections::BTreeMap;
use std::fmt::Display;

/// A value whose schema has constraints beyond its Rust type.
pub trait Validate {
    fn validate(&self, check: &mut Check);
}

/// One constraint a value breaks, and where the value is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    pub detail: String,
    /// The JSON pointer of the body member at fault (`""` for the body itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The request parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

/// The checks of one request: where the value being checked is, and what was found.
/// Generated code enters a parameter, member or item, checks it, and leaves it (plain calls,
/// not closures: thousands of members cost no generic instances).
#[derive(Debug, Default)]
pub struct Check {
    parameter: Option<String>,
    pointer: String,
    /// The pointer's length before each member or item entered.
    entered: Vec<usize>,
    violations: Vec<Violation>,
    /// The JSON pointers of the body's members that its types do not declare (decoding
    /// dropped them): where a schema forbids such members, they are violations.
    undeclared: Vec<String>,
    /// A response is checked (a client's opt-in): its read-only members belong there.
    response: bool,
}

impl Check {
    /// The checks of a request whose body had the members at `undeclared` (JSON pointers)
    /// beyond those its types declare.
    pub fn with_undeclared(undeclared: Vec<String>) -> Self {
        Check { undeclared, ..Check::default() }
    }

    /// The checks of a response a client decoded, which had the members at `undeclared`
    /// beyond those its types declare.
    pub fn for_response(undeclared: Vec<String>) -> Self {
        Check { undeclared, response: true, ..Check::default() }
    }

    /// Enters the parameter `name` (the body is checked outside any parameter).
    pub fn enter_parameter(&mut self, name: &str) {
        self.parameter = Some(name.to_owned());
        self.pointer.clear();
        self.entered.clear();
    }

    /// Leaves the parameter entered last.
    pub fn leave_parameter(&mut self) {
        self.parameter = None;
        self.pointer.clear();
        self.entered.clear();
    }

    /// Enters the member `name` of the value at hand.
    pub fn enter(&mut self, name: &str) {
        self.entered.push(self.pointer.len());
        self.pointer.push('/');
        // Escaped in place (RFC 6901): entering a member allocates nothing once the
        // pointer has grown to the depth of the value.
        for character in name.chars() {
            match character {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                other => self.pointer.push(other),
            }
        }
    }

    /// Enters the item `index` of the list at hand.
    pub fn enter_item(&mut self, index: usize) {
        use std::fmt::Write;
        self.entered.push(self.pointer.len());
        let _ = write!(self.pointer, "/{index}");
    }

    /// Leaves the member or item entered last.
    pub fn leave(&mut self) {
        if let Some(length) = self.entered.pop() {
            self.pointer.truncate(length);
        }
    }

    /// Records a violation at the value at hand.
    pub fn fail(&mut self, detail: impl Into<String>) {
        let (pointer, parameter) = match &self.parameter {
            // A parameter's own value is named by the parameter; a member of it by both.
            Some(name) => (Some(self.pointer.clone()).filter(|pointer| !pointer.is_empty()), Some(name.clone())),
            None => (Some(self.pointer.clone()), None),
        };
        self.violations.push(Violation { detail: detail.into(), pointer, parameter });
    }

    /// `minLength` and `maxLength`, in code points (JSON Schema counts characters).
    pub fn length(&mut self, value: &str, min: Option<usize>, max: Option<usize>) {
        let count = value.chars().count();
        if min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max) {
            self.fail(format!("{count} characters, {}", bounds_text(min, max, "characters")));
        }
    }

    /// `pattern`, with ECMAScript semantics, anywhere in the value (JSON Schema does not anchor it).
    #[cfg(feature = "pattern")]
    pub fn pattern(&mut self, value: &str, pattern: &Pattern) {
        if pattern.regex().is_none_or(|regex| regex.find(value).is_none()) {
            self.fail(format!("does not match the pattern {:?}", pattern.source));
        }
    }

    /// `minimum` (`exclusiveMinimum` when `exclusive`).
    pub fn minimum<T: PartialOrd + Display>(&mut self, value: T, bound: T, exclusive: bool) {
        let fails = if exclusive { value <= bound } else { value < bound };
        if fails {
            let relation = if exclusive { "greater than" } else { "at least" };
            self.fail(format!("{value} is not {relation} {bound}"));
        }
    }

    /// `maximum` (`exclusiveMaximum` when `exclusive`).
    pub fn maximum<T: PartialOrd + Display>(&mut self, value: T, bound: T, exclusive: bool) {
        let fails = if exclusive { value >= bound } else { value > bound };
        if fails {
            let relation = if exclusive { "less than" } else { "at most" };
            self.fail(format!("{value} is not {relation} {bound}"));
        }
    }

    /// `multipleOf` of an integer.
    pub fn integer_multiple_of(&mut self, value: i128, divisor: i128) {
        if divisor != 0 && value % divisor != 0 {
            self.fail(format!("{value} is not a multiple of {divisor}"));
        }
    }

    /// `multipleOf` of a number: the quotient is an integer (as jsonschema computes it).
    pub fn multiple_of(&mut self, value: f64, divisor: f64) {
        let quotient = value / divisor;
        if !quotient.is_finite() || quotient.trunc() != quotient {
            self.fail(format!("{value} is not a multiple of {divisor}"));
        }
    }

    /// `minItems` and `maxItems`.
    pub fn items(&mut self, count: usize, min: Option<usize>, max: Option<usize>) {
        if min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max) {
            self.fail(format!("{count} items, {}", bounds_text(min, max, "items")));
        }
    }

    /// `uniqueItems`.
    pub fn unique<T: PartialEq>(&mut self, items: &[T]) {
        let repeated = items.iter().enumerate().find(|(index, item)| items[..*index].contains(item));
        if let Some((index, _)) = repeated {
            self.fail(format!("the items are not unique: item {index} repeats an earlier one"));
        }
    }

    /// `minProperties` and `maxProperties`.
    pub fn properties(&mut self, count: usize, min: Option<usize>, max: Option<usize>) {
        if min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max) {
            self.fail(format!("{count} members, {}", bounds_text(min, max, "members")));
        }
    }

    // The format checks name no value: a URI can carry a signature, an address is personal.

    /// `format: email`: a local part and a domain, either side of an `@` (JSON Schema's
    /// reference validator asks no more; quoted local parts may hold almost anything).
    pub fn email(&mut self, value: &str) {
        let valid = value.rsplit_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
        if !valid {
            self.fail("not an email address");
        }
    }

    /// `format: hostname`, as RFC 1123 says: dot-separated labels of 1 to 63 letters, digits
    /// and hyphens, not beginning or ending with a hyphen, 253 characters in all.
    pub fn hostname(&mut self, value: &str) {
        let name = value.strip_suffix('.').unwrap_or(value);
        let label = |label: &str| {
            (1..=63).contains(&label.len())
                && label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        if name.is_empty() || name.len() > 253 || !name.split('.').all(label) {
            self.fail("not a host name");
        }
    }

    /// `format: uri`: an absolute URI (RFC 3986): a scheme, `:`, and only the characters a URI
    /// may hold, each `%` starting an escape of two hex digits.
    pub fn uri(&mut self, value: &str) {
        let scheme = value.split_once(':').map(|(scheme, _)| scheme).filter(|scheme| {
            scheme.bytes().next().is_some_and(|first| first.is_ascii_alphabetic())
                && scheme.bytes().all(|byte| byte.is_ascii_alphanumeric() || b"+-.".contains(&byte))
        });
        if scheme.is_none() || !uri_characters(value) {
            self.fail("not an absolute URI");
        }
    }

    /// `format: uri-reference`: a URI or a relative reference (RFC 3986), of the characters a
    /// URI may hold.
    pub fn uri_reference(&mut self, value: &str) {
        if !uri_characters(value) {
            self.fail("not a URI reference");
        }
    }

    /// An enum's value that its schema does not list (generated enums read one into their
    /// catch-all variant, so that a client accepts values added later).
    pub fn unlisted(&mut self, value: &str) {
        self.fail(format!("{value:?} is not one of the values the schema lists"));
    }

    /// `additionalProperties: false`: each member of the value at hand beyond the declared
    /// ones is a violation at its own pointer.
    pub fn closed(&mut self) {
        if self.parameter.is_some() {
            return;
        }
        for member in &self.undeclared {
            let Some((parent, name)) = member.rsplit_once('/') else { continue };
            if parent == self.pointer {
                let name = crate::unescape_token(name);
                self.violations.push(Violation {
                    detail: format!("the schema allows no member {name:?} (additionalProperties: false)"),
                    pointer: Some(member.clone()),
                    parameter: None,
                });
            }
        }
    }

    /// `readOnly`: the member at hand was sent in a request, which the schema says only
    /// responses carry.
    pub fn read_only(&mut self) {
        if !self.response {
            self.fail("the member is read-only: only responses carry it");
        }
    }

    /// What was found, in the order the checks ran.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }
}

/// Whether `value` holds only what RFC 3986 lets a URI hold: unreserved and reserved
/// characters, escapes of two hex digits, and at most one `#`.
fn uri_characters(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let escape = bytes.get(index + 1..index + 3);
                if !escape.is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                index += 3;
                continue;
            }
            byte if byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&byte) => {}
            _ => return false,
        }
        index += 1;
    }
    value.matches('#').count() <= 1
}

fn bounds_text(min: Option<usize>, max: Option<usize>, unit: &str) -> String {
    match (min, max) {
        (Some(min), Some(max)) if min == max => format!("expected exactly {min}"),
        (Some(min), Some(max)) => format!("expected {min} to {max}"),
        (Some(min), None) => format!("expected at least {min}"),
        (None, Some(max)) => format!("expected at most {max}"),
        (None, None) => format!("expected any number of {unit}"),
    }
}

/// A schema's `pattern`, compiled on first use and kept.
#[cfg(feature = "pattern")]
pub struct Pattern {
    source: &'static str,
    flags: &'static str,
    regex: std::sync::OnceLock<Option<regress::Regex>>,
}

#[cfg(feature = "pattern")]
impl Pattern {
    /// `flags`: `"u"` (Unicode, as JSON Schema means), or `""` for a pattern that only
    /// compiles without it.
    pub const fn new(source: &'static str, flags: &'static str) -> Self {
        Pattern { source, flags, regex: std::sync::OnceLock::new() }
    }

    /// The compiled pattern; `None` where it does not compile (the generator checks that
    /// every pattern it writes does).
    fn regex(&self) -> Option<&regress::Regex> {
        self.regex.get_or_init(|| regress::Regex::with_flags(self.source, self.flags).ok()).as_ref()
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, check: &mut Check) {
        if let Some(value) = self {
            value.validate(check);
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, check: &mut Check) {
        (**self).validate(check);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, check: &mut Check) {
        for (index, item) in self.iter().enumerate() {
            check.enter_item(index);
            item.validate(check);
            check.leave();
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, check: &mut Check) {
        for (key, value) in self {
            check.enter(key);
            value.validate(check);
            check.leave();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_violation_names_where_it_is() {
        let mut check = Check::default();
        check.enter_parameter("limit");
        check.maximum(101, 100, false);
        check.leave_parameter();
        check.enter("name");
        check.length("héllo", Some(1), Some(4));
        check.leave();
        check.enter("tags");
        check.enter_item(2);
        check.length("", Some(1), None);
        check.leave();
        check.leave();
        check.enter("a/b");
        check.minimum(0.0, 0.0, true);
        check.leave();
        let violations = check.into_violations();
        let places: Vec<(Option<&str>, Option<&str>)> =
            violations.iter().map(|violation| (violation.pointer.as_deref(), violation.parameter.as_deref())).collect();
        assert_eq!(
            places,
            [(None, Some("limit")), (Some("/name"), None), (Some("/tags/2"), None), (Some("/a~1b"), None)]
        );
        assert_eq!(violations[1].detail, "5 characters, expected 1 to 4");
    }

    #[test]
    fn text_formats_pass_just_inside_and_fail_just_outside() {
        let fails = |value: &str, format: fn(&mut Check, &str)| {
            let mut check = Check::default();
            format(&mut check, value);
            !check.into_violations().is_empty()
        };
        let label = "a".repeat(63);
        let long_name = [label.as_str(); 4].join(".");
        for (value, expected) in [
            ("example.org", false),
            ("example.org.", false),
            ("0.com", false),
            (label.as_str(), false),
            (&long_name[..253], false),
            ("", true),
            ("a..b", true),
            ("-a.org", true),
            ("a-.org", true),
            ("a_b.org", true),
            (&format!("{label}a"), true),
            (&format!("{}a", &long_name[..253]), true),
        ] {
            assert_eq!(fails(value, Check::hostname), expected, "hostname {value:?}");
        }
        for (value, expected) in
            [("a@b", false), ("\"a b\"@example.org", false), ("@b", true), ("a@", true), ("ab", true)]
        {
            assert_eq!(fails(value, Check::email), expected, "email {value:?}");
        }
        for (value, expected) in [
            ("https://example.org/a?b=c#d", false),
            ("urn:isbn:0451450523", false),
            ("mailto:a@b", false),
            ("http://[::1]:80/%20", false),
            ("//example.org/a", true),
            ("1http://x", true),
            ("http://x/a b", true),
            ("http://x/%2", true),
            ("http://x/%zz", true),
            ("http://x/#a#b", true),
        ] {
            assert_eq!(fails(value, Check::uri), expected, "uri {value:?}");
        }
        assert!(!fails("//example.org/a", Check::uri_reference));
        assert!(!fails("../a?b", Check::uri_reference));
        assert!(fails("a b", Check::uri_reference));
    }

    #[test]
    fn undeclared_members_are_violations_only_where_the_value_is_closed() {
        let undeclared = vec!["/extra".to_owned(), "/address/a~1b".to_owned(), "/address/zip/deeper".to_owned()];
        let mut check = Check::with_undeclared(undeclared);
        check.enter("address");
        check.closed();
        check.leave();
        let violations = check.into_violations();
        let pointers: Vec<_> = violations.iter().map(|violation| violation.pointer.as_deref()).collect();
        assert_eq!(pointers, [Some("/address/a~1b")]);
        assert!(violations[0].detail.contains("\"a/b\""), "{}", violations[0].detail);
    }

    #[test]
    fn bounds_just_inside_pass_and_just_outside_fail() {
        let outcomes = |checks: &dyn Fn(&mut Check)| {
            let mut check = Check::default();
            checks(&mut check);
            check.into_violations().len()
        };
        assert_eq!(outcomes(&|check| check.minimum(5, 5, false)), 0);
        assert_eq!(outcomes(&|check| check.minimum(5, 5, true)), 1);
        assert_eq!(outcomes(&|check| check.maximum(4.999, 5.0, true)), 0);
        assert_eq!(outcomes(&|check| check.length("abcd", None, Some(4))), 0);
        assert_eq!(outcomes(&|check| check.length("abcde", None, Some(4))), 1);
        assert_eq!(outcomes(&|check| check.items(2, Some(2), Some(2))), 0);
        assert_eq!(outcomes(&|check| check.items(3, Some(2), Some(2))), 1);
        assert_eq!(outcomes(&|check| check.unique(&[1, 2, 3])), 0);
        assert_eq!(outcomes(&|check| check.unique(&[1, 2, 1])), 1);
        assert_eq!(outcomes(&|check| check.integer_multiple_of(-9, 3)), 0);
        assert_eq!(outcomes(&|check| check.integer_multiple_of(10, 3)), 1);
        assert_eq!(outcomes(&|check| check.multiple_of(7.5, 2.5)), 0);
        assert_eq!(outcomes(&|check| check.multiple_of(7.6, 2.5)), 1);
    }

    #[cfg(feature = "pattern")]
    #[test]
    fn patterns_are_ecmascript_and_unanchored() {
        static CODE: Pattern = Pattern::new(r"^\p{Lu}{2}-\d+$", "u");
        static ANYWHERE: Pattern = Pattern::new("b", "u");
        let count = |value: &str, pattern: &Pattern| {
            let mut check = Check::default();
            check.pattern(value, pattern);
            check.into_violations().len()
        };
        assert_eq!((count("ÉA-12", &CODE), count("éa-12", &CODE), count("AB-", &CODE)), (0, 1, 1));
        assert_eq!((count("abc", &ANYWHERE), count("ac", &ANYWHERE)), (0, 1));
    }
}
