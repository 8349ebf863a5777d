//! Dates as pages write them: machine formats in metadata, and human formats in the visible
//! byline ("Rabu, 17/07/2024 - 10:15 (GMT+7)", "July 17, 2024 at 3:05 pm EDT").
//!
//! A date without a time zone is read in the zone its language most likely means, and a
//! date order (day/month vs month/day) is chosen by the page's language, since a page
//! rarely says which one it uses.

use std::sync::LazyLock;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use regex::Regex;

use super::dom::Dom;
use super::headline::around_headline;
use super::words::{
    DATE_CLASS_WORDS, MONTHS, PUBLISHED_STEM, RELATIVE_AGO_AFTER, RELATIVE_AGO_BEFORE,
    RELATIVE_UNITS, RELATIVE_UNIT_SECONDS, THAI_MONTHS, UPDATE_CLASS_WORDS, UPDATE_WORDS,
};

/// The time zone a page most likely means when it writes a time without one: a fixed
/// offset, or a standard offset with the European or North American summer-time rule (the
/// two rules cover nearly every site that changes clocks; a full zone database would weigh
/// more than all the rest of the extractor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    Fixed(FixedOffset),
    /// Standard offset in hours; summer time (+1 h) from the last Sunday of March to the
    /// last Sunday of October, both at 01:00 UTC.
    Europe(i32),
    /// Standard offset in hours; summer time (+1 h) from the second Sunday of March to the
    /// first Sunday of November, both at 02:00 local time.
    NorthAmerica(i32),
}

impl From<FixedOffset> for Zone {
    fn from(offset: FixedOffset) -> Zone {
        Zone::Fixed(offset)
    }
}

impl Zone {
    #[cfg(test)]
    pub(crate) fn utc() -> Zone {
        Zone::Fixed(utc())
    }

    /// The offset in force at a moment given in this zone's standard time.
    fn offset_at_standard(self, standard: NaiveDateTime) -> FixedOffset {
        let (std_hours, summer) = match self {
            Zone::Fixed(offset) => return offset,
            Zone::Europe(h) => {
                let year = standard.year();
                let at = |month| {
                    last_sunday(year, month).and_time(NaiveTime::MIN)
                        + Duration::hours(1 + h as i64)
                };
                (h, standard >= at(3) && standard < at(10))
            }
            Zone::NorthAmerica(h) => {
                let year = standard.year();
                let start = nth_sunday(year, 3, 2).and_time(NaiveTime::MIN) + Duration::hours(2);
                let end = nth_sunday(year, 11, 1).and_time(NaiveTime::MIN) + Duration::hours(1);
                (h, standard >= start && standard < end)
            }
        };
        let hours = std_hours + i32::from(summer);
        FixedOffset::east_opt(hours * 3600).unwrap_or_else(utc)
    }

    /// A wall-clock time in this zone.
    pub(crate) fn local(self, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        // Reading wall-clock time as standard time is off only within the hour of a change.
        self.offset_at_standard(local)
            .from_local_datetime(&local)
            .single()
    }

    /// An instant, written with this zone's offset at that instant.
    pub(crate) fn at<Tz: TimeZone>(self, t: &DateTime<Tz>) -> DateTime<FixedOffset> {
        let utc = t.naive_utc();
        let standard = match self {
            Zone::Fixed(offset) => return t.with_timezone(&offset),
            Zone::Europe(h) | Zone::NorthAmerica(h) => utc + Duration::hours(h as i64),
        };
        t.with_timezone(&self.offset_at_standard(standard))
    }
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or_default();
    let mut d = next.pred_opt().unwrap_or(next);
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt().unwrap_or(d);
    }
    d
}

fn nth_sunday(year: i32, month: u32, n: u8) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Sun, n).unwrap_or_default()
}

/// The article's publication and update dates: declared ones, read in the page's zone, else
/// the ones printed near the headline; none that no feed could carry. `declared` is the
/// page's own (published, updated) strings, as `metadata` reads them.
pub(crate) fn published_and_updated(
    dom: &Dom,
    declared: (Option<&str>, Option<&str>),
    language: Option<&str>,
    host: Option<&str>,
    headline: Option<usize>,
    fetched_at: DateTime<Utc>,
) -> SeenDates {
    let zone = page_zone(language, host);
    let month_first = month_first(language, host);
    let seen = visible_dates(dom, headline, zone, month_first, fetched_at);
    // A declared machine date in UTC is rewritten in the page's offset (a date without a
    // time is local midnight and stays as it is); a declared date that is only text
    // ("November 19, 2019") gives way to the visible line of the same day, which has the time.
    let declared_date = |value: Option<&str>, seen: Option<DateTime<FixedOffset>>| {
        let value = value?;
        if let Some(d) = parse_machine(value, zone) {
            return Some(if value.contains(':') {
                localize(dom, d, zone)
            } else {
                d
            });
        }
        let d = parse_visible(value, zone, month_first)?;
        Some(
            seen.filter(|s| s.date_naive() == d.date_naive())
                .unwrap_or(d),
        )
    };
    SeenDates {
        published: declared_date(declared.0, seen.published)
            .or(seen.published)
            .filter(plausible_date),
        updated: declared_date(declared.1, seen.updated)
            .or(seen.updated)
            .filter(plausible_date),
    }
}
/// Splits a date line at its update word: ("Published 5:12 AM", "7:05 AM").
fn split_update(text: &str) -> (&str, Option<&str>) {
    let lower = text.to_lowercase();
    if lower.len() != text.len() {
        // Case mapping changed byte offsets; search the original with ASCII folding only.
        let hit = UPDATE_WORDS
            .iter()
            .filter_map(|w| find_ascii_ci(text, w).map(|p| (p, w.len())))
            .min();
        return match hit {
            Some((p, len)) => (&text[..p], Some(&text[p + len..])),
            None => (text, None),
        };
    }
    let hit = UPDATE_WORDS
        .iter()
        .filter_map(|w| lower.find(w).map(|p| (p, w.len())))
        .min();
    match hit {
        Some((p, len)) => (&text[..p], Some(&text[p + len..])),
        None => (text, None),
    }
}

