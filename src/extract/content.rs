//! Finding the article body: boilerplate removal, content scoring, and sibling merging.
//!
//! The approach is Readability's, adapted to a flat DOM:
//! 1. Mark boilerplate subtrees (navigation, forms, share bars, comments, related-article
//!    teasers, ad slots) by tag and by class/id words.
//! 2. Score every paragraph-like block by its length and commas, and credit its ancestors.
//! 3. Take the best-scoring container, discounted by link density, and add the siblings that
//!    look like part of the same article (a lead paragraph in its own box, a figure).
//! 4. Inside the chosen nodes, drop containers that are mostly links (a "read also" list).

use super::dom::{comma_count, Dom, NodeKind};

/// Elements that are never article text.
/// (`form` is judged by size instead: see [`Verdict::Suspect`].)
const NEVER_CONTENT: [&str; 21] = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "button", "input",
    "select", "textarea", "nav", "footer", "aside", "svg", "canvas", "dialog", "menu", "link",
    "meta", "head",
];

/// Class or id words that mark a block readers never want in a feed entry, whatever else
/// the class says (`comment-content` is still a comment).
const BOILERPLATE_WORDS: [&str; 49] = [
    "share",
    "sharing",
    "sharer",
    "sharebar",
    "comment",
    "comments",
    "disqus",
    "related",
    "relatedposts",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "adsbygoogle",
    "adslot",
    "sponsor",
    "sponsored",
    "newsletter",
    "subscribe",
    "subscription",
    "breadcrumb",
    "breadcrumbs",
    "cookie",
    "cookies",
    "consent",
    "outbrain",
    "taboola",
    "recommended",
    "tagcloud",
    "byline",
    "dateline",
    "meta",
    // About the author: bio boxes, author cards ("post-author", "author-bio").
    "author",
    "authors",
    "bio",
    // Calls to action: donation appeals, membership and app promotions.
    "cta",
    // Cards that pop up over a linked name, written into the sentence they interrupt.
    "rollover",
    "tooltip",
    "popover",
    "hovercard",
    // Photo furniture: captions and credits under images, galleries and their controls.
    "caption",
    "captions",
    "credit",
    "credits",
    "gallery",
    "slideshow",
    "carousel",
    "lightbox",
    // Only printed, never shown: the URL and logo a print stylesheet reveals.
    "print",
];

/// Whole class tokens that hide an element in the common CSS frameworks. Only whole
/// tokens: `hidden-xs` hides on phones only.
const HIDDEN_CLASSES: [&str; 7] = [
    "hidden",
    "hide",
    "d-none",
    "is-hidden",
    "visually-hidden",
    "sr-only",
    "screen-reader-text",
];

/// Words that mark furniture, unless the same class also says it is the content
/// (`main-content has-sidebar` is the article on a page that has a sidebar).
const LAYOUT_WORDS: [&str; 19] = [
    "sidebar",
    "social",
    "socials",
    "banner",
    "promo",
    "menu",
    "navbar",
    "nav",
    "footer",
    "tags",
    "popular",
    "trending",
    "popup",
    "modal",
    "pagination",
    "pager",
    "toolbar",
    "masthead",
    "topbar",
];

/// Words that say a block is the content. (`embed`: an embedded post or tweet quoted by the
/// article, even when its wrapper is called `social-media-embed`.)
const CONTENT_WORDS: [&str; 10] = [
    "content", "article", "main", "body", "entry", "post", "story", "text", "detail", "embed",
];

/// Containers that keep their class-based verdict to the scorer, never removed wholesale.
const STRUCTURAL: [&str; 5] = ["html", "body", "main", "article", "header"];

const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "table",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "form",
    "header",
    "footer",
    "nav",
    "aside",
    "li",
    "tr",
    "td",
    "hr",
];

pub(crate) fn is_block(tag: &str) -> bool {
    BLOCKS.contains(&tag)
}

