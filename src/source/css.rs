//! CSS selectors matched on our own document. A listing's page is parsed once, by the
//! parser every other stage reads ([`Dom`]); `scraper` only lends its selector grammar
//! (`selectors`' `Simple` implementation), not a second HTML tree.
//!
//! The document records no namespaces, so every element counts as HTML: an `svg|rect`
//! selector matches nothing, a plain `rect` matches the SVG element, as in most pages'
//! selectors anyway.

use html5ever::{ns, Namespace};
use scraper::error::SelectorErrorKind;
use scraper::selector::{CssLocalName, CssString, NonTSPseudoClass, Parser, PseudoElement, Simple};
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::matching::{
    self, MatchingContext, MatchingForInvalidation, MatchingMode, NeedsSelectorFlags, QuirksMode,
    SelectorCaches,
};
use selectors::parser::{ParseRelative, SelectorList};
use selectors::{Element, OpaqueElement};

use crate::extract::dom::Dom;

/// A parsed selector group (`a.title, h2 > a`).
#[derive(Debug, Clone)]
pub struct Css {
    list: SelectorList<Simple>,
}

impl Css {
    pub fn parse(text: &str) -> Result<Css, SelectorErrorKind> {
        let mut parser = cssparser::Parser::new(text);
        SelectorList::parse(&Parser, &mut parser, ParseRelative::No)
            .map(|list| Css { list })
            .map_err(SelectorErrorKind::from)
    }

    /// The elements that match, in document order: those below `scope` (which `:scope`
    /// then names), or in the whole document when `scope` is `None`.
    pub fn select(&self, dom: &Dom, scope: Option<usize>) -> Vec<usize> {
        let range = match scope {
            Some(s) => s + 1..dom.end(s),
            None => 0..dom.len(),
        };
        let mut caches = SelectorCaches::default();
        let mut context = MatchingContext::new(
            MatchingMode::Normal,
            None,
            &mut caches,
            QuirksMode::NoQuirks,
            NeedsSelectorFlags::No,
            MatchingForInvalidation::No,
        );
        context.scope_element = scope.map(|i| Node { dom, i }.opaque());
        range
            .filter(|&i| dom.is_element(i))
            .filter(|&i| {
                let node = Node { dom, i };
                self.list
                    .slice()
                    .iter()
                    .any(|s| matching::matches_selector(s, 0, None, &node, &mut context))
            })
            .collect()
    }

    /// The first match below `scope` (see [`Css::select`]).
    pub fn first(&self, dom: &Dom, scope: usize) -> Option<usize> {
        self.select(dom, Some(scope)).into_iter().next()
    }
}

/// An element of the document, as `selectors` sees it.
#[derive(Clone, Copy)]
struct Node<'d> {
    dom: &'d Dom,
    i: usize,
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}> #{}", self.dom.tag(self.i), self.i)
    }
}

impl<'d> Node<'d> {
    fn at(&self, i: usize) -> Node<'d> {
        Node { dom: self.dom, i }
    }

    /// The next element among `from..end`, stepping over whole subtrees (siblings).
    fn element_from(&self, mut from: usize, end: usize) -> Option<Node<'d>> {
        while from < end {
            if self.dom.is_element(from) {
                return Some(self.at(from));
            }
            from = self.dom.end(from);
        }
        None
    }
}

