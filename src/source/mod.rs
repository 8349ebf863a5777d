//! Where a feed's entries come from: one article page, an index page whose article links
//! are followed, or an existing (partial) feed whose items are filled in with full text.

pub mod collect;
pub mod discover;
pub mod partial;

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use url::Url;

/// What kind of source a feed's URL is; `None` in the config means "find out".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The URL is an article: one entry.
    Page,
    /// The URL is an index page: one entry per article link on it.
    Listing,
    /// The URL is an RSS/Atom/JSON feed: one entry per item, with the linked page's text.
    Feed,
}

/// An article found on a listing page or in a partial feed, before (or instead of) its
/// page is fetched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    pub url: Option<Url>,
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub summary: Option<String>,
    pub image: Option<Url>,
    pub authors: Vec<String>,
    /// The source's own id for the item (a feed's guid), kept as the entry id.
    pub id: Option<String>,
}

/// html2rss-style CSS selectors for a listing page: `item` picks each article's box, the
/// others are relative to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    pub item: String,
    pub link: Option<String>,
    pub title: Option<String>,
    pub date: Option<String>,
    pub summary: Option<String>,
    pub image: Option<String>,
}

impl Selectors {
    /// Every selector with its config key, for validation and messages.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        let mut all = vec![("item", self.item.as_str())];
        for (key, value) in [
            ("link", &self.link),
            ("title", &self.title),
            ("date", &self.date),
            ("summary", &self.summary),
            ("image", &self.image),
        ] {
            if let Some(v) = value {
                all.push((key, v.as_str()));
            }
        }
        all
    }
}

/// Query parameters that only track where a click came from; they make one article look
/// like many.
const TRACKING_PARAMS: [&str; 12] = [
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "cmpid",
    "ocid", "_ga",
];

/// The link as an entry id: no fragment, no tracking parameters.
pub fn clean_link(url: &Url) -> Url {
    let mut clean = url.clone();
    clean.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING_PARAMS.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        clean.set_query(None);
    } else {
        clean.query_pairs_mut().clear().extend_pairs(kept);
    }
    clean
}

/// Whether `link` belongs to the same site as `page` (`www.` and subdomains alike).
pub fn same_site(link: &Url, page: &Url) -> bool {
    fn site(url: &Url) -> Option<String> {
        let host = url.host_str()?.to_ascii_lowercase();
        Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
    }
    match (site(link), site(page)) {
        (Some(l), Some(p)) => {
            (l == p || l.ends_with(&format!(".{p}")) || p.ends_with(&format!(".{l}")))
                && link.port_or_known_default() == page.port_or_known_default()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_and_fragments_go() {
        let u = Url::parse("https://e.org/a?id=3&utm_source=x&fbclid=y#top").unwrap();
        assert_eq!(clean_link(&u).as_str(), "https://e.org/a?id=3");
        let u = Url::parse("https://e.org/a?utm_medium=m").unwrap();
        assert_eq!(clean_link(&u).as_str(), "https://e.org/a");
    }

    #[test]
    fn sites_match_across_www_and_subdomains_only() {
        let page = Url::parse("https://www.news.example/").unwrap();
        assert!(same_site(
            &Url::parse("https://news.example/a").unwrap(),
            &page
        ));
        assert!(same_site(
            &Url::parse("https://m.news.example/a").unwrap(),
            &page
        ));
        assert!(!same_site(
            &Url::parse("https://other.example/a").unwrap(),
            &page
        ));
        assert!(!same_site(
            &Url::parse("https://badnews.example/a").unwrap(),
            &page
        ));
    }
}
