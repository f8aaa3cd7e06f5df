//! Media-type matching shared by client and server.

/// The essence of a `Content-Type` value: type and subtype, lower-cased, parameters dropped.
pub fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether a media type carries JSON: `application/json` and any `+json` structured suffix.
pub fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// Whether `actual` (a concrete `Content-Type`) falls under `declared`, which may be a
/// wildcard range such as `*/*` or `text/*` as specs write them.
pub fn matches(declared: &str, actual: &str) -> bool {
    let declared = essence(declared);
    let actual = essence(actual);
    if declared == "*/*" || declared == actual {
        return true;
    }
    match declared.strip_suffix("/*") {
        Some(kind) => actual.split('/').next() == Some(kind),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_suffixes_and_parameters() {
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
    }

    #[test]
    fn wildcards() {
        assert!(matches("*/*", "application/json"));
        assert!(matches("text/*", "text/plain; charset=utf-8"));
        assert!(!matches("text/*", "application/json"));
        assert!(matches("Application/JSON", "application/json"));
    }
}
