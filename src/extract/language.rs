//! The article's language: the declared tag, normalised, or one detected from the text.

use super::words::STOPWORDS;

/// The page's language: what it declares, unless it declares nothing or a CMS's English
/// default (`lang="en-US"` on an Indonesian blog) while its text is clearly in another
/// language.
pub(crate) fn choose_language(declared: Option<&str>, title: &str, text: &str) -> Option<String> {
    let declared = declared.and_then(normalize_language);
    let sample = format!("{title}\n{text}");
    match declared {
        None => detect_language(&sample, false).map(str::to_string),
        Some(tag) if tag == "en" || tag.starts_with("en-") => {
            match detect_language(&sample, true) {
                Some(detected) if detected != "en" => Some(detected.to_string()),
                _ => Some(tag),
            }
        }
        Some(tag) => Some(tag),
    }
}

/// The language `text` is written in, when it is clear: by script for Thai, Japanese,
/// Korean and Chinese, else by counting common words. `strict` asks for a wider margin
/// (used to overrule a declared language).
fn detect_language(text: &str, strict: bool) -> Option<&'static str> {
    let (mut letters, mut thai, mut kana, mut hangul, mut han) = (0usize, 0, 0, 0, 0);
    for c in text.chars().take(20_000).filter(|c| c.is_alphabetic()) {
        letters += 1;
        match c as u32 {
            0x0E00..=0x0E7F => thai += 1,
            0x3040..=0x30FF => kana += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => hangul += 1,
            0x4E00..=0x9FFF => han += 1,
            _ => {}
        }
    }
    if letters < 20 {
        return None;
    }
    if thai * 3 > letters {
        return Some("th");
    }
    if kana * 20 > letters && (kana + han) * 2 > letters {
        return Some("ja");
    }
    if hangul * 3 > letters {
        return Some("ko");
    }
    if han * 2 > letters {
        return Some("zh");
    }
    // A word common to several languages ("de", "en", "que") counts for each of them only
    // in part, so distinctive words decide.
    let mut scores = [0f64; STOPWORDS.len()];
    let words = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .take(3000);
    let longest = STOPWORDS
        .iter()
        .flat_map(|(_, list)| list.iter().map(|w| w.len()))
        .max()
        .unwrap_or(0);
    let mut lower = String::new();
    for word in words.filter(|w| w.len() <= longest) {
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        let mut hits = [false; STOPWORDS.len()];
        for (hit, (_, list)) in hits.iter_mut().zip(STOPWORDS.iter()) {
            *hit = list.contains(&lower.as_str());
        }
        let count = hits.iter().filter(|&&h| h).count();
        for (score, _) in scores.iter_mut().zip(hits).filter(|(_, h)| *h) {
            *score += 1.0 / count as f64;
        }
    }
    let mut ranked: Vec<(f64, &str)> = scores
        .iter()
        .zip(STOPWORDS.iter())
        .map(|(s, (lang, _))| (*s, *lang))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, lang) = ranked[0];
    let second = ranked[1].0;
    let (min_hits, factor) = if strict { (12.0, 3.0) } else { (5.0, 2.0) };
    (best >= min_hits && best >= second * factor).then_some(lang)
}

/// "en_US" → "en-us": the form RSS's `<language>` uses.
fn normalize_language(tag: &str) -> Option<String> {
    let tag = tag.trim().replace('_', "-").to_ascii_lowercase();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag
            .split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && tag.split('-').next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
    valid.then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_normalise_to_rss_form() {
        assert_eq!(normalize_language("en_US").as_deref(), Some("en-us"));
        assert_eq!(normalize_language("id").as_deref(), Some("id"));
        assert_eq!(normalize_language("not a language"), None);
    }

    #[test]
    fn language_from_text_when_undeclared_or_an_english_default() {
        let id = "Banjir bandang menerjang tiga desa di Garut dan ratusan warga mengungsi ke masjid. \
                  Petugas dari BPBD yang datang ke lokasi juga membersihkan lumpur dengan alat berat, \
                  karena jalan desa tidak bisa dilalui. Warga berharap bantuan akan datang untuk mereka.";
        assert_eq!(choose_language(None, "", id).as_deref(), Some("id"));
        assert_eq!(
            choose_language(Some("en-US"), "", &id.repeat(2)).as_deref(),
            Some("id")
        );
        assert_eq!(
            choose_language(Some("pt-BR"), "", id).as_deref(),
            Some("pt-br")
        );
        let es = "La falta de lluvias de la primavera ya se nota en los campos de la Vega. \
                  La comunidad de regantes ha acordado reducir los turnos de riego para los cultivos, \
                  una medida que afectará a más de tres mil agricultores del municipio.";
        assert_eq!(detect_language(es, false), Some("es"));
        assert_eq!(
            detect_language("ฝนตกหนักทั่วกรุงเทพฯ น้ำท่วมขังหลายจุด การจราจรติดขัด", false),
            Some("th")
        );
        assert_eq!(
            detect_language(
                "東京都、猛暑で熱中症警戒アラートを発表 今年最多の地点で35度超",
                false
            ),
            Some("ja")
        );
        assert_eq!(detect_language("Short.", false), None);
    }
}
