//! Every word list and language fact extraction and link discovery read pages by, in one
//! place, so that a language added to one list is seen to be missing from the others.
//!
//! Lists are grouped by the field they serve. Where two lists look alike but differ (the
//! byline words near a headline and the prefixes stripped from a byline, for instance),
//! both are kept, under names that say what each is for, with the difference noted: merging
//! them would change what pages extract to, which is for a measured change to do. The test
//! at the end lists, for each language the detector knows, which lists carry it and why the
//! others do not.
//!
//! Not here: CSS class vocabularies written in English whatever the page's language
//! (`content.rs`, `render.rs`), patterns whose words are part of their grammar (ordinal
//! suffixes, `de` in "17 de julio", Vietnamese `tháng`, `sa`/`ch` for a.m./p.m., the CJK
//! `年月日時分`, in `dates.rs`), time-zone names and the zones languages and countries
//! mean (`dates.rs`), and punctuation: title separators (`title.rs`), sentence ends
//! (`content.rs`) and the commas of other scripts (`dom.rs`).

// Language detection ---------------------------------------------------------------------

/// Common short words of the languages whose scripts are shared (Latin), which
/// `language::detect_language` counts; the languages it knows by script (Thai, Japanese,
/// Korean, Chinese) are not listed.
pub(crate) const STOPWORDS: [(&str, &[&str]); 11] = [
    (
        "en",
        &[
            "in", "a", "the", "and", "of", "to", "is", "that", "for", "with", "was", "are", "this",
            "have", "from", "they", "has", "said", "were", "will", "their", "which", "been",
            "would",
        ],
    ),
    (
        "id",
        &[
            "yang", "dan", "di", "ini", "itu", "dengan", "untuk", "tidak", "dari", "dalam", "akan",
            "pada", "juga", "ke", "karena", "ada", "oleh", "saya", "sudah", "bisa", "atau", "kata",
            "mereka", "telah", "para", "lebih",
        ],
    ),
    (
        "vi",
        &[
            "của", "và", "các", "là", "được", "trong", "có", "cho", "những", "với", "này", "người",
            "không", "một", "đã", "theo", "từ", "khi", "đến", "cũng", "năm", "tại",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "den", "mit", "sich", "des", "auf", "für",
            "ein", "eine", "dem", "auch", "im", "wird", "sind", "nach", "bei", "werden", "über",
            "zum", "zur",
        ],
    ),
    (
        "fr",
        &[
            "de", "la", "en", "a", "le", "les", "et", "des", "est", "une", "du", "que", "pour",
            "dans", "qui", "pas", "sur", "au", "il", "ce", "avec", "sont", "plus", "aux", "été",
            "elle", "ont",
        ],
    ),
    (
        "es",
        &[
            "de", "la", "en", "a", "el", "los", "las", "y", "que", "del", "se", "por", "un", "una",
            "con", "para", "es", "al", "lo", "como", "más", "su", "fue", "han", "sus", "pero",
            "este", "ha",
        ],
    ),
    (
        "pt",
        &[
            "de", "a", "o", "os", "e", "que", "do", "da", "em", "um", "uma", "para", "com", "não",
            "no", "na", "dos", "das", "por", "mais", "ao", "foi", "pelo", "pela", "também", "são",
            "é",
        ],
    ),
    (
        "it",
        &[
            "la", "a", "in", "e", "il", "di", "che", "è", "del", "della", "per", "un", "una",
            "non", "con", "sono", "dei", "nel", "alla", "anche", "più", "gli", "da", "al", "ha",
            "delle", "nella",
        ],
    ),
    (
        "nl",
        &[
            "in", "de", "het", "een", "en", "van", "is", "dat", "op", "te", "voor", "met", "niet",
            "zijn", "aan", "er", "ook", "als", "bij", "door", "wordt", "naar", "om", "maar", "nog",
        ],
    ),
    (
        "pl",
        &[
            "i", "w", "na", "z", "się", "nie", "do", "że", "jest", "jak", "po", "ale", "od", "za",
            "przez", "dla", "są", "jego", "oraz", "już", "było", "które", "który", "także", "może",
            "tym", "czy",
        ],
    ),
    (
        "tr",
        &[
            "ve", "bir", "bu", "için", "ile", "olarak", "çok", "daha", "gibi", "ama", "olan",
            "değil", "sonra", "kadar", "ise", "her", "göre", "ancak", "veya", "şu",
        ],
    ),
];