/// Per-node facts shared by the passes.
pub(crate) struct Analysis {
    /// The node and its subtree are boilerplate.
    pub(crate) removed: Vec<bool>,
    /// Characters of visible text in the subtree, not counting removed parts.
    pub(crate) text_len: Vec<u32>,
    /// Of those, characters inside links.
    pub(crate) link_len: Vec<u32>,
    /// Whether the subtree holds any block-level element.
    pub(crate) has_block: Vec<bool>,
    /// Headings (`h1`–`h6`) in the subtree.
    pub(crate) headings: Vec<u32>,
    /// Of those, headings that are links: the headlines of teasers pointing elsewhere.
    pub(crate) linked_headings: Vec<u32>,
}

impl Analysis {
    /// A list of teasers: several headings, most of them links to other pages. Article text
    /// has headings too, but they head its own sections and do not link away.
    /// Each teaser has a short excerpt at most; a listicle whose item headings link to
    /// products still has paragraphs of its own under each.
    pub(crate) fn is_teaser_list(&self, i: usize) -> bool {
        let linked = self.linked_headings[i];
        linked >= 2
            && linked * 2 >= self.headings[i]
            && self.text_len[i] - self.link_len[i] <= 150 * linked
    }

    pub(crate) fn link_density(&self, i: usize) -> f64 {
        if self.text_len[i] == 0 {
            0.0
        } else {
            f64::from(self.link_len[i]) / f64::from(self.text_len[i])
        }
    }
}

/// How sure the tag and attributes alone make us that a node is not article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Content,
    /// Never text, whatever it holds: scripts, navigation, hidden nodes.
    Furniture,
    /// A class or id word (or a `<form>`) says furniture. That is evidence about the block,
    /// not about everything inside it: page shells carry such words as modifiers
    /// (`Page-ad-margins`, `non-ad-column`, `has-sidebar`, CMS field names with `meta`),
    /// and ASP.NET wraps whole pages in one `<form>`. See [`SHELL_SHARE`].
    Suspect,
}

/// A suspect block that holds at least this share of the page's unlinked text is the page
/// shell, not a widget, and stays. Widgets are small next to the article; a block that holds
/// most of the running text is where the article is. Suspect blocks nested inside a kept
/// shell are judged the same way, so the individual comments of a long comment thread or
/// the teasers of a big "related" grid still go.
const SHELL_SHARE: f64 = 0.5;

pub(crate) fn analyse(dom: &Dom) -> Analysis {
    let n = dom.len();
    let mut removed = vec![false; n];
    let mut suspect = vec![false; n];
    let mut in_link = vec![false; n];
    let mut in_href = vec![false; n];
    // The nearest `article` ancestor of each node.
    let mut outer_article: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        let parent = dom.parent(i);
        outer_article[i] = parent.and_then(|p| {
            if dom.tag(p) == "article" {
                Some(p)
            } else {
                outer_article[p]
            }
        });
        let inherited = parent.is_some_and(|p| removed[p]);
        let verdict = verdict(dom, i);
        removed[i] = inherited || verdict == Verdict::Furniture;
        suspect[i] = verdict == Verdict::Suspect;
        in_link[i] = parent.is_some_and(|p| in_link[p]) || dom.tag(i) == "a";
        in_href[i] = parent.is_some_and(|p| in_href[p])
            || (dom.tag(i) == "a" && dom.attr(i, "href").is_some_and(|h| !h.starts_with('#')));
    }
    // Judge suspect blocks by how much of the page's text they hold, counted before any
    // of them is removed.
    let (text_len, link_len, _) = sums(dom, &removed, &in_link);
    let unlinked = |i: usize| f64::from(text_len[i] - link_len[i]);
    let page = unlinked(0).max(1.0);
    for i in 0..n {
        if removed[i] {
            continue;
        }
        if dom.parent(i).is_some_and(|p| removed[p]) {
            removed[i] = true;
        } else if suspect[i] {
            removed[i] = unlinked(i) < page * SHELL_SHARE;
        } else if dom.tag(i) == "article" {
            // An article inside an article is another post: a related post's excerpt, a
            // card, a comment. Unless it holds most of the outer one's text (a wrapper).
            removed[i] =
                outer_article[i].is_some_and(|outer| unlinked(i) < unlinked(outer) * SHELL_SHARE);
        }
    }
    let (text_len, link_len, has_block) = sums(dom, &removed, &in_link);
    let mut headings = vec![0u32; n];
    let mut linked_headings = vec![0u32; n];
    for i in (0..n).rev() {
        if removed[i] {
            continue;
        }
        if matches!(dom.tag(i), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && text_len[i] > 0 {
            headings[i] += 1;
            if in_href[i] || link_len[i] * 2 > text_len[i] {
                linked_headings[i] += 1;
            }
        }
        if let Some(p) = dom.parent(i) {
            headings[p] += headings[i];
            linked_headings[p] += linked_headings[i];
        }
    }
    Analysis {
        removed,
        text_len,
        link_len,
        has_block,
        headings,
        linked_headings,
    }
}

