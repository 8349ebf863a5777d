//! feedgen turns web pages that have no feed into RSS, Atom and JSON feeds.
//!
//! One page through the whole pipeline, exactly as `feedgen --url` runs it (here a page
//! shipped with the repository, so no network is needed):
//!
//! ```
//! use feedgen::config::OneShot;
//! use feedgen::run::one_shot::{one_shot, Published};
//!
//! let page = std::path::absolute("tests/fixtures/seed/seed-rich.html").unwrap();
//! let plan = OneShot {
//!     url: url::Url::from_file_path(&page).unwrap(),
//!     kind: None,
//!     title: None,
//!     site_url: None,
//!     self_url: None,
//!     format: Some(feedgen::Format::Atom),
//!     output: None,
//!     max_new: 20,
//!     max_items: 50,
//!     timeout_secs: 30,
//!     max_bytes: 10 << 20,
//!     allow_private_addresses: false,
//! }
//! .build()?;
//! let runtime = tokio::runtime::Runtime::new()?;
//! let report = runtime.block_on(one_shot(plan, |_, line| eprintln!("{line}")))?;
//! let Published::Printed(atom) = report.published else { unreachable!() };
//! assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The stages, top to bottom; each uses only those below it (`tests/layers.rs` checks it):
//!
//! ```text
//! run      the pipeline: a cron run of every feed, the one-shot command, `extract`
//! config   config.toml (or the one-shot flags) built once into a plan per feed
//! source   a feed's URLs into articles: pages, listings, feeds; robots.txt, state
//! store    feed files read back and written atomically; the run state
//! feed     the feed model and its writers (RSS 2.0, Atom 1.0, JSON Feed 1.1, OPML)
//! extract  a page's article (pure: no I/O)    fetch  pages under the network policy
//! link, clock, html                            the ground every stage shares
//! ```
//!
//! Extraction is pure, so a page already in memory becomes an article, then a feed, with
//! no network at all:
//!
//! ```
//! use feedgen::{extract, Entry, Feed};
//!
//! let html = "<html lang=en><head><title>Hello - Site</title></head><body><article>\
//!             <h1>Hello</h1><p>A first paragraph that is long enough to count as the body \
//!             of an article, with a comma, and more words.</p></article></body></html>";
//! let url = url::Url::parse("https://example.org/hello")?;
//! let now = chrono::Utc::now();
//! let article = extract(html, &url, now)?;
//! assert_eq!(article.title, "Hello");
//!
//! let site = url.join("/")?;
//! let mut feed = Feed::new("Example", Some(site), "Articles from example.org");
//! feed.entries.push(Entry::from_article(&article, now));
//! let xml = feedgen::Format::Rss.render(&feed);
//! assert!(xml.contains("<title>Hello</title>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Nothing from the network, a file or the user may panic a run: the shipped code handles
// every error (tests, a separate crate or `cfg(test)`, may unwrap).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub(crate) mod clock;
pub mod config;
pub mod extract;
pub mod feed;
pub mod fetch;
pub(crate) mod html;
pub mod link;
pub mod run;
pub mod source;
pub mod store;

pub use config::{Config, ConfigError, FeedConfig, OneShot};
pub use extract::{extract, Article, ExtractError};
pub use feed::{Entry, Feed, Format, GENERATOR};
pub use fetch::settings::USER_AGENT;
pub use fetch::{FetchError, FetchSettings};
pub use run::{run, FeedReport, RunError, RunOptions, RunReport, Severity, Summary};
pub use source::{Plan, Source};