// Dates ----------------------------------------------------------------------------------

/// Month names and common abbreviations, in lower case: January is `MONTHS[0]`. Read by the
/// named-date pattern, which matches any run of 3 to 10 Latin letters and looks it up here.
pub(crate) const MONTHS: [&[&str]; 12] = [
    &[
        "january", "jan", "januari", "januar", "janvier", "enero", "janeiro", "gennaio", "ene",
    ],
    &[
        "february",
        "feb",
        "februari",
        "februar",
        "février",
        "fevrier",
        "febrero",
        "fevereiro",
        "febbraio",
        "fév",
        "peb",
        "pebruari",
    ],
    &[
        "march", "mar", "maret", "märz", "maerz", "mars", "marzo", "março", "maart", "mrt",
    ],
    &["april", "apr", "avril", "abril", "aprile", "avr"],
    &["may", "mei", "mai", "mayo", "maio", "maggio"],
    &["june", "jun", "juni", "juin", "junio", "junho", "giugno"],
    &[
        "july", "jul", "juli", "juillet", "julio", "julho", "luglio", "juil",
    ],
    &[
        "august", "aug", "agustus", "agu", "agt", "août", "aout", "agosto", "augustus", "ago",
    ],
    &[
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "setembro",
        "settembre",
        "set",
    ],
    &[
        "october", "oct", "oktober", "okt", "octobre", "octubre", "outubro", "ottobre", "out",
    ],
    &[
        "november",
        "nov",
        "nopember",
        "novembre",
        "noviembre",
        "novembro",
        "nop",
    ],
    &[
        "december",
        "dec",
        "desember",
        "dezember",
        "des",
        "dez",
        "décembre",
        "decembre",
        "diciembre",
        "dezembro",
        "dicembre",
        "déc",
    ],
];

/// Thai month names, full and abbreviated, for dates such as "17 ก.ค. 2567"; a pattern of
/// their own since the named-date pattern reads Latin letters only.
pub(crate) const THAI_MONTHS: [[&str; 2]; 12] = [
    ["มกราคม", "ม.ค."],
    ["กุมภาพันธ์", "ก.พ."],
    ["มีนาคม", "มี.ค."],
    ["เมษายน", "เม.ย."],
    ["พฤษภาคม", "พ.ค."],
    ["มิถุนายน", "มิ.ย."],
    ["กรกฎาคม", "ก.ค."],
    ["สิงหาคม", "ส.ค."],
    ["กันยายน", "ก.ย."],
    ["ตุลาคม", "ต.ค."],
    ["พฤศจิกายน", "พ.ย."],
    ["ธันวาคม", "ธ.ค."],
];

/// Words that introduce the time of an update, in lower case: a date line is split at the
/// first of them so the update is not taken for the publication ("Published 5:12 AM ·
/// Updated 7:05 AM").
pub(crate) const UPDATE_WORDS: [&str; 16] = [
    "updated",
    "update",
    "last modified",
    "diperbarui",
    "cập nhật",
    "mis à jour",
    "mise à jour",
    "actualizado",
    "atualizado",
    "aggiornato",
    "modifica",
    "bijgewerkt",
    "aktualisiert",
    "geändert",
    "更新",
    "อัปเดต",
];

/// What a text that is a publication's date says, in English, French, Spanish and Portuguese
/// ("published", "publié", "publicado"): an element whose class says update but whose text
/// says this holds the publication date too. Not Italian "pubblicato" (two b's), a drift.
pub(crate) const PUBLISHED_STEM: &str = "publi";

/// Class or id stems that mark an element as holding a date; such elements are read before
/// plain ones. Matched anywhere in the class (`post-date`, `datePublished`). `render.rs` has
/// a whole-word English list for another purpose (`DATE_WORDS`, a date line dropped from the
/// body), which differs: it lacks `datum`, `fecha`, `data`, `waktu` and `tanggal`.
pub(crate) const DATE_CLASS_WORDS: [&str; 9] = [
    "date", "time", "publish", "posted", "datum", "fecha", "data", "waktu", "tanggal",
];

