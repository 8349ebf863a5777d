//! RSS 2.0 with the `content:`, `dc:`, `atom:` and Media RSS extensions readers expect:
//! full text in `content:encoded`, authors in `dc:creator` (RSS `<author>` wants an e-mail),
//! the lead image as `media:content` and as an enclosure.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Enclosure, Guid, Item};

use crate::html::escape;

use super::{
    credited_authors, enclosure_type, media_content_attrs, plain_text, stylesheet,
    text_safe as xml_safe, Entry, Feed, BYLINE_SEPARATOR, MEDIA_NS,
};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// Renders the feed as an RSS 2.0 document.
pub fn render(feed: &Feed) -> String {
    let mut namespaces = BTreeMap::new();
    let mut extensions = ExtensionMap::default();
    if let Some(self_url) = &feed.self_url {
        namespaces.insert("atom".to_string(), ATOM_NS.to_string());
        let link = Extension {
            name: "atom:link".into(),
            attrs: [
                ("href".to_string(), xml_safe(self_url)),
                ("rel".to_string(), "self".to_string()),
                ("type".to_string(), "application/rss+xml".to_string()),
            ]
            .into_iter()
            .collect(),
            ..Extension::default()
        };
        extensions.insert(
            "atom".into(),
            [("link".to_string(), vec![link])].into_iter().collect(),
        );
    }
    if feed.entries.iter().any(|e| e.image.is_some()) {
        namespaces.insert("media".to_string(), MEDIA_NS.to_string());
    }
    let channel = Channel {
        title: plain_text(&feed.title),
        link: xml_safe(&feed.link),
        description: plain_text(&feed.description),
        language: feed.language.as_deref().map(xml_safe),
        generator: Some(super::GENERATOR.to_string()),
        docs: Some("https://www.rssboard.org/rss-specification".to_string()),
        last_build_date: feed.last_build.map(|d| d.to_rfc2822()),
        ttl: feed.ttl_minutes.map(|t| t.to_string()),
        items: feed.entries.iter().map(|e| item(e, feed)).collect(),
        namespaces,
        extensions,
        ..Channel::default()
    };
    stylesheet::link(
        &plain_text_char_refs(&channel.to_string()),
        feed.stylesheet.as_deref(),
    )
}

/// Outside CDATA sections, writes `&` and `<` as hexadecimal character references.
/// RSS never said whether `<title>` is plain text or HTML; readers that decode it twice
/// show `&amp;` or swallow `<b>`, and the W3C validator asks for `&#x26;` and `&#x3C;`,
/// which every XML parser reads the same and no reader mistakes for markup.
fn plain_text_char_refs(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    while let Some(start) = rest.find("<![CDATA[") {
        let end = rest[start..]
            .find("]]>")
            .map_or(rest.len(), |e| start + e + 3);
        out.push_str(
            &rest[..start]
                .replace("&amp;", "&#x26;")
                .replace("&lt;", "&#x3C;"),
        );
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(&rest.replace("&amp;", "&#x26;").replace("&lt;", "&#x3C;"));
    out
}

fn item(entry: &Entry, feed: &Feed) -> Item {
    let mut extensions = ExtensionMap::default();
    let mut enclosure = None;
    if let Some(image) = &entry.image {
        let image = xml_safe(image);
        enclosure = Some(Enclosure {
            url: image.clone(),
            length: "0".into(),
            mime_type: enclosure_type(&image).into(),
        });
        let content = Extension {
            name: "media:content".into(),
            attrs: media_content_attrs(&image),
            ..Extension::default()
        };
        extensions.insert(
            "media".into(),
            [("content".to_string(), vec![content])]
                .into_iter()
                .collect(),
        );
    }
    // One `dc:creator` holding the whole byline: with several, RSS readers show only the
    // first (rss-parser, gofeed) or only the last (newsboat, feedparser's `.author`).
    let byline = credited_authors(entry, feed)
        .into_iter()
        .map(plain_text)
        .collect::<Vec<_>>()
        .join(BYLINE_SEPARATOR);
    let creators: Vec<String> = [byline].into_iter().filter(|b| !b.is_empty()).collect();
    Item {
        title: Some(plain_text(&entry.title)),
        link: Some(xml_safe(&entry.link)),
        // RSS descriptions are HTML by convention; the summary is plain text.
        description: Some(escape(&plain_text(&entry.summary))),
        content: Some(xml_safe(&entry.content_html)).filter(|c| !c.is_empty()),
        guid: Some(Guid {
            value: xml_safe(&entry.id),
            permalink: entry.id == entry.link && entry.id.starts_with("http"),
        }),
        pub_date: Some(entry.published.to_rfc2822()),
        dublin_core_ext: (!creators.is_empty()).then(|| DublinCoreExtension {
            creators,
            ..DublinCoreExtension::default()
        }),
        categories: entry
            .categories
            .iter()
            .map(|c| Category {
                name: plain_text(c),
                domain: None,
            })
            .collect(),
        enclosure,
        extensions,
        ..Item::default()
    }
}

/// Reads back a feed this module wrote (or any RSS 2.0 feed), for merging across runs.
pub fn parse(xml: &[u8]) -> Result<Feed, String> {
    let channel = Channel::read_from(xml).map_err(|e| e.to_string())?;
    let entries = channel
        .items
        .iter()
        .map(entry_from_item)
        .collect::<Result<Vec<_>, _>>()?;
    let self_url = channel
        .extensions
        .get("atom")
        .and_then(|a| a.get("link"))
        .and_then(|links| {
            links
                .iter()
                .find(|l| l.attrs.get("rel").map(String::as_str) == Some("self"))
        })
        .and_then(|l| l.attrs.get("href").cloned());
    Ok(Feed {
        title: channel.title,
        link: channel.link,
        description: channel.description,
        language: channel.language,
        self_url,
        ttl_minutes: channel.ttl.as_deref().and_then(|t| t.trim().parse().ok()),
        stylesheet: None,
        last_build: channel
            .last_build_date
            .as_deref()
            .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&Utc)),
        entries,
    })
}

