//! Dates as a reader wants them: in the local time zone (`TZ` or the system's), relative while
//! recent ("45 min", "2 h ago"), or in a fixed `date_format` the user chose.

use chrono::{DateTime, FixedOffset, Local, Utc};

/// The zone dates are shown in; tests fix it so snapshots do not depend on the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Local,
    Fixed(FixedOffset),
}

impl Zone {
    pub fn at(&self, t: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            Zone::Local => t.with_timezone(&Local).fixed_offset(),
            Zone::Fixed(o) => t.with_timezone(o),
        }
    }
}

/// How dates are written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DateStyle {
    pub zone: Zone,
    /// A strftime format used for every date instead of the relative and short forms.
    pub fixed: Option<String>,
}

/// "now", "45 min", "2 h" for the last day, else None.
fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    let age = now.signed_duration_since(t);
    if age < chrono::Duration::zero() || age >= chrono::Duration::hours(24) {
        return None;
    }
    Some(match age.num_minutes() {
        0 => "now".to_string(),
        m @ 1..=59 => format!("{m} min"),
        _ => format!("{} h", age.num_hours()),
    })
}

impl DateStyle {
    /// At most six columns, for the headline list: relative today, "Mar 10" this year, else
    /// the year.
    pub fn short(&self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        if let Some(f) = &self.fixed {
            return self.zone.at(t).format(f).to_string();
        }
        if let Some(r) = relative(t, now) {
            return r;
        }
        let (local, today) = (self.zone.at(t), self.zone.at(now));
        if local.format("%Y").to_string() == today.format("%Y").to_string() {
            local.format("%b %d").to_string()
        } else {
            local.format("%Y").to_string()
        }
    }

    /// The article header's date: the full local date, with how long ago when recent.
    pub fn long(&self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        if let Some(f) = &self.fixed {
            return self.zone.at(t).format(f).to_string();
        }
        let full = self.zone.at(t).format("%a %d %b %Y %H:%M").to_string();
        match relative(t, now) {
            Some(r) if r == "now" => format!("{full} (just now)"),
            Some(r) => format!("{full} ({r} ago)"),
            None => full,
        }
    }

    /// A day, for lists on the command line.
    pub fn day(&self, t: DateTime<Utc>) -> String {
        match &self.fixed {
            Some(f) => self.zone.at(t).format(f).to_string(),
            None => self.zone.at(t).format("%Y-%m-%d").to_string(),
        }
    }
}

/// Checks a strftime format, so a broken one is a config error and not garbage on screen.
pub fn check_format(f: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(f).any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "'{f}' is not a date format; write it like \"%Y-%m-%d %H:%M\""
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("date")
    }

    #[test]
    fn recent_dates_are_relative_older_ones_local() {
        let now = utc(2026, 12, 2, 20, 0);
        let tokyo = DateStyle {
            zone: Zone::Fixed(FixedOffset::east_opt(9 * 3600).expect("offset")),
            fixed: None,
        };
        assert_eq!(tokyo.short(utc(2026, 12, 2, 19, 15), now), "45 min");
        assert_eq!(tokyo.short(utc(2026, 12, 2, 18, 0), now), "2 h");
        assert_eq!(
            tokyo.long(utc(2026, 12, 2, 18, 0), now),
            "Thu 03 Dec 2026 03:00 (2 h ago)"
        );
        // 20:30 UTC on 9 March is already 10 March in Tokyo.
        assert_eq!(tokyo.short(utc(2026, 3, 9, 20, 30), now), "Mar 10");
        assert_eq!(tokyo.short(utc(2024, 3, 9, 10, 0), now), "2024");
        let fixed = DateStyle {
            zone: Zone::Fixed(FixedOffset::east_opt(0).expect("offset")),
            fixed: Some("%d.%m.%Y".into()),
        };
        assert_eq!(fixed.short(utc(2026, 12, 2, 19, 15), now), "02.12.2026");
        assert!(check_format("%Y-%m-%d").is_ok());
        assert!(check_format("%Q").is_err());
    }
}
