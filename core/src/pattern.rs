//! Wildcard patterns for policy subjects, resources and actions.
//!
//! # Syntax
//!
//! * `*` matches any run of characters, including the empty run and
//!   including separators such as `/`, `:` or `.`.
//! * `?` matches exactly one character (one Unicode scalar value, i.e. one
//!   `char`, whatever its UTF-8 length).
//! * Every other character is literal. There is **no escape syntax**: a
//!   pattern cannot match a literal `*` or `?` other than through a wildcard.
//! * A pattern is anchored at both ends: `adm*` matches `admins` but
//!   `dm*` does not.
//!
//! Every string is a valid pattern, so [`Pattern::new`] cannot fail.
//!
//! # Case
//!
//! A pattern is case-sensitive or case-insensitive, chosen at construction.
//! Case-insensitive patterns compare with Unicode *simple* case folding (see
//! [`crate::fold`]): `Σ`, `σ` and `ς` are equal, `K` (Kelvin sign) equals `k`,
//! but `ß` does not equal `ss`. Folding maps one char to one char, so `?`
//! matches the same number of chars with or without folding.
//!
//! # Costs
//!
//! [`Pattern::new`] folds the pattern once, collapses runs of `*` and records
//! where the literal prefix (before the first wildcard) and the literal suffix
//! (after the last wildcard) end. [`Pattern::is_match`] never allocates:
//!
//! * a pattern without wildcards compares like [`crate::fold::fold_eq`];
//! * otherwise the literal prefix is matched at the start of the input and the
//!   literal suffix at its end, in time linear in their lengths, so
//!   `prefix*`, `*suffix` and `prefix*suffix` cost no more than a string
//!   comparison;
//! * whatever lies between is matched by the classic greedy algorithm that
//!   remembers only the last `*` to backtrack to, which runs in
//!   O(input length × pattern length) time in the worst case (for example
//!   `*a*a*a*b` against a long run of `a`s) and O(1) space. There is no
//!   exponential blow-up.
//!
//! Input chars are decoded from UTF-8 and folded on the fly (a branch for
//! ASCII, a two-level table lookup otherwise).
//!
//! # Example
//!
//! ```
//! use jitaccess::pattern::Pattern;
//!
//! let p = Pattern::new("db-*-prod?", true);
//! assert!(p.is_match("DB-billing-prod1"));
//! assert!(p.is_match("db--prodΣ"));
//! assert!(!p.is_match("db-billing-prod"));
//! assert_eq!(p.literal_prefix(), "db-");
//! ```

use std::fmt;
use std::str::Chars;

use crate::fold::{HIGH_BITS, ascii_lower8, fold_char, fold_eq, partial_word};

/// A compiled wildcard pattern (`*` = any run, `?` = one char, all else
/// literal), case-sensitive or case-insensitive.
///
/// See the [module docs](self) for the semantics. Equality is structural:
/// two patterns are equal when they have the same source and the same case
/// mode.
///
/// # Example
///
/// ```
/// use jitaccess::pattern::Pattern;
///
/// let p = Pattern::new("arn:*:s3:::logs-??", true);
/// assert!(p.is_match("ARN:aws:s3:::LOGS-01"));
/// assert!(!p.is_match("arn:aws:s3:::logs-001"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// The pattern as written.
    source: Box<str>,
    /// The pattern folded (when case-insensitive) with runs of `*` collapsed.
    /// `*` and `?` in it are always wildcards: no other char folds to them.
    folded: Box<str>,
    case_insensitive: bool,
    /// Byte offset in `folded` of the first wildcard (`folded.len()` if none).
    prefix_end: usize,
    /// Byte offset in `folded` just after the last wildcard (0 if none).
    suffix_start: usize,
    /// Number of chars every match has at least (the non-`*` chars).
    min_chars: usize,
    /// Whether `folded` is all ASCII: then ASCII input is compared byte-wise (a fast path;
    /// derived from `source`, so it changes nothing in equality).
    folded_ascii: bool,
}