impl Element for Node<'_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.dom.identity(self.i))
    }

    fn parent_element(&self) -> Option<Self> {
        self.dom
            .parent(self.i)
            .filter(|&p| self.dom.is_element(p))
            .map(|p| self.at(p))
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        let parent = self.dom.parent(self.i)?;
        self.dom
            .children(parent)
            .take_while(|&c| c != self.i)
            .filter(|&c| self.dom.is_element(c))
            .last()
            .map(|c| self.at(c))
    }

    fn next_sibling_element(&self) -> Option<Self> {
        let parent_end = self
            .dom
            .parent(self.i)
            .map_or(self.dom.len(), |p| self.dom.end(p));
        self.element_from(self.dom.end(self.i), parent_end)
    }

    fn first_element_child(&self) -> Option<Self> {
        self.element_from(self.i + 1, self.dom.end(self.i))
    }

    fn is_html_element_in_html_document(&self) -> bool {
        true
    }

    fn has_local_name(&self, name: &CssLocalName) -> bool {
        self.dom.tag(self.i) == &*name.0
    }

    fn has_namespace(&self, namespace: &Namespace) -> bool {
        *namespace == ns!(html)
    }

    fn is_same_type(&self, other: &Self) -> bool {
        self.dom.tag(self.i) == other.dom.tag(other.i)
    }

    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&Namespace>,
        local_name: &CssLocalName,
        operation: &AttrSelectorOperation<&CssString>,
    ) -> bool {
        // Attributes of HTML elements have no namespace.
        if matches!(ns, NamespaceConstraint::Specific(url) if **url != ns!()) {
            return false;
        }
        self.dom
            .attr(self.i, &local_name.0)
            .is_some_and(|value| operation.eval_str(value))
    }

    fn match_non_ts_pseudo_class(
        &self,
        pc: &NonTSPseudoClass,
        _context: &mut MatchingContext<'_, Self::Impl>,
    ) -> bool {
        match *pc {}
    }

    fn match_pseudo_element(
        &self,
        pe: &PseudoElement,
        _context: &mut MatchingContext<'_, Self::Impl>,
    ) -> bool {
        match *pe {}
    }

    fn apply_selector_flags(&self, _flags: matching::ElementSelectorFlags) {}

    fn is_link(&self) -> bool {
        matches!(self.dom.tag(self.i), "a" | "area" | "link")
            && self.dom.attr(self.i, "href").is_some()
    }

    fn is_html_slot_element(&self) -> bool {
        self.dom.tag(self.i) == "slot"
    }

    fn has_id(&self, id: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.dom
            .attr(self.i, "id")
            .is_some_and(|own| case_sensitivity.eq(own.as_bytes(), id.0.as_bytes()))
    }

    fn has_class(&self, name: &CssLocalName, case_sensitivity: CaseSensitivity) -> bool {
        self.dom
            .classes(self.i)
            .any(|c| case_sensitivity.eq(c.as_bytes(), name.0.as_bytes()))
    }

    fn has_custom_state(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn imported_part(&self, _name: &CssLocalName) -> Option<CssLocalName> {
        None
    }

    fn is_part(&self, _name: &CssLocalName) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        !self.dom.children(self.i).any(|c| {
            self.dom.is_element(c)
                || matches!(self.dom.kind(c), crate::extract::dom::NodeKind::Text(_))
        })
    }

    fn is_root(&self) -> bool {
        self.dom
            .parent(self.i)
            .is_some_and(|p| !self.dom.is_element(p))
    }

    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(dom: &Dom, found: &[usize]) -> Vec<String> {
        found
            .iter()
            .map(|&i| match dom.attr(i, "id") {
                Some(id) => format!("{}#{id}", dom.tag(i)),
                None => dom.tag(i).to_string(),
            })
            .collect()
    }

    #[test]
    fn selectors_match_as_in_a_browser() {
        let dom = Dom::parse(
            "<html><body><main id=m><article class='card Big'><h2><a id=a1 href=/1>One</a></h2>\
             <p></p></article><article class=card><h2 id=h>Two</h2><a id=a2 href=/2>x</a>\
             </article><div class=card data-kind=ad><a id=a3>no href</a></div></main></body></html>",
        );
        let css = |s: &str| Css::parse(s).unwrap();
        assert_eq!(
            tags(&dom, &css("article.card").select(&dom, None)),
            ["article", "article"]
        );
        assert_eq!(tags(&dom, &css(".Big").select(&dom, None)), ["article"]);
        assert!(
            css(".big").select(&dom, None).is_empty(),
            "classes are case-sensitive"
        );
        assert_eq!(
            tags(&dom, &css("main > div[data-kind=ad] a").select(&dom, None)),
            ["a#a3"]
        );
        assert_eq!(
            tags(&dom, &css("h2 + a, p:empty").select(&dom, None)),
            ["p", "a#a2"]
        );
        assert_eq!(
            tags(&dom, &css("article:nth-of-type(2) h2").select(&dom, None)),
            ["h2#h"]
        );
        assert_eq!(
            tags(&dom, &css("a[href^=\"/\"]").select(&dom, None)),
            ["a#a1", "a#a2"]
        );
        assert_eq!(tags(&dom, &css("html:root").select(&dom, None)), ["html"]);
        let second = css("article").select(&dom, None)[1];
        assert_eq!(
            tags(&dom, &[css("a").first(&dom, second).unwrap()]),
            ["a#a2"]
        );
        assert_eq!(
            tags(&dom, &css(":scope > h2").select(&dom, Some(second))),
            ["h2#h"]
        );
        assert!(
            css("article").first(&dom, second).is_none(),
            "only below the scope"
        );
        assert!(Css::parse("a[").is_err());
    }
}
