//! The article's writers: declared ones, byline markup, a byline near the headline, or a
//! signature at the end of the body; and the cleaning every byline goes through.

use super::dom::Dom;
use super::headline::around_headline;
use super::render::Body;
use super::words::{
    AUTHOR_SEPARATORS, BYLINE_CLASS_WORDS, BYLINE_PREFIXES, BYLINE_WORDS, CREDIT_LABELS,
    INLINE_BYLINE_WORDS, JOB_PHRASES, JOB_WORDS, NAME_PARTICLES, PICTURE_WORDS,
};

/// The writers: declared ones, unless they only stand in for a writer (the publication's
/// own name, a bare job title such as "Biên tập viên"), in which case a byline near the
/// headline or a signature at the end of the text names them, if the page has one. Takes
/// the declared writers and site name rather than all the page declares, since
/// `metadata` uses this module to clean the bylines it reads.
pub(crate) fn choose_authors(
    dom: &Dom,
    declared_authors: &[String],
    site_name: Option<&str>,
    headline: Option<usize>,
    roots: Option<&[usize]>,
    body: &Body,
) -> Vec<String> {
    let mut authors = declared_authors.to_vec();
    // A job title beside the writers' names ("Kontributor Semarang, Ardianto Wibisono").
    if authors.iter().any(|a| !names_a_job(a)) {
        authors.retain(|a| !names_a_job(a));
    }
    let site = site_name.map(str::trim);
    let stand_in =
        |a: &String| site.is_some_and(|s| a.trim().eq_ignore_ascii_case(s)) || is_job_title(a);
    if !authors.iter().all(stand_in) {
        return authors;
    }
    let mut found = headline.map(|h| byline_near(dom, h)).unwrap_or_default();
    if found.is_empty() {
        found = trailing_byline(dom, roots.unwrap_or(&[]), body);
    }
    if found.is_empty() {
        authors
    } else {
        found
    }
}

/// The author's signature at the end of the body, a convention of Vietnamese, Indonesian
/// and many local news sites: an upper-case name alone ("KHANH MINH"), a short bold or
/// right-aligned name as the last paragraph, or a labelled credit line ("Pewarta: X",
/// "Reporter: X"; "Editor: Y" is not the author).
fn trailing_byline(dom: &Dom, roots: &[usize], body: &Body) -> Vec<String> {
    for block in body.blocks.iter().rev().take(3) {
        let candidate = block
            .trim()
            .trim_matches(|c: char| matches!(c, '(' | ')' | '-' | '–' | '—' | ' '));
        let letters: Vec<char> = candidate.chars().filter(|c| c.is_alphabetic()).collect();
        let words = candidate.split_whitespace().count();
        let signature = letters.len() >= 3
            && letters.iter().all(|c| c.is_uppercase())
            && (1..=5).contains(&words)
            && candidate.chars().count() <= 50
            && !candidate.chars().any(|c| c.is_ascii_digit());
        if signature {
            return split_authors(candidate);
        }
        if let Some(names) = credit_line(block) {
            return names;
        }
    }
    let mut paragraphs = roots
        .iter()
        .flat_map(|&r| r..dom.end(r))
        .filter(|&i| dom.tag(i) == "p");
    let mut last = Vec::new();
    while let Some(p) = paragraphs.next_back() {
        if !dom.text(p).is_empty() {
            last.push(p);
        }
        if last.len() == 2 {
            break;
        }
    }
    for p in last {
        let text = dom.text(p);
        if !is_person_name(&text) {
            continue;
        }
        let style = dom
            .attr(p, "style")
            .unwrap_or("")
            .to_ascii_lowercase()
            .replace(' ', "");
        let right = style.contains("text-align:right")
            || dom
                .attr(p, "align")
                .is_some_and(|a| a.eq_ignore_ascii_case("right"));
        let bold = (p + 1..dom.end(p))
            .any(|i| matches!(dom.tag(i), "strong" | "b") && dom.text(i) == text);
        if right || bold {
            return split_authors(&text);
        }
    }
    Vec::new()
}