impl Pattern {
    /// Compiles `src`; `case_insensitive` selects simple case folding.
    ///
    /// Never fails: every string is a pattern. Runs of `*` are collapsed
    /// (`a**b` behaves exactly like `a*b`).
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// let p = Pattern::new("Admin*", true);
    /// assert!(p.is_match("ADMINISTRATORS"));
    /// let exact = Pattern::new("Admin*", false);
    /// assert!(!exact.is_match("ADMINISTRATORS"));
    /// ```
    #[must_use]
    pub fn new(src: &str, case_insensitive: bool) -> Pattern {
        let mut folded = String::with_capacity(src.len());
        let mut min_chars = 0;
        for c in src.chars() {
            if c == '*' {
                if !folded.ends_with('*') {
                    folded.push('*');
                }
                continue;
            }
            min_chars += 1;
            folded.push(if case_insensitive { fold_char(c) } else { c });
        }
        let is_wild = |c: char| c == '*' || c == '?';
        let prefix_end = folded.find(is_wild).unwrap_or(folded.len());
        let suffix_start = folded.rfind(is_wild).map_or(0, |i| i + 1);
        Pattern {
            source: src.into(),
            folded_ascii: folded.is_ascii(),
            folded: folded.into_boxed_str(),
            case_insensitive,
            prefix_end,
            suffix_start,
            min_chars,
        }
    }

    /// Returns whether `input` matches the whole pattern.
    ///
    /// Does not allocate; worst case O(`input.len()` × pattern length).
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// let p = Pattern::new("*.example.?om", true);
    /// assert!(p.is_match("WWW.Example.com"));
    /// assert!(p.is_match(".example.çom"));
    /// assert!(!p.is_match("example.com"));
    /// assert!(Pattern::new("", true).is_match(""));
    /// assert!(Pattern::new("*", true).is_match(""));
    /// ```
    #[must_use]
    pub fn is_match(&self, input: &str) -> bool {
        // Every char takes at least one byte.
        if input.len() < self.min_chars {
            return false;
        }
        if self.case_insensitive {
            self.is_match_impl::<true>(input)
        } else {
            self.is_match_impl::<false>(input)
        }
    }

    /// [`Pattern::is_match`] for an input that is already folded (with
    /// [`crate::fold::fold_str_into`]) when the pattern is case-insensitive: the input is
    /// compared with the folded pattern byte for byte, without folding again. Folding is
    /// idempotent and keeps the number of chars, so this gives the same answer as
    /// `is_match` on the unfolded input.
    pub(crate) fn is_match_folded(&self, folded_input: &str) -> bool {
        if folded_input.len() < self.min_chars {
            return false;
        }
        self.is_match_impl::<false>(folded_input)
    }

    fn is_match_impl<const CI: bool>(&self, input: &str) -> bool {
        if CI && self.folded_ascii {
            return self.is_match_ascii(input);
        }
        if self.is_literal() {
            return if CI {
                fold_eq(input, &self.folded)
            } else {
                input == &*self.folded
            };
        }
        let Some(rest) = strip_prefix::<CI>(input, self.literal_prefix()) else {
            return false;
        };
        let Some(rest) = strip_suffix::<CI>(rest, self.literal_suffix()) else {
            return false;
        };
        self.middle_matches::<CI>(rest)
    }

    /// Case-insensitive matching for a pattern whose folded form is ASCII: the literal
    /// parts are compared byte-wise with ASCII case folding where the input's bytes there
    /// are ASCII, and char by char (with full simple folding) otherwise. Every input char
    /// takes at least one byte and folds to one char, so an input with fewer bytes than an
    /// ASCII literal part cannot match it.
    fn is_match_ascii(&self, input: &str) -> bool {
        let folded = &*self.folded;
        let bytes = input.as_bytes();
        if self.is_literal() {
            if bytes.len() == folded.len() {
                // As many bytes as the pattern has chars: a match has only ASCII chars, and
                // a non-ASCII byte never equals an ASCII one.
                return ascii_eq_lower(bytes, folded.as_bytes());
            }
            // Only non-ASCII input chars (e.g. the Kelvin sign) can still fold to it; the
            // first word rejects most inputs without scanning them.
            return !first_word_differs(bytes, folded.as_bytes(), folded.len())
                && !bytes.is_ascii()
                && fold_eq(input, folded);
        }
        // The first (up to) eight bytes of the literal prefix, in one word: when the input's
        // bytes there are ASCII, they are its first chars, so they must equal the prefix up
        // to ASCII case. Most failed comparisons stop here; on success those bytes are done.
        let head = self.prefix_end.min(8);
        if first_word_differs(bytes, folded.as_bytes(), head) {
            return false;
        }
        // Those bytes are done when they are ASCII (and so equal the prefix's).
        let done = match bytes.get(..head) {
            Some(h) if partial_word(h) & HIGH_BITS == 0 => head,
            _ => 0,
        };
        let prefix = self.literal_prefix();
        let rest = if done == prefix.len() {
            // The whole prefix was compared above.
            input.get(done..).unwrap_or("")
        } else {
            match bytes.get(..prefix.len()) {
                None => return false,
                Some(head) if head.is_ascii() => {
                    if !head.eq_ignore_ascii_case(prefix.as_bytes()) {
                        return false;
                    }
                    input.get(prefix.len()..).unwrap_or("")
                }
                Some(_) => match strip_prefix::<true>(input, prefix) {
                    Some(r) => r,
                    None => return false,
                },
            }
        };
        let suffix = self.literal_suffix();
        let rb = rest.as_bytes();
        let Some(start) = rb.len().checked_sub(suffix.len()) else {
            return false;
        };
        let rest = match rb.get(start..) {
            Some(tail) if tail.is_ascii() => {
                if !tail.eq_ignore_ascii_case(suffix.as_bytes()) {
                    return false;
                }
                rest.get(..start).unwrap_or("")
            }
            _ => match strip_suffix::<true>(rest, suffix) {
                Some(r) => r,
                None => return false,
            },
        };
        self.middle_matches::<true>(rest)
    }