fn find_ascii_ci(text: &str, word: &str) -> Option<usize> {
    text.char_indices().map(|(i, _)| i).find(|&i| {
        text.get(i..i + word.len())
            .is_some_and(|s| s.to_lowercase() == word)
    })
}

#[derive(Debug, Default, PartialEq)]
pub(crate) struct SeenDates {
    pub(crate) published: Option<DateTime<FixedOffset>>,
    pub(crate) updated: Option<DateTime<FixedOffset>>,
}

/// The dates printed near the headline. A line is split at its update word ("Updated",
/// "Diperbarui", "Cập nhật", "Mis à jour"…) so that the update is not taken for the
/// publication; an element whose class says update holds only the update.
fn visible_dates(
    dom: &Dom,
    headline: Option<usize>,
    zone: Zone,
    month_first: bool,
    fetched_at: DateTime<Utc>,
) -> SeenDates {
    let mut seen = SeenDates::default();
    let Some(start) = headline.or_else(|| dom.elements_named("body").next()) else {
        return seen;
    };
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for i in around_headline(dom, start) {
        if matches!(dom.tag(i), "script" | "style" | "a" | "h1") || dom.end(i) - i > 12 {
            continue;
        }
        let text = dom.text(i);
        if text.len() <= 160 && text.chars().any(|c| c.is_ascii_digit()) {
            candidates.push((i, text));
        }
    }
    let dateish = |i: usize| {
        let ci = dom.class_and_id(i);
        DATE_CLASS_WORDS.iter().any(|w| ci.contains(w)) || dom.tag(i) == "time"
    };
    let update_class = |i: usize| {
        let ci = dom.class_and_id(i);
        UPDATE_CLASS_WORDS.iter().any(|w| ci.contains(w))
    };
    // Elements whose class says date come first, unless a plain one is much nearer.
    let mut ordered: Vec<&(usize, String)> = candidates.iter().collect();
    ordered.sort_by_key(|(i, _)| i.abs_diff(start) + if dateish(*i) { 0 } else { 40 });
    let read = |text: &str| {
        parse_visible(text, zone, month_first).or_else(|| parse_relative(text, fetched_at, zone))
    };
    for (i, text) in ordered {
        let (published_part, updated_part) = split_update(text);
        let whole_is_update = updated_part.is_none()
            && update_class(*i)
            && !text.to_lowercase().contains(PUBLISHED_STEM);
        let attr = dom
            .attr(*i, "datetime")
            .and_then(|d| parse_machine(d, zone));
        if whole_is_update || (updated_part.is_some() && update_class(*i)) {
            if seen.updated.is_none() {
                seen.updated = attr.or_else(|| read(updated_part.unwrap_or(text)));
            }
            if !whole_is_update && seen.published.is_none() {
                seen.published = read(published_part);
            }
        } else {
            if seen.published.is_none() {
                seen.published = attr.or_else(|| read(published_part));
            }
            if seen.updated.is_none() {
                seen.updated = updated_part.and_then(read);
            }
        }
        if seen.published.is_some() && seen.updated.is_some() {
            break;
        }
    }
    seen
}

/// A declared time in UTC (Yoast, Guardian- and G1-like sites) written the way the page
/// itself writes it: with the offset of a `<time datetime>` for the same instant, else of
/// any `<time>` on the page, else of the zone the site is in.
fn localize(dom: &Dom, d: DateTime<FixedOffset>, zone: Zone) -> DateTime<FixedOffset> {
    if d.offset().local_minus_utc() != 0 {
        return d;
    }
    let mut site_offset = None;
    for i in 0..dom.len() {
        let Some(value) = dom.attr(i, "datetime") else {
            continue;
        };
        let Some(t) = parse_machine(value, utc()) else {
            continue;
        };
        if t.offset().local_minus_utc() == 0 {
            continue;
        }
        if t == d {
            return t;
        }
        site_offset.get_or_insert(*t.offset());
    }
    if let Some(offset) = site_offset {
        return d.with_timezone(&offset);
    }
    zone.at(&d)
}

