//! What a run tells its caller: per feed, and in total. Typed, so a caller (the command
//! line, a server's status page, a test) decides how to show it, and serde-serialisable,
//! for `--json` and anything that reads a run from outside.

use serde::{Serialize, Serializer};

use crate::config::FeedConfig;
use crate::source::collect::SourceError;
use crate::store::{Saved, StoreError};

/// Why a feed, or part of it, failed in a run. The message names the feed; the cause is kept.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// One source or article of the feed produced no entry; the others still count.
    #[error("{feed}: {source}")]
    Source {
        feed: String,
        #[source]
        source: SourceError,
    },
    /// The feed's files could not be read or written; they were left as they were.
    #[error("{feed}: {source}")]
    Store {
        feed: String,
        #[source]
        source: StoreError,
    },
}

/// A whole run: its totals and how each feed went, in the order the feeds finished.
#[derive(Debug, Serialize)]
pub struct RunReport {
    pub summary: Summary,
    pub feeds: Vec<FeedReport>,
}

/// How one feed of a run went.
#[derive(Debug, Serialize)]
pub struct FeedReport {
    pub name: String,
    /// `None` when the feed could not be written at all.
    pub saved: Option<Saved>,
    pub new_entries: usize,
    pub pages: usize,
    /// Each failed source or store problem.
    #[serde(serialize_with = "as_messages")]
    pub errors: Vec<FeedError>,
    /// One line per thing the user should know that failed nothing.
    pub warnings: Vec<String>,
    /// The channel facts the feed's files hold after the run; `None` when none could be
    /// read. The OPML list is made from them, so the run does not read every feed again.
    #[serde(skip)]
    pub channel: Option<FeedChannel>,
}

/// What the subscription list says of a feed: the title and site link its files carry.
#[derive(Debug, Clone)]
pub struct FeedChannel {
    pub title: String,
    pub link: Option<url::Url>,
}

impl FeedChannel {
    pub(crate) fn of(feed: &crate::feed::Feed) -> FeedChannel {
        FeedChannel {
            title: feed.title.clone(),
            link: feed.link.clone(),
        }
    }
}

impl FeedReport {
    pub(crate) fn new(feed: &FeedConfig) -> FeedReport {
        FeedReport {
            name: feed.name.clone(),
            saved: None,
            new_entries: 0,
            pages: feed.plan.urls.len(),
            errors: Vec::new(),
            warnings: Vec::new(),
            channel: None,
        }
    }

    pub(crate) fn source_failed(&mut self, source: SourceError) {
        self.errors.push(FeedError::Source {
            feed: self.name.clone(),
            source,
        });
    }

    pub(crate) fn store_failed(&mut self, source: StoreError) {
        self.errors.push(FeedError::Store {
            feed: self.name.clone(),
            source,
        });
    }
}

fn as_messages<S: Serializer>(errors: &[FeedError], out: S) -> Result<S::Ok, S::Error> {
    out.collect_seq(errors.iter().map(ToString::to_string))
}

/// How much a line a run reports matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Something failed: counted in the summary, exit code 1.
    Error,
    /// Worth knowing, nothing lost (a state file that had to be rebuilt, a link readers
    /// cannot open).
    Warning,
}

/// Totals of a run, for the summary line, `--json`, and the exit code.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub feeds_updated: usize,
    pub feeds_unchanged: usize,
    pub feeds_failed: usize,
    pub new_entries: usize,
    /// Pages that the config lists.
    pub pages: usize,
    /// Pages not fetched at all: already in their feed and not due for a refresh.
    pub pages_skipped: usize,
    /// HTTP requests sent (retries and robots.txt included).
    pub requests: usize,
    /// Of those, answered 304 Not Modified.
    pub not_modified: usize,
    pub extractions: usize,
    pub errors: usize,
    pub seconds: f64,
}

impl Summary {
    pub fn line(&self) -> String {
        format!(
            "{} updated, {} unchanged, {} failed; {} new entries; {} pages ({} skipped), {} requests ({} not modified), {} extracted; {} errors; {:.2}s",
            self.feeds_updated,
            self.feeds_unchanged,
            self.feeds_failed,
            self.new_entries,
            self.pages,
            self.pages_skipped,
            self.requests,
            self.not_modified,
            self.extractions,
            self.errors,
            self.seconds
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_serialises_with_its_errors_in_words() {
        let mut feed = FeedReport {
            name: "news".into(),
            saved: Some(Saved::Unchanged),
            new_entries: 0,
            pages: 2,
            errors: Vec::new(),
            warnings: vec!["news: a warning".into()],
            channel: None,
        };
        feed.store_failed(StoreError::Crashed("disk on fire".into()));
        assert!(
            std::error::Error::source(&feed.errors[0]).is_some(),
            "cause kept"
        );
        let report = RunReport {
            summary: Summary::default(),
            feeds: vec![feed],
        };
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["feeds"][0]["saved"], "unchanged");
        let error = json["feeds"][0]["errors"][0].as_str().unwrap();
        assert!(
            error.starts_with("news: ") && error.contains("disk on fire"),
            "{error}"
        );
    }
}