    /// Whether `rest` (the input without the literal prefix and suffix) matches the part of
    /// the pattern between them, which starts and ends with a wildcard.
    fn middle_matches<const CI: bool>(&self, rest: &str) -> bool {
        // Starts and ends with a wildcard; `*` alone is the common case.
        let middle = self
            .folded
            .get(self.prefix_end..self.suffix_start)
            .unwrap_or("");
        middle == "*" || wildcard_match::<CI>(middle, rest)
    }

    /// Returns whether the pattern has no wildcard (`*` or `?`), so that it
    /// matches exactly one string (up to case, when case-insensitive).
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert!(Pattern::new("alice", true).is_literal());
    /// assert!(Pattern::new("", true).is_literal());
    /// assert!(!Pattern::new("al?ce", true).is_literal());
    /// ```
    #[must_use]
    pub fn is_literal(&self) -> bool {
        self.prefix_end == self.folded.len()
    }

    /// Returns the literal text when the pattern has no wildcard: folded when
    /// the pattern is case-insensitive, as written otherwise.
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert_eq!(Pattern::new("ΑΛΦΑ", true).literal(), Some("αλφα"));
    /// assert_eq!(Pattern::new("ΑΛΦΑ", false).literal(), Some("ΑΛΦΑ"));
    /// assert_eq!(Pattern::new("a*", true).literal(), None);
    /// ```
    #[must_use]
    pub fn literal(&self) -> Option<&str> {
        self.is_literal().then_some(&*self.folded)
    }

    /// Returns the literal text before the first wildcard (folded when
    /// case-insensitive). Every matching input starts with it (under folding).
    /// For a literal pattern this is the whole literal.
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert_eq!(Pattern::new("Prod-*-DB", true).literal_prefix(), "prod-");
    /// assert_eq!(Pattern::new("?x", true).literal_prefix(), "");
    /// ```
    #[must_use]
    pub fn literal_prefix(&self) -> &str {
        self.folded.get(..self.prefix_end).unwrap_or("")
    }

    /// Returns the literal text after the last wildcard (folded when
    /// case-insensitive). Every matching input ends with it (under folding).
    /// For a literal pattern this is the whole literal.
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert_eq!(Pattern::new("Prod-*-DB", true).literal_suffix(), "-db");
    /// assert_eq!(Pattern::new("x*", true).literal_suffix(), "");
    /// ```
    #[must_use]
    pub fn literal_suffix(&self) -> &str {
        self.folded.get(self.suffix_start..).unwrap_or("")
    }

    /// Returns the pattern as written.
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert_eq!(Pattern::new("A**b", true).source(), "A**b");
    /// ```
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Returns whether the pattern compares with simple case folding.
    ///
    /// # Example
    ///
    /// ```
    /// use jitaccess::pattern::Pattern;
    ///
    /// assert!(Pattern::new("a", true).case_insensitive());
    /// assert!(!Pattern::new("a", false).case_insensitive());
    /// ```
    #[must_use]
    pub fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }
}

