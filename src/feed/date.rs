//! Feed dates as publishers write them: RFC 822 and RFC 3339 first, then the broken forms
//! seen in real feeds (no zone, two-digit years, W3C partial dates, month and day names in
//! English, German, French, Spanish, Portuguese, Italian, Dutch and Russian, zone names).
//!
//! The parse reads tokens (numbers, words, a zone) rather than matching layouts, so the order
//! of the parts can vary the way it does in the wild. A date it cannot read is `None`, and the
//! store dates such an article by when it was first seen.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

/// Parses a feed date.
pub fn parse(input: &str) -> Option<DateTime<Utc>> {
    let s = input.trim();
    if s.is_empty() || s.len() > 120 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    iso(s).or_else(|| loose(s))
}

/// ISO 8601 / W3C-DTF, partial dates and basic format included: `2003`, `2003-12`,
/// `20031231T2359Z`, `2003-12-31 23:59:59.5 +0100`, `2003-12-31T23:59`.
fn iso(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (date_part, rest) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], s[i + 1..].trim()),
        None => (s, ""),
    };
    let digits: String = date_part.chars().filter(char::is_ascii_digit).collect();
    if date_part.chars().any(|c| !c.is_ascii_digit() && c != '-') {
        return None;
    }
    let year: i32 = digits.get(..4)?.parse().ok()?;
    let month: u32 = digits.get(4..6).map_or(Some(1), |m| m.parse().ok())?;
    let day: u32 = digits.get(6..8).map_or(Some(1), |d| d.parse().ok())?;
    if digits.len() > 8 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if rest.is_empty() {
        return Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN)));
    }
    let zone_at = rest
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '+' || c == '-' || c == 'Z' || c == 'z' || c == ' ')
        .map(|(i, _)| i);
    let (time, zone) = match zone_at {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let time = clock(time)?;
    let offset = if zone.is_empty() { 0 } else { zone_offset(zone)? };
    at_offset(date.and_time(time), offset)
}

/// `hh:mm[:ss[.frac]]` or `hhmm[ss]`.
fn clock(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let (whole, _) = s.split_once(['.', ',']).unwrap_or((s, ""));
    let parts: Vec<&str> = if whole.contains(':') {
        whole.split(':').collect()
    } else if whole.len() == 4 || whole.len() == 6 {
        (0..whole.len()).step_by(2).map(|i| &whole[i..i + 2]).collect()
    } else {
        return None;
    };
    let num = |i: usize| -> Option<u32> { parts.get(i).map_or(Some(0), |p| p.trim().parse().ok()) };
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let (h, m, sec) = (num(0)?, num(1)?, num(2)?);
    // 24:00 is midnight at the end of the day; a leap second reads as :59.
    if h == 24 && m == 0 && sec == 0 {
        return NaiveTime::from_hms_opt(23, 59, 59);
    }
    NaiveTime::from_hms_opt(h, m, sec.min(59))
}

