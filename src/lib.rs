//! feedgen turns web pages that have no feed into RSS feeds.
//!
//! The pipeline has one module per stage, and each stage can be used on its own:
//!
//! ```text
//! config ─► fetch (Page) ─► extract (Article) ─► feed (Feed/Entry, store, rss) ─► feeds/NAME.xml
//! ```
//!
//! Extraction is pure (no I/O), so a page already in memory can be turned into an article
//! and then into a feed without touching the network:
//!
//! ```
//! use feedgen::extract::extract;
//! use feedgen::feed::{Entry, Feed};
//!
//! let html = "<html lang=en><head><title>Hello - Site</title></head><body><article>\
//!             <h1>Hello</h1><p>A first paragraph that is long enough to count as the body \
//!             of an article, with a comma, and more words.</p></article></body></html>";
//! let url = url::Url::parse("https://example.org/hello").unwrap();
//! let now = chrono::Utc::now();
//! let article = extract(html, &url, now).unwrap();
//! assert_eq!(article.title, "Hello");
//!
//! let mut feed = Feed::new("Example", "https://example.org/", "Articles from example.org");
//! feed.entries.push(Entry::from_article(&article, now));
//! let xml = feedgen::feed::rss::render(&feed);
//! assert!(xml.contains("<title>Hello</title>"));
//! ```

pub mod clock;
pub mod config;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod html;
pub mod link;
pub mod run;
pub mod source;
pub mod store;

pub use fetch::settings::USER_AGENT;

pub use extract::Article;
pub use feed::GENERATOR;
