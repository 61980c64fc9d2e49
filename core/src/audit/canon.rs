//! A single-pass check that a log line is a canonical (RFC 8785, integers only) JSON object,
//! extracting the fields verification needs, without building a JSON tree. It accepts exactly
//! the lines for which `parse, then re-encode canonically` gives the same bytes (tested against
//! that definition), at a fraction of the cost.

/// The top-level fields verification reads.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Head {
    pub schema_ok: bool,
    pub has_schema: bool,
    pub seq: Option<u64>,
    pub has_type: bool,
    pub has_time: bool,
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

const MAX_SAFE: u64 = (1 << 53) - 1;

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }
    /// A canonical string; returns (start, end, has_escape) of its raw content.
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut esc = false;
        loop {
            // Skip plain bytes fast, a word at a time: to the next quote, backslash or raw
            // control character.
            self.i += super::jcs::plain_len(self.b.get(self.i..)?);
            match self.peek()? {
                b'"' => {
                    let end = self.i;
                    self.i += 1;
                    return Some((start, end, esc));
                }
                b'\\' => {
                    esc = true;
                    let e = *self.b.get(self.i + 1)?;
                    match e {
                        b'"' | b'\\' | b'b' | b't' | b'n' | b'f' | b'r' => self.i += 2,
                        b'u' => {
                            // Only controls other than the five short forms, lowercase hex.
                            let h = self.b.get(self.i + 2..self.i + 6)?;
                            if &h[..2] != b"00" {
                                return None;
                            }
                            let v = hexval(h[2])? * 16 + hexval(h[3])?;
                            if v >= 0x20 || matches!(v, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.i += 6;
                        }
                        _ => return None,
                    }
                }
                // A raw control character.
                _ => return None,
            }
        }
    }
    fn number(&mut self) -> Option<u64> {
        let neg = self.eat(b'-').is_some();
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') || digits.len() > 16 {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let v = digits
            .iter()
            .fold(0u64, |a, &d| a * 10 + u64::from(d - b'0'));
        if v > MAX_SAFE || (neg && v == 0) {
            return None;
        }
        Some(if neg { u64::MAX } else { v })
    }
    fn value(&mut self, depth: u32) -> Option<()> {
        if depth > 64 {
            return None;
        }
        match self.peek()? {
            b'{' => self.object(depth + 1, None),
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    if self.eat(b']').is_some() {
                        return Some(());
                    }
                    self.eat(b',')?;
                }
            }
            b'"' => self.string().map(|_| ()),
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            _ => self.number().map(|_| ()),
        }
    }
    fn lit(&mut self, l: &[u8]) -> Option<()> {
        (self.b.get(self.i..self.i + l.len())? == l).then(|| self.i += l.len())
    }
    fn object(&mut self, depth: u32, mut head: Option<&mut Head>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        let mut prev: Option<(usize, usize, bool)> = None;
        loop {
            let key = self.string()?;
            if let Some(p) = prev
                && !self.key_less(p, key)?
            {
                return None;
            }
            prev = Some(key);
            self.eat(b':')?;
            let k = &self.b[key.0..key.1];
            match head.as_deref_mut() {
                Some(h) if k == b"schema" && self.peek() == Some(b'"') => {
                    let s = self.string()?;
                    h.has_schema = true;
                    h.schema_ok = &self.b[s.0..s.1] == super::SCHEMA.as_bytes();
                }
                Some(h) if k == b"seq" && self.peek().is_some_and(|c| c.is_ascii_digit()) => {
                    h.seq = Some(self.number()?);
                }
                Some(h) if (k == b"type" || k == b"time") && self.peek() == Some(b'"') => {
                    self.string()?;
                    if k == b"type" {
                        h.has_type = true;
                    } else {
                        h.has_time = true;
                    }
                }
                Some(h) if k == b"schema" => {
                    h.has_schema = true;
                    self.value(depth)?;
                }
                _ => self.value(depth)?,
            }
            if self.eat(b'}').is_some() {
                return Some(());
            }
            self.eat(b',')?;
        }
    }
    /// Whether key `a` sorts strictly before key `b` (UTF-16 code units of the decoded names).
    fn key_less(&self, a: (usize, usize, bool), b: (usize, usize, bool)) -> Option<bool> {
        let (ka, kb) = (&self.b[a.0..a.1], &self.b[b.0..b.1]);
        if !a.2 && !b.2 {
            // Without escapes the raw bytes are the names' UTF-8. Up to the first difference
            // the names agree; a difference where either byte is ASCII orders the same by
            // bytes as by UTF-16 code units (an ASCII character is below every other), and
            // a name that is a prefix of the other sorts first in both orders.
            match ka.iter().zip(kb).position(|(x, y)| x != y) {
                None => return Some(ka.len() < kb.len()),
                Some(i) if ka[i] < 0x80 || kb[i] < 0x80 => return Some(ka[i] < kb[i]),
                // Two non-ASCII characters: UTF-16 may order them otherwise.
                Some(_) => {}
            }
        }
        let da = decode(ka)?;
        let db = decode(kb)?;
        Some(da.encode_utf16().lt(db.encode_utf16()))
    }
}

