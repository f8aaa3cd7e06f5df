//! The stages after the model, once, for every way in (a crate, a module file, a profiled
//! run): emit each module's items, let layout cut them into parts, format the parts, and
//! assemble the files. Work runs on up to `threads` threads; `at_stage` is called as each
//! stage starts, so a profiler can time it (with one thread, stages do not overlap).

use crate::emit::{self, Module, Parts};
use crate::format;
use crate::layout::{self, Layout, Part};
use crate::model::Api;
use crate::profile::Stage;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

pub fn render(
    api: &Api,
    parts: Parts,
    source: &str,
    layout: Layout,
    threads: usize,
    at_stage: &mut dyn FnMut(Stage),
) -> Result<Vec<(PathBuf, String)>, String> {
    at_stage(Stage::Emit);
    let halves = emit::Halves { parts, gated: matches!(layout, Layout::Crate { .. }) };
    let emitted = emit::modules(parts).into_iter().map(|module| (module, emit::emit(api, module, halves))).collect();
    let cut = layout::parts(emitted, layout);
    let firsts: Vec<bool> = cut.iter().map(|part| part.first).collect();
    let unparsed: Vec<(usize, Result<String, String>)> = if threads <= 1 {
        // In sequence, each stage whole before the next, so that each can be measured.
        let tokens: Vec<_> = cut.into_iter().map(|part| (part.emit)()).collect();
        at_stage(Stage::Format);
        tokens.into_iter().map(format::unparse).enumerate().collect()
    } else {
        // Each part emitted and formatted on one worker: tokens cannot cross threads. The
        // client is one `impl`, the largest part: it starts first so the rest fill in.
        at_stage(Stage::Format);
        let mut order: Vec<(usize, Part)> = cut.into_iter().enumerate().collect();
        order.sort_by_key(|(_, part)| part.module != Module::Client);
        in_parallel(order, threads, |(index, part)| (index, format::unparse((part.emit)())))
    };
    let mut texts: Vec<Option<String>> = vec![None; firsts.len()];
    for (index, text) in unparsed {
        texts[index] = Some(text?);
    }
    let texts: Vec<String> = texts
        .into_iter()
        .map(|text| text.ok_or_else(|| "emitting or formatting panicked; this is a bug in apigen".to_owned()))
        .collect::<Result<_, _>>()?;
    let formatted = layout::join_parts(firsts.into_iter().zip(texts));
    layout::files(api, parts, source, layout, formatted)
}

/// `work` on each of `inputs`, on up to `threads` scoped threads, each taking the next input
/// as it finishes one (so a large input does not hold the rest back); results in any order,
/// for the caller to place.
fn in_parallel<I: Send, O: Send>(inputs: Vec<I>, threads: usize, work: impl Fn(I) -> O + Sync) -> Vec<O> {
    let threads = threads.clamp(1, inputs.len().max(1));
    let queue = Mutex::new(VecDeque::from(inputs));
    let next = || queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(input) = next() {
                        done.push(work(input));
                    }
                    done
                })
            })
            .collect();
        // A worker that panicked (a generator bug) takes its results with it; the caller
        // finds them missing and reports it.
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
    })
}