/// Dates a page can mean: a typo or a mangled page gives years like 20240 or 0007, which no
/// feed format can carry (RFC 822 wants four digits) and no reader would believe.
pub(crate) fn plausible_date(date: &DateTime<FixedOffset>) -> bool {
    (1800..=2200).contains(&Datelike::year(date))
}

/// Parses the date formats found in metadata: RFC 3339 and its common near-misses,
/// RFC 2822, and bare dates. `zone` is used when the value carries no offset.
pub(crate) fn parse_machine(value: &str, zone: impl Into<Zone>) -> Option<DateTime<FixedOffset>> {
    let zone = zone.into();
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Some(d);
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(v) {
        return Some(d);
    }
    const WITH_ZONE: [&str; 6] = [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M%:z",
    ];
    let normalized = v.replace(" UTC", "+0000").replace(" GMT", "+0000");
    let normalized = normalized
        .strip_suffix('Z')
        .map_or(normalized.clone(), |s| format!("{s}+0000"));
    for f in WITH_ZONE {
        if let Ok(d) = DateTime::parse_from_str(&normalized, f) {
            return Some(d);
        }
    }
    const LOCAL: [&str; 5] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ];
    for f in LOCAL {
        if let Ok(d) = NaiveDateTime::parse_from_str(v, f) {
            return zone.local(d);
        }
    }
    let date_part = v.get(..10).unwrap_or(v);
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, f) {
            return zone.local(d.and_time(NaiveTime::MIN));
        }
    }
    None
}

/// Finds a date written for people in `text`. Returns it with the zone the text names, or
/// `zone` when it names none. `month_first` says whether `01/02/2024` means January 2nd.
/// The time may follow the date ("17/07/2024 10:15") or come just before it
/// ("5:12 AM EDT, July 17, 2024"), and may carry a bare offset ("10:15 +02:00").
pub(crate) fn parse_visible(
    text: &str,
    zone: impl Into<Zone>,
    month_first: bool,
) -> Option<DateTime<FixedOffset>> {
    let zone = zone.into();
    let lower = text.to_lowercase();
    let (date, date_start, date_end) = find_date(&lower, month_first)?;
    let rest = &lower[date_end..];
    let before = &lower[..date_start];
    let (time, named_zone) = match find_time(rest) {
        Some((time, time_end)) => (
            Some(time),
            bare_offset(&rest[time_end..])
                .map(Zone::from)
                .or_else(|| find_zone(rest, month_first)),
        ),
        None => match find_time_before(before) {
            Some((time, time_end)) => (
                Some(time),
                bare_offset(&before[time_end..])
                    .map(Zone::from)
                    .or_else(|| find_zone(&before[time_end..], month_first))
                    .or_else(|| find_zone(rest, month_first)),
            ),
            None => (None, find_zone(rest, month_first)),
        },
    };
    let naive = date.and_time(time.unwrap_or(NaiveTime::MIN));
    named_zone.unwrap_or(zone).local(naive)
}

/// Reads "3 hours ago", "2 jam lalu", "5 phút trước" against the time the page was fetched,
/// and writes the result in the page's zone.
pub(crate) fn parse_relative(
    text: &str,
    now: DateTime<Utc>,
    zone: impl Into<Zone>,
) -> Option<DateTime<FixedOffset>> {
    let lower = text.to_lowercase();
    let c = RELATIVE.captures(&lower)?;
    let amount: i64 = c.get(1).or_else(|| c.get(3))?.as_str().parse().ok()?;
    let unit = c.get(2).or_else(|| c.get(4))?.as_str();
    let (seconds, _, _) = RELATIVE_UNIT_SECONDS.iter().find(|(_, prefixes, words)| {
        prefixes.iter().any(|p| unit.starts_with(p)) || words.contains(&unit)
    })?;
    let then = now - Duration::seconds(amount.checked_mul(*seconds)?);
    Some(zone.into().at(&then))
}

/// The zone a page most likely means when it names none, from the country its address
/// or language tag names, else from its language; UTC when none of them says (English,
/// Spanish and Portuguese span too many zones to guess from the language alone).
pub(crate) fn page_zone(language: Option<&str>, host: Option<&str>) -> Zone {
    let primary = language.map(primary_subtag).unwrap_or_default();
    let tld_country = host.and_then(country_of_host);
    let region = language.and_then(region_subtag);
    // A generic-looking `.co` is Colombia only when the page is in Spanish.
    let tld_country = tld_country.filter(|c| *c != "co" || primary == "es");
    for country in [tld_country, region.as_deref()].into_iter().flatten() {
        if let Some(zone) = country_zone(country) {
            return zone;
        }
    }
    let hours = match primary.as_str() {
        "id" | "vi" | "th" | "km" | "lo" => 7,
        "ms" | "zh" | "fil" | "tl" => 8,
        "ja" | "ko" => 9,
        "de" | "fr" | "it" | "nl" | "pl" | "cs" | "da" | "sv" | "nb" | "no" | "hu" | "sk"
        | "sl" | "hr" => return Zone::Europe(1),
        _ => 0,
    };
    Zone::Fixed(FixedOffset::east_opt(hours * 3600).unwrap_or_else(utc))
}

