//! Reading the `text/event-stream` format as the WHATWG HTML standard's "interpreting an
//! event stream" algorithm says, fed bytes as they arrive. (The server side writes events
//! with axum's `Sse`.)

use bytes::{Buf, BytesMut};

/// One dispatched event before its data is decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEvent {
    /// The `event` field, `None` when absent or empty (the standard's `message`).
    pub event: Option<String>,
    /// The `data` lines, joined with LF.
    pub data: String,
    /// The last event ID at dispatch: it persists from earlier events until a new `id`.
    pub id: Option<String>,
    /// The `retry` field in milliseconds, when this event's lines carried a valid one.
    pub retry: Option<u64>,
}

/// A line, or an event's data, longer than the parser's bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oversized {
    pub limit: usize,
}

/// The incremental parser. Bytes go in through [`EventParser::feed`], complete events come
/// out of [`EventParser::next_event`]; a stream that ends mid-event drops that event, as the
/// standard says.
#[derive(Debug)]
pub struct EventParser {
    buffer: BytesMut,
    /// Bytes at the start of `buffer` already searched for a line end.
    scanned: usize,
    /// The last line ended in CR: an LF that comes next belongs to it.
    after_cr: bool,
    /// A UTF-8 byte order mark may still come first.
    at_start: bool,
    limit: usize,
    fields: Fields,
}

/// The fields of the event being read, and those that outlast it.
#[derive(Debug, Default)]
struct Fields {
    event: String,
    data: String,
    retry: Option<u64>,
    /// The last event ID buffer: set by each `id` field, kept across events.
    last_id: String,
    /// The last event ID string: the buffer as the last dispatch found it (an `id` in an
    /// event still being read, or never ended, does not count yet).
    dispatched_id: String,
    reconnection_time: Option<u64>,
}

impl EventParser {
    /// A parser that refuses any line or event data longer than `limit` bytes.
    pub fn new(limit: usize) -> Self {
        EventParser {
            buffer: BytesMut::new(),
            scanned: 0,
            after_cr: false,
            at_start: true,
            limit,
            fields: Fields::default(),
        }
    }

    /// The last event ID seen, for a reconnection's `Last-Event-ID`; `None` when none was
    /// set or the last one was empty.
    pub fn last_event_id(&self) -> Option<&str> {
        self.fields.last_event_id()
    }

    /// The reconnection time the server last asked for (`retry`), in milliseconds.
    pub fn reconnection_time(&self) -> Option<u64> {
        self.fields.reconnection_time
    }

    /// A parser for the stream opened again after this one ended: it keeps the last event
    /// ID and the reconnection time, and nothing of an event cut off.
    pub fn reconnected(&self) -> Self {
        let mut parser = EventParser::new(self.limit);
        parser.fields.last_id.clone_from(&self.fields.dispatched_id);
        parser.fields.dispatched_id.clone_from(&self.fields.dispatched_id);
        parser.fields.reconnection_time = self.fields.reconnection_time;
        parser
    }

    /// Takes bytes as they came off the wire, split anywhere (even inside a character).
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete event in what was fed so far.
    pub fn next_event(&mut self) -> Result<Option<RawEvent>, Oversized> {
        loop {
            if self.at_start {
                const BOM: &[u8] = b"\xEF\xBB\xBF";
                let prefix = &self.buffer[..self.buffer.len().min(BOM.len())];
                if !BOM.starts_with(prefix) {
                    self.at_start = false;
                } else if prefix.len() == BOM.len() {
                    self.buffer.advance(BOM.len());
                    self.at_start = false;
                } else {
                    return Ok(None);
                }
            }
            if self.after_cr && !self.buffer.is_empty() {
                if self.buffer[0] == b'\n' {
                    self.buffer.advance(1);
                }
                self.after_cr = false;
            }
            let Some(found) = self.buffer[self.scanned..].iter().position(|&byte| byte == b'\n' || byte == b'\r')
            else {
                self.scanned = self.buffer.len();
                if self.buffer.len() > self.limit {
                    return Err(Oversized { limit: self.limit });
                }
                return Ok(None);
            };
            let end = self.scanned + found;
            self.scanned = 0;
            if end > self.limit {
                return Err(Oversized { limit: self.limit });
            }
            self.after_cr = self.buffer[end] == b'\r';
            // Line ends are ASCII, so decoding line by line is decoding the stream.
            let line = String::from_utf8_lossy(&self.buffer[..end]);
            let event = self.fields.process_line(&line, self.limit);
            self.buffer.advance(end + 1);
            if let Some(event) = event? {
                return Ok(Some(event));
            }
        }
    }
}

