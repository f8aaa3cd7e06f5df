//! A path template (`/files/{stem}.{ext}`), parsed once into literal text and parameters, for
//! the model's parameter checks, the server's routes and the client's paths alike.

/// A run of literal text, or a `{name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Param(String),
}

/// One `/`-separated segment: its text as written, and its pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub pieces: Vec<Piece>,
}

impl Segment {
    /// The parameter names in the segment, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|piece| match piece {
            Piece::Param(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathTemplate {
    text: String,
    pieces: Vec<Piece>,
    segments: Vec<Segment>,
}

impl PathTemplate {
    /// A `{` without a closing `}` is text; in `{a{b}` the parameter is `b`.
    pub fn parse(text: &str) -> Self {
        let segments = text
            .trim_start_matches('/')
            .split('/')
            .map(|segment| Segment { text: segment.to_owned(), pieces: pieces(segment) })
            .collect();
        PathTemplate { text: text.to_owned(), pieces: pieces(text), segments }
    }

    /// The template as the spec writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The pieces of the whole template, slashes in its text.
    pub fn pieces(&self) -> &[Piece] {
        &self.pieces
    }

    /// The segments after the leading `/`.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().flat_map(Segment::params)
    }
}

fn pieces(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(close) = rest.find('}') {
        match rest[..close].rfind('{') {
            Some(open) => {
                literal.push_str(&rest[..open]);
                if !literal.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Param(rest[open + 1..close].to_owned()));
            }
            None => literal.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> Piece {
        Piece::Text(text.to_owned())
    }

    fn param(name: &str) -> Piece {
        Piece::Param(name.to_owned())
    }

    #[test]
    fn pieces_and_segments() {
        let template = PathTemplate::parse("/files/{stem}.{ext}");
        assert_eq!(template.pieces(), [text("/files/"), param("stem"), text("."), param("ext")]);
        assert_eq!(template.segments().len(), 2);
        assert_eq!(template.segments()[1].text, "{stem}.{ext}");
        assert_eq!(template.params().collect::<Vec<_>>(), ["stem", "ext"]);
        assert_eq!(PathTemplate::parse("/").segments()[0].pieces, []);
    }

    #[test]
    fn unbalanced_braces_are_text() {
        assert_eq!(PathTemplate::parse("/a{b").pieces(), [text("/a{b")]);
        assert_eq!(PathTemplate::parse("/a}b").pieces(), [text("/a}b")]);
        assert_eq!(PathTemplate::parse("/{a{b}").pieces(), [text("/{a"), param("b")]);
    }
}
