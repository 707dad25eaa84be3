//! The shop's time zone: Indonesia's WIB, WITA and WIT as fixed offsets.

use chrono::FixedOffset;

/// The terminal's zone from WIB/WITA/WIT.
pub fn parse_timezone(s: &str) -> Option<FixedOffset> {
    let hours: i32 = match s.trim().to_ascii_uppercase().as_str() {
        "WIB" => 7,
        "WITA" => 8,
        "WIT" => 9,
        _ => return None,
    };
    FixedOffset::east_opt(hours.saturating_mul(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_zones_and_nothing_else() {
        assert_eq!(parse_timezone("WIB").unwrap().local_minus_utc(), 7 * 3600);
        assert_eq!(
            parse_timezone(" wita ").unwrap().local_minus_utc(),
            8 * 3600
        );
        assert_eq!(parse_timezone("WIT").unwrap().local_minus_utc(), 9 * 3600);
        assert!(parse_timezone("UTC").is_none());
    }
}
