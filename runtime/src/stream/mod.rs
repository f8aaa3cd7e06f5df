//! Streamed bodies: server-sent events ([`EventStream`]), JSON Lines and JSON text sequences
//! ([`ItemStream`]) and raw bytes ([`ByteStream`]). One type serves both sides: a client
//! reads it off a response as the data arrives, a server handler builds it from any stream
//! and the server writes each item as it comes.

mod lines;
mod sse;

/// What reading a stream takes (`while let Some(event) = events.next().await`), so that a
/// user of generated code needs no futures dependency of their own.
pub use futures_util::stream::{Stream, StreamExt};
use lines::ItemFramer;
pub use lines::{Framing, RECORD_SEPARATOR};
pub use sse::{EventParser, Oversized, RawEvent};

use bytes::Bytes;
use futures_util::stream;
use serde::de::DeserializeOwned;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Why a streamed body yielded an error instead of an item.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The connection failed or broke mid-stream; the stream ends.
    Transport(Box<dyn std::error::Error + Send + Sync>),
    /// One item is not what the spec documents. The stream goes on: the caller stops it by
    /// dropping it, or reads on.
    Decode {
        /// The event's `event` field (server-sent events only).
        event: Option<String>,
        /// The start of the item's text.
        data: String,
        message: String,
    },
    /// One event or item was larger than the bound; the stream ends.
    TooLarge { limit: usize },
    /// A server's producer gave an item that cannot be written (an event name with a line
    /// break, a value that does not serialize); the stream ends.
    Unwritable(String),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(error) => write!(f, "the stream broke: {error}"),
            StreamError::Decode { event: Some(event), data, message } => {
                write!(f, "event {event:?} with data {data:?} does not decode: {message}")
            }
            StreamError::Decode { event: None, data, message } => write!(f, "{data:?} does not decode: {message}"),
            StreamError::TooLarge { limit } => write!(f, "a streamed item exceeds the limit of {limit} bytes"),
            StreamError::Unwritable(reason) => write!(f, "a streamed item cannot be written: {reason}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Transport(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

impl From<Oversized> for StreamError {
    fn from(oversized: Oversized) -> Self {
        StreamError::TooLarge { limit: oversized.limit }
    }
}

type Boxed<T> = Pin<Box<dyn Stream<Item = Result<T, StreamError>> + Send>>;

/// The chunks of a body as they arrive.
pub type Chunks = Boxed<Bytes>;

/// One server-sent event: its `data` decoded as the spec's schema says, and its fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    pub data: T,
    /// The `event` field; `None` is the standard's default type, `message`.
    pub event: Option<String>,
    /// The last event ID, which persists from earlier events until the server sets another.
    pub id: Option<String>,
    /// The reconnection time this event asked for.
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// An event of the default type carrying `data`.
    pub fn new(data: T) -> Self {
        Event { data, event: None, id: None, retry: None }
    }

    /// Sets the `event` field (the event's type).
    pub fn with_event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    /// Sets the `id` field.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the `retry` field.
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// A `text/event-stream` body: a stream of [`Event`]s. A client's ends when the server
/// closes the connection or sends the stream's sentinel (`data: [DONE]`, where the spec or
/// the generator's options name one).
pub struct EventStream<T> {
    inner: Boxed<Event<T>>,
}

/// A JSON Lines or JSON text sequence body: a stream of items.
pub struct ItemStream<T> {
    inner: Boxed<T>,
}

/// A binary body as a stream of chunks, never held whole.
pub struct ByteStream {
    inner: Chunks,
}

macro_rules! stream_type {
    ($name:ident $(<$t:ident>)?, $item:ty, $what:literal) => {
        impl<$($t: Send + 'static)?> $name<$($t)?> {
            #[doc = concat!("A stream of ", $what, " produced by `items` (a server handler's answer).")]
            pub fn new(items: impl Stream<Item = $item> + Send + 'static) -> Self {
                $name { inner: Box::pin(items.map(Ok)) }
            }

            #[doc = concat!("A stream of ", $what, " or errors; an error ends what a server writes.")]
            pub fn from_results(items: impl Stream<Item = Result<$item, StreamError>> + Send + 'static) -> Self {
                $name { inner: Box::pin(items) }
            }

        }

        /// A stream of the given values, collected first (`values.into_iter().collect()`).
        impl<$($t: Send + 'static)?> FromIterator<$item> for $name<$($t)?> {
            fn from_iter<I: IntoIterator<Item = $item>>(items: I) -> Self {
                Self::new(stream::iter(items.into_iter().collect::<Vec<_>>()))
            }
        }

        impl<$($t)?> Stream for $name<$($t)?> {
            type Item = Result<$item, StreamError>;

            fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                self.inner.as_mut().poll_next(context)
            }
        }

        impl<$($t)?> fmt::Debug for $name<$($t)?> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

stream_type!(EventStream<T>, Event<T>, "events");
stream_type!(ItemStream<T>, T, "items");
stream_type!(ByteStream, Bytes, "chunks");

impl ByteStream {
    /// The whole body, refused once it grows past `limit` bytes.
    pub async fn collect(mut self, limit: usize) -> Result<Bytes, StreamError> {
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if body.len() + chunk.len() > limit {
                return Err(StreamError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// No chunks: an empty body.
impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::from_iter([])
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        ByteStream::from_iter([bytes])
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        ByteStream::from(Bytes::from(bytes))
    }
}

/// How an event's `data` becomes the typed value: as JSON, or as the text itself (a schema
/// of type string).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventData {
    Json,
    Text,
}

/// What the start of an item's text looks like in an error message.
fn preview(text: &str) -> String {
    const LIMIT: usize = 256;
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// The state of a decoding stream: where chunks come from and what is framed so far.
struct Decoding<F, D> {
    chunks: Chunks,
    framer: F,
    decode: D,
    ended: bool,
}

/// What decoding one frame of a body gives: an item, or the end (a sentinel).
pub(crate) enum Step<T> {
    Item(T),
    End,
}

trait Framer: Send + 'static {
    type Frame: Send;
    fn feed(&mut self, bytes: &[u8]);
    fn next_frame(&mut self) -> Result<Option<Self::Frame>, Oversized>;
    /// What is left once the chunks end.
    fn finish(&mut self) -> Option<Self::Frame>;
}

impl Framer for EventParser {
    type Frame = RawEvent;
    fn feed(&mut self, bytes: &[u8]) {
        EventParser::feed(self, bytes);
    }
    fn next_frame(&mut self) -> Result<Option<RawEvent>, Oversized> {
        self.next_event()
    }
    fn finish(&mut self) -> Option<RawEvent> {
        // The standard drops an event the stream ended in the middle of.
        None
    }
}

impl Framer for ItemFramer {
    type Frame = bytes::BytesMut;
    fn feed(&mut self, bytes: &[u8]) {
        ItemFramer::feed(self, bytes);
    }
    fn next_frame(&mut self) -> Result<Option<bytes::BytesMut>, Oversized> {
        self.next_item()
    }
    fn finish(&mut self) -> Option<bytes::BytesMut> {
        ItemFramer::finish(self)
    }
}

/// Chunks framed and decoded item by item; a framing or transport error ends the stream
/// after it is yielded, a decoding error does not.
fn decoded<F, T, D>(chunks: Chunks, framer: F, decode: D) -> Boxed<T>
where
    F: Framer,
    T: Send + 'static,
    D: FnMut(F::Frame) -> Step<Result<T, StreamError>> + Send + 'static,
{
    let state = Decoding { chunks, framer, decode, ended: false };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if state.ended {
                return None;
            }
            let frame = match state.framer.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => match state.chunks.next().await {
                    Some(Ok(chunk)) => {
                        state.framer.feed(&chunk);
                        continue;
                    }
                    Some(Err(error)) => {
                        state.ended = true;
                        return Some((Err(error), state));
                    }
                    None => {
                        state.ended = true;
                        match state.framer.finish() {
                            Some(frame) => frame,
                            None => return None,
                        }
                    }
                },
                Err(oversized) => {
                    state.ended = true;
                    return Some((Err(oversized.into()), state));
                }
            };
            match (state.decode)(frame) {
                Step::Item(item) => return Some((item, state)),
                Step::End => return None,
            }
        }
    }))
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Events read from `chunks`, each no larger than `limit` bytes, their data decoded as
    /// `data` says; the stream ends at an event whose data is `sentinel`.
    pub fn decode(chunks: Chunks, limit: usize, data: EventData, sentinel: Option<&'static str>) -> Self {
        let decode = move |raw: RawEvent| decode_event(raw, data, sentinel);
        EventStream { inner: decoded(chunks, EventParser::new(limit), decode) }
    }
}