fn hexval(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Decodes the raw content of a canonical string.
fn decode(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\\' {
            let e = *raw.get(i + 1)?;
            out.push(match e {
                b'"' => b'"',
                b'\\' => b'\\',
                b'b' => 8,
                b't' => 9,
                b'n' => 10,
                b'f' => 12,
                b'r' => 13,
                b'u' => {
                    let h = raw.get(i + 4..i + 6)?;
                    i += 4;
                    hexval(h[0])? * 16 + hexval(h[1])?
                }
                _ => return None,
            });
            i += 2;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks that `line` (valid UTF-8) is one canonical JSON object and returns its head fields;
/// `None` when it is not canonical JSON.
pub(crate) fn check(line: &str) -> Option<Head> {
    let mut p = P {
        b: line.as_bytes(),
        i: 0,
    };
    let mut head = Head::default();
    p.object(1, Some(&mut head))?;
    (p.i == p.b.len()).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::jcs::canonical_json;

    fn reference(line: &str) -> bool {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v @ serde_json::Value::Object(_)) => canonical_json(&v).is_ok_and(|c| c == line),
            _ => false,
        }
    }

    #[test]
    fn agrees_with_parse_and_reencode() {
        let base = [
            r#"{"actor":{"kind":"admin","name":"CORP\\bob"},"comment":"a\"b\u001f\n\t\u00e9","schema":"jitaccess.audit/1","seq":12,"time":"t","type":"x","z":[1,-2,true,false,null,{},[]]}"#,
            "{\"\\r\":1,\"1\":2,\"\u{80}\":3,\"\u{f6}\":4,\"\u{20ac}\":5,\"\u{1f600}\":6,\"\u{fb33}\":7}",
            r#"{"a":9007199254740991,"b":-9007199254740991,"c":0}"#,
            r#"{}"#,
        ];
        let mut n = 0;
        for line in base {
            assert_eq!(check(line).is_some(), reference(line), "{line}");
            // Every single-byte change, deletion and ASCII insertion agrees with the reference.
            let bytes = line.as_bytes();
            for i in 0..bytes.len() {
                let mut variants: Vec<Vec<u8>> = Vec::new();
                for c in [
                    b' ', b'0', b'9', b'"', b'\\', b'u', b'}', b']', b',', b':', b'-', b'.', b'e',
                    b'a', b'{', 0x01,
                ] {
                    let mut v = bytes.to_vec();
                    v[i] = c;
                    variants.push(v);
                    let mut v = bytes.to_vec();
                    v.insert(i, c);
                    variants.push(v);
                }
                let mut v = bytes.to_vec();
                v.remove(i);
                variants.push(v);
                for v in variants {
                    if let Ok(s) = String::from_utf8(v) {
                        assert_eq!(check(&s).is_some(), reference(&s), "{s}");
                        n += 1;
                    }
                }
            }
        }
        assert!(n > 5_000, "{n}");
        // Swapped keys and duplicates.
        assert!(check(r#"{"b":1,"a":2}"#).is_none());
        assert!(check(r#"{"a":1,"a":2}"#).is_none());
        // Key order: prefixes, ASCII against non-ASCII, and UTF-16 against UTF-8 order.
        for (line, ok) in [
            ("{\"a\":1,\"ab\":2}", true),
            ("{\"ab\":1,\"a\":2}", false),
            ("{\"a\":1,\"a\u{e9}\":2}", true),
            ("{\"a\u{e9}\":1,\"az\":2}", false),
            ("{\"\u{10000}\":1,\"\u{ffff}\":2}", true),
            ("{\"\u{ffff}\":1,\"\u{10000}\":2}", false),
            ("{\"x\u{e9}\":1,\"x\u{e9}\":2}", false),
        ] {
            assert_eq!(check(line).is_some(), ok, "{line}");
            assert_eq!(reference(line), ok, "{line}");
        }
        assert!(check(r#"{"a":"\/"}"#).is_none());
        assert!(check(r#"{"a":"\u0041"}"#).is_none());
        assert!(check(r#"{"a":"\u000A"}"#).is_none());
        assert!(check(r#"{"a":-0}"#).is_none());
        assert!(check(r#"{"a":9007199254740992}"#).is_none());
        let h = check(r#"{"schema":"jitaccess.audit/1","seq":3,"time":"t","type":"x"}"#).unwrap();
        assert_eq!(
            h,
            Head {
                schema_ok: true,
                has_schema: true,
                seq: Some(3),
                has_type: true,
                has_time: true
            }
        );
    }
}
