//! What a run remembers that is not in the feed files: per page URL the cache validators,
//! when it was fetched, how long the server said it stays fresh, and which entry it became;
//! per site the `robots.txt` rules.
//!
//! It is one small JSON file next to the feeds (`.feedgen-state.json`), replaced atomically
//! like the feeds. An embedded database would buy nothing here: a run is the only writer
//! (the run lock guarantees it), reads it once and writes it once, and a few thousand pages
//! make a file of a few hundred kilobytes. A JSON file needs no C library to build, can be
//! read by a person, and if it is lost or corrupt the next run only makes more requests: the
//! entries themselves live in the feed files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{write_atomic, StoreError};
use crate::fetch::robots::RobotsFile;
use crate::fetch::Validators;

pub const FILE_NAME: &str = ".feedgen-state.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    version: u32,
    /// By page URL as written in the config.
    #[serde(default)]
    pub pages: BTreeMap<String, PageState>,
    /// By origin (`https://example.org`).
    #[serde(default)]
    pub robots: BTreeMap<String, RobotsFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageState {
    #[serde(flatten)]
    pub validators: Validators,
    pub fetched_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fresh_until: Option<DateTime<Utc>>,
    /// The id of the entry this page became, to know it is already in its feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<String>,
}

impl State {
    pub fn path(output_dir: &Path) -> PathBuf {
        output_dir.join(FILE_NAME)
    }

    /// The state kept by the last run; a missing or unreadable file gives an empty state and,
    /// when it existed, a warning (the run still works, with more requests).
    pub fn load(output_dir: &Path) -> (State, Option<String>) {
        let path = State::path(output_dir);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (State::default(), None),
            Err(e) => {
                return (
                    State::default(),
                    Some(format!(
                        "{}: cannot read ({e}); starting afresh",
                        path.display()
                    )),
                )
            }
        };
        match serde_json::from_slice::<State>(&bytes) {
            Ok(state) if state.version == VERSION => (state, None),
            Ok(_) => (State::default(), None),
            Err(e) => (
                State::default(),
                Some(format!(
                    "{}: unreadable ({e}); starting afresh, which only costs extra requests",
                    path.display()
                )),
            ),
        }
    }

    /// Writes the state if it changed.
    pub fn save(&self, output_dir: &Path) -> Result<(), StoreError> {
        let path = State::path(output_dir);
        // A view with the current version, not a copy of every page's record.
        #[derive(Serialize)]
        struct Versioned<'a> {
            version: u32,
            pages: &'a BTreeMap<String, PageState>,
            robots: &'a BTreeMap<String, RobotsFile>,
        }
        let view = Versioned {
            version: VERSION,
            pages: &self.pages,
            robots: &self.robots,
        };
        let mut bytes = serde_json::to_vec_pretty(&view).unwrap_or_default();
        bytes.push(b'\n');
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(());
        }
        write_atomic(&path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = State::default();
        state.pages.insert(
            "https://e.org/a".into(),
            PageState {
                validators: Validators {
                    etag: Some("\"x\"".into()),
                    last_modified: None,
                },
                fetched_at: Utc::now(),
                fresh_until: None,
                entry_id: Some("https://e.org/a".into()),
            },
        );
        state.save(dir.path()).unwrap();
        let (back, warning) = State::load(dir.path());
        assert!(warning.is_none());
        assert_eq!(back.pages, state.pages);
        std::fs::write(State::path(dir.path()), "{ not json").unwrap();
        let (empty, warning) = State::load(dir.path());
        assert!(empty.pages.is_empty() && warning.unwrap().contains("starting afresh"));
    }
}
