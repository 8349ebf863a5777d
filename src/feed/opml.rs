//! OPML 2.0: the list of every feed of a config, so a reader subscribes to all at once.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::{plain_text, text_safe};

/// One subscription in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub title: String,
    /// The site the feed is about.
    pub html_url: Option<String>,
    /// Where the feed is published.
    pub xml_url: String,
    /// `rss` for RSS 2.0 files; readers use the same value for Atom (OPML has no other).
    pub kind: &'static str,
}

/// Renders an OPML 2.0 document titled `title` listing `outlines`.
pub fn render(title: &str, outlines: &[Outline]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |w: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        let mut opml = BytesStart::new("opml");
        opml.push_attribute(("version", "2.0"));
        w.write_event(Event::Start(opml))?;
        w.write_event(Event::Start(BytesStart::new("head")))?;
        w.write_event(Event::Start(BytesStart::new("title")))?;
        w.write_event(Event::Text(BytesText::new(&plain_text(title))))?;
        w.write_event(Event::End(BytesEnd::new("title")))?;
        w.write_event(Event::End(BytesEnd::new("head")))?;
        w.write_event(Event::Start(BytesStart::new("body")))?;
        for o in outlines {
            let mut outline = BytesStart::new("outline");
            let title = plain_text(&o.title);
            outline.push_attribute(("type", o.kind));
            outline.push_attribute(("text", title.as_str()));
            outline.push_attribute(("title", title.as_str()));
            outline.push_attribute(("xmlUrl", text_safe(&o.xml_url).as_str()));
            if let Some(html) = &o.html_url {
                outline.push_attribute(("htmlUrl", text_safe(html).as_str()));
            }
            w.write_event(Event::Empty(outline))?;
        }
        w.write_event(Event::End(BytesEnd::new("body")))?;
        w.write_event(Event::End(BytesEnd::new("opml")))?;
        Ok(())
    };
    // Writing to a Vec cannot fail.
    let _ = write(&mut w);
    let mut text = String::from_utf8(w.into_inner()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_feed_with_escaped_attributes() {
        let o = Outline {
            title: "News & \"views\"".into(),
            html_url: Some("https://e.org/".into()),
            xml_url: "https://feeds.example/a.xml?x=1&y=2".into(),
            kind: "rss",
        };
        let text = render("My feeds", &[o]);
        assert!(
            text.contains("xmlUrl=\"https://feeds.example/a.xml?x=1&amp;y=2\""),
            "{text}"
        );
        assert!(
            text.contains("title=\"News &amp; &quot;views&quot;\""),
            "{text}"
        );
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    }
}
