//! Path normalization, variable expansion and rule-path parsing.
//!
//! A policy rule names programs by path (`path:` criteria) and by file name
//! (`fileName:` criteria). An attacker who can choose how a launch path is
//! *spelled* must not be able to make it look like a trusted path, and a
//! policy author must not be able to write a rule that silently means
//! something else. Both launch paths and rule paths therefore go through the
//! same normalization before the matcher compares them, component by
//! component. Normalization never touches the file system: it is purely
//! textual, and it never changes letter case (the matcher folds case itself
//! when [`Platform::case_insensitive`] says so).
//!
//! # Windows (`platform: windows`)
//!
//! * `\` and `/` are both separators; the normalized text uses `\` only.
//! * Repeated separators collapse (`C:\\a//b` → `C:\a\b`).
//! * `.` components are removed; `..` removes the previous component, as
//!   Win32 does (lexically, before the file system is consulted). A `..` at
//!   the root stays at the root: `C:\..\x` → `C:\x`, and the root of
//!   `\\srv\share\x` is `\\srv\share`, so `\\srv\share\..\x` → `\\srv\share\x`.
//! * The `\\?\` and `\\.\` prefixes are stripped: `\\?\C:\x` → `C:\x`,
//!   `\\?\UNC\srv\share\x` (or `\\.\UNC\…`) → `\\srv\share\x`. What remains
//!   after the prefix must itself be a drive path or `UNC\…`; anything else
//!   (`\\.\pipe\x`, `\\?\Volume{…}\x`, `\\?\GLOBALROOT\…`) is not absolute
//!   and is **unresolved** ([`Unresolved::Relative`]).
//! * Trailing dots and spaces are stripped from every component
//!   (`cmd.exe. .` → `cmd.exe`), and a trailing `::$DATA` (any letter case)
//!   is dropped (`cmd.exe::$DATA` → `cmd.exe`). A component made only of
//!   dots and spaces other than `.` and `..` (for example `...` or `.. `)
//!   becomes empty and is dropped.
//! * Normalized forms: `C:\Program Files\Tools\y.exe`, a bare drive root
//!   `C:\`, UNC `\\srv\share\x`, a bare share `\\srv\share`.
//!
//! A Windows launch path is **unresolved** (the matcher treats `path:`
//! criteria as unknown, and `fileName:` criteria too when
//! [`LaunchPathFacts::last_component_odd`] is set) when:
//!
//! * it is not absolute ([`Unresolved::Relative`]): empty, relative (`x.exe`,
//!   `..\x.exe`), rooted without a drive (`\x.exe`, also `\??\C:\x`),
//!   drive-relative (`C:x.exe`, `C:`), a device path other than a drive or
//!   UNC path, or a malformed UNC root: a missing or empty server or share
//!   (`\\srv`, `\\\srv\share`, `\\srv\\share`), a server or share that is
//!   `.`/`..` or only dots and spaces, or that contains `:`, `*` or `?`;
//! * a component names an alternate data stream
//!   ([`Unresolved::AlternateStream`]): any `:` in a component (other than
//!   the drive colon and a trailing `::$DATA`), e.g. `a.exe:evil`,
//!   `a.exe:evil:$DATA`, `C:\Windows::$INDEX_ALLOCATION\x.exe`;
//! * a component looks like an 8.3 short name ([`Unresolved::ShortName`]):
//!   the part before the last dot is 1–8 characters ending in `~` and one or
//!   more digits, and the part after it is 0–3 characters (`PROGRA~1`,
//!   `CMD~1.EXE`; not `~$doc.docx`, not `a~1b.exe`, not `LONGNAME~1.exe`);
//! * **(choice beyond policy.md §3)** a component had trailing dots or spaces
//!   stripped ([`Unresolved::TrailingDotOrSpace`]). The text is still
//!   normalized as above, but the facts say unresolved: Windows itself strips
//!   them from a path someone *types*, so an image path reported by the
//!   operating system only carries them when a file or folder really has
//!   such a name (created through `\\?\`), and that is a *different* file:
//!   `C:\Windows \System32\x.exe` is a folder any user can create, and it
//!   must not be taken for `C:\Windows\System32\x.exe` (the known
//!   "mock trusted folder" attack).
//! * **(choice beyond policy.md §3)** a component holds a control character
//!   (including NUL), or a character of [`NTFS_AMBIGUOUS_CASE`] on which
//!   Unicode simple case folding and Windows' own comparison disagree (the
//!   Kelvin sign folds to `k`, but Windows keeps `C:\<KELVIN SIGN>it` and
//!   `C:\Kit` apart) ([`Unresolved::OddCharacter`]).
//!
//! These per-component checks look at every component of the input, even one
//! that a later `..` removes (`C:\PROGRA~1\..\x.exe` is unresolved): such
//! spellings never come from the operating system, so the safer answer is
//! "unknown". [`Unresolved::Relative`] wins over the others; otherwise the
//! first offending component decides the reason.
//!
//! Control characters (which make the path unresolved, above) and other
//! characters Windows forbids in names (`<>"|`, and `*`/`?` in launch paths)
//! are kept in the text as they are: they are not separators. Nothing in this
//! module panics on any input.
//!
//! # macOS and Linux (`platform: macos | linux`)
//!
//! * Only `/` separates; a backslash is an ordinary character.
//! * Repeated separators collapse (`//usr///bin` → `/usr/bin`), `.` is
//!   removed, `..` removes the previous component, `..` at the root stays at
//!   `/`. Matching is case-sensitive. No dot/space stripping, no streams, no
//!   short names: `:` and `~` are ordinary characters.
//! * A launch path not starting with `/` is [`Unresolved::Relative`]; one
//!   with a NUL in a component is [`Unresolved::OddCharacter`].
//! * **(choice beyond policy.md §3)** a launch path where a `..` removes a
//!   component is [`Unresolved::ParentTraversal`]. Unlike Win32, the kernel
//!   resolves `..` *after* following symbolic links, so `/home/u/l/../x`
//!   is not necessarily `/home/u/x`. The text is still normalized lexically.
//!   `..` at the root (`/../x`) is harmless and stays resolved.
//!
//! # Relative launch paths
//!
//! A relative (unresolved) path is still normalized as far as possible, and
//! normalizing the result again gives the same text and the same facts:
//! leading `..` components are kept (`a\..\..\b` → `..\b`); a path rooted
//! without a drive keeps its leading `\` (`\x\..\y` → `\y`; a malformed UNC
//! root is rendered that way too: `\\srv` → `\srv`); a drive-relative path
//! keeps its drive (`C:a\..\b` → `C:b`); and a plain relative path whose
//! first component looks like a drive gets a `.\` in front (`.\C:\x` stays
//! `.\C:\x`) so that it can never turn into an absolute path. The root of a
//! device path is gone after stripping (`\\.\pipe\x` → `pipe\x`).
//!
//! # Rule paths
//!
//! [`parse_rule_path`] expands variables ([`Variables`]), then normalizes the
//! text exactly like a launch path, except that `*` and `?` are glob
//! characters: `*` and `?` match within one component, `**` spans any number
//! of components and must be a whole component. A rule path that ends with a
//! separator is a **folder rule**: it matches every file at any depth below
//! that folder. A rule path must be absolute or start with a `**` component
//! (`**\bin\tool.exe`, meant to match below any root, so it has no root
//! token). `..` in a rule path is resolved lexically (`C:\*\..\x` is
//! `C:\x`), except that `..` right after `**` is rejected; `\\?\` and
//! `\\.\` prefixes are stripped as in launch paths, and a wildcard in the
//! drive letter or the UNC server or share is rejected. Rule paths are
//! checked strictly instead of being marked unresolved; see [`PathError`]
//! for what is rejected. Trailing dots and spaces in a rule path are
//! stripped silently (the author's intent is clear, and launch paths that
//! really carry them are unresolved anyway).
//!
//! Windows rule paths may use `%NAME%` variables (names are
//! case-insensitive; built-ins: `ProgramFiles`, `ProgramFiles(x86)`,
//! `SystemRoot`, `WINDIR`, `System32`, `SystemDrive`, `OSDRIVE`,
//! `ProgramData`); macOS and Linux rule paths may use `$NAME` and `${NAME}`
//! (case-sensitive, no built-ins). The policy's `variables` map overrides or
//! adds names. An unknown variable is an error; a value is inserted as it is
//! and is not itself expanded again.

use crate::fold::partial_word;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

// ---------------------------------------------------------------------------
// Platform
// ---------------------------------------------------------------------------

/// The operating system family a policy targets; it decides the path syntax.
///
/// Serialized in lowercase (`"windows"`, `"macos"`, `"linux"`); the default is
/// [`Platform::Windows`].
///
/// ```
/// use jitaccess::paths::Platform;
///
/// let p: Platform = "linux".parse().unwrap();
/// assert_eq!(p, Platform::Linux);
/// assert_eq!(p.separator(), '/');
/// assert_eq!(Platform::default(), Platform::Windows);
/// assert_eq!(serde_json::to_string(&Platform::Macos).unwrap(), "\"macos\"");
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Windows: `\` or `/` separators, drive letters and UNC shares,
    /// case-insensitive, `%NAME%` variables.
    #[default]
    Windows,
    /// macOS: `/` separators, case-sensitive, `$NAME` variables.
    Macos,
    /// Linux: `/` separators, case-sensitive, `$NAME` variables.
    Linux,
}

impl Platform {
    /// All platforms, in declaration order.
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert_eq!(Platform::ALL.len(), 3);
    /// ```
    pub const ALL: [Platform; 3] = [Platform::Windows, Platform::Macos, Platform::Linux];

    /// The separator used in normalized paths: `\` on Windows, `/` elsewhere.
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert_eq!(Platform::Windows.separator(), '\\');
    /// assert_eq!(Platform::Macos.separator(), '/');
    /// ```
    pub const fn separator(self) -> char {
        match self {
            Platform::Windows => '\\',
            Platform::Macos | Platform::Linux => '/',
        }
    }

    /// Whether `c` separates components on this platform (`\` and `/` on
    /// Windows, only `/` elsewhere).
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert!(Platform::Windows.is_separator('/'));
    /// assert!(!Platform::Linux.is_separator('\\'));
    /// ```
    pub const fn is_separator(self, c: char) -> bool {
        match self {
            Platform::Windows => c == '\\' || c == '/',
            Platform::Macos | Platform::Linux => c == '/',
        }
    }

    /// Whether path comparison ignores letter case (only on Windows). This
    /// module never folds case; the matcher does.
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert!(Platform::Windows.case_insensitive());
    /// assert!(!Platform::Linux.case_insensitive());
    /// ```
    pub const fn case_insensitive(self) -> bool {
        matches!(self, Platform::Windows)
    }

    /// The policy spelling: `"windows"`, `"macos"` or `"linux"`.
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert_eq!(Platform::Macos.as_str(), "macos");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Platform::Windows => "windows",
            Platform::Macos => "macos",
            Platform::Linux => "linux",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a [`Platform`] from text other than `windows`,
/// `macos` or `linux`.
///
/// ```
/// use jitaccess::paths::Platform;
/// let err = "Windows".parse::<Platform>().unwrap_err();
/// assert_eq!(err.input(), "Windows");
/// assert!(err.to_string().contains("`Windows`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform `{input}`: expected `windows`, `macos` or `linux`")]
pub struct ParsePlatformError {
    input: String,
}

