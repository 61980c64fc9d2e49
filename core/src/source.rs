//! Source documents: YAML or JSON text parsed into a generic tree with positions.
//!
//! Policy documents and policy test files are written in YAML or JSON. [`parse`] turns such
//! text into a [`Node`] tree in which every value, and every mapping key, carries the
//! [`Span`] (1-based line and column) where it starts. The loader converts that tree into
//! typed structures by hand, so that it can report every validation error at once, each with
//! its document path and position.
//!
//! # Robustness
//!
//! Parsing never panics, never recurses on input-driven depth and runs in time and memory
//! linear in the input, within [`Limits`]:
//!
//! * `max_bytes`: longer input is refused before parsing.
//! * `max_depth`: lists and mappings nested deeper are refused, at the position of the first
//!   collection that is too deep. This also bounds the recursion of the derived `Clone`,
//!   `PartialEq`, `Drop` and of [`Node::to_json`] on a parsed tree, so keep it in the
//!   hundreds.
//! * `max_nodes`: a document whose tree (after alias expansion) has more nodes is refused.
//!   Mapping keys are not counted; copies kept for YAML anchors are.
//!
//! # YAML
//!
//! YAML is read with `yaml-rust2`'s event parser, and the tree is built from its events with
//! an explicit stack. Choices:
//!
//! * Plain (unquoted) scalars are typed with the YAML 1.2 **core schema**: `null`, `Null`,
//!   `NULL`, `~` and the empty scalar are null; `true`/`True`/`TRUE`/`false`/`False`/`FALSE`
//!   are booleans; decimal, `0o` octal and `0x` hexadecimal integers, decimal floats and
//!   `.inf`/`.nan` are numbers, kept as their raw text. Everything else (`yes`, `on`, `22:00`,
//!   `2026-11-24T08:00:00Z`, `1h30m`…) and every quoted or block scalar is a string.
//! * Tags: `!!str` and the non-specific `!` make a string; `!!int`, `!!float`, `!!bool` and
//!   `!!null` must match the core schema for that type (a quoted `!!int "12"` is a number);
//!   `!!seq` and `!!map` are allowed on the matching collection. Any other tag is an error.
//! * Mapping keys must be scalars; their text is the key, whatever its type (`1: x` has the
//!   key `"1"`). Duplicate keys are an error naming the key and both lines.
//! * Anchors and aliases are expanded by copying the anchored node. Every copy counts toward
//!   `max_nodes` (and its height toward `max_depth`), so an exponential "billion laughs"
//!   document fails fast. The root of a copy takes the position of the alias; the nodes
//!   inside keep the positions of the anchored text. An alias inside its own anchored node is
//!   an error. Merge keys (`<<`) are ordinary keys.
//! * The stream must hold at most one document; an empty stream or document is null.
//! * A byte-order mark at the start is skipped and does not count as a column.
//! * A mapping value left empty (`key:`) gets the position of its key.
//!
//! # JSON
//!
//! JSON is read by a small strict RFC 8259 parser of this module (no comments, no trailing
//! commas, no `NaN`, no lone surrogates, no duplicate keys, nothing after the value; a
//! byte-order mark at the start is allowed). Numbers keep their source text.
//!
//! Columns count characters (Unicode scalar values), not bytes, in both formats; a tab counts
//! as one column.
//!
//! # Example
//!
//! ```
//! use jitaccess::source::{parse, Format, Limits, Value};
//!
//! let doc = parse("applications:\n  - name: vim\n    vendr: x\n", Format::Yaml, &Limits::default())?;
//! let apps = doc.get("applications").and_then(|n| n.as_seq()).unwrap_or_default();
//! let entry = &apps[0].as_map().unwrap_or_default()[1];
//! assert_eq!(entry.key, "vendr");
//! assert_eq!((entry.key_span.line, entry.key_span.column), (3, 5));
//! assert_eq!(entry.value.value, Value::String("x".into()));
//! # Ok::<(), jitaccess::source::SyntaxError>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

/// A position in a source document: 1-based line and column.
///
/// Columns count characters, not bytes. `Span::default()` (line 0, column 0) means
/// "no position", as in trees built by [`Node::from_json`].
///
/// ```
/// use jitaccess::source::Span;
///
/// let span = Span::new(12, 5);
/// assert_eq!(span.to_string(), "line 12, column 5");
/// assert!(Span::new(3, 9) < Span::new(4, 1));
/// assert!(Span::default().is_unknown());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// Line, starting at 1 (0 when unknown).
    pub line: u32,
    /// Column in characters, starting at 1 (0 when unknown).
    pub column: u32,
}

impl Span {
    /// A span at `line` and `column` (both 1-based).
    ///
    /// ```
    /// # use jitaccess::source::Span;
    /// assert_eq!(Span::new(1, 2).column, 2);
    /// ```
    #[must_use]
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }

    /// Whether this is the "no position" span (line 0).
    ///
    /// ```
    /// # use jitaccess::source::Span;
    /// assert!(!Span::new(1, 1).is_unknown());
    /// ```
    #[must_use]
    pub const fn is_unknown(&self) -> bool {
        self.line == 0
    }

    fn from_marker(marker: &Marker) -> Self {
        Self {
            line: saturating_u32(marker.line()),
            column: saturating_u32(marker.col()).saturating_add(1),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The syntax of a source document.
///
/// ```
/// use jitaccess::source::Format;
/// use std::path::Path;
///
/// assert_eq!(Format::from_path(Path::new("policy.yml")), Some(Format::Yaml));
/// assert_eq!(Format::from_path(Path::new("tests/a.JSON")), Some(Format::Json));
/// assert_eq!(Format::from_path(Path::new("notes.txt")), None);
/// assert_eq!(Format::Yaml.to_string(), "YAML");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML 1.2 (one document).
    Yaml,
    /// JSON (RFC 8259).
    Json,
}

impl Format {
    /// The format named by a path's extension: `.yaml` and `.yml` are YAML, `.json` is JSON
    /// (ignoring ASCII case); anything else is `None`.
    ///
    /// ```
    /// # use jitaccess::source::Format;
    /// # use std::path::Path;
    /// assert_eq!(Format::from_path(Path::new("/etc/jit/policy.yaml")), Some(Format::Yaml));
    /// assert_eq!(Format::from_path(Path::new("policy")), None);
    /// ```
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
            Some(Self::Yaml)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(Self::Json)
        } else {
            None
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Yaml => "YAML",
            Self::Json => "JSON",
        })
    }
}

/// A value in the tree, with the position where it starts.
///
/// ```
/// use jitaccess::source::{parse, Format, Limits, Span, Value};
///
/// let node = parse("[1, \"two\"]", Format::Json, &Limits::default())?;
/// assert_eq!(node.span, Span::new(1, 1));
/// let items = node.as_seq().unwrap_or_default();
/// assert_eq!(items[1].as_str(), Some("two"));
/// assert_eq!(items[1].span, Span::new(1, 5));
/// # Ok::<(), jitaccess::source::SyntaxError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts in the source.
    pub span: Span,
}

/// The value of a [`Node`].
///
/// ```
/// use jitaccess::source::{parse, Format, Limits, Value};
///
/// let node = parse("n: 22.99\nt: 22:00\n", Format::Yaml, &Limits::default())?;
/// assert_eq!(node.get("n").map(|n| &n.value), Some(&Value::Number("22.99".into())));
/// assert_eq!(node.get("t").map(|n| &n.value), Some(&Value::String("22:00".into())));
/// # Ok::<(), jitaccess::source::SyntaxError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null` (YAML: also `~`, empty).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// The raw source text of an integer or float, e.g. `"12"`, `"22.99"`, `"-3"`, `"1e5"`
    /// (YAML also `"0x1F"`, `"0o17"`, `"+1"`, `".inf"`).
    Number(String),
    /// A string.
    String(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in document order, without duplicate keys.
    Map(Vec<Entry>),
}

/// One `key: value` member of a mapping.
///
/// ```
/// use jitaccess::source::{parse, Format, Limits, Span};
///
/// let node = parse("{\"a\": 1}", Format::Json, &Limits::default())?;
/// let entry = &node.as_map().unwrap_or_default()[0];
/// assert_eq!(entry.key, "a");
/// assert_eq!(entry.key_span, Span::new(1, 2));
/// assert_eq!(entry.value.span, Span::new(1, 7));
/// # Ok::<(), jitaccess::source::SyntaxError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key's text.
    pub key: String,
    /// Where the key starts.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// Resource limits for [`parse`].
///
/// ```
/// use jitaccess::source::Limits;
///
/// let limits = Limits { max_depth: 32, ..Limits::default() };
/// assert_eq!(limits.max_bytes, 64 * 1024 * 1024);
/// assert_eq!(limits.max_nodes, 20_000_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest accepted input, in bytes (default 64 MiB).
    pub max_bytes: usize,
    /// Deepest accepted nesting of lists and mappings (default 128). The top-level
    /// collection is at depth 1.
    pub max_depth: usize,
    /// Most nodes in the tree (default 20 000 000). Mapping keys are not counted; YAML alias
    /// copies, and the copies kept for anchors, are.
    pub max_nodes: usize,
    /// Most nodes that YAML aliases may copy in all (default 1 000 000), so that a small
    /// document cannot expand into a large tree ("billion laughs") within `max_nodes`.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 128,
            max_nodes: 20_000_000,
            max_alias_nodes: 1_000_000,
        }
    }
}

/// A document that could not be parsed: what is wrong, and where when known.
///
/// Displays as `line L, column C: message`, or just the message without a position.
///
/// ```
/// use jitaccess::source::{parse, Format, Limits, Span};
///
/// let err = parse("{\"a\": 1,}", Format::Json, &Limits::default()).unwrap_err();
/// assert_eq!(err.span, Some(Span::new(1, 9)));
/// assert_eq!(err.to_string(), "line 1, column 9: expected a string key after ',', found '}'");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_error(.span.as_ref(), .message))]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where, when known.
    pub span: Option<Span>,
}

