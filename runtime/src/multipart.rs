//! `multipart/form-data` bodies: named parts, each a text value or a file. A client encodes
//! one; a server decodes one (with `multer`, feature `server`).

use bytes::{BufMut, Bytes, BytesMut};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// A `multipart/form-data` body, its parts in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Multipart {
    parts: Vec<Part>,
}

/// One part: a form field's name and value, and for a file its name and media type.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file's contents are no use in a log, and may be private.
        f.debug_struct("Part")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl Multipart {
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let value: String = value.into();
        self.parts.push(Part { name: name.into(), file_name: None, content_type: None, body: value.into() });
        self
    }

    /// Adds a file.
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        body: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            body: body.into(),
        });
        self
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The first part named `name`.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.parts.iter().find(|part| part.name == name)
    }

    /// The first part named `name` as text, when it is UTF-8.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.part(name).and_then(|part| std::str::from_utf8(&part.body).ok())
    }

    /// The body and its `Content-Type` (with the boundary).
    pub fn encode(&self) -> (String, Bytes) {
        let boundary = self.boundary();
        let mut body = BytesMut::new();
        for part in &self.parts {
            body.put_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("form-data; name=\"{}\"", quote(&part.name));
            if let Some(file_name) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quote(file_name)));
            }
            body.put_slice(format!("content-disposition: {disposition}\r\n").as_bytes());
            if let Some(content_type) = &part.content_type {
                body.put_slice(format!("content-type: {}\r\n", content_type.replace(['\r', '\n'], "")).as_bytes());
            }
            body.put_slice(b"\r\n");
            body.put_slice(&part.body);
            body.put_slice(b"\r\n");
        }
        body.put_slice(format!("--{boundary}--\r\n").as_bytes());
        (format!("multipart/form-data; boundary={boundary}"), body.freeze())
    }

    /// A boundary that no part contains.
    fn boundary(&self) -> String {
        static NEXT: AtomicU64 = AtomicU64::new(0x5eed_0000_0000_0000);
        loop {
            let boundary = format!("apigen-{:016x}", NEXT.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed));
            if !self.parts.iter().any(|part| contains(&part.body, boundary.as_bytes())) {
                return boundary;
            }
        }
    }

    /// Decodes a body whose `Content-Type` is `content_type`.
    #[cfg(feature = "server")]
    pub fn decode(content_type: &str, body: Bytes) -> Result<Multipart, String> {
        use futures_util::FutureExt;
        let boundary = multer::parse_boundary(content_type).map_err(|error| error.to_string())?;
        let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
        let mut reader = multer::Multipart::new(stream, boundary);
        let mut parts = Vec::new();
        // The whole body is in memory, so no future here ever waits.
        let pending = || "the multipart body ended early".to_owned();
        while let Some(field) = reader.next_field().now_or_never().ok_or_else(pending)?.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(ToString::to_string);
            let body = field.bytes().now_or_never().ok_or_else(pending)?.map_err(|error| error.to_string())?;
            parts.push(Part { name, file_name, content_type, body });
        }
        Ok(Multipart { parts })
    }
}

/// A name inside a quoted header parameter: quotes and line breaks escaped as browsers do.
fn quote(text: &str) -> String {
    text.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_text_and_files() {
        let form = Multipart::new().text("caption", "a \"quoted\" caption").file(
            "file",
            "photo.png",
            "image/png",
            vec![0u8, 159, 146, 150, 13, 10, 45, 45],
        );
        let (content_type, body) = form.encode();
        assert!(content_type.starts_with("multipart/form-data; boundary=apigen-"));
        let decoded = Multipart::decode(&content_type, body).unwrap();
        assert_eq!(decoded.text_of("caption"), Some("a \"quoted\" caption"));
        let file = decoded.part("file").unwrap();
        assert_eq!(
            (file.file_name.as_deref(), file.content_type.as_deref(), &file.body[..]),
            (Some("photo.png"), Some("image/png"), &[0u8, 159, 146, 150, 13, 10, 45, 45][..])
        );
        assert_eq!(format!("{file:?}").matches("8 bytes").count(), 1);
    }

    #[test]
    fn a_malformed_body_is_an_error() {
        assert!(Multipart::decode("multipart/form-data", Bytes::from_static(b"x")).is_err());
        assert!(Multipart::decode("multipart/form-data; boundary=b", Bytes::from_static(b"--b\r\nbroken")).is_err());
    }
}