/// Text length, linked text length and "holds a block" for every subtree, skipping removed
/// nodes; one backwards pass, children before parents.
fn sums(dom: &Dom, removed: &[bool], in_link: &[bool]) -> (Vec<u32>, Vec<u32>, Vec<bool>) {
    let n = dom.len();
    let mut text_len = vec![0u32; n];
    let mut link_len = vec![0u32; n];
    let mut has_block = vec![false; n];
    for i in (0..n).rev() {
        if removed[i] {
            continue;
        }
        if let NodeKind::Text(t) = dom.kind(i) {
            let len = visible_len(t);
            text_len[i] = len;
            if in_link[i] {
                link_len[i] = len;
            }
        }
        if let Some(p) = dom.parent(i) {
            text_len[p] += text_len[i];
            link_len[p] += link_len[i];
            has_block[p] |= has_block[i] || is_block(dom.tag(i));
        }
    }
    (text_len, link_len, has_block)
}

fn visible_len(text: &str) -> u32 {
    let mut len = 0u32;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && len > 0 {
                len += 1;
            }
            space = false;
            len += 1;
        }
    }
    len
}

fn verdict(dom: &Dom, i: usize) -> Verdict {
    if !dom.is_element(i) {
        return Verdict::Content;
    }
    let tag = dom.tag(i);
    if tag == "form" {
        return Verdict::Suspect;
    }
    if NEVER_CONTENT.contains(&tag) {
        return Verdict::Furniture;
    }
    if dom.attr(i, "hidden").is_some() || dom.attr(i, "aria-hidden") == Some("true") {
        return if tag != "body" && tag != "html" {
            Verdict::Furniture
        } else {
            Verdict::Content
        };
    }
    if let Some(style) = dom.attr(i, "style") {
        if hides(style) {
            return Verdict::Furniture;
        }
    }
    if matches!(
        dom.attr(i, "role"),
        Some("navigation" | "complementary" | "contentinfo" | "banner" | "search")
    ) {
        return if STRUCTURAL.contains(&tag) {
            Verdict::Content
        } else {
            Verdict::Furniture
        };
    }
    if STRUCTURAL.contains(&tag) {
        return Verdict::Content;
    }
    let ci = dom.class_and_id(i);
    if ci.is_empty() {
        return Verdict::Content;
    }
    let hidden = dom.attr(i, "class").is_some_and(|c| {
        c.split_ascii_whitespace()
            .any(|t| HIDDEN_CLASSES.iter().any(|h| h.eq_ignore_ascii_case(t)))
    });
    let (mut boilerplate, mut layout, mut content) = (hidden, camel_boilerplate(dom, i), false);
    for w in class_words(ci) {
        boilerplate |= BOILERPLATE_WORDS.contains(&w);
        layout |= LAYOUT_WORDS.contains(&w);
        content |= CONTENT_WORDS.contains(&w);
    }
    if boilerplate || (layout && !content) {
        Verdict::Suspect
    } else {
        Verdict::Content
    }
}