impl ParsePlatformError {
    /// The text that failed to parse.
    ///
    /// ```
    /// use jitaccess::paths::Platform;
    /// assert_eq!("bsd".parse::<Platform>().unwrap_err().input(), "bsd");
    /// ```
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl FromStr for Platform {
    type Err = ParsePlatformError;

    /// Parses the exact lowercase policy spelling (as serde does).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "windows" => Ok(Platform::Windows),
            "macos" => Ok(Platform::Macos),
            "linux" => Ok(Platform::Linux),
            _ => Err(ParsePlatformError {
                input: s.to_owned(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------
// Facts about a launch path
// ---------------------------------------------------------------------------

/// Why a launch path cannot be compared reliably with rule paths.
///
/// Serialized in camelCase (`"relative"`, `"alternateStream"`, …).
///
/// ```
/// use jitaccess::paths::{normalize_launch, Platform, Unresolved};
///
/// let mut out = String::new();
/// let facts = normalize_launch(Platform::Windows, r"C:\x\a.exe:evil", &mut out);
/// assert_eq!(facts.unresolved, Some(Unresolved::AlternateStream));
/// assert_eq!(
///     serde_json::to_string(&Unresolved::ShortName).unwrap(),
///     "\"shortName\""
/// );
/// ```
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Unresolved {
    /// The path is not absolute (or is empty, drive-relative, rooted without
    /// a drive, a non-file device path, or has a malformed UNC root).
    Relative,
    /// A component names an NTFS alternate data stream (a `:` other than the
    /// drive colon and a trailing `::$DATA`).
    AlternateStream,
    /// A component looks like an 8.3 short name (`PROGRA~1`), which may alias
    /// any long name.
    ShortName,
    /// A component ended in dots or spaces (Windows), which names a different
    /// file or folder than the same name without them.
    TrailingDotOrSpace,
    /// A `..` removed a component (macOS/Linux), which symbolic links can make
    /// mean something other than the text says.
    ParentTraversal,
    /// A component holds a character that no real file name holds (a control character on
    /// Windows, NUL anywhere), or one that Windows compares differently from Unicode simple
    /// case folding (see [`NTFS_AMBIGUOUS_CASE`]).
    OddCharacter,
}

/// Characters that Unicode simple case folding and Windows' file-name comparison (by
/// upper-casing, the NTFS `$UpCase` table) treat differently. Folding makes U+212A KELVIN
/// SIGN equal to `k`, but Windows upper-cases `k` to `K` and leaves the Kelvin sign alone, so
/// `C:\<U+212A>it` and `C:\Kit` can be two folders; the dotless `ı` is the reverse case
/// (Windows upper-cases it to `I`; folding keeps it apart from `i`). A Windows launch path with
/// one of these is [`Unresolved::OddCharacter`]: a folder rule neither matches it wrongly nor is
/// dodged by it. Sorted (binary search); a test derives it from the folding and the standard
/// library's upper-casing.
///
/// ```
/// use jitaccess::paths::{normalize_launch, Platform, Unresolved};
///
/// let mut out = String::new();
/// let facts = normalize_launch(Platform::Windows, "C:\\\u{212A}it\\tool.exe", &mut out);
/// assert_eq!(facts.unresolved, Some(Unresolved::OddCharacter));
/// let facts = normalize_launch(Platform::Windows, "C:\\Kit\\tool.exe", &mut out);
/// assert_eq!(facts.unresolved, None);
/// ```
pub const NTFS_AMBIGUOUS_CASE: [char; 7] = [
    '\u{0131}', // ı LATIN SMALL LETTER DOTLESS I (Windows: I)
    '\u{03F4}', // ϴ GREEK CAPITAL THETA SYMBOL (folds to θ)
    '\u{1E9E}', // ẞ LATIN CAPITAL LETTER SHARP S (folds to ß)
    '\u{2126}', // Ω OHM SIGN (folds to ω)
    '\u{212A}', // K KELVIN SIGN (folds to k)
    '\u{212B}', // Å ANGSTROM SIGN (folds to å)
    '\u{FB05}', // ﬅ LATIN SMALL LIGATURE LONG S T (folds to ﬆ)
];

impl Unresolved {
    /// A one-sentence human description, for explanations and audit records.
    ///
    /// ```
    /// use jitaccess::paths::Unresolved;
    /// assert!(Unresolved::ShortName.description().contains("8.3"));
    /// ```
    pub const fn description(self) -> &'static str {
        match self {
            Unresolved::Relative => "the launch path is not an absolute path",
            Unresolved::AlternateStream => {
                "the launch path names an alternate data stream (a `:` inside a component)"
            }
            Unresolved::ShortName => {
                "the launch path has a component that looks like an 8.3 short name (such as `PROGRA~1`)"
            }
            Unresolved::TrailingDotOrSpace => {
                "the launch path has a component ending in dots or spaces, which names a different file than the stripped name"
            }
            Unresolved::ParentTraversal => {
                "the launch path climbs out of a folder with `..`, which symbolic links can redirect"
            }
            Unresolved::OddCharacter => {
                "the launch path has a control character, or a character that Windows compares differently from case folding (such as the Kelvin sign)"
            }
        }
    }
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// What [`normalize_launch`] learned about a launch path.
///
/// ```
/// use jitaccess::paths::{normalize_launch, Platform, Unresolved};
///
/// let mut out = String::new();
/// let facts = normalize_launch(Platform::Windows, r"C:\PROGRA~1\x.exe", &mut out);
/// assert_eq!(facts.unresolved, Some(Unresolved::ShortName));
/// assert!(!facts.last_component_odd); // `x.exe` itself is fine
/// assert!(!facts.is_resolved());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LaunchPathFacts {
    /// `None` when the normalized path can be compared with rule paths;
    /// otherwise why not (the matcher then treats `path:` criteria as
    /// unknown).
    pub unresolved: Option<Unresolved>,
    /// The last component itself is odd (a stream, a short name, stripped
    /// trailing dots or spaces, or dropped entirely), so `fileName:` criteria
    /// are unknown as well.
    pub last_component_odd: bool,
}

impl LaunchPathFacts {
    /// `true` when [`LaunchPathFacts::unresolved`] is `None`.
    ///
    /// ```
    /// use jitaccess::paths::{normalize_launch, Platform};
    /// let mut out = String::new();
    /// assert!(normalize_launch(Platform::Linux, "/usr/bin/id", &mut out).is_resolved());
    /// ```
    pub const fn is_resolved(&self) -> bool {
        self.unresolved.is_none()
    }
}

// ---------------------------------------------------------------------------
// Normalization core (shared by launch paths and rule paths)
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Launch,
    Rule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RootKind {
    /// No root at all: `a\b`.
    Relative,
    /// Windows `\a` (no drive), also a malformed UNC root.
    Rooted,
    /// Windows `C:a`.
    DriveRelative,
    /// Windows `C:\a`.
    Drive,
    /// Windows `\\srv\share\a`.
    Unc,
    /// POSIX `/a`.
    Posix,
}

impl RootKind {
    const fn is_absolute(self) -> bool {
        matches!(self, RootKind::Drive | RootKind::Unc | RootKind::Posix)
    }

    /// Whether a `..` at the root stays at the root (instead of being kept).
    const fn anchored(self) -> bool {
        !matches!(self, RootKind::Relative | RootKind::DriveRelative)
    }
}

/// A byte range of the (expanded) input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug)]
struct Scan {
    root: RootKind,
    /// First component-level problem, with the offending component.
    problem: Option<(Unresolved, Span)>,
    last_odd: bool,
    /// A control character was seen in some component: a host that reads the path as a C
    /// string (up to a NUL) names another file, so the file name is unreliable too, whichever
    /// component held it.
    control_char: bool,
    partial_globstar: Option<Span>,
    glob_root: Option<Span>,
    dotdot_after_globstar: bool,
}

impl Scan {
    const fn new() -> Self {
        Scan {
            root: RootKind::Relative,
            problem: None,
            last_odd: false,
            control_char: false,
            partial_globstar: None,
            glob_root: None,
            dotdot_after_globstar: false,
        }
    }

    fn note(&mut self, kind: Unresolved, span: Span) {
        if self.problem.is_none() {
            self.problem = Some((kind, span));
        }
    }

    fn facts(&self) -> LaunchPathFacts {
        LaunchPathFacts {
            unresolved: if self.root.is_absolute() {
                self.problem.map(|(kind, _)| kind)
            } else {
                Some(Unresolved::Relative)
            },
            last_component_odd: self.last_odd || self.control_char,
        }
    }
}

const fn win_sep_byte(b: u8) -> bool {
    b == b'\\' || b == b'/'
}

fn win_sep(c: char) -> bool {
    c == '\\' || c == '/'
}

fn posix_sep(c: char) -> bool {
    c == '/'
}

fn sep_fn(platform: Platform) -> fn(char) -> bool {
    match platform {
        Platform::Windows => win_sep,
        Platform::Macos | Platform::Linux => posix_sep,
    }
}

/// `0x01` in each byte of a `u64`.
const LOW_ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a `u64`.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit set in exactly the bytes of `word` that equal `b`.
#[inline]
const fn bytes_equal_to(word: u64, b: u8) -> u64 {
    let x = word ^ (LOW_ONES * b as u64);
    // Per byte: bit 7 of `y` is set when the low 7 bits of `x` are not all zero (no carry
    // crosses bytes: 0x7F + 0x7F < 0x100).
    let y = (x & !HIGH_BITS).wrapping_add(!HIGH_BITS);
    !(y | x | !HIGH_BITS)
}

/// The separators of a little-endian word of path bytes, one high bit per separator byte.
#[inline]
const fn sep_marks<const WIN: bool>(word: u64) -> u64 {
    let marks = bytes_equal_to(word, b'/');
    if WIN {
        marks | bytes_equal_to(word, b'\\')
    } else {
        marks
    }
}

/// The offset of the last separator in `bytes`, eight bytes at a time from the end.
#[inline]
fn rfind_sep<const WIN: bool>(bytes: &[u8]) -> Option<usize> {
    let mut rest = bytes;
    while let Some((head, chunk)) = rest.split_last_chunk::<8>() {
        let marks = sep_marks::<WIN>(u64::from_le_bytes(*chunk));
        if marks != 0 {
            let in_chunk = (63 - marks.leading_zeros()) / 8;
            return Some(head.len().saturating_add(in_chunk as usize));
        }
        rest = head;
    }
    // Fewer than 8 bytes left: one zero-padded word (a zero byte is no separator).
    let marks = sep_marks::<WIN>(partial_word(rest));
    (marks != 0).then(|| ((63 - marks.leading_zeros()) / 8) as usize)
}

/// `s` split on separators, each piece with its byte offset in `s` (like `str::split`, but
/// on bytes: separators are ASCII, so every cut is on a char boundary). The separators are
/// found eight bytes at a time and each word of `s` is read once: `marks` holds those of the
/// current word not yet consumed.
#[derive(Clone, Debug)]
struct Pieces<'a, const WIN: bool> {
    s: &'a str,
    /// Start of the next piece.
    start: usize,
    /// Offset of the word `marks` was taken from.
    base: usize,
    /// Offset of the next word to read.
    next_word: usize,
    /// One high bit per separator byte of the current word after `start`.
    marks: u64,
    done: bool,
}

impl<'a, const WIN: bool> Pieces<'a, WIN> {
    fn new(s: &'a str) -> Self {
        Pieces {
            s,
            start: 0,
            base: 0,
            next_word: 0,
            marks: 0,
            done: false,
        }
    }
}

impl<'a, const WIN: bool> Iterator for Pieces<'a, WIN> {
    type Item = (usize, &'a str);

    // Always inlined: its state then stays in registers in the caller's loop.
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let bytes = self.s.as_bytes();
        while self.marks == 0 {
            let Some(chunk) = bytes.get(self.next_word..).filter(|c| !c.is_empty()) else {
                // No separator left: the last piece (empty when `s` ends with one).
                self.done = true;
                return Some((self.start, self.s.get(self.start..).unwrap_or("")));
            };
            let word = match chunk.first_chunk::<8>() {
                Some(w) => u64::from_le_bytes(*w),
                None => partial_word(chunk),
            };
            self.marks = sep_marks::<WIN>(word);
            self.base = self.next_word;
            self.next_word = self.next_word.saturating_add(8);
        }
        let end = self
            .base
            .saturating_add((self.marks.trailing_zeros() / 8) as usize);
        self.marks &= self.marks.wrapping_sub(1);
        let start = self.start;
        self.start = end.saturating_add(1);
        Some((start, self.s.get(start..end)?))
    }
}

/// The last piece of `s` split on separators (`""` when `s` ends with one).
fn last_piece<const WIN: bool>(s: &str) -> &str {
    match rfind_sep::<WIN>(s.as_bytes()) {
        Some(i) => s.get(i.saturating_add(1)..).unwrap_or(""),
        None => s,
    }
}

fn strip_dots_spaces(s: &str) -> &str {
    // On bytes: `.` and ` ` are ASCII, so the cut is on a char boundary.
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while let Some(&(b'.' | b' ')) = end.checked_sub(1).and_then(|i| bytes.get(i)) {
        end -= 1;
    }
    s.get(..end).unwrap_or(s)
}

/// What one pass over the bytes after the root finds, eight bytes at a time: whether any is a
/// `:` or a `~` (streams, 8.3 names), and whether any is a control character (below 0x20) or not
/// ASCII ([`Unresolved::OddCharacter`]). Most paths have none of these, so the per-component
/// checks are skipped; the marks are accumulated without branches.
fn rare_bytes(bytes: &[u8]) -> (bool, bool) {
    const ONES: u64 = LOW_ONES;
    // Per byte, high bit: not ASCII, or below 0x20 (the subtraction borrows).
    let odd = |w: u64| (w | (w.wrapping_sub(ONES * 0x20) & !w)) & HIGH_BITS;
    let colon_tilde = |w: u64| bytes_equal_to(w, b':') | bytes_equal_to(w, b'~');
    let (mut ct, mut od) = (0u64, 0u64);
    let mut rest = bytes;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let w = u64::from_le_bytes(*chunk);
        ct |= colon_tilde(w);
        od |= odd(w);
        rest = tail;
    }
    if !rest.is_empty() {
        // The missing bytes of the last word read as spaces: neither rare nor odd.
        let pad = u64::MAX.checked_shl(8 * rest.len() as u32).unwrap_or(0) & (ONES * 0x20);
        let w = partial_word(rest) | pad;
        ct |= colon_tilde(w);
        od |= odd(w);
    }
    (ct != 0, od != 0)
}

/// Whether a launch path component holds a character of [`Unresolved::OddCharacter`].
fn has_odd_char<const WIN: bool>(comp: &str) -> bool {
    comp.chars().any(|c| {
        if WIN {
            c < ' ' || (!c.is_ascii() && NTFS_AMBIGUOUS_CASE.binary_search(&c).is_ok())
        } else {
            c == '\0'
        }
    })
}

/// Windows component cleanup: strip trailing dots and spaces, drop a trailing
/// `::$DATA` (when nothing before it has a colon), strip again. Returns the
/// cleaned component (a prefix of `piece`) and whether dots or spaces were
/// stripped.
fn clean_component(piece: &str) -> (&str, bool) {
    const DATA: &[u8] = b"::$DATA";
    let trimmed = strip_dots_spaces(piece);
    let mut stripped = trimmed.len() != piece.len();
    if let Some(cut) = trimmed.len().checked_sub(DATA.len())
        && let (Some(base), Some(tail)) = (trimmed.get(..cut), trimmed.as_bytes().get(cut..))
        && tail.first() == Some(&b':')
        && tail.eq_ignore_ascii_case(DATA)
        && !base.contains(':')
    {
        let base_trimmed = strip_dots_spaces(base);
        stripped |= base_trimmed.len() != base.len();
        return (base_trimmed, stripped);
    }
    (trimmed, stripped)
}

/// The 8.3 short-name heuristic: the part before the last dot is 1–8
/// characters ending in `~` and one or more ASCII digits; the part after the
/// last dot (if any) is at most 3 characters.
fn is_short_name(component: &str) -> bool {
    let (base, ext) = match component.rfind('.') {
        Some(i) => (
            component.get(..i).unwrap_or(""),
            component.get(i.saturating_add(1)..).unwrap_or(""),
        ),
        None => (component, ""),
    };
    if ext.chars().count() > 3 || base.chars().count() > 8 {
        return false;
    }
    let without_digits = base.trim_end_matches(|c: char| c.is_ascii_digit());
    without_digits.len() != base.len() && without_digits.ends_with('~')
}

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Appends the components of `input[off..]` to `out` (whose root occupies
/// `out[..root_len]`), resolving `.` and `..` and checking each component.
#[allow(clippy::too_many_arguments)]
fn push_components(
    platform: Platform,
    input: &str,
    off: usize,
    out: &mut String,
    root_needs_sep: bool,
    mode: Mode,
    scan: &mut Scan,
    spans: Spans<'_>,
) {
    match platform {
        Platform::Windows => {
            push_components_impl::<true>(input, off, out, root_needs_sep, mode, scan, spans);
        }
        Platform::Macos | Platform::Linux => {
            push_components_impl::<false>(input, off, out, root_needs_sep, mode, scan, spans);
        }
    }
}

/// Where [`normalize_launch_spans`] records the byte range in `out` of each component
/// (`None`: not recorded).
type Spans<'a> = Option<&'a mut Vec<(usize, usize)>>;

/// [`push_components`] for Windows (`WIN`) or POSIX.
fn push_components_impl<const WIN: bool>(
    input: &str,
    off: usize,
    out: &mut String,
    root_needs_sep: bool,
    mode: Mode,
    scan: &mut Scan,
    mut spans: Spans<'_>,
) {
    let root_len = out.len();
    let sep = if WIN { '\\' } else { '/' };
    let windows = WIN;
    let anchored = scan.root.anchored();
    let rest = input.get(off..).unwrap_or("");
    // Most paths have neither `:` nor `~` after the root: then no component is checked for
    // streams or short names one by one.
    // Likewise for control and non-ASCII bytes: only then are chars checked one by one.
    let (colon_or_tilde, odd_byte) = rare_bytes(rest.as_bytes());
    let any_colon_or_tilde = WIN && colon_or_tilde;
    let any_odd_byte = mode == Mode::Launch && odd_byte;
    let mut depth = 0usize;
    let mut leading_dotdots = 0usize;
    let mut any_odd = false;
    for (start, piece) in Pieces::<WIN>::new(rest) {
        if piece.is_empty() || piece == "." {
            continue;
        }
        let start = off.saturating_add(start);
        if piece == ".." {
            if depth > leading_dotdots {
                let tail = out.get(root_len..).unwrap_or("");
                if mode == Mode::Rule && tail.rsplit(sep).next() == Some("**") {
                    scan.dotdot_after_globstar = true;
                }
                let cut = tail
                    .rfind(sep)
                    .map_or(root_len, |i| root_len.saturating_add(i));
                out.truncate(cut);
                if let Some(v) = spans.as_deref_mut() {
                    v.pop();
                }
                depth = depth.saturating_sub(1);
                if !windows && mode == Mode::Launch {
                    let span = Span {
                        start,
                        end: start.saturating_add(2),
                    };
                    scan.note(Unresolved::ParentTraversal, span);
                }
                // Conservative: we no longer know whether the new last
                // component was odd.
                scan.last_odd = any_odd;
            } else if !anchored {
                if out.len() > root_len || root_needs_sep {
                    out.push(sep);
                }
                let begin = out.len();
                out.push_str("..");
                if let Some(v) = spans.as_deref_mut() {
                    v.push((begin, out.len()));
                }
                depth = depth.saturating_add(1);
                leading_dotdots = leading_dotdots.saturating_add(1);
                scan.last_odd = false;
            }
            continue;
        }
        let (comp, stripped) = if windows {
            clean_component(piece)
        } else {
            (piece, false)
        };
        let span = Span {
            start,
            end: start.saturating_add(comp.len()),
        };
        if mode == Mode::Rule
            && comp.contains("**")
            && comp != "**"
            && scan.partial_globstar.is_none()
        {
            scan.partial_globstar = Some(span);
        }
        // One pass over the component for both `:` and `~` (rare in real paths).
        let colon_or_tilde = any_colon_or_tilde && comp.bytes().any(|b| b == b':' || b == b'~');
        let odd = if any_odd_byte && has_odd_char::<WIN>(comp) {
            scan.control_char |= comp.bytes().any(|b| b < 0x20);
            Some(Unresolved::OddCharacter)
        } else if !windows {
            None
        } else if colon_or_tilde && comp.as_bytes().contains(&b':') {
            Some(Unresolved::AlternateStream)
        } else if colon_or_tilde && comp.as_bytes().contains(&b'~') && is_short_name(comp) {
            Some(Unresolved::ShortName)
        } else if stripped && mode == Mode::Launch {
            Some(Unresolved::TrailingDotOrSpace)
        } else {
            None
        };
        if let Some(kind) = odd {
            scan.note(kind, span);
            any_odd = true;
        }
        if comp.is_empty() {
            // Only dots and spaces: dropped. In a launch path the file or
            // folder really had that name, so what follows is unreliable.
            if mode == Mode::Launch && stripped {
                let span = Span {
                    start,
                    end: start.saturating_add(piece.len()),
                };
                scan.note(Unresolved::TrailingDotOrSpace, span);
                any_odd = true;
                scan.last_odd = true;
            }
            continue;
        }
        if out.len() > root_len || root_needs_sep {
            out.push(sep);
        }
        let begin = out.len();
        out.push_str(comp);
        if let Some(v) = spans.as_deref_mut() {
            v.push((begin, out.len()));
        }
        depth = depth.saturating_add(1);
        scan.last_odd = odd.is_some();
    }
}

/// Parses `\\server\share` starting at `input[body..]` (just after the two
/// leading separators or after `\\?\UNC\`).
fn normalize_unc(
    input: &str,
    body: usize,
    out: &mut String,
    mode: Mode,
    scan: &mut Scan,
    mut spans: Spans<'_>,
) {
    let rest = input.get(body..).unwrap_or("");
    let mut it = Pieces::<true>::new(rest);
    let server = it.next();
    let share = it.next();
    if let (Some((_, server)), Some((share_off, share))) = (server, share) {
        let srv = strip_dots_spaces(server);
        let shr = strip_dots_spaces(share);
        let stripped = srv.len() != server.len() || shr.len() != share.len();
        let glob = has_glob(srv) || has_glob(shr);
        let valid = !srv.is_empty()
            && !shr.is_empty()
            && !srv.contains(':')
            && !shr.contains(':')
            && (mode == Mode::Rule || !glob);
        if valid {
            let root_end = body.saturating_add(share_off).saturating_add(share.len());
            let span = Span {
                start: body,
                end: root_end,
            };
            if glob {
                scan.glob_root = Some(span);
            }
            if mode == Mode::Launch && stripped {
                scan.note(Unresolved::TrailingDotOrSpace, span);
            }
            out.push_str("\\\\");
            out.push_str(srv);
            out.push('\\');
            out.push_str(shr);
            scan.root = RootKind::Unc;
            if let Some(v) = spans.as_deref_mut() {
                v.push((0, out.len()));
            }
            push_components(
                Platform::Windows,
                input,
                root_end,
                out,
                true,
                mode,
                scan,
                spans,
            );
            return;
        }
    }
    // Malformed UNC root: unresolved, rendered as a path rooted without drive.
    out.push('\\');
    scan.root = RootKind::Rooted;
    if let Some(v) = spans.as_deref_mut() {
        v.push((0, out.len()));
    }
    push_components(
        Platform::Windows,
        input,
        body,
        out,
        false,
        mode,
        scan,
        spans,
    );
}

fn normalize_windows(input: &str, out: &mut String, mode: Mode, mut spans: Spans<'_>) -> Scan {
    let mut scan = Scan::new();
    let bytes = input.as_bytes();

    // `\\?\` and `\\.\` device prefixes.
    let device = matches!(
        bytes,
        [a, b, q, rest @ ..]
            if win_sep_byte(*a)
                && win_sep_byte(*b)
                && (*q == b'?' || *q == b'.')
                && rest.first().is_none_or(|c| win_sep_byte(*c))
    );
    let rem_off = if device { bytes.len().min(4) } else { 0 };
    let rem = input.get(rem_off..).unwrap_or("");
    let rb = rem.as_bytes();

    if device {
        if let [u, n, c, rest @ ..] = rb
            && [*u, *n, *c].eq_ignore_ascii_case(b"UNC")
            && rest.first().is_none_or(|c| win_sep_byte(*c))
        {
            let body = rem_off.saturating_add(if rest.is_empty() { 3 } else { 4 });
            normalize_unc(input, body, out, mode, &mut scan, spans);
            return finish_windows(out, scan);
        }
    } else if let [a, b, ..] = bytes
        && win_sep_byte(*a)
        && win_sep_byte(*b)
    {
        normalize_unc(input, 2, out, mode, &mut scan, spans);
        return finish_windows(out, scan);
    }

    match rb {
        [d, b':', rest @ ..]
            if d.is_ascii_alphabetic() || (mode == Mode::Rule && (*d == b'*' || *d == b'?')) =>
        {
            if !d.is_ascii_alphabetic() {
                scan.glob_root = Some(Span {
                    start: rem_off,
                    end: rem_off.saturating_add(2),
                });
            }
            out.push_str(rem.get(..2).unwrap_or(""));
            if rest.first().is_some_and(|c| win_sep_byte(*c)) {
                if let Some(v) = spans.as_deref_mut() {
                    v.push((0, out.len()));
                }
                out.push('\\');
                scan.root = RootKind::Drive;
                push_components(
                    Platform::Windows,
                    input,
                    rem_off.saturating_add(3),
                    out,
                    false,
                    mode,
                    &mut scan,
                    spans,
                );
            } else {
                scan.root = RootKind::DriveRelative;
                push_components(
                    Platform::Windows,
                    input,
                    rem_off.saturating_add(2),
                    out,
                    false,
                    mode,
                    &mut scan,
                    spans,
                );
            }
        }
        [s, ..] if win_sep_byte(*s) => {
            out.push('\\');
            scan.root = RootKind::Rooted;
            if let Some(v) = spans.as_deref_mut() {
                v.push((0, out.len()));
            }
            push_components(
                Platform::Windows,
                input,
                rem_off.saturating_add(1),
                out,
                false,
                mode,
                &mut scan,
                spans,
            );
        }
        _ => {
            scan.root = RootKind::Relative;
            push_components(
                Platform::Windows,
                input,
                rem_off,
                out,
                false,
                mode,
                &mut scan,
                spans,
            );
        }
    }
    finish_windows(out, scan)
}

fn finish_windows(out: &mut String, scan: Scan) -> Scan {
    // A plain relative path must never read as a drive path.
    if scan.root == RootKind::Relative
        && let [d, b':', ..] = out.as_bytes()
        && d.is_ascii_alphabetic()
    {
        out.insert_str(0, ".\\");
    }
    scan
}

fn normalize_posix(
    input: &str,
    out: &mut String,
    mode: Mode,
    platform: Platform,
    mut spans: Spans<'_>,
) -> Scan {
    let mut scan = Scan::new();
    if input.starts_with('/') {
        out.push('/');
        scan.root = RootKind::Posix;
        if let Some(v) = spans.as_deref_mut() {
            v.push((0, 1));
        }
    }
    push_components(platform, input, 0, out, false, mode, &mut scan, spans);
    scan
}

fn normalize_impl(
    platform: Platform,
    input: &str,
    out: &mut String,
    mode: Mode,
    spans: Spans<'_>,
) -> Scan {
    out.clear();
    match platform {
        Platform::Windows => normalize_windows(input, out, mode, spans),
        Platform::Macos | Platform::Linux => normalize_posix(input, out, mode, platform, spans),
    }
}

/// Normalizes a launch path into `out` and reports whether it is usable.
///
/// `out` is cleared first; nothing is allocated except by growing `out`, so a
/// caller that reuses one buffer normalizes without allocating. The text is
/// normalized even when the path is unresolved (see the module
/// documentation), and normalizing the result again gives the same text and
/// the same facts whenever the first result was resolved.
///
/// ```
/// use jitaccess::paths::{normalize_launch, Platform, Unresolved};
///
/// let mut out = String::new();
/// let facts = normalize_launch(
///     Platform::Windows,
///     r"\\?\c:/program files//Tools\..\Tools\.\y.exe::$DATA",
///     &mut out,
/// );
/// assert_eq!(out, r"c:\program files\Tools\y.exe");
/// assert!(facts.is_resolved());
///
/// let facts = normalize_launch(Platform::Windows, r"C:\Windows\cmd.exe.", &mut out);
/// assert_eq!(out, r"C:\Windows\cmd.exe");
/// assert_eq!(facts.unresolved, Some(Unresolved::TrailingDotOrSpace));
/// assert!(facts.last_component_odd);
///
/// let facts = normalize_launch(Platform::Linux, "//usr/./bin//id", &mut out);
/// assert_eq!(out, "/usr/bin/id");
/// assert!(facts.is_resolved());
/// ```
pub fn normalize_launch(platform: Platform, input: &str, out: &mut String) -> LaunchPathFacts {
    normalize_impl(platform, input, out, Mode::Launch, None).facts()
}

/// [`normalize_launch`] that also records in `spans` (cleared first) the byte range in `out`
/// of each component: for a resolved path, exactly the items of [`components`] on `out`
/// (the root token first), so the matcher does not split the path again. For an unresolved
/// path the ranges are not meant to be used.
pub(crate) fn normalize_launch_spans(
    platform: Platform,
    input: &str,
    out: &mut String,
    spans: &mut Vec<(usize, usize)>,
) -> LaunchPathFacts {
    spans.clear();
    normalize_impl(platform, input, out, Mode::Launch, Some(spans)).facts()
}

/// Splits a normalized path into `(root token, rest)`.
fn split_root(platform: Platform, s: &str) -> (Option<&str>, &str) {
    let bytes = s.as_bytes();
    match platform {
        Platform::Windows => match bytes {
            [a, b, ..] if win_sep_byte(*a) && win_sep_byte(*b) => {
                let after = s.get(2..).unwrap_or("");
                let server_end = after
                    .bytes()
                    .position(win_sep_byte)
                    .map(|i| i.saturating_add(2));
                let end = server_end
                    .and_then(|se| {
                        let share_start = se.saturating_add(1);
                        s.get(share_start..)
                            .and_then(|t| t.bytes().position(win_sep_byte))
                            .map(|i| share_start.saturating_add(i))
                    })
                    .unwrap_or(s.len());
                (s.get(..end), s.get(end..).unwrap_or(""))
            }
            [d, b':', c, ..] if d.is_ascii_alphabetic() && win_sep_byte(*c) => {
                (s.get(..2), s.get(3..).unwrap_or(""))
            }
            [c, ..] if win_sep_byte(*c) => (s.get(..1), s.get(1..).unwrap_or("")),
            _ => (None, s),
        },
        Platform::Macos | Platform::Linux => match bytes {
            [b'/', ..] => (s.get(..1), s.get(1..).unwrap_or("")),
            _ => (None, s),
        },
    }
}

/// The components of a normalized path: first the root token if there is one
/// (`C:`, `\\srv\share`, `\` for a path rooted without a drive, or `/` on
/// macOS and Linux), then each component.
///
/// Meant for the output of [`normalize_launch`]; on other text it does its
/// best and never panics. A drive-relative path such as `C:x` has no root
/// token (its first component is `C:x`), so it can never look like `C:\x`.
///
/// ```
/// use jitaccess::paths::{components, Platform};
///
/// let c: Vec<&str> = components(Platform::Windows, r"C:\Program Files\y.exe").collect();
/// assert_eq!(c, ["C:", "Program Files", "y.exe"]);
/// let c: Vec<&str> = components(Platform::Windows, r"\\srv\share\x").collect();
/// assert_eq!(c, [r"\\srv\share", "x"]);
/// let c: Vec<&str> = components(Platform::Linux, "/usr/bin").collect();
/// assert_eq!(c, ["/", "usr", "bin"]);
/// ```
pub fn components(platform: Platform, normalized: &str) -> impl Iterator<Item = &str> {
    let (root, rest) = split_root(platform, normalized);
    Components {
        root,
        rest,
        start: 0,
        base: 0,
        next_word: 0,
        marks: 0,
        done: false,
        windows: platform == Platform::Windows,
    }
}

/// The iterator of [`components`]: the root token, then the non-empty pieces of the rest.
/// (A plain struct rather than a chain of adapters: the path trie runs it on every launch.)
/// The separators are found eight bytes at a time, and each word of the path is read once:
/// `marks` holds the separators of the current word not yet consumed.
struct Components<'a> {
    root: Option<&'a str>,
    rest: &'a str,
    /// Start of the next piece in `rest`.
    start: usize,
    /// Offset in `rest` of the word `marks` was taken from.
    base: usize,
    /// Offset in `rest` of the next word to read.
    next_word: usize,
    /// One high bit per separator byte of the current word after `start`.
    marks: u64,
    done: bool,
    windows: bool,
}

impl<'a> Iterator for Components<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if let Some(root) = self.root.take() {
            return Some(root);
        }
        let bytes = self.rest.as_bytes();
        while !self.done {
            while self.marks == 0 {
                let Some(chunk) = bytes.get(self.next_word..).filter(|c| !c.is_empty()) else {
                    // No separator left: the last piece.
                    self.done = true;
                    return self.rest.get(self.start..).filter(|p| !p.is_empty());
                };
                let word = match chunk.first_chunk::<8>() {
                    Some(w) => u64::from_le_bytes(*w),
                    None => partial_word(chunk),
                };
                self.marks = if self.windows {
                    sep_marks::<true>(word)
                } else {
                    sep_marks::<false>(word)
                };
                self.base = self.next_word;
                self.next_word = self.next_word.saturating_add(8);
            }
            let end = self
                .base
                .saturating_add((self.marks.trailing_zeros() / 8) as usize);
            self.marks &= self.marks.wrapping_sub(1);
            let start = self.start;
            self.start = end.saturating_add(1);
            match self.rest.get(start..end) {
                Some(p) if !p.is_empty() => return Some(p),
                Some(_) => {}
                None => return None,
            }
        }
        None
    }
}