impl SyntaxError {
    /// An error with a message and an optional position.
    ///
    /// ```
    /// # use jitaccess::source::{Span, SyntaxError};
    /// let err = SyntaxError::new("bad", Some(Span::new(2, 3)));
    /// assert_eq!(err.to_string(), "line 2, column 3: bad");
    /// assert_eq!(SyntaxError::new("bad", None).to_string(), "bad");
    /// ```
    #[must_use]
    pub fn new(message: impl Into<String>, span: Option<Span>) -> Self {
        Self {
            message: message.into(),
            span,
        }
    }

    fn at(span: Span, message: impl Into<String>) -> Self {
        Self::new(message, Some(span))
    }
}

fn render_error(span: Option<&Span>, message: &str) -> String {
    match span {
        Some(span) => format!("{span}: {message}"),
        None => message.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Tree helpers
// ---------------------------------------------------------------------------------------------

impl Value {
    /// The kind of value, for error messages: `"null"`, `"a boolean"`, `"a number"`,
    /// `"a string"`, `"a list"` or `"a mapping"`.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::Seq(Vec::new()).kind_name(), "a list");
    /// ```
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Number(_) => "a number",
            Self::String(_) => "a string",
            Self::Seq(_) => "a list",
            Self::Map(_) => "a mapping",
        }
    }

    /// The string, if this is a string.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::String("x".into()).as_str(), Some("x"));
    /// assert_eq!(Value::Number("1".into()).as_str(), None);
    /// ```
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The raw number text, if this is a number.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::Number("1e5".into()).as_number(), Some("1e5"));
    /// ```
    #[must_use]
    pub fn as_number(&self) -> Option<&str> {
        match self {
            Self::Number(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::Bool(true).as_bool(), Some(true));
    /// ```
    #[must_use]
    pub const fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Whether this is null.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert!(Value::Null.is_null());
    /// ```
    #[must_use]
    pub const fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The entries, if this is a mapping.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::Map(Vec::new()).as_map().map(<[_]>::len), Some(0));
    /// ```
    #[must_use]
    pub fn as_map(&self) -> Option<&[Entry]> {
        match self {
            Self::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a list.
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert!(Value::Null.as_seq().is_none());
    /// ```
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match self {
            Self::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value of `key`, if this is a mapping that has it.
    ///
    /// ```
    /// # use jitaccess::source::{Node, Value};
    /// let v = Node::from_json(&serde_json::json!({"a": 1})).value;
    /// assert_eq!(v.get("a").and_then(|n| n.value.as_number()), Some("1"));
    /// assert!(v.get("b").is_none());
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value)
    }
}

impl Node {
    /// A node with a value and a span.
    ///
    /// ```
    /// # use jitaccess::source::{Node, Span, Value};
    /// let node = Node::new(Value::Bool(true), Span::new(1, 1));
    /// assert_eq!(node.value.as_bool(), Some(true));
    /// ```
    #[must_use]
    pub const fn new(value: Value, span: Span) -> Self {
        Self { value, span }
    }

    /// See [`Value::kind_name`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert_eq!(Node::from_json(&serde_json::json!({})).kind_name(), "a mapping");
    /// ```
    #[must_use]
    pub const fn kind_name(&self) -> &'static str {
        self.value.kind_name()
    }

    /// See [`Value::as_str`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert_eq!(Node::from_json(&serde_json::json!("x")).as_str(), Some("x"));
    /// ```
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_str()
    }

    /// See [`Value::as_number`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert_eq!(Node::from_json(&serde_json::json!(2.5)).as_number(), Some("2.5"));
    /// ```
    #[must_use]
    pub fn as_number(&self) -> Option<&str> {
        self.value.as_number()
    }

    /// See [`Value::as_bool`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert_eq!(Node::from_json(&serde_json::json!(false)).as_bool(), Some(false));
    /// ```
    #[must_use]
    pub const fn as_bool(&self) -> Option<bool> {
        self.value.as_bool()
    }

    /// See [`Value::is_null`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert!(Node::from_json(&serde_json::Value::Null).is_null());
    /// ```
    #[must_use]
    pub const fn is_null(&self) -> bool {
        self.value.is_null()
    }

    /// See [`Value::as_map`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// let node = Node::from_json(&serde_json::json!({"k": null}));
    /// assert_eq!(node.as_map().map(|m| m[0].key.as_str()), Some("k"));
    /// ```
    #[must_use]
    pub fn as_map(&self) -> Option<&[Entry]> {
        self.value.as_map()
    }

    /// See [`Value::as_seq`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// assert_eq!(Node::from_json(&serde_json::json!([1, 2])).as_seq().map(<[_]>::len), Some(2));
    /// ```
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        self.value.as_seq()
    }

    /// See [`Value::get`].
    ///
    /// ```
    /// # use jitaccess::source::Node;
    /// let node = Node::from_json(&serde_json::json!({"a": {"b": true}}));
    /// assert_eq!(node.get("a").and_then(|a| a.get("b")).and_then(Node::as_bool), Some(true));
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.value.get(key)
    }

    /// Converts the tree to a `serde_json::Value`, e.g. to hand it to serde.
    ///
    /// Numbers become JSON numbers: integers as `i64` or `u64` when they fit (YAML `0x`/`0o`
    /// and `+` forms included), anything else as a finite `f64`. A number with no JSON
    /// equivalent (`.inf`, `.nan`, `1e999`) is kept as a string of its raw text. If a
    /// hand-built mapping repeats a key, the last value wins.
    ///
    /// ```
    /// use jitaccess::source::{parse, Format, Limits};
    /// use serde_json::json;
    ///
    /// let node = parse("a: [1, -2.5, 0x10, .inf, ~, yes]", Format::Yaml, &Limits::default())?;
    /// assert_eq!(node.to_json(), json!({"a": [1, -2.5, 16, ".inf", null, "yes"]}));
    /// # Ok::<(), jitaccess::source::SyntaxError>(())
    /// ```
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        self.value.to_json()
    }

    /// Builds a tree from a `serde_json::Value`, with default (unknown) spans.
    ///
    /// ```
    /// use jitaccess::source::{Node, Span, Value};
    ///
    /// let node = Node::from_json(&serde_json::json!({"n": 12}));
    /// assert_eq!(node.get("n").map(|n| &n.value), Some(&Value::Number("12".into())));
    /// assert_eq!(node.span, Span::default());
    /// ```
    #[must_use]
    pub fn from_json(json: &serde_json::Value) -> Self {
        let value = match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => {
                Value::Seq(items.iter().map(Self::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(key, value)| Entry {
                        key: key.clone(),
                        key_span: Span::default(),
                        value: Self::from_json(value),
                    })
                    .collect(),
            ),
        };
        Self::new(value, Span::default())
    }
}

