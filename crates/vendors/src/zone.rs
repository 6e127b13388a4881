//! The time zone agreement and review dates are read in.
//!
//! A registry names either a fixed offset (`"UTC"`, `"-05:00"`) or an IANA
//! zone (`"America/New_York"`), in which case daylight saving time is
//! followed: 1 February starts at 05:00 UTC in New York, 1 August at
//! 04:00 UTC. Named zones come from the system database when there is one
//! and from the database bundled with `jiff` otherwise, so a decision does
//! not depend on the machine.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A fixed offset or a named zone.
#[derive(Debug, Clone)]
pub(crate) enum Zone {
    Fixed {
        name: String,
        offset: UtcOffset,
    },
    Named {
        name: String,
        zone: jiff::tz::TimeZone,
    },
}

impl Zone {
    pub(crate) fn utc() -> Zone {
        Zone::Fixed {
            name: "UTC".to_owned(),
            offset: UtcOffset::UTC,
        }
    }

    /// Reads `"UTC"`, `"Z"`, `"+05:30"` or an IANA name with a `/`.
    ///
    /// Bare abbreviations such as `EST` are refused even where the
    /// database knows them: there `EST` is a fixed offset without daylight
    /// saving time, which is rarely what the writer meant.
    pub(crate) fn parse(text: &str) -> Option<Zone> {
        if let Some(offset) = parse_offset(text) {
            return Some(Zone::Fixed {
                name: text.to_owned(),
                offset,
            });
        }
        if !text.contains('/') || text.eq_ignore_ascii_case("etc/unknown") {
            return None;
        }
        let zone = jiff::tz::TimeZone::get(text).ok()?;
        Some(Zone::Named {
            name: text.to_owned(),
            zone,
        })
    }

    /// The zone as the registry wrote it.
    pub(crate) fn name(&self) -> &str {
        match self {
            Zone::Fixed { name, .. } | Zone::Named { name, .. } => name,
        }
    }

    /// The first instant of `day` in this zone.
    pub(crate) fn start_of(&self, day: Date) -> OffsetDateTime {
        match self {
            Zone::Fixed { offset, .. } => start_at(day, *offset),
            // Out of jiff's range (the last days of year 9999) the day is
            // read in UTC instead; no agreement lives there.
            Zone::Named { zone, .. } => {
                named_start(day, zone).unwrap_or(start_at(day, UtcOffset::UTC))
            }
        }
    }

    /// The calendar day `at` falls on in this zone.
    pub(crate) fn date_of(&self, at: OffsetDateTime) -> Date {
        match self {
            Zone::Fixed { offset, .. } => at.to_offset(*offset).date(),
            Zone::Named { zone, .. } => {
                named_date(at, zone).unwrap_or(at.to_offset(UtcOffset::UTC).date())
            }
        }
    }
}

fn start_at(day: Date, offset: UtcOffset) -> OffsetDateTime {
    PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_offset(offset)
}

fn named_start(day: Date, zone: &jiff::tz::TimeZone) -> Option<OffsetDateTime> {
    let civil = jiff::civil::Date::new(
        i16::try_from(day.year()).ok()?,
        i8::try_from(u8::from(day.month())).ok()?,
        i8::try_from(day.day()).ok()?,
    )
    .ok()?;
    // Midnight that falls in a daylight-saving gap resolves to the first
    // instant that exists, which is where the day starts.
    let zoned = civil.to_zoned_datetime(zone.clone()).ok()?;
    let offset = UtcOffset::from_whole_seconds(zoned.offset().seconds()).ok()?;
    let instant =
        OffsetDateTime::from_unix_timestamp_nanos(zoned.timestamp().as_nanosecond()).ok()?;
    Some(instant.to_offset(offset))
}

fn named_date(at: OffsetDateTime, zone: &jiff::tz::TimeZone) -> Option<Date> {
    let instant = jiff::Timestamp::from_nanosecond(at.unix_timestamp_nanos()).ok()?;
    let civil = instant.to_zoned_datetime(zone.clone()).date();
    let month = Month::try_from(u8::try_from(civil.month()).ok()?).ok()?;
    Date::from_calendar_date(
        i32::from(civil.year()),
        month,
        u8::try_from(civil.day()).ok()?,
    )
    .ok()
}

/// Reads `"UTC"`, `"Z"` or a fixed offset such as `"-05:00"`.
fn parse_offset(text: &str) -> Option<UtcOffset> {
    if text.eq_ignore_ascii_case("utc") || text == "Z" {
        return Some(UtcOffset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = text[1..].split_once(':')?;
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || !digits(minutes) {
        return None;
    }
    let hours: i8 = hours.parse().ok()?;
    let minutes: i8 = minutes.parse().ok()?;
    if hours > 14 || minutes >= 60 {
        return None;
    }
    UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("UTC"), Some(UtcOffset::UTC));
        assert_eq!(parse_offset("Z"), Some(UtcOffset::UTC));
        assert_eq!(parse_offset("+00:00"), Some(UtcOffset::UTC));
        assert_eq!(
            parse_offset("-05:30"),
            Some(UtcOffset::from_hms(-5, -30, 0).unwrap())
        );
        assert_eq!(
            parse_offset("+14:00"),
            Some(UtcOffset::from_hms(14, 0, 0).unwrap())
        );
        for bad in [
            "", "05:00", "+5:00", "+05:60", "+05", "EST", "+0500", "+15:00", "+30:00",
        ] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(matches!(
            Zone::parse("America/New_York"),
            Some(Zone::Named { .. })
        ));
        assert!(matches!(Zone::parse("-05:00"), Some(Zone::Fixed { .. })));
        for bad in [
            "EST",
            "EST5EDT",
            "America/Nowhere",
            "Etc/Unknown",
            "../etc/passwd",
            "",
        ] {
            assert!(Zone::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn daylight_saving_time_is_followed() {
        let zone = Zone::parse("America/New_York").unwrap();
        assert_eq!(
            zone.start_of(date!(2026 - 02 - 01)),
            datetime!(2026-02-01 05:00 UTC)
        );
        assert_eq!(
            zone.start_of(date!(2026 - 08 - 01)),
            datetime!(2026-08-01 04:00 UTC)
        );
        assert_eq!(
            zone.date_of(datetime!(2026-08-01 03:59:59 UTC)),
            date!(2026 - 07 - 31)
        );
        assert_eq!(
            zone.date_of(datetime!(2026-08-01 04:00 UTC)),
            date!(2026 - 08 - 01)
        );
    }

    #[test]
    fn midnight_in_a_gap_starts_the_day_when_it_exists() {
        // Santiago moved its clocks from 00:00 to 01:00 on 2024-09-08.
        let zone = Zone::parse("America/Santiago").unwrap();
        assert_eq!(
            zone.start_of(date!(2024 - 09 - 08)),
            datetime!(2024-09-08 04:00 UTC)
        );
    }

    #[test]
    fn extreme_dates_do_not_panic() {
        let zone = Zone::parse("Pacific/Kiritimati").unwrap();
        let _ = zone.start_of(Date::MAX);
        let _ = zone.start_of(Date::MIN);
        let _ = zone.date_of(OffsetDateTime::new_utc(Date::MAX, Time::MAX));
        let _ = zone.date_of(OffsetDateTime::new_utc(Date::MIN, Time::MIDNIGHT));
    }
}
