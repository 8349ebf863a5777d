//! Dates as pages write them: machine formats in metadata, and human formats in the visible
//! byline ("Rabu, 17/07/2024 - 10:15 (GMT+7)", "July 17, 2024 at 3:05 pm EDT").
//!
//! A date without a time zone is read in the zone its language most likely means, and a
//! date order (day/month vs month/day) is chosen by the page's language, since a page
//! rarely says which one it uses.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use regex::Regex;

/// Parses the date formats found in metadata: RFC 3339 and its common near-misses,
/// RFC 2822, and bare dates. `zone` is used when the value carries no offset.
pub fn parse_machine(value: &str, zone: FixedOffset) -> Option<DateTime<FixedOffset>> {
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
            return zone.from_local_datetime(&d).single();
        }
    }
    let date_part = v.get(..10).unwrap_or(v);
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(date_part, f) {
            return zone
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single();
        }
    }
    None
}

/// Finds a date written for people in `text`. Returns it with the zone the text names, or
/// `zone` when it names none. `month_first` says whether `01/02/2024` means January 2nd.
pub fn parse_visible(
    text: &str,
    zone: FixedOffset,
    month_first: bool,
) -> Option<DateTime<FixedOffset>> {
    let lower = text.to_lowercase();
    let (date, date_end) = find_date(&lower, month_first)?;
    let rest = &lower[date_end..];
    let time = find_time(rest).unwrap_or(NaiveTime::MIN);
    let zone = find_zone(rest).unwrap_or(zone);
    zone.from_local_datetime(&date.and_time(time)).single()
}

/// Reads "3 hours ago", "2 jam lalu", "5 phút trước" against the time the page was fetched.
pub fn parse_relative(text: &str, now: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    let lower = text.to_lowercase();
    let c = RELATIVE.captures(&lower)?;
    let amount: i64 = c.get(1).or_else(|| c.get(3))?.as_str().parse().ok()?;
    let unit = c.get(2).or_else(|| c.get(4))?.as_str();
    let seconds = match unit {
        u if u.starts_with("sec") || u.starts_with("det") || u == "giây" => 1,
        u if u.starts_with("min") || u == "menit" || u == "phút" => 60,
        u if u.starts_with("hour")
            || u.starts_with("hr")
            || u == "jam"
            || u == "giờ"
            || u.starts_with("stunde")
            || u.starts_with("heure")
            || u.starts_with("hora") =>
        {
            3600
        }
        u if u.starts_with("day")
            || u == "hari"
            || u == "ngày"
            || u.starts_with("tag")
            || u.starts_with("jour")
            || u.starts_with("día")
            || u.starts_with("dia") =>
        {
            86_400
        }
        u if u.starts_with("week") || u == "minggu" || u == "tuần" => 7 * 86_400,
        _ => return None,
    };
    let then = now - chrono::Duration::seconds(amount.checked_mul(seconds)?);
    Some(then.with_timezone(&utc()))
}

/// The zone a language's pages most likely mean when they name none; UTC when the
/// language spans many zones or is unknown.
pub fn default_zone(language: Option<&str>) -> FixedOffset {
    let hours = match language.map(primary_subtag).as_deref() {
        Some("id") | Some("vi") | Some("th") | Some("km") | Some("lo") => 7,
        Some("ms") | Some("zh") | Some("fil") | Some("tl") => 8,
        Some("ja") | Some("ko") => 9,
        _ => 0,
    };
    FixedOffset::east_opt(hours * 3600).unwrap_or_else(utc)
}

/// Whether a language writes numeric dates month first (`07/17/2024`).
pub fn month_first(language: Option<&str>) -> bool {
    matches!(
        language.map(|l| l.to_ascii_lowercase()).as_deref(),
        Some("en-us") | Some("en_us") | Some("en-ph") | Some("fil") | Some("tl")
    ) || language.is_some_and(|l| l.eq_ignore_ascii_case("en"))
}

pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).expect("zero offset is valid")
}

fn primary_subtag(language: &str) -> String {
    language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

static NUMERIC_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b|\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
        .expect("valid regex")
});
/// A day, a month name and a year, in either order. The month group used to be any word of
/// 3 to 10 letters (`\p{L}{3,10}`, kept below as [`ANY_WORD`]) of which only month names were
/// used; naming the months instead finds the same dates (the word is always a whole run of
/// letters, so only a whole month name can stand there) and compiles in a fraction of the
/// time: twenty copies of the Unicode letter class cost ~40M instructions, once per process.
static NAMED_DATE: LazyLock<Regex> = LazyLock::new(|| named_date_regex(&month_alternation()));
#[cfg(test)]
const ANY_WORD: &str = r"\p{L}{3,10}";

fn named_date_regex(word: &str) -> Regex {
    Regex::new(&format!(
        r"\b(\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?({word})\.?,?\s+(?:de\s+)?(\d{{4}})\b|\b({word})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
    ))
    .expect("valid regex")
}

/// Every name in [`MONTHS`], longest first, as a regex alternation.
fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().flat_map(|m| m.iter().copied()).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|")
}

