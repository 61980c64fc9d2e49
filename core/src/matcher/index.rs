//! Indexes that find the candidate applications of a launch without scanning every rule.
//!
//! Every application is filed under exactly one *anchor*: the most selective of its criteria
//! that can be looked up (a criterion must hold for the application to hold, so looking up
//! one of them finds every application that can match). In order of preference: `sha256`,
//! `clsid`, a literal `fileName`, a literal `originalFileName`, `path` (the path trie, which
//! runs for every launch anyway), a literal `product`, `signerThumbprint`, a literal `vendor`,
//! a literal `commandLine`, a wildcard pattern with a literal prefix (filed under its first
//! [`PREFIX_CHARS`] characters), and last a short list that is checked for every launch
//! (patterns that start with a wildcard and nothing better). Lookups are hash probes of the
//! launch's own strings, case-folded on the fly; none allocates.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::fold::FoldMap;
use crate::pattern::Pattern;
use crate::policy::load::ParsedApp;

/// Wildcard patterns are filed under at most this many leading literal characters.
pub(crate) const PREFIX_CHARS: usize = 12;

/// A hasher for keys that already are well-distributed digests (SHA-256, GUIDs).
#[derive(Default, Clone, Copy)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            for (d, s) in buf.iter_mut().zip(chunk) {
                *d = *s;
            }
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(buf))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        // The same as `write(&v.to_le_bytes())`: one 8-byte chunk.
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, v: u128) {
        self.write(&v.to_le_bytes());
    }
    fn write_usize(&mut self, _: usize) {}
}

pub(crate) type DigestMap<K> = HashMap<K, Vec<u32>, BuildHasherDefault<DigestHasher>>;

/// The pattern fields of an application that can anchor it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    FileName,
    OriginalFileName,
    Product,
    Vendor,
    CommandLine,
}

pub(crate) const FIELDS: [Field; 5] = [
    Field::FileName,
    Field::OriginalFileName,
    Field::Product,
    Field::Vendor,
    Field::CommandLine,
];

impl Field {
    pub(crate) fn patterns(self, app: &ParsedApp) -> &[Pattern] {
        match self {
            Field::FileName => &app.file_name,
            Field::OriginalFileName => app.original_file_name(),
            Field::Product => &app.product,
            Field::Vendor => &app.vendor,
            Field::CommandLine => app.command_line(),
        }
    }
}

/// Literal and prefix maps of one pattern field.
#[derive(Clone, Debug)]
pub(crate) struct FieldIndex {
    pub literal: FoldMap<Vec<u32>>,
    pub prefix: FoldMap<Vec<u32>>,
    /// Longest prefix key, in characters (0 when the prefix map is empty).
    pub prefix_chars: usize,
}

impl FieldIndex {
    fn new() -> FieldIndex {
        FieldIndex {
            literal: FoldMap::new(true),
            prefix: FoldMap::new(true),
            prefix_chars: 0,
        }
    }

    /// Appends to `out` the applications filed under a literal equal to `value` or a prefix of
    /// `value`.
    pub fn lookup(&self, value: &str, out: &mut Vec<u32>) {
        self.lookup_hashed(value, None, out);
    }

    /// [`FieldIndex::lookup`], given `fold_hash(value, true)` when the caller has it (the path
    /// trie's hash of the last component).
    pub fn lookup_hashed(&self, value: &str, ci_hash: Option<u64>, out: &mut Vec<u32>) {
        // An empty map is not probed (that would hash `value` for nothing).
        if !self.literal.is_empty()
            && let Some(apps) = match ci_hash {
                Some(h) => self.literal.get_with_ci_hash(value, h),
                None => self.literal.get(value),
            }
        {
            out.extend_from_slice(apps);
        }
        if self.prefix_chars > 0 {
            for (n, (end, c)) in value.char_indices().enumerate() {
                if n >= self.prefix_chars {
                    break;
                }
                let Some(key) = value.get(..end + c.len_utf8()) else {
                    break;
                };
                if let Some(apps) = self.prefix.get(key) {
                    out.extend_from_slice(apps);
                }
            }
        }
    }
}

/// Where each application is filed.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    pub sha256: DigestMap<[u8; 32]>,
    pub clsid: DigestMap<u128>,
    pub thumbprint: DigestMap<[u8; 32]>,
    pub fields: [FieldIndex; 5],
    /// Applications anchored on `path` (found by the path trie).
    pub by_path: usize,
    /// Applications with no usable anchor, checked on every launch.
    pub scan: Vec<u32>,
}