/// One event, its data decoded as `data` says; the end where its data is the sentinel.
pub(crate) fn decode_event<T: DeserializeOwned>(
    raw: RawEvent,
    data: EventData,
    sentinel: Option<&str>,
) -> Step<Result<Event<T>, StreamError>> {
    if sentinel == Some(raw.data.as_str()) {
        return Step::End;
    }
    let value = match data {
        EventData::Json => crate::decode_json_item(raw.data.as_bytes()),
        EventData::Text => T::deserialize(serde::de::value::StrDeserializer::<serde_json::Error>::new(&raw.data)),
    };
    Step::Item(match value {
        Ok(value) => {
            Ok(Event { data: value, event: raw.event, id: raw.id, retry: raw.retry.map(Duration::from_millis) })
        }
        Err(error) => {
            Err(StreamError::Decode { event: raw.event, data: preview(&raw.data), message: error.to_string() })
        }
    })
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// Items read from `chunks` in `framing`, each no larger than `limit` bytes.
    pub fn decode(chunks: Chunks, limit: usize, framing: Framing) -> Self {
        let decode = |text: bytes::BytesMut| {
            Step::Item(crate::decode_json_item(&text).map_err(|error| StreamError::Decode {
                event: None,
                data: preview(&String::from_utf8_lossy(&text)),
                message: error.to_string(),
            }))
        };
        ItemStream { inner: decoded(chunks, ItemFramer::new(framing, limit), decode) }
    }
}