/// Class or id stems that mark an element as holding the update date (`updated`,
/// `modified`, Vietnamese `capnhat`…). Stems of [`UPDATE_WORDS`] as sites write them in
/// classes; unlike them, no Indonesian (`diperbarui`), German (`aktualisiert`) or French
/// (`mis-a-jour`) stem.
pub(crate) const UPDATE_CLASS_WORDS: [&str; 7] = [
    "updat",
    "modif",
    "bijgewerkt",
    "capnhat",
    "actualiz",
    "atualiz",
    "aggiorn",
];

/// Units a relative date ("3 hours ago", "2 jam lalu") is counted in, as alternatives of a
/// regular expression (`hours?` is "hour" or "hours"). [`RELATIVE_UNIT_SECONDS`] says how
/// long each lasts.
pub(crate) const RELATIVE_UNITS: [&str; 30] = [
    "seconds?", "secs?", "minutes?", "mins?", "hours?", "hrs?", "days?", "weeks?", "detik",
    "menit", "jam", "hari", "minggu", "giây", "phút", "giờ", "ngày", "tuần", "stunden?", "tagen?",
    "heures?", "jours?", "horas?", "días?", "dias?", "minuti", "ore", "giorni", "uur", "dagen",
];

/// Words for "ago" after the unit ("3 hours ago", "2 jam yang lalu", "5 phút trước", "2 ore
/// fa"), as alternatives of a regular expression.
pub(crate) const RELATIVE_AGO_AFTER: [&str; 7] = [
    "ago",
    r"(?:yang\s+)?lalu",
    "trước",
    "her",
    "auparavant",
    "fa",
    "geleden",
];

/// Words for "ago" before the number ("vor 3 Stunden", "il y a 2 heures", "hace 2 horas",
/// "há 2 horas"). The unit after them is any word, judged by [`RELATIVE_UNIT_SECONDS`].
pub(crate) const RELATIVE_AGO_BEFORE: [&str; 4] = ["vor", "il y a", "hace", "há"];

/// Seconds in each relative-date unit, with the beginnings of the words for it and the
/// words that must match whole; the first row that matches wins, so the order matters
/// (`minuti` is minutes, `ore` hours). It covers [`RELATIVE_UNITS`] and the unit words after
/// [`RELATIVE_AGO_BEFORE`] ("Stunden", "heures", "horas", "segundos").
pub(crate) const RELATIVE_UNIT_SECONDS: [(i64, &[&str], &[&str]); 5] = [
    (1, &["sec", "det", "seg"], &["giây"]),
    (60, &["min"], &["menit", "phút"]),
    (
        3600,
        &["hour", "hr", "stunde", "heure", "hora", "or", "uur"],
        &["jam", "giờ"],
    ),
    (
        86_400,
        &["day", "tag", "jour", "día", "dia", "giorn", "dag"],
        &["hari", "ngày"],
    ),
    (7 * 86_400, &["week", "semana"], &["minggu", "tuần"]),
];

// Bylines and authors ----------------------------------------------------------------------

/// Words and labels stripped from the start of a byline to leave the names ("By", "Oleh",
/// "Bởi", "Von"; "Author:", "Pewarta:", "文："), longest first where one starts another.
/// The widest of the three byline lists: [`BYLINE_WORDS`] (what makes a line near the
/// headline) lacks the Scandinavian `av`/`af`/`från`, Polish `przez`, `tác giả`,
/// `auteur`/`autore`, `wartawan`/`pewarta`, `作者`/`撰文`, "reporting by" and the
/// "diposting/ditulis/dipublikasikan oleh" phrases; [`CREDIT_LABELS`] (a closing credit
/// line) is narrower still. Both are subsets of this list, so whatever makes a byline is
/// also stripped from it (a test holds them to that).
pub(crate) const BYLINE_PREFIXES: [&str; 34] = [
    "written by",
    "posted by",
    "reporting by",
    "diposting oleh",
    "ditulis oleh",
    "dipublikasikan oleh",
    "by",
    "oleh",
    "bởi",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "przez",
    "från",
    "tác giả",
    "penulis",
    "pewarta",
    "wartawan",
    "reporter",
    "author",
    "autor",
    "auteur",
    "autore",
    "text",
    "texto",
    "โดย",
    "文",
    "記者",
    "作者",
    "撰文",
];