fn country_zone(country: &str) -> Option<Zone> {
    let fixed = |h: f64| Some(Zone::Fixed(FixedOffset::east_opt((h * 3600.0) as i32)?));
    match country {
        "uk" | "gb" | "ie" | "pt" => Some(Zone::Europe(0)),
        "de" | "fr" | "it" | "es" | "nl" | "be" | "at" | "ch" | "dk" | "se" | "no" | "pl"
        | "cz" | "hu" | "sk" | "si" | "hr" | "lu" => Some(Zone::Europe(1)),
        "gr" | "ro" | "bg" | "fi" | "ee" | "lv" | "lt" | "ua" => Some(Zone::Europe(2)),
        "id" | "vn" | "th" | "kh" | "la" => fixed(7.0),
        "sg" | "my" | "ph" | "cn" | "tw" | "hk" => fixed(8.0),
        "jp" | "kr" => fixed(9.0),
        "in" => fixed(5.5),
        "br" => fixed(-3.0),
        "ar" => fixed(-3.0),
        "mx" => fixed(-6.0),
        "co" | "pe" => fixed(-5.0),
        _ => None,
    }
}

/// The country code a host's top-level domain names (`news.example.co.uk` → "uk").
fn country_of_host(host: &str) -> Option<&str> {
    let tld = host.trim_end_matches('.').rsplit('.').next()?;
    (tld.len() == 2 && tld.chars().all(|c| c.is_ascii_lowercase())).then_some(tld)
}

fn region_subtag(language: &str) -> Option<String> {
    language
        .split(['-', '_'])
        .skip(1)
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
}

/// Whether a page writes numeric dates month first (`07/17/2024`): American English and
/// Filipino do; English elsewhere (a `.co.uk`, `.au` or `.in` site, or `en-GB`) does not.
pub(crate) fn month_first(language: Option<&str>, host: Option<&str>) -> bool {
    let Some(language) = language else {
        return false;
    };
    let primary = primary_subtag(language);
    if matches!(primary.as_str(), "fil" | "tl") {
        return true;
    }
    if primary != "en" {
        return false;
    }
    match region_subtag(language).as_deref() {
        Some("us") | Some("ph") => true,
        Some(_) => false,
        None => host
            .and_then(country_of_host)
            .is_none_or(|c| matches!(c, "us" | "ph" | "co" | "io" | "ai" | "tv" | "fm" | "me")),
    }
}

pub(crate) fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset is valid")
}

fn primary_subtag(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Compiles every date pattern now rather than on the first page that needs it.
pub(crate) fn warm_up() {
    LazyLock::force(&NUMERIC_DATE);
    LazyLock::force(&NAMED_DATE);
    LazyLock::force(&VIETNAMESE_DATE);
    LazyLock::force(&CJK_DATE);
    LazyLock::force(&THAI_DATE);
    LazyLock::force(&RELATIVE);
    LazyLock::force(&TIME);
    LazyLock::force(&BARE_OFFSET);
    LazyLock::force(&ZONE);
}

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})\b|\b([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})\b")
        .expect("valid regex")
});
/// A day, a month name and a year, in either order.
static NAMED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    // Any run of Latin letters; `month_number` then says whether it names a month. A small
    // class compiles in a fraction of the time of the full alternation of month names or of
    // the Unicode letter class (~40M instructions, paid once per process).
    let month = "[a-zà-ÿ]{3,10}";
    Regex::new(&format!(
        r"\b([0-9]{{1,2}})(?:st|nd|rd|th|er)?(?:\.\s*|\s+)(?:de\s+)?({month})(?:\.\s*|,?\s+)(?:de\s+)?([0-9]{{4}})\b|\b({month})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})\b"
    ))
    .expect("valid regex")
});

static VIETNAMESE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b([0-9]{1,2})\s+tháng\s+([0-9]{1,2}),?\s+(?:năm\s+)?([0-9]{4})\b")
        .expect("valid regex")
});
/// `2024年7月17日` (Japanese and Chinese).
static CJK_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日").expect("valid regex")
});
/// `17 ก.ค. 2567`: Thai month names, full or abbreviated, usually with a Buddhist-era year.
static THAI_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"([0-9]{{1,2}})\s*({})\s*([0-9]{{4}})",
        THAI_MONTHS
            .iter()
            .flat_map(|m| m.iter())
            .map(|m| regex::escape(m))
            .collect::<Vec<_>>()
            .join("|")
    ))
    .expect("valid regex")
});
/// "3 hours ago" (a number, a unit, a word for ago) or "vor 3 Stunden" (ago first, the unit
/// read by [`parse_relative`]), in the words of [`RELATIVE_UNITS`] and the `RELATIVE_AGO_*`.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b([0-9]{{1,3}})\s*({})\s*(?:{})\b|\b(?:{})\s+([0-9]{{1,3}})\s*([a-zà-ÿ]+)",
        RELATIVE_UNITS.join("|"),
        RELATIVE_AGO_AFTER.join("|"),
        RELATIVE_AGO_BEFORE.join("|"),
    ))
    .expect("valid regex")
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b([0-9]{1,2})(?:[:.h]|時)([0-9]{2})(?:分)?(?::([0-9]{2}))?\s*(a\.?m\.?|p\.?m\.?|sa|ch)?(?:[^0-9a-z]|$)",
    )
    .expect("valid regex")
});
static BARE_OFFSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([+-])([0-9]{2}):?([0-9]{2})\b").expect("valid regex"));
static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:gmt|utc)\s*([+-])\s*([0-9]{1,2})(?::?([0-9]{2}))?|\b(wib|wita|wit|ict|utc|gmt|z|est|edt|cst|cdt|mst|mdt|pst|pdt|cet|cest|bst|ist|jst|kst|sgt|aest|aedt|brt|mez|mesz|et|ct|mt|pt)\b")
        .expect("valid regex")
});