impl fmt::Display for Pattern {
    /// Writes the pattern as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Folds an input char when case-insensitive.
#[inline]
fn fold_if<const CI: bool>(c: char) -> char {
    if CI { fold_char(c) } else { c }
}

/// Whether the first `min(n, 8)` bytes of `input` are ASCII and differ (up to ASCII case)
/// from those of the lowercase ASCII `lower`: then `input` cannot start with `lower`'s first
/// chars under folding (ASCII bytes are whole chars).
#[inline]
fn first_word_differs(input: &[u8], lower: &[u8], n: usize) -> bool {
    let n = n.min(8);
    match (input.get(..n), lower.get(..n)) {
        (Some(i), Some(l)) => {
            let w = partial_word(i);
            w & HIGH_BITS == 0 && ascii_lower8(w) != partial_word(l)
        }
        _ => false,
    }
}

/// Whether `input` (as long as `lower`) is ASCII and equals the lowercase ASCII `lower` up
/// to ASCII case: up to 16 bytes in two words, longer ones with the standard library.
#[inline]
fn ascii_eq_lower(input: &[u8], lower: &[u8]) -> bool {
    if input.len() != lower.len() {
        return false;
    }
    if input.len() >= 16 {
        return input.eq_ignore_ascii_case(lower);
    }
    let (i1, i2) = input.split_at(input.len().min(8));
    let (l1, l2) = lower.split_at(lower.len().min(8));
    let (a, b) = (partial_word(i1), partial_word(i2));
    (a | b) & HIGH_BITS == 0
        && ascii_lower8(a) == partial_word(l1)
        && ascii_lower8(b) == partial_word(l2)
}

/// Strips a folded literal `prefix` from the start of `input`.
fn strip_prefix<'a, const CI: bool>(input: &'a str, prefix: &str) -> Option<&'a str> {
    if !CI {
        return input.strip_prefix(prefix);
    }
    let mut chars = input.chars();
    for p in prefix.chars() {
        if fold_char(chars.next()?) != p {
            return None;
        }
    }
    Some(chars.as_str())
}

/// Strips a folded literal `suffix` from the end of `input`.
fn strip_suffix<'a, const CI: bool>(input: &'a str, suffix: &str) -> Option<&'a str> {
    if !CI {
        return input.strip_suffix(suffix);
    }
    let mut chars = input.chars();
    for p in suffix.chars().rev() {
        if fold_char(chars.next_back()?) != p {
            return None;
        }
    }
    Some(chars.as_str())
}

