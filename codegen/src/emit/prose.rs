//! Spec prose as Markdown that rustdoc reads without a warning. Specs write bare URLs
//! (rustdoc: "this URL is not a hyperlink"), `[RFC7519]` and `[2,3,5]` (read as intra-doc
//! links that do not resolve), and `<num>` or `<CompanyName>` (read as unclosed HTML tags).
//! Outside code spans, a bare URL becomes an autolink, brackets that do not open a
//! `[text](url)` link are escaped, and `<` that would open a tag is escaped; the text reads
//! the same.

/// One line outside a fenced block. A code span (`` `…` `` closed on the same line) is kept
/// as written; a backtick with no partner on the line is text.
pub fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        let Some(character) = rest.chars().next() else { break };
        if let Some(span) = code_span(rest) {
            out.push_str(span);
            rest = &rest[span.len()..];
        } else if let Some(url) = bare_url(rest) {
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
        } else if let Some((link, written)) = markdown_link(rest) {
            out.push_str(written);
            rest = &rest[link.len()..];
        } else if let Some(autolink) = autolink(rest) {
            out.push_str(autolink);
            rest = &rest[autolink.len()..];
        } else {
            match character {
                '[' | ']' => out.push('\\'),
                '<' if rest[1..].starts_with(|next: char| next.is_ascii_alphabetic() || next == '/' || next == '!') => {
                    out.push('\\');
                }
                _ => {}
            }
            out.push(character);
            rest = &rest[character.len_utf8()..];
        }
    }
    out
}

/// A code span at the start of `text`: a run of backticks, up to the same run again.
fn code_span(text: &str) -> Option<&str> {
    let ticks = text.len() - text.trim_start_matches('`').len();
    if ticks == 0 {
        return None;
    }
    let fence = &text[..ticks];
    let end = text[ticks..].find(fence)? + ticks + ticks;
    Some(&text[..end])
}

/// A URL at the start of `text` (links and autolinks are read before it is tried).
fn bare_url(text: &str) -> Option<&str> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end =
        text.find(|character: char| character.is_whitespace() || "<>\"'`".contains(character)).unwrap_or(text.len());
    let mut url = &text[..end];
    // Closing punctuation belongs to the sentence, and a `)` or `]` to the text around it
    // unless the URL opened one itself.
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*']);
        let trimmed = match trimmed.chars().last() {
            Some(')') if trimmed.matches('(').count() < trimmed.matches(')').count() => &trimmed[..trimmed.len() - 1],
            Some(']') if trimmed.matches('[').count() < trimmed.matches(']').count() => &trimmed[..trimmed.len() - 1],
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            break;
        }
        url = trimmed;
    }
    (url.len() > "https://".len()).then_some(url)
}

/// A whole `[text](target)` link at the start of `text`, and how it is written: as it is
/// when the target is a URL, else (`crate::views::Certificate`, a Rust path of the crate the
/// spec was written from, which rustdoc would try to resolve here) as its text alone.
fn markdown_link(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    if inner[..close].contains('[') || !inner[close + 1..].starts_with('(') {
        return None;
    }
    let target_start = close + 2;
    let target_end = inner[target_start..].find(')')? + target_start;
    let whole = &text[..target_end + 2];
    let target = &inner[target_start..target_end];
    let is_url = target.contains("://") || target.starts_with(['/', '#', '.']) || target.starts_with("mailto:");
    Some((whole, if is_url { whole } else { &inner[..close] }))
}

/// An autolink (`<https://…>`, `<mailto:…>`) at the start of `text`, kept as written.
fn autolink(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('<')?;
    if !(inner.starts_with("http://") || inner.starts_with("https://") || inner.starts_with("mailto:")) {
        return None;
    }
    let end = inner.find(|character: char| character == '>' || character.is_whitespace())?;
    inner[end..].starts_with('>').then(|| &text[..end + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(line: &str) -> String {
        escape_line(line)
    }

    #[test]
    fn bare_urls_become_autolinks_and_links_stay() {
        assert_eq!(escaped("See https://example.com/a_b."), "See <https://example.com/a_b>.");
        assert_eq!(escaped("(docs: https://x.io/p(1))"), "(docs: <https://x.io/p(1)>)");
        assert_eq!(
            escaped("[the docs](https://x.io) and <https://y.io>"),
            "[the docs](https://x.io) and <https://y.io>"
        );
        assert_eq!(escaped("`https://x.io` stays code"), "`https://x.io` stays code");
        assert_eq!(escaped("a [`Cert`](crate::views::Cert) and [b](/docs)"), "a `Cert` and [b](/docs)");
        // Tags are escaped to text, so a URL in an attribute is text too.
        assert_eq!(escaped("<a href=\"https://x.io\">x</a>"), "\\<a href=\"<https://x.io>\">x\\</a>");
    }

    #[test]
    fn brackets_and_tags_that_are_not_markdown_are_escaped() {
        assert_eq!(escaped("as [RFC7519] says, ids [2,3,5]"), "as \\[RFC7519\\] says, ids \\[2,3,5\\]");
        assert_eq!(escaped("a <num> of <CompanyName>, 1 < 2"), "a \\<num> of \\<CompanyName>, 1 < 2");
        assert_eq!(escaped("code `[x] <y>` is kept"), "code `[x] <y>` is kept");
    }

    #[test]
    fn a_backtick_without_a_partner_is_text() {
        assert_eq!(escaped("it's `open [a] https://x.io"), "it's `open \\[a\\] <https://x.io>");
        assert_eq!(escaped("``a ` b`` [c]"), "``a ` b`` \\[c\\]");
    }
}