fn at_offset(local: NaiveDateTime, offset_secs: i32) -> Option<DateTime<Utc>> {
    let tz = FixedOffset::east_opt(offset_secs)?;
    tz.from_local_datetime(&local)
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// A zone: `Z`, `±hh:mm`, `±hhmm`, `±hh`, `GMT+1`, or a name (GMT, UTC, EST, CET, ...).
fn zone_offset(z: &str) -> Option<i32> {
    let z = z.trim().trim_start_matches('(').trim_end_matches(')');
    let upper = z.to_ascii_uppercase();
    let stripped = ["GMT", "UTC", "UT"]
        .iter()
        .find_map(|p| upper.strip_prefix(p).filter(|r| r.starts_with(['+', '-'])));
    let numeric = stripped.unwrap_or(&upper);
    if let Some(sign) = numeric.chars().next().filter(|c| *c == '+' || *c == '-') {
        let digits: String = numeric[1..].chars().filter(char::is_ascii_digit).collect();
        let (h, m) = match digits.len() {
            1 | 2 => (digits.parse::<i32>().ok()?, 0),
            3 => (digits[..1].parse::<i32>().ok()?, digits[1..].parse::<i32>().ok()?),
            4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
            _ => return None,
        };
        if h > 14 || m > 59 {
            return None;
        }
        let secs = h * 3600 + m * 60;
        return Some(if sign == '-' { -secs } else { secs });
    }
    let hours = match upper.as_str() {
        "Z" | "GMT" | "UTC" | "UT" | "WET" => 0,
        "BST" | "CET" | "MEZ" | "WEST" => 1,
        "CEST" | "MESZ" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "EDT" => -4,
        "EST" | "CDT" => -5,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" => -8,
        "AKST" => -9,
        "HST" => -10,
        "IST" => return Some(5 * 3600 + 1800),
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        _ => return None,
    };
    Some(hours * 3600)
}

/// Month names and their common abbreviations, by language.
const MONTHS: [&[&str]; 12] = [
    &[
        "jan",
        "january",
        "januar",
        "janvier",
        "janv",
        "enero",
        "ene",
        "janeiro",
        "gennaio",
        "gen",
        "januari",
        "январь",
        "января",
        "янв",
        "jänner",
        "jän",
    ],
    &[
        "feb",
        "february",
        "februar",
        "février",
        "fevrier",
        "févr",
        "fev",
        "fév",
        "febrero",
        "fevereiro",
        "febbraio",
        "februari",
        "февраль",
        "февраля",
        "фев",
    ],
    &[
        "mar",
        "march",
        "märz",
        "maerz",
        "mars",
        "marzo",
        "mär",
        "março",
        "marco",
        "maart",
        "mrt",
        "март",
        "марта",
        "мар",
    ],
    &[
        "apr",
        "april",
        "avril",
        "avr",
        "abril",
        "abr",
        "aprile",
        "апрель",
        "апреля",
        "апр",
    ],
    &["may", "mai", "mayo", "maio", "maggio", "mag", "mei", "май", "мая"],
    &[
        "jun", "june", "juni", "juin", "junio", "junho", "giugno", "giu", "июнь", "июня", "июн",
    ],
    &[
        "jul", "july", "juli", "juillet", "juil", "julio", "julho", "luglio", "lug", "июль", "июля", "июл",
    ],
    &[
        "aug",
        "august",
        "août",
        "aout",
        "agosto",
        "ago",
        "augustus",
        "август",
        "августа",
        "авг",
    ],
    &[
        "sep",
        "sept",
        "september",
        "septembre",
        "septiembre",
        "setembro",
        "set",
        "settembre",
        "сентябрь",
        "сентября",
        "сен",
    ],
    &[
        "oct",
        "october",
        "oktober",
        "okt",
        "octobre",
        "octubre",
        "outubro",
        "out",
        "ottobre",
        "ott",
        "октябрь",
        "октября",
        "окт",
    ],
    &[
        "nov",
        "november",
        "novembre",
        "noviembre",
        "novembro",
        "ноябрь",
        "ноября",
        "ноя",
    ],
    &[
        "dec",
        "december",
        "dezember",
        "dez",
        "décembre",
        "decembre",
        "déc",
        "diciembre",
        "dic",
        "dezembro",
        "dicembre",
        "декабрь",
        "декабря",
        "дек",
    ],
];

/// Day names and abbreviations (they carry no information; they are skipped, not guessed).
const DAYS: &[&str] = &[
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "mo",
    "montag",
    "di",
    "dienstag",
    "mi",
    "mittwoch",
    "do",
    "donnerstag",
    "fr",
    "freitag",
    "sa",
    "samstag",
    "so",
    "sonntag",
    "lun",
    "lundi",
    "mar",
    "mardi",
    "mer",
    "mercredi",
    "jeu",
    "jeudi",
    "ven",
    "vendredi",
    "sam",
    "samedi",
    "dim",
    "dimanche",
    "lunes",
    "martes",
    "mié",
    "mie",
    "miércoles",
    "miercoles",
    "jue",
    "jueves",
    "vie",
    "viernes",
    "sáb",
    "sab",
    "sábado",
    "sabado",
    "dom",
    "domingo",
    "seg",
    "segunda",
    "ter",
    "terça",
    "terca",
    "qua",
    "quarta",
    "qui",
    "quinta",
    "sex",
    "sexta",
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "lunedì",
    "lunedi",
    "martedì",
    "martedi",
    "mercoledì",
    "mercoledi",
    "gio",
    "giovedì",
    "giovedi",
    "venerdì",
    "venerdi",
    "sabato",
    "domenica",
    "ma",
    "maandag",
    "dinsdag",
    "wo",
    "woensdag",
    "donderdag",
    "vr",
    "vrijdag",
    "za",
    "zaterdag",
    "zo",
    "zondag",
    "пн",
    "вт",
    "ср",
    "чт",
    "пт",
    "сб",
    "вс",
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .map(|i| i as u32 + 1)
}

#[derive(Debug)]
enum Token<'a> {
    Num(&'a str),
    Word(&'a str),
    Clock(&'a str),
    Zone(&'a str),
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_ascii_digit() {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == ':' || (d == '.' && s[i..j].contains(':')) {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let t = &s[i..end];
            out.push(if t.contains(':') {
                Token::Clock(t)
            } else {
                Token::Num(t)
            });
        } else if (c == '+' || c == '-') && !out.is_empty() {
            let mut end = i + 1;
            chars.next();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_ascii_digit() || d == ':' {
                    end = j + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            if end > i + 1 && out.iter().any(|t| matches!(t, Token::Clock(_))) {
                out.push(Token::Zone(&s[i..end]));
            } else if end > i + 1 {
                out.push(Token::Num(&s[i + 1..end]));
            }
        } else if c.is_alphabetic() {
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                // A hyphen inside a word (`segunda-feira`), not one before a number.
                let joins = d == '-' && s[j + 1..].starts_with(char::is_alphabetic);
                if d.is_alphabetic() || joins {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(Token::Word(&s[i..end]));
        } else {
            chars.next();
        }
    }
    out
}

/// Everything else: the parts found by what they are. `Seg, 24 Set 2018 10:00:00 -0300`,
/// `Sunday, 12 May 02 10:00 EST`, `May 12, 2002`, `12.05.2002 10:00`, `2002/05/12`.
fn loose(s: &str) -> Option<DateTime<Utc>> {
    let mut month = None;
    let mut nums: Vec<&str> = Vec::new();
    let mut time = None;
    let mut offset = None;
    let mut pm = None;
    for t in tokens(s) {
        match t {
            Token::Num(n) => nums.push(n),
            Token::Clock(c) => time = time.or_else(|| clock(c)),
            // A numeric zone is exact; it wins over a name (`GMT+2`, `-0500 (EST)`).
            Token::Zone(z) => offset = zone_offset(z).or(offset),
            Token::Word(w) => {
                let lower = w.to_lowercase();
                if lower == "am" || lower == "pm" {
                    pm = Some(lower == "pm");
                } else if let Some(m) = month_of(w).filter(|_| month.is_none()) {
                    month = Some(m);
                } else if DAYS.contains(&lower.trim_end_matches('.')) || lower == "de" || lower == "the" {
                } else if let Some(z) = zone_offset(w) {
                    offset = offset.or(Some(z));
                } else if !w.chars().all(|c| c.is_alphabetic()) || w.len() > 1 {
                    // An unknown word in a date: ordinal suffixes are fine, anything else fails.
                    if !matches!(
                        lower.as_str(),
                        "st" | "nd" | "rd" | "th" | "um" | "à" | "a" | "at" | "о"
                    ) {
                        return None;
                    }
                }
            }
        }
    }
    let (year, month, day) = match month {
        Some(m) => {
            // Day and year around a month name: the one over 31 (or written with 4 digits)
            // is the year.
            let (y, d) = match nums.as_slice() {
                [a, b, ..] if a.len() == 4 || a.parse::<u32>().ok()? > 31 => (*a, *b),
                [a, b, ..] => (*b, *a),
                [a] if a.len() == 4 => (*a, "1"),
                _ => return None,
            };
            (year_of(y)?, m, d.parse().ok()?)
        }
        None => match nums.as_slice() {
            [y, m, d, ..] if y.len() == 4 => (year_of(y)?, m.parse().ok()?, d.parse().ok()?),
            // Day first, as everywhere but the US writes dates with dots.
            [d, m, y, ..] if y.len() == 4 || s.contains('.') => {
                (year_of(y)?, m.parse().ok()?, d.parse().ok()?)
            }
            _ => return None,
        },
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut time = time.unwrap_or(NaiveTime::MIN);
    if let Some(pm) = pm {
        let h = time.hour() % 12 + if pm { 12 } else { 0 };
        time = NaiveTime::from_hms_opt(h, time.minute(), time.second())?;
    }
    let d = at_offset(date.and_time(time), offset.unwrap_or(0))?;
    (d.year() > 1900).then_some(d)
}

/// A year as written: four digits, or two (RFC 2822: 00-49 are 2000-2049, 50-99 1950-1999).
fn year_of(s: &str) -> Option<i32> {
    let y: i32 = s.parse().ok()?;
    match s.len() {
        2 if y < 50 => Some(2000 + y),
        2 => Some(1900 + y),
        4 => Some(y),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso8601(s: &str) -> Option<String> {
        parse(s).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    }

    #[test]
    fn standard_forms() {
        assert_eq!(
            iso8601("Mon, 02 Jan 2006 15:04:05 GMT").as_deref(),
            Some("2006-01-02T15:04:05Z")
        );
        assert_eq!(
            iso8601("2006-01-02T15:04:05+01:00").as_deref(),
            Some("2006-01-02T14:04:05Z")
        );
        assert_eq!(
            iso8601("Mon, 02 Jan 2006 15:04:05 -0700").as_deref(),
            Some("2006-01-02T22:04:05Z")
        );
    }

    #[test]
    fn broken_forms_seen_in_feeds() {
        let cases = [
            ("2003", "2003-01-01T00:00:00Z"),
            ("2003-12", "2003-12-01T00:00:00Z"),
            ("20031231T2359Z", "2003-12-31T23:59:00Z"),
            ("2003-12-31 23:59:59.5 +0100", "2003-12-31T22:59:59Z"),
            ("2003-12-31T10:14:55.1234-08:00", "2003-12-31T18:14:55Z"),
            ("Mon, 02 Jan 2006 15:04:05", "2006-01-02T15:04:05Z"),
            ("Sunday, 12 May 02 10:00 EST", "2002-05-12T15:00:00Z"),
            ("Thu, 5 Apr 2012 23:59 +0000", "2012-04-05T23:59:00Z"),
            ("May 12, 2002", "2002-05-12T00:00:00Z"),
            ("12.05.2002 10:00", "2002-05-12T10:00:00Z"),
            ("2002/05/12 10:00:00 PM", "2002-05-12T22:00:00Z"),
            ("Tue, 10 Jun 2003 04:00:00 GMT+2", "2003-06-10T02:00:00Z"),
            ("Wed, 31 Dec 97 23:59:59 PST", "1998-01-01T07:59:59Z"),
        ];
        for (input, want) in cases {
            assert_eq!(iso8601(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn month_and_day_names_in_the_main_european_languages() {
        let cases = [
            ("Seg, 24 Set 2018 10:00:00 -0300", "2018-09-24T13:00:00Z"),
            ("Di, 13 Mär 2018 08:00:00 +0100", "2018-03-13T07:00:00Z"),
            ("Mittwoch, 4. Dezember 2019 12:00", "2019-12-04T12:00:00Z"),
            ("mer., 15 janv. 2020 09:30:00 +0100", "2020-01-15T08:30:00Z"),
            ("Lun, 3 Feb 2020 10:00:00 +0100", "2020-02-03T09:00:00Z"),
            ("jueves, 5 de marzo de 2020 11:00", "2020-03-05T11:00:00Z"),
            ("Gio, 09 Apr 2020 10:00:00 +0200", "2020-04-09T08:00:00Z"),
            ("vr, 01 mei 2020 07:00:00 +0200", "2020-05-01T05:00:00Z"),
            ("Пт, 12 июня 2020 15:00:00 +0300", "2020-06-12T12:00:00Z"),
            ("ma, 7 okt 2019 10:00", "2019-10-07T10:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(iso8601(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn nonsense_is_no_date() {
        for s in [
            "",
            "soon",
            "yesterday at noon",
            "99/99/9999",
            "Mon, 32 Jan 2006",
            "13:00",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