/// Whether an inline style hides the element: `display:none` or `visibility:hidden`,
/// ignoring white space and case.
fn hides(style: &str) -> bool {
    if !style.contains(':') {
        return false;
    }
    let mut s = String::with_capacity(style.len());
    s.extend(
        style
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_lowercase()),
    );
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// A boilerplate word inside a camelCase class or id (`newsCaption`, `imageEmbedCredit`).
/// Only boilerplate words are looked for this way: a layout word joined to others
/// (`theiaStickySidebar`, a plugin's wrapper of the main column) says nothing reliable.
fn camel_boilerplate(dom: &Dom, i: usize) -> bool {
    ["class", "id"]
        .into_iter()
        .filter_map(|name| dom.attr(i, name))
        .flat_map(|v| v.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|token| token.bytes().skip(1).any(|b| b.is_ascii_uppercase()))
        .any(|token| camel_words(token).any(is_boilerplate_word))
}

fn is_boilerplate_word(word: &str) -> bool {
    BOILERPLATE_WORDS
        .iter()
        .any(|b| b.eq_ignore_ascii_case(word))
}

/// `imageEmbedCredit` gives `image`, `Embed`, `Credit`.
fn camel_words(token: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let bytes = token.as_bytes();
    let mut at = 1;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        while at < bytes.len()
            && !(bytes[at].is_ascii_uppercase() && bytes[at - 1].is_ascii_lowercase())
        {
            at += 1;
        }
        let word = &token[start..at];
        start = at;
        at += 1;
        Some(word)
    })
}