/// The last component of a normalized path (its file name), or `""` for a
/// bare root.
///
/// ```
/// use jitaccess::paths::{file_name, Platform};
///
/// assert_eq!(file_name(Platform::Windows, r"C:\Windows\System32\cmd.exe"), "cmd.exe");
/// assert_eq!(file_name(Platform::Windows, r"C:\"), "");
/// assert_eq!(file_name(Platform::Windows, r"\\srv\share"), "");
/// assert_eq!(file_name(Platform::Macos, "/usr/bin/id"), "id");
/// assert_eq!(file_name(Platform::Linux, "/"), "");
/// ```
pub fn file_name(platform: Platform, normalized: &str) -> &str {
    let (_, rest) = split_root(platform, normalized);
    match platform {
        Platform::Windows => last_component::<true>(rest),
        Platform::Macos | Platform::Linux => last_component::<false>(rest),
    }
}

/// The last non-empty piece of `s` split on separators, or `""`.
fn last_component<const WIN: bool>(mut s: &str) -> &str {
    loop {
        let piece = last_piece::<WIN>(s);
        if !piece.is_empty() {
            return piece;
        }
        // `s` is empty or ends with a separator (one byte): drop it and look again.
        match s.len().checked_sub(1).and_then(|n| s.get(..n)) {
            Some(shorter) => s = shorter,
            None => return "",
        }
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why a rule path (or a variable in it) is invalid.
///
/// ```
/// use jitaccess::paths::{parse_rule_path, PathError, Platform, Variables};
///
/// let vars = Variables::builtin(Platform::Windows);
/// let err = parse_rule_path(Platform::Windows, r"%Tools%\x.exe", &vars).unwrap_err();
/// assert_eq!(err, PathError::UnknownVariable { name: "Tools".into() });
/// assert_eq!(err.to_string(), "unknown variable `Tools`: define it in the policy's `variables` map");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The rule path is empty (or only whitespace, or expands to nothing).
    #[error("rule path is empty")]
    Empty,
    /// The rule path is not absolute and does not start with `**`.
    #[error(
        "rule path `{path}` is not absolute: start it with a root such as `C:\\`, `\\\\server\\share\\` or `/`, or with a `**` component such as `**\\bin\\tool.exe`"
    )]
    Relative {
        /// The rule path as written.
        path: String,
    },
    /// `**` appears inside a component instead of being a whole component.
    #[error(
        "rule path `{path}` has `{component}`: `**` must be a whole component (use `*` within one component)"
    )]
    PartialGlobstar {
        /// The rule path as written.
        path: String,
        /// The offending component.
        component: String,
    },
    /// A component names an alternate data stream (Windows).
    #[error(
        "rule path `{path}` has `{component}`, which names an alternate data stream: remove the `:` part"
    )]
    AlternateStream {
        /// The rule path as written.
        path: String,
        /// The offending component.
        component: String,
    },
    /// A component looks like an 8.3 short name (Windows).
    #[error(
        "rule path `{path}` has `{component}`, which looks like an 8.3 short name: use the long name instead"
    )]
    ShortName {
        /// The rule path as written.
        path: String,
        /// The offending component.
        component: String,
    },
    /// A `%NAME%` / `$NAME` / `${NAME}` variable that neither the built-ins
    /// nor the policy's `variables` map define.
    #[error("unknown variable `{name}`: define it in the policy's `variables` map")]
    UnknownVariable {
        /// The variable name as written (without `%`, `$` or braces).
        name: String,
    },
    /// A `*` or `?` in the drive letter or the UNC server or share.
    #[error(
        "rule path `{path}` has a wildcard in its root `{root}`: the drive and the UNC server and share must be literal (start the path with `**` to match any root)"
    )]
    GlobInRoot {
        /// The rule path as written.
        path: String,
        /// The offending root text.
        root: String,
    },
    /// A `..` right after a `**` component, which has no fixed meaning.
    #[error(
        "rule path `{path}` has `..` right after `**`, which has no fixed meaning: remove the `..`"
    )]
    DotDotAfterGlobstar {
        /// The rule path as written.
        path: String,
    },
}