impl<T: serde::Serialize + Send + 'static> ItemStream<T> {
    /// The items as the body's bytes, one JSON text each in `framing`: a response's
    /// (`writeOnly` members left out) or a request's (`readOnly` ones left out).
    #[cfg(any(feature = "client", feature = "server"))]
    pub(crate) fn encode(self, framing: Framing, request: bool) -> ByteStream {
        let texts = self.map(move |item| {
            let mut text = Vec::new();
            if framing == Framing::Sequence {
                text.push(RECORD_SEPARATOR);
            }
            let item = item?;
            let write = || serde_json::to_writer(&mut text, &item);
            let written = if request { crate::access::requesting(write) } else { crate::access::responding(write) };
            written.map_err(|error| StreamError::Unwritable(error.to_string()))?;
            text.push(b'\n');
            Ok(Bytes::from(text))
        });
        ByteStream::from_results(texts)
    }
}

impl ByteStream {
    /// A stream of the chunks as they arrive.
    pub fn from_chunks(chunks: Chunks) -> Self {
        ByteStream { inner: chunks }
    }

    /// The chunks, for a decoder of the items they frame.
    #[cfg(feature = "server")]
    pub(crate) fn into_chunks(self) -> Chunks {
        self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(pieces: &[&'static [u8]]) -> Chunks {
        Box::pin(stream::iter(pieces.iter().map(|piece| Ok(Bytes::from_static(piece))).collect::<Vec<_>>()))
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn events_decode_skip_bad_data_and_end_at_the_sentinel() {
        let body = chunks(&[
            b"data: {\"n\":1}\n\nevent: oops\ndata: {\n\n",
            b"id: 9\ndata: {\"n\":2}\n\ndata: [DONE]\n\ndata: {\"n\":3}\n\n",
        ]);
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct N {
            n: u32,
        }
        let got: Vec<_> = block_on(EventStream::<N>::decode(body, 1024, EventData::Json, Some("[DONE]")).collect());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap(), &Event::new(N { n: 1 }));
        assert!(matches!(&got[1], Err(StreamError::Decode { event: Some(event), .. }) if event == "oops"));
        assert_eq!(got[2].as_ref().unwrap(), &Event::new(N { n: 2 }).with_id("9"));
    }

    #[test]
    fn text_data_is_taken_as_written() {
        let body = chunks(&[b"data: 42\ndata: \"q\"\n\n"]);
        let got: Vec<_> = block_on(EventStream::<String>::decode(body, 1024, EventData::Text, None).collect());
        assert_eq!(got[0].as_ref().unwrap().data, "42\n\"q\"");
    }

    #[test]
    fn an_oversized_event_ends_the_stream() {
        let body = chunks(&[b"data: 0123456789\n\ndata: 1\n\n"]);
        let got: Vec<_> = block_on(EventStream::<String>::decode(body, 8, EventData::Text, None).collect());
        assert_eq!(got.len(), 1);
        assert!(matches!(got[0], Err(StreamError::TooLarge { limit: 8 })));
    }

    #[test]
    fn items_decode_each_line() {
        let body = chunks(&[b"1\n2\nx\n", b"4"]);
        let got: Vec<_> = block_on(ItemStream::<u8>::decode(body, 1024, Framing::Lines).collect());
        assert_eq!(got.len(), 4);
        assert!(got[2].is_err());
        assert_eq!(*got[3].as_ref().unwrap(), 4);
    }
}