/// Matches `text` against the folded pattern `pat` (wildcards included).
///
/// The greedy algorithm: advance on literal and `?` matches; on `*` remember
/// the position and first let it match nothing; on a mismatch let the last
/// `*` absorb one more char and retry from just after it. Backtracking to the
/// last `*` only is complete: whatever an earlier `*` could absorb, the last
/// one can absorb as well. O(|text| × |pat|) time, O(1) space.
fn wildcard_match<const CI: bool>(pat: &str, text: &str) -> bool {
    let (mut p, mut t) = (pat.chars(), text.chars());
    // (pattern just after the last `*`, text just after what it absorbed)
    let mut star: Option<(Chars<'_>, Chars<'_>)> = None;
    loop {
        let mut p_next = p.clone();
        let pc = p_next.next();
        if pc == Some('*') {
            star = Some((p_next.clone(), t.clone()));
            p = p_next;
            continue;
        }
        let mut t_next = t.clone();
        let Some(tc) = t_next.next() else {
            // Text exhausted; the pattern must be too (its next char is not
            // a `*`, and runs of `*` are collapsed).
            return pc.is_none();
        };
        if let Some(pc) = pc
            && (pc == '?' || pc == fold_if::<CI>(tc))
        {
            (p, t) = (p_next, t_next);
            continue;
        }
        // Mismatch or pattern exhausted: the last `*` absorbs one more char.
        let Some((star_p, star_t)) = star.as_mut() else {
            return false;
        };
        if star_t.next().is_none() {
            return false;
        }
        (p, t) = (star_p.clone(), star_t.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold_string;
    use proptest::prelude::*;
    use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};

    /// Equality of chars under simple case folding, from regex-syntax
    /// (independent of `crate::fold`).
    fn same_orbit(a: char, b: char) -> bool {
        let mut cls = ClassUnicode::new([ClassUnicodeRange::new(a, a)]);
        cls.case_fold_simple();
        cls.iter().any(|r| r.start() <= b && b <= r.end())
    }

    /// Reference matcher: dynamic programming over the raw pattern chars.
    fn reference(pattern: &str, input: &str, ci: bool) -> bool {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = input.chars().collect();
        // m[i][j]: p[i..] matches t[j..]
        let mut m = vec![vec![false; t.len() + 1]; p.len() + 1];
        m[p.len()][t.len()] = true;
        for i in (0..p.len()).rev() {
            for j in (0..=t.len()).rev() {
                m[i][j] = match p[i] {
                    '*' => m[i + 1][j] || (j < t.len() && m[i][j + 1]),
                    '?' => j < t.len() && m[i + 1][j + 1],
                    c => {
                        j < t.len()
                            && (if ci { same_orbit(c, t[j]) } else { c == t[j] })
                            && m[i + 1][j + 1]
                    }
                };
            }
        }
        m[0][0]
    }

    fn m(p: &str, input: &str) -> bool {
        Pattern::new(p, true).is_match(input)
    }

    #[test]
    fn empty_and_star() {
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("*", ""));
        assert!(m("*", "anything/at:all"));
        assert!(m("**", ""));
        assert!(!m("?", ""));
        assert!(m("?*", "x"));
        assert!(!m("?*", ""));
        assert!(m("a*", "a"));
        assert!(m("*a", "a"));
        assert!(m("a*a", "aa"));
        assert!(!m("a*a", "a"));
        assert!(m("*/*", "/"));
        assert!(m("a*b*c", "abc"));
        assert!(m("a*b*c", "a/x/b/y/c"));
        assert!(!m("a*b*c", "a/x/b/y/cd"));
    }

    #[test]
    fn question_mark_is_one_char() {
        assert!(m("?", "é"));
        assert!(m("?", "𐐀"));
        assert!(m("?", "\u{212A}"));
        assert!(!m("?", "e\u{301}")); // two chars
        assert!(m("??", "e\u{301}"));
        assert!(m("a?c", "aßc"));
        assert!(!m("a?c", "ac"));
        assert!(m("*?", "ß"));
        assert!(m("?*?", "日本"));
        assert!(!m("?*?", "日"));
    }

    #[test]
    fn case_folding() {
        assert!(m("σ", "Σ"));
        assert!(m("σ", "ς"));
        assert!(m("ΟΔΥΣΣΕΥΣ", "οδυσσευς"));
        assert!(m("k*", "\u{212A}elvin"));
        assert!(m("*\u{212A}", "K"));
        assert!(m("s?", "ſſ"));
        assert!(m("ẞ", "ß"));
        assert!(!m("ß", "ss"));
        assert!(!m("ss", "ß"));
        assert!(!m("s*s", "ß"));
        assert!(!m("i", "İ"));
        assert!(!m("i", "ı"));
        assert!(m("I", "i"));
        let cs = Pattern::new("Σ*", false);
        assert!(cs.is_match("Σx"));
        assert!(!cs.is_match("σx"));
    }

    #[test]
    fn wildcards_are_not_escaped() {
        assert!(m("a\\*", "a\\xyz"));
        assert!(m("*", "*"));
        assert!(m("?", "?"));
        assert!(m("a?b", "a*b"));
    }

    #[test]
    fn accessors() {
        let p = Pattern::new("AB*?C*Σ", true);
        assert_eq!(p.source(), "AB*?C*Σ");
        assert_eq!(p.literal_prefix(), "ab");
        assert_eq!(p.literal_suffix(), "σ");
        assert_eq!(p.literal(), None);
        assert!(!p.is_literal());
        assert!(p.case_insensitive());
        assert_eq!(p.to_string(), "AB*?C*Σ");
        let lit = Pattern::new("Ab", true);
        assert_eq!(lit.literal(), Some("ab"));
        assert_eq!(lit.literal_prefix(), "ab");
        assert_eq!(lit.literal_suffix(), "ab");
        let star = Pattern::new("***", false);
        assert_eq!((star.literal_prefix(), star.literal_suffix()), ("", ""));
        assert_eq!(Pattern::new("a*", true), Pattern::new("a*", true));
        assert_ne!(Pattern::new("a*", true), Pattern::new("a*", false));
    }

    #[test]
    fn pathological_inputs_finish() {
        let text = "a".repeat(10_000);
        assert!(!m("*a*a*a*a*a*b", &text));
        assert!(m("*a*a*a*a*a*", &text));
        assert!(m("*a*a*a*a*a", &text));
        assert!(!m("*a?a*a?a*a*b*", &text));
        let text = "aÄ".repeat(5_000);
        assert!(!m("*ä*ä*ä*ä*ä*b*", &text));
        assert!(Pattern::new("*a*a*a*a*a*b", false).is_match(&(text.clone() + "b")));
        // The anchored suffix `b` rejects the above at once; these need the
        // greedy matcher, O(input × pattern) steps.
        let text = "a".repeat(2_000);
        assert!(!m(&("*a".repeat(500) + "b*"), &text));
        assert!(m(&("*a".repeat(500) + "*"), &text));
        assert!(!m(&("*a".repeat(2_001) + "*"), &text));
        assert!(m(&("*a?".repeat(600) + "*"), &text));
    }

    fn small_string(max: usize) -> impl Strategy<Value = String> {
        let alphabet = vec![
            'a', 'A', 'b', '*', '?', 'ß', 'ẞ', 's', 'S', 'ſ', 'Σ', 'σ', 'ς', '\u{212A}', 'k',
        ];
        proptest::collection::vec(proptest::sample::select(alphabet), 0..max)
            .prop_map(|v| v.into_iter().collect())
    }

    /// Replaces each char by another member of its case folding orbit.
    fn recase(s: &str, seed: &[u8]) -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                let mut cls = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
                cls.case_fold_simple();
                let orbit: Vec<char> = cls
                    .iter()
                    .flat_map(|r| {
                        (u32::from(r.start())..=u32::from(r.end())).filter_map(char::from_u32)
                    })
                    .collect();
                let k = usize::from(seed.get(i % seed.len().max(1)).copied().unwrap_or(0));
                orbit[k % orbit.len()]
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agrees_with_reference(
            pattern in small_string(10),
            input in small_string(12),
            ci in any::<bool>(),
        ) {
            let p = Pattern::new(&pattern, ci);
            let got = p.is_match(&input);
            let want = reference(&pattern, &input, ci);
            prop_assert_eq!(got, want, "pattern {:?} input {:?}", pattern, input);
            if got {
                let folded = if ci { fold_string(&input) } else { input.clone() };
                prop_assert!(folded.starts_with(p.literal_prefix()));
                prop_assert!(folded.ends_with(p.literal_suffix()));
            }
        }

        #[test]
        fn invariant_under_recasing(
            pattern in small_string(10),
            input in small_string(12),
            seed in proptest::collection::vec(any::<u8>(), 1..12),
        ) {
            let p = Pattern::new(&pattern, true);
            let recased = recase(&input, &seed);
            prop_assert_eq!(p.is_match(&input), p.is_match(&recased));
            let q = Pattern::new(&recase(&pattern, &seed), true);
            prop_assert_eq!(p.is_match(&input), q.is_match(&input));
        }

        #[test]
        fn filled_in_patterns_match(
            pattern in small_string(12),
            fills in proptest::collection::vec("\\PC{0,4}", 12),
            seed in proptest::collection::vec(any::<u8>(), 1..12),
        ) {
            // Replace each `*` by some text and each `?` by one char: a match.
            let mut input = String::new();
            for (c, fill) in pattern.chars().zip(fills.iter().cycle()) {
                match c {
                    '*' => input.push_str(fill),
                    '?' => input.push(fill.chars().next().unwrap_or('?')),
                    c => input.push(c),
                }
            }
            prop_assert!(Pattern::new(&pattern, false).is_match(&input));
            prop_assert!(Pattern::new(&pattern, true).is_match(&recase(&input, &seed)));
        }

        #[test]
        fn literal_patterns_match_themselves(s in small_string(10)) {
            let lit: String = s.chars().filter(|&c| c != '*' && c != '?').collect();
            let p = Pattern::new(&lit, true);
            prop_assert!(p.is_literal());
            prop_assert!(p.is_match(&lit));
            let upper = lit.to_uppercase(); // full mapping: "ß" -> "SS"
            prop_assert_eq!(p.is_match(&upper), fold_eq(&lit, &upper));
        }

        #[test]
        fn never_panics(
            pattern in "\\PC{0,16}",
            input in "\\PC{0,24}",
            ci in any::<bool>(),
        ) {
            let p = Pattern::new(&pattern, ci);
            let _ = p.is_match(&input);
            let _ = (p.literal(), p.literal_prefix(), p.literal_suffix());
            let lit = input.replace(['*', '?'], "");
            prop_assert!(Pattern::new(&lit, ci).is_match(&lit));
        }

        #[test]
        fn arbitrary_agrees_with_reference(
            pattern in "[a-cA-C*?ßΣσς\\PC]{0,6}",
            input in "[a-cA-Cßσς\\PC]{0,8}",
            ci in any::<bool>(),
        ) {
            let want = reference(&pattern, &input, ci);
            prop_assert_eq!(Pattern::new(&pattern, ci).is_match(&input), want);
        }
    }
}