impl Fields {
    fn last_event_id(&self) -> Option<&str> {
        Some(self.dispatched_id.as_str()).filter(|id| !id.is_empty())
    }

    fn process_line(&mut self, line: &str, limit: usize) -> Result<Option<RawEvent>, Oversized> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line.starts_with(':') {
            return Ok(None);
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                if self.data.len() + value.len() + 1 > limit {
                    return Err(Oversized { limit });
                }
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => value.clone_into(&mut self.last_id),
            "retry" if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) => {
                if let Ok(milliseconds) = value.parse() {
                    self.retry = Some(milliseconds);
                    self.reconnection_time = Some(milliseconds);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// An empty line: the event so far, unless it has no data (then it is dropped).
    fn dispatch(&mut self) -> Option<RawEvent> {
        let event = std::mem::take(&mut self.event);
        let retry = self.retry.take();
        self.last_id.clone_into(&mut self.dispatched_id);
        if self.data.is_empty() {
            return None;
        }
        // One allocation of the exact size; the buffer keeps its capacity for the next event.
        let data = self.data[..self.data.len() - 1].to_owned();
        self.data.clear();
        Some(RawEvent {
            event: Some(event).filter(|event| !event.is_empty()),
            data,
            id: self.last_event_id().map(str::to_owned),
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8], chunk: usize) -> Vec<RawEvent> {
        let mut parser = EventParser::new(1 << 20);
        let mut out = Vec::new();
        for piece in input.chunks(chunk) {
            parser.feed(piece);
            while let Some(event) = parser.next_event().unwrap() {
                out.push(event);
            }
        }
        out
    }

    fn event(name: Option<&str>, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent { event: name.map(Into::into), data: data.into(), id: id.map(Into::into), retry: None }
    }

    #[test]
    fn the_standards_examples_in_every_split() {
        // WHATWG HTML, 9.2.6: "data:test" and "data: test" are the same; a data-less
        // block dispatches nothing; the last block without a blank line is dropped.
        let input = b"\xEF\xBB\xBF: comment\r\ndata: YHOO\r\ndata: +2\rdata: 10\n\nid: 7\r\n\r\ndata:test\n\ndata\n\ndata\ndata\n\ndata: unfinished";
        let expected = vec![
            event(None, "YHOO\n+2\n10", None),
            event(None, "test", Some("7")),
            event(None, "", Some("7")),
            event(None, "\n", Some("7")),
        ];
        for chunk in 1..input.len() {
            assert_eq!(events(input, chunk), expected, "split every {chunk} bytes");
        }
    }

    #[test]
    fn fields_as_the_standard_reads_them() {
        let input = b"event: add\nid: 1\nretry: 2500\ndata:  two spaces\nunknown: x\n\nevent: \nid\nretry: 1x\ndata: reset\n\nid: a\0b\ndata: nul\n\n";
        let got = events(input, 7);
        assert_eq!(
            got[0],
            RawEvent { event: Some("add".into()), data: " two spaces".into(), id: Some("1".into()), retry: Some(2500) }
        );
        assert_eq!(got[1], event(None, "reset", None));
        assert_eq!(got[2], event(None, "nul", None), "an id with NUL is ignored, the empty one stays");
    }

    #[test]
    fn the_last_event_id_is_the_one_dispatched() {
        let mut parser = EventParser::new(1 << 10);
        parser.feed(b"id: 1\ndata: a\n\nid: 2\n");
        assert_eq!(parser.next_event().unwrap().map(|event| event.data), Some("a".to_owned()));
        assert_eq!(parser.last_event_id(), Some("1"), "an id not yet dispatched does not count");
        // A block with an id and no data dispatches nothing, but sets the id.
        parser.feed(b"\n");
        assert_eq!(parser.next_event().unwrap(), None);
        assert_eq!(parser.last_event_id(), Some("2"));
    }

    #[test]
    fn a_lone_cr_then_lf_in_the_next_chunk_is_one_line_end() {
        assert_eq!(events(b"data: a\r\n\r\n", 8), vec![event(None, "a", None)]);
        assert_eq!(events(b"data: a\r\r", 8), vec![event(None, "a", None)]);
    }

    #[test]
    fn a_line_past_the_bound_is_refused() {
        let mut parser = EventParser::new(16);
        parser.feed(b"data: 0123456789abcdef");
        assert_eq!(parser.next_event(), Err(Oversized { limit: 16 }));
        let mut parser = EventParser::new(16);
        parser.feed(b"data: 01234567\ndata: 01234567\n\n");
        assert_eq!(parser.next_event(), Err(Oversized { limit: 16 }), "data of many lines counts whole");
    }
}
