//! A flat, pre-order view of the parsed document, built straight from the HTML parser.
//!
//! Every extraction pass walks the whole tree; indexing nodes in document order lets each
//! pass be a loop over a slice instead of a recursion, so a page nested 100,000 levels deep
//! cannot overflow the stack, and per-node facts live in plain vectors instead of maps.
//! A node's subtree is the index range `i + 1 .. end`.
//!
//! The parser (html5ever) needs a tree it can rearrange while it works (misnested tags move
//! nodes around), so [`Sink`] keeps a small linked arena; [`Dom::parse`] then lays it out in
//! document order, with all text and attribute values in two strings. A general-purpose DOM
//! (a node per allocation, a hash set of classes per element) costs several times the page's
//! size; this layout costs a little more than the page's text plus 40 bytes a node.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::collections::HashMap;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, ParseOpts, QualName};

use super::{budget, nesting};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind<'a> {
    Element,
    Text(&'a str),
    /// The document itself, comments, doctypes, template contents.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Element,
    Text,
    Other,
}

/// Bytes of HTML handed to the parser at a time (see [`Dom::parse`]).
const PARSE_PIECE: usize = 32 * 1024;

/// Marks "no node" in the `u32` links, which keep the nodes small.
const NONE: u32 = u32::MAX;

#[derive(Debug)]
struct DomNode {
    parent: u32,
    /// One past the last node of this node's subtree.
    end: u32,
    kind: Kind,
    /// The lower-case tag name of an element.
    tag: Option<LocalName>,
    /// A text node's text in [`Dom::text`], or an element's attributes in [`Dom::attrs`].
    span: (u32, u32),
    /// Where this element's lower-cased class and id sit in [`Dom::class_id_text`].
    class_id: (u32, u32),
}

/// The document as a vector of nodes in document order.
pub struct Dom {
    nodes: Vec<DomNode>,
    /// Every text node's text, back to back.
    text: String,
    /// Every element's attributes (name, span of the value in `attr_text`), element by element.
    attrs: Vec<(LocalName, (u32, u32))>,
    attr_text: String,
    /// Every element's class and id, lower-cased once, back to back.
    class_id_text: String,
}

impl Dom {
    /// Parses `html` as a browser would (html5ever, scripting on, so `<noscript>` is raw
    /// text). Pages over 2 GiB are cut there: no page a feed links to is that big.
    ///
    /// The parser takes time quadratic in nesting depth, so a page that nests deeper than
    /// [`nesting::MAX_DEPTH`] is abandoned as soon as that shows, and parsed again with the
    /// excess nesting cut ([`nesting::limit_depth`]). Ordinary pages pay nothing for this.
    ///
    /// The parser's time is also quadratic in the attributes of one tag, so the page is
    /// given up in the same way, and parsed again with each tag's attributes cut to
    /// [`nesting::MAX_ATTRIBUTES`] ([`nesting::limit_attributes`]), when an element arrives
    /// with more, or when a whole piece of the page goes by inside one tag (the parser
    /// reports nothing until a tag ends, and the cost grows while it lasts). A page with a
    /// giant comment or attribute value pays for one more pass; ordinary pages pay nothing.
    pub fn parse(html: &str) -> Dom {
        let mut html = Cow::Borrowed(cut_to_u32(html));
        let (mut depth_cut, mut width_cut) = (false, false);
        // Each pass that gives up turns its guard off, so this ends after three at most.
        loop {
            let cut = match Dom::parse_guarded(&html, !depth_cut, !width_cut) {
                Ok(dom) => return dom,
                Err(Abandoned::TooDeep) => {
                    depth_cut = true;
                    nesting::limit_depth(&html)
                }
                Err(Abandoned::TooWide) => {
                    width_cut = true;
                    nesting::limit_attributes(&html)
                }
            };
            if let Cow::Owned(cut) = cut {
                html = Cow::Owned(cut);
            }
        }
    }

