//! Framing JSON Lines (`application/jsonl`, one JSON text per line) and JSON text sequences
//! (`application/json-seq`, RFC 7464: each text after an RS byte), fed bytes as they arrive.

use super::sse::Oversized;
use bytes::{Buf, BytesMut};

/// The record separator that starts each text of a JSON text sequence.
pub const RECORD_SEPARATOR: u8 = 0x1E;

/// Which of the two framings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Lines,
    Sequence,
}

/// Splits a byte stream into JSON texts, each no longer than `limit` bytes.
#[derive(Debug)]
pub struct ItemFramer {
    framing: Framing,
    buffer: BytesMut,
    scanned: usize,
    limit: usize,
}

impl ItemFramer {
    pub fn new(framing: Framing, limit: usize) -> Self {
        ItemFramer { framing, buffer: BytesMut::new(), scanned: 0, limit }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete text. Blank lines are skipped; a sequence's text ends at a line end
    /// where what came since its RS is a whole JSON text (a pretty-printed text spans lines),
    /// or at the next RS.
    pub fn next_item(&mut self) -> Result<Option<BytesMut>, Oversized> {
        loop {
            let Some(found) = self.buffer[self.scanned..].iter().position(|&byte| match self.framing {
                Framing::Lines => byte == b'\n',
                Framing::Sequence => byte == b'\n' || byte == RECORD_SEPARATOR,
            }) else {
                self.scanned = self.buffer.len();
                if self.buffer.len() > self.limit {
                    return Err(Oversized { limit: self.limit });
                }
                return Ok(None);
            };
            let end = self.scanned + found;
            if end > self.limit {
                return Err(Oversized { limit: self.limit });
            }
            match (self.framing, self.buffer[end]) {
                (Framing::Lines, _) => {
                    self.scanned = 0;
                    let mut line = self.buffer.split_to(end + 1);
                    line.truncate(end);
                    if let Some(text) = trimmed(line) {
                        return Ok(Some(text));
                    }
                }
                (Framing::Sequence, RECORD_SEPARATOR) => {
                    self.scanned = 0;
                    let text = self.buffer.split_to(end);
                    self.buffer.advance(1);
                    if let Some(text) = trimmed(text) {
                        return Ok(Some(text));
                    }
                }
                (Framing::Sequence, _) => {
                    let whole = serde_json::from_slice::<serde::de::IgnoredAny>(&self.buffer[..end]).is_ok();
                    if whole {
                        self.scanned = 0;
                        let text = self.buffer.split_to(end + 1);
                        if let Some(text) = trimmed(text) {
                            return Ok(Some(text));
                        }
                    } else {
                        self.scanned = end + 1;
                    }
                }
            }
        }
    }

    /// The text left at the end of the stream, when it was not terminated.
    pub fn finish(&mut self) -> Option<BytesMut> {
        self.scanned = 0;
        trimmed(std::mem::take(&mut self.buffer))
    }
}

/// The text without surrounding whitespace; `None` when nothing is left.
fn trimmed(mut text: BytesMut) -> Option<BytesMut> {
    let start = text.iter().position(|byte| !byte.is_ascii_whitespace())?;
    let end = text.iter().rposition(|byte| !byte.is_ascii_whitespace()).map_or(0, |end| end + 1);
    text.truncate(end);
    text.advance(start);
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(framing: Framing, input: &[u8], chunk: usize) -> Vec<String> {
        let mut framer = ItemFramer::new(framing, 1 << 20);
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            framer.feed(piece);
            while let Some(item) = framer.next_item().unwrap() {
                out.push(String::from_utf8(item.to_vec()).unwrap());
            }
        }
        out.extend(framer.finish().map(|item| String::from_utf8(item.to_vec()).unwrap()));
        out
    }

    #[test]
    fn lines_in_every_split() {
        let input = b"{\"a\":1}\r\n\n  [2,3]\n\"last\"";
        for chunk in 1..input.len() {
            assert_eq!(items(Framing::Lines, input, chunk), ["{\"a\":1}", "[2,3]", "\"last\""], "split every {chunk}");
        }
    }

    #[test]
    fn sequences_in_every_split() {
        let input = b"\x1e{\"a\":1}\n\x1e{\n  \"b\": [\n 2]\n}\n\x1e3\x1e\"x\"\n";
        for chunk in 1..input.len() {
            assert_eq!(
                items(Framing::Sequence, input, chunk),
                ["{\"a\":1}", "{\n  \"b\": [\n 2]\n}", "3", "\"x\""],
                "split every {chunk}"
            );
        }
    }

    #[test]
    fn a_text_past_the_bound_is_refused() {
        let mut framer = ItemFramer::new(Framing::Lines, 8);
        framer.feed(b"[1,2,3,4,5]");
        assert_eq!(framer.next_item(), Err(Oversized { limit: 8 }));
    }
}
