//! A time budget for the CPU work of one page (parsing, link discovery, feed reading,
//! extraction), and the boundary that turns a crash in that work into the page's error.
//!
//! The work is a pipeline of plain functions returning plain values, with the heavy loops
//! deep inside. Rather than thread a `Result` through every pass, [`within`] sets a deadline
//! for the current thread and the loops call [`tick`]; past the deadline `tick` unwinds to
//! [`within`] with [`std::panic::resume_unwind`], which skips the panic hook (nothing is
//! printed) and drops everything the page built. Without [`within`] (the `extract` command,
//! the benchmark, the tests) there is no deadline and `tick` costs a thread-local read.

use std::cell::Cell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// CPU time one page may take. The slowest real page the benchmarks know takes well under a
/// second; a page ten times slower than that is an attack or a bug, not an article.
pub const PAGE_BUDGET: Duration = Duration::from_secs(10);

/// Calls to [`tick`] between two looks at the clock.
const TICKS_PER_CHECK: u32 = 256;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Why a page's work stopped before it was done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stopped {
    #[error("took more than {}s to process (a hostile or broken page); it is skipped", .0.as_secs())]
    OverBudget(Duration),
    #[error(
        "crashed while processing ({0}); this is a feedgen bug, please report it with the page"
    )]
    Panicked(String),
}

/// What [`tick`] unwinds with.
struct OverBudget;

/// Runs `work` with a deadline `limit` from now on this thread, catching a panic in it.
pub fn within<T>(limit: Duration, work: impl FnOnce() -> T) -> Result<T, Stopped> {
    let _deadline = Deadline::set(Instant::now().checked_add(limit));
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        if payload.is::<OverBudget>() {
            Stopped::OverBudget(limit)
        } else {
            Stopped::Panicked(panic_message(payload.as_ref()))
        }
    })
}

/// Stops the current page's work (see [`within`]) once its deadline has passed. Cheap
/// enough to call once per node or link: the clock is read every [`TICKS_PER_CHECK`] calls.
pub fn tick() {
    let ticks = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    if ticks.is_multiple_of(TICKS_PER_CHECK) {
        check();
    }
}

/// [`tick`] that always reads the clock, for the places between big steps.
pub fn check() {
    let deadline = DEADLINE.with(Cell::get);
    if deadline.is_some_and(|d| Instant::now() > d) {
        resume_unwind(Box::new(OverBudget));
    }
}

/// The deadline of the page being worked on, cleared when the work ends however it ends, so
/// a pooled thread never carries one page's deadline into the next page.
struct Deadline(Option<Instant>);

impl Deadline {
    fn set(deadline: Option<Instant>) -> Deadline {
        Deadline(DEADLINE.with(|d| d.replace(deadline)))
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        DEADLINE.with(|d| d.set(self.0));
    }
}

/// The text a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic without a message".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_past_its_deadline_stops_and_the_next_page_starts_afresh() {
        let spin = || loop {
            tick();
        };
        assert_eq!(
            within(Duration::from_millis(20), spin),
            Err(Stopped::OverBudget(Duration::from_millis(20)))
        );
        assert_eq!(DEADLINE.with(Cell::get), None);
        assert_eq!(within(Duration::from_millis(20), || 7), Ok(7));
        // Outside `within` there is no deadline: ticking never stops anything.
        for _ in 0..10_000 {
            tick();
        }
    }

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let err = within(PAGE_BUDGET, || -> u32 { panic!("index out of range") }).unwrap_err();
        assert!(err.to_string().contains("index out of range"), "{err}");
        assert_eq!(DEADLINE.with(Cell::get), None);
    }
}