impl Index {
    pub fn field(&self, f: Field) -> &FieldIndex {
        match f {
            Field::FileName => &self.fields[0],
            Field::OriginalFileName => &self.fields[1],
            Field::Product => &self.fields[2],
            Field::Vendor => &self.fields[3],
            Field::CommandLine => &self.fields[4],
        }
    }

    fn field_mut(&mut self, f: Field) -> &mut FieldIndex {
        match f {
            Field::FileName => &mut self.fields[0],
            Field::OriginalFileName => &mut self.fields[1],
            Field::Product => &mut self.fields[2],
            Field::Vendor => &mut self.fields[3],
            Field::CommandLine => &mut self.fields[4],
        }
    }

    /// Files every application under its anchor.
    pub fn build(apps: &[ParsedApp]) -> Index {
        let mut ix = Index {
            sha256: DigestMap::default(),
            clsid: DigestMap::default(),
            thumbprint: DigestMap::default(),
            fields: [
                FieldIndex::new(),
                FieldIndex::new(),
                FieldIndex::new(),
                FieldIndex::new(),
                FieldIndex::new(),
            ],
            by_path: 0,
            scan: Vec::new(),
        };
        for (i, app) in apps.iter().enumerate() {
            let Ok(id) = u32::try_from(i) else { continue };
            ix.file(id, app);
        }
        for f in &mut ix.fields {
            f.literal.shrink_to_fit();
            f.prefix.shrink_to_fit();
        }
        ix.sha256.shrink_to_fit();
        ix.clsid.shrink_to_fit();
        ix.thumbprint.shrink_to_fit();
        ix
    }

    fn file(&mut self, id: u32, app: &ParsedApp) {
        let all_literal =
            |pats: &[Pattern]| !pats.is_empty() && pats.iter().all(Pattern::is_literal);
        if !app.sha256.is_empty() {
            for d in &*app.sha256 {
                push_unique(self.sha256.entry(*d).or_default(), id);
            }
            return;
        }
        if !app.clsid().is_empty() {
            for g in app.clsid() {
                push_unique(self.clsid.entry(*g).or_default(), id);
            }
            return;
        }
        for f in [Field::FileName, Field::OriginalFileName] {
            if all_literal(f.patterns(app)) {
                self.file_literal(f, id, app);
                return;
            }
        }
        if !app.paths.is_empty() {
            self.by_path += 1;
            return;
        }
        if all_literal(&app.product) {
            self.file_literal(Field::Product, id, app);
            return;
        }
        if !app.thumbprints().is_empty() {
            for d in app.thumbprints() {
                push_unique(self.thumbprint.entry(*d).or_default(), id);
            }
            return;
        }
        for f in [Field::Vendor, Field::CommandLine] {
            if all_literal(f.patterns(app)) {
                self.file_literal(f, id, app);
                return;
            }
        }
        // Wildcards: the field whose shortest literal prefix is longest.
        let best = FIELDS
            .iter()
            .filter_map(|&f| {
                let pats = f.patterns(app);
                let shortest = pats
                    .iter()
                    .map(|p| p.literal_prefix().chars().count())
                    .min()?;
                (shortest > 0).then_some((shortest, f))
            })
            .max_by_key(|(n, _)| *n);
        if let Some((_, f)) = best {
            let fi = self.field_mut(f);
            for p in f.patterns(app) {
                match p.literal() {
                    Some(lit) => push_unique(fi.literal.entry_or_insert_with(lit, Vec::new), id),
                    None => {
                        let prefix = p.literal_prefix();
                        let end = prefix
                            .char_indices()
                            .nth(PREFIX_CHARS)
                            .map_or(prefix.len(), |(e, _)| e);
                        let key = prefix.get(..end).unwrap_or(prefix);
                        fi.prefix_chars = fi.prefix_chars.max(key.chars().count());
                        push_unique(fi.prefix.entry_or_insert_with(key, Vec::new), id);
                    }
                }
            }
            return;
        }
        self.scan.push(id);
    }

    fn file_literal(&mut self, f: Field, id: u32, app: &ParsedApp) {
        let fi = self.field_mut(f);
        for p in f.patterns(app) {
            if let Some(lit) = p.literal() {
                push_unique(fi.literal.entry_or_insert_with(lit, Vec::new), id);
            }
        }
    }
}

fn push_unique(v: &mut Vec<u32>, id: u32) {
    if v.last() != Some(&id) {
        v.push(id);
    }
}
