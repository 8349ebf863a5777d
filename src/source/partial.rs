//! Existing feeds that carry only teasers: their items, read with `feed-rs` (RSS 0.9–2.0,
//! Atom, JSON Feed), become candidates whose pages are fetched for the full text.

use url::Url;

use super::Candidate;

/// A source feed that `feed-rs` cannot read; the message is feed-rs's own. Boxed: feed-rs's
/// error is large, and every source's result carries it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NotAFeed(#[source] pub Box<feed_rs::parser::ParseFeedError>);

/// The items of a feed document, newest first as the feed lists them.
pub fn items(bytes: &[u8], feed_url: &Url) -> Result<Vec<Candidate>, NotAFeed> {
    let feed = feed_rs::parser::parse(bytes)
        .or_else(|e| match json_ids_as_strings(bytes) {
            Some(fixed) => feed_rs::parser::parse(fixed.as_slice()),
            None => Err(e),
        })
        .map_err(|e| NotAFeed(Box::new(e)))?;
    Ok(feed
        .entries
        .into_iter()
        .map(|e| {
            let link = e
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| e.links.first())
                .and_then(|l| feed_url.join(&l.href).ok());
            Candidate {
                url: link,
                title: e
                    .title
                    .map(|t| t.content.trim().to_string())
                    .filter(|t| !t.is_empty()),
                published: e
                    .published
                    .or(e.updated)
                    .map(|d| d.fixed_offset())
                    .filter(crate::extract::plausible_date),
                summary: e
                    .summary
                    .map(|s| s.content)
                    .filter(|s| !s.trim().is_empty()),
                image: None,
                authors: e
                    .authors
                    .into_iter()
                    .map(|a| a.name)
                    .filter(|n| !n.trim().is_empty())
                    .collect(),
                id: Some(e.id).filter(|id| !id.trim().is_empty()),
            }
        })
        .collect())
}

/// A JSON Feed whose item ids are numbers, rewritten with them as strings: the spec says
/// a reader must coerce them, and `feed-rs` rejects the whole feed instead. `None` when
/// there is nothing to rewrite.
fn json_ids_as_strings(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut feed: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let mut changed = false;
    for item in feed.get_mut("items")?.as_array_mut()? {
        if let Some(id) = item.get_mut("id").filter(|id| id.is_number()) {
            *id = serde_json::Value::String(id.to_string());
            changed = true;
        }
    }
    changed.then(|| serde_json::to_vec(&feed).ok()).flatten()
}

/// Whether a response is a feed rather than a page, by type or by its first bytes.
pub fn looks_like_feed(content_type: Option<&str>, body: &str) -> bool {
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if matches!(
        mime.as_str(),
        "application/rss+xml"
            | "application/atom+xml"
            | "application/feed+json"
            | "application/rdf+xml"
    ) {
        return true;
    }
    let head: String = body
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect();
    head.starts_with("<rss")
        || head.starts_with("<feed")
        || head.starts_with("<rdf:RDF")
        || (head.starts_with("<?xml")
            && (head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:RDF")))
        || (head.starts_with('{') && head.contains("jsonfeed.org/version"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_of_a_teaser_feed() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://e.org/</link><description>d</description>
            <item><title>One</title><link>/one.html</link><guid>id-1</guid><pubDate>Wed, 17 Jul 2024 10:15:00 +0700</pubDate><description>Teaser</description></item>
            </channel></rss>"#;
        let url = Url::parse("https://e.org/feed.xml").unwrap();
        let found = items(rss, &url).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].url.as_ref().unwrap().as_str(),
            "https://e.org/one.html"
        );
        assert_eq!(found[0].id.as_deref(), Some("id-1"));
        assert_eq!(
            found[0].published.unwrap(),
            chrono::DateTime::parse_from_rfc3339("2024-07-17T10:15:00+07:00").unwrap()
        );
        assert!(items(b"<html>", &url).is_err());
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":2,"url":"/two.html"}]}"#;
        let found = items(json, &url).unwrap();
        assert_eq!(found[0].id.as_deref(), Some("2"));
        assert_eq!(
            found[0].url.as_ref().unwrap().as_str(),
            "https://e.org/two.html"
        );
        assert!(looks_like_feed(
            None,
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"
        ));
        assert!(!looks_like_feed(Some("text/html"), "<!doctype html><html>"));
    }
}