/// The names on a credit line such as "Pewarta: Ricky Prayoga\nEditor: Budi Suyanto".
fn credit_line(block: &str) -> Option<Vec<String>> {
    for line in block.lines() {
        let line = line.trim();
        let lower = line.to_lowercase();
        let Some(label) = CREDIT_LABELS.iter().find(|l| {
            lower.starts_with(*l) && lower[l.len()..].trim_start().starts_with([':', '：'])
        }) else {
            continue;
        };
        let rest = line[label.len()..]
            .trim_start()
            .trim_start_matches([':', '：'])
            .trim();
        // Up to the next label ("… Editor: …") or the end of the line.
        let mut taken = Vec::new();
        for word in rest.split_whitespace() {
            if word.ends_with([':', '：']) || word == "©" || taken.len() == 6 {
                break;
            }
            taken.push(word);
        }
        let name = taken.join(" ");
        let names = split_authors(&name);
        if !names.is_empty() && names.iter().all(|n| is_person_name(n)) {
            return Some(names);
        }
    }
    None
}

/// Names from byline markup: `rel=author`, `itemprop=author`, and short elements whose class
/// says author or byline (in any of [`BYLINE_CLASS_WORDS`]). Inside such an element, the
/// innermost name element (`itemprop=name`, `.fn`, `a[rel=author]`) is the name, not the
/// wrapper's "Posted by" text.
pub(crate) fn byline_markup(dom: &Dom) -> Vec<String> {
    let marked = |i: usize| {
        if !dom.is_element(i) {
            return false;
        }
        dom.attr(i, "rel")
            .is_some_and(|r| r.split_whitespace().any(|t| t == "author"))
            || dom.attr(i, "itemprop").is_some_and(|p| p == "author")
            || {
                let ci = dom.class_and_id(i);
                BYLINE_CLASS_WORDS.iter().any(|w| ci.contains(w))
                    && !ci.contains("comment")
                    && !matches!(dom.tag(i), "body" | "article" | "main" | "html" | "meta")
            }
    };
    // A marked wrapper ("firma", "c-signature") around the marked name and a place or
    // date: the inner one is read instead.
    let innermost =
        |i: usize| marked(i) && !(i + 1..dom.end(i)).any(|j| marked(j) && !dom.text(j).is_empty());
    let Some((first, mut names)) = (0..dom.len())
        .filter(|&i| innermost(i))
        .find_map(|i| Some((i, marked_names(dom, i))).filter(|(_, n)| !n.is_empty()))
    else {
        return Vec::new();
    };
    // Several writers, each marked on their own ("Von <a rel=author>A</a>, <a>B</a> und
    // <a>C</a>"): the rest are in the same short byline.
    if let Some(byline) = dom
        .parent(first)
        .filter(|&p| dom.text(p).chars().count() <= 200)
    {
        // Marked the same way as the first: not the place or time beside the names.
        let alike = |j: usize| {
            dom.tag(j) == dom.tag(first) && dom.attr(j, "class") == dom.attr(first, "class")
        };
        for j in (first + 1..dom.end(byline)).filter(|&j| alike(j) && innermost(j)) {
            for name in marked_names(dom, j) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

/// The names a byline element holds: its name elements' text, else its own short text.
fn marked_names(dom: &Dom, i: usize) -> Vec<String> {
    let inner = name_elements(dom, i);
    let names: Vec<String> = inner
        .iter()
        .flat_map(|&n| split_authors(&dom.text(n)))
        .collect();
    if !names.is_empty() {
        return names;
    }
    let text = dom.text(i);
    let chars = text.chars().count();
    if chars > 2 && chars <= 100 {
        split_authors(&text)
    } else {
        Vec::new()
    }
}

/// The outermost name elements inside `i` (`itemprop=name`, class `fn`, `rel=author`) that
/// have text.
fn name_elements(dom: &Dom, i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut j = i + 1;
    let end = dom.end(i);
    while j < end {
        if !dom.is_element(j) {
            j += 1;
            continue;
        }
        let is_name = dom.attr(j, "itemprop") == Some("name")
            || dom.classes(j).any(|c| c == "fn")
            || dom
                .attr(j, "rel")
                .is_some_and(|r| r.split_whitespace().any(|t| t == "author"));
        if is_name && !dom.text(j).is_empty() {
            out.push(j);
            j = dom.end(j);
        } else {
            j += 1;
        }
    }
    out
}

/// A byline that no markup names: near the headline (above or below it), a short element
/// with at most two links whose text opens with a byline word, or a date line that says
/// "… by Name" ("Posted on July 12, 2024 by Lars Becker"). Only person-like names count.
fn byline_near(dom: &Dom, headline: usize) -> Vec<String> {
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for i in around_headline(dom, headline) {
        if i.abs_diff(headline) > 150
            || matches!(
                dom.tag(i),
                "script" | "style" | "h1" | "h2" | "a" | "li" | "ul"
            )
            || dom.end(i) - i > 20
        {
            continue;
        }
        let links = (i..dom.end(i)).filter(|&j| dom.tag(j) == "a").count();
        let text = dom.text(i);
        let chars = text.chars().count();
        if links <= 2 && (3..=120).contains(&chars) {
            candidates.push((i, text));
        }
    }
    // Innermost first: a wrapper that holds a byline and a date is a worse reading.
    let nested = |i: usize| {
        candidates
            .iter()
            .any(|&(j, ref t)| j > i && j < dom.end(i) && opens_with_byline_word(t))
    };
    for (i, text) in &candidates {
        if opens_with_byline_word(text) && !nested(*i) {
            // "By A and B<br>Monday, November 18, 2019": the names end at the line break.
            let lines = dom.text_with_breaks(*i);
            let line = lines
                .lines()
                .find(|l| opens_with_byline_word(l))
                .unwrap_or(text);
            let names = split_authors(line);
            if !names.is_empty() && names.iter().all(|n| is_person_name(n)) {
                return names;
            }
        }
    }
    for (_, text) in &candidates {
        if let Some(names) = inline_byline(text) {
            return names;
        }
    }
    Vec::new()
}

fn opens_with_byline_word(text: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    BYLINE_WORDS
        .iter()
        .any(|w| lower.starts_with(w) && lower[w.len()..].starts_with([' ', ':', '：', '\u{a0}']))
}

/// "Posted 2024-07-12 10:15 by Lars Becker · #rust": a date line naming its writer.
fn inline_byline(text: &str) -> Option<Vec<String>> {
    if !text.chars().any(|c| c.is_ascii_digit()) || text.len() != text.to_lowercase().len() {
        return None;
    }
    let lower = text.to_lowercase();
    let pos = INLINE_BYLINE_WORDS
        .iter()
        .filter_map(|w| lower.find(w).map(|p| (p, w.len())))
        .min()?;
    if PICTURE_WORDS.iter().any(|w| lower[..pos.0].contains(w)) {
        return None;
    }
    let after = &text[pos.0 + pos.1..];
    let end = after
        .find(['·', '|', '•', ',', '–', '—', '(', '\n', '#'])
        .unwrap_or(after.len());
    let name = after[..end].trim();
    (is_person_name(name) && name.split_whitespace().count() >= 2)
        .then(|| split_authors(name))
        .filter(|n| !n.is_empty())
}

/// A job, a desk or an agency rather than a person: "Kontributor Semarang", "Biên tập viên",
/// "Post Staff".
fn names_a_job(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| JOB_WORDS.contains(&w))
        || JOB_PHRASES.iter().any(|p| lower.contains(p))
}

/// Only a job title: "Biên tập viên", "Staff", "Editor".
fn is_job_title(name: &str) -> bool {
    let lower = name.to_lowercase();
    JOB_PHRASES.iter().any(|p| lower.contains(p))
        || lower
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .all(|w| JOB_WORDS.contains(&w))
}

/// Whether `name` reads as a person's name: two to five words, each capitalised (or in a
/// script without case), no digits, no sentence punctuation; a single word only in scripts
/// without case, where names are often written without spaces.
fn is_person_name(name: &str) -> bool {
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    if name.is_empty()
        || name.chars().count() > 50
        || name
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, '!' | '?' | ':' | '@' | '"' | '«' | '»'))
    {
        return false;
    }
    if names_a_job(name) {
        return false;
    }
    let uncased = |w: &str| w.chars().all(|c| !c.is_lowercase() && !c.is_uppercase());
    match words.len() {
        1 => uncased(words[0]) && words[0].chars().count() >= 2,
        2..=5 => words.iter().all(|w| {
            let first = w.chars().next().unwrap_or(' ');
            first.is_uppercase()
                || uncased(w)
                || NAME_PARTICLES.contains(&w.to_lowercase().as_str())
        }),
        _ => false,
    }
}