    /// The parsed page, or why it was given up: an element deeper than
    /// [`nesting::MAX_DEPTH`] (when `depth_guard`), or a tag too wide (when `width_guard`,
    /// see [`Dom::parse`]).
    fn parse_guarded(html: &str, depth_guard: bool, width_guard: bool) -> Result<Dom, Abandoned> {
        let sink = Sink {
            max_depth: if depth_guard {
                to_u32(nesting::MAX_DEPTH)
            } else {
                u32::MAX
            },
            max_attributes: if width_guard {
                nesting::MAX_ATTRIBUTES
            } else {
                usize::MAX
            },
            ..Sink::default()
        };
        let mut parser = html5ever::parse_document(sink, ParseOpts::default());
        // Fed in pieces rather than as one string, so the parser never holds a copy of the
        // whole page (its text nodes share the buffers of the pieces they came from), and a
        // page found too deep is given up after one piece.
        let mut rest = html;
        while !rest.is_empty() {
            let mut at = rest.len().min(PARSE_PIECE);
            while !rest.is_char_boundary(at) {
                at -= 1;
            }
            let (piece, tail) = rest.split_at(at);
            let before = parser.tokenizer.sink.sink.progress.get();
            parser.process(StrTendril::from_slice(piece));
            budget::check();
            let sink = &parser.tokenizer.sink.sink;
            let inside_one_tag = !tail.is_empty() && sink.progress.get() == before;
            if sink.too_deep.get() {
                return Err(Abandoned::TooDeep);
            }
            if sink.too_wide.get() || (width_guard && inside_one_tag) {
                return Err(Abandoned::TooWide);
            }
            rest = tail;
        }
        Ok(Dom::lay_out(parser.finish()))
    }

