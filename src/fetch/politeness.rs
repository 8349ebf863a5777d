//! Per-host politeness: at most N requests to one host at a time, and a minimum delay between
//! the starts of two requests to the same host. Sites block crawlers that hammer them; a cron
//! job over many feeds of one site must look like one considerate client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The slots of every host seen in this run.
#[derive(Debug)]
pub struct Hosts {
    per_host: usize,
    delay: Duration,
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

#[derive(Debug)]
struct Slot {
    permits: Arc<Semaphore>,
    next_start: tokio::sync::Mutex<Instant>,
}

/// Held while a request to a host is in flight.
pub struct Turn {
    _permit: OwnedSemaphorePermit,
}

impl Hosts {
    pub fn new(per_host: usize, delay: Duration) -> Hosts {
        Hosts {
            per_host: per_host.max(1),
            delay,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for this host's turn: a free slot, and the delay since the last start.
    pub async fn turn(&self, host: &str) -> Turn {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots
                .entry(host.to_string())
                .or_insert_with(|| {
                    Arc::new(Slot {
                        permits: Arc::new(Semaphore::new(self.per_host)),
                        next_start: tokio::sync::Mutex::new(Instant::now()),
                    })
                })
                .clone()
        };
        let permit = slot
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("host semaphore is never closed");
        if !self.delay.is_zero() {
            let mut next = slot.next_start.lock().await;
            let now = Instant::now();
            if *next > now {
                tokio::time::sleep(*next - now).await;
            }
            *next = Instant::now() + self.delay;
        }
        Turn { _permit: permit }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_host_is_limited_others_are_not() {
        let hosts = Arc::new(Hosts::new(1, Duration::from_millis(50)));
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
}
