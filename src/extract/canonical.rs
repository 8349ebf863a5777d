//! The article's canonical address, and the base its relative links resolve against.

use url::Url;

use super::metadata::Declared;

/// What relative links resolve against: `<base href>`, else the page's URL; but a page read
/// from a file that declares its canonical web address resolves against that, so its images
/// and links point at the web and not at the reader's disk.
pub(crate) fn link_base(declared: &Declared, url: &Url) -> Url {
    if let Some(base) = declared.base_href.as_deref().and_then(|b| url.join(b).ok()) {
        return base;
    }
    if url.scheme() == "file" {
        if let Some(web) = canonical(declared, url) {
            return web;
        }
    }
    url.clone()
}

/// The canonical link, unless it is clearly wrong (not web, or the site's home page for an
/// article page, a common CMS misconfiguration).
pub(crate) fn canonical(declared: &Declared, url: &Url) -> Option<Url> {
    let c = url.join(declared.canonical.as_deref()?.trim()).ok()?;
    let web = matches!(c.scheme(), "http" | "https");
    let home_for_article =
        c.path() == "/" && url.path() != "/" && matches!(url.scheme(), "http" | "https");
    (web && !home_for_article).then_some(c)
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use chrono::Utc;
    use url::Url;

    #[test]
    fn a_local_copy_resolves_links_against_its_canonical_address() {
        let html = "<html><head><link rel=canonical href='https://e.org/news/a.html'></head><body><article>\
            <p>Enough text in this paragraph to be the body of the article, with commas, and words.</p>\
            <img src='/img/a.jpg'></article></body></html>";
        let file = Url::parse("file:///tmp/a.html").unwrap();
        let a = extract(html, &file, Utc::now()).unwrap();
        assert!(
            a.content_html.contains("src=\"https://e.org/img/a.jpg\""),
            "{}",
            a.content_html
        );
        assert_eq!(a.link().as_str(), "https://e.org/news/a.html");
    }
}
