//! The article's title: the declared one or the `<h1>`, without the site's name.

use super::dom::Dom;
use super::headline::links_home;
use super::metadata::Declared;

/// The headline: declared title or `<h1>`, without the site name that `<title>` and
/// `og:title` often append ("Headline - Site", "Site | Headline").
pub(crate) fn choose_title(dom: &Dom, declared: &Declared) -> Option<String> {
    let site = declared.site_name.as_deref();
    let (home_h1s, h1s): (Vec<usize>, Vec<usize>) = dom
        .elements_named("h1")
        .take(5)
        .partition(|&h| links_home(dom, h));
    let h1s: Vec<String> = h1s
        .into_iter()
        .map(|h| dom.text(h))
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(t) = declared.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(strip_site_name(t, site, &h1s));
    }
    if let Some(html_title) = declared.html_title.as_deref() {
        let html_lower = html_title.to_lowercase();
        // A headline the theme marks as the post's own (Blogger's `h3.post-title`, schema.org
        // `headline`) beats any `<h1>`, which on many blogs is the blog's name.
        let marked = (0..dom.len())
            .filter(|&i| is_marked_headline(dom, i))
            .map(|i| dom.text(i))
            .find(|t| !t.is_empty() && html_lower.contains(&t.to_lowercase()));
        if let Some(t) = marked {
            return Some(t);
        }
        if let Some(h1) = h1s.iter().find(|h| html_lower.contains(&h.to_lowercase())) {
            return Some(h1.clone());
        }
        // "Blog Name: Post title" where the blog's name is the `<h1>` linking home.
        for h in &home_h1s {
            let name = dom.text(*h).to_lowercase();
            if !name.is_empty() && html_lower.starts_with(&name) {
                let rest = html_title
                    .get(name.len()..)
                    .unwrap_or("")
                    .trim_start_matches(|c: char| {
                        c.is_whitespace() || matches!(c, ':' | '|' | '-' | '–' | '—' | '·' | '»')
                    })
                    .trim();
                if !rest.is_empty() {
                    return Some(rest.to_string());
                }
            }
        }
        let stripped = strip_site_name(html_title, site, &h1s);
        if !stripped.is_empty() {
            return Some(stripped);
        }
    }
    h1s.into_iter().next()
}

const TITLE_SEPARATORS: [&str; 9] = [
    " - ", " | ", " – ", " — ", " · ", " :: ", " » ", " / ", "｜",
];

/// Elements a theme marks as the post's headline.
fn is_marked_headline(dom: &Dom, i: usize) -> bool {
    if !matches!(dom.tag(i), "h1" | "h2" | "h3" | "h4" | "div" | "span") {
        return false;
    }
    dom.attr(i, "itemprop") == Some("headline")
        || dom.classes(i).any(|c| {
            matches!(
                c.to_ascii_lowercase().as_str(),
                "entry-title" | "post-title" | "article-title"
            )
        })
}

fn strip_site_name(title: &str, site: Option<&str>, h1s: &[String]) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if h1s.iter().any(|h| h.eq_ignore_ascii_case(&title)) {
        return title;
    }
    for sep in TITLE_SEPARATORS {
        let Some((head, tail)) = title.rsplit_once(sep) else {
            continue;
        };
        let is_site = |part: &str| site.is_some_and(|s| part.trim().eq_ignore_ascii_case(s.trim()));
        if is_site(tail) || (site.is_none() && looks_like_site_name(tail, head)) {
            return head.trim().to_string();
        }
        if let Some((first, rest)) = title.split_once(sep) {
            if is_site(first) {
                return rest.trim().to_string();
            }
        }
        if let Some(h1) = h1s.iter().find(|h| h.eq_ignore_ascii_case(head.trim())) {
            return h1.clone();
        }
    }
    title
}

/// A trailing segment is a site name when it is short and the headline before it is longer.
fn looks_like_site_name(tail: &str, head: &str) -> bool {
    let tail_words = tail.split_whitespace().count();
    let head_words = head.split_whitespace().count();
    tail_words <= 3 && head_words > tail_words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::metadata;
    use crate::extract::test_pages::article;

    #[test]
    fn titles_lose_the_site_name() {
        let h1 = vec!["Headline here".to_string()];
        assert_eq!(
            strip_site_name("Headline here - Kabar", None, &[]),
            "Headline here"
        );
        assert_eq!(
            strip_site_name("Kabar | Headline here", Some("Kabar"), &[]),
            "Headline here"
        );
        assert_eq!(
            strip_site_name("Headline here | Some Long Site Name Inc", None, &h1),
            "Headline here"
        );
        assert_eq!(strip_site_name("Rock - Paper", None, &[]), "Rock - Paper");
    }

    #[test]
    fn blog_names_in_h1_and_full_width_separators() {
        let a = article(
            "<h1 class=title><a href='https://blog.example.com/'>Catatan Bolang</a></h1>\
             <h3 class='post-title entry-title'>Menjelajah Curug</h3>",
            "https://blog.example.com/2024/07/a.html",
        );
        assert_eq!(a.title, "Headline here");
        let html = "<html><head><title>Catatan Bolang: Menjelajah Curug</title></head><body>\
            <h1><a href='/'>Catatan Bolang</a></h1><h3 class='post-title'>Menjelajah Curug</h3></body></html>";
        let dom = Dom::parse(html);
        let declared = metadata::read(&dom);
        assert_eq!(
            choose_title(&dom, &declared).as_deref(),
            Some("Menjelajah Curug")
        );
        assert_eq!(
            strip_site_name(
                "東京都、猛暑で警戒アラート｜東京新報",
                Some("東京新報"),
                &[]
            ),
            "東京都、猛暑で警戒アラート"
        );
    }
}