// ---------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------

const WINDOWS_BUILTINS: [(&str, &str); 8] = [
    ("ProgramFiles", r"C:\Program Files"),
    ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
    ("SystemRoot", r"C:\Windows"),
    ("WINDIR", r"C:\Windows"),
    ("System32", r"C:\Windows\System32"),
    ("SystemDrive", "C:"),
    ("OSDRIVE", "C:"),
    ("ProgramData", r"C:\ProgramData"),
];

/// The variables a rule path may use: the platform's built-ins plus the
/// policy's `variables` map (which overrides or adds names).
///
/// On Windows names are case-insensitive (`%windir%` = `%WINDIR%`) and the
/// built-ins are `ProgramFiles`, `ProgramFiles(x86)`, `SystemRoot`, `WINDIR`,
/// `System32`, `SystemDrive`, `OSDRIVE` and `ProgramData`. On macOS and Linux
/// names are case-sensitive and there are no built-ins. A name that the
/// reference syntax cannot spell (see [`Variables::expand`]) is kept but can
/// never be referenced.
///
/// ```
/// use jitaccess::paths::{Platform, Variables};
///
/// let vars = Variables::new(Platform::Windows, [("Tools", r"D:\Tools"), ("programfiles", r"D:\PF")]);
/// assert_eq!(vars.get("TOOLS"), Some(r"D:\Tools"));
/// assert_eq!(vars.get("ProgramFiles"), Some(r"D:\PF")); // overridden
/// assert_eq!(vars.get("windir"), Some(r"C:\Windows")); // built-in
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variables {
    platform: Platform,
    /// Lookup key (ASCII-lowercased on Windows) → (name as written, value).
    map: BTreeMap<String, (String, String)>,
}

impl Variables {
    /// The platform's built-ins, overridden or extended by `overrides`
    /// (later entries win over earlier ones).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use jitaccess::paths::{Platform, Variables};
    ///
    /// let policy: BTreeMap<String, String> =
    ///     [("APPS".to_string(), "/opt/apps".to_string())].into();
    /// let vars = Variables::new(Platform::Linux, &policy);
    /// assert_eq!(vars.get("APPS"), Some("/opt/apps"));
    /// assert_eq!(vars.get("apps"), None); // case-sensitive
    /// ```
    pub fn new<K, V>(platform: Platform, overrides: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut vars = Variables::builtin(platform);
        for (name, value) in overrides {
            vars.insert(name.as_ref(), value.as_ref());
        }
        vars
    }

    /// Only the platform's built-ins (none on macOS and Linux).
    ///
    /// ```
    /// use jitaccess::paths::{Platform, Variables};
    /// assert_eq!(Variables::builtin(Platform::Windows).get("System32"), Some(r"C:\Windows\System32"));
    /// assert_eq!(Variables::builtin(Platform::Linux).iter().count(), 0);
    /// ```
    pub fn builtin(platform: Platform) -> Self {
        let mut vars = Variables {
            platform,
            map: BTreeMap::new(),
        };
        if platform == Platform::Windows {
            for (name, value) in WINDOWS_BUILTINS {
                vars.insert(name, value);
            }
        }
        vars
    }

    fn key(&self, name: &str) -> String {
        if self.platform.case_insensitive() {
            name.to_ascii_lowercase()
        } else {
            name.to_owned()
        }
    }

    fn insert(&mut self, name: &str, value: &str) {
        let key = self.key(name);
        self.map.insert(key, (name.to_owned(), value.to_owned()));
    }

    /// The platform these variables are for.
    ///
    /// ```
    /// use jitaccess::paths::{Platform, Variables};
    /// assert_eq!(Variables::builtin(Platform::Macos).platform(), Platform::Macos);
    /// ```
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The value of `name` (case-insensitive on Windows), if defined.
    ///
    /// ```
    /// use jitaccess::paths::{Platform, Variables};
    /// let vars = Variables::builtin(Platform::Windows);
    /// assert_eq!(vars.get("systemdrive"), Some("C:"));
    /// assert_eq!(vars.get("Nope"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&str> {
        let found = if self.platform.case_insensitive() {
            self.map
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, entry)| entry)
        } else {
            self.map.get(name)
        };
        found.map(|(_, value)| value.as_str())
    }

    /// Every variable as `(name as last written, value)`, in key order.
    ///
    /// ```
    /// use jitaccess::paths::{Platform, Variables};
    /// let vars = Variables::new(Platform::Linux, [("B", "/b"), ("A", "/a")]);
    /// let all: Vec<_> = vars.iter().collect();
    /// assert_eq!(all, [("A", "/a"), ("B", "/b")]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map
            .values()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    /// Expands variable references in `src`.
    ///
    /// Windows: `%NAME%` where `NAME` is `[A-Za-z0-9_().-]+`; a `%` that does
    /// not start such a token is literal text (`100%`, `%%`, `%a b%`).
    /// macOS and Linux: `$NAME` with `NAME` = `[A-Za-z_][A-Za-z0-9_]*` (the
    /// longest such run), and `${NAME}`; a `$` that does not start such a
    /// token is literal text. Values are inserted as they are, not expanded
    /// again.
    ///
    /// # Errors
    ///
    /// [`PathError::UnknownVariable`] for a well-formed reference to a name
    /// that is not defined.
    ///
    /// ```
    /// use jitaccess::paths::{PathError, Platform, Variables};
    ///
    /// let win = Variables::builtin(Platform::Windows);
    /// assert_eq!(win.expand(r"%programfiles(x86)%\App\100%.exe").unwrap(),
    ///            r"C:\Program Files (x86)\App\100%.exe");
    ///
    /// let posix = Variables::new(Platform::Linux, [("HOME_APPS", "/srv/apps")]);
    /// assert_eq!(posix.expand("$HOME_APPS/bin/${HOME_APPS}x$").unwrap(), "/srv/apps/bin//srv/appsx$");
    /// assert_eq!(posix.expand("$NOPE/x"), Err(PathError::UnknownVariable { name: "NOPE".into() }));
    /// ```
    pub fn expand(&self, src: &str) -> Result<String, PathError> {
        match self.platform {
            Platform::Windows => self.expand_windows(src),
            Platform::Macos | Platform::Linux => self.expand_posix(src),
        }
    }

    fn lookup(&self, name: &str) -> Result<&str, PathError> {
        self.get(name).ok_or_else(|| PathError::UnknownVariable {
            name: name.to_owned(),
        })
    }

    fn expand_windows(&self, src: &str) -> Result<String, PathError> {
        fn name_char(c: char) -> bool {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '(' | ')' | '.' | '-')
        }
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(i) = rest.find('%') {
            out.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i.saturating_add(1)..).unwrap_or("");
            match after.find('%') {
                Some(j) if j > 0 && after.get(..j).is_some_and(|n| n.chars().all(name_char)) => {
                    let name = after.get(..j).unwrap_or("");
                    out.push_str(self.lookup(name)?);
                    rest = after.get(j.saturating_add(1)..).unwrap_or("");
                }
                _ => {
                    out.push('%');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn expand_posix(&self, src: &str) -> Result<String, PathError> {
        fn name_len(s: &str) -> usize {
            let mut n = 0usize;
            for (i, c) in s.char_indices() {
                let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
                if !ok {
                    break;
                }
                n = i.saturating_add(1);
            }
            n
        }
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(i) = rest.find('$') {
            out.push_str(rest.get(..i).unwrap_or(""));
            let after = rest.get(i.saturating_add(1)..).unwrap_or("");
            if let Some(braced) = after.strip_prefix('{')
                && let Some(j) = braced.find('}')
                && let Some(name) = braced.get(..j)
                && !name.is_empty()
                && name_len(name) == name.len()
            {
                out.push_str(self.lookup(name)?);
                rest = braced.get(j.saturating_add(1)..).unwrap_or("");
                continue;
            }
            let n = name_len(after);
            if n > 0 {
                out.push_str(self.lookup(after.get(..n).unwrap_or(""))?);
                rest = after.get(n..).unwrap_or("");
            } else {
                out.push('$');
                rest = after;
            }
        }
        out.push_str(rest);
        Ok(out)
    }
}

// ---------------------------------------------------------------------------
// Rule paths
// ---------------------------------------------------------------------------

/// A parsed, normalized rule path.
///
/// `components` holds the root token first (`C:`, `\\srv\share` or `/`,
/// exactly as [`components`] yields it for a launch path), then each
/// component, which may contain the glob characters `*` and `?` or be `**`.
/// A rule path that starts with `**` has no root token. Letter case is kept.
///
/// ```
/// use jitaccess::paths::{parse_rule_path, Platform, RulePath, Variables};
///
/// let vars = Variables::builtin(Platform::Windows);
/// let rule = parse_rule_path(Platform::Windows, r"%ProgramFiles%\Vendor\", &vars).unwrap();
/// assert_eq!(rule, RulePath {
///     components: vec!["C:".into(), "Program Files".into(), "Vendor".into()],
///     folder: true,
/// });
/// assert_eq!(rule.render(Platform::Windows), r"C:\Program Files\Vendor\");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RulePath {
    /// Root token (if any), then the components.
    pub components: Vec<String>,
    /// A folder rule: it matches every file at any depth below the folder.
    pub folder: bool,
}

impl RulePath {
    /// The normalized text of the rule, with a trailing separator for a
    /// folder rule.
    ///
    /// ```
    /// use jitaccess::paths::{parse_rule_path, Platform, Variables};
    ///
    /// let vars = Variables::builtin(Platform::Linux);
    /// let rule = parse_rule_path(Platform::Linux, "/opt//*/bin/../tool", &vars).unwrap();
    /// assert_eq!(rule.render(Platform::Linux), "/opt/*/tool");
    /// let rule = parse_rule_path(Platform::Windows, r"**/bin\tool.exe", &vars).unwrap();
    /// assert_eq!(rule.render(Platform::Windows), r"**\bin\tool.exe");
    /// ```
    pub fn render(&self, platform: Platform) -> String {
        let sep = platform.separator();
        let mut out = String::new();
        let mut iter = self.components.iter().peekable();
        if let Some(first) = iter.peek() {
            let (root, _) = split_root(platform, first);
            if root.is_some() || is_drive_token(first) {
                out.push_str(first);
                if !out.ends_with(sep) {
                    out.push(sep);
                }
                iter.next();
            }
        }
        for (i, comp) in iter.enumerate() {
            if i > 0 {
                out.push(sep);
            }
            out.push_str(comp);
        }
        if self.folder && !out.ends_with(sep) {
            out.push(sep);
        }
        out
    }
}