/// Words that make a short line near the headline a byline ("By …", "Oleh …", "文：…"). A
/// subset of [`BYLINE_PREFIXES`] (see there); it has `di` (Italian), which also opens
/// Indonesian place lines ("Di Jakarta"), kept out by the person-name check.
pub(crate) const BYLINE_WORDS: [&str; 19] = [
    "by",
    "written by",
    "posted by",
    "oleh",
    "bởi",
    "von",
    "par",
    "por",
    "di",
    "door",
    "โดย",
    "文",
    "記者",
    "text",
    "texto",
    "reporter",
    "penulis",
    "author",
    "autor",
];

/// Labels that introduce the writer's name in a closing credit line ("Pewarta: X",
/// "Reporter: X"), always followed by a colon. Unlike [`BYLINE_PREFIXES`] it has no bare
/// "by"-words, since "by" ends many sentences' last line.
pub(crate) const CREDIT_LABELS: [&str; 10] = [
    "pewarta",
    "penulis",
    "wartawan",
    "reporter",
    "reporting by",
    "written by",
    "text",
    "texto",
    "autor",
    "author",
];

/// Words, with their spaces, that name the writer in the middle of a line: "Analysis by
/// Chris Cillizza", "Posted 2024-07-12 by Lars Becker". The "by"-words of [`BYLINE_WORDS`]
/// that are not also common words; no Vietnamese `bởi` or Thai `โดย` yet.
pub(crate) const INLINE_BYLINE_WORDS: [&str; 6] =
    [" by ", " von ", " par ", " por ", " oleh ", " door "];

/// Words that mean a credit is for a picture, not the text ("Photo by …", "Foto: …").
pub(crate) const PICTURE_WORDS: [&str; 8] = [
    "photo",
    "foto",
    "image",
    "picture",
    "illustration",
    "ảnh",
    "credit",
    "video",
];

/// Separators between several authors ("Ana Souza e João Lima"), with their spaces.
pub(crate) const AUTHOR_SEPARATORS: [&str; 11] = [
    " and ", " & ", " dan ", " và ", " und ", " et ", " y ", " e ", " en ", " og ", " och ",
];

/// Particles that may stand lower-case inside a name ("Ana de Souza", "Jan van Dijk").
pub(crate) const NAME_PARTICLES: [&str; 16] = [
    "de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "la", "le",
    "bin", "binti",
];

/// Words of job titles, desks and agencies: "CNN Editor-at-large", "Post Staff" and
/// "Kontributor Semarang" are not people's names.
pub(crate) const JOB_WORDS: [&str; 24] = [
    "editor",
    "kontributor",
    "wartawan",
    "jurnalis",
    "journalist",
    "reporter",
    "correspondent",
    "staff",
    "writer",
    "contributor",
    "columnist",
    "redaktion",
    "redacción",
    "redação",
    "redazione",
    "redaksi",
    "rédaction",
    "team",
    "desk",
    "news",
    "press",
    "agency",
    "newsroom",
    "wire",
];

/// Job titles written as phrases, matched anywhere in a name ("biên tập viên", editor;
/// "phóng viên", reporter).
pub(crate) const JOB_PHRASES: [&str; 3] = ["biên tập", "phóng viên", "cộng tác viên"];

/// Class and id words that mark a byline element, matched anywhere in the class
/// (`tacgia` and `tac-gia` are Vietnamese "tác giả", `firma` Spanish and Italian, `penulis`
/// Indonesian).
pub(crate) const BYLINE_CLASS_WORDS: [&str; 10] = [
    "byline",
    "author",
    "autor",
    "auteur",
    "writer",
    "penulis",
    "tacgia",
    "tac-gia",
    "firma",
    "signature",
];

// Page layout ----------------------------------------------------------------------------

/// Class and id stems of a related list, a comment thread, a sidebar or page chrome, where
/// a byline, a date or a lead image near the headline is another story's: English and the
/// Indonesian, Portuguese/Spanish, Italian, Vietnamese and German words sites use in
/// classes. Matched anywhere in a class token.
pub(crate) const SIDE_MATTER_WORDS: [&str; 16] = [
    "related",
    "terkait",
    "relacionad",
    "correlat",
    "comment",
    "komentar",
    "sidebar",
    "widget",
    "trending",
    "popular",
    "populer",
    "recommend",
    "lien-quan",
    "neueste",
    "stories",
    "latest",
];

