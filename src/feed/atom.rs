//! Atom 1.0 (RFC 4287): ids that are IRIs, `published` and `updated` per entry, typed
//! content (`html`), authors as `<author><name>`, the lead image as an enclosure link.

use atom_syndication::{Category, Content, Generator, Link, Person, Text};
use chrono::{DateTime, Utc};

use atom_syndication::extension::{Extension, ExtensionMap};

use super::{
    credited_authors, enclosure_type, media_content_attrs, plain_text, stylesheet, text_safe,
    Entry, Feed, Format, MEDIA_NS,
};

/// Renders the feed as an Atom 1.0 document.
pub fn render(feed: &Feed) -> String {
    let mut links = vec![Link {
        href: text_safe(&feed.link),
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Link::default()
    }];
    if let Some(self_url) = &feed.self_url {
        links.push(Link {
            href: text_safe(self_url),
            rel: "self".into(),
            mime_type: Some(Format::Atom.media_type().into()),
            ..Link::default()
        });
    }
    let newest = feed.entries.iter().map(|e| e.updated).max();
    let updated = feed
        .last_build
        .map(|d| d.fixed_offset())
        .or(newest)
        .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset());
    let atom = atom_syndication::Feed {
        title: Text::plain(plain_text(&feed.title)),
        id: text_safe(feed.self_url.as_deref().unwrap_or(&feed.link)),
        updated,
        subtitle: Some(Text::plain(plain_text(&feed.description))),
        generator: Some(Generator {
            value: "feedgen".into(),
            uri: Some(env!("CARGO_PKG_REPOSITORY").into()),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        links,
        lang: feed.language.as_deref().map(text_safe),
        namespaces: if feed.entries.iter().any(|e| e.image.is_some()) {
            [("media".to_string(), MEDIA_NS.to_string())]
                .into_iter()
                .collect()
        } else {
            Default::default()
        },
        entries: feed.entries.iter().map(|e| entry(e, feed)).collect(),
        ..atom_syndication::Feed::default()
    };
    stylesheet::link(&atom.to_string(), feed.stylesheet.as_deref())
}

fn entry(e: &Entry, feed: &Feed) -> atom_syndication::Entry {
    let mut links = vec![Link {
        href: text_safe(&e.link),
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Link::default()
    }];
    if let Some(image) = &e.image {
        links.push(Link {
            href: text_safe(image),
            rel: "enclosure".into(),
            mime_type: Some(enclosure_type(image).into()),
            ..Link::default()
        });
    }
    let mut extensions = ExtensionMap::default();
    if let Some(image) = &e.image {
        let content = Extension {
            name: "media:content".into(),
            // atom_syndication writes extension attributes verbatim: escape them here.
            attrs: media_content_attrs(image)
                .into_iter()
                .map(|(k, v)| (k, crate::html::escape(&v)))
                .collect(),
            ..Extension::default()
        };
        extensions.insert(
            "media".into(),
            [("content".to_string(), vec![content])]
                .into_iter()
                .collect(),
        );
    }
    atom_syndication::Entry {
        extensions,
        title: Text::plain(plain_text(&e.title)),
        id: text_safe(&e.id),
        updated: e.updated,
        published: Some(e.published),
        authors: credited_authors(e, feed)
            .into_iter()
            .map(|name| Person {
                name: plain_text(name),
                ..Person::default()
            })
            .collect(),
        categories: e
            .categories
            .iter()
            .map(|c| Category {
                term: plain_text(c),
                ..Category::default()
            })
            .collect(),
        links,
        summary: Some(Text::plain(plain_text(&e.summary))),
        content: (!e.content_html.is_empty()).then(|| Content {
            value: Some(text_safe(&e.content_html)),
            content_type: Some("html".into()),
            ..Content::default()
        }),
        ..atom_syndication::Entry::default()
    }
}

/// Reads back an Atom feed, for merging across runs.
pub fn parse(bytes: &[u8]) -> Result<Feed, String> {
    let atom = atom_syndication::Feed::read_from(bytes).map_err(|e| e.to_string())?;
    let link_of =
        |links: &[Link], rel: &str| links.iter().find(|l| l.rel == rel).map(|l| l.href.clone());
    let entries = atom
        .entries
        .iter()
        .map(|e| Entry {
            id: e.id.clone(),
            link: link_of(&e.links, "alternate").unwrap_or_else(|| e.id.clone()),
            title: e.title.value.clone(),
            authors: e.authors.iter().map(|p| p.name.clone()).collect(),
            published: e.published.unwrap_or(e.updated),
            updated: e.updated,
            date_is_first_seen: false,
            summary: e
                .summary
                .as_ref()
                .map(|s| s.value.clone())
                .unwrap_or_default(),
            content_html: e
                .content
                .as_ref()
                .and_then(|c| c.value.clone())
                .unwrap_or_default(),
            image: link_of(&e.links, "enclosure"),
            categories: e.categories.iter().map(|c| c.term.clone()).collect(),
        })
        .collect();
    Ok(Feed {
        title: atom.title.value.clone(),
        link: link_of(&atom.links, "alternate").unwrap_or_default(),
        description: atom.subtitle.map(|s| s.value).unwrap_or_default(),
        language: atom.lang,
        self_url: link_of(&atom.links, "self"),
        last_build: Some(atom.updated.with_timezone(&Utc)),
        ttl_minutes: None,
        stylesheet: None,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, TimeZone};

    #[test]
    fn image_urls_with_markup_characters_stay_well_formed() {
        let date = FixedOffset::east_opt(0)
            .unwrap()
            .with_ymd_and_hms(2024, 7, 17, 0, 0, 0)
            .unwrap();
        let mut feed = Feed::new("T", "https://e.org/", "d");
        feed.entries.push(Entry {
            id: "https://e.org/a".into(),
            link: "https://e.org/a".into(),
            title: "A".into(),
            authors: vec![],
            published: date,
            updated: date,
            date_is_first_seen: false,
            summary: String::new(),
            content_html: String::new(),
            image: Some("https://e.org/a&b\"<c>.jpg".into()),
            categories: vec![],
        });
        let xml = render(&feed);
        let back = parse(xml.as_bytes()).expect("well-formed");
        assert_eq!(
            back.entries[0].image.as_deref(),
            Some("https://e.org/a&b\"<c>.jpg")
        );
    }
}
