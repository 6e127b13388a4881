//! Reading dates and ages back out of detected spans, for the operators
//! that shift or generalize them.

use time::{Date, Month};

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// How a date was written, so a shifted one can be written alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// 2021-03-14
    Iso,
    /// 3/14/2021, 03-14-21, with the separator and year width kept.
    Numeric {
        sep: char,
        two_digit_year: bool,
        padded: bool,
        day_first: bool,
    },
    /// 3/14
    MonthDay { sep: char },
    /// March 14, 2021 / Mar 14 / 14 March 2021 / 14-Mar-2021
    Written {
        abbreviated: bool,
        day_first: bool,
        hyphens: bool,
    },
    /// March 2021
    MonthYear { abbreviated: bool },
}

/// A date read from text; the parts that were not written are `None`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WrittenDate {
    pub(crate) year: Option<i32>,
    month: u8,
    day: Option<u8>,
    style: Style,
}

fn month_of(word: &str) -> Option<(u8, bool)> {
    let lower = word.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| {
            m.starts_with(&lower) && (lower.len() == 3 || lower == **m || lower == "sept")
        })
        .map(|i| (i as u8 + 1, lower.len() < MONTHS[i].len()))
}

fn expand_year(y: i32, digits: usize) -> i32 {
    if digits == 2 {
        // Two-digit years: the next ten years are this century, the rest
        // the last one.
        if y <= 35 { 2000 + y } else { 1900 + y }
    } else {
        y
    }
}

/// Reads a date written in one of the forms the pattern detector finds.
pub(crate) fn parse(text: &str) -> Option<WrittenDate> {
    let t = text.trim();
    let numbers: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let words: Vec<&str> = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|p| !p.is_empty())
        .collect();
    let month_word = words.iter().find_map(|w| month_of(w));

    if let Some((month, abbreviated)) = month_word {
        let day_first = t.starts_with(|c: char| c.is_ascii_digit());
        let hyphens = t.contains('-');
        let (day, year) = match numbers.as_slice() {
            [d] if d.len() <= 2 => (d.parse().ok(), None),
            [y] if y.len() == 4 => {
                return Some(WrittenDate {
                    year: y.parse().ok(),
                    month,
                    day: None,
                    style: Style::MonthYear { abbreviated },
                });
            }
            [d, y] => (
                d.parse().ok(),
                y.parse().ok().map(|v| expand_year(v, y.len())),
            ),
            _ => return None,
        };
        return Some(WrittenDate {
            year,
            month,
            day,
            style: Style::Written {
                abbreviated,
                day_first,
                hyphens,
            },
        });
    }

    let sep = t.chars().find(|c| !c.is_ascii_digit())?;
    match numbers.as_slice() {
        [y, m, d, ..] if y.len() == 4 => Some(WrittenDate {
            year: y.parse().ok(),
            month: m.parse().ok()?,
            day: d.parse().ok(),
            style: Style::Iso,
        }),
        [a, b, y] => {
            let (a, b): (u8, u8) = (a.parse().ok()?, b.parse().ok()?);
            let day_first = a > 12;
            let (month, day) = if day_first { (b, a) } else { (a, b) };
            Some(WrittenDate {
                year: y.parse().ok().map(|v| expand_year(v, y.len())),
                month,
                day: Some(day),
                style: Style::Numeric {
                    sep,
                    two_digit_year: y.len() == 2,
                    padded: t.starts_with('0'),
                    day_first,
                },
            })
        }
        [m, d] => Some(WrittenDate {
            year: None,
            month: m.parse().ok()?,
            day: d.parse().ok(),
            style: Style::MonthDay { sep },
        }),
        _ => None,
    }
}

impl WrittenDate {
    /// The same date moved by `days`, written in the same style.
    pub(crate) fn shifted(&self, days: i64) -> Option<String> {
        let year = self.year.unwrap_or(2001);
        let month = Month::try_from(self.month).ok()?;
        let day = self.day.unwrap_or(1);
        let date = Date::from_calendar_date(year, month, day).ok()?;
        let shifted = date.checked_add(time::Duration::days(days))?;
        let (y, m, d) = (shifted.year(), u8::from(shifted.month()), shifted.day());
        let name = MONTHS[usize::from(m) - 1];
        let written_month = |abbreviated: bool| {
            let mut s = name[..1].to_ascii_uppercase();
            s.push_str(if abbreviated { &name[1..3] } else { &name[1..] });
            s
        };
        Some(match self.style {
            Style::Iso => format!("{y:04}-{m:02}-{d:02}"),
            Style::Numeric {
                sep,
                two_digit_year,
                padded,
                day_first,
            } => {
                let (a, b) = if day_first { (d, m) } else { (m, d) };
                let year = if two_digit_year {
                    format!("{:02}", y.rem_euclid(100))
                } else {
                    y.to_string()
                };
                if padded {
                    format!("{a:02}{sep}{b:02}{sep}{year}")
                } else {
                    format!("{a}{sep}{b}{sep}{year}")
                }
            }
            Style::MonthDay { sep } => format!("{m}{sep}{d}"),
            Style::Written {
                abbreviated,
                day_first,
                hyphens,
            } => {
                let month = written_month(abbreviated);
                match (self.year, day_first, hyphens) {
                    (Some(_), true, true) => format!("{d:02}-{month}-{y}"),
                    (Some(_), true, false) => format!("{d} {month} {y}"),
                    (Some(_), false, _) => format!("{month} {d}, {y}"),
                    (None, true, _) => format!("{d} {month}"),
                    (None, false, _) => format!("{month} {d}"),
                }
            }
            Style::MonthYear { abbreviated } => format!("{} {y}", written_month(abbreviated)),
        })
    }
}

/// Whether a date span is an age ("93-year-old", "aged 95", "93 yo"),
/// and if so the number and where it sits in the span.
pub(crate) fn age(text: &str) -> Option<(u32, usize, usize)> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let end = start
        + text[start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len() - start);
    let rest = text[end..].to_ascii_lowercase();
    let before = text[..start].to_ascii_lowercase();
    let is_age = rest.contains("y")
        || before.contains("age")
        || (start == 0 && end == text.len() && end <= 3);
    if !is_age || text.contains('/') || text.contains(':') {
        return None;
    }
    Some((text[start..end].parse().ok()?, start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_keep_the_written_style() {
        let cases = [
            ("2021-03-14", 1, "2021-03-15"),
            ("03/14/2021", 1, "03/15/2021"),
            ("3/14/21", -14, "2/28/21"),
            ("3/14", 1, "3/15"),
            ("March 14, 2021", 18, "April 1, 2021"),
            ("14 Mar 2021", 1, "15 Mar 2021"),
            ("14-Mar-2021", 1, "15-Mar-2021"),
            ("Dec 31", 1, "Jan 1"),
            ("March 2021", 31, "April 2021"),
        ];
        for (text, days, want) in cases {
            let got = parse(text).and_then(|d| d.shifted(days));
            assert_eq!(got.as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn reads_years_and_ages() {
        assert_eq!(parse("3/14/21").unwrap().year, Some(2021));
        assert_eq!(parse("3/14/48").unwrap().year, Some(1948));
        assert_eq!(parse("3/14").unwrap().year, None);
        assert_eq!(age("93-year-old"), Some((93, 0, 2)));
        assert_eq!(age("95"), Some((95, 0, 2)));
        assert_eq!(age("3/14"), None);
    }
}