// Body -----------------------------------------------------------------------------------

/// Labels that stand alone where an advertisement was ("Advertisement", "Iklan",
/// "Anzeige"), compared with an element's whole lower-cased text.
pub(crate) const AD_LABELS: [&str; 16] = [
    "ad",
    "ads",
    "advert",
    "advertisement",
    "advertising",
    "anzeige",
    "werbung",
    "publicidad",
    "publicité",
    "publicidade",
    "pubblicità",
    "iklan",
    "quảng cáo",
    "реклама",
    "reklama",
    "sponsored",
];

/// Bracketed placeholders a CMS leaves where an advertisement was ("[iklan]", "[ads 3]",
/// "[quảng cáo]"), as alternatives of a case-insensitive regular expression. Drifted from
/// [`AD_LABELS`]: it has `banner`, `quangcao` and Spanish `anuncio`, but none of `anzeige`,
/// `publicidad`, `pubblicità`, `reklama`, `реклама` or `sponsored`.
pub(crate) const AD_PLACEHOLDER_WORDS: [&str; 10] = [
    "iklan",
    "ads?",
    "advert[a-z]*",
    "advertisement",
    "banner",
    "quangcao",
    "quảng cáo",
    "werbung",
    "anuncio",
    "publicit[eé]",
];

// Link discovery (src/source/discover.rs) --------------------------------------------------

/// Path segments that name index, account, legal or utility pages rather than articles.
pub(crate) const NOT_ARTICLE_SEGMENTS: [&str; 70] = [
    "tag",
    "tags",
    "category",
    "categories",
    "topic",
    "topics",
    "section",
    "sections",
    "author",
    "authors",
    "page",
    "search",
    "login",
    "signin",
    "sign-in",
    "logout",
    "signup",
    "register",
    "account",
    "user",
    "profile",
    "about",
    "contact",
    "privacy",
    "privacy-policy",
    "terms",
    "help",
    "faq",
    "subscribe",
    "newsletter",
    "feed",
    "rss",
    "cart",
    "shop",
    "wp-login.php",
    "label",
    "cookies",
    "cookie",
    "settings",
    "sitemap",
    "archive",
    "archives",
    "archiv",
    "impressum",
    "datenschutz",
    "kontakt",
    "agb",
    "abo",
    "abonnement",
    "plan-du-site",
    "mentions-legales",
    "politique-de-confidentialite",
    "rubrique",
    "rubrik",
    "thema",
    "themen",
    "dossier",
    "categoria",
    "tema",
    "temas",
    "kategori",
    "topik",
    "penulis",
    "langganan",
    "fokus",
    "chuyen-muc",
    "tac-gia",
    "su-kien",
    "autor",
    "auteur",
];

/// Query parameters that page through an index (`seite`, `pagina`, `halaman`, `trang`).
pub(crate) const PAGING_PARAMS: [&str; 10] = [
    "page", "paged", "offset", "start", "seite", "pagina", "halaman", "trang", "pg", "p_page",
];