    /// Walks the parser's linked tree in document order, moving text into the flat string as
    /// it goes, so the two copies of the page never coexist in full; the attributes are
    /// already flat.
    fn lay_out(arena: Arena) -> Dom {
        let Arena {
            nodes: mut linked,
            attributes,
            ..
        } = arena;
        let mut dom = Dom {
            nodes: Vec::with_capacity(linked.len()),
            text: String::new(),
            attrs: attributes.list,
            attr_text: attributes.text,
            class_id_text: String::new(),
        };
        let mut open: Vec<u32> = Vec::new();
        let mut at = ROOT;
        'walk: loop {
            let data = std::mem::replace(&mut linked[at as usize].data, Data::Other);
            let index = dom.push(data, open.last().copied().unwrap_or(NONE));
            let first = linked[at as usize].first;
            if first != NONE {
                open.push(index);
                at = first;
                continue;
            }
            dom.nodes[index as usize].end = dom.len_u32();
            loop {
                let next = linked[at as usize].next;
                if next != NONE {
                    at = next;
                    continue 'walk;
                }
                let Some(parent) = open.pop() else {
                    break 'walk;
                };
                dom.nodes[parent as usize].end = dom.len_u32();
                at = linked[at as usize].parent;
            }
        }
        dom
    }

    fn push(&mut self, data: Data, parent: u32) -> u32 {
        let (kind, tag, span, class_id) = match data {
            Data::Element(name, span) => {
                let class_id = self.push_class_and_id(span);
                (Kind::Element, Some(name.local), span, class_id)
            }
            Data::Text(text) => {
                let from = self.text.len();
                self.text.push_str(&text);
                (
                    Kind::Text,
                    None,
                    (to_u32(from), to_u32(self.text.len())),
                    (0, 0),
                )
            }
            Data::Document | Data::Other => (Kind::Other, None, (0, 0), (0, 0)),
        };
        self.nodes.push(DomNode {
            parent,
            end: 0,
            kind,
            tag,
            span,
            class_id,
        });
        self.len_u32() - 1
    }

    /// Appends the element's `class` and ` id`, lower-cased as [`str::to_lowercase`] does,
    /// to [`Dom::class_id_text`], and returns where they are.
    fn push_class_and_id(&mut self, attrs: (u32, u32)) -> (u32, u32) {
        let value = |name: &str| {
            self.attrs[attrs.0 as usize..attrs.1 as usize]
                .iter()
                .find(|(n, _)| &**n == name)
                .map(|&(_, (from, to))| &self.attr_text[from as usize..to as usize])
        };
        let (class, id) = (value("class"), value("id"));
        if class.is_none() && id.is_none() {
            return (0, 0);
        }
        let joined = match (class, id) {
            (Some(c), Some(i)) => Cow::Owned(format!("{c} {i}")),
            (Some(c), None) => Cow::Borrowed(c),
            (None, Some(i)) => Cow::Owned(format!(" {i}")),
            (None, None) => Cow::Borrowed(""),
        };
        let lowered = if joined.is_ascii() {
            Cow::Owned(joined.to_ascii_lowercase())
        } else {
            Cow::Owned(joined.to_lowercase())
        };
        let start = self.class_id_text.len();
        self.class_id_text.push_str(&lowered);
        (to_u32(start), to_u32(self.class_id_text.len()))
    }

    fn len_u32(&self) -> u32 {
        to_u32(self.nodes.len())
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn kind(&self, i: usize) -> NodeKind<'_> {
        let n = &self.nodes[i];
        match n.kind {
            Kind::Element => NodeKind::Element,
            Kind::Text => NodeKind::Text(&self.text[n.span.0 as usize..n.span.1 as usize]),
            Kind::Other => NodeKind::Other,
        }
    }

    /// Something unique to node `i` while the document lives, for code that keys facts by
    /// node identity (CSS matching's caches).
    pub fn identity(&self, i: usize) -> &impl Sized {
        &self.nodes[i]
    }

    pub fn is_element(&self, i: usize) -> bool {
        self.nodes[i].kind == Kind::Element
    }

    /// The lower-case tag name, or "" for non-elements.
    pub fn tag(&self, i: usize) -> &str {
        self.nodes[i].tag.as_deref().unwrap_or("")
    }

    /// An attribute by name (names are lower case, as the parser leaves them).
    pub fn attr(&self, i: usize, name: &str) -> Option<&str> {
        let n = &self.nodes[i];
        if n.kind != Kind::Element {
            return None;
        }
        self.attrs[n.span.0 as usize..n.span.1 as usize]
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|&(_, (from, to))| &self.attr_text[from as usize..to as usize])
    }

    /// The element's classes, as written.
    pub fn classes(&self, i: usize) -> impl Iterator<Item = &str> {
        self.attr(i, "class").unwrap_or("").split_ascii_whitespace()
    }

    pub fn parent(&self, i: usize) -> Option<usize> {
        let p = self.nodes[i].parent;
        (p != NONE).then_some(p as usize)
    }

    /// One past the last node of `i`'s subtree.
    pub fn end(&self, i: usize) -> usize {
        self.nodes[i].end as usize
    }

    /// Direct children, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.end(i);
        let mut next = i + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let current = next;
            next = self.end(current);
            Some(current)
        })
    }

    /// Element indices with this tag, in document order.
    pub fn elements_named<'s>(&'s self, tag: &'s str) -> impl Iterator<Item = usize> + 's {
        (0..self.nodes.len()).filter(move |&i| self.tag(i) == tag)
    }

    /// The text of a subtree with white space collapsed, skipping `<script>` and `<style>`.
    pub fn text(&self, i: usize) -> String {
        self.collect_text(i, false)
    }

    /// [`Dom::text`] with a line break for every `<br>`, for the lines of a byline block.
    pub fn text_with_breaks(&self, i: usize) -> String {
        self.collect_text(i, true)
    }

    fn collect_text(&self, i: usize, breaks: bool) -> String {
        let mut out = String::new();
        for j in self.read_nodes(i) {
            match self.kind(j) {
                NodeKind::Text(t) => push_collapsed(&mut out, t),
                NodeKind::Element if breaks && self.tag(j) == "br" => out.push('\n'),
                _ => {}
            }
        }
        out.trim().to_string()
    }

    /// The nodes of `i`'s subtree, in order, without the insides of elements whose contents
    /// are never read as text (`<script>`, `<style>`…).
    fn read_nodes(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.end(i);
        let mut next = i;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let current = next;
            next = if self.kind(current) == NodeKind::Element && is_unread(self.tag(current)) {
                self.end(current)
            } else {
                current + 1
            };
            Some(current)
        })
    }

    /// Class and id of an element, lower-cased, for boilerplate and scoring heuristics.
    pub fn class_and_id(&self, i: usize) -> &str {
        let (start, end) = self.nodes[i].class_id;
        &self.class_id_text[start as usize..end as usize]
    }

    /// Commas (including the CJK and Arabic ones) in [`Dom::text`] of `i`, without building
    /// the text: collapsing white space never adds or removes a comma.
    pub fn comma_count(&self, i: usize) -> usize {
        self.read_nodes(i)
            .map(|j| match self.kind(j) {
                NodeKind::Text(t) => comma_count(t),
                _ => 0,
            })
            .sum()
    }
}

