//! RFC 8785 JSON Canonicalization Scheme (JCS) over [`serde_json::Value`], restricted to what
//! audit records use: integers of magnitude below 2^53 and no floating-point numbers (audit.md).
//!
//! Object members are sorted by the UTF-16 code units of their names (RFC 8785 §3.2.3), strings
//! are escaped as ECMAScript's `JSON.stringify` does (§3.2.2.2), and no whitespace is emitted.

use serde_json::Value;

/// The largest integer magnitude a canonical record may hold: 2^53 - 1.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form in this profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// A number that is not an integer below 2^53 in magnitude.
    #[error("the number {0} is not an integer below 2^53 (audit records hold no floats)")]
    Number(String),
}

/// The canonical (RFC 8785) bytes of `value`.
///
/// ```
/// use jitaccess::audit::canonical_json;
/// let v: serde_json::Value = serde_json::from_str(r#"{ "b": [1, true], "a": "\u00e9" }"#).unwrap();
/// assert_eq!(canonical_json(&v).unwrap(), "{\"a\":\"\u{e9}\",\"b\":[1,true]}");
/// ```
pub fn canonical_json(value: &Value) -> Result<String, JcsError> {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value)?;
    Ok(out)
}

/// Appends the canonical form of `value` to `out`.
pub fn write_canonical(out: &mut String, value: &Value) -> Result<(), JcsError> {
    write_value(out, value)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                if u > MAX_SAFE_INTEGER {
                    return Err(JcsError::Number(n.to_string()));
                }
                push_u64(out, u);
            } else if let Some(i) = n.as_i64() {
                if i.unsigned_abs() > MAX_SAFE_INTEGER {
                    return Err(JcsError::Number(n.to_string()));
                }
                out.push('-');
                push_u64(out, i.unsigned_abs());
            } else {
                return Err(JcsError::Number(n.to_string()));
            }
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_map(out, map)?,
    }
    Ok(())
}

/// Appends the canonical form of a JSON object to `out`.
pub fn write_map(out: &mut String, map: &serde_json::Map<String, Value>) -> Result<(), JcsError> {
    let mut keys: Vec<&String> = map.keys().collect();
    // ASCII keys (every key of an audit record) sort the same by bytes and by UTF-16 code
    // units; the general comparison is only needed otherwise. (The map may or may not be
    // sorted already, depending on serde_json's features: always sort.)
    if keys.iter().all(|k| k.is_ascii()) {
        keys.sort_unstable();
    } else {
        keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    }
    out.push('{');
    for (i, k) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, k);
        out.push(':');
        if let Some(v) = map.get(k) {
            write_value(out, v)?;
        }
    }
    out.push('}');
    Ok(())
}

fn push_u64(out: &mut String, mut u: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// The bytes of `x` (little-endian) that are `"`, `\` or a control character (below 0x20),
/// the bytes a JSON string cannot hold as they are, as the high bit of each byte: the classic
/// "has a byte less than n" and "has a zero byte" word tests. A borrow only carries out of a
/// flagged byte, so the lowest flag is exact (higher ones may be false): all that is used.
#[inline]
fn special_mask(x: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(LO * n) & !v & HI;
    below(x, 0x20) | below(x ^ (LO * 0x22), 1) | below(x ^ (LO * 0x5c), 1)
}

#[inline]
fn byte_is_special(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The length of the longest prefix of `b` without `"`, `\` or control characters, eight
/// bytes at a time.
#[inline]
pub(crate) fn plain_len(b: &[u8]) -> usize {
    let mut i = 0;
    for chunk in b.chunks_exact(8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let m = special_mask(u64::from_le_bytes(word));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if byte_is_special(c) {
            break;
        }
        i += 1;
    }
    i
}

/// Appends `s` as a JSON string the way RFC 8785 §3.2.2.2 (ECMAScript `JSON.stringify`) does.
pub(crate) fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        // `i` is at an ASCII byte or the end, so both slice ends are character boundaries.
        let i = start + plain_len(bytes.get(start..).unwrap_or_default());
        out.push_str(s.get(start..i).unwrap_or_default());
        let Some(&b) = bytes.get(i) else {
            break;
        };
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x08 => out.push_str("\\b"),
            0x09 => out.push_str("\\t"),
            0x0a => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            0x0d => out.push_str("\\r"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
        start = i + 1;
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jcs(text: &str) -> String {
        let v: Value = serde_json::from_str(text).unwrap();
        canonical_json(&v).unwrap()
    }

    /// RFC 8785 §3.2.2.2 (string escaping).
    #[test]
    fn rfc8785_string_example() {
        let input = r#"{"string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"}"#;
        assert_eq!(
            jcs(input),
            "{\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}"
        );
    }

    /// RFC 8785 §3.2.3 (sorting by UTF-16 code units).
    #[test]
    fn rfc8785_sorting_example() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\
            \"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\
            \"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(jcs(input), expected);
        // A UTF-8 (byte) sort would put U+FB33 before the emoji: make sure we did not.
        let out = jcs(input);
        assert!(out.find('😀').unwrap() < out.find('\u{fb33}').unwrap());
    }

    /// RFC 8785 §3.2.2 literals and structure, and the integer part of its number examples.
    #[test]
    fn rfc8785_literals_and_integers() {
        assert_eq!(
            jcs(r#"{ "literals" : [ null , true , false ], "numbers": [333333333, 0, -1] }"#),
            r#"{"literals":[null,true,false],"numbers":[333333333,0,-1]}"#
        );
        assert_eq!(
            jcs("[9007199254740991,-9007199254740991]"),
            "[9007199254740991,-9007199254740991]"
        );
    }

    #[test]
    fn floats_and_big_integers_are_refused() {
        for t in [
            "1.5",
            "1e3",
            "9007199254740992",
            "-9007199254740992",
            "[4.50]",
        ] {
            let v: Value = serde_json::from_str(t).unwrap();
            assert!(canonical_json(&v).is_err(), "{t}");
        }
    }

    /// The word-at-a-time scan agrees with a byte loop for every byte value at every
    /// position of a word and of the tail.
    #[test]
    fn plain_len_agrees_with_a_byte_loop() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c < 0x20 || c == b'"' || c == b'\\')
                .unwrap_or(b.len())
        };
        for len in 0..20 {
            for pos in 0..len {
                for c in 0..=255u8 {
                    let mut b = vec![b'a'; len];
                    b[pos] = c;
                    assert_eq!(plain_len(&b), naive(&b), "{b:?}");
                    b.fill(0xe9);
                    b[pos] = c;
                    assert_eq!(plain_len(&b), naive(&b), "{b:?}");
                    // A second special byte after the first.
                    for (later, d) in (pos + 1..len).zip([0u8, b'"', b'\\', 0x1f].iter().cycle()) {
                        let mut b2 = b.clone();
                        b2[later] = *d;
                        assert_eq!(plain_len(&b2), naive(&b2), "{b2:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn control_characters_and_unicode() {
        let s: String = (0u8..0x20).map(char::from).collect::<String>() + "\u{7f}\u{2028}é";
        let v = Value::String(s);
        let out = canonical_json(&v).unwrap();
        assert!(out.starts_with("\"\\u0000\\u0001"));
        assert!(out.contains("\\b\\t\\n\\u000b\\f\\r\\u000e"));
        assert!(out.ends_with("\\u001f\u{7f}\u{2028}é\""));
        // Round trip.
        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), v);
    }
}
