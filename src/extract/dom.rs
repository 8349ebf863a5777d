//! A flat, pre-order view of the parsed document.
//!
//! Every extraction pass walks the whole tree; indexing nodes in document order lets each
//! pass be a loop over a slice instead of a recursion, so a page nested 100,000 levels deep
//! cannot overflow the stack, and per-node facts live in plain vectors instead of maps.
//! A node's subtree is the index range `i + 1 .. end`.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

/// What a node is, borrowing from the parsed document.
#[derive(Debug, Clone, Copy)]
pub enum NodeKind<'a> {
    Element(&'a Element),
    Text(&'a str),
    Other,
}

#[derive(Debug, Clone, Copy)]
pub struct DomNode<'a> {
    pub kind: NodeKind<'a>,
    pub parent: Option<usize>,
    /// One past the last node of this node's subtree.
    pub end: usize,
    /// The lower-case tag name, or "" for non-elements (read once: every pass asks).
    tag: &'a str,
    /// Where this element's lower-cased class and id sit in [`Dom::class_id_text`].
    class_id: (u32, u32),
}

/// The document as a vector of nodes in document order.
pub struct Dom<'a> {
    pub nodes: Vec<DomNode<'a>>,
    /// Every element's class and id, lower-cased once, back to back.
    class_id_text: String,
}

impl<'a> Dom<'a> {
    pub fn build(html: &'a Html) -> Dom<'a> {
        let mut nodes: Vec<DomNode<'a>> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut class_id_text = String::new();
        let mut scratch = String::new();
        for edge in html.tree.root().traverse() {
            match edge {
                Edge::Open(node) => {
                    let (kind, tag, class_id) = match node.value() {
                        Node::Element(el) => {
                            let span = push_class_and_id(&mut class_id_text, &mut scratch, el);
                            (NodeKind::Element(el), el.name(), span)
                        }
                        Node::Text(text) => (NodeKind::Text(text), "", (0, 0)),
                        _ => (NodeKind::Other, "", (0, 0)),
                    };
                    open.push(nodes.len());
                    nodes.push(DomNode {
                        kind,
                        parent: None,
                        end: 0,
                        tag,
                        class_id,
                    });
                    let index = nodes.len() - 1;
                    nodes[index].parent = open.len().checked_sub(2).map(|p| open[p]);
                }
                Edge::Close(_) => {
                    if let Some(index) = open.pop() {
                        nodes[index].end = nodes.len();
                    }
                }
            }
        }
        Dom {
            nodes,
            class_id_text,
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn element(&self, i: usize) -> Option<&'a Element> {
        match self.nodes[i].kind {
            NodeKind::Element(el) => Some(el),
            _ => None,
        }
    }

    /// The lower-case tag name, or "" for non-elements.
    pub fn tag(&self, i: usize) -> &'a str {
        self.nodes[i].tag
    }

    pub fn attr(&self, i: usize, name: &str) -> Option<&'a str> {
        self.element(i).and_then(|el| attr(el, name))
    }

    pub fn parent(&self, i: usize) -> Option<usize> {
        self.nodes[i].parent
    }

    /// Direct children, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes[i].end;
        let mut next = i + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let current = next;
            next = self.nodes[current].end;
            Some(current)
        })
    }

    /// Element indices with this tag, in document order.
    pub fn elements_named<'s>(&'s self, tag: &'s str) -> impl Iterator<Item = usize> + 's {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.tag == tag)
            .map(|(i, _)| i)
    }

    /// The text of a subtree with white space collapsed, skipping `<script>` and `<style>`.
    pub fn text(&self, i: usize) -> String {
        let mut out = String::new();
        let mut j = i;
        let end = self.nodes[i].end;
        while j < end {
            match self.nodes[j].kind {
                NodeKind::Element(_) if is_unread(self.nodes[j].tag) => {
                    j = self.nodes[j].end;
                    continue;
                }
                NodeKind::Text(t) => push_collapsed(&mut out, t),
                _ => {}
            }
            j += 1;
        }
        out.trim().to_string()
    }

    /// Class and id of an element, lower-cased, for boilerplate and scoring heuristics.
    pub fn class_and_id(&self, i: usize) -> &str {
        let (start, end) = self.nodes[i].class_id;
        &self.class_id_text[start as usize..end as usize]
    }

    /// Commas (including the CJK and Arabic ones) in [`Dom::text`] of `i`, without building
    /// the text: collapsing white space never adds or removes a comma.
    pub fn comma_count(&self, i: usize) -> usize {
        let mut count = 0;
        let mut j = i;
        let end = self.nodes[i].end;
        while j < end {
            match self.nodes[j].kind {
                NodeKind::Element(_) if is_unread(self.nodes[j].tag) => {
                    j = self.nodes[j].end;
                    continue;
                }
                NodeKind::Text(t) => count += comma_count(t),
                _ => {}
            }
            j += 1;
        }
        count
    }
}

/// Elements whose contents are never read as text.
fn is_unread(tag: &str) -> bool {
    matches!(tag, "script" | "style" | "noscript" | "template")
}

/// Commas in `text`: the Latin one and its CJK and Arabic counterparts.
pub fn comma_count(text: &str) -> usize {
    text.chars()
        .filter(|c| matches!(c, ',' | '，' | '、' | '،'))
        .count()
}

/// An attribute by name, as `scraper`'s `Element::attr` finds it (no namespace, no prefix),
/// but without interning `name` as an atom on every call.
fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs
        .iter()
        .find(|(q, _)| q.prefix.is_none() && q.ns.is_empty() && &*q.local == name)
        .map(|(_, v)| &**v)
}

/// Appends the element's `class` and ` id`, lower-cased as [`str::to_lowercase`] does, to
/// `out`, and returns where they are.
fn push_class_and_id(out: &mut String, scratch: &mut String, el: &Element) -> (u32, u32) {
    let class = attr(el, "class");
    let id = attr(el, "id");
    if class.is_none() && id.is_none() {
        return (0, 0);
    }
    scratch.clear();
    if let Some(c) = class {
        scratch.push_str(c);
    }
    if let Some(id) = id {
        scratch.push(' ');
        scratch.push_str(id);
    }
    let start = out.len();
    if scratch.is_ascii() {
        out.extend(scratch.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        out.push_str(&scratch.to_lowercase());
    }
    (to_u32(start), to_u32(out.len()))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("class and id text under 4 GiB")
}

/// Appends `text` to `out`, turning every run of white space into one space and dropping
/// what is never text: control characters, and the U+FFFD the parser puts in place of NUL.
pub fn push_collapsed(out: &mut String, text: &str) {
    let mut pending_space = text.starts_with(char::is_whitespace);
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || c == '\u{fffd}' {
            continue;
        } else {
            if pending_space && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    if pending_space && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtrees_are_contiguous_ranges() {
        let html = Html::parse_document("<div id=a><p>x <b>y</b></p><p>z</p></div>");
        let dom = Dom::build(&html);
        let div = dom.elements_named("div").next().unwrap();
        let ps: Vec<usize> = dom.children(div).collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(dom.text(div), "x yz");
        assert_eq!(dom.text(ps[0]), "x y");
        assert_eq!(dom.parent(ps[1]), Some(div));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let depth = 10_000;
        let page = format!("{}text{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let html = Html::parse_document(&page);
        let dom = Dom::build(&html);
        assert!(dom.len() > depth);
        assert_eq!(dom.text(0), "text");
    }
}