/// Every offset in a [`Dom`] is a `u32`; [`cut_to_u32`] keeps the input, and so every count
/// and offset taken from it, below that.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX - 1)
}

/// `html` cut at a character boundary below 2 GiB, so every offset fits a `u32` with room
/// to spare.
fn cut_to_u32(html: &str) -> &str {
    const LIMIT: usize = (u32::MAX / 2) as usize;
    if html.len() <= LIMIT {
        return html;
    }
    let mut end = LIMIT;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// Why [`Dom::parse_guarded`] gave a page up.
#[derive(Debug)]
enum Abandoned {
    TooDeep,
    TooWide,
}

/// The document node's place in the parser's arena.
const ROOT: u32 = 0;

/// A node of the tree while the parser builds it: links that the parser may rearrange.
#[derive(Debug)]
struct Linked {
    /// Elements above this node when it was attached (not updated when an ancestor moves:
    /// it only has to notice runaway nesting).
    depth: u32,
    parent: u32,
    first: u32,
    last: u32,
    prev: u32,
    next: u32,
    data: Data,
}

#[derive(Debug)]
enum Data {
    Document,
    /// The name, and where the attributes are in [`Attributes::list`].
    Element(QualName, (u32, u32)),
    Text(StrTendril),
    Other,
}

/// Attribute names with the span of each value in `text`.
#[derive(Debug, Default)]
struct Attributes {
    list: Vec<(LocalName, (u32, u32))>,
    text: String,
}

impl Attributes {
    /// Appends `attrs` and `also` (each name once, the first wins), skipping namespaced
    /// attributes (`xlink:href`), which a page never declares anything in; returns their span.
    fn push<'a>(
        &mut self,
        attrs: impl Iterator<Item = (&'a LocalName, &'a str)>,
        also: &[Attribute],
    ) -> (u32, u32) {
        let start = self.list.len();
        for (name, value) in attrs {
            self.add(start, name, value);
        }
        for a in also
            .iter()
            .filter(|a| a.name.prefix.is_none() && a.name.ns.is_empty())
        {
            self.add(start, &a.name.local, &a.value);
        }
        (to_u32(start), to_u32(self.list.len()))
    }

    /// Adds one attribute to the element whose list starts at `start`, unless it has it.
    fn add(&mut self, start: usize, name: &LocalName, value: &str) {
        if self.list[start..].iter().any(|(n, _)| n == name) {
            return;
        }
        let from = self.text.len();
        self.text.push_str(value);
        self.list
            .push((name.clone(), (to_u32(from), to_u32(self.text.len()))));
    }

    fn of(&self, span: (u32, u32)) -> impl Iterator<Item = (&LocalName, &str)> {
        self.list[span.0 as usize..span.1 as usize]
            .iter()
            .map(|(n, (from, to))| (n, &self.text[*from as usize..*to as usize]))
    }
}

