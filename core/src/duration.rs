//! Durations as policy documents write them: `90m`, `1h30m`, `2d`.
//!
//! A duration is a sequence of `<integer><unit>` parts with units `s`, `m`, `h`, `d`; the parts
//! add up and the total must be greater than zero. Values compare by length of time, so `4h`
//! equals `240m`. [`Duration`] prints in a canonical form with the largest units first
//! (`5400s` prints as `1h30m`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest duration accepted: 100 years, far above any sensible elevation, and small
/// enough that adding it to any time a policy can name never overflows.
pub const MAX_SECONDS: u64 = 100 * 366 * 86_400;

/// One hour.
pub const ONE_HOUR: Duration = Duration(3600);

/// A positive length of time with one-second resolution.
///
/// ```
/// use jitaccess::Duration;
/// let d: Duration = "1h30m".parse().unwrap();
/// assert_eq!(d.as_secs(), 5400);
/// assert_eq!(d.to_string(), "1h30m");
/// assert_eq!("90m".parse::<Duration>().unwrap(), d);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

/// Why a duration string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// The text is not a sequence of `<integer><unit>` parts.
    #[error("'{0}' is not a duration: write parts like 90m, 1h30m or 2d (units s, m, h, d)")]
    Syntax(String),
    /// The total is zero.
    #[error("'{0}' is not a duration greater than zero")]
    Zero(String),
    /// The total is longer than [`MAX_SECONDS`].
    #[error("'{0}' is longer than 100 years")]
    TooLong(String),
}

impl Duration {
    /// A duration of `secs` seconds; `None` for zero or more than [`MAX_SECONDS`].
    ///
    /// ```
    /// use jitaccess::Duration;
    /// assert_eq!(Duration::from_secs(3600).unwrap().to_string(), "1h");
    /// assert!(Duration::from_secs(0).is_none());
    /// ```
    pub fn from_secs(secs: u64) -> Option<Duration> {
        (secs > 0 && secs <= MAX_SECONDS).then_some(Duration(secs))
    }

    /// The length in seconds.
    pub fn as_secs(self) -> u64 {
        self.0
    }

    /// The same length as a [`chrono::TimeDelta`].
    pub fn to_chrono(self) -> chrono::TimeDelta {
        // MAX_SECONDS fits easily in i64 seconds.
        chrono::TimeDelta::seconds(i64::try_from(self.0).unwrap_or(i64::MAX / 1000))
    }
}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || DurationError::Syntax(s.to_string());
        let text = s.trim();
        if text.is_empty() {
            return Err(syntax());
        }
        let mut total: u64 = 0;
        let mut number: Option<u64> = None;
        for c in text.chars() {
            if let Some(digit) = c.to_digit(10) {
                let n = number.unwrap_or(0);
                let n = n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(u64::from(digit)))
                    .ok_or_else(|| DurationError::TooLong(s.to_string()))?;
                number = Some(n);
                continue;
            }
            let unit: u64 = match c {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86_400,
                _ => return Err(syntax()),
            };
            let n = number.take().ok_or_else(syntax)?;
            total = n
                .checked_mul(unit)
                .and_then(|p| total.checked_add(p))
                .ok_or_else(|| DurationError::TooLong(s.to_string()))?;
        }
        if number.is_some() {
            return Err(syntax());
        }
        if total == 0 {
            return Err(DurationError::Zero(s.to_string()));
        }
        if total > MAX_SECONDS {
            return Err(DurationError::TooLong(s.to_string()));
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
            if rest >= unit {
                write!(f, "{}{}", rest / unit, name)?;
                rest %= unit;
            }
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^([0-9]+[smhd])+$",
            "description": "A duration > 0: <integer><unit> parts with units s, m, h, d, e.g. 90m, 1h30m, 2d.",
            "examples": ["30m", "1h30m", "2d"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for (text, secs, canonical) in [
            ("90m", 5400, "1h30m"),
            ("1h30m", 5400, "1h30m"),
            ("2d", 172_800, "2d"),
            ("45s", 45, "45s"),
            ("1d1h1m1s", 90_061, "1d1h1m1s"),
            ("240m", 14_400, "4h"),
            ("1h1h", 7200, "2h"),
        ] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.as_secs(), secs, "{text}");
            assert_eq!(d.to_string(), canonical, "{text}");
        }
    }

    #[test]
    fn rejects_bad_text() {
        for text in [
            "",
            "h",
            "10",
            "1x",
            "1.5h",
            "-1h",
            "1 h",
            "0s",
            "0h0m",
            "99999999999999999999d",
        ] {
            assert!(text.parse::<Duration>().is_err(), "{text} should fail");
        }
        assert!(matches!(
            "0m".parse::<Duration>(),
            Err(DurationError::Zero(_))
        ));
        assert!(matches!(
            "36600d1s".parse::<Duration>(),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn compares_by_value() {
        let a: Duration = "4h".parse().unwrap();
        let b: Duration = "240m".parse().unwrap();
        assert_eq!(a, b);
        assert!("1h".parse::<Duration>().unwrap() < a);
    }

    #[test]
    fn serde_round_trip() {
        let d: Duration = "1h30m".parse().unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"1h30m\"");
        let back: Duration = serde_json::from_str("\"90m\"").unwrap();
        assert_eq!(back, d);
        assert!(serde_json::from_str::<Duration>("\"0m\"").is_err());
    }
}
