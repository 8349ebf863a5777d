//! Link identity: when two URLs name one article. Every entry id, every listing link and
//! every same-site decision goes through here, so "the same page" means one thing in the
//! whole program (tracking parameters and fragments dropped, `www.` and scheme variants of
//! one site folded into the page's own form).

use url::Url;

/// Query parameters that only track where a click came from; they make one article look
/// like many. Prefixes end with `_`.
const TRACKING_PARAMS: [&str; 22] = [
    "utm_", "at_", "ns_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "ref", "ref_src", "cmpid", "cmp", "ocid", "_ga", "xtor", "ito", "icid", "intcmp", "spm",
    "sr_share",
];

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    TRACKING_PARAMS.iter().any(|t| {
        if t.ends_with('_') {
            key.starts_with(t)
        } else {
            key == *t
        }
    })
}

/// The link as an entry id: no fragment, no tracking parameters. The rest of the query is
/// kept byte for byte (`?article4821` stays as it is).
pub fn clean_link(url: &Url) -> Url {
    let mut clean = url.clone();
    clean.set_fragment(None);
    let kept: Vec<&str> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !is_tracking(pair.split('=').next().unwrap_or("")))
        .collect();
    if kept.is_empty() {
        clean.set_query(None);
    } else {
        clean.set_query(Some(&kept.join("&")));
    }
    clean
}

/// One article, one URL: a same-site link written with or without `www.`, or over `http`
/// on an `https` site, is rewritten to the page's own scheme and host.
pub fn same_form_as(link: &Url, page: &Url) -> Url {
    let bare = |u: &Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    let mut out = link.clone();
    if bare(link) == bare(page) && link.host_str() != page.host_str() {
        let _ = out.set_host(page.host_str());
    }
    if bare(link) == bare(page)
        && link.scheme() != page.scheme()
        && matches!(link.scheme(), "http" | "https")
    {
        let _ = out.set_scheme(page.scheme());
        let _ = out.set_port(page.port());
    }
    out
}

/// Whether `link` belongs to the same site as `page` (`www.` and subdomains alike).
pub fn same_site(link: &Url, page: &Url) -> bool {
    fn site(url: &Url) -> Option<String> {
        let host = url.host_str()?.to_ascii_lowercase();
        Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
    }
    match (site(link), site(page)) {
        (Some(l), Some(p)) => {
            // Explicit ports must agree; http and https on their default ports are one site.
            (l == p || l.ends_with(&format!(".{p}")) || p.ends_with(&format!(".{l}")))
                && link.port() == page.port()
        }
        _ => false,
    }
}

/// An `href` resolved against its page, when it names something a reader can open
/// (`http`, `https`, `mailto`); a bare fragment names the page itself and gives `None`.
pub fn absolute(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let url = base.join(href).ok()?;
    matches!(url.scheme(), "http" | "https" | "mailto").then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_and_fragments_go() {
        let u = Url::parse("https://e.org/a?id=3&utm_source=x&fbclid=y#top").unwrap();
        assert_eq!(clean_link(&u).as_str(), "https://e.org/a?id=3");
        let u = Url::parse("https://e.org/a?utm_medium=m&at_medium=ticker&xtor=AL-1").unwrap();
        assert_eq!(clean_link(&u).as_str(), "https://e.org/a");
        let u = Url::parse("https://e.org/spip.php?article4821&utm_source=x").unwrap();
        assert_eq!(
            clean_link(&u).as_str(),
            "https://e.org/spip.php?article4821"
        );
    }

    #[test]
    fn www_and_scheme_variants_become_the_page_form() {
        let page = Url::parse("https://www.e.org/").unwrap();
        let link = Url::parse("http://e.org/a.html").unwrap();
        assert_eq!(
            same_form_as(&link, &page).as_str(),
            "https://www.e.org/a.html"
        );
        let other = Url::parse("http://m.e.org/a.html").unwrap();
        assert_eq!(same_form_as(&other, &page), other);
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