/// The earliest date in `lower`, with where it starts and ends.
fn find_date(lower: &str, month_first: bool) -> Option<(NaiveDate, usize, usize)> {
    let mut best: Option<(NaiveDate, usize, usize)> = None;
    let mut consider = |date: Option<NaiveDate>, start: usize, end: usize| {
        if let Some(d) = date {
            if best.is_none_or(|(_, s, _)| start < s) {
                best = Some((d, start, end));
            }
        }
    };
    if let Some(c) = NUMERIC_DATE.captures(lower) {
        let m = c.get(0)?;
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        let date = if let Some(y) = num(1) {
            NaiveDate::from_ymd_opt(y as i32, num(2)?, num(3)?)
        } else {
            let (a, b, y) = (num(4)?, num(5)?, num(6)? as i32);
            let (month, day) = if a > 12 || (!month_first && b <= 12) {
                (b, a)
            } else {
                (a, b)
            };
            NaiveDate::from_ymd_opt(y, month, day)
        };
        consider(date, m.start(), m.end());
    }
    for c in NAMED_DATE.captures_iter(lower) {
        let m = c.get(0)?;
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        let date = if let Some(name) = c.get(2) {
            month_number(name.as_str())
                .and_then(|mo| NaiveDate::from_ymd_opt(num(3)? as i32, mo, num(1)?))
        } else {
            c.get(4)
                .and_then(|name| month_number(name.as_str()))
                .and_then(|mo| NaiveDate::from_ymd_opt(num(6)? as i32, mo, num(5)?))
        };
        if date.is_some() {
            consider(date, m.start(), m.end());
            break;
        }
    }
    for re in [&*VIETNAMESE_DATE, &*CJK_DATE] {
        if let Some(c) = re.captures(lower) {
            let m = c.get(0)?;
            let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
            let (year, month, day) = if re.as_str().contains('年') {
                (num(1)?, num(2)?, num(3)?)
            } else {
                (num(3)?, num(2)?, num(1)?)
            };
            consider(
                NaiveDate::from_ymd_opt(year as i32, month, day),
                m.start(),
                m.end(),
            );
        }
    }
    if let Some(c) = THAI_DATE.captures(lower) {
        let m = c.get(0)?;
        let day: u32 = c.get(1)?.as_str().parse().ok()?;
        let name = c.get(2)?.as_str();
        let month = THAI_MONTHS.iter().position(|names| names.contains(&name))? as u32 + 1;
        let mut year: i32 = c.get(3)?.as_str().parse().ok()?;
        if year > 2400 {
            year -= 543; // Buddhist era
        }
        consider(
            NaiveDate::from_ymd_opt(year, month, day),
            m.start(),
            m.end(),
        );
    }
    best
}

fn read_time(c: &regex::Captures) -> Option<NaiveTime> {
    let mut hour: u32 = c.get(1)?.as_str().parse().ok()?;
    let minute: u32 = c.get(2)?.as_str().parse().ok()?;
    let second: u32 = c.get(3).and_then(|s| s.as_str().parse().ok()).unwrap_or(0);
    if let Some(meridiem) = c.get(4).map(|m| m.as_str()) {
        let pm = meridiem.starts_with('p') || meridiem == "ch";
        if hour == 12 {
            hour = 0;
        }
        if pm {
            hour += 12;
        }
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// The time that closely follows a date ("- 10:15", "at 3:05 pm"), and where its digits end.
fn find_time(rest: &str) -> Option<(NaiveTime, usize)> {
    let head = rest.get(..40.min(rest.len())).unwrap_or(rest);
    let c = TIME.captures(head)?;
    let end = c.get(4).or_else(|| c.get(3)).or_else(|| c.get(2))?.end();
    Some((read_time(&c)?, end))
}

/// A time written just before the date ("5:12 AM EDT, July 17, 2024", "14:20, 17/07/2024").
fn find_time_before(before: &str) -> Option<(NaiveTime, usize)> {
    let c = TIME.captures_iter(before).last()?;
    let m = c.get(0)?;
    if before.len() - m.end() > 12 {
        return None;
    }
    let end = c.get(4).or_else(|| c.get(3)).or_else(|| c.get(2))?.end();
    Some((read_time(&c)?, end))
}

/// `+02:00` right after a time.
fn bare_offset(after_time: &str) -> Option<FixedOffset> {
    let c = BARE_OFFSET.captures(after_time)?;
    let hours: i32 = c.get(2)?.as_str().parse().ok()?;
    let minutes: i32 = c.get(3)?.as_str().parse().ok()?;
    let sign = if c.get(1)?.as_str() == "-" { -1 } else { 1 };
    (hours <= 14 && minutes < 60)
        .then(|| FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60)))
        .flatten()
}