static VIETNAMESE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})\s+tháng\s+(\d{1,2}),?\s+(?:năm\s+)?(\d{4})\b").expect("valid regex")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(\d{1,3})\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|detik|menit|jam|hari|minggu|giây|phút|giờ|ngày|tuần|stunden?|tagen?|heures?|jours?|horas?|días?|dias?)\s*(?:ago|(?:yang\s+)?lalu|trước|her|auparavant)\b|\b(?:vor|il y a|hace|há)\s+(\d{1,3})\s*(\w+)",
    )
    .expect("valid regex")
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?|sa|ch)?(?:\W|$)")
        .expect("valid regex")
});
static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?|\b(wib|wita|wit|ict|utc|gmt|z|est|edt|cst|cdt|mst|mdt|pst|pdt|cet|cest|bst|ist|jst|kst|sgt|aest|aedt)\b")
        .expect("valid regex")
});

fn find_date(lower: &str, month_first: bool) -> Option<(NaiveDate, usize)> {
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
    if let Some((date, start, end)) = first_named_date(&NAMED_DATE, lower) {
        consider(Some(date), start, end);
    }
    if let Some(c) = VIETNAMESE_DATE.captures(lower) {
        let m = c.get(0)?;
        let num = |i: usize| c.get(i).and_then(|g| g.as_str().parse::<u32>().ok());
        consider(
            NaiveDate::from_ymd_opt(num(3)? as i32, num(2)?, num(1)?),
            m.start(),
            m.end(),
        );
    }
    best.map(|(d, _, end)| (d, end))
}

/// The first match of a [`named_date_regex`] that names a month and a valid date.
fn first_named_date(re: &Regex, lower: &str) -> Option<(NaiveDate, usize, usize)> {
    for c in re.captures_iter(lower) {
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
            return date.map(|d| (d, m.start(), m.end()));
        }
    }
    None
}

fn find_time(rest: &str) -> Option<NaiveTime> {
    // The time belongs to the date only if it follows closely ("- 10:15", "at 3:05 pm").
    let c = TIME.captures(rest.get(..40.min(rest.len())).or(Some(rest))?)?;
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

fn find_zone(rest: &str) -> Option<FixedOffset> {
    let c = ZONE.captures(rest.get(..60.min(rest.len())).or(Some(rest))?)?;
    if let Some(sign) = c.get(1) {
        let hours: i32 = c.get(2)?.as_str().parse().ok()?;
        let minutes: i32 = c.get(3).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let seconds = (hours * 3600 + minutes * 60) * if sign.as_str() == "-" { -1 } else { 1 };
        return FixedOffset::east_opt(seconds);
    }
    let hours = match c.get(4)?.as_str() {
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
        "cet" | "bst" => 1.0,
        "cest" => 2.0,
        "ist" => 5.5,
        "aest" => 10.0,
        "aedt" => 11.0,
        _ => return None,
    };
    FixedOffset::east_opt((hours * 3600.0) as i32)
}

/// Month names and common abbreviations in the languages feedgen's users read most.
const MONTHS: [&[&str]; 12] = [
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

fn month_number(name: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|names| names.contains(&name))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naming the months finds exactly the dates that "any word, if it is a month" found:
    /// compared on pseudo-random strings of dates, near-dates and noise.
    #[test]
    fn month_names_find_what_any_word_found() {
        let any_word = named_date_regex(ANY_WORD);
        let numbers = [
            "1", "12", "31", "5th", "2nd", "1er", "2019", "2024", "19999", "٣", "0",
        ];
        let words = [
            "de",
            "jan",
            "january",
            "mar",
            "march",
            "maret",
            "mars",
            "mayo",
            "may",
            "maya",
            "mai",
            "foo",
            "xyz",
            "août",
            "märz",
            "déc",
            "fév",
            "sept",
            "septiembre",
            "abcdefghijk",
            "tháng",
            "x_may",
            "ago",
            "dec",
            "decembers",
            "ß",
            "may\u{301}",
            "feb.",
            "de may",
        ];
        let separators = [
            " ", " ", " ", "  ", ", ", ",", ".", ". ", "-", "/", "\n", "\u{a0}", "", "_",
        ];
        let groups: [&[&str]; 4] = [&numbers, &separators, &words, &separators];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut found = 0;
        for _ in 0..100_000 {
            let len = 1 + next(14);
            let offset = next(4);
            let text: String = (0..len)
                .map(|k| {
                    let group = if next(6) == 0 {
                        next(4)
                    } else {
                        (k + offset) % 4
                    };
                    groups[group][next(groups[group].len())]
                })
                .collect();
            let date = first_named_date(&any_word, &text);
            found += usize::from(date.is_some());
            assert_eq!(date, first_named_date(&NAMED_DATE, &text), "{text:?}");
        }
        assert!(found > 500, "only {found} dates: the test says little");
    }

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
        let at = |t| parse_relative(t, now).unwrap().to_rfc3339();
        assert_eq!(at("2 jam lalu"), "2024-07-17T10:00:00+00:00");
        assert_eq!(at("3 hours ago"), "2024-07-17T09:00:00+00:00");
        assert_eq!(at("5 phút trước"), "2024-07-17T11:55:00+00:00");
        assert!(parse_relative("2 jam", now).is_none());
    }

    #[test]
    fn text_without_dates_gives_none() {
        assert!(parse_visible("1.204 kali dibaca", utc(), false).is_none());
        assert!(parse_visible("Room 12/13", utc(), false).is_none());
    }
}
