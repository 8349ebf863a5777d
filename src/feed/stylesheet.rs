//! An XSL stylesheet so that an RSS or Atom file opened in a browser reads as a page (with
//! the subscribe URL to copy) instead of a wall of XML.

/// File name of the stylesheet, written next to the feeds.
pub const FILE_NAME: &str = "feedgen.xsl";

/// Adds `<?xml-stylesheet?>` after the XML declaration when a stylesheet is set.
pub fn link(xml: &str, href: Option<&str>) -> String {
    let Some(href) = href else {
        return xml.to_string();
    };
    let pi = format!(
        "<?xml-stylesheet type=\"text/xsl\" href=\"{}\"?>",
        href.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    );
    match xml.find("?>").filter(|_| xml.starts_with("<?xml")) {
        Some(end) => format!("{}\n{pi}{}", &xml[..end + 2], &xml[end + 2..]),
        None => format!("{pi}\n{xml}"),
    }
}

/// Renders RSS 2.0 and Atom 1.0 alike: title, description, then each entry's title (linked),
/// date, author and summary.
pub const XSL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <xsl:output method="html" encoding="utf-8" indent="yes"/>
  <xsl:template match="/">
    <html>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/> (feed)</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
          .note { background: #f3f6fa; border-radius: .5rem; padding: .75rem 1rem; }
          article { border-bottom: 1px solid #ddd; padding: 1rem 0; }
          .meta { color: #666; font-size: .9rem; }
        </style>
      </head>
      <body>
        <p class="note">This is a web feed. Copy this page's address into your feed reader to subscribe.</p>
        <h1><xsl:value-of select="/rss/channel/title | /atom:feed/atom:title"/></h1>
        <p><xsl:value-of select="/rss/channel/description | /atom:feed/atom:subtitle"/></p>
        <xsl:for-each select="/rss/channel/item">
          <article>
            <h2><a href="{link}"><xsl:value-of select="title"/></a></h2>
            <p class="meta"><xsl:value-of select="pubDate"/> · <xsl:value-of select="dc:creator"/></p>
            <p><xsl:value-of select="description"/></p>
          </article>
        </xsl:for-each>
        <xsl:for-each select="/atom:feed/atom:entry">
          <article>
            <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
            <p class="meta"><xsl:value-of select="atom:published"/> · <xsl:value-of select="atom:author/atom:name"/></p>
            <p><xsl:value-of select="atom:summary"/></p>
          </article>
        </xsl:for-each>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_processing_instruction_follows_the_declaration() {
        let xml = "<?xml version=\"1.0\"?><rss/>";
        assert_eq!(link(xml, Some("feedgen.xsl")), "<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"feedgen.xsl\"?><rss/>");
        assert_eq!(link(xml, None), xml);
    }
}
