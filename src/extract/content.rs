//! Finding the article body: boilerplate removal, content scoring, and sibling merging.
//!
//! The approach is Readability's, adapted to a flat DOM:
//! 1. Mark boilerplate subtrees (navigation, forms, share bars, comments, related-article
//!    teasers, ad slots) by tag and by class/id words.
//! 2. Score every paragraph-like block by its length and commas, and credit its ancestors.
//! 3. Take the best-scoring container, discounted by link density, and add the siblings that
//!    look like part of the same article (a lead paragraph in its own box, a figure).
//! 4. Inside the chosen nodes, drop containers that are mostly links (a "read also" list).

use super::dom::{Dom, NodeKind};

/// Elements that are never article text.
const NEVER_CONTENT: [&str; 22] = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "form", "button",
    "input", "select", "textarea", "nav", "footer", "aside", "svg", "canvas", "dialog", "menu",
    "link", "meta", "head",
];

/// Class or id words that mark a block readers never want in a feed entry, whatever else
/// the class says (`comment-content` is still a comment).
const BOILERPLATE_WORDS: [&str; 32] = [
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

/// Words that say a block is the content.
const CONTENT_WORDS: [&str; 9] = [
    "content", "article", "main", "body", "entry", "post", "story", "text", "detail",
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

pub fn is_block(tag: &str) -> bool {
    BLOCKS.contains(&tag)
}

/// Per-node facts shared by the passes.
pub struct Analysis {
    /// The node and its subtree are boilerplate.
    pub removed: Vec<bool>,
    /// Characters of visible text in the subtree, not counting removed parts.
    pub text_len: Vec<u32>,
    /// Of those, characters inside links.
    pub link_len: Vec<u32>,
    /// Whether the subtree holds any block-level element.
    pub has_block: Vec<bool>,
}

impl Analysis {
    pub fn link_density(&self, i: usize) -> f64 {
        if self.text_len[i] == 0 {
            0.0
        } else {
            f64::from(self.link_len[i]) / f64::from(self.text_len[i])
        }
    }
}

pub fn analyse(dom: &Dom) -> Analysis {
    let n = dom.len();
    let mut removed = vec![false; n];
    let mut in_link = vec![false; n];
    for i in 0..n {
        let parent = dom.parent(i);
        let inherited = parent.is_some_and(|p| removed[p]);
        removed[i] = inherited || is_boilerplate(dom, i);
        in_link[i] = parent.is_some_and(|p| in_link[p]) || dom.tag(i) == "a";
    }
    let mut text_len = vec![0u32; n];
    let mut link_len = vec![0u32; n];
    let mut has_block = vec![false; n];
    for i in (0..n).rev() {
        if removed[i] {
            continue;
        }
        if let NodeKind::Text(t) = dom.nodes[i].kind {
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
    Analysis {
        removed,
        text_len,
        link_len,
        has_block,
    }
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

fn is_boilerplate(dom: &Dom, i: usize) -> bool {
    let Some(el) = dom.element(i) else {
        return false;
    };
    let tag = el.name();
    if NEVER_CONTENT.contains(&tag) {
        return true;
    }
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return tag != "body" && tag != "html";
    }
    if let Some(style) = el.attr("style") {
        let s: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if matches!(
        el.attr("role"),
        Some("navigation" | "complementary" | "contentinfo" | "banner" | "search")
    ) {
        return !STRUCTURAL.contains(&tag);
    }
    if STRUCTURAL.contains(&tag) {
        return false;
    }
    let ci = dom.class_and_id(i);
    if class_words(&ci).any(|w| BOILERPLATE_WORDS.contains(&w)) {
        return true;
    }
    class_words(&ci).any(|w| LAYOUT_WORDS.contains(&w))
        && !class_words(&ci).any(|w| CONTENT_WORDS.contains(&w))
}

/// The words of class and id values: `post-share_bar` gives `post`, `share`, `bar`.
fn class_words(class_and_id: &str) -> impl Iterator<Item = &str> {
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

fn comma_count(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, ',' | '，' | '、' | '،'))
        .count()
}

/// The nodes that make up the article body, in document order; `None` when nothing on the
/// page reads like running text.
pub fn select_body(dom: &Dom, a: &Analysis) -> Option<Vec<usize>> {
    let n = dom.len();
    let mut score = vec![f64::NAN; n];
    let mut candidates = Vec::new();
    for i in 0..n {
        if a.removed[i] || !is_paragraph_like(dom, a, i) || a.text_len[i] < 25 {
            continue;
        }
        let text = dom.text(i);
        let points =
            1.0 + comma_count(&text) as f64 + (f64::from(a.text_len[i]) / 100.0).floor().min(3.0);
        let mut ancestor = dom.parent(i);
        for level in 0..5 {
            let Some(anc) = ancestor else { break };
            if dom.element(anc).is_none() {
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
    let mut top = *candidates
        .iter()
        .filter(|&&c| !a.removed[c])
        .max_by(|&&x, &&y| final_score(x).total_cmp(&final_score(y)))?;

    // Climb while the parent scores better: the text may be split over sibling boxes.
    let mut last = final_score(top);
    let mut parent = dom.parent(top);
    while let Some(p) = parent {
        if dom.tag(p) == "body" || score[p].is_nan() {
            break;
        }
        let s = final_score(p);
        if s < last / 3.0 {
            break;
        }
        if s > last {
            top = p;
        }
        last = s;
        parent = dom.parent(p);
    }

    let mut chosen = merge_siblings(dom, a, top, final_score(top), &final_score);
    include_media_between(dom, a, &mut chosen);
    Some(chosen)
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
    dom.children(parent)
        .filter(|&s| {
            if s == top {
                return true;
            }
            if a.removed[s] || dom.element(s).is_none() {
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
            if !is_paragraph_like(dom, a, s) {
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
    (i..dom.nodes[i].end).any(|j| dom.tag(j) == "img")
}

/// Readability's conditional cleaning: inside the body, a container that is mostly links
/// or mostly furniture is a "read also" box or a widget, not text.
pub fn is_junk_container(dom: &Dom, a: &Analysis, i: usize) -> bool {
    let tag = dom.tag(i);
    if !matches!(
        tag,
        "div" | "section" | "ul" | "ol" | "table" | "header" | "dl"
    ) {
        return false;
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
    // A list of short teaser links: each item is mostly a link.
    matches!(tag, "ul" | "ol") && density > 0.33 && weight <= 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn body_text(page: &str) -> String {
        let html = Html::parse_document(page);
        let dom = Dom::build(&html);
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
        let html = Html::parse_document("<div class='header-ads'>x</div><div class='shadow readmore'>y</div><div id=comments>z</div>");
        let dom = Dom::build(&html);
        let a = analyse(&dom);
        let removed: Vec<String> = (0..dom.len())
            .filter(|&i| a.removed[i] && dom.tag(i) == "div")
            .map(|i| dom.text(i))
            .collect();
        assert_eq!(removed, ["x", "z"]);
    }

    #[test]
    fn no_text_means_no_body() {
        let html = Html::parse_document("<body><nav><a href=/>Home</a></nav></body>");
        let dom = Dom::build(&html);
        assert!(select_body(&dom, &analyse(&dom)).is_none());
    }
}
