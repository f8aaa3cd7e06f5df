//! Work that may panic or never end (the generator on a hostile or broken spec), run on a
//! thread of its own and given up after a time limit, so that one spec cannot stop a run.

use std::sync::mpsc;
use std::time::Duration;

/// How guarded work ended.
pub enum Guarded<T> {
    Done(T),
    /// The panic's message, when it had one.
    Panicked(String),
    /// No result within the limit; the thread is left behind.
    TimedOut,
}

pub fn run<T: Send + 'static>(limit: Duration, work: impl FnOnce() -> T + Send + 'static) -> Guarded<T> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
    });
    match receiver.recv_timeout(limit) {
        Ok(Ok(done)) => Guarded::Done(done),
        Ok(Err(panic)) => Guarded::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
                .unwrap_or_default(),
        ),
        Err(_) => Guarded::TimedOut,
    }
}