/// Class or id words of link containers that hold site furniture, not articles (French
/// `pied`, footer, beside the English ones).
pub(crate) const FURNITURE_WORDS: [&str; 26] = [
    "nav",
    "navbar",
    "menu",
    "footer",
    "breadcrumb",
    "breadcrumbs",
    "pagination",
    "pager",
    "tags",
    "tagcloud",
    "share",
    "social",
    "login",
    "account",
    "ad",
    "ads",
    "advert",
    "topbar",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "pied",
    "copyright",
    "legal",
    "sitemap",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// What a list holds for one language: a word it must keep, or why it has none. A
    /// reason that starts with "drift" is a gap to fill (with measurement), not a design.
    enum Has {
        Word(&'static str),
        Lacks(&'static str),
    }
    use Has::{Lacks, Word};

    /// The languages the detector names: by common words, then by script.
    fn languages() -> Vec<&'static str> {
        let mut all: Vec<&str> = STOPWORDS.iter().map(|(lang, _)| *lang).collect();
        all.extend(["th", "ja", "ko", "zh"]);
        all
    }

    /// Every language has exactly one entry, every entry is a language, and every word named
    /// is in the list: a language added to the detector, or a word dropped from a list,
    /// fails here until the lists are brought level or the gap is given a reason.
    fn check(list: &str, words: &[&str], coverage: &[(&str, Has)]) {
        let languages = languages();
        for lang in &languages {
            let entries = coverage.iter().filter(|(l, _)| l == lang).count();
            assert_eq!(
                entries, 1,
                "{list}: language {lang:?} needs one entry, a word or a reason"
            );
        }
        for (lang, has) in coverage {
            assert!(languages.contains(lang), "{list}: {lang:?} is no language");
            match has {
                Word(word) => assert!(
                    words.contains(word),
                    "{list} lost its {lang:?} word {word:?}"
                ),
                Lacks(reason) => assert!(!reason.is_empty(), "{list}: {lang:?} needs a reason"),
            }
        }
    }

    const NUMERIC_MONTHS: &str = "months written as numbers, read by a pattern of their own";

    #[test]
    fn each_language_is_in_each_list_that_should_have_it() {
        // Class, id and URL vocabularies (SIDE_MATTER_WORDS, DATE_CLASS_WORDS,
        // UPDATE_CLASS_WORDS, BYLINE_CLASS_WORDS, NOT_ARTICLE_SEGMENTS, PAGING_PARAMS,
        // FURNITURE_WORDS, AD_PLACEHOLDER_WORDS) are not checked: sites write most of them in
        // English or transliterated, whatever the page's language.
        let months: Vec<&str> = MONTHS.iter().flat_map(|m| m.iter().copied()).collect();
        check(
            "MONTHS",
            &months,
            &[
                ("en", Word("july")),
                ("id", Word("agustus")),
                ("vi", Lacks(NUMERIC_MONTHS)), // "17 tháng 7 năm 2024"
                ("de", Word("märz")),
                ("fr", Word("juillet")),
                ("es", Word("julio")),
                ("pt", Word("julho")),
                ("it", Word("luglio")),
                ("nl", Word("maart")),
                ("pl", Lacks("drift: no Polish month names (lipiec, lipca)")),
                ("tr", Lacks("drift: no Turkish month names (temmuz)")),
                ("th", Lacks("Thai months are THAI_MONTHS")),
                ("ja", Lacks(NUMERIC_MONTHS)), // "2024年7月17日"
                ("zh", Lacks(NUMERIC_MONTHS)),
                (
                    "ko",
                    Lacks("drift: Korean dates (2024년 7월 17일) are not read at all"),
                ),
            ],
        );
        let thai: Vec<&str> = THAI_MONTHS.iter().flat_map(|m| m.iter().copied()).collect();
        assert!(thai.contains(&"กรกฎาคม") && thai.contains(&"ก.ค."));
        check(
            "UPDATE_WORDS",
            &UPDATE_WORDS,
            &[
                ("en", Word("updated")),
                ("id", Word("diperbarui")),
                ("vi", Word("cập nhật")),
                ("de", Word("aktualisiert")),
                ("fr", Word("mis à jour")),
                ("es", Word("actualizado")),
                ("pt", Word("atualizado")),
                ("it", Word("aggiornato")),
                ("nl", Word("bijgewerkt")),
                ("pl", Lacks("drift: no Polish word (zaktualizowano)")),
                ("tr", Lacks("drift: no Turkish word (güncellendi)")),
                ("th", Word("อัปเดต")),
                ("ja", Word("更新")),
                ("zh", Word("更新")),
                ("ko", Lacks("drift: no Korean word (수정, 업데이트)")),
            ],
        );
        let relative: Vec<&str> = RELATIVE_UNITS.to_vec();
        let units_lack = "drift: relative dates in this language are not read";
        check(
            "RELATIVE_UNITS",
            &relative,
            &[
                ("en", Word("hours?")),
                ("id", Word("jam")),
                ("vi", Word("giờ")),
                ("de", Word("stunden?")),
                ("fr", Word("heures?")),
                ("es", Word("horas?")),
                ("pt", Word("horas?")),
                ("it", Word("ore")),
                ("nl", Word("uur")),
                ("pl", Lacks(units_lack)),
                ("tr", Lacks(units_lack)),
                ("th", Lacks(units_lack)),
                ("ja", Lacks(units_lack)),
                ("zh", Lacks(units_lack)),
                ("ko", Lacks(units_lack)),
            ],
        );
        let ago: Vec<&str> = RELATIVE_AGO_AFTER
            .iter()
            .chain(RELATIVE_AGO_BEFORE.iter())
            .copied()
            .collect();
        check(
            "RELATIVE_AGO_AFTER and RELATIVE_AGO_BEFORE",
            &ago,
            &[
                ("en", Word("ago")),
                ("id", Word(r"(?:yang\s+)?lalu")),
                ("vi", Word("trước")),
                ("de", Word("vor")),
                ("fr", Word("il y a")),
                ("es", Word("hace")),
                ("pt", Word("há")),
                ("it", Word("fa")),
                ("nl", Word("geleden")),
                ("pl", Lacks(units_lack)),
                ("tr", Lacks(units_lack)),
                ("th", Lacks(units_lack)),
                ("ja", Lacks(units_lack)),
                ("zh", Lacks(units_lack)),
                ("ko", Lacks(units_lack)),
            ],
        );
        check(
            "BYLINE_PREFIXES",
            &BYLINE_PREFIXES,
            &[
                ("en", Word("by")),
                ("id", Word("oleh")),
                ("vi", Word("bởi")),
                ("de", Word("von")),
                ("fr", Word("par")),
                ("es", Word("por")),
                ("pt", Word("por")),
                ("it", Word("di")),
                ("nl", Word("door")),
                ("pl", Word("przez")),
                (
                    "tr",
                    Lacks("drift: no Turkish byline word (the name comes first)"),
                ),
                ("th", Word("โดย")),
                ("ja", Word("記者")),
                ("zh", Word("作者")),
                (
                    "ko",
                    Lacks("drift: no Korean byline word (기자 follows the name)"),
                ),
            ],
        );
        check(
            "BYLINE_WORDS",
            &BYLINE_WORDS,
            &[
                ("en", Word("by")),
                ("id", Word("oleh")),
                ("vi", Word("bởi")),
                ("de", Word("von")),
                ("fr", Word("par")),
                ("es", Word("por")),
                ("pt", Word("por")),
                ("it", Word("di")),
                ("nl", Word("door")),
                ("pl", Lacks("drift: BYLINE_PREFIXES has przez")),
                ("tr", Lacks("drift: no Turkish byline word")),
                ("th", Word("โดย")),
                ("ja", Word("記者")),
                ("zh", Word("文")),
                ("ko", Lacks("drift: no Korean byline word")),
            ],
        );
        let credit_lack = "drift: closing credit lines read for Indonesian, English, \
                           German, Spanish, Portuguese and Polish only";
        check(
            "CREDIT_LABELS",
            &CREDIT_LABELS,
            &[
                ("en", Word("reporter")),
                ("id", Word("pewarta")),
                ("vi", Lacks("drift: BYLINE_PREFIXES has tác giả")),
                ("de", Word("autor")),
                ("fr", Lacks("drift: BYLINE_PREFIXES has auteur")),
                ("es", Word("texto")),
                ("pt", Word("texto")),
                ("it", Lacks("drift: BYLINE_PREFIXES has autore")),
                ("nl", Lacks(credit_lack)),
                ("pl", Word("autor")),
                ("tr", Lacks(credit_lack)),
                ("th", Lacks(credit_lack)),
                ("ja", Lacks("drift: BYLINE_PREFIXES has 文 and 記者")),
                ("zh", Lacks("drift: BYLINE_PREFIXES has 作者 and 撰文")),
                ("ko", Lacks(credit_lack)),
            ],
        );
        let mid_line_lack = "drift: a byline in the middle of a line is not read";
        check(
            "INLINE_BYLINE_WORDS",
            &INLINE_BYLINE_WORDS,
            &[
                ("en", Word(" by ")),
                ("id", Word(" oleh ")),
                ("vi", Lacks("drift: BYLINE_WORDS has bởi")),
                ("de", Word(" von ")),
                ("fr", Word(" par ")),
                ("es", Word(" por ")),
                ("pt", Word(" por ")),
                (
                    "it",
                    Lacks("\" di \" is also \"of\", and Indonesian \"in\""),
                ),
                ("nl", Word(" door ")),
                ("pl", Lacks(mid_line_lack)),
                ("tr", Lacks(mid_line_lack)),
                ("th", Lacks("drift: BYLINE_WORDS has โดย")),
                ("ja", Lacks("labels (文：) open a line, not its middle")),
                ("zh", Lacks("labels (文：) open a line, not its middle")),
                ("ko", Lacks(mid_line_lack)),
            ],
        );
        let no_spaces = "names are joined by punctuation (、，) in this script";
        check(
            "AUTHOR_SEPARATORS",
            &AUTHOR_SEPARATORS,
            &[
                ("en", Word(" and ")),
                ("id", Word(" dan ")),
                ("vi", Word(" và ")),
                ("de", Word(" und ")),
                ("fr", Word(" et ")),
                ("es", Word(" y ")),
                ("pt", Word(" e ")),
                ("it", Word(" e ")),
                ("nl", Word(" en ")),
                ("pl", Lacks("drift: no Polish \" i \"")),
                ("tr", Lacks("drift: no Turkish \" ve \"")),
                ("th", Lacks("drift: no Thai \" และ \"")),
                ("ja", Lacks(no_spaces)),
                ("zh", Lacks(no_spaces)),
                ("ko", Lacks("drift: no Korean separator")),
            ],
        );
        let jobs: Vec<&str> = JOB_WORDS
            .iter()
            .chain(JOB_PHRASES.iter())
            .copied()
            .collect();
        let jobs_lack = "drift: job titles in this language read as names";
        check(
            "JOB_WORDS and JOB_PHRASES",
            &jobs,
            &[
                ("en", Word("editor")),
                ("id", Word("kontributor")),
                ("vi", Word("phóng viên")),
                ("de", Word("redaktion")),
                ("fr", Word("rédaction")),
                ("es", Word("redacción")),
                ("pt", Word("redação")),
                ("it", Word("redazione")),
                ("nl", Lacks(jobs_lack)),
                ("pl", Lacks(jobs_lack)),
                ("tr", Lacks(jobs_lack)),
                ("th", Lacks(jobs_lack)),
                ("ja", Lacks(jobs_lack)),
                ("zh", Lacks(jobs_lack)),
                ("ko", Lacks(jobs_lack)),
            ],
        );
        let pictures_lack = "drift: no word for a photo credit";
        check(
            "PICTURE_WORDS",
            &PICTURE_WORDS,
            &[
                ("en", Word("photo")),
                ("id", Word("foto")),
                ("vi", Word("ảnh")),
                ("de", Word("foto")),
                ("fr", Word("photo")),
                ("es", Word("foto")),
                ("pt", Word("foto")),
                ("it", Word("foto")),
                ("nl", Word("foto")),
                ("pl", Word("foto")),
                ("tr", Word("foto")), // the start of "fotoğraf"
                ("th", Lacks(pictures_lack)),
                ("ja", Lacks(pictures_lack)),
                ("zh", Lacks(pictures_lack)),
                ("ko", Lacks(pictures_lack)),
            ],
        );
        let ads_lack = "drift: no advertisement label";
        check(
            "AD_LABELS",
            &AD_LABELS,
            &[
                ("en", Word("advertisement")),
                ("id", Word("iklan")),
                ("vi", Word("quảng cáo")),
                ("de", Word("anzeige")),
                ("fr", Word("publicité")),
                ("es", Word("publicidad")),
                ("pt", Word("publicidade")),
                ("it", Word("pubblicità")),
                ("nl", Lacks("drift: no Dutch label (advertentie)")),
                ("pl", Word("reklama")),
                ("tr", Lacks("drift: no Turkish label (reklam)")),
                ("th", Lacks(ads_lack)),
                ("ja", Lacks(ads_lack)),
                ("zh", Lacks(ads_lack)),
                ("ko", Lacks(ads_lack)),
            ],
        );
    }

    #[test]
    fn what_makes_a_byline_is_also_stripped_from_it() {
        for word in BYLINE_WORDS.iter().chain(CREDIT_LABELS.iter()) {
            assert!(BYLINE_PREFIXES.contains(word), "{word:?}");
        }
    }

    #[test]
    fn the_detector_knows_each_language_once() {
        let all = languages();
        for lang in &all {
            assert_eq!(all.iter().filter(|l| l == &lang).count(), 1, "{lang}");
        }
    }
}
