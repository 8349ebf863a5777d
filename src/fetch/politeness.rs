//! Per-host politeness: at most N requests to one host at a time, and a minimum delay between
//! the starts of two requests to the same host. Sites block crawlers that hammer them; a cron
//! job over many feeds of one site must look like one considerate client.
//!
//! The global limit is taken only once a host's turn has come, so requests queued behind a
//! busy host never hold global slots that other hosts could use. A host that timed out or
//! refused connections twice in a row is given up for the rest of the run: its other pages
//! fail at once instead of each waiting out the timeout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of every host seen in this run.
#[derive(Debug)]
pub struct Hosts {
    per_host: usize,
    delay: Duration,
    global: Arc<Semaphore>,
    slots: Mutex<HashMap<String, Arc<HostSlots>>>,
}

/// Consecutive timeouts or refused connections after which a host is given up for the run.
pub const GIVE_UP_AFTER: usize = 2;

#[derive(Debug)]
struct HostSlots {
    permits: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Instant>,
    failures: AtomicUsize,
}

/// Held while a request to a host is in flight.
pub struct Turn {
    _host: OwnedSemaphorePermit,
    global: OwnedSemaphorePermit,
    host: Arc<HostSlots>,
}

/// One of the run's global slots, kept by a fetched page until its work is done.
#[derive(Debug)]
pub struct Slot(#[allow(dead_code)] OwnedSemaphorePermit);

impl Turn {
    /// Frees the host for its next request and keeps the global slot for the page.
    pub fn into_slot(self) -> Slot {
        Slot(self.global)
    }

    /// Records how the request went, for the give-up rule.
    pub fn unreachable(&self, yes: bool) {
        if yes {
            self.host.failures.fetch_add(1, Ordering::Relaxed);
        } else {
            self.host.failures.store(0, Ordering::Relaxed);
        }
    }
}

impl Hosts {
    pub fn new(per_host: usize, delay: Duration, global: usize) -> Hosts {
        Hosts {
            per_host: per_host.max(1),
            delay,
            global: Arc::new(Semaphore::new(global.max(1))),
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's turn (a free slot, and the delay since the last start), then
    /// for a global slot. `None` when the host has been given up for this run.
    pub async fn turn(&self, host: &str) -> Option<Turn> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots
                .entry(host.to_string())
                .or_insert_with(|| {
                    Arc::new(HostSlots {
                        permits: Arc::new(Semaphore::new(self.per_host)),
                        next_start: tokio::sync::Mutex::new(Instant::now()),
                        failures: AtomicUsize::new(0),
                    })
                })
                .clone()
        };
        let host_permit = slot.permits.clone().acquire_owned().await.ok()?;
        if slot.failures.load(Ordering::Relaxed) >= GIVE_UP_AFTER {
            return None;
        }
        if !self.delay.is_zero() {
            let mut next = slot.next_start.lock().await;
            let now = Instant::now();
            if *next > now {
                tokio::time::sleep(*next - now).await;
            }
            *next = Instant::now() + self.delay;
        }
        let global_permit = self.global.clone().acquire_owned().await.ok()?;
        Some(Turn {
            _host: host_permit,
            global: global_permit,
            host: slot,
        })
    }

    /// A global slot alone, for a page that has no host to be polite to (a local file).
    pub async fn slot(&self) -> Option<Slot> {
        self.global.clone().acquire_owned().await.ok().map(Slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_host_is_limited_others_are_not() {
        let hosts = Arc::new(Hosts::new(1, Duration::from_millis(50), 4));
        let started = Instant::now();
        let a1 = hosts.turn("a").await;
        drop(a1);
        let _b = hosts.turn("b").await;
        assert!(
            started.elapsed() < Duration::from_millis(40),
            "another host does not wait"
        );
        let _a2 = hosts.turn("a").await;
        assert!(
            started.elapsed() >= Duration::from_millis(50),
            "same host waits the delay"
        );
    }

    #[tokio::test]
    async fn a_host_that_keeps_failing_is_given_up() {
        let hosts = Hosts::new(2, Duration::ZERO, 4);
        for _ in 0..GIVE_UP_AFTER {
            hosts.turn("dead").await.unwrap().unreachable(true);
        }
        assert!(hosts.turn("dead").await.is_none());
        let ok = hosts.turn("alive").await.unwrap();
        ok.unreachable(false);
        drop(ok);
        assert!(hosts.turn("alive").await.is_some());
    }
}