impl Value {
    /// See [`Node::to_json`].
    ///
    /// ```
    /// # use jitaccess::source::Value;
    /// assert_eq!(Value::Number("1e999".into()).to_json(), serde_json::json!("1e999"));
    /// ```
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => serde_json::Value::Bool(*b),
            Self::Number(raw) => number_to_json(raw).map_or_else(
                || serde_json::Value::String(raw.clone()),
                serde_json::Value::Number,
            ),
            Self::String(s) => serde_json::Value::String(s.clone()),
            Self::Seq(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Self::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|entry| (entry.key.clone(), entry.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Converts the raw text of a number to a JSON number, mirroring `serde_json`'s choices for
/// JSON text (`-0` is the float `-0.0`, out-of-range integers become floats).
fn number_to_json(raw: &str) -> Option<serde_json::Number> {
    let (negative, unsigned) = match raw.as_bytes().first() {
        Some(b'-') => (true, raw.get(1..)?),
        Some(b'+') => (false, raw.get(1..)?),
        _ => (false, raw),
    };
    let radix_digits = unsigned
        .strip_prefix("0x")
        .map(|d| (16, d))
        .or_else(|| unsigned.strip_prefix("0o").map(|d| (8, d)));
    if let Some((radix, digits)) = radix_digits {
        // YAML core schema: no sign on hexadecimal or octal integers.
        if raw.len() != unsigned.len() {
            return None;
        }
        return u64::from_str_radix(digits, radix)
            .ok()
            .map(serde_json::Number::from);
    }
    if is_yaml_int(raw) {
        let magnitude: Option<u64> = unsigned.parse().ok();
        match (negative, magnitude) {
            (false, Some(m)) => return Some(serde_json::Number::from(m)),
            (true, Some(0)) => return serde_json::Number::from_f64(-0.0),
            (true, Some(m)) => {
                if let Some(v) = 0i64.checked_sub_unsigned(m) {
                    return Some(serde_json::Number::from(v));
                }
            }
            (_, None) => {}
        }
    } else if !is_yaml_float(raw) {
        return None;
    }
    let float: f64 = raw.parse().ok()?;
    if float.is_finite() {
        serde_json::Number::from_f64(float)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// Parses `text` as one YAML or JSON document into a tree with positions.
///
/// # Errors
///
/// A [`SyntaxError`] with the position of the problem when the text is not valid in
/// `format`, breaks one of the rules in the [module documentation](self) (duplicate keys,
/// several YAML documents, unsupported tags…), or exceeds `limits`.
///
/// ```
/// use jitaccess::source::{parse, Format, Limits, Span};
///
/// let limits = Limits::default();
/// let err = parse("name: vim\nname: emacs\n", Format::Yaml, &limits).unwrap_err();
/// assert_eq!(err.to_string(), "line 2, column 1: duplicate key \"name\" (first at line 1)");
///
/// let node = parse("{\"a\": [true, null]}", Format::Json, &limits)?;
/// assert_eq!(node.get("a").map(|a| a.span), Some(Span::new(1, 7)));
/// # Ok::<(), jitaccess::source::SyntaxError>(())
/// ```
pub fn parse(text: &str, format: Format, limits: &Limits) -> Result<Node, SyntaxError> {
    if text.len() > limits.max_bytes {
        return Err(SyntaxError::new(
            format!(
                "the document is {} bytes long, more than the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
            None,
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Yaml => parse_yaml(text, limits),
        Format::Json => JsonParser::new(text, limits).parse(),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

/// Duplicate-key detection for one mapping: a linear scan while small, a hash index after.
#[derive(Default)]
struct KeyIndex {
    index: Option<HashMap<String, Span>>,
}

impl KeyIndex {
    const LINEAR: usize = 16;

    /// Checks that `key` is not among `entries` (the keys seen so far), and records it.
    fn check(&mut self, entries: &[Entry], key: &str, span: Span) -> Result<(), SyntaxError> {
        if self.index.is_none() && entries.len() >= Self::LINEAR {
            self.index = Some(
                entries
                    .iter()
                    .map(|entry| (entry.key.clone(), entry.key_span))
                    .collect(),
            );
        }
        let first = match &mut self.index {
            Some(index) => {
                let first = index.get(key).copied();
                if first.is_none() {
                    index.insert(key.to_owned(), span);
                }
                first
            }
            None => entries
                .iter()
                .find(|entry| entry.key == key)
                .map(|entry| entry.key_span),
        };
        match first {
            Some(first) => Err(SyntaxError::at(
                span,
                format!("duplicate key {key:?} (first at line {})", first.line),
            )),
            None => Ok(()),
        }
    }
}

fn too_deep(span: Span, limits: &Limits) -> SyntaxError {
    SyntaxError::at(
        span,
        format!("nesting deeper than {} levels", limits.max_depth),
    )
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

/// The prefix that `!!` stands for.
const YAML_TAG_PREFIX: &str = "tag:yaml.org,2002:";

fn parse_yaml(text: &str, limits: &Limits) -> Result<Node, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut builder = YamlBuilder::new(limits);
    let mut seen_document = false;
    let scan_error = |e: ScanError| {
        let info = e.info();
        let message = if info.contains("recursion limit exceeded") {
            "nesting deeper than the YAML parser allows (recursion limit exceeded)".to_owned()
        } else {
            info.to_owned()
        };
        SyntaxError::at(Span::from_marker(e.marker()), message)
    };
    loop {
        // After an error the parser's state is not reliable: never read past one.
        let (event, marker) = parser.next_token().map_err(scan_error)?;
        let span = Span::from_marker(&marker);
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart => {
                if std::mem::replace(&mut seen_document, true) {
                    // An implicit document's start marker follows its first token: look at the
                    // next two events for an earlier position.
                    let mut first = span;
                    for _ in 0..2 {
                        let Ok((_, marker)) = parser.next_token() else {
                            break;
                        };
                        first = first.min(Span::from_marker(&marker));
                    }
                    return Err(SyntaxError::at(
                        first,
                        "expected one YAML document, found a second one",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                builder.scalar(text, style, anchor, tag.as_ref(), span)?;
            }
            Event::Alias(id) => builder.alias(id, span)?,
            Event::SequenceStart(anchor, tag) => {
                builder.start(Kind::Seq, anchor, tag.as_ref(), span)?;
            }
            Event::MappingStart(anchor, tag) => {
                // A block mapping's start marker follows its first key: use the key's if earlier.
                let (_, next) = parser.peek().map_err(scan_error)?;
                let span = span.min(Span::from_marker(next));
                builder.start(Kind::Map, anchor, tag.as_ref(), span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.end(span)?,
        }
    }
    builder.finish()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Seq,
    Map,
}

impl Kind {
    const fn name(self) -> &'static str {
        match self {
            Self::Seq => "a list",
            Self::Map => "a mapping",
        }
    }
}

/// A finished node on its way to its parent, with what anchors and limits need to know.
struct Built {
    node: Node,
    /// Nodes in this subtree.
    nodes: usize,
    /// Collection levels in this subtree (0 for a scalar).
    height: usize,
    /// The text of a scalar, for use as a mapping key.
    key_text: Option<String>,
}

/// An anchored node, kept to copy at each alias.
struct Anchored {
    node: Node,
    nodes: usize,
    height: usize,
    key_text: Option<String>,
}

enum FrameBody {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        /// The key whose value comes next.
        pending_key: Option<(String, Span)>,
        index: KeyIndex,
    },
}

/// An open collection.
struct Frame {
    span: Span,
    anchor: usize,
    nodes: usize,
    height: usize,
    body: FrameBody,
}

struct YamlBuilder<'a> {
    limits: &'a Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    /// Nodes produced so far, including alias copies and anchor copies.
    nodes: usize,
    /// Nodes produced by alias copies alone.
    alias_nodes: usize,
    root: Option<Node>,
}

impl<'a> YamlBuilder<'a> {
    fn new(limits: &'a Limits) -> Self {
        Self {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
            root: None,
        }
    }

    fn count(&mut self, nodes: usize, span: Span) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > self.limits.max_nodes {
            Err(SyntaxError::at(
                span,
                format!(
                    "document expands to more than {} nodes",
                    self.limits.max_nodes
                ),
            ))
        } else {
            Ok(())
        }
    }

    /// The key waiting for its value in the innermost mapping, if any.
    fn pending_key_span(&self) -> Option<Span> {
        match self.stack.last() {
            Some(Frame {
                body:
                    FrameBody::Map {
                        pending_key: Some((_, span)),
                        ..
                    },
                ..
            }) => Some(*span),
            _ => None,
        }
    }

    /// Whether the next node is a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: FrameBody::Map {
                    pending_key: None,
                    ..
                },
                ..
            })
        )
    }

    fn scalar(
        &mut self,
        text: String,
        style: TScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), SyntaxError> {
        let value = resolve_scalar(&text, style, tag, span)?;
        let span = match self.pending_key_span() {
            // An empty value (`key:`) is reported at the next token; its key is more useful.
            Some(key_span) if text.is_empty() && style == TScalarStyle::Plain && tag.is_none() => {
                key_span
            }
            _ => span,
        };
        if !self.expecting_key() {
            self.count(1, span)?;
        }
        let built = Built {
            node: Node::new(value, span),
            nodes: 1,
            height: 0,
            key_text: Some(text),
        };
        self.store_anchor(anchor, &built)?;
        self.attach(built)
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), SyntaxError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(SyntaxError::at(
                span,
                "alias to an anchor whose node is not finished (recursive aliases are not supported)",
            ));
        };
        let (nodes, height) = (anchored.nodes, anchored.height);
        if self.stack.len().saturating_add(height) > self.limits.max_depth {
            return Err(SyntaxError::at(
                span,
                format!(
                    "alias expands to nesting deeper than {} levels",
                    self.limits.max_depth
                ),
            ));
        }
        if !self.expecting_key() {
            self.alias_nodes = self.alias_nodes.saturating_add(nodes);
            if self.alias_nodes > self.limits.max_alias_nodes {
                return Err(SyntaxError::at(
                    span,
                    format!(
                        "aliases expand to more than {} nodes (a YAML alias bomb?)",
                        self.limits.max_alias_nodes
                    ),
                ));
            }
            self.count(nodes, span)?;
        }
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(SyntaxError::at(span, "internal error: anchor vanished"));
        };
        let mut node = anchored.node.clone();
        node.span = span;
        let built = Built {
            node,
            nodes,
            height,
            key_text: anchored.key_text.clone(),
        };
        self.attach(built)
    }

    fn start(
        &mut self,
        kind: Kind,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), SyntaxError> {
        if let Some(tag) = tag {
            let allowed = match kind {
                Kind::Seq => "seq",
                Kind::Map => "map",
            };
            let ok = (tag.handle.is_empty() && tag.suffix == "!")
                || (tag.handle == YAML_TAG_PREFIX && tag.suffix == allowed);
            if !ok {
                return Err(unsupported_tag(tag, span));
            }
        }
        if self.expecting_key() {
            return Err(SyntaxError::at(
                span,
                format!("a mapping key must be a scalar, found {}", kind.name()),
            ));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(too_deep(span, self.limits));
        }
        self.count(1, span)?;
        let body = match kind {
            Kind::Seq => FrameBody::Seq(Vec::new()),
            Kind::Map => FrameBody::Map {
                entries: Vec::new(),
                pending_key: None,
                index: KeyIndex::default(),
            },
        };
        self.stack.push(Frame {
            span,
            anchor,
            nodes: 1,
            height: 1,
            body,
        });
        Ok(())
    }

    fn end(&mut self, span: Span) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Err(SyntaxError::at(
                span,
                "internal error: unbalanced collection end",
            ));
        };
        let value = match frame.body {
            FrameBody::Seq(items) => Value::Seq(items),
            FrameBody::Map {
                entries,
                pending_key,
                ..
            } => {
                if let Some((key, key_span)) = pending_key {
                    return Err(SyntaxError::at(
                        key_span,
                        format!("internal error: key {key:?} has no value"),
                    ));
                }
                Value::Map(entries)
            }
        };
        let built = Built {
            node: Node::new(value, frame.span),
            nodes: frame.nodes,
            height: frame.height,
            key_text: None,
        };
        self.store_anchor(frame.anchor, &built)?;
        self.attach(built)
    }

    fn store_anchor(&mut self, anchor: usize, built: &Built) -> Result<(), SyntaxError> {
        if anchor == 0 {
            return Ok(());
        }
        // The kept copy costs memory like the nodes of the tree, so it counts too.
        self.count(built.nodes, built.node.span)?;
        self.anchors.insert(
            anchor,
            Anchored {
                node: built.node.clone(),
                nodes: built.nodes,
                height: built.height,
                key_text: built.key_text.clone(),
            },
        );
        Ok(())
    }

