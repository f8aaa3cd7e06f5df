//! An event stream opened again where it ended without its sentinel, or broke, as a
//! browser's `EventSource` does: after the server's `retry`, with `Last-Event-ID` naming
//! the last event dispatched, as many times as the policy allows.

use super::{OpenResponse, Request, Transport, RECONNECT_PAUSE};
use crate::stream::{decode_event, Chunks, EventData, EventParser, EventStream, Step, StreamError};
use futures_util::stream::{self, StreamExt};
use http::{HeaderName, HeaderValue, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;

struct Reading {
    /// The connection's chunks; `None` once it ended and another is due.
    chunks: Option<Chunks>,
    parser: EventParser,
    transport: Transport,
    request: Request,
    reconnects_left: u32,
    ended: bool,
}

pub(super) fn events<T: DeserializeOwned + Send + 'static>(
    first: OpenResponse,
    transport: Transport,
    request: Request,
    data: EventData,
    sentinel: Option<&'static str>,
) -> EventStream<T> {
    let reconnects_left = transport.policy.reconnects();
    let parser = EventParser::new(first.item_limit);
    let state = Reading { chunks: Some(first.chunks()), parser, transport, request, reconnects_left, ended: false };
    EventStream::from_results(stream::unfold(state, move |mut state| async move {
        loop {
            if state.ended {
                return None;
            }
            let Some(chunks) = state.chunks.as_mut() else {
                if let Err(error) = state.reopen().await {
                    state.ended = true;
                    return Some((Err(error), state));
                }
                continue;
            };
            match state.parser.next_event() {
                Ok(Some(raw)) => match decode_event(raw, data, sentinel) {
                    Step::Item(item) => return Some((item, state)),
                    Step::End => return None,
                },
                Ok(None) => {}
                Err(oversized) => {
                    state.ended = true;
                    return Some((Err(oversized.into()), state));
                }
            }
            match chunks.next().await {
                Some(Ok(chunk)) => state.parser.feed(&chunk),
                Some(Err(error)) if state.reconnects_left == 0 => {
                    state.ended = true;
                    return Some((Err(error), state));
                }
                // Ended or broken: another connection, if one is left.
                Some(Err(_)) | None if state.reconnects_left > 0 => state.chunks = None,
                Some(Err(_)) | None => return None,
            }
        }
    }))
}

impl Reading {
    /// Opens the stream again; an answer other than a 200 event stream ends it, as the
    /// standard says.
    async fn reopen(&mut self) -> Result<(), StreamError> {
        self.reconnects_left -= 1;
        let pause = self.parser.reconnection_time().map_or(RECONNECT_PAUSE, Duration::from_millis);
        tokio::time::sleep(pause).await;
        let mut request = self.request.clone();
        if let Some(id) = self.parser.last_event_id() {
            // An id is one line without NUL, so it is a valid header value unless it holds
            // other control characters; such an id is not sent.
            if let Ok(value) = HeaderValue::from_str(id) {
                request.headers.insert(HeaderName::from_static("last-event-id"), value);
            }
        }
        let failed = |error: super::Error| StreamError::Transport(Box::new(error));
        let response = self.transport.open_once(request).await.map_err(failed)?;
        if response.status() != StatusCode::OK || !response.has_media_type("text/event-stream") {
            let response = response.read().await.map_err(failed)?;
            return Err(failed(response.unexpected()));
        }
        self.parser = self.parser.reconnected();
        self.chunks = Some(response.chunks());
        Ok(())
    }
}