/// The tree the parser writes into: an arena of [`Linked`] nodes addressed by index.
struct Sink {
    arena: RefCell<Arena>,
    /// Each `<template>`'s contents node.
    templates: RefCell<HashMap<u32, u32>>,
    /// Deepest nesting allowed before [`Sink::too_deep`] is raised.
    max_depth: u32,
    too_deep: Cell<bool>,
    /// Most attributes of one element before [`Sink::too_wide`] is raised.
    max_attributes: usize,
    too_wide: Cell<bool>,
    /// Nodes and pieces of text the parser has handed over so far.
    progress: Cell<u64>,
}

struct Arena {
    nodes: Vec<Linked>,
    /// Every element's attributes, taken out of the parser's own values as each element is
    /// created: one list and one string rather than a vector and a buffer per attribute.
    attributes: Attributes,
    /// What [`TreeSink::elem_name`] answers for a node that is not an element (the parser
    /// never asks, but the answer must not be a panic).
    no_name: QualName,
}

impl Default for Sink {
    fn default() -> Self {
        Sink {
            arena: RefCell::new(Arena {
                nodes: vec![Linked::new(Data::Document)],
                attributes: Attributes::default(),
                no_name: QualName::new(None, html5ever::ns!(), html5ever::local_name!("")),
            }),
            templates: RefCell::new(HashMap::new()),
            max_depth: u32::MAX,
            too_deep: Cell::new(false),
            max_attributes: usize::MAX,
            too_wide: Cell::new(false),
            progress: Cell::new(0),
        }
    }
}

impl Linked {
    fn new(data: Data) -> Self {
        Linked {
            depth: 0,
            parent: NONE,
            first: NONE,
            last: NONE,
            prev: NONE,
            next: NONE,
            data,
        }
    }
}

impl Sink {
    fn create(&self, data: Data) -> u32 {
        self.note_progress();
        let nodes = &mut self.arena.borrow_mut().nodes;
        nodes.push(Linked::new(data));
        to_u32(nodes.len() - 1)
    }

    fn detach(nodes: &mut [Linked], node: u32) {
        let n = &nodes[node as usize];
        let (parent, prev, next) = (n.parent, n.prev, n.next);
        if parent == NONE {
            return;
        }
        if prev != NONE {
            nodes[prev as usize].next = next;
        } else {
            nodes[parent as usize].first = next;
        }
        if next != NONE {
            nodes[next as usize].prev = prev;
        } else {
            nodes[parent as usize].last = prev;
        }
        let n = &mut nodes[node as usize];
        n.parent = NONE;
        n.prev = NONE;
        n.next = NONE;
    }

    /// Returns the child's depth.
    fn append_child(nodes: &mut [Linked], parent: u32, child: u32) -> u32 {
        Sink::detach(nodes, child);
        let last = nodes[parent as usize].last;
        if last != NONE {
            nodes[last as usize].next = child;
        } else {
            nodes[parent as usize].first = child;
        }
        nodes[parent as usize].last = child;
        let depth = nodes[parent as usize].depth + 1;
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = last;
        c.depth = depth;
        depth
    }

    /// Returns the child's depth.
    fn insert_before(nodes: &mut [Linked], sibling: u32, child: u32) -> u32 {
        Sink::detach(nodes, child);
        let (parent, prev) = (nodes[sibling as usize].parent, nodes[sibling as usize].prev);
        if prev != NONE {
            nodes[prev as usize].next = child;
        } else {
            nodes[parent as usize].first = child;
        }
        nodes[sibling as usize].prev = child;
        let depth = nodes[sibling as usize].depth;
        let c = &mut nodes[child as usize];
        c.parent = parent;
        c.prev = prev;
        c.next = sibling;
        c.depth = depth;
        depth
    }