fn is_drive_token(s: &str) -> bool {
    matches!(s.as_bytes(), [d, b':'] if d.is_ascii_alphabetic())
}

/// Parses a rule path: expands variables, normalizes it like a launch path
/// (keeping `*` and `?` as glob characters) and checks it.
///
/// `folder` is set when the expanded text ends with a separator, when its
/// last component is `.` or `..` (`C:\Tools\.`), or when nothing but the
/// root is left (`C:\`, `\\srv\share`, `/`), since a file rule without a
/// file name could never match.
///
/// # Errors
///
/// The first that applies, in this order: [`PathError::Empty`];
/// [`PathError::UnknownVariable`]; [`PathError::GlobInRoot`] for `*:\x` or
/// `\\srv*\share\x`; [`PathError::DotDotAfterGlobstar`] for `C:\**\..\x`;
/// [`PathError::Relative`] unless the path has a drive (`C:\`), a UNC share
/// (`\\srv\share`), a `/` (macOS/Linux) or starts with a `**` component
/// (`**\bin\tool.exe`) — drive-relative (`C:x`), rooted without a drive
/// (`\x`), device paths other than drive and UNC paths, and malformed UNC
/// roots are all rejected; [`PathError::PartialGlobstar`] for `a**` or
/// `**.exe`; then, for the first offending component (even one a later `..`
/// removes), [`PathError::AlternateStream`] for `x.exe:s` or
/// [`PathError::ShortName`] for `PROGRA~1`.
///
/// ```
/// use jitaccess::paths::{parse_rule_path, PathError, Platform, Variables};
///
/// let win = Variables::builtin(Platform::Windows);
/// let rule = parse_rule_path(Platform::Windows, r"%SystemRoot%/System32\*.exe", &win).unwrap();
/// assert_eq!(rule.components, ["C:", "Windows", "System32", "*.exe"]);
/// assert!(!rule.folder);
///
/// assert!(matches!(
///     parse_rule_path(Platform::Windows, r"C:\PROGRA~1\x.exe", &win),
///     Err(PathError::ShortName { .. })
/// ));
/// assert!(matches!(
///     parse_rule_path(Platform::Windows, r"Tools\x.exe", &win),
///     Err(PathError::Relative { .. })
/// ));
///
/// let posix = Variables::new(Platform::Macos, [("APPS", "/Applications")]);
/// let rule = parse_rule_path(Platform::Macos, "${APPS}/**/Contents/MacOS/", &posix).unwrap();
/// assert_eq!(rule.components, ["/", "Applications", "**", "Contents", "MacOS"]);
/// assert!(rule.folder);
/// ```
pub fn parse_rule_path(
    platform: Platform,
    src: &str,
    vars: &Variables,
) -> Result<RulePath, PathError> {
    if src.trim().is_empty() {
        return Err(PathError::Empty);
    }
    let expanded = vars.expand(src)?;
    if expanded.trim().is_empty() {
        return Err(PathError::Empty);
    }
    let mut out = String::with_capacity(expanded.len());
    let scan = normalize_impl(platform, &expanded, &mut out, Mode::Rule, None);
    let text = |span: Span| expanded.get(span.start..span.end).unwrap_or("").to_owned();
    let path = || src.to_owned();

    if let Some(span) = scan.glob_root {
        return Err(PathError::GlobInRoot {
            path: path(),
            root: text(span),
        });
    }
    if scan.dotdot_after_globstar {
        return Err(PathError::DotDotAfterGlobstar { path: path() });
    }
    let components: Vec<String> = components(platform, &out).map(str::to_owned).collect();
    let starts_with_globstar = components.first().is_some_and(|c| c == "**");
    let anchored =
        scan.root.is_absolute() || (scan.root == RootKind::Relative && starts_with_globstar);
    if !anchored {
        return Err(PathError::Relative { path: path() });
    }
    if let Some(span) = scan.partial_globstar {
        return Err(PathError::PartialGlobstar {
            path: path(),
            component: text(span),
        });
    }
    if let Some((kind, span)) = scan.problem {
        let component = text(span);
        return Err(match kind {
            Unresolved::ShortName => PathError::ShortName {
                path: path(),
                component,
            },
            _ => PathError::AlternateStream {
                path: path(),
                component,
            },
        });
    }

    let last_piece = expanded.rsplit(sep_fn(platform)).next().unwrap_or("");
    let bare_root = scan.root.is_absolute() && components.len() == 1;
    let folder = expanded.ends_with(sep_fn(platform))
        || last_piece == "."
        || last_piece == ".."
        || bare_root;
    Ok(RulePath { components, folder })
}

// ---------------------------------------------------------------------------
// Lint: rule paths under folders that standard users can write
// ---------------------------------------------------------------------------

/// Folders below a Windows drive root that standard users can write to (or
/// create files in) on a default installation. `Temp` and `AppData` are
/// matched anywhere, separately.
const WINDOWS_WRITABLE: &[&[&str]] = &[
    &["Users"],
    &["ProgramData"],
    &["Windows", "Tasks"],
    &["Windows", "tracing"],
    &["Windows", "Registration", "CRMLog"],
    &["Windows", "System32", "FxsTmp"],
    &["Windows", "System32", "com", "dmp"],
    &[
        "Windows",
        "System32",
        "Microsoft",
        "Crypto",
        "RSA",
        "MachineKeys",
    ],
    &["Windows", "System32", "spool", "PRINTERS"],
    &["Windows", "System32", "spool", "SERVERS"],
    &["Windows", "System32", "spool", "drivers", "color"],
    &[
        "Windows",
        "System32",
        "Tasks",
        "Microsoft",
        "Windows",
        "SyncCenter",
    ],
    &["Windows", "SysWOW64", "FxsTmp"],
    &["Windows", "SysWOW64", "com", "dmp"],
    &[
        "Windows",
        "SysWOW64",
        "Tasks",
        "Microsoft",
        "Windows",
        "SyncCenter",
    ],
];

/// Folders below `/` that standard users can write to, on macOS and Linux.
const POSIX_WRITABLE: &[&[&str]] = &[
    &["tmp"],
    &["var", "tmp"],
    &["dev", "shm"],
    &["run", "user"],
    &["home"],
    &["Users"],
    &["private", "tmp"],
    &["private", "var", "tmp"],
    &["var", "folders"],
    &["private", "var", "folders"],
];

/// Extra macOS folders that are usually owned by the (admin) user who
/// installed Homebrew.
const MACOS_WRITABLE: &[&[&str]] = &[&["usr", "local"], &["opt", "homebrew"]];

