//! Generated pages: article pages and index pages built from a seeded random generator, so
//! every run serves the same bytes.

use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::server::Page;

pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    /// splitmix64.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// One of the `|`-separated items of `list`.
    fn pick(&mut self, list: &'static str) -> &'static str {
        let n = list.split('|').count();
        list.split('|').nth(self.below(n)).unwrap_or_default()
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SITE_WORDS: &str = "\
    Harbour|Valley|Northern|City|River|Coast|Metro|Plains|Island|Highland|Lakeside|\
    Capital|Border|Market|Civic|Daily|Evening|Weekly";
const SITE_KINDS: &str = "\
    Gazette|Courier|Herald|Chronicle|Observer|Post|Times|Review|Dispatch|Record";
const SECTIONS: &str = "\
    News|Politics|Business|Climate|Science|Health|Education|Transport|Culture|Sport|\
    Technology|Housing|Opinion|Local";
const FIRST_NAMES: &str = "\
    Amira|Bastian|Chloé|Dmitri|Esther|Farid|Grace|Hiroshi|Ines|Jonas|Kemal|Lucía|Marta|\
    Nikolai|Olu|Priya|Quentin|Rosa|Sven|Thandiwe|Uma|Viktor|Wen|Yusuf|Zofia";
const LAST_NAMES: &str = "\
    Okafor|Lindqvist|Moreau|Petrova|Haddad|Nakamura|García|O'Brien|Kowalski|Mensah|\
    Novak|Fischer|Rahman|Silva|Tanaka|Van Dijk|Ibrahim|Costa|Eriksen|Dubois";
const ROLES: &str = "\
    a spokesperson for the council|who chairs the residents' association|\
    an economist at the regional university|the project's lead engineer|\
    a nurse who has worked at the hospital for twenty years|\
    the opposition's transport spokesperson|a shop owner on the high street|\
    head of the teachers' union|a hydrologist who advised the inquiry|the deputy mayor";
const SUBJECTS: &str = "\
    the city council|a group of researchers|local farmers|the transport ministry|\
    engineers at the port|volunteers from the food bank|the regional hospital|\
    small business owners|a coalition of schools|the water utility|independent auditors|\
    residents of the old quarter|the university's climate lab|fishing cooperatives|\
    the national weather service|two rival startups|the football club|museum curators|\
    night-shift nurses|the rail operator";
const VERBS: &str = "\
    announced|questioned|delayed|approved|tested|criticised|expanded|reviewed|funded|\
    redesigned|postponed|documented|defended|measured|rejected|piloted|mapped|\
    simplified";
const OBJECTS: &str = "\
    a plan to rebuild the northern bridge|the new bus timetable|\
    a solar farm on the old airfield|the budget for flood defences|\
    a proposal to close two clinics|a software system for building permits|\
    the harbour dredging contract|a pilot programme for free school meals|\
    new rules on short-term rentals|the library's opening hours|\
    a survey of air quality near schools|the price of district heating|\
    the cycle lane network|a study of groundwater levels|the recycling scheme|\
    a heat pump subsidy|the night train to the capital|a register of empty homes";
const TAILS: &str = "\
    after months of debate|despite objections from neighbours|\
    ahead of the winter season|following a public consultation|\
    in a vote late on Tuesday|without giving a reason|for the third time this year|\
    according to documents seen by this newspaper|as costs continued to rise|\
    in a statement on its website|before the end of the financial year|\
    with support from the regional government|while the inquiry is still under way";
const OPENERS: &str = "\
    Meanwhile,|However,|In practice,|By comparison,|Last year,|For now,|Even so,|\
    On paper,|Privately,|At the same time,|Since then,";
const QUOTES: &str = "\
    We simply did not have the numbers to do it properly|\
    Nobody expected the response to be this strong|\
    It is a good start, but it is only a start|\
    People here have been asking for this for a decade|\
    The money has to come from somewhere, and nobody wants to say where|\
    We will look at the figures again in the spring|\
    I have never seen the queues this long|If it works here, other towns will copy it";
const MONTHS: &str = "\
    January|February|March|April|May|June|July|August|September|October|November|\
    December";

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

fn sentence(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => format!(
            "{} {} {} {}.",
            capitalize(rng.pick(SUBJECTS)),
            rng.pick(VERBS),
            rng.pick(OBJECTS),
            rng.pick(TAILS)
        ),
        1 => format!(
            "{} {} {} {}.",
            rng.pick(OPENERS),
            rng.pick(SUBJECTS),
            rng.pick(VERBS),
            rng.pick(OBJECTS)
        ),
        2 => format!(
            "“{},” said {}, {}.",
            rng.pick(QUOTES),
            person(rng),
            rng.pick(ROLES)
        ),
        3 => format!(
            "The figure rose to {}.{} per cent in {}, up from {} per cent {} years earlier.",
            rng.range(2, 60),
            rng.below(10),
            rng.range(2015, 2024),
            rng.range(1, 40),
            rng.range(2, 9)
        ),
        4 => format!(
            "{}, {}, said {} would decide on {} by {}.",
            person(rng),
            rng.pick(ROLES),
            rng.pick(SUBJECTS),
            rng.pick(OBJECTS),
            rng.pick(MONTHS)
        ),
        _ => format!(
            "About {} people attended the meeting, and {} of them spoke against {}.",
            rng.range(40, 900),
            rng.range(3, 39),
            rng.pick(OBJECTS)
        ),
    }
}

pub(crate) fn paragraph(rng: &mut Rng) -> String {
    let n = rng.range(2, 9);
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(crate) fn site_name(number: usize) -> String {
    let mut rng = Rng::new(1_000 + number as u64);
    format!("The {} {}", rng.pick(SITE_WORDS), rng.pick(SITE_KINDS))
}

fn page_path(i: usize) -> String {
    format!("/a{}.html", i + 1)
}

const CSS: &str = "
:root{--ink:#1d1d1f;--muted:#6e6e73;--accent:#b3261e;--rule:#e5e5ea;--max:42rem}
*{box-sizing:border-box}body{margin:0;font:18px/1.6 Georgia,'Times New Roman',serif;color:var(--ink)}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;border-bottom:1px solid var(--rule)}
.logo{font:700 1.6rem/1 'Helvetica Neue',Arial,sans-serif;color:var(--ink);text-decoration:none}
nav.primary ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;margin:0;padding:.5rem 2rem;border-bottom:1px solid var(--rule)}
nav.primary a{font:600 .85rem/1 Arial,sans-serif;text-transform:uppercase;color:var(--ink);text-decoration:none}
.breadcrumbs{font:.8rem Arial,sans-serif;color:var(--muted);padding:.5rem 2rem}
main{display:grid;grid-template-columns:minmax(0,var(--max)) 18rem;gap:3rem;padding:2rem;max-width:72rem;margin:auto}
article h1{font-size:2.4rem;line-height:1.15;margin:.25rem 0 1rem}.kicker{color:var(--accent);font:700 .8rem Arial,sans-serif;text-transform:uppercase}
.standfirst{font-size:1.25rem;color:var(--muted)}.byline{font:.85rem Arial,sans-serif;color:var(--muted)}
figure{margin:1.5rem 0}figure img{width:100%;height:auto}figcaption{font:.8rem Arial,sans-serif;color:var(--muted)}
blockquote{border-left:4px solid var(--accent);margin:1.5rem 0;padding-left:1rem;font-style:italic}
aside.related li{margin-bottom:1rem}aside.related a{font-weight:700;color:var(--ink)}
.comments{border-top:1px solid var(--rule);margin-top:2rem}.comment{margin:1rem 0}.comment .who{font-weight:700}
.newsletter{background:#f5f5f7;padding:1rem;border-radius:6px}.newsletter input{padding:.5rem;width:70%}
.site-footer{background:#111;color:#ccc;padding:2rem;font:.85rem Arial,sans-serif}.site-footer a{color:#ccc}
.site-footer .cols{display:grid;grid-template-columns:repeat(4,1fr);gap:2rem}
@media (max-width:800px){main{grid-template-columns:1fr}.site-footer .cols{grid-template-columns:1fr 1fr}}
";

const SCRIPT: &str = "
window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}
gtag('js',new Date());gtag('config','G-BENCH0000',{anonymize_ip:true});
(function(){var consent=document.cookie.indexOf('consent=1')>=0;if(!consent){var b=document.createElement('div');
b.className='consent-banner';b.textContent='We use cookies to measure readership.';document.body.appendChild(b);}
document.querySelectorAll('a[data-track]').forEach(function(a){a.addEventListener('click',function(){
gtag('event','click',{link:a.getAttribute('href')});});});})();
";

/// One article page: unique text per (host, page), 10–30 KB, with the usual furniture.
pub(crate) fn article(host: usize, i: usize, port: u16, site: &str, page_count: usize) -> Page {
    let mut rng = Rng::new(((host as u64) << 32) | i as u64);
    let origin = format!("http://127.0.0.1:{port}");
    let path = page_path(i);
    let url = format!("{origin}{path}");
    let section = rng.pick(SECTIONS);
    let title = capitalize(&format!(
        "{} {} {}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS)
    ));
    let summary = sentence(&mut rng);
    let author = person(&mut rng);
    let author_slug = author.to_lowercase().replace([' ', '\''], "-");
    // Published between early 2024 and mid 2025, later pages more recent; edited hours later.
    let published = Utc
        .with_ymd_and_hms(2024, 1, 1, 6, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::days((host * 7 + i * 13) as i64 % 540)
        + chrono::Duration::minutes(rng.below(16 * 60) as i64);
    let modified = published + chrono::Duration::hours(rng.range(1, 30) as i64);
    let iso = published.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let iso_modified = modified.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let human = published.format("%-d %B %Y, %H:%M").to_string();
    let paragraphs: Vec<String> = (0..rng.range(5, 10)).map(|_| paragraph(&mut rng)).collect();
    let words: usize = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();

    let mut h = String::with_capacity(24 * 1024);
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} | {site}</title>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"description\" content=\"{s}\">\n<meta name=\"author\" content=\"{author}\">\n\
         <link rel=\"canonical\" href=\"{url}\">\n\
         <meta property=\"og:type\" content=\"article\">\n<meta property=\"og:title\" content=\"{t}\">\n\
         <meta property=\"og:description\" content=\"{s}\">\n<meta property=\"og:url\" content=\"{url}\">\n\
         <meta property=\"og:site_name\" content=\"{site}\">\n<meta property=\"og:locale\" content=\"en_GB\">\n\
         <meta property=\"og:image\" content=\"{origin}/img/{host}-{i}.jpg\">\n\
         <meta property=\"article:published_time\" content=\"{iso}\">\n\
         <meta property=\"article:modified_time\" content=\"{iso_modified}\">\n\
         <meta property=\"article:section\" content=\"{section}\">\n\
         <meta property=\"article:author\" content=\"{author}\">\n\
         <meta name=\"twitter:card\" content=\"summary_large_image\">\n<meta name=\"twitter:title\" content=\"{t}\">\n\
         <link rel=\"icon\" href=\"/favicon.ico\">\n<link rel=\"alternate\" hreflang=\"en\" href=\"{url}\">\n",
        t = escape(&title),
        s = escape(&summary),
    ));
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "description": summary,
        "datePublished": iso,
        "dateModified": iso_modified,
        "author": {"@type": "Person", "name": author, "url": format!("{origin}/authors/{author_slug}")},
        "publisher": {"@type": "Organization", "name": site, "logo": {"@type": "ImageObject", "url": format!("{origin}/logo.png")}},
        "image": [format!("{origin}/img/{host}-{i}.jpg")],
        "mainEntityOfPage": url,
        "articleSection": section,
        "wordCount": words,
    });
    h.push_str(&format!(
        "<script type=\"application/ld+json\">{}</script>\n<style>{CSS}</style>\n</head>\n<body>\n",
        ld.to_string().replace("</", "<\\/")
    ));
    h.push_str(&format!(
        "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\
         <a class=\"logo\" href=\"/\">{site}</a><form role=\"search\" action=\"/search\">\
         <input type=\"search\" name=\"q\" placeholder=\"Search\"><button>Search</button></form>\
         <a href=\"/subscribe\" class=\"cta\" data-track>Subscribe</a></header>\n<nav class=\"primary\" aria-label=\"Sections\"><ul>\n"
    ));
    for s in SECTIONS.split('|') {
        h.push_str(&format!(
            "<li><a href=\"/{}/\" data-track>{s}</a></li>\n",
            s.to_lowercase()
        ));
    }
    h.push_str(&format!(
        "</ul></nav>\n<div class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"/{}/\">{section}</a> › {}</div>\n",
        section.to_lowercase(),
        escape(&title)
    ));
    h.push_str(&format!(
        "<main id=\"main\">\n<article class=\"post\">\n<header>\n<p class=\"kicker\">{section}</p>\n<h1>{}</h1>\n\
         <p class=\"standfirst\">{}</p>\n<p class=\"byline\">By <a rel=\"author\" href=\"/authors/{author_slug}\">{author}</a> · \
         <time datetime=\"{iso}\">{human}</time> · {} min read</p>\n</header>\n\
         <figure><img src=\"/img/{host}-{i}.jpg\" alt=\"{}\" width=\"1200\" height=\"675\">\
         <figcaption>{} Photo: {}</figcaption></figure>\n<div class=\"body\">\n",
        escape(&title),
        escape(&summary),
        words / 200 + 1,
        escape(&title),
        escape(&sentence(&mut rng)),
        person(&mut rng),
    ));
    for (n, p) in paragraphs.iter().enumerate() {
        if n == 3 && rng.chance(60) {
            h.push_str(&format!(
                "<h2>{}</h2>\n",
                capitalize(&format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS)))
            ));
        }
        if n == 2 && rng.chance(50) {
            h.push_str(&format!(
                "<blockquote><p>“{}.”</p></blockquote>\n",
                rng.pick(QUOTES)
            ));
        }
        h.push_str(&format!("<p>{}</p>\n", escape(p)));
    }
    h.push_str("</div>\n<footer class=\"tags\">Tags: ");
    let tags: Vec<String> = (0..rng.range(3, 6))
        .map(|_| {
            let tag = rng.pick(SECTIONS).to_lowercase();
            format!("<a rel=\"tag\" href=\"/tag/{tag}\">{tag}</a>")
        })
        .collect();
    h.push_str(&tags.join(", "));
    h.push_str("</footer>\n</article>\n<aside class=\"related\">\n<h2>Related</h2>\n<ul>\n");
    for _ in 0..rng.range(6, 10) {
        let other = rng.below(page_count.max(1));
        h.push_str(&format!(
            "<li><a href=\"{}\" data-track>{}</a><p>{}</p></li>\n",
            page_path(other),
            escape(&capitalize(&format!(
                "{} {} {}",
                rng.pick(SUBJECTS),
                rng.pick(VERBS),
                rng.pick(OBJECTS)
            ))),
            escape(&sentence(&mut rng)),
        ));
    }
    h.push_str(
        "</ul>\n</aside>\n<section class=\"newsletter\"><h2>Get the morning briefing</h2>\
         <form action=\"/newsletter\" method=\"post\"><input type=\"email\" name=\"email\" placeholder=\"you@example.org\">\
         <button>Sign up</button></form><p>One email a day. Unsubscribe any time.</p></section>\n\
         <section class=\"comments\"><h2>Comments</h2>\n",
    );
    for _ in 0..rng.range(0, 24) {
        h.push_str(&format!(
            "<div class=\"comment\"><p class=\"who\">{}</p><p>{}</p></div>\n",
            person(&mut rng),
            escape(&sentence(&mut rng))
        ));
    }
    h.push_str("</section>\n</main>\n<footer class=\"site-footer\"><div class=\"cols\">\n");
    for column in ["About", "Sections", "Services", "Legal"] {
        h.push_str(&format!("<div><h3>{column}</h3><ul>\n"));
        for _ in 0..6 {
            let s = rng.pick(SECTIONS);
            h.push_str(&format!(
                "<li><a href=\"/{}/{}\">{s} {}</a></li>\n",
                column.to_lowercase(),
                s.to_lowercase(),
                rng.pick("archive|team|contact|podcasts|events|guides")
            ));
        }
        h.push_str("</ul></div>\n");
    }
    h.push_str(&format!(
        "</div><p>© {} {site}. All rights reserved. Registered office: {} Street {}.</p></footer>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        published.format("%Y"),
        rng.pick(LAST_NAMES),
        rng.range(1, 200),
    ));
    let body = h.into_bytes();
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Page {
        path,
        etag: format!("\"{hash:016x}\""),
        last_modified: modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
        modified: modified.timestamp(),
        body,
    }
}

pub(crate) fn index_page(site: &str, port: u16, pages: &[Page]) -> Vec<u8> {
    let mut h = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{site}</title></head><body>\
         <h1>{site}</h1><ul>\n"
    );
    for p in pages {
        h.push_str(&format!(
            "<li><a href=\"http://127.0.0.1:{port}{}\">{}</a></li>\n",
            p.path, p.path
        ));
    }
    h.push_str("</ul></body></html>\n");
    h.into_bytes()
}