fn entry_from_item(item: &Item) -> Result<Entry, String> {
    let id = item
        .guid
        .as_ref()
        .map(|g| g.value.clone())
        .or_else(|| item.link.clone())
        .ok_or("an item has neither guid nor link")?;
    let published = item
        .pub_date
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
        .ok_or_else(|| format!("item {id} has no valid pubDate"))?;
    let image = item
        .extensions
        .get("media")
        .and_then(|m| m.get("content"))
        .and_then(|c| c.first())
        .and_then(|c| c.attrs.get("url").cloned())
        .or_else(|| item.enclosure.as_ref().map(|e| e.url.clone()));
    Ok(Entry {
        link: item.link.clone().unwrap_or_else(|| id.clone()),
        id,
        title: item.title.clone().unwrap_or_default(),
        authors: item
            .dublin_core_ext
            .as_ref()
            // Kept as written: a byline is not split back into names, since a name (or the
            // feed title standing in for one) may itself hold a comma. Entries compare
            // authors as bylines, so a re-extracted page still reads as unchanged.
            .map(|dc| dc.creators.clone())
            .unwrap_or_default(),
        published,
        // RSS has no modification date; the store prefers a format that has one.
        updated: published,
        date_is_first_seen: false,
        summary: unescape(item.description.as_deref().unwrap_or_default()),
        content_html: item.content.clone().unwrap_or_default(),
        image,
        categories: item.categories.iter().map(|c| c.name.clone()).collect(),
    })
}

/// Reverses [`escape`] for summaries read back from our own files.
fn unescape(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(id: &str) -> Entry {
        Entry {
            id: id.into(),
            link: id.into(),
            title: "A <b>bold</b> & \u{0}strange ]]> title 🦀 مرحبا".into(),
            authors: vec!["Jane Doe".into(), "John Roe".into()],
            published: chrono::FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2024, 7, 17, 10, 15, 0)
                .unwrap(),
            updated: chrono::FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2024, 7, 17, 10, 15, 0)
                .unwrap(),
            date_is_first_seen: false,
            summary: "Summary with ]]> inside".into(),
            content_html: "<p>Body &amp; more ]]> text\u{1}</p>".into(),
            image: Some("https://e.org/i.jpg".into()),
            categories: vec!["Tech".into()],
        }
    }

    #[test]
    fn renders_and_parses_back_the_same_entries() {
        let mut feed = Feed::new("T", "https://e.org/", "D");
        feed.self_url = Some("https://feeds.example/t.xml".into());
        feed.language = Some("id".into());
        feed.entries = vec![entry("https://e.org/a"), entry("https://e.org/b")];
        let xml = render(&feed);
        assert!(
            xml.contains("<dc:creator>Jane Doe, John Roe</dc:creator>"),
            "{xml}"
        );
        assert!(xml.contains("<pubDate>Wed, 17 Jul 2024 10:15:00 +0700</pubDate>"));
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{1}'));
        let back = parse(xml.as_bytes()).unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(
            back.entries[0].title,
            "A ‹b›bold‹/b› & strange ]]> title 🦀 مرحبا"
        );
        assert_eq!(
            back.entries[0].content_html,
            "<p>Body &amp; more ]]> text</p>"
        );
        assert_eq!(back.entries[0].authors, ["Jane Doe, John Roe"]);
        assert_eq!(back.entries[0].published, feed.entries[0].published);
        assert_eq!(
            back.entries[0].image.as_deref(),
            Some("https://e.org/i.jpg")
        );
        assert_eq!(back.self_url, feed.self_url);
    }

    #[test]
    fn plain_text_escapes_become_char_refs_but_cdata_is_untouched() {
        let xml = "<title>a &amp; b &lt; c</title><x><![CDATA[&amp; &lt;]]></x>&amp;";
        assert_eq!(
            plain_text_char_refs(xml),
            "<title>a &#x26; b &#x3C; c</title><x><![CDATA[&amp; &lt;]]></x>&#x26;"
        );
    }

    #[test]
    fn garbage_is_not_a_feed() {
        assert!(parse(b"<html>not a feed").is_err());
        assert!(parse(b"").is_err());
    }
}