    /// A stylesheet or a program: its text is never read, so it is not kept. JSON data
    /// (`application/ld+json`) is read for the page's metadata and stays.
    fn is_code(&self, node: u32) -> bool {
        let arena = self.arena.borrow();
        let Data::Element(name, span) = &arena.nodes[node as usize].data else {
            return false;
        };
        match &*name.local {
            "style" => true,
            "script" => !arena
                .attributes
                .of(*span)
                .any(|(n, v)| &**n == "type" && v.to_ascii_lowercase().contains("json")),
            _ => false,
        }
    }

    fn note_progress(&self) {
        self.progress.set(self.progress.get() + 1);
    }

    fn note_depth(&self, depth: u32) {
        if depth > self.max_depth {
            self.too_deep.set(true);
        }
    }

    /// Adds `text` to the text node `node`, if it is one.
    fn merge_text(nodes: &mut [Linked], node: u32, text: &StrTendril) -> bool {
        if node == NONE {
            return false;
        }
        match &mut nodes[node as usize].data {
            Data::Text(t) => {
                t.push_tendril(text);
                true
            }
            _ => false,
        }
    }
}

impl TreeSink for Sink {
    type Handle = u32;
    type Output = Arena;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Arena {
        self.arena.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        ROOT
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.arena.borrow(), |arena| {
            match arena.nodes.get(*target as usize).map(|n| &n.data) {
                Some(Data::Element(name, _)) => name,
                _ => &arena.no_name,
            }
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> u32 {
        if attrs.len() > self.max_attributes {
            self.too_wide.set(true);
        }
        let span = self
            .arena
            .borrow_mut()
            .attributes
            .push(std::iter::empty(), &attrs);
        let element = self.create(Data::Element(name, span));
        if flags.template {
            let contents = self.create(Data::Other);
            Sink::append_child(&mut self.arena.borrow_mut().nodes, element, contents);
            self.templates.borrow_mut().insert(element, contents);
        }
        element
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.create(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.create(Data::Other)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        match child {
            NodeOrText::AppendNode(node) => {
                let depth = Sink::append_child(&mut self.arena.borrow_mut().nodes, *parent, node);
                self.note_depth(depth);
            }
            NodeOrText::AppendText(text) => {
                self.note_progress();
                if self.is_code(*parent) {
                    return;
                }
                let last = self.arena.borrow().nodes[*parent as usize].last;
                if !Sink::merge_text(&mut self.arena.borrow_mut().nodes, last, &text) {
                    let node = self.create(Data::Text(text));
                    Sink::append_child(&mut self.arena.borrow_mut().nodes, *parent, node);
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev: &u32, child: NodeOrText<u32>) {
        if self.arena.borrow().nodes[*element as usize].parent != NONE {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public: StrTendril,
        _system: StrTendril,
    ) {
        let doctype = self.create(Data::Other);
        Sink::append_child(&mut self.arena.borrow_mut().nodes, ROOT, doctype);
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        self.templates
            .borrow()
            .get(target)
            .copied()
            .unwrap_or(*target)
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let sibling = *sibling;
        let node = match new_node {
            NodeOrText::AppendNode(node) => {
                Sink::detach(&mut self.arena.borrow_mut().nodes, node);
                node
            }
            NodeOrText::AppendText(text) => {
                self.note_progress();
                let prev = self.arena.borrow().nodes[sibling as usize].prev;
                if self.arena.borrow().nodes[sibling as usize].parent == NONE
                    || Sink::merge_text(&mut self.arena.borrow_mut().nodes, prev, &text)
                {
                    return;
                }
                self.create(Data::Text(text))
            }
        };
        if self.arena.borrow().nodes[sibling as usize].parent != NONE {
            let depth = Sink::insert_before(&mut self.arena.borrow_mut().nodes, sibling, node);
            self.note_depth(depth);
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let arena = &mut *self.arena.borrow_mut();
        if let Data::Element(_, span) = &mut arena.nodes[*target as usize].data {
            // The element's attributes are copied to the end with the new ones after them
            // (only `<html>` and `<body>` ever get more, once or twice a page).
            let existing: Vec<(LocalName, String)> = arena
                .attributes
                .of(*span)
                .map(|(n, v)| (n.clone(), v.to_string()))
                .collect();
            *span = arena
                .attributes
                .push(existing.iter().map(|(n, v)| (n, v.as_str())), &attrs);
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        Sink::detach(&mut self.arena.borrow_mut().nodes, *target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let nodes = &mut self.arena.borrow_mut().nodes;
        let mut child = nodes[*node as usize].first;
        while child != NONE {
            let next = nodes[child as usize].next;
            Sink::append_child(nodes, *new_parent, child);
            child = next;
        }
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
        let dom = Dom::parse("<div id=a><p>x <b>y</b></p><p>z</p></div>");
        let div = dom.elements_named("div").next().unwrap();
        let ps: Vec<usize> = dom.children(div).collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(dom.text(div), "x yz");
        assert_eq!(dom.text(ps[0]), "x y");
        assert_eq!(dom.parent(ps[1]), Some(div));
    }

    #[test]
    fn deep_nesting_is_cut_and_does_not_recurse() {
        let depth = 10_000;
        let page = format!("{}text{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let dom = Dom::parse(&page);
        // Nesting beyond the limit is dropped, the text is kept, and reading it back walks
        // the limit's depth without recursion.
        let divs = dom.elements_named("div").count();
        assert!(
            (nesting::MAX_DEPTH - 10..=nesting::MAX_DEPTH).contains(&divs),
            "{divs}"
        );
        assert_eq!(dom.text(0), "text");
    }

    #[test]
    fn wide_tags_keep_their_first_attributes() {
        let names = |n: usize| (0..n).map(|i| format!(" a{i}")).collect::<String>();
        // One piece with a wide element, and one tag spanning many pieces.
        for n in [2_000, 100_000] {
            let dom = Dom::parse(&format!("<div{}>text</div><p id=x>after</p>", names(n)));
            let div = dom.elements_named("div").next().unwrap();
            let last = format!("a{}", nesting::MAX_ATTRIBUTES - 1);
            assert!(dom.attr(div, &last).is_some(), "{n}");
            assert!(dom
                .attr(div, &format!("a{}", nesting::MAX_ATTRIBUTES))
                .is_none());
            let p = dom.elements_named("p").next().unwrap();
            assert_eq!(
                (dom.text(0).as_str(), dom.attr(p, "id")),
                ("textafter", Some("x"))
            );
        }
        // A comment longer than a piece costs a second pass, not a different document.
        let comment = format!("<!--{}-->", "x".repeat(3 * PARSE_PIECE));
        let page = format!("<p class=a>one</p>{comment}<p>two</p>");
        let dom = Dom::parse(&page);
        assert_eq!(dom.text(0), "onetwo");
        let unguarded = Dom::parse_guarded(&page, false, false).unwrap();
        assert_eq!(dom.len(), unguarded.len());
        // Both too deep and too wide: both cuts.
        let depth = nesting::MAX_DEPTH + 1_000;
        let page = format!(
            "{}<p{}>deep</p>{}",
            "<div>".repeat(depth),
            names(50_000),
            "</div>".repeat(depth)
        );
        let dom = Dom::parse(&page);
        let p = dom.elements_named("p").next().unwrap();
        assert!(dom.attr(p, "a999").is_some() && dom.attr(p, "a1000").is_none());
        assert!(dom.elements_named("div").count() <= nesting::MAX_DEPTH);
        assert_eq!(dom.text(0), "deep");
    }

    #[test]
    fn nesting_within_the_limit_is_kept_whole() {
        let depth = nesting::MAX_DEPTH - 100;
        let page = format!("{}text{}", "<div>".repeat(depth), "</div>".repeat(depth));
        assert_eq!(Dom::parse(&page).elements_named("div").count(), depth);
    }
}
