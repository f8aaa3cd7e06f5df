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
    /// Where the sequence's text in `buffer[..scanned]` stands.
    text: TextState,
    limit: usize,
}

/// How far a JSON text has come, byte by byte: its nesting, whether a string (or an escape
/// in one) is open, and whether anything but whitespace came yet.
#[derive(Debug, Default)]
struct TextState {
    depth: usize,
    in_string: bool,
    escaped: bool,
    started: bool,
}

impl TextState {
    fn step(&mut self, byte: u8) {
        if self.in_string {
            match byte {
                _ if self.escaped => self.escaped = false,
                b'\\' => self.escaped = true,
                b'"' => self.in_string = false,
                _ => {}
            }
            return;
        }
        match byte {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ if byte.is_ascii_whitespace() => return,
            _ => {}
        }
        self.started = true;
    }

    /// Whether a line end here ends the text (a whole value, or at least a closed one).
    fn is_whole(&self) -> bool {
        self.started && self.depth == 0 && !self.in_string
    }
}

impl ItemFramer {
    pub fn new(framing: Framing, limit: usize) -> Self {
        ItemFramer { framing, buffer: BytesMut::new(), scanned: 0, text: TextState::default(), limit }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete text. Blank lines are skipped; a sequence's text ends at a line end
    /// where what came since its RS is a whole JSON text (a pretty-printed text spans lines),
    /// or at the next RS.
    pub fn next_item(&mut self) -> Result<Option<BytesMut>, Oversized> {
        match self.framing {
            Framing::Lines => self.next_line(),
            Framing::Sequence => self.next_sequence_text(),
        }
    }

    fn next_line(&mut self) -> Result<Option<BytesMut>, Oversized> {
        loop {
            let Some(found) = self.buffer[self.scanned..].iter().position(|&byte| byte == b'\n') else {
                return self.incomplete();
            };
            let end = self.scanned + found;
            if end > self.limit {
                return Err(Oversized { limit: self.limit });
            }
            self.scanned = 0;
            let mut line = self.buffer.split_to(end + 1);
            line.truncate(end);
            if let Some(text) = trimmed(line) {
                return Ok(Some(text));
            }
        }
    }

    /// Each byte is looked at once: the text's nesting is followed as it comes, so a line
    /// end inside a pretty-printed text costs nothing.
    fn next_sequence_text(&mut self) -> Result<Option<BytesMut>, Oversized> {
        loop {
            let mut found = None;
            for (offset, &byte) in self.buffer[self.scanned..].iter().enumerate() {
                if byte == RECORD_SEPARATOR || (byte == b'\n' && self.text.is_whole()) {
                    found = Some((self.scanned + offset, byte));
                    break;
                }
                self.text.step(byte);
            }
            let Some((end, byte)) = found else { return self.incomplete() };
            if end > self.limit {
                return Err(Oversized { limit: self.limit });
            }
            self.scanned = 0;
            self.text = TextState::default();
            let text = if byte == RECORD_SEPARATOR {
                let text = self.buffer.split_to(end);
                self.buffer.advance(1);
                text
            } else {
                self.buffer.split_to(end + 1)
            };
            if let Some(text) = trimmed(text) {
                return Ok(Some(text));
            }
        }
    }

    /// No text ends in what was fed: wait for more, unless it is past the bound already.
    fn incomplete(&mut self) -> Result<Option<BytesMut>, Oversized> {
        self.scanned = self.buffer.len();
        if self.buffer.len() > self.limit {
            return Err(Oversized { limit: self.limit });
        }
        Ok(None)
    }

    /// The text left at the end of the stream, when it was not terminated.
    pub fn finish(&mut self) -> Option<BytesMut> {
        self.scanned = 0;
        self.text = TextState::default();
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
    fn line_ends_inside_a_text_do_not_end_it() {
        // Strings holding brackets, escaped quotes and an escaped backslash, across lines.
        let input = b"\x1e{\"a\": \"]}\\\"\\\\\",\n \"b\": [\n1,\n2]}\n\x1e[\"x\"]\n";
        for chunk in 1..input.len() {
            let texts = items(Framing::Sequence, input, chunk);
            assert_eq!(texts.len(), 2, "split every {chunk}: {texts:?}");
            assert_eq!(texts[1], "[\"x\"]");
        }
    }

    #[test]
    fn a_text_past_the_bound_is_refused() {
        let mut framer = ItemFramer::new(Framing::Lines, 8);
        framer.feed(b"[1,2,3,4,5]");
        assert_eq!(framer.next_item(), Err(Oversized { limit: 8 }));
    }
}
