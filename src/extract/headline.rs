//! Where the headline is, and the nodes around it where a byline, the dates and a lead
//! image are printed: the anchor that title, authors, dates and media read from.

use url::Url;

use super::dom::Dom;
use super::words::SIDE_MATTER_WORDS;

/// The element that holds the headline: an `<h1>` (or a marked `<h2>`/`<h3>`) whose text is
/// the title, else the first `<h1>` that does not just link home.
pub(crate) fn headline_index(dom: &Dom, title: Option<&str>) -> Option<usize> {
    let same = |i: usize| title.is_some_and(|t| dom.text(i).eq_ignore_ascii_case(t.trim()));
    dom.elements_named("h1")
        .find(|&h| same(h))
        .or_else(|| (0..dom.len()).find(|&i| matches!(dom.tag(i), "h2" | "h3") && same(i)))
        .or_else(|| dom.elements_named("h1").find(|&h| !links_home(dom, h)))
}

/// An `<h1>` whose link goes to the site's front page names the site, not the article.
pub(crate) fn links_home(dom: &Dom, h: usize) -> bool {
    (h + 1..dom.end(h))
        .filter(|&i| dom.tag(i) == "a")
        .filter_map(|i| dom.attr(i, "href"))
        .any(|href| {
            let href = href.trim();
            matches!(href, "/" | "./" | "")
                || Url::parse(href)
                    .is_ok_and(|u| u.path() == "/" && u.query().is_none() && u.host().is_some())
        })
}

/// How far after the headline the byline and dates are looked for, in nodes.
pub(crate) const META_WINDOW: usize = 400;

/// The elements around the headline that may hold its byline or dates: from the start of
/// the headline's container (dates above the headline, as VnExpress prints them, but not a
/// top bar's "today") to [`META_WINDOW`] nodes after it, nearest first, skipping related
/// lists, comments and sidebars.
pub(crate) fn around_headline(dom: &Dom, headline: usize) -> Vec<usize> {
    let before_from = dom
        .parent(headline)
        .filter(|&p| !matches!(dom.tag(p), "body" | "html" | ""))
        .map_or(headline, |p| p + 1);
    let after_to = dom.len().min(headline + META_WINDOW);
    let mut side = SideMatter::new(dom);
    let mut out: Vec<usize> = (before_from..after_to)
        .filter(|&i| dom.is_element(i) && !side.contains(i))
        .collect();
    out.sort_by_key(|&i| i.abs_diff(headline));
    out
}

/// Which nodes sit inside a related list, a comment thread, a sidebar or page chrome. Each
/// element's own verdict is worked out once, since neighbouring nodes share most of their
/// ancestors.
pub(crate) struct SideMatter<'d> {
    dom: &'d Dom,
    /// Per node: 0 not yet judged, 1 not side matter itself, 2 side matter.
    own: Vec<u8>,
}

impl<'d> SideMatter<'d> {
    pub(crate) fn new(dom: &'d Dom) -> Self {
        Self {
            dom,
            own: vec![0; dom.len()],
        }
    }

    pub(crate) fn contains(&mut self, i: usize) -> bool {
        let mut at = Some(i);
        for _ in 0..10 {
            let Some(n) = at else { break };
            let dom = self.dom;
            if self.own[n] == 0 {
                self.own[n] = 1 + u8::from(is_side_matter(dom, n));
            }
            if self.own[n] == 2 {
                return true;
            }
            at = dom.parent(n);
        }
        false
    }
}

/// This element itself is a related list, a comment thread, a sidebar or page chrome.
fn is_side_matter(dom: &Dom, n: usize) -> bool {
    match dom.tag(n) {
        "aside" | "nav" | "footer" => true,
        // The article's own container is never side matter, whatever its WordPress
        // taxonomy classes say ("category-top-stories", "tag-trending").
        "article" | "main" | "body" => false,
        _ => dom
            .class_and_id(n)
            .split_whitespace()
            .filter(|t| !t.starts_with("category-") && !t.starts_with("tag-"))
            .any(|t| SIDE_MATTER_WORDS.iter().any(|w| t.contains(w))),
    }
}