/// The zone named at the start of `rest`: an offset ("GMT+7") or an abbreviation ("WIB",
/// "EDT"). The generic North American names ("ET", "PT"), which follow the summer-time rule,
/// are read only on pages that write dates month first: elsewhere "et" is a word.
fn find_zone(rest: &str, north_american: bool) -> Option<Zone> {
    let mut cut = 60.min(rest.len());
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    let c = ZONE.captures(&rest[..cut])?;
    if let Some(sign) = c.get(1) {
        let hours: i32 = c.get(2)?.as_str().parse().ok()?;
        let minutes: i32 = c.get(3).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let seconds = (hours * 3600 + minutes * 60) * if sign.as_str() == "-" { -1 } else { 1 };
        return FixedOffset::east_opt(seconds).map(Zone::from);
    }
    let name = c.get(4)?.as_str();
    let generic = match name {
        "et" => Some(-5),
        "ct" => Some(-6),
        "mt" => Some(-7),
        "pt" => Some(-8),
        _ => None,
    };
    if let Some(standard) = generic {
        return north_american.then_some(Zone::NorthAmerica(standard));
    }
    let hours = match name {
        "wib" | "ict" => 7.0,
        "wita" | "sgt" => 8.0,
        "wit" | "jst" | "kst" => 9.0,
        "utc" | "gmt" | "z" => 0.0,
        "est" => -5.0,
        "edt" => -4.0,
        "cst" => -6.0,
        "cdt" => -5.0,
        "mst" => -7.0,
        "mdt" => -6.0,
        "pst" => -8.0,
        "pdt" => -7.0,
        "brt" => -3.0,
        "cet" | "bst" | "mez" => 1.0,
        "cest" | "mesz" => 2.0,
        "ist" => 5.5,
        "aest" => 10.0,
        "aedt" => 11.0,
        _ => return None,
    };
    FixedOffset::east_opt((hours * 3600.0) as i32).map(Zone::from)
}

fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|names| names.contains(&name))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;
    use crate::extract::headline::SideMatter;
    use crate::extract::test_pages::{article, at_fetch, page_with_head};
    use url::Url;

    fn offset(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).unwrap()
    }

    #[test]
    fn machine_formats() {
        let z = utc();
        let want = "2024-07-17T10:15:00+07:00";
        for v in [
            want,
            "2024-07-17T10:15:00.000+0700",
            "Wed, 17 Jul 2024 10:15:00 +0700",
        ] {
            assert_eq!(parse_machine(v, z).unwrap().to_rfc3339(), want, "{v}");
        }
        assert_eq!(
            parse_machine("2024-07-17T03:15:00Z", z)
                .unwrap()
                .to_rfc3339(),
            "2024-07-17T03:15:00+00:00"
        );
        assert_eq!(
            parse_machine("2024-07-17 10:15:00", offset(7))
                .unwrap()
                .to_rfc3339(),
            want
        );
        assert_eq!(
            parse_machine("2024-07-17", offset(7)).unwrap().to_rfc3339(),
            "2024-07-17T00:00:00+07:00"
        );
        assert!(parse_machine("yesterday", z).is_none());
    }

    #[test]
    fn visible_dates_with_zones() {
        let got = parse_visible("Rabu, 17/07/2024 - 10:15 (GMT+7)", utc(), false).unwrap();
        assert_eq!(got.to_rfc3339(), "2024-07-17T10:15:00+07:00");
        let got = parse_visible("Published July 17, 2024 at 3:05 pm EDT", utc(), true).unwrap();
        assert_eq!(got.to_rfc3339(), "2024-07-17T15:05:00-04:00");
        let got = parse_visible("Selasa, 16 Juli 2024 08:30 WIB", utc(), false).unwrap();
        assert_eq!(got.to_rfc3339(), "2024-07-16T08:30:00+07:00");
        let got =
            parse_visible("Thứ tư, ngày 17 tháng 7 năm 2024 10:15", offset(7), false).unwrap();
        assert_eq!(got.to_rfc3339(), "2024-07-17T10:15:00+07:00");
    }

    #[test]
    fn numeric_order_follows_language_unless_impossible() {
        let d = |t, mf| {
            parse_visible(t, utc(), mf)
                .unwrap()
                .date_naive()
                .to_string()
        };
        assert_eq!(d("03/04/2024", false), "2024-04-03");
        assert_eq!(d("03/04/2024", true), "2024-03-04");
        assert_eq!(d("17/07/2024", true), "2024-07-17");
        assert_eq!(d("07/17/2024", false), "2024-07-17");
    }

    #[test]
    fn relative_dates_count_from_fetch_time() {
        let now = DateTime::parse_from_rfc3339("2024-07-17T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |t| parse_relative(t, now, utc()).unwrap().to_rfc3339();
        assert_eq!(at("2 jam lalu"), "2024-07-17T10:00:00+00:00");
        assert_eq!(at("3 hours ago"), "2024-07-17T09:00:00+00:00");
        assert_eq!(at("5 phút trước"), "2024-07-17T11:55:00+00:00");
        assert!(parse_relative("2 jam", now, utc()).is_none());
        // In the page's zone, as the site would print it.
        let wib = parse_relative("2 jam lalu", now, offset(7)).unwrap();
        assert_eq!(wib.to_rfc3339(), "2024-07-17T17:00:00+07:00");
        let berlin = parse_relative("vor 2 Stunden", now, Zone::Europe(1)).unwrap();
        assert_eq!(berlin.to_rfc3339(), "2024-07-17T12:00:00+02:00");
        let mexico = parse_relative("Hace 2 horas", now, offset(-6)).unwrap();
        assert_eq!(mexico.to_rfc3339(), "2024-07-17T04:00:00-06:00");
    }

    #[test]
    fn summer_time_rules() {
        let eu = Zone::Europe(1);
        let naive = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(
            eu.local(naive("2024-07-17 10:15")).unwrap().to_rfc3339(),
            "2024-07-17T10:15:00+02:00"
        );
        assert_eq!(
            eu.local(naive("2024-01-15 14:30")).unwrap().to_rfc3339(),
            "2024-01-15T14:30:00+01:00"
        );
        // 2024: summer time from March 31st to October 27th.
        assert_eq!(
            eu.local(naive("2024-03-30 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            3600
        );
        assert_eq!(
            eu.local(naive("2024-03-31 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            7200
        );
        assert_eq!(
            eu.local(naive("2024-10-28 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            3600
        );
        let uk = Zone::Europe(0);
        let utc_instant = DateTime::parse_from_rfc3339("2024-07-17T08:05:12Z").unwrap();
        assert_eq!(
            uk.at(&utc_instant).to_rfc3339(),
            "2024-07-17T09:05:12+01:00"
        );
        let us_east = Zone::NorthAmerica(-5);
        // 2024: March 10th to November 3rd.
        assert_eq!(
            us_east
                .local(naive("2024-03-09 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            -5 * 3600
        );
        assert_eq!(
            us_east
                .local(naive("2024-03-11 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            -4 * 3600
        );
        assert_eq!(
            us_east
                .local(naive("2024-11-04 12:00"))
                .unwrap()
                .offset()
                .local_minus_utc(),
            -5 * 3600
        );
    }

    #[test]
    fn zones_from_country_then_language() {
        assert_eq!(
            page_zone(Some("en"), Some("www.paper.co.uk")),
            Zone::Europe(0)
        );
        assert_eq!(
            page_zone(Some("de-DE"), Some("zeitung.com")),
            Zone::Europe(1)
        );
        assert_eq!(
            page_zone(Some("pt-BR"), Some("portal.com")),
            offset(-3).into()
        );
        assert_eq!(page_zone(Some("es"), Some("diario.mx")), offset(-6).into());
        assert_eq!(page_zone(Some("id"), Some("kabar.com")), offset(7).into());
        assert_eq!(page_zone(Some("en"), Some("startup.co")), Zone::utc());
        assert_eq!(page_zone(Some("en"), Some("news.com")), Zone::utc());
        assert_eq!(page_zone(None, Some("journal.fr")), Zone::Europe(1));
    }

    #[test]
    fn day_month_order_from_region_or_domain() {
        assert!(month_first(Some("en-US"), Some("x.co.uk")));
        assert!(month_first(Some("en"), Some("station.com")));
        assert!(!month_first(Some("en"), Some("mail.co.uk")));
        assert!(!month_first(Some("en-GB"), Some("x.com")));
        assert!(!month_first(Some("vi"), Some("x.com")));
    }

    #[test]
    fn more_visible_formats() {
        let at = |t: &str, z: Zone, mf: bool| parse_visible(t, z, mf).unwrap().to_rfc3339();
        assert_eq!(
            at("17.jul.2024 às 8h15", offset(-3).into(), false),
            "2024-07-17T08:15:00-03:00"
        );
        assert_eq!(
            at("2024年7月17日 10時15分", offset(9).into(), false),
            "2024-07-17T10:15:00+09:00"
        );
        assert_eq!(
            at("17 ก.ค. 2567 10:15 น.", offset(7).into(), false),
            "2024-07-17T10:15:00+07:00"
        );
        assert_eq!(
            at("Published 5:12 AM EDT, July 17, 2024", Zone::utc(), true),
            "2024-07-17T05:12:00-04:00"
        );
        assert_eq!(
            at("Cập nhật: 14:20, 17/07/2024", offset(7).into(), false),
            "2024-07-17T14:20:00+07:00"
        );
        assert_eq!(
            at("Posted 2024-07-12 10:15 +02:00 by Lars", Zone::utc(), false),
            "2024-07-12T10:15:00+02:00"
        );
        assert_eq!(
            at("17. Juli 2024, 08:45 Uhr", Zone::Europe(1), false),
            "2024-07-17T08:45:00+02:00"
        );
        assert_eq!(
            at("15 ene 2024 - 14:30 CET", Zone::utc(), false),
            "2024-01-15T14:30:00+01:00"
        );
    }

    #[test]
    fn text_without_dates_gives_none() {
        assert!(parse_visible("1.204 kali dibaca", utc(), false).is_none());
        assert!(parse_visible("Room 12/13", utc(), false).is_none());
    }

    #[test]
    fn impossible_years_are_no_date() {
        let html = "<html><head><meta property='article:published_time' content='20240-07-17T10:00:00Z'>\
            </head><body><article><p>Enough text in this paragraph to be the body of the article, with commas.</p>\
            </article></body></html>";
        let a = extract(html, &Url::parse("https://e.org/a").unwrap(), Utc::now()).unwrap();
        assert!(a.published.is_none_or(|d| plausible_date(&d)));
    }

    #[test]
    fn update_lines_are_not_the_publication_date() {
        let a = article(
            "<h1>Headline here</h1><p class=dates>Publié le 17 juillet 2024 à 10h15 · Mis à jour le 17 juillet 2024 à 12h05</p>",
            "https://journal.example.fr/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T10:15:00+02:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-07-17T12:05:00+02:00");
        let a = article(
            "<h1>Headline here</h1><div class=read__date><span>2 jam lalu</span> <span>Diperbarui 30 menit lalu</span></div>",
            "https://portal.example.id/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T17:00:00+07:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2024-07-17T18:30:00+07:00");
    }

    #[test]
    fn dates_above_the_headline_count_but_not_related_lists() {
        let a = article(
            "<span class=date>Thứ tư, 17/7/2024, 10:15 (GMT+7)</span><h1>Headline here</h1>\
             <section class=more-stories><a href=/x>Other</a><span class=time>1 day ago</span></section>",
            "https://bao.example.vn/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T10:15:00+07:00"
        );
        let a = article(
            "<h1>Headline here</h1><span class=meta>3 hours ago</span>\
             <section class=more-stories><a href=/x>Other</a><span class=time>1 day ago</span></section>",
            "https://tech.example.net/a",
        );
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2024-07-17T09:00:00+00:00"
        );
    }

    #[test]
    fn declared_dates_keep_their_day_and_gain_the_visible_time() {
        let html = "<html><head><meta property='article:published_time' content='2014-09-15'>\
            <script type='application/ld+json'>{\"@type\":\"Article\",\"headline\":\"Headline here\",\
            \"dateModified\":\"November 19, 2019\"}</script></head><body>\
            <h1>Headline here</h1><p class=meta>Updated November 19, 2019, 6:21 AM EST</p>\
            <time datetime='2019-11-19T06:34:04-05:00'>comment</time>";
        let a = extract(
            &page_with_head(html),
            &Url::parse("https://e.example.com/a").unwrap(),
            at_fetch(),
        )
        .unwrap();
        assert_eq!(
            a.published.unwrap().to_rfc3339(),
            "2014-09-15T00:00:00+00:00"
        );
        assert_eq!(a.updated.unwrap().to_rfc3339(), "2019-11-19T06:21:00-05:00");
    }

    #[test]
    fn taxonomy_classes_do_not_make_the_article_side_matter() {
        let html = "<html><body><article class='post category-top-stories'><h1>Headline here</h1>\
            <div class=entry-meta><span class='entry-date published'>November 19, 2019, 6:21 AM EST</span></div>\
            <section class=related-stories><span class=date>November 18, 2019</span></section></article>";
        let dom = Dom::parse(html);
        let h = dom.elements_named("h1").next();
        let seen = visible_dates(&dom, h, Zone::utc(), true, at_fetch());
        assert_eq!(
            seen.published.unwrap().to_rfc3339(),
            "2019-11-19T06:21:00-05:00"
        );
        let related = dom.elements_named("section").next().unwrap();
        assert!(SideMatter::new(&dom).contains(related + 1));
    }

    #[test]
    fn declared_utc_is_written_in_the_page_offset() {
        let html = "<time datetime='2024-07-16T10:05:00-04:00'>July 16</time>";
        let dom = Dom::parse(html);
        let utc = DateTime::parse_from_rfc3339("2024-07-16T14:05:00Z").unwrap();
        assert_eq!(
            localize(&dom, utc, Zone::utc()).to_rfc3339(),
            "2024-07-16T10:05:00-04:00"
        );
        let dom = Dom::parse("<p>no times</p>");
        assert_eq!(
            localize(&dom, utc, Zone::Europe(1)).to_rfc3339(),
            "2024-07-16T16:05:00+02:00"
        );
        // Offsets the declaration gives are kept.
        let own = DateTime::parse_from_rfc3339("2024-07-16T10:05:00+07:00").unwrap();
        assert_eq!(localize(&dom, own, Zone::Europe(1)), own);
    }
}