/// The words of class and id values: `post-share_bar` gives `post`, `share`, `bar`.
pub(crate) fn class_words(class_and_id: &str) -> impl Iterator<Item = &str> {
    class_and_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Readability's class weight: a hint, not a verdict, so substrings count.
fn class_weight(dom: &Dom, i: usize) -> f64 {
    const POSITIVE: [&str; 11] = [
        "article", "body", "content", "entry", "hentry", "main", "page", "post", "text", "blog",
        "story",
    ];
    const NEGATIVE: [&str; 18] = [
        "hidden", "banner", "combx", "comment", "contact", "foot", "masthead", "media", "meta",
        "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "sponsor",
        "widget",
    ];
    let ci = dom.class_and_id(i);
    if ci.is_empty() {
        return 0.0;
    }
    let mut weight = 0.0;
    if POSITIVE.iter().any(|p| ci.contains(p)) {
        weight += 25.0;
    }
    if NEGATIVE.iter().any(|n| ci.contains(n)) {
        weight -= 25.0;
    }
    weight
}

fn tag_weight(tag: &str) -> f64 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// A block that holds running text: a paragraph, or a `div` used as one.
fn is_paragraph_like(dom: &Dom, a: &Analysis, i: usize) -> bool {
    match dom.tag(i) {
        "p" | "pre" | "td" | "blockquote" => true,
        "div" | "section" | "span" | "font" | "center" | "article" => {
            !a.has_block[i] && a.text_len[i] > 0
        }
        _ => false,
    }
}

fn paragraph_points(len: u32, commas: usize) -> f64 {
    1.0 + commas as f64 + (f64::from(len) / 100.0).floor().min(3.0)
}

/// Text written straight into a container that also has block children (a blog post as
/// text split by `<br>`, next to an image `div`) is paragraphs all the same, as Readability
/// treats it: each run of text and inline elements between two blocks or line breaks, of
/// at least 25 characters and not mostly links, is a paragraph of the container. Returns
/// each run's length and comma count.
fn loose_runs(dom: &Dom, a: &Analysis, i: usize) -> Vec<(u32, usize)> {
    let mut runs = Vec::new();
    let (mut len, mut links, mut commas) = (0u32, 0u32, 0usize);
    let mut flush = |len: &mut u32, links: &mut u32, commas: &mut usize| {
        if *len >= 25 && f64::from(*links) < f64::from(*len) * 0.5 {
            runs.push((*len, *commas));
        }
        (*len, *links, *commas) = (0, 0, 0);
    };
    for c in dom.children(i) {
        if a.removed[c] {
            continue;
        }
        match dom.kind(c) {
            NodeKind::Text(t) => {
                len += a.text_len[c];
                commas += comma_count(t);
            }
            NodeKind::Element => {
                if is_block(dom.tag(c)) || dom.tag(c) == "br" || a.has_block[c] {
                    flush(&mut len, &mut links, &mut commas);
                    continue;
                }
                len += a.text_len[c];
                links += a.link_len[c];
                for j in c..dom.end(c) {
                    if let NodeKind::Text(t) = dom.kind(j) {
                        if !a.removed[j] {
                            commas += comma_count(t);
                        }
                    }
                }
            }
            NodeKind::Other => {}
        }
    }
    flush(&mut len, &mut links, &mut commas);
    runs
}

/// The nodes that make up the article body, in document order; `None` when nothing on the
/// page reads like running text.
pub(crate) fn select_body(dom: &Dom, a: &Analysis) -> Option<Vec<usize>> {
    let n = dom.len();
    let mut score = vec![f64::NAN; n];
    let mut candidates = Vec::new();
    // (first ancestor to credit, points) for every paragraph and loose text run.
    let mut paragraphs: Vec<(Option<usize>, f64)> = Vec::new();
    for i in 0..n {
        if a.removed[i] {
            continue;
        }
        if is_paragraph_like(dom, a, i) && a.text_len[i] >= 25 {
            let commas = dom.comma_count(i);
            paragraphs.push((dom.parent(i), paragraph_points(a.text_len[i], commas)));
        } else if a.has_block[i] && dom.is_element(i) {
            for (len, commas) in loose_runs(dom, a, i) {
                paragraphs.push((Some(i), paragraph_points(len, commas)));
            }
        }
    }
    for (first, points) in paragraphs {
        let mut ancestor = first;
        for level in 0..5 {
            let Some(anc) = ancestor else { break };
            if !dom.is_element(anc) {
                break;
            }
            if score[anc].is_nan() {
                score[anc] = tag_weight(dom.tag(anc)) + class_weight(dom, anc);
                candidates.push(anc);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            score[anc] += points / divider;
            ancestor = dom.parent(anc);
        }
    }
    let final_score = |i: usize| score[i] * (1.0 - a.link_density(i));
    candidates.retain(|&c| !a.removed[c]);
    candidates.sort_by(|&x, &y| final_score(y).total_cmp(&final_score(x)));
    let top = climb(dom, a, &candidates, &score, &final_score)?;
    let mut chosen = merge_siblings(dom, a, top, final_score(top), &final_score);
    include_media_between(dom, a, &mut chosen);
    Some(chosen)
}

/// From the best candidate to the node that holds the whole article, Readability's three
/// ways: an article cut into boxes (one card or component per paragraph or two) makes
/// several boxes score about the same, so the nearest ancestor of three of the five best
/// candidates that come within 75% of the best (other boxes, not the best one's own
/// wrappers or parts) is the article. Otherwise climb while the
/// parents still score at least a third of the best, and take the first that scores higher
/// (more text lurks in its other children). Last, a wrapper whose only child is the
/// candidate stands for it, so the sibling step looks at the level where the lead, the
/// figure and the rest of the text sit.
fn climb(
    dom: &Dom,
    a: &Analysis,
    ranked: &[usize],
    score: &[f64],
    final_score: &dyn Fn(usize) -> f64,
) -> Option<usize> {
    const CLOSE: f64 = 0.75;
    const AGREEING: usize = 3;
    let mut top = *ranked.first()?;
    let best = final_score(top);
    let nested = |x: usize, y: usize| (x < y && y < dom.end(x)) || (y < x && x < dom.end(y));
    let close: Vec<usize> = ranked[1..ranked.len().min(5)]
        .iter()
        .copied()
        .filter(|&c| final_score(c) >= best * CLOSE && !nested(c, top))
        .collect();
    let below_body = |p: usize| !matches!(dom.tag(p), "body" | "html" | "");
    if close.len() >= AGREEING {
        let mut parent = dom.parent(top);
        while let Some(p) = parent.filter(|&p| below_body(p)) {
            let inside = close.iter().filter(|&&c| p < c && c < dom.end(p)).count();
            if inside >= AGREEING {
                top = p;
                break;
            }
            parent = dom.parent(p);
        }
    }

    let threshold = final_score(top) / 3.0;
    let mut last = final_score(top);
    let mut parent = dom.parent(top);
    while let Some(p) = parent.filter(|&p| below_body(p)) {
        parent = dom.parent(p);
        if score[p].is_nan() {
            continue;
        }
        let s = final_score(p);
        if s < threshold {
            break;
        }
        if s > last {
            top = p;
            break;
        }
        last = s;
    }

    while let Some(p) = dom.parent(top).filter(|&p| below_body(p)) {
        let mut elements = dom
            .children(p)
            .filter(|&c| dom.is_element(c) && !a.removed[c]);
        if elements.next() != Some(top) || elements.next().is_some() {
            break;
        }
        top = p;
    }
    Some(top)
}

/// Readability's sibling step: siblings that score well, or read like article paragraphs,
/// belong to the article too (a lead in its own `div`, text split over several boxes).
fn merge_siblings(
    dom: &Dom,
    a: &Analysis,
    top: usize,
    top_score: f64,
    final_score: &dyn Fn(usize) -> f64,
) -> Vec<usize> {
    let Some(parent) = dom.parent(top) else {
        return vec![top];
    };
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.attr(top, "class").unwrap_or("");
    // Beside a page-level container, a loose paragraph is a cookie or announcement bar and a
    // `header` is the site's: only siblings that score like the article join it there.
    let page_level = matches!(dom.tag(parent), "body" | "html");
    dom.children(parent)
        .filter(|&s| {
            if s == top {
                return true;
            }
            if a.removed[s]
                || !dom.is_element(s)
                || a.is_teaser_list(s)
                || (page_level && dom.tag(s) == "header")
            {
                return false;
            }
            let mut bonus = 0.0;
            if !top_class.is_empty() && dom.attr(s, "class") == Some(top_class) {
                bonus += top_score * 0.2;
            }
            let scored = final_score(s);
            if !scored.is_nan() && scored + bonus >= threshold {
                return true;
            }
            if page_level || !is_paragraph_like(dom, a, s) {
                return false;
            }
            let len = a.text_len[s];
            let density = a.link_density(s);
            if len > 80 && density < 0.25 {
                return true;
            }
            let text = dom.text(s);
            len > 0 && len <= 80 && density == 0.0 && ends_sentence(&text)
        })
        .collect()
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', '。', '」', '"', '”'])
}

/// A figure between two chosen blocks belongs to the article (the lead photo between the
/// standfirst and the text), even though it holds almost no text.
fn include_media_between(dom: &Dom, a: &Analysis, chosen: &mut Vec<usize>) {
    let (Some(&first), Some(&last)) = (chosen.first(), chosen.last()) else {
        return;
    };
    let Some(parent) = dom.parent(first) else {
        return;
    };
    let media: Vec<usize> = dom
        .children(parent)
        .filter(|&s| s > first && s < last && !chosen.contains(&s) && !a.removed[s])
        .filter(|&s| {
            matches!(dom.tag(s), "figure" | "img" | "picture")
                || (a.text_len[s] < 200 && contains_img(dom, s))
        })
        .collect();
    chosen.extend(media);
    chosen.sort_unstable();
}

fn contains_img(dom: &Dom, i: usize) -> bool {
    (i..dom.end(i)).any(|j| dom.tag(j) == "img")
}

/// Readability's conditional cleaning: inside the body, a container that is mostly links
/// or mostly furniture is a "read also" box or a widget, not text.
pub(crate) fn is_junk_container(dom: &Dom, a: &Analysis, i: usize) -> bool {
    let tag = dom.tag(i);
    if !matches!(
        tag,
        "div" | "section" | "ul" | "ol" | "table" | "header" | "dl"
    ) {
        return false;
    }
    if a.is_teaser_list(i) {
        return true;
    }
    let density = a.link_density(i);
    let weight = class_weight(dom, i);
    let len = a.text_len[i];
    if weight < 0.0 && density > 0.2 {
        return true;
    }
    if density > 0.5 && len < 2000 {
        return true;
    }
    // A list of short teaser links: each item is mostly a link. Items that each carry a
    // sentence of their own after the link ("10 things in tech": a linked lead, then what
    // happened) are the article.
    matches!(tag, "ul" | "ol")
        && density > 0.33
        && weight <= 0.0
        && unlinked_per_item(dom, a, i) < 60.0
}

/// Characters of text outside links, per list item.
fn unlinked_per_item(dom: &Dom, a: &Analysis, list: usize) -> f64 {
    let items = dom
        .children(list)
        .filter(|&c| dom.tag(c) == "li" && !a.removed[c])
        .count();
    f64::from(a.text_len[list] - a.link_len[list]) / items.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_classes_split_into_words() {
        let words: Vec<&str> = camel_words("imageEmbedCredit").collect();
        assert_eq!(words, ["image", "Embed", "Credit"]);
        assert_eq!(camel_words("plain").collect::<Vec<_>>(), ["plain"]);
        assert_eq!(camel_words("URLBox").collect::<Vec<_>>(), ["URLBox"]);
    }

    fn body_text(page: &str) -> String {
        let dom = Dom::parse(page);
        let a = analyse(&dom);
        select_body(&dom, &a)
            .unwrap()
            .iter()
            .map(|&i| dom.text(i))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn picks_the_paragraphs_not_the_menu() {
        let long =
            "This is a sentence of the article, long enough to be scored as real text. ".repeat(3);
        let page = format!(
            "<body><nav><a href=/>Home</a><a href=/a>About</a></nav><div class=main><div class=text><p>{long}</p><p>{long}</p></div>\
             <div class=lead>A lead paragraph that sits in its own box, outside the text container, and is long enough.</div></div>\
             <div class=sidebar><p>{long}</p></div></body>"
        );
        let text = body_text(&page);
        assert!(text.contains("This is a sentence"));
        assert!(text.contains("A lead paragraph"));
        assert!(!text.contains("Home"));
    }

    #[test]
    fn boilerplate_words_are_whole_words() {
        let dom = Dom::parse("<div class='header-ads'>x</div><div class='shadow readmore'>y</div><div id=comments>z</div>");
        let a = analyse(&dom);
        let removed: Vec<String> = (0..dom.len())
            .filter(|&i| a.removed[i] && dom.tag(i) == "div")
            .map(|i| dom.text(i))
            .collect();
        assert_eq!(removed, ["x", "z"]);
    }

    #[test]
    fn no_text_means_no_body() {
        let dom = Dom::parse("<body><nav><a href=/>Home</a></nav></body>");
        assert!(select_body(&dom, &analyse(&dom)).is_none());
    }

    const SENTENCE: &str =
        "This is a sentence of the article, long enough to be scored as real text. ";

    fn removed_texts(page: &str) -> Vec<String> {
        let dom = Dom::parse(page);
        let a = analyse(&dom);
        (0..dom.len())
            .filter(|&i| a.removed[i] && dom.parent(i).is_some_and(|p| !a.removed[p]))
            .map(|i| dom.text(i))
            .filter(|t| !t.is_empty())
            .collect()
    }

    #[test]
    fn a_class_word_on_the_page_shell_does_not_remove_the_article() {
        let long = SENTENCE.repeat(4);
        let page = format!(
            "<body><div class='Page-ad-margins'><div class=ad-slot>Buy now</div>\
             <p>{long}</p><p>{long}</p><div class='sidebar'>Small widget text</div></div></body>"
        );
        assert_eq!(removed_texts(&page), ["Buy now", "Small widget text"]);
        assert!(body_text(&page).contains("This is a sentence"));
    }

    #[test]
    fn a_page_wide_form_is_kept_but_a_search_form_is_not() {
        let long = SENTENCE.repeat(4);
        let page = format!(
            "<body><form class=search><input name=q>Search the site</form><form id=aspnetForm>\
             <div><p>{long}</p><p>{long}</p></div></form></body>"
        );
        assert_eq!(removed_texts(&page), ["Search the site"]);
        assert!(body_text(&page).contains("This is a sentence"));
    }

    #[test]
    fn loose_text_between_blocks_is_scored() {
        let long = SENTENCE.repeat(3);
        let page = format!(
            "<body><div class=menu-box><p>A short promo paragraph, not the post.</p></div>\
             <div id=post><div class=separator><img src=a.jpg></div>{long}<br><br>{long}<br><b>{long}</b> and more</div></body>"
        );
        let text = body_text(&page);
        assert!(text.starts_with("This is a sentence"), "{text}");
        assert!(!text.contains("promo"));
    }

    #[test]
    fn an_article_cut_into_boxes_is_taken_whole() {
        let long = SENTENCE.repeat(3);
        let card = |n: u32| {
            format!("<div class=card><div class=card-content><p>Part {n}. {long}</p></div></div>")
        };
        let page = format!(
            "<body><div class=collection>{}{}{}{}</div><div class=other><p>Unrelated text, short.</p></div></body>",
            card(1),
            card(2),
            card(3),
            card(4)
        );
        let text = body_text(&page);
        for n in 1..=4 {
            assert!(text.contains(&format!("Part {n}.")), "{text}");
        }
        assert!(!text.contains("Unrelated"));
    }

    #[test]
    fn teaser_lists_are_neither_merged_nor_kept() {
        let long = SENTENCE.repeat(4);
        let teaser = |n: u32| {
            format!("<div><a href=/s{n}><h5>Other story {n}</h5></a><p>Its excerpt, one line long.</p></div>")
        };
        let page = format!(
            "<body><div class=wrap><div class=story><p>{long}</p><p>{long}</p>\
             <div class=next-prev>{}{}</div></div></div><div class=recent>{}{}{}</div></body>",
            teaser(1),
            teaser(2),
            teaser(3),
            teaser(4),
            teaser(5)
        );
        let dom = Dom::parse(&page);
        let a = analyse(&dom);
        let roots = select_body(&dom, &a).unwrap();
        let kept: Vec<String> = roots.iter().map(|&r| dom.text(r)).collect();
        assert_eq!(kept.len(), 1, "{kept:?}");
        let next_prev = dom
            .elements_named("div")
            .find(|&i| dom.attr(i, "class") == Some("next-prev"))
            .unwrap();
        assert!(is_junk_container(&dom, &a, next_prev));
        let story = dom
            .elements_named("div")
            .find(|&i| dom.attr(i, "class") == Some("story"))
            .unwrap();
        assert!(!is_junk_container(&dom, &a, story));
    }

    #[test]
    fn hiding_classes_and_photo_furniture_are_removed() {
        let long = SENTENCE.repeat(4);
        let page = format!(
            "<body><div class=story><p>{long}</p><div class='img-caption'>The photo</div>\
             <div class='hidden'>Secret</div><div class='hidden-xs'>Shown on desktops</div>\
             <div class='asset_gallery'><p>Image 1 of 5</p></div><p>{long}</p></div></body>"
        );
        assert_eq!(
            removed_texts(&page),
            ["The photo", "Secret", "Image 1 of 5"]
        );
    }
}