/// Splits a byline into clean author names: no "By" or "Author:", one name per author,
/// all-caps names title-cased, and things that are not names (URLs, e-mails, dates) dropped.
/// Commas separate authors only where every part is a person's name: in
/// "Von Anna Schmidt, Berlin" or "Por Ana Souza, g1 SP" the city and the desk are dropped.
pub(crate) fn split_authors(byline: &str) -> Vec<String> {
    if byline.trim_start().starts_with("http") {
        return Vec::new();
    }
    let mut text = byline.split_whitespace().collect::<Vec<_>>().join(" ");
    loop {
        let lower = text.to_lowercase();
        if lower.len() != text.len() {
            break;
        }
        let prefix = BYLINE_PREFIXES.iter().find(|p| {
            lower.starts_with(*p) && lower[p.len()..].starts_with([' ', ':', '\u{a0}', '：'])
        });
        match prefix {
            Some(p) => {
                text = text[p.len()..]
                    .trim_start_matches([' ', ':', '：', '\u{a0}'])
                    .to_string();
            }
            None => break,
        }
    }
    // "Analysis by Chris Cillizza": a kind of piece, then the byline word.
    let lower = text.to_lowercase();
    if lower.len() == text.len() {
        if let Some(p) = INLINE_BYLINE_WORDS
            .iter()
            .filter_map(|w| lower.find(w).map(|p| p + w.len()))
            .min()
        {
            let before = &text[..p];
            if before.split_whitespace().count() <= 3
                && before.chars().next().is_some_and(char::is_uppercase)
            {
                text = text[p..].trim().to_string();
            }
        }
    }
    let comma_parts: Vec<String> = text
        .split([',', ';'])
        .map(|p| p.trim().to_string())
        .collect();
    let mut parts = if comma_parts.len() > 1 {
        let person = |p: &String| {
            split_on_and(p)
                .iter()
                .all(|n| is_person_name(n) && n.split_whitespace().count() >= 2)
        };
        if comma_parts.iter().all(person) {
            comma_parts
        } else {
            let kept: Vec<String> = comma_parts.iter().filter(|p| person(p)).cloned().collect();
            if kept.is_empty() {
                comma_parts.into_iter().take(1).collect()
            } else {
                kept
            }
        }
    } else {
        comma_parts
    };
    for sep in ["|", "/"].iter().chain(AUTHOR_SEPARATORS.iter()) {
        parts = parts
            .iter()
            .flat_map(|p| {
                if sep.starts_with(' ') {
                    split_case_insensitive(p, sep)
                } else {
                    p.split(*sep).map(str::to_string).collect()
                }
            })
            .collect();
    }
    let mut names: Vec<String> = Vec::new();
    for part in parts {
        let name = part
            .trim()
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')' && c != '(')
            .trim();
        if is_plausible_name(name) {
            let name = title_case_if_shouting(name);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn split_on_and(text: &str) -> Vec<String> {
    let mut parts = vec![text.to_string()];
    for sep in AUTHOR_SEPARATORS {
        parts = parts
            .iter()
            .flat_map(|p| split_case_insensitive(p, sep))
            .collect();
    }
    parts.into_iter().map(|p| p.trim().to_string()).collect()
}

fn split_case_insensitive(text: &str, sep: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(sep) {
        out.push(text[from..from + pos].to_string());
        from += pos + sep.len();
    }
    out.push(text[from..].to_string());
    out
}

fn is_plausible_name(name: &str) -> bool {
    let words = name.split_whitespace().count();
    let chars = name.chars().count();
    (2..=60).contains(&chars)
        && (1..=6).contains(&words)
        && !name.contains("://")
        && !name.contains('@')
        && name.chars().filter(|c| c.is_ascii_digit()).count() < 2
        && name.chars().any(char::is_alphabetic)
}

/// "KHANH MINH" → "Khanh Minh"; mixed-case names are left as their owners write them.
fn title_case_if_shouting(name: &str) -> String {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() > 1 && letters.iter().all(|c| c.is_uppercase());
    if !shouting {
        return name.to_string();
    }
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;
    use crate::extract::metadata::{read, Declared};
    use crate::extract::test_pages::at_fetch;
    use url::Url;

    fn declared(html: &str) -> Declared {
        read(&Dom::parse(html))
    }

    #[test]
    fn signatures_at_the_end_of_the_body() {
        let para =
            "A paragraph of the article body, long enough to be chosen, with commas, and words. ";
        let html = format!(
            "<html><body><h1>Headline</h1><article><p>{}</p><p>{}</p>\
             <p style='text-align:right;'><strong>Võ Hải</strong></p></article></body></html>",
            para.repeat(3),
            para.repeat(2)
        );
        let a = extract(
            &html,
            &Url::parse("https://bao.example.vn/a").unwrap(),
            at_fetch(),
        )
        .unwrap();
        assert_eq!(a.authors, ["Võ Hải"]);
        let body = Body {
            blocks: vec![
                "Text.".into(),
                "Pewarta: Ricky Prayoga\nEditor: Budi Suyanto\nCopyright © ANTARA 2024".into(),
            ],
            ..Body::default()
        };

        assert_eq!(
            trailing_byline(&Dom::parse(""), &[], &body),
            ["Ricky Prayoga"]
        );
    }

    #[test]
    fn bylines_split_into_clean_names() {
        assert_eq!(
            split_authors("By Jane Doe and John Smith"),
            ["Jane Doe", "John Smith"]
        );
        assert_eq!(
            split_authors("Oleh: Budi Santoso, Siti Aminah"),
            ["Budi Santoso", "Siti Aminah"]
        );
        assert_eq!(split_authors("Bởi Nguyễn Văn An"), ["Nguyễn Văn An"]);
        assert_eq!(split_authors("KHANH MINH"), ["Khanh Minh"]);
        assert_eq!(
            split_authors("Von Anna Müller und Jörg Weber"),
            ["Anna Müller", "Jörg Weber"]
        );
        assert!(split_authors("https://example.org/people/jane").is_empty());
        assert_eq!(split_authors("Author: Maria Delgado"), ["Maria Delgado"]);
        assert_eq!(split_authors("Diposting oleh Bolang"), ["Bolang"]);
        assert_eq!(split_authors("文：佐藤 花子"), ["佐藤 花子"]);
        assert_eq!(split_authors("Pewarta: Ricky Prayoga"), ["Ricky Prayoga"]);
        assert_eq!(split_authors("โดย สมชาย ใจดี"), ["สมชาย ใจดี"]);
    }

    #[test]
    fn commas_split_only_between_people() {
        assert_eq!(
            split_authors("Analysis by Chris Cillizza, CNN Editor-at-large"),
            ["Chris Cillizza"]
        );
        assert_eq!(split_authors("Von Anna Schmidt, Berlin"), ["Anna Schmidt"]);
        assert_eq!(split_authors("Por Ana Souza, g1 SP"), ["Ana Souza"]);
        assert_eq!(
            split_authors("By MARK THOMPSON, LISA CHEN and DAVID PARK"),
            ["Mark Thompson", "Lisa Chen", "David Park"]
        );
        assert_eq!(
            split_authors("Egi Adyatama, Hendrik Yaputra"),
            ["Egi Adyatama", "Hendrik Yaputra"]
        );
    }

    #[test]
    fn person_names() {
        assert!(is_person_name("Ana de Souza"));
        assert!(is_person_name("Võ Hải"));
        assert!(is_person_name("สมชาย ใจดี"));
        assert!(!is_person_name("Berlin"));
        assert!(!is_person_name("g1 SP"));
        assert!(!is_person_name("the city council said"));
        assert!(!is_person_name("Read more: here"));
        assert!(!is_person_name("CNN Editor-at-large"));
    }

    #[test]
    fn bylines_near_the_headline() {
        let names = |html: &str| {
            let dom = Dom::parse(html);
            let h = dom.elements_named("h1").next().unwrap();
            byline_near(&dom, h)
        };
        assert_eq!(
            names(
                "<div><h1>Headline</h1><p class=x>Por Ana Souza, g1 SP</p><p>Body text.</p></div>"
            ),
            ["Ana Souza"]
        );
        assert_eq!(
            names("<div><p>Written by <a href=/a>Sam Okafor</a></p><h1>Headline</h1></div>"),
            ["Sam Okafor"]
        );
        assert_eq!(
            names("<div><h1>Headline</h1><p>Posted 2024-07-12 10:15 by Lars Becker · <a href=/t>#rust</a></p></div>"),
            ["Lars Becker"]
        );
        // A place after "Di" (Indonesian "in") is no byline; nor is a photo credit.
        assert!(names(
            "<div><h1>Headline</h1><p>Di Jakarta</p><p>Photo 2024 by John Smith</p></div>"
        )
        .is_empty());
    }

    #[test]
    fn byline_markup_prefers_the_name_element() {
        let d = declared(
            "<span class='post-author vcard'>Diposting oleh <span class='fn'><a rel='author' href='/p'>\
             <span itemprop='name'>Bolang</span></a></span></span>",
        );
        assert_eq!(d.authors, ["Bolang"]);
        let d = declared("<div class='nota-autor'>Por Andrea Ramírez</div>");
        assert_eq!(d.authors, ["Andrea Ramírez"]);
    }
}