    fn attach(&mut self, built: Built) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_some() {
                return Err(SyntaxError::at(
                    built.node.span,
                    "internal error: second root node",
                ));
            }
            self.root = Some(built.node);
            return Ok(());
        };
        match &mut frame.body {
            FrameBody::Seq(items) => {
                items.push(built.node);
            }
            FrameBody::Map {
                entries,
                pending_key,
                index,
            } => match pending_key.take() {
                None => {
                    let span = built.node.span;
                    let Some(key) = built.key_text else {
                        return Err(SyntaxError::at(
                            span,
                            format!(
                                "a mapping key must be a scalar, found {}",
                                built.node.kind_name()
                            ),
                        ));
                    };
                    index.check(entries, &key, span)?;
                    *pending_key = Some((key, span));
                    return Ok(());
                }
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: built.node,
                }),
            },
        }
        frame.nodes = frame.nodes.saturating_add(built.nodes);
        frame.height = frame.height.max(built.height.saturating_add(1));
        Ok(())
    }

    fn finish(self) -> Result<Node, SyntaxError> {
        if let Some(frame) = self.stack.last() {
            return Err(SyntaxError::at(
                frame.span,
                "internal error: unterminated collection",
            ));
        }
        Ok(self
            .root
            .unwrap_or_else(|| Node::new(Value::Null, Span::new(1, 1))))
    }
}

fn tag_text(tag: &Tag) -> String {
    match tag.handle.strip_prefix(YAML_TAG_PREFIX) {
        Some("") => format!("!!{}", tag.suffix),
        _ if tag.handle.is_empty() && tag.suffix == "!" => "!".to_owned(),
        _ => format!("{}{}", tag.handle, tag.suffix),
    }
}

fn unsupported_tag(tag: &Tag, span: Span) -> SyntaxError {
    SyntaxError::at(
        span,
        format!(
            "unsupported tag {}; only !!str, !!int, !!float, !!bool, !!null, !!seq, !!map and ! are allowed",
            tag_text(tag)
        ),
    )
}

/// Types a scalar: the core schema for untagged plain scalars, the tag when there is one.
fn resolve_scalar(
    text: &str,
    style: TScalarStyle,
    tag: Option<&Tag>,
    span: Span,
) -> Result<Value, SyntaxError> {
    let Some(tag) = tag else {
        return Ok(if style == TScalarStyle::Plain {
            core_schema(text)
        } else {
            Value::String(text.to_owned())
        });
    };
    if tag.handle.is_empty() && tag.suffix == "!" {
        return Ok(Value::String(text.to_owned()));
    }
    if tag.handle != YAML_TAG_PREFIX {
        return Err(unsupported_tag(tag, span));
    }
    let value = match tag.suffix.as_str() {
        "str" => Some(Value::String(text.to_owned())),
        "null" => is_yaml_null(text).then_some(Value::Null),
        "bool" => yaml_bool(text).map(Value::Bool),
        "int" => is_yaml_int(text).then(|| Value::Number(text.to_owned())),
        "float" => {
            (is_yaml_int(text) || is_yaml_float(text)).then(|| Value::Number(text.to_owned()))
        }
        _ => return Err(unsupported_tag(tag, span)),
    };
    value.ok_or_else(|| SyntaxError::at(span, format!("{text:?} is not a valid {}", tag_text(tag))))
}

fn core_schema(text: &str) -> Value {
    if is_yaml_null(text) {
        Value::Null
    } else if let Some(b) = yaml_bool(text) {
        Value::Bool(b)
    } else if is_yaml_int(text) || is_yaml_float(text) {
        Value::Number(text.to_owned())
    } else {
        Value::String(text.to_owned())
    }
}

fn is_yaml_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn yaml_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn all_nonempty(s: &str, f: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(f)
}

/// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`
fn is_yaml_int(text: &str) -> bool {
    if let Some(octal) = text.strip_prefix("0o") {
        return all_nonempty(octal, |b| matches!(b, b'0'..=b'7'));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return all_nonempty(hex, |b| b.is_ascii_hexdigit());
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    all_nonempty(digits, |b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
fn is_yaml_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (unsigned.get(..at).unwrap_or(""), unsigned.get(at + 1..)),
        None => (unsigned, None),
    };
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if !all_nonempty(digits, |b| b.is_ascii_digit()) {
            return false;
        }
    }
    match mantissa.split_once('.') {
        Some(("", fraction)) => all_nonempty(fraction, |b| b.is_ascii_digit()),
        Some((whole, fraction)) => {
            all_nonempty(whole, |b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => all_nonempty(mantissa, |b| b.is_ascii_digit()),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

enum JsonFrame {
    Array {
        span: Span,
        items: Vec<Node>,
    },
    Object {
        span: Span,
        entries: Vec<Entry>,
        /// The key whose value is being parsed.
        key: Option<(String, Span)>,
        index: KeyIndex,
    },
}

impl JsonFrame {
    fn into_node(self) -> Node {
        match self {
            Self::Array { span, items } => Node::new(Value::Seq(items), span),
            Self::Object { span, entries, .. } => Node::new(Value::Map(entries), span),
        }
    }
}

/// An iterative JSON parser over bytes that tracks line and column.
struct JsonParser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    column: u32,
    limits: &'a Limits,
    nodes: usize,
}

impl<'a> JsonParser<'a> {
    fn new(text: &'a str, limits: &'a Limits) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            line: 1,
            column: 1,
            limits,
            nodes: 0,
        }
    }

    fn span(&self) -> Span {
        Span::new(self.line, self.column)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Moves past one byte (of any kind), keeping line and column.
    fn bump(&mut self) {
        let Some(byte) = self.peek() else { return };
        self.pos += 1;
        match byte {
            b'\n' => self.new_line(),
            // CR LF is one line break (counted at the LF); a lone CR is one too.
            b'\r' if self.peek() != Some(b'\n') => self.new_line(),
            b'\r' => {}
            _ if byte & 0xC0 != 0x80 => self.column = self.column.saturating_add(1),
            _ => {}
        }
    }

    fn new_line(&mut self) {
        self.line = self.line.saturating_add(1);
        self.column = 1;
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    /// Describes what is at the current position, for "found …" in messages.
    fn found(&self) -> String {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            None => "end of input".to_owned(),
            Some('\n' | '\r') => "a line break".to_owned(),
            Some('\t') => "a tab".to_owned(),
            Some(c) if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{feff}' => {
                format!("U+{:04X}", u32::from(c))
            }
            Some('\'') => "\"'\"".to_owned(),
            Some(c) => format!("'{c}'"),
        }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::at(self.span(), message)
    }

    fn expected(&self, what: &str) -> SyntaxError {
        self.error(format!("expected {what}, found {}", self.found()))
    }

    fn count(&mut self, span: Span) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(1);
        if self.nodes > self.limits.max_nodes {
            Err(SyntaxError::at(
                span,
                format!("document has more than {} nodes", self.limits.max_nodes),
            ))
        } else {
            Ok(())
        }
    }

    fn parse(mut self) -> Result<Node, SyntaxError> {
        let mut stack: Vec<JsonFrame> = Vec::new();
        'value: loop {
            self.skip_ws();
            let span = self.span();
            let mut node = match self.peek() {
                Some(open @ (b'[' | b'{')) => {
                    if stack.len() >= self.limits.max_depth {
                        return Err(too_deep(span, self.limits));
                    }
                    self.count(span)?;
                    self.bump();
                    self.skip_ws();
                    if open == b'[' {
                        if self.peek() == Some(b']') {
                            self.bump();
                            Node::new(Value::Seq(Vec::new()), span)
                        } else {
                            stack.push(JsonFrame::Array {
                                span,
                                items: Vec::new(),
                            });
                            continue 'value;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.bump();
                        Node::new(Value::Map(Vec::new()), span)
                    } else {
                        let mut index = KeyIndex::default();
                        let key = self.member_key(&[], &mut index, "a string key or '}'")?;
                        stack.push(JsonFrame::Object {
                            span,
                            entries: Vec::new(),
                            key: Some(key),
                            index,
                        });
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.count(span)?;
                    Node::new(Value::String(self.string()?), span)
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.count(span)?;
                    Node::new(Value::Number(self.number()?.to_owned()), span)
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    self.count(span)?;
                    Node::new(self.literal()?, span)
                }
                None => return Err(self.error("unexpected end of input, expected a value")),
                Some(_) => return Err(self.expected("a value")),
            };
            // Hand the finished node to the enclosing collections, closing those that end.
            loop {
                let Some(top) = stack.last_mut() else {
                    self.skip_ws();
                    if self.pos < self.bytes.len() {
                        return Err(self.expected("end of input after the JSON value"));
                    }
                    return Ok(node);
                };
                match top {
                    JsonFrame::Array { items, .. } => {
                        items.push(node);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.bump();
                                continue 'value;
                            }
                            Some(b']') => self.bump(),
                            _ => return Err(self.expected("',' or ']' after an array element")),
                        }
                    }
                    JsonFrame::Object {
                        entries,
                        key,
                        index,
                        ..
                    } => {
                        if let Some((key, key_span)) = key.take() {
                            entries.push(Entry {
                                key,
                                key_span,
                                value: node,
                            });
                        }
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.bump();
                                *key = Some(self.member_key(
                                    entries,
                                    index,
                                    "a string key after ','",
                                )?);
                                continue 'value;
                            }
                            Some(b'}') => self.bump(),
                            _ => return Err(self.expected("',' or '}' after an object member")),
                        }
                    }
                }
                let Some(frame) = stack.pop() else {
                    return Err(self.error("internal error: empty stack"));
                };
                node = frame.into_node();
            }
        }
    }

    /// Parses `"key" :` and checks the key is new.
    fn member_key(
        &mut self,
        entries: &[Entry],
        index: &mut KeyIndex,
        what: &str,
    ) -> Result<(String, Span), SyntaxError> {
        self.skip_ws();
        let span = self.span();
        if self.peek() != Some(b'"') {
            return Err(self.expected(what));
        }
        let key = self.string()?;
        index.check(entries, &key, span)?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.expected("':' after an object key"));
        }
        self.bump();
        Ok((key, span))
    }

    /// Parses a string; the current byte is the opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.span();
        self.bump();
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                // No line breaks here: only the column moves.
                self.pos += 1;
                if byte & 0xC0 != 0x80 {
                    self.column = self.column.saturating_add(1);
                }
            }
            // The run stops at an ASCII byte or the end, so it is whole characters.
            out.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.peek() {
                None => {
                    return Err(SyntaxError::at(
                        start,
                        "unterminated string (no closing '\"')",
                    ));
                }
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(b'\n' | b'\r') => {
                    return Err(self.error("line break in a string (write it as \\n)"));
                }
                Some(byte) => {
                    return Err(self.error(format!(
                        "control character U+{byte:04X} in a string (escape it as \\u{byte:04X})"
                    )));
                }
            }
        }
    }

    /// Parses an escape sequence; the current byte is the backslash.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        let span = self.span();
        self.bump();
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string (input ends in an escape sequence)"));
        };
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                self.bump();
                return self.unicode_escape(span);
            }
            _ => {
                let c = self
                    .text
                    .get(self.pos..)
                    .and_then(|rest| rest.chars().next())
                    .unwrap_or_default();
                let sequence = if c.is_control() || c.is_whitespace() {
                    format!("'\\' followed by U+{:04X}", u32::from(c))
                } else {
                    format!("'\\{c}'")
                };
                return Err(SyntaxError::at(
                    span,
                    format!(
                        "invalid escape sequence {sequence} (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
                    ),
                ));
            }
        };
        self.bump();
        Ok(c)
    }

    /// Parses the digits of `\uXXXX` (and a following low surrogate escape if needed).
    fn unicode_escape(&mut self, span: Span) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.peek() != Some(b'\\') || self.bytes.get(self.pos + 1) != Some(&b'u') {
                    return Err(SyntaxError::at(
                        span,
                        format!(
                            "lone surrogate \\u{first:04X} (a high surrogate must be followed by a \\uDC00-\\uDFFF escape)"
                        ),
                    ));
                }
                self.bump();
                self.bump();
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(SyntaxError::at(
                        span,
                        format!(
                            "lone surrogate \\u{first:04X} (followed by \\u{second:04X}, not a low surrogate)"
                        ),
                    ));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(SyntaxError::at(
                    span,
                    format!("lone surrogate \\u{first:04X} (a low surrogate without a high one)"),
                ));
            }
            _ => first,
        };
        char::from_u32(code)
            .ok_or_else(|| SyntaxError::at(span, format!("invalid code point U+{code:04X}")))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.expected("a hexadecimal digit in a \\u escape"))?;
            value = value * 16 + digit;
            self.bump();
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.bump();
        }
        self.pos - start
    }

    /// Parses a number per RFC 8259 and returns its text.
    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => {
                self.bump();
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("leading zeros are not allowed in numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.expected("a digit after '-'")),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if self.digits() == 0 {
                return Err(self.expected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.bump();
            if let Some(b'+' | b'-') = self.peek() {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(self.expected("a digit in the exponent"));
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default())
    }

    /// Parses `true`, `false` or `null`; the current byte is a letter.
    fn literal(&mut self) -> Result<Value, SyntaxError> {
        let span = self.span();
        let start = self.pos;
        while let Some(b) = self.peek() {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            self.bump();
        }
        let word = self.text.get(start..self.pos).unwrap_or_default();
        match word {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            "null" => Ok(Value::Null),
            _ => {
                let shown: String = word.chars().take(32).collect();
                let ellipsis = if shown.len() < word.len() { "…" } else { "" };
                Err(SyntaxError::at(
                    span,
                    format!(
                        "expected a value, found '{shown}{ellipsis}' (JSON literals are true, false and null; strings need double quotes)"
                    ),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn yaml(text: &str) -> Result<Node, SyntaxError> {
        parse(text, Format::Yaml, &Limits::default())
    }

    fn json(text: &str) -> Result<Node, SyntaxError> {
        parse(text, Format::Json, &Limits::default())
    }

    fn yaml_err(text: &str) -> String {
        yaml(text).unwrap_err().to_string()
    }

    fn json_err(text: &str) -> String {
        json(text).unwrap_err().to_string()
    }

    fn at(line: u32, column: u32) -> Span {
        Span::new(line, column)
    }

    /// Runs `f` on a thread with a 256 KiB stack: proves there is no input-driven recursion.
    fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    // --- spans -------------------------------------------------------------------------------

    #[test]
    fn yaml_spans_of_nested_keys_and_values() {
        let doc = yaml(
            "# policy\napplications:\n  - name: vim\n    vendr: x\n  - name: \"é\"\n    tags: [a, b]\n",
        )
        .unwrap();
        assert_eq!(doc.span, at(2, 1), "block mapping starts at its first key");
        let entry = &doc.as_map().unwrap()[0];
        assert_eq!(
            (entry.key.as_str(), entry.key_span),
            ("applications", at(2, 1))
        );
        let apps = entry.value.as_seq().unwrap();
        assert_eq!(entry.value.span, at(3, 3));
        assert_eq!(apps[0].span, at(3, 5));
        let first = apps[0].as_map().unwrap();
        assert_eq!(first[0].key_span, at(3, 5));
        assert_eq!(first[0].value.span, at(3, 11));
        assert_eq!(
            (first[1].key.as_str(), first[1].key_span),
            ("vendr", at(4, 5))
        );
        assert_eq!(first[1].value.span, at(4, 12));
        let second = apps[1].as_map().unwrap();
        assert_eq!(second[0].value.span, at(5, 11));
        assert_eq!(second[1].key_span, at(6, 5));
        let tags = second[1].value.as_seq().unwrap();
        assert_eq!(second[1].value.span, at(6, 11));
        assert_eq!((tags[0].span, tags[1].span), (at(6, 12), at(6, 15)));
    }

    #[test]
    fn yaml_columns_count_characters_and_skip_bom() {
        let doc = yaml("\u{feff}é: {ü: ß}\n").unwrap();
        let e = &doc.as_map().unwrap()[0];
        assert_eq!(e.key, "é");
        assert_eq!(e.key_span, at(1, 1));
        assert_eq!(e.value.span, at(1, 4));
        let inner = &e.value.as_map().unwrap()[0];
        assert_eq!((inner.key_span, inner.value.span), (at(1, 5), at(1, 8)));
    }

    #[test]
    fn yaml_empty_value_takes_key_span() {
        let doc = yaml("a:\nb: 1\n").unwrap();
        let a = &doc.as_map().unwrap()[0];
        assert_eq!(a.value, Node::new(Value::Null, at(1, 1)));
    }

    #[test]
    fn json_spans_of_nested_keys_and_values() {
        let doc = json("{\r\n  \"a\": [1, {\"é\": true}],\n\t\"b\" :null\n}").unwrap();
        assert_eq!(doc.span, at(1, 1));
        let m = doc.as_map().unwrap();
        assert_eq!((m[0].key_span, m[0].value.span), (at(2, 3), at(2, 8)));
        let items = m[0].value.as_seq().unwrap();
        assert_eq!((items[0].span, items[1].span), (at(2, 9), at(2, 12)));
        let inner = &items[1].as_map().unwrap()[0];
        assert_eq!((inner.key_span, inner.value.span), (at(2, 13), at(2, 18)));
        assert_eq!((m[1].key_span, m[1].value.span), (at(3, 2), at(3, 7)));
        let bom = json("\u{feff}[ 1]").unwrap();
        assert_eq!(bom.as_seq().unwrap()[0].span, at(1, 3));
        let cr = json("[\r1,\n\r\n2]").unwrap();
        let items = cr.as_seq().unwrap();
        assert_eq!((items[0].span, items[1].span), (at(2, 1), at(4, 1)));
    }

    // --- YAML scalars ------------------------------------------------------------------------

    #[test]
    fn yaml_scalar_typing_table() {
        let num = |s: &str| Value::Number(s.to_owned());
        let st = |s: &str| Value::String(s.to_owned());
        let table: Vec<(&str, Value)> = vec![
            ("", Value::Null),
            ("~", Value::Null),
            ("null", Value::Null),
            ("Null", Value::Null),
            ("NULL", Value::Null),
            ("nULL", st("nULL")),
            ("true", Value::Bool(true)),
            ("True", Value::Bool(true)),
            ("TRUE", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("False", Value::Bool(false)),
            ("FALSE", Value::Bool(false)),
            ("yes", st("yes")),
            ("no", st("no")),
            ("on", st("on")),
            ("off", st("off")),
            ("y", st("y")),
            ("12", num("12")),
            ("-3", num("-3")),
            ("+7", num("+7")),
            ("007", num("007")),
            ("0o17", num("0o17")),
            ("0o8", st("0o8")),
            ("0x1F", num("0x1F")),
            ("0xg", st("0xg")),
            ("-0x1", st("-0x1")),
            ("22.99", num("22.99")),
            ("1.", num("1.")),
            (".5", num(".5")),
            ("-.5e-3", num("-.5e-3")),
            ("1e5", num("1e5")),
            ("1E+5", num("1E+5")),
            ("1e", st("1e")),
            ("e5", st("e5")),
            (".", st(".")),
            (".inf", num(".inf")),
            ("-.Inf", num("-.Inf")),
            ("+.INF", num("+.INF")),
            (".nan", num(".nan")),
            (".NaN", num(".NaN")),
            ("-.nan", st("-.nan")),
            ("1_000", st("1_000")),
            ("0b101", st("0b101")),
            ("2026-11-24T08:00:00Z", st("2026-11-24T08:00:00Z")),
            ("2026-11-24", st("2026-11-24")),
            ("22:00", st("22:00")),
            ("1h30m", st("1h30m")),
            ("1.2.3", st("1.2.3")),
            ("hello world", st("hello world")),
            ("\"12\"", st("12")),
            ("'true'", st("true")),
            ("\"\"", st("")),
            ("'null'", st("null")),
            ("|\n  12\n", st("12\n")),
            (">-\n  true\n", st("true")),
            ("!!str 12", st("12")),
            ("!!str", st("")),
            ("! 12", st("12")),
            ("!!int \"12\"", num("12")),
            ("!!int 0x1F", num("0x1F")),
            ("!!float 3", num("3")),
            ("!!float '.5'", num(".5")),
            ("!!bool 'true'", Value::Bool(true)),
            ("!!null ''", Value::Null),
            ("!!null ~", Value::Null),
        ];
        for (text, want) in table {
            let got = yaml(&format!("v: {text}"))
                .unwrap_or_else(|e| panic!("{text:?}: {e}"))
                .get("v")
                .unwrap()
                .value
                .clone();
            assert_eq!(got, want, "scalar {text:?}");
        }
        // The root can be a scalar too.
        assert_eq!(yaml("42").unwrap().value, num("42"));
        assert_eq!(yaml("'x'").unwrap().value, st("x"));
    }

    #[test]
    fn yaml_tags() {
        assert_eq!(
            yaml_err("v: !!int abc"),
            "line 1, column 10: \"abc\" is not a valid !!int"
        );
        assert_eq!(
            yaml_err("v: !!bool yes"),
            "line 1, column 11: \"yes\" is not a valid !!bool"
        );
        assert_eq!(
            yaml_err("v: !!null 0"),
            "line 1, column 11: \"0\" is not a valid !!null"
        );
        assert_eq!(
            yaml_err("v: !!float x"),
            "line 1, column 12: \"x\" is not a valid !!float"
        );
        for (text, tag) in [
            ("v: !foo x", "!foo"),
            ("v: !!binary aGk=", "!!binary"),
            ("v: !!timestamp 2001-12-14", "!!timestamp"),
            ("v: !!map [a]", "!!map"),
            ("v: !!seq {a: 1}", "!!seq"),
            ("v: !!set {a}", "!!set"),
            ("v: !<tag:example.com,2000:x> 1", "tag:example.com,2000:x"),
        ] {
            let err = yaml_err(text);
            assert!(
                err.contains(&format!("unsupported tag {tag};")),
                "{text}: {err}"
            );
        }
        let ok = yaml("a: !!map {b: !!seq [1]}\nc: ! {d: ! [2]}").unwrap();
        assert_eq!(ok.to_json(), json!({"a": {"b": [1]}, "c": {"d": [2]}}));
    }

    #[test]
    fn yaml_keys() {
        let doc = yaml("1: a\ntrue: b\n~: c\n\"q\": d\n? e\n: f\n").unwrap();
        let keys: Vec<&str> = doc
            .as_map()
            .unwrap()
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["1", "true", "~", "q", "e"]);
        assert_eq!(
            yaml_err("? [a]\n: 1\n"),
            "line 1, column 3: a mapping key must be a scalar, found a list"
        );
        assert_eq!(
            yaml_err("{a: 1, {b: 2}: 3}"),
            "line 1, column 8: a mapping key must be a scalar, found a mapping"
        );
        assert_eq!(
            yaml_err("x: &m {a: 1}\n*m : 2\n"),
            "line 2, column 1: a mapping key must be a scalar, found a mapping"
        );
        // Merge keys are plain keys.
        let merge = yaml("base: &b {x: 1}\nthing:\n  <<: *b\n").unwrap();
        assert_eq!(
            merge.to_json(),
            json!({"base": {"x": 1}, "thing": {"<<": {"x": 1}}})
        );
    }

    // --- duplicates --------------------------------------------------------------------------

    #[test]
    fn duplicate_keys() {
        assert_eq!(
            yaml_err("a: 1\nb:\n  c: 1\n  c: 2\n"),
            "line 4, column 3: duplicate key \"c\" (first at line 3)"
        );
        assert_eq!(
            yaml_err("{a: 1, \"a\": 2}"),
            "line 1, column 8: duplicate key \"a\" (first at line 1)"
        );
        assert_eq!(
            yaml_err("1: x\n\"1\": y\n"),
            "line 2, column 1: duplicate key \"1\" (first at line 1)"
        );
        assert_eq!(
            json_err("{\"a\": 1,\n \"a\": 2}"),
            "line 2, column 2: duplicate key \"a\" (first at line 1)"
        );
        assert_eq!(
            json_err("{\"\\u0061\": 1, \"a\": 2}"),
            "line 1, column 15: duplicate key \"a\" (first at line 1)"
        );
        // Past the linear-scan threshold the index takes over.
        let many: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(yaml(&many).is_ok());
        let err = yaml_err(&format!("{many}k3: again\n"));
        assert_eq!(
            err,
            "line 41, column 1: duplicate key \"k3\" (first at line 4)"
        );
        let obj: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let obj = obj.join(",\n");
        assert!(json(&format!("{{{obj}}}")).is_ok());
        let err = json_err(&format!("{{{obj},\n\"k39\": 0}}"));
        assert_eq!(
            err,
            "line 41, column 1: duplicate key \"k39\" (first at line 40)"
        );
        // Same key in different mappings is fine.
        assert!(yaml("a: {x: 1}\nb: {x: 2}").is_ok());
    }

    // --- anchors and aliases -----------------------------------------------------------------

    #[test]
    fn aliases_are_copied() {
        let doc = yaml("d: &d\n  x: 1\n  y: [a]\nu: *d\nk: &k name\n*k : v\n").unwrap();
        assert_eq!(
            doc.to_json(),
            json!({"d": {"x": 1, "y": ["a"]}, "u": {"x": 1, "y": ["a"]}, "k": "name", "name": "v"})
        );
        let u = doc.get("u").unwrap();
        assert_eq!(u.span, at(4, 4), "the copy's root is at the alias");
        assert_eq!(
            u.get("x").unwrap().span,
            at(2, 6),
            "inner nodes keep their text's span"
        );
        assert_eq!(
            yaml_err("a: *nope"),
            "line 1, column 4: while parsing node, found unknown anchor"
        );
        assert_eq!(
            yaml_err("a: &r [1, *r]"),
            "line 1, column 11: alias to an anchor whose node is not finished (recursive aliases are not supported)"
        );
        // Redefining an anchor is allowed; later aliases see the new node.
        let re = yaml("a: &x 1\nb: *x\nc: &x 2\nd: *x\n").unwrap();
        assert_eq!(re.to_json(), json!({"a": 1, "b": 1, "c": 2, "d": 2}));
    }

    #[test]
    fn billion_laughs_fails_fast() {
        let mut doc = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..=12 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            doc.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let start = Instant::now();
        let err = yaml_err(&doc);
        assert!(
            err.ends_with("aliases expand to more than 1000000 nodes (a YAML alias bomb?)"),
            "{err}"
        );
        assert!(start.elapsed() < Duration::from_secs(20));
        // Without the alias limit, the node limit still stops it.
        let no_alias_limit = Limits {
            max_alias_nodes: usize::MAX,
            ..Limits::default()
        };
        let err = parse(&doc, Format::Yaml, &no_alias_limit).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("document expands to more than 20000000 nodes"),
            "{err}"
        );
        let small = Limits {
            max_nodes: 1000,
            ..Limits::default()
        };
        let err = parse(&doc, Format::Yaml, &small).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3, column 40: document expands to more than 1000 nodes"
        );
    }

    #[test]
    fn alias_copies_respect_depth() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        let base = "a: &a [[[1]]]\n";
        assert!(parse(&format!("{base}b: *a"), Format::Yaml, &limits).is_ok());
        let err = parse(&format!("{base}b: [*a]"), Format::Yaml, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 2, column 5: alias expands to nesting deeper than 4 levels"
        );
    }

    // --- documents ---------------------------------------------------------------------------

    #[test]
    fn yaml_documents() {
        assert_eq!(
            yaml_err("a: 1\n---\nb: 2\n"),
            "line 2, column 1: expected one YAML document, found a second one"
        );
        assert_eq!(
            yaml_err("a: 1\n...\nb: 2\n"),
            "line 3, column 1: expected one YAML document, found a second one"
        );
        assert_eq!(
            yaml_err("--- a\n---\n"),
            "line 2, column 1: expected one YAML document, found a second one"
        );
        for empty in [
            "",
            "\n\n",
            "# only a comment\n",
            "---\n",
            "---\n...\n",
            "\u{feff}",
        ] {
            assert_eq!(yaml(empty).unwrap().value, Value::Null, "{empty:?}");
        }
        assert_eq!(yaml("---\na: 1\n...\n").unwrap().to_json(), json!({"a": 1}));
        assert_eq!(
            yaml("%YAML 1.2\n---\na: 1\n").unwrap().to_json(),
            json!({"a": 1})
        );
    }

    // --- limits ------------------------------------------------------------------------------

    #[test]
    fn depth_limit_exact() {
        for (open, close, format) in [
            ("[", "]", Format::Json),
            ("{\"a\":", "}", Format::Json),
            ("[", "]", Format::Yaml),
            ("{a: ", "}", Format::Yaml),
        ] {
            let doc = |n: usize| format!("{}1{}", open.repeat(n), close.repeat(n));
            assert!(
                parse(&doc(128), format, &Limits::default()).is_ok(),
                "{open}"
            );
            let err = parse(&doc(129), format, &Limits::default()).unwrap_err();
            let column = u32::try_from(128 * open.chars().count() + 1).unwrap();
            assert_eq!(err.span, Some(at(1, column)), "{open} {format}");
            assert_eq!(err.message, "nesting deeper than 128 levels");
        }
        let block = |n: usize| {
            (0..n)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>()
        };
        assert!(yaml(&block(128)).is_ok());
        assert_eq!(
            yaml_err(&block(129)),
            "line 129, column 129: nesting deeper than 128 levels"
        );
    }

    #[test]
    fn deep_nesting_is_refused_quickly_without_recursion() {
        small_stack(|| {
            let n = 10_000;
            let start = Instant::now();
            let cases = [
                ("[".repeat(n), Format::Json),
                ("{\"a\":".repeat(n), Format::Json),
                (format!("{}1{}", "[".repeat(n), "]".repeat(n)), Format::Json),
                ("[".repeat(n), Format::Yaml),
                ("{a: ".repeat(n), Format::Yaml),
                (format!("{}1{}", "[".repeat(n), "]".repeat(n)), Format::Yaml),
                ("- ".repeat(n), Format::Yaml),
                (
                    (0..3000)
                        .map(|i| format!("{}a:\n", " ".repeat(i)))
                        .collect(),
                    Format::Yaml,
                ),
                (format!("{}\n", "? ".repeat(n)), Format::Yaml),
            ];
            for (text, format) in &cases {
                let err = parse(text, *format, &Limits::default()).unwrap_err();
                assert!(
                    err.message.contains("deeper than")
                        || err.message.contains("recursion limit")
                        || err.message.contains("a mapping key must be a scalar"),
                    "{format}: {err}"
                );
            }
            // With a generous depth limit, only yaml-rust2's own flow limit (255) remains.
            let unlimited = Limits {
                max_depth: usize::MAX,
                ..Limits::default()
            };
            let err = parse(&"[".repeat(n), Format::Yaml, &unlimited).unwrap_err();
            assert_eq!(
                err.to_string(),
                "line 1, column 256: nesting deeper than the YAML parser allows (recursion limit exceeded)"
            );
            assert!(start.elapsed() < Duration::from_secs(20));
        });
    }

    #[test]
    fn size_and_node_limits() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        for format in [Format::Yaml, Format::Json] {
            assert!(parse("[1, 2, 33]", format, &limits).is_ok());
            let err = parse("[1, 2, 333]", format, &limits).unwrap_err();
            assert_eq!(err.span, None);
            assert_eq!(
                err.to_string(),
                "the document is 11 bytes long, more than the limit of 10 bytes"
            );
        }
        let limits = Limits {
            max_nodes: 3,
            ..Limits::default()
        };
        assert!(parse("[1, 2]", Format::Json, &limits).is_ok());
        assert!(parse("{\"a\": 1, \"b\": 2}", Format::Json, &limits).is_ok());
        let err = parse("[1, 2, 3]", Format::Json, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 8: document has more than 3 nodes"
        );
        assert!(parse("[1, 2]", Format::Yaml, &limits).is_ok());
        assert!(parse("{a: 1, b: 2}", Format::Yaml, &limits).is_ok());
        let err = parse("[1, 2, 3]", Format::Yaml, &limits).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1, column 8: document expands to more than 3 nodes"
        );
    }

    // --- JSON --------------------------------------------------------------------------------

    #[test]
    fn json_strings_and_escapes() {
        let s = |text: &str| json(text).unwrap().as_str().unwrap().to_owned();
        assert_eq!(
            s(r#""a\"b\\c\/d\be\ff\ng\rh\ti""#),
            "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti"
        );
        assert_eq!(s(r#""\u0041\u00e9\u20AC\uFFFF""#), "Aé€\u{ffff}");
        assert_eq!(s(r#""\uD83D\uDE00 \ud834\udd1e""#), "😀 𝄞");
        assert_eq!(s("\"é😀 raw\""), "é😀 raw");
        assert_eq!(s(r#""\u0000""#), "\0");
        assert_eq!(s("\"\u{7f}\""), "\u{7f}");
        let cases = [
            (
                r#""\uD83D""#,
                "line 1, column 2: lone surrogate \\uD83D (a high surrogate must be followed by a \\uDC00-\\uDFFF escape)",
            ),
            (
                r#""\uD83Dx""#,
                "line 1, column 2: lone surrogate \\uD83D (a high surrogate must be followed by a \\uDC00-\\uDFFF escape)",
            ),
            (
                r#""\uD83D\n""#,
                "line 1, column 2: lone surrogate \\uD83D (a high surrogate must be followed by a \\uDC00-\\uDFFF escape)",
            ),
            (
                r#""\uD83D\u0041""#,
                "line 1, column 2: lone surrogate \\uD83D (followed by \\u0041, not a low surrogate)",
            ),
            (
                r#""\uD83D\uD83D""#,
                "line 1, column 2: lone surrogate \\uD83D (followed by \\uD83D, not a low surrogate)",
            ),
            (
                r#""ab\uDE00""#,
                "line 1, column 4: lone surrogate \\uDE00 (a low surrogate without a high one)",
            ),
            (
                r#""\u12G4""#,
                "line 1, column 6: expected a hexadecimal digit in a \\u escape, found 'G'",
            ),
            (
                r#""\u12"#,
                "line 1, column 6: expected a hexadecimal digit in a \\u escape, found end of input",
            ),
            (
                r#""\x41""#,
                "line 1, column 2: invalid escape sequence '\\x' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
            ),
            (
                r#""\'""#,
                "line 1, column 2: invalid escape sequence '\\\'' (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
            ),
            (
                "\"\\ \"",
                "line 1, column 2: invalid escape sequence '\\' followed by U+0020 (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
            ),
            (
                "\"ab",
                "line 1, column 1: unterminated string (no closing '\"')",
            ),
            (
                "\"ab\\",
                "line 1, column 5: unterminated string (input ends in an escape sequence)",
            ),
            (
                "\"a\nb\"",
                "line 1, column 3: line break in a string (write it as \\n)",
            ),
            (
                "\"a\tb\"",
                "line 1, column 3: control character U+0009 in a string (escape it as \\u0009)",
            ),
            ("'a'", "line 1, column 1: expected a value, found \"'\""),
        ];
        for (text, want) in cases {
            assert_eq!(json_err(text), want, "{text}");
        }
    }

    #[test]
    fn json_number_grammar() {
        for ok in [
            "0",
            "-0",
            "1",
            "-1",
            "10",
            "0.5",
            "-0.0",
            "1e5",
            "1E5",
            "1e+5",
            "1e-5",
            "1.5e10",
            "12345678901234567890123",
            "1e999",
            "-9223372036854775808",
            "18446744073709551615",
        ] {
            assert_eq!(
                json(ok).unwrap().value,
                Value::Number(ok.to_owned()),
                "{ok}"
            );
            assert_eq!(json(&format!("[{ok}]")).unwrap().as_seq().unwrap().len(), 1);
        }
        let cases = [
            (
                "01",
                "line 1, column 2: leading zeros are not allowed in numbers",
            ),
            (
                "-01",
                "line 1, column 3: leading zeros are not allowed in numbers",
            ),
            (
                "00",
                "line 1, column 2: leading zeros are not allowed in numbers",
            ),
            (
                "-",
                "line 1, column 2: expected a digit after '-', found end of input",
            ),
            (
                "-a",
                "line 1, column 2: expected a digit after '-', found 'a'",
            ),
            (
                "- 1",
                "line 1, column 2: expected a digit after '-', found ' '",
            ),
            (
                "1.",
                "line 1, column 3: expected a digit after the decimal point, found end of input",
            ),
            (
                "1.e5",
                "line 1, column 3: expected a digit after the decimal point, found 'e'",
            ),
            (
                "1e",
                "line 1, column 3: expected a digit in the exponent, found end of input",
            ),
            (
                "1e+",
                "line 1, column 4: expected a digit in the exponent, found end of input",
            ),
            (".5", "line 1, column 1: expected a value, found '.'"),
            ("+1", "line 1, column 1: expected a value, found '+'"),
            (
                "0x10",
                "line 1, column 2: expected end of input after the JSON value, found 'x'",
            ),
            (
                "1 2",
                "line 1, column 3: expected end of input after the JSON value, found '2'",
            ),
            (
                "[1.5.2]",
                "line 1, column 5: expected ',' or ']' after an array element, found '.'",
            ),
            (
                "NaN",
                "line 1, column 1: expected a value, found 'NaN' (JSON literals are true, false and null; strings need double quotes)",
            ),
            (
                "-Infinity",
                "line 1, column 2: expected a digit after '-', found 'I'",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(json_err(text), want, "{text}");
        }
    }

    #[test]
    fn json_error_messages() {
        let cases = [
            (
                "",
                "line 1, column 1: unexpected end of input, expected a value",
            ),
            (
                "  \n ",
                "line 2, column 2: unexpected end of input, expected a value",
            ),
            (
                "{",
                "line 1, column 2: expected a string key or '}', found end of input",
            ),
            (
                "{a: 1}",
                "line 1, column 2: expected a string key or '}', found 'a'",
            ),
            (
                "{\"a\" 1}",
                "line 1, column 6: expected ':' after an object key, found '1'",
            ),
            (
                "{\"a\": 1,}",
                "line 1, column 9: expected a string key after ',', found '}'",
            ),
            (
                "{\"a\": 1 \"b\": 2}",
                "line 1, column 9: expected ',' or '}' after an object member, found '\"'",
            ),
            ("{\"a\": }", "line 1, column 7: expected a value, found '}'"),
            ("[1,]", "line 1, column 4: expected a value, found ']'"),
            (
                "[1 2]",
                "line 1, column 4: expected ',' or ']' after an array element, found '2'",
            ),
            (
                "[1",
                "line 1, column 3: expected ',' or ']' after an array element, found end of input",
            ),
            (
                "[",
                "line 1, column 2: unexpected end of input, expected a value",
            ),
            ("]", "line 1, column 1: expected a value, found ']'"),
            (
                "tru",
                "line 1, column 1: expected a value, found 'tru' (JSON literals are true, false and null; strings need double quotes)",
            ),
            (
                "True",
                "line 1, column 1: expected a value, found 'True' (JSON literals are true, false and null; strings need double quotes)",
            ),
            (
                "nulls",
                "line 1, column 1: expected a value, found 'nulls' (JSON literals are true, false and null; strings need double quotes)",
            ),
            (
                "{} {}",
                "line 1, column 4: expected end of input after the JSON value, found '{'",
            ),
            (
                "[1] // c",
                "line 1, column 5: expected end of input after the JSON value, found '/'",
            ),
            (
                "[\u{a0}1]",
                "line 1, column 2: expected a value, found U+00A0",
            ),
            (
                "\u{feff}\u{feff}1",
                "line 1, column 1: expected a value, found U+FEFF",
            ),
            (
                "[-\n1]",
                "line 1, column 3: expected a digit after '-', found a line break",
            ),
            (
                "[\u{0}]",
                "line 1, column 2: expected a value, found U+0000",
            ),
            ("[é, 1]", "line 1, column 2: expected a value, found 'é'"),
            (
                "[\"é\" 1]",
                "line 1, column 6: expected ',' or ']' after an array element, found '1'",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(json_err(text), want, "{text:?}");
        }
        let long = format!("[{}]", "x".repeat(100));
        assert!(json_err(&long).contains(&format!("found '{}…'", "x".repeat(32))));
        assert_eq!(json(" true ").unwrap().value, Value::Bool(true));
        assert_eq!(json("null").unwrap().value, Value::Null);
        assert_eq!(json("[false]").unwrap().to_json(), json!([false]));
    }

    #[test]
    fn yaml_error_messages() {
        assert_eq!(
            yaml_err("a: [1"),
            "line 2, column 1: while parsing a flow sequence, expected ',' or ']'"
        );
        assert_eq!(
            yaml_err("a: 1\n b: 2"),
            "line 2, column 3: mapping values are not allowed in this context"
        );
        assert_eq!(
            yaml_err("a: \"x"),
            "line 1, column 4: while scanning a quoted scalar, found unexpected end of stream"
        );
        assert_eq!(
            yaml_err("a: b: c"),
            "line 1, column 5: mapping values are not allowed in this context"
        );
        assert_eq!(
            yaml_err("a:\n\t- b"),
            "line 2, column 2: tabs disallowed within this context (block indentation)"
        );
    }

    // --- conversions -------------------------------------------------------------------------

    #[test]
    fn to_json_numbers() {
        let conv = |raw: &str| Value::Number(raw.to_owned()).to_json();
        assert_eq!(conv("12"), json!(12));
        assert_eq!(conv("-3"), json!(-3));
        assert_eq!(conv("+7"), json!(7));
        assert_eq!(conv("007"), json!(7));
        assert_eq!(conv("22.99"), json!(22.99));
        assert_eq!(conv("1e5"), json!(100_000.0));
        assert_eq!(conv("1."), json!(1.0));
        assert_eq!(conv("-.5"), json!(-0.5));
        assert_eq!(conv("0x1F"), json!(31));
        assert_eq!(conv("0o17"), json!(15));
        assert_eq!(conv("18446744073709551615"), json!(u64::MAX));
        assert_eq!(conv("-9223372036854775808"), json!(i64::MIN));
        assert_eq!(
            conv("18446744073709551616"),
            json!(18_446_744_073_709_551_616.0)
        );
        assert_eq!(
            conv("-0"),
            serde_json::from_str::<serde_json::Value>("-0").unwrap()
        );
        assert_eq!(conv("0x10000000000000000"), json!("0x10000000000000000"));
        assert_eq!(conv(".inf"), json!(".inf"));
        assert_eq!(conv(".nan"), json!(".nan"));
        assert_eq!(conv("1e999"), json!("1e999"));
        assert_eq!(conv("abc"), json!("abc"));
        assert_eq!(conv("inf"), json!("inf"));
        assert_eq!(conv(""), json!(""));
    }

    #[test]
    fn json_conversions_round_trip() {
        let value = json!({"a": [1, -2, 2.5, "s", null, true, {"b": []}], "c": {}});
        let node = Node::from_json(&value);
        assert_eq!(node.to_json(), value);
        assert_eq!(node.get("a").unwrap().kind_name(), "a list");
        assert_eq!(node.get("c").unwrap().kind_name(), "a mapping");
        let parsed = json(&value.to_string()).unwrap();
        assert_eq!(parsed.to_json(), value);
        let kinds: Vec<&str> = parsed
            .get("a")
            .unwrap()
            .as_seq()
            .unwrap()
            .iter()
            .map(Node::kind_name)
            .collect();
        assert_eq!(
            kinds,
            [
                "a number",
                "a number",
                "a number",
                "a string",
                "null",
                "a boolean",
                "a mapping"
            ]
        );
    }

    #[test]
    fn format_from_path() {
        for (path, want) in [
            ("a.yaml", Some(Format::Yaml)),
            ("a.YML", Some(Format::Yaml)),
            ("dir.json/a.json", Some(Format::Json)),
            ("a.json.bak", None),
            ("yaml", None),
            (".yaml", None),
        ] {
            assert_eq!(Format::from_path(Path::new(path)), want, "{path}");
        }
    }

    // --- robustness --------------------------------------------------------------------------

    const SAMPLE_YAML: &str = "\
# sample
applications:
  - name: vim
    vendor: \"Bram\"
    versions: [1, 2.5, '3']
    anchors: &a {x: [1, {y: z}], w: ~}
    copy: *a
  - name: >-
      folded
      text
    block: |
      line
    tagged: !!str 12
? complex
: value
---
second: doc
";

    const SAMPLE_JSON: &str = r#"{"applications": [{"name": "vim", "v": [1, 2.5e3, -0.1, true, null],
 "s": "\u00e9\ud83d\ude00\n", "o": {"k": {}}, "e": []}], "n": -0}"#;

    /// xorshift64*: a tiny deterministic generator for mutation tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % (n as u64)).unwrap()
        }
    }

    const INTERESTING: &[char] = &[
        '[', ']', '{', '}', ':', ',', '-', '?', '&', '*', '!', '|', '>', '\'', '"', '#', '%', '@',
        '`', ' ', '\n', '\t', '\r', '\\', '.', 'a', '0', 'é', '\u{feff}', '\u{0}', '~',
    ];

    fn mutate(rng: &mut Rng, base: &str) -> String {
        let mut chars: Vec<char> = base.chars().collect();
        for _ in 0..=rng.below(4) {
            let pos = rng.below(chars.len() + 1);
            let c = INTERESTING[rng.below(INTERESTING.len())];
            match rng.below(4) {
                0 => chars.insert(pos, c),
                1 if pos < chars.len() => {
                    chars.remove(pos);
                }
                2 if pos < chars.len() => chars[pos] = c,
                _ => {
                    let end = (pos + rng.below(8)).min(chars.len());
                    let piece: Vec<char> = chars[pos..end].to_vec();
                    let at = rng.below(chars.len() + 1);
                    chars.splice(at..at, piece);
                }
            }
        }
        chars.into_iter().collect()
    }

    #[test]
    fn mutated_documents_never_panic_or_hang() {
        small_stack(|| {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
            let start = Instant::now();
            for i in 0..3000 {
                for base in [SAMPLE_YAML, SAMPLE_JSON] {
                    let text = mutate(&mut rng, base);
                    let one = Instant::now();
                    check_no_internal_error(&text);
                    assert!(
                        one.elapsed() < Duration::from_secs(2),
                        "slow on {i}: {text:?}"
                    );
                }
            }
            assert!(start.elapsed() < Duration::from_secs(120));
        });
    }

    /// Parses `text` in both formats; the builders' consistency checks must never fire.
    fn check_no_internal_error(text: &str) {
        for format in [Format::Yaml, Format::Json] {
            if let Err(e) = parse(text, format, &Limits::default()) {
                assert!(
                    !e.message.contains("internal error"),
                    "{format} {text:?}: {e}"
                );
            }
        }
    }

    #[test]
    fn yaml_parser_is_not_read_past_an_error() {
        // yaml-rust2 emits inconsistent events if asked for more after an error.
        for (text, want) in [
            (
                "*b: : k2",
                "line 1, column 1: while parsing node, found unknown anchor",
            ),
            (
                "? ,",
                "line 1, column 3: while parsing a node, did not find expected node content",
            ),
            (
                "{*a} : x",
                "line 1, column 2: while parsing node, found unknown anchor",
            ),
        ] {
            assert_eq!(yaml_err(text), want, "{text}");
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            ".*".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(6, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::btree_map(".*", inner, 0..8)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(text in ".*") {
            check_no_internal_error(&text);
        }

        #[test]
        fn syntax_soup_never_panics(text in "[\\[\\]{}:,?&*!|>'\"#%@` \n\t\ra0.~é\\\\-]{0,80}") {
            check_no_internal_error(&text);
        }

        #[test]
        fn serde_json_output_parses_to_an_equal_tree(value in arb_json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let node = parse(&text, Format::Json, &Limits::default()).unwrap();
            prop_assert_eq!(node.to_json(), value.clone());
            prop_assert_eq!(Node::from_json(&value).to_json(), value);
        }

        #[test]
        fn serde_json_output_is_also_yaml(value in arb_json(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let node = parse(&text, Format::Yaml, &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(node.to_json(), value);
        }
    }
}