/// Wildcard match of one component pattern (`*`, `?`; `**` acts as `*`)
/// against a literal name.
fn glob_match(pattern: &str, name: &str, ci: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = name.chars().collect();
    let eq = |a: char, b: char| a == b || (ci && a.to_lowercase().eq(b.to_lowercase()));
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some('*'), _) => {
                star = Some((pi, ti));
                pi = pi.saturating_add(1);
            }
            (Some(&pc), Some(&tc)) if pc == '?' || eq(pc, tc) => {
                pi = pi.saturating_add(1);
                ti = ti.saturating_add(1);
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp.saturating_add(1);
                    ti = st.saturating_add(1);
                    star = Some((sp, ti));
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// Whether the rule's folders (`dirs`, glob patterns) could lie under
/// `prefix`; `covers_below` says the rule also matches everything below its
/// last folder.
fn could_be_under(dirs: &[String], covers_below: bool, prefix: &[&str], ci: bool) -> bool {
    for (i, want) in prefix.iter().enumerate() {
        match dirs.get(i) {
            None => return covers_below,
            Some(c) if c == "**" => return true,
            Some(c) if glob_match(c, want, ci) => {}
            Some(_) => return false,
        }
    }
    true
}

/// Whether a rule path could match files in a folder that standard users can
/// write to, so that anyone could drop a program there and have the rule
/// apply to it (a lint; the rule itself stays valid).
///
/// True when the rule starts with `**`; on Windows, for any drive letter,
/// when it lies under (or is a folder rule above, or has a wildcard that
/// could match) `\Users`, `\ProgramData` or one of the well-known writable
/// folders under `\Windows` (such as `Windows\Tasks`,
/// `Windows\System32\spool\drivers\color`), or when any of its folders is
/// `AppData` or `Temp` (also on UNC shares); on macOS and Linux when it lies
/// under `/tmp`, `/var/tmp`, `/dev/shm`, `/run/user`, `/home`, `/Users`,
/// `/private/tmp`, `/private/var/tmp`, `/var/folders`, `/private/var/folders`,
/// and on macOS also `/usr/local` and `/opt/homebrew` (Homebrew). Names are
/// compared case-insensitively on Windows and macOS. So a folder rule for
/// `C:\` or `C:\Windows\System32\` is flagged, `C:\Windows\System32\cmd.exe`
/// is not.
///
/// ```
/// use jitaccess::paths::{is_user_writable, parse_rule_path, Platform, Variables};
///
/// let win = Variables::builtin(Platform::Windows);
/// let check = |p: &str| is_user_writable(Platform::Windows, &parse_rule_path(Platform::Windows, p, &win).unwrap());
/// assert!(check(r"D:\users\bob\tool.exe"));
/// assert!(check(r"%ProgramFiles%\Vendor\AppData\x.exe"));
/// assert!(check(r"C:\*\tool.exe")); // `*` could be `Users`
/// assert!(check(r"**\tool.exe"));
/// assert!(!check(r"%ProgramFiles%\Vendor\tool.exe"));
///
/// let posix = Variables::builtin(Platform::Linux);
/// let rule = parse_rule_path(Platform::Linux, "/var/tmp/x", &posix).unwrap();
/// assert!(is_user_writable(Platform::Linux, &rule));
/// let rule = parse_rule_path(Platform::Linux, "/usr/bin/x", &posix).unwrap();
/// assert!(!is_user_writable(Platform::Linux, &rule));
/// ```
pub fn is_user_writable(platform: Platform, rule: &RulePath) -> bool {
    let Some(first) = rule.components.first() else {
        return false;
    };
    if first == "**" {
        return true;
    }
    let rest = rule.components.get(1..).unwrap_or(&[]);
    let trailing_globstar = rest.last().is_some_and(|c| c == "**");
    let covers_below = rule.folder || trailing_globstar;
    let dirs = if covers_below {
        rest
    } else {
        rest.get(..rest.len().saturating_sub(1)).unwrap_or(&[])
    };
    let ci = platform != Platform::Linux;
    let under_any = |prefixes: &[&[&str]]| {
        prefixes
            .iter()
            .any(|prefix| could_be_under(dirs, covers_below, prefix, ci))
    };
    match platform {
        Platform::Windows => {
            let special = dirs
                .iter()
                .any(|c| c.eq_ignore_ascii_case("AppData") || c.eq_ignore_ascii_case("Temp"));
            special || (is_drive_token(first) && under_any(WINDOWS_WRITABLE))
        }
        Platform::Macos => first == "/" && (under_any(POSIX_WRITABLE) || under_any(MACOS_WRITABLE)),
        Platform::Linux => first == "/" && under_any(POSIX_WRITABLE),
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const W: Platform = Platform::Windows;
    const L: Platform = Platform::Linux;
    const M: Platform = Platform::Macos;

    fn norm(p: Platform, s: &str) -> (String, LaunchPathFacts) {
        let mut out = String::new();
        let facts = normalize_launch(p, s, &mut out);
        (out, facts)
    }

    fn ok(p: Platform, s: &str) -> String {
        let (out, facts) = norm(p, s);
        assert_eq!(facts.unresolved, None, "{s:?} → {out:?}");
        assert!(!facts.last_component_odd, "{s:?}");
        out
    }

    fn rule(p: Platform, s: &str) -> Result<RulePath, PathError> {
        parse_rule_path(p, s, &Variables::builtin(p))
    }

    // ---- Platform ------------------------------------------------------

    #[test]
    fn word_at_a_time_separator_search_matches_a_byte_loop() {
        let alphabet: [&str; 10] = [
            "a",
            "\\",
            "/",
            "\u{dc}",
            "\u{5c5c}",
            "é",
            "~",
            ":",
            "\u{10ffff}",
            ".",
        ];
        // Every string of up to 3 pieces of the alphabet, padded to cross 8-byte words.
        let mut cases = Vec::new();
        for pad in ["", "abcdefg", "0123456789abcdef"] {
            for a in alphabet {
                for b in alphabet {
                    for c in alphabet {
                        cases.push(format!("{pad}{a}{b}{pad}{c}"));
                        cases.push(format!("{a}{pad}{b}{c}{pad}"));
                    }
                }
            }
        }
        for s in &cases {
            let bytes = s.as_bytes();
            let first_win = bytes.iter().position(|&b| b == b'/' || b == b'\\');
            let first_posix = bytes.iter().position(|&b| b == b'/');
            let last_win = bytes.iter().rposition(|&b| b == b'/' || b == b'\\');
            let last_posix = bytes.iter().rposition(|&b| b == b'/');
            assert_eq!(rfind_sep::<true>(bytes), last_win, "{s:?}");
            assert_eq!(rfind_sep::<false>(bytes), last_posix, "{s:?}");
            // `Pieces` (separators found a word at a time) splits like `str::split`.
            let first = |v: &[(usize, &str)]| v.first().map(|(_, p)| p.len());
            let win: Vec<(usize, &str)> = Pieces::<true>::new(s).collect();
            let posix: Vec<(usize, &str)> = Pieces::<false>::new(s).collect();
            let split_win: Vec<&str> = s.split(['/', '\\']).collect();
            let split_posix: Vec<&str> = s.split('/').collect();
            assert_eq!(
                win.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
                split_win,
                "{s:?}"
            );
            assert_eq!(
                posix.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
                split_posix,
                "{s:?}"
            );
            for (off, p) in win.iter().chain(&posix) {
                assert_eq!(s.get(*off..off + p.len()), Some(*p), "{s:?}");
            }
            if first_win.is_some() {
                assert_eq!(first(&win), first_win, "{s:?}");
            }
            if first_posix.is_some() {
                assert_eq!(first(&posix), first_posix, "{s:?}");
            }
            // `components` on the same text: the non-empty pieces after the root token.
            let comps: Vec<&str> = components(Platform::Linux, s).collect();
            let (root, rest) = split_root(Platform::Linux, s);
            let expected: Vec<&str> = root
                .into_iter()
                .chain(rest.split('/').filter(|p| !p.is_empty()))
                .collect();
            assert_eq!(comps, expected, "{s:?}");
            let comps: Vec<&str> = components(Platform::Windows, s).collect();
            let (root, rest) = split_root(Platform::Windows, s);
            let expected: Vec<&str> = root
                .into_iter()
                .chain(rest.split(['/', '\\']).filter(|p| !p.is_empty()))
                .collect();
            assert_eq!(comps, expected, "{s:?}");
        }
    }

    /// The spans recorded by normalization are the components of the normalized text.
    #[test]
    fn launch_spans_are_the_components() {
        let inputs = [
            r"C:\Program Files\Tools\x.exe",
            r"c:/program files//Tools\..\Tools\.\y.exe::$DATA",
            r"\\?\C:\a\b\..\..\..\c",
            r"\\srv\share\dir\file.exe",
            r"\\?\UNC\srv\share\x",
            r"\\srv\share",
            r"C:\",
            r"C:\a.\b",
            r"C:\a\ \b",
            r"C:\Windows\cmd.exe.",
            r"C:\PROGRA~1\x.exe",
            r"C:\x\ÀÉ\\ß.exe",
            r"\x\y",
            r"C:x\y",
            r"rel\x",
            "/usr/./bin//id",
            "/",
            "//a/../b/c",
            "/a/b\\c/",
        ];
        for platform in Platform::ALL {
            for input in inputs {
                let (mut out, mut spans) = (String::new(), Vec::new());
                let facts = normalize_launch_spans(platform, input, &mut out, &mut spans);
                let mut plain = String::new();
                assert_eq!(normalize_launch(platform, input, &mut plain), facts);
                assert_eq!(plain, out, "{platform} {input:?}");
                if facts.is_resolved() {
                    let from_spans: Vec<&str> = spans.iter().map(|&(a, b)| &out[a..b]).collect();
                    let comps: Vec<&str> = components(platform, &out).collect();
                    assert_eq!(from_spans, comps, "{platform} {input:?}");
                }
            }
        }
    }

    #[test]
    fn platform_basics() {
        for p in Platform::ALL {
            assert_eq!(p.as_str().parse::<Platform>(), Ok(p));
            assert_eq!(p.to_string(), p.as_str());
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), p);
        }
        assert!("Linux".parse::<Platform>().is_err());
        assert!("".parse::<Platform>().is_err());
        assert_eq!(Platform::default(), W);
        assert!(W.case_insensitive() && !L.case_insensitive() && !M.case_insensitive());
        assert_eq!(
            (W.separator(), L.separator(), M.separator()),
            ('\\', '/', '/')
        );
        let schema = schemars::schema_for!(Platform);
        let text = serde_json::to_string(&schema).unwrap();
        assert!(text.contains("windows") && text.contains("macos") && text.contains("linux"));
    }

    #[test]
    fn unresolved_serde_and_text() {
        assert_eq!(
            serde_json::to_string(&Unresolved::Relative).unwrap(),
            "\"relative\""
        );
        assert_eq!(
            serde_json::to_string(&Unresolved::AlternateStream).unwrap(),
            "\"alternateStream\""
        );
        assert_eq!(
            serde_json::from_str::<Unresolved>("\"trailingDotOrSpace\"").unwrap(),
            Unresolved::TrailingDotOrSpace
        );
        assert_eq!(
            serde_json::from_str::<Unresolved>("\"parentTraversal\"").unwrap(),
            Unresolved::ParentTraversal
        );
        for u in [
            Unresolved::Relative,
            Unresolved::AlternateStream,
            Unresolved::ShortName,
            Unresolved::TrailingDotOrSpace,
            Unresolved::ParentTraversal,
        ] {
            assert!(!u.description().is_empty());
            assert_eq!(u.to_string(), u.description());
        }
    }

    // ---- Windows normalization -----------------------------------------

    #[test]
    fn windows_basic_forms() {
        assert_eq!(
            ok(W, r"C:\Program Files\Tools\y.exe"),
            r"C:\Program Files\Tools\y.exe"
        );
        assert_eq!(ok(W, "c:/program files/x.EXE"), r"c:\program files\x.EXE");
        assert_eq!(ok(W, r"C:\"), r"C:\");
        assert_eq!(ok(W, "C:/"), r"C:\");
        assert_eq!(ok(W, r"C:\\\"), r"C:\");
        assert_eq!(ok(W, r"\\srv\share\x"), r"\\srv\share\x");
        assert_eq!(ok(W, r"\\srv\share"), r"\\srv\share");
        assert_eq!(ok(W, r"\\srv\share\"), r"\\srv\share");
        assert_eq!(ok(W, "//srv/share//a//b"), r"\\srv\share\a\b");
        assert_eq!(ok(W, r"C:\a\.\b\..\c"), r"C:\a\c");
        assert_eq!(ok(W, r"C:\a\b\..\..\..\..\c"), r"C:\c");
        // A component of only dots and spaces is dropped (and flagged).
        let (out, facts) = norm(W, r"C:\a\...\b.exe");
        assert_eq!(out, r"C:\a\b.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::TrailingDotOrSpace));
        assert!(!facts.last_component_odd);
        let (out, facts) = norm(W, r"C:\a\b.exe\. .");
        assert_eq!(out, r"C:\a\b.exe");
        assert!(facts.last_component_odd);
    }

    #[test]
    fn windows_relative_forms() {
        let cases: &[(&str, &str)] = &[
            ("", ""),
            ("x.exe", "x.exe"),
            (r"a\..\..\b", r"..\b"),
            (r"..\..\x", r"..\..\x"),
            (r".\x", "x"),
            (r"\x\..\y", r"\y"),
            (r"\..\y", r"\y"),
            (r"\", r"\"),
            ("/", r"\"),
            ("C:", "C:"),
            ("C:x.exe", "C:x.exe"),
            (r"C:a\..\..\b", r"C:..\b"),
            (r"\\.\pipe\x", r"pipe\x"),
            (r"\\?\Volume{1234}\x.exe", r"Volume{1234}\x.exe"),
            (r"\\?\GLOBALROOT\Device\x", r"GLOBALROOT\Device\x"),
            (r"\??\C:\x.exe", r"\??\C:\x.exe"),
            (r"\\?\C:", "C:"),
            (r"\\?\C:x", "C:x"),
            (r"\\?", ""),
            (r"\\.", ""),
            (r"\\srv", r"\srv"),
            (r"\\srv\", r"\srv"),
            (r"\\", r"\"),
            (r"\\\srv\share\x", r"\srv\share\x"),
            (r"\\srv\\share\x", r"\srv\share\x"),
            (r"\\..\share\x", r"\share\x"),
            (r"\\srv\..\x", r"\x"),
            (r"\\srv:1\share\x", r"\srv:1\share\x"),
            (r"\\srv\sh*re\x", r"\srv\sh*re\x"),
            (r"\\?\UNC", r"\"),
            (r"\\?\UNC\srv", r"\srv"),
            (r".\C:\x", r".\C:\x"),
            (r"a\..\C:\x", r".\C:\x"),
        ];
        for (input, want) in cases {
            let (out, facts) = norm(W, input);
            assert_eq!(&out, want, "{input:?}");
            assert_eq!(facts.unresolved, Some(Unresolved::Relative), "{input:?}");
            let (again, facts2) = norm(W, &out);
            assert_eq!(again, out, "{input:?} not idempotent");
            assert_eq!(facts2.unresolved, Some(Unresolved::Relative), "{input:?}");
        }
    }

    #[test]
    fn windows_short_names() {
        for name in [
            "PROGRA~1",
            "CMD~1.EXE",
            "progra~1",
            "A~12",
            "~1",
            "ABCDEF~1.TXT",
            "X~1.A",
        ] {
            assert!(is_short_name(name), "{name}");
        }
        for name in [
            "~$doc.docx",
            "a~1b.exe",
            "LONGNAME~1.exe",
            "ABCDEFGH~1",
            "PROGRA~",
            "PROGRA~X",
            "x.exe",
            "CMD~1.EXEC",
            "~",
            "",
            "a~1.b.c",
        ] {
            assert!(!is_short_name(name), "{name}");
        }
        let (out, facts) = norm(W, r"C:\PROGRA~1\Tools\x.exe");
        assert_eq!(out, r"C:\PROGRA~1\Tools\x.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::ShortName));
        assert!(!facts.last_component_odd);
        let (_, facts) = norm(W, r"C:\Windows\System32\CMD~1.EXE");
        assert_eq!(facts.unresolved, Some(Unresolved::ShortName));
        assert!(facts.last_component_odd);
        // Conservative even when `..` removes it.
        let (out, facts) = norm(W, r"C:\PROGRA~1\..\x.exe");
        assert_eq!(out, r"C:\x.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::ShortName));
        assert_eq!(
            ok(W, r"C:\Users\bob\~$doc.docx"),
            r"C:\Users\bob\~$doc.docx"
        );
    }

    #[test]
    fn windows_streams() {
        for input in [
            r"C:\x\a.exe:evil",
            r"C:\x\a.exe:evil:$DATA",
            r"C:\x\a.exe:$DATA",
            r"C:\x\a.exe::$DATA::$DATA",
            r"C:\x\a.exe:",
        ] {
            let (out, facts) = norm(W, input);
            assert_eq!(
                facts.unresolved,
                Some(Unresolved::AlternateStream),
                "{input}"
            );
            assert!(facts.last_component_odd, "{input}");
            assert_eq!(norm(W, &out).0, out);
        }
        let (out, facts) = norm(W, r"C:\Windows::$INDEX_ALLOCATION\x.exe");
        assert_eq!(out, r"C:\Windows::$INDEX_ALLOCATION\x.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::AlternateStream));
        assert!(!facts.last_component_odd);
        assert_eq!(ok(W, r"C:\x\a.exe::$DATA"), r"C:\x\a.exe");
        assert_eq!(ok(W, r"C:\x\a.exe::$data"), r"C:\x\a.exe");
        assert_eq!(ok(W, r"C:\x::$DATA\a.exe"), r"C:\x\a.exe");
    }

    #[test]
    fn windows_keeps_odd_characters() {
        // Control characters are kept in the text, but no Windows file name holds one: a host
        // that reads the path as a C string would see a different file, so it is unresolved.
        let (out, facts) = norm(W, "C:\\a\u{0}b\\c\u{7}.exe");
        assert_eq!(out, "C:\\a\u{0}b\\c\u{7}.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::OddCharacter));
        assert!(facts.last_component_odd);
        // A control character other than NUL is enough.
        let (_, facts) = norm(W, "C:\\a\u{7}b\\x.exe");
        assert_eq!(facts.unresolved, Some(Unresolved::OddCharacter));
        let (_, facts) = norm(L, "/usr/bin/a\u{7}b");
        assert!(facts.is_resolved(), "only NUL is odd on POSIX");
        let (_, facts) = norm(L, "/usr/bin/a\u{0}b");
        assert_eq!(facts.unresolved, Some(Unresolved::OddCharacter));
        assert_eq!(ok(W, r"C:\a<b>|c\*.exe"), r"C:\a<b>|c\*.exe");
        assert_eq!(ok(W, "C:\\Ünïcödé\\日本.exe"), "C:\\Ünïcödé\\日本.exe");
    }

    /// The word-at-a-time scan agrees with a byte-by-byte one for every byte value at every
    /// position of buffers of 0 to 17 bytes.
    #[test]
    fn rare_bytes_scan_matches_bytewise() {
        for len in 0..18usize {
            assert_eq!(rare_bytes(&vec![b'a'; len]), (false, false));
            for pos in 0..len {
                for b in 0..=255u8 {
                    for fill in [b' ', b'~' + 1] {
                        let mut buf = vec![fill; len];
                        buf[pos] = b;
                        let want = (b == b':' || b == b'~', !(0x20..0x80).contains(&b));
                        assert_eq!(rare_bytes(&buf), want, "{len} {pos} {b} {fill}");
                    }
                }
            }
        }
    }

    /// [`NTFS_AMBIGUOUS_CASE`] is every BMP character (Windows upper-cases UTF-16 code units)
    /// on which Unicode simple case folding and single-character upper-casing disagree: (1) it
    /// folds like its representative but upper-cases differently (the Kelvin sign), or (2) it
    /// upper-cases like a character of another fold class (the dotless i). Characters whose
    /// upper-casing is several characters have no single-character mapping to compare and are
    /// left out, and so are case pairs that the standard library's tables (newer than the
    /// Unicode 16 folding table) know and the folding table does not.
    #[test]
    fn ntfs_ambiguous_case_is_derived() {
        use crate::fold::fold_char;
        use std::collections::HashMap;
        fn up(c: char) -> Option<char> {
            let mut u = c.to_uppercase();
            match (u.next(), u.next()) {
                (Some(a), None) => Some(a),
                _ => None,
            }
        }
        // A case pair the folding table does not know (newer Unicode): both fold to themselves.
        let unknown_pair = |a: char, b: char| a != b && fold_char(a) == a && fold_char(b) == b;
        let bmp: Vec<char> = (0..=0xFFFFu32).filter_map(char::from_u32).collect();
        let mut by_upper: HashMap<char, Vec<char>> = HashMap::new();
        for &c in &bmp {
            if let Some(u) = up(c) {
                by_upper.entry(u).or_default().push(c);
            }
        }
        let mut found = Vec::new();
        for &c in bmp.iter().filter(|c| !c.is_ascii()) {
            let f = fold_char(c);
            let (Some(uc), Some(uf)) = (up(c), up(f)) else {
                continue;
            };
            if unknown_pair(c, uc) {
                continue;
            }
            let differs = uc != uf;
            let collides = by_upper.get(&uc).is_some_and(|ds| {
                ds.iter()
                    .any(|&d| fold_char(d) != f && !unknown_pair(d, uc) && !unknown_pair(c, d))
            });
            if differs || collides {
                found.push(c);
            }
        }
        // ß and ﬆ upper-case to several characters (SS, ST), so the loop skips ẞ and ﬅ, which
        // fold to them; Windows has no single-character mapping for ß or ﬆ and keeps each of
        // the four apart, while folding joins them. Both are added by hand.
        found.extend(['\u{1E9E}', '\u{FB05}']);
        found.sort_unstable();
        assert_eq!(found, NTFS_AMBIGUOUS_CASE, "update NTFS_AMBIGUOUS_CASE");
        assert!(NTFS_AMBIGUOUS_CASE.is_sorted());
    }

    /// The spoofing table: input, normalized text, unresolved reason, last
    /// component odd.
    #[test]
    fn windows_spoofing_table() {
        use Unresolved::*;
        #[rustfmt::skip]
        let table: &[(&str, &str, Option<Unresolved>, bool)] = &[
            // Case and separators.
            (r"c:\windows\system32\CMD.EXE", r"c:\windows\system32\CMD.EXE", None, false),
            ("C:/Windows/System32/cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:/Windows\System32/cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:\\Windows\\\System32//cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            // `.` and `..`.
            (r"C:\Windows\.\System32\.\cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:\..\..\Windows\System32\cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:\Program Files\..\Users\bob\evil.exe", r"C:\Users\bob\evil.exe", None, false),
            (r"C:\Windows\System32\..\..\Users\x.exe", r"C:\Users\x.exe", None, false),
            (r"C:\Trusted\..\Temp\x.exe", r"C:\Temp\x.exe", None, false),
            // Device prefixes.
            (r"\\?\C:\Windows\System32\cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            (r"\\.\C:\Windows\System32\cmd.exe", r"C:\Windows\System32\cmd.exe", None, false),
            ("//?/C:/Windows/cmd.exe", r"C:\Windows\cmd.exe", None, false),
            (r"\\?\UNC\srv\share\x.exe", r"\\srv\share\x.exe", None, false),
            (r"\\?\unc\srv\share\x.exe", r"\\srv\share\x.exe", None, false),
            (r"\\.\UNC\srv\share\x.exe", r"\\srv\share\x.exe", None, false),
            (r"\\.\pipe\evil", r"pipe\evil", Some(Relative), false),
            (r"\\?\GLOBALROOT\Device\HarddiskVolume1\x.exe", r"GLOBALROOT\Device\HarddiskVolume1\x.exe", Some(Relative), false),
            // UNC root.
            (r"\\srv\share\..\..\x.exe", r"\\srv\share\x.exe", None, false),
            (r"\\srv\share\a\..\..\other\x.exe", r"\\srv\share\other\x.exe", None, false),
            (r"\\?\UNC\srv\share\..\x.exe", r"\\srv\share\x.exe", None, false),
            (r"\\srv\..\x.exe", r"\x.exe", Some(Relative), false),
            // 8.3 names.
            (r"C:\PROGRA~1\Vendor\x.exe", r"C:\PROGRA~1\Vendor\x.exe", Some(ShortName), false),
            (r"C:\Windows\System32\CMD~1.EXE", r"C:\Windows\System32\CMD~1.EXE", Some(ShortName), true),
            // Streams.
            (r"C:\Windows\System32\cmd.exe::$DATA", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:\Windows\System32\cmd.exe::$Data", r"C:\Windows\System32\cmd.exe", None, false),
            (r"C:\Temp\x.txt:evil.exe", r"C:\Temp\x.txt:evil.exe", Some(AlternateStream), true),
            (r"C:\Windows\System32\cmd.exe:evil", r"C:\Windows\System32\cmd.exe:evil", Some(AlternateStream), true),
            (r"C:\Windows\System32\cmd.exe:evil:$DATA", r"C:\Windows\System32\cmd.exe:evil:$DATA", Some(AlternateStream), true),
            // Trailing dots and spaces.
            (r"C:\Windows\System32\cmd.exe.", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), true),
            (r"C:\Windows\System32\cmd.exe ", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), true),
            (r"C:\Windows\System32\cmd.exe. .", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), true),
            (r"C:\Windows \System32\cmd.exe", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), false),
            (r"C:\Windows.\System32\cmd.exe", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), false),
            // Characters that Windows compares differently from case folding, control characters.
            ("C:\\\u{212A}it\\x.exe", "C:\\\u{212A}it\\x.exe", Some(OddCharacter), false),
            ("C:\\W\u{0131}ndows\\System32\\cmd.exe", "C:\\W\u{0131}ndows\\System32\\cmd.exe", Some(OddCharacter), false),
            ("C:\\Stra\u{1E9E}e\\x.exe", "C:\\Stra\u{1E9E}e\\x.exe", Some(OddCharacter), false),
            ("C:\\Tools\\\u{212B}.exe", "C:\\Tools\\\u{212B}.exe", Some(OddCharacter), true),
            ("C:\\Evil\\a.exe\0\\..\\..\\Program Files\\a.exe", "C:\\Program Files\\a.exe", Some(OddCharacter), true),
            // A NUL anywhere makes the file name unreliable too (a C-string reader runs cmd.exe).
            ("C:\\Windows\\System32\\cmd.exe\0\\tool.exe", "C:\\Windows\\System32\\cmd.exe\0\\tool.exe", Some(OddCharacter), true),
            ("C:\\Tools\\a\tb.exe", "C:\\Tools\\a\tb.exe", Some(OddCharacter), true),
            // Ordinary non-ASCII names stay resolved (ß, ς, ſ and k fold and upper-case alike).
            ("C:\\Straße\\Ωμέγας\\ſk.exe", "C:\\Straße\\Ωμέγας\\ſk.exe", None, false),
            (r"\\?\C:\Windows \System32\cmd.exe", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), false),
            (r"C:\Windows\System32\cmd.exe.::$DATA", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), true),
            (r"C:\Windows\System32\cmd.exe::$DATA ", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), true),
            (r"C:\Windows\...\System32\cmd.exe", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), false),
            (r"C:\Windows\.. \System32\cmd.exe", r"C:\Windows\System32\cmd.exe", Some(TrailingDotOrSpace), false),
            (r"\\srv.\share\x.exe", r"\\srv\share\x.exe", Some(TrailingDotOrSpace), false),
            // Relative / rooted / drive-relative.
            (r"Windows\System32\cmd.exe", r"Windows\System32\cmd.exe", Some(Relative), false),
            (r"\Windows\System32\cmd.exe", r"\Windows\System32\cmd.exe", Some(Relative), false),
            (r"C:Windows\System32\cmd.exe", r"C:Windows\System32\cmd.exe", Some(Relative), false),
            (r"..\C:\Windows\cmd.exe", r"..\C:\Windows\cmd.exe", Some(Relative), false),
        ];
        for &(input, want, unresolved, odd) in table {
            let (out, facts) = norm(W, input);
            assert_eq!(out, want, "{input:?}");
            assert_eq!(facts.unresolved, unresolved, "{input:?}");
            assert_eq!(facts.last_component_odd, odd, "{input:?}");
            // Normalizing the output again is stable.
            let (again, facts2) = norm(W, &out);
            assert_eq!(again, out, "{input:?}");
            if unresolved.is_none() {
                assert_eq!(facts2, facts, "{input:?}");
            }
        }
    }

    #[test]
    fn windows_spoofs_reach_the_same_components_as_the_rule() {
        let rule = rule(W, r"%System32%\cmd.exe").unwrap();
        for input in [
            r"\\?\C:\Windows\System32\cmd.exe",
            r"c:/windows//system32/./CMD.exe::$DATA",
            r"C:\Windows\Temp\..\System32\cmd.exe",
        ] {
            let (out, facts) = norm(W, input);
            assert!(facts.is_resolved());
            let got: Vec<String> = components(W, &out).map(str::to_ascii_lowercase).collect();
            let want: Vec<String> = rule
                .components
                .iter()
                .map(|c| c.to_ascii_lowercase())
                .collect();
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn normalize_reuses_buffer_without_reallocating() {
        let mut out = String::with_capacity(256);
        let ptr = out.as_ptr();
        for input in [
            r"\\?\UNC\srv\share\a\..\b\c.exe",
            r"C:\PROGRA~1\x.exe::$DATA",
            r"a\..\C:\x",
            "/usr/../bin/x",
            "",
        ] {
            normalize_launch(W, input, &mut out);
            normalize_launch(L, input, &mut out);
            assert_eq!(out.as_ptr(), ptr);
            assert_eq!(out.capacity(), 256);
        }
        out.push_str("junk");
        normalize_launch(W, r"C:\x", &mut out);
        assert_eq!(out, r"C:\x");
    }

    // ---- POSIX normalization -------------------------------------------

    #[test]
    fn posix_normalization() {
        for p in [L, M] {
            assert_eq!(ok(p, "/usr/bin/id"), "/usr/bin/id");
            assert_eq!(ok(p, "/"), "/");
            assert_eq!(ok(p, "//usr///bin//"), "/usr/bin");
            assert_eq!(ok(p, "/./usr/./bin/."), "/usr/bin");
            assert_eq!(ok(p, "/../../usr/bin"), "/usr/bin");
            assert_eq!(ok(p, r"/opt/a\b/c:d~1 ."), r"/opt/a\b/c:d~1 .");
            assert_eq!(
                ok(p, "/Applications/X.app/Contents/MacOS/X"),
                "/Applications/X.app/Contents/MacOS/X"
            );
            assert_eq!(ok(p, "/a/.../b"), "/a/.../b");
            let (out, facts) = norm(p, "/usr/local/../bin/x");
            assert_eq!(out, "/usr/bin/x");
            assert_eq!(facts.unresolved, Some(Unresolved::ParentTraversal));
            assert!(!facts.last_component_odd);
            let (out, facts) = norm(p, "/tmp/x/../../usr/bin/sudo");
            assert_eq!(out, "/usr/bin/sudo");
            assert_eq!(facts.unresolved, Some(Unresolved::ParentTraversal));
            for (input, want) in [
                ("", ""),
                ("usr/bin", "usr/bin"),
                ("./x", "x"),
                ("a/../../b", "../b"),
                (r"\usr\bin", r"\usr\bin"),
                (r"C:\x", r"C:\x"),
            ] {
                let (out, facts) = norm(p, input);
                assert_eq!(out, want, "{input:?}");
                assert_eq!(facts.unresolved, Some(Unresolved::Relative), "{input:?}");
            }
        }
    }

    // ---- components / file_name ----------------------------------------

    #[test]
    fn components_and_file_name() {
        let c = |p, s| components(p, s).collect::<Vec<_>>();
        assert_eq!(c(W, r"C:\"), ["C:"]);
        assert_eq!(c(W, r"C:\a\b"), ["C:", "a", "b"]);
        assert_eq!(c(W, r"\\srv\share"), [r"\\srv\share"]);
        assert_eq!(c(W, r"\\srv\share\a"), [r"\\srv\share", "a"]);
        assert_eq!(c(W, r"\a"), [r"\", "a"]);
        assert_eq!(c(W, "C:a"), ["C:a"]);
        assert_eq!(c(W, r"a\b"), ["a", "b"]);
        assert_eq!(c(W, ""), Vec::<&str>::new());
        assert_eq!(c(L, "/"), ["/"]);
        assert_eq!(c(L, "/a/b"), ["/", "a", "b"]);
        assert_eq!(c(L, r"a\b/c"), [r"a\b", "c"]);
        assert_eq!(file_name(W, r"C:\a\b.exe"), "b.exe");
        assert_eq!(file_name(W, r"\\srv\share\b.exe"), "b.exe");
        assert_eq!(file_name(W, r"\\srv\share"), "");
        assert_eq!(file_name(W, r"C:\"), "");
        assert_eq!(file_name(W, "x.exe"), "x.exe");
        assert_eq!(file_name(W, ""), "");
        assert_eq!(file_name(L, "/a/b"), "b");
        assert_eq!(file_name(L, r"/a\b"), r"a\b");
        assert_eq!(file_name(L, "/"), "");
        // Odd, non-normalized inputs do not panic.
        for s in [r"\\", r"\\x", r"\\x\", "C:", ":", "/", "é:\\", "\\\\é\\ü"] {
            let _ = c(W, s);
            let _ = file_name(W, s);
        }
    }

    // ---- Variables -----------------------------------------------------

    #[test]
    fn windows_variables() {
        let v = Variables::builtin(W);
        let cases = [
            (r"%ProgramFiles%\x", r"C:\Program Files\x"),
            (r"%PROGRAMFILES(X86)%\x", r"C:\Program Files (x86)\x"),
            (r"%systemroot%", r"C:\Windows"),
            (r"%WinDir%\a", r"C:\Windows\a"),
            (r"%System32%\cmd.exe", r"C:\Windows\System32\cmd.exe"),
            (r"%SystemDrive%\x", r"C:\x"),
            (r"%OSDRIVE%\x", r"C:\x"),
            (r"%ProgramData%\x", r"C:\ProgramData\x"),
            ("100%", "100%"),
            ("%", "%"),
            ("%%", "%%"),
            ("a%%SystemDrive%", "a%C:"),
            ("%a b%", "%a b%"),
            ("50% off %", "50% off %"),
            ("%SystemDrive%%SystemDrive%", "C:C:"),
        ];
        for (src, want) in cases {
            assert_eq!(v.expand(src).unwrap(), want, "{src}");
        }
        assert_eq!(
            v.expand(r"%Nope%\x"),
            Err(PathError::UnknownVariable {
                name: "Nope".into()
            })
        );
        assert_eq!(
            v.expand(r"%a.b-c_(d)%"),
            Err(PathError::UnknownVariable {
                name: "a.b-c_(d)".into()
            })
        );
        let v = Variables::new(
            W,
            [
                ("tools", r"D:\Tools"),
                ("SYSTEMDRIVE", "E:"),
                ("Self", "%Self%"),
            ],
        );
        assert_eq!(v.expand(r"%TOOLS%\%systemdrive%").unwrap(), r"D:\Tools\E:");
        assert_eq!(v.expand("%self%").unwrap(), "%Self%"); // not expanded again
        assert_eq!(v.platform(), W);
        assert_eq!(v.iter().count(), WINDOWS_BUILTINS.len() + 2);
        assert!(v.iter().any(|(n, val)| n == "SYSTEMDRIVE" && val == "E:"));
    }

    #[test]
    fn posix_variables() {
        let v = Variables::new(L, [("APPS", "/opt/apps"), ("_x1", "X"), ("apps", "/lower")]);
        let cases = [
            ("$APPS/bin", "/opt/apps/bin"),
            ("${APPS}/bin", "/opt/apps/bin"),
            ("$apps", "/lower"),
            ("${_x1}y", "Xy"),
            ("$_x1", "X"),
            ("$", "$"),
            ("a$", "a$"),
            ("$$", "$$"),
            ("$1", "$1"),
            ("${", "${"),
            ("${}", "${}"),
            ("${APPS", "${APPS"),
            ("${a b}", "${a b}"),
            ("$-x", "$-x"),
            (r"%APPS%", r"%APPS%"),
        ];
        for (src, want) in cases {
            assert_eq!(v.expand(src).unwrap(), want, "{src}");
        }
        assert_eq!(
            v.expand("$APPSX"),
            Err(PathError::UnknownVariable {
                name: "APPSX".into()
            })
        );
        assert_eq!(
            v.expand("${Apps}"),
            Err(PathError::UnknownVariable {
                name: "Apps".into()
            })
        );
        assert_eq!(
            v.expand("$ProgramFiles"),
            Err(PathError::UnknownVariable {
                name: "ProgramFiles".into()
            })
        );
        assert_eq!(Variables::builtin(M).iter().count(), 0);
    }

    // ---- Rule paths ----------------------------------------------------

    #[test]
    fn windows_rule_paths() {
        let r = rule(W, r"%ProgramFiles%\Vendor\*\tool?.exe").unwrap();
        assert_eq!(
            r.components,
            ["C:", "Program Files", "Vendor", "*", "tool?.exe"]
        );
        assert!(!r.folder);
        let r = rule(W, r"C:\Tools\").unwrap();
        assert_eq!(r.components, ["C:", "Tools"]);
        assert!(r.folder);
        let r = rule(W, "C:/Tools//").unwrap();
        assert!(r.folder);
        assert_eq!(r.render(W), r"C:\Tools\");
        let r = rule(W, r"C:\Tools\.").unwrap();
        assert!(r.folder);
        assert_eq!(r.components, ["C:", "Tools"]);
        let r = rule(W, r"C:\Tools\sub\..").unwrap();
        assert!(r.folder);
        assert_eq!(r.components, ["C:", "Tools"]);
        let r = rule(W, r"C:\").unwrap();
        assert_eq!(r.components, ["C:"]);
        assert!(r.folder);
        assert_eq!(r.render(W), r"C:\");
        let r = rule(W, r"\\srv\share").unwrap();
        assert_eq!(r.components, [r"\\srv\share"]);
        assert!(r.folder);
        assert_eq!(r.render(W), r"\\srv\share\");
        let r = rule(W, r"\\?\UNC\srv\share\**\x.exe").unwrap();
        assert_eq!(r.components, [r"\\srv\share", "**", "x.exe"]);
        assert_eq!(r.render(W), r"\\srv\share\**\x.exe");
        let r = rule(W, r"\\?\C:\x.exe::$DATA").unwrap();
        assert_eq!(r.components, ["C:", "x.exe"]);
        let r = rule(W, r"**\bin\tool.exe").unwrap();
        assert_eq!(r.components, ["**", "bin", "tool.exe"]);
        assert!(!r.folder);
        let r = rule(W, r".\**\bin\").unwrap();
        assert_eq!(r.components, ["**", "bin"]);
        assert!(r.folder);
        // Trailing dots and spaces are stripped silently in rules.
        let r = rule(W, r"C:\Windows \cmd.exe. ").unwrap();
        assert_eq!(r.components, ["C:", "Windows", "cmd.exe"]);
        // Case is kept.
        let r = rule(W, r"c:\WINDOWS\x.EXE").unwrap();
        assert_eq!(r.components, ["c:", "WINDOWS", "x.EXE"]);
        // `..` at the root and `*` followed by `..` are lexical.
        assert_eq!(rule(W, r"C:\..\x").unwrap().components, ["C:", "x"]);
        assert_eq!(rule(W, r"C:\*\..\x").unwrap().components, ["C:", "x"]);
        // Variable that expands to a folder with a trailing separator.
        let vars = Variables::new(W, [("T", r"D:\Tools\")]);
        let r = parse_rule_path(W, "%T%", &vars).unwrap();
        assert!(r.folder);
        assert_eq!(r.components, ["D:", "Tools"]);
        let r = parse_rule_path(W, r"%T%\x.exe", &vars).unwrap();
        assert_eq!(r.components, ["D:", "Tools", "x.exe"]);
    }

    #[test]
    fn rule_path_errors() {
        let err = |p, s| rule(p, s).unwrap_err();
        assert_eq!(err(W, ""), PathError::Empty);
        assert_eq!(err(W, "   "), PathError::Empty);
        assert_eq!(err(L, ""), PathError::Empty);
        let vars = Variables::new(W, [("E", "")]);
        assert_eq!(parse_rule_path(W, "%E%", &vars), Err(PathError::Empty));
        for s in [
            r"Tools\x.exe",
            r"\Tools\x.exe",
            r"C:Tools\x.exe",
            "C:",
            r"\\srv",
            r"\\srv\\share\x",
            r"\\.\pipe\x",
            r"..\**\x",
            r"\**\x",
            ".",
            r"...\",
        ] {
            assert!(matches!(err(W, s), PathError::Relative { .. }), "{s}");
        }
        for s in ["usr/bin", "**x/y", "", "./x", r"\\srv\share"] {
            if s.is_empty() {
                continue;
            }
            assert!(matches!(err(L, s), PathError::Relative { .. }), "{s}");
        }
        assert_eq!(
            err(W, r"C:\a**\x.exe"),
            PathError::PartialGlobstar {
                path: r"C:\a**\x.exe".into(),
                component: "a**".into()
            }
        );
        assert!(matches!(
            err(W, r"C:\x\***"),
            PathError::PartialGlobstar { .. }
        ));
        assert!(matches!(
            err(L, "/opt/**.so"),
            PathError::PartialGlobstar { .. }
        ));
        assert_eq!(
            err(W, r"C:\x\a.exe:evil"),
            PathError::AlternateStream {
                path: r"C:\x\a.exe:evil".into(),
                component: "a.exe:evil".into()
            }
        );
        assert_eq!(
            err(W, r"%ProgramFiles%\VENDOR~1\x.exe"),
            PathError::ShortName {
                path: r"%ProgramFiles%\VENDOR~1\x.exe".into(),
                component: "VENDOR~1".into()
            }
        );
        assert!(matches!(
            err(W, r"C:\PROGRA~1\..\x.exe"),
            PathError::ShortName { .. }
        ));
        assert_eq!(
            err(W, r"*:\x.exe"),
            PathError::GlobInRoot {
                path: r"*:\x.exe".into(),
                root: "*:".into()
            }
        );
        assert!(matches!(err(W, r"?:\x.exe"), PathError::GlobInRoot { .. }));
        assert!(matches!(
            err(W, r"\\?\*:\x.exe"),
            PathError::GlobInRoot { .. }
        ));
        assert_eq!(
            err(W, r"\\srv*\share\x.exe"),
            PathError::GlobInRoot {
                path: r"\\srv*\share\x.exe".into(),
                root: r"srv*\share".into()
            }
        );
        assert!(matches!(
            err(W, r"\\srv\*\x.exe"),
            PathError::GlobInRoot { .. }
        ));
        assert!(matches!(
            err(W, r"\\?\UNC\*\share\x"),
            PathError::GlobInRoot { .. }
        ));
        assert_eq!(
            err(W, r"C:\**\..\x.exe"),
            PathError::DotDotAfterGlobstar {
                path: r"C:\**\..\x.exe".into()
            }
        );
        assert!(matches!(
            err(L, "**/../x"),
            PathError::DotDotAfterGlobstar { .. }
        ));
        assert_eq!(
            err(W, r"%Tools%\x.exe"),
            PathError::UnknownVariable {
                name: "Tools".into()
            }
        );
        assert_eq!(
            err(L, "$T/x"),
            PathError::UnknownVariable { name: "T".into() }
        );
        // Messages name the offending text.
        let msg = err(W, r"C:\PROGRA~1\x.exe").to_string();
        assert!(
            msg.contains("PROGRA~1") && msg.contains("long name"),
            "{msg}"
        );
        let msg = err(W, r"Tools\x.exe").to_string();
        assert!(
            msg.contains(r"`Tools\x.exe`") && msg.contains("**"),
            "{msg}"
        );
        let msg = err(W, r"C:\x:y").to_string();
        assert!(msg.contains("`x:y`"), "{msg}");
        let msg = err(W, r"*:\x").to_string();
        assert!(msg.contains("`*:`"), "{msg}");
    }

    #[test]
    fn posix_rule_paths() {
        let vars = Variables::new(L, [("APPS", "/opt/apps")]);
        let r = parse_rule_path(L, "$APPS/bin/*", &vars).unwrap();
        assert_eq!(r.components, ["/", "opt", "apps", "bin", "*"]);
        assert!(!r.folder);
        let r = parse_rule_path(L, "${APPS}/", &vars).unwrap();
        assert!(r.folder);
        assert_eq!(r.render(L), "/opt/apps/");
        let r = parse_rule_path(L, "/", &vars).unwrap();
        assert_eq!(r.components, ["/"]);
        assert!(r.folder);
        assert_eq!(r.render(L), "/");
        let r = parse_rule_path(L, r"/opt/a\b/c:d~1", &vars).unwrap();
        assert_eq!(r.components, ["/", "opt", r"a\b", "c:d~1"]);
        let r = parse_rule_path(M, "**/MacOS/x", &Variables::builtin(M)).unwrap();
        assert_eq!(r.components, ["**", "MacOS", "x"]);
        assert_eq!(r.render(M), "**/MacOS/x");
        // Backslash does not separate on POSIX, so this is not a folder rule.
        let r = parse_rule_path(L, r"/opt/x\", &vars).unwrap();
        assert!(!r.folder);
        assert_eq!(r.components, ["/", "opt", r"x\"]);
    }

    #[test]
    fn glob_match_works() {
        assert!(glob_match("*", "Users", true));
        assert!(glob_match("U*s", "users", true));
        assert!(!glob_match("U*s", "users", false));
        assert!(glob_match("?sers", "Users", false));
        assert!(glob_match("**", "", false));
        assert!(glob_match("*a*b*", "xxaxxbxx", false));
        assert!(!glob_match("*a*b", "xxaxxbxx", false));
        assert!(!glob_match("Use", "Users", false));
        assert!(!glob_match("Users", "Use", false));
    }

    #[test]
    fn user_writable_lint() {
        let w = |s: &str| is_user_writable(W, &rule(W, s).unwrap());
        for s in [
            r"C:\Users\bob\x.exe",
            r"D:\USERS\x.exe",
            r"C:\Users\",
            r"C:\ProgramData\Vendor\x.exe",
            r"%ProgramData%\x.exe",
            r"C:\Program Files\Vendor\AppData\x.exe",
            r"C:\Windows\Temp\x.exe",
            r"C:\temp\x.exe",
            r"\\srv\share\temp\x.exe",
            r"C:\Windows\Tasks\x.exe",
            r"C:\Windows\System32\spool\drivers\color\x.exe",
            r"C:\Windows\System32\",
            r"C:\Windows\",
            r"C:\",
            r"C:\*\x.exe",
            r"C:\U*\bob\x.exe",
            r"C:\**\x.exe",
            r"C:\**",
            r"**\x.exe",
            r"**\",
            r"C:\Windows\**\x.exe",
        ] {
            assert!(w(s), "{s}");
        }
        for s in [
            r"C:\Program Files\Vendor\x.exe",
            r"C:\Program Files\Vendor\",
            r"C:\Program Files\*\x.exe",
            r"C:\Program Files\Vendor\**\x.exe",
            r"C:\Windows\System32\cmd.exe",
            r"C:\Windows\System32\*.exe",
            r"C:\Users",
            r"C:\Temp",
            r"C:\x.exe",
            r"C:\*",
            r"\\srv\share\tools\x.exe",
            r"\\srv\share\",
        ] {
            assert!(!w(s), "{s}");
        }
        let p = |plat: Platform, s: &str| is_user_writable(plat, &rule(plat, s).unwrap());
        for plat in [L, M] {
            for s in [
                "/tmp/x",
                "/var/tmp/x",
                "/home/u/bin/x",
                "/Users/u/x",
                "/dev/shm/x",
                "/",
                "/var/",
                "/*/x",
                "/**/x",
                "**/x",
                "/run/user/1000/x",
                "/private/tmp/x",
            ] {
                assert!(p(plat, s), "{plat} {s}");
            }
            for s in ["/usr/bin/x", "/tmp", "/var/lib/x", "/opt/x/**/y", "/bin/"] {
                assert!(!p(plat, s), "{plat} {s}");
            }
        }
        assert!(p(M, "/usr/local/bin/x"));
        assert!(p(M, "/TMP/x"));
        assert!(!p(L, "/usr/local/bin/x"));
        assert!(!p(L, "/TMP/x"));
        assert!(!is_user_writable(
            W,
            &RulePath {
                components: vec![],
                folder: true
            }
        ));
    }

    // ---- Property tests ------------------------------------------------

    fn windowsy() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just(r"\".to_string()),
            Just("/".to_string()),
            Just(".".to_string()),
            Just("..".to_string()),
            Just(":".to_string()),
            Just("~".to_string()),
            Just(" ".to_string()),
            Just("C:".to_string()),
            Just(r"\\?\".to_string()),
            Just(r"\\.\".to_string()),
            Just("UNC".to_string()),
            Just("::$DATA".to_string()),
            Just("~1".to_string()),
            Just("*".to_string()),
            Just("?".to_string()),
            Just("**".to_string()),
            Just("%".to_string()),
            Just("$".to_string()),
            Just("\u{0}".to_string()),
            Just("é".to_string()),
            "[a-zA-Z0-9]{1,3}",
        ];
        prop::collection::vec(atom, 0..16).prop_map(|v| v.concat())
    }

    /// Mostly rooted paths, so that many of them are resolved.
    fn rooted() -> impl Strategy<Value = String> {
        let root = prop_oneof![
            Just(r"C:\"),
            Just("c:/"),
            Just(r"\\srv\share\"),
            Just(r"\\?\C:\"),
            Just(r"\\.\UNC\srv\share\"),
            Just("/"),
            Just(""),
        ];
        (root, windowsy()).prop_map(|(r, rest)| format!("{r}{rest}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn windows_normalize_idempotent(s in rooted()) {
            let (out, facts) = norm(W, &s);
            let (again, facts2) = norm(W, &out);
            prop_assert_eq!(&again, &out);
            if facts.is_resolved() {
                prop_assert_eq!(facts2, facts);
            }
            prop_assert!(!out.contains('/'));
            if facts.unresolved != Some(Unresolved::Relative) {
                prop_assert!(!out.contains(r"\\") || out.starts_with(r"\\"));
            }
        }

        #[test]
        fn windows_normalize_any_string(s in any::<String>()) {
            let (out, _) = norm(W, &s);
            prop_assert_eq!(norm(W, &out).0, out);
        }

        #[test]
        fn posix_normalize_idempotent(s in rooted()) {
            for p in [L, M] {
                let (out, facts) = norm(p, &s);
                let (again, facts2) = norm(p, &out);
                prop_assert_eq!(&again, &out);
                if facts.is_resolved() {
                    prop_assert_eq!(facts2, facts);
                }
                prop_assert!(!out.contains("//"));
                // Only a NUL (no POSIX file name holds one) makes a component odd.
                prop_assert!(!facts.last_component_odd || s.contains('\0'));
            }
        }

        #[test]
        fn posix_normalize_any_string(s in any::<String>()) {
            let (out, _) = norm(L, &s);
            prop_assert_eq!(norm(L, &out).0, out);
        }

        #[test]
        fn resolved_paths_have_clean_components(s in rooted()) {
            let (out, facts) = norm(W, &s);
            if facts.is_resolved() {
                let comps: Vec<&str> = components(W, &out).collect();
                prop_assert!(!comps.is_empty());
                for c in comps.iter().skip(1) {
                    prop_assert!(*c != "." && *c != "..");
                    prop_assert!(!c.contains(':'));
                    prop_assert!(!c.ends_with('.') && !c.ends_with(' '));
                    prop_assert!(!is_short_name(c));
                }
                prop_assert_eq!(file_name(W, &out), if comps.len() > 1 { comps[comps.len() - 1] } else { "" });
            }
        }

        #[test]
        fn rule_parsing_never_panics(s in rooted(), t in any::<String>()) {
            let wv = Variables::new(W, [("X", r"C:\x"), ("Y", "")]);
            let pv = Variables::new(L, [("X", "/x")]);
            for src in [&s, &t] {
                if let Ok(r) = parse_rule_path(W, src, &wv) {
                    prop_assert!(!r.components.is_empty());
                    let _ = is_user_writable(W, &r);
                    let again = parse_rule_path(W, &r.render(W), &Variables::builtin(W));
                    // Rendering a rule and parsing it again gives the same rule
                    // (unless a `%` in a component now reads as a variable).
                    if !r.render(W).contains('%') {
                        prop_assert_eq!(again, Ok(r));
                    }
                }
                for p in [L, M] {
                    if let Ok(r) = parse_rule_path(p, src, &pv) {
                        let _ = is_user_writable(p, &r);
                        if !r.render(p).contains('$') {
                            prop_assert_eq!(parse_rule_path(p, &r.render(p), &Variables::builtin(p)), Ok(r));
                        }
                    }
                }
            }
        }
    }
}
