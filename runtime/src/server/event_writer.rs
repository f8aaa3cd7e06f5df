//! Writing server-sent events: each event's fields as the WHATWG standard reads them back,
//! and a keep-alive comment while none comes.

use crate::stream::StreamError;
use bytes::Bytes;
use futures_util::Stream;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// How long a stream may stay silent before a keep-alive comment goes out.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// One event as text: `event`, a `data` line per line of `data` (CR, LF and CR LF each end
/// one, as the reader splits them; an empty `data` is one empty line, so the event still
/// arrives), `id`, `retry`, then the blank line that dispatches it. A name or id that the
/// format cannot carry (a line break, or NUL in an id) is refused.
pub fn write_event(
    data: &str,
    event: Option<&str>,
    id: Option<&str>,
    retry: Option<Duration>,
) -> Result<Bytes, StreamError> {
    let broken = |text: &str| text.contains(['\r', '\n']);
    if event.is_some_and(broken) || id.is_some_and(|id| broken(id) || id.contains('\0')) {
        return Err(StreamError::Unwritable("an event name or id holds a line break or NUL".to_owned()));
    }
    let mut text = String::with_capacity(data.len() + 16);
    if let Some(event) = event {
        text.push_str("event: ");
        text.push_str(event);
        text.push('\n');
    }
    for line in data.split("\r\n").flat_map(|piece| piece.split(['\r', '\n'])) {
        text.push_str("data: ");
        text.push_str(line);
        text.push('\n');
    }
    if let Some(id) = id {
        text.push_str("id: ");
        text.push_str(id);
        text.push('\n');
    }
    if let Some(retry) = retry {
        text.push_str(&format!("retry: {}\n", retry.as_millis()));
    }
    text.push('\n');
    Ok(Bytes::from(text))
}

/// The written events, with a comment (`:`) after each `KEEP_ALIVE` of silence, so that
/// proxies and clients keep an idle stream open.
pub struct KeepAlive<S> {
    events: S,
    idle: Pin<Box<tokio::time::Sleep>>,
}

impl<S> KeepAlive<S> {
    pub fn new(events: S) -> Self {
        KeepAlive { events, idle: Box::pin(tokio::time::sleep(KEEP_ALIVE)) }
    }

    fn rearm(&mut self) {
        self.idle.as_mut().reset(tokio::time::Instant::now() + KEEP_ALIVE);
    }
}

impl<S: Stream<Item = Result<Bytes, StreamError>> + Unpin> Stream for KeepAlive<S> {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(next) = Pin::new(&mut self.events).poll_next(context) {
            self.rearm();
            return Poll::Ready(next);
        }
        if self.idle.as_mut().poll(context).is_ready() {
            self.rearm();
            return Poll::Ready(Some(Ok(Bytes::from_static(b":\n\n"))));
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::EventParser;

    fn read_back(bytes: &[u8]) -> Vec<crate::stream::RawEvent> {
        let mut parser = EventParser::new(1 << 20);
        parser.feed(bytes);
        std::iter::from_fn(|| parser.next_event().unwrap()).collect()
    }

    #[test]
    fn every_data_reads_back_as_written() {
        for data in ["", "one", "two\nlines", "cr\rand\r\ncrlf", "\n", "trailing\n", " leading space"] {
            let written = write_event(data, Some("name"), Some("7"), Some(Duration::from_millis(1500))).unwrap();
            let events = read_back(&written);
            let expected = data.replace("\r\n", "\n").replace('\r', "\n");
            assert_eq!(events.len(), 1, "{data:?}");
            assert_eq!(events[0].data, expected, "{data:?}");
            assert_eq!(
                (events[0].event.as_deref(), events[0].id.as_deref(), events[0].retry),
                (Some("name"), Some("7"), Some(1500))
            );
        }
    }

    #[test]
    fn names_and_ids_the_format_cannot_carry_are_refused() {
        assert!(write_event("x", Some("a\nb"), None, None).is_err());
        assert!(write_event("x", None, Some("a\rb"), None).is_err());
        assert!(write_event("x", None, Some("a\0b"), None).is_err());
    }
}
