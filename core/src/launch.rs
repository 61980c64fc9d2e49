//! Launch facts: what the host knows about one attempt to run something elevated
//! (policy.md §2).
//!
//! Only `path` is required; a field that is `null` is the same as an absent one; unknown keys
//! are an error. [`Launch::from_json`] parses and checks a launch; [`Launch::check`] checks one
//! built in code. Hex digests compare case-insensitively and CLSIDs with or without braces.

use serde::{Deserialize, Deserializer, Serialize};

/// One process launch to decide on.
///
/// ```
/// use jitaccess::Launch;
/// let launch = Launch::from_json(r#"{
///     "user": { "name": "CORP\\alice", "groups": ["CORP\\IT Admins"] },
///     "path": "C:\\Tools\\procmon64.exe"
/// }"#).unwrap();
/// assert_eq!(launch.user.unwrap().groups, ["CORP\\IT Admins"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Launch {
    /// The user who starts the process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The computer it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer: Option<Computer>,
    /// Full path of the executable, as the host sees it (normalized before matching).
    pub path: String,
    /// SHA-256 of the file, 64 hex digits in either case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The Authenticode (or other code-signing) signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// Version resource strings of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionInfo>,
    /// The COM class being elevated (for CLSID rules), braces optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clsid: Option<String>,
    /// The full command line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_line: Option<String>,
}

/// The user of a launch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    /// Account name, e.g. `CORP\alice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Security identifier, e.g. `S-1-5-21-…-1104`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Names of the groups the user belongs to.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<String>,
}

/// The computer of a launch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Computer {
    /// Computer name, e.g. `IT-LAPTOP-07`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Tags the management system attached to the computer.
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<String>,
}

/// The code-signing signer of the file.
///
/// `publisher` and `thumbprint` only count when `valid` is true: a vendor is a verified signer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signer {
    /// Publisher name (the certificate subject's O, else CN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// SHA-256 of the leaf certificate (DER), 64 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint: Option<String>,
    /// True only when the signature, the file digest and the chain to a trusted root all check.
    #[serde(default, deserialize_with = "null_as_false")]
    pub valid: bool,
    /// The issuer of the leaf certificate (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Whether the signature over the file is intact, whatever the chain (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_intact: Option<bool>,
    /// Start of the leaf certificate's validity, RFC 3339 (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// End of the leaf certificate's validity, RFC 3339 (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
}

/// Version resource (VERSIONINFO) strings of the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VersionInfo {
    /// ProductName.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_name: Option<String>,
    /// OriginalFilename.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_file_name: Option<String>,
    /// FileVersion, dotted numbers (anything after the numbers is ignored when comparing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_version: Option<String>,
    /// CompanyName (informational: vendor rules use the verified signer instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// FileDescription (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_description: Option<String>,
    /// InternalName (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_name: Option<String>,
    /// ProductVersion (informational).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_version: Option<String>,
}

fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

fn null_as_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(false))
}

/// A launch that is not well formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The JSON text is not a launch object.
    #[error("launch: {0}")]
    Json(String),
    /// A field has a malformed value.
    #[error("launch.{field}: {message}")]
    Field {
        /// The field's path, e.g. `signer.thumbprint`.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl Launch {
    /// Parses a launch from JSON and checks it.
    ///
    /// ```
    /// use jitaccess::Launch;
    /// assert!(Launch::from_json(r#"{"path": "C:\\x.exe", "colour": 1}"#).is_err());
    /// assert!(Launch::from_json(r#"{"path": "C:\\x.exe", "sha256": "abc"}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Launch, LaunchError> {
        let launch: Launch =
            serde_json::from_str(text).map_err(|e| LaunchError::Json(e.to_string()))?;
        launch.check()?;
        Ok(launch)
    }

    /// Builds a launch from a JSON value and checks it.
    pub fn from_value(value: serde_json::Value) -> Result<Launch, LaunchError> {
        let launch: Launch =
            serde_json::from_value(value).map_err(|e| LaunchError::Json(e.to_string()))?;
        launch.check()?;
        Ok(launch)
    }

    /// Checks that the launch is well formed: a non-empty path, hex digests of 64 digits, a
    /// GUID-shaped CLSID. [`crate::CompiledPolicy::evaluate`] runs the same checks.
    pub fn check(&self) -> Result<(), LaunchError> {
        self.facts().map(|_| ())
    }

    /// The launch as a [`LaunchRef`]: the fields the matcher reads, borrowed (no copy).
    ///
    /// ```
    /// use jitaccess::Launch;
    /// let launch = Launch::from_json(r#"{"path": "C:\\x.exe", "user": {"groups": ["g"]}}"#).unwrap();
    /// let view = launch.view();
    /// assert_eq!(view.path, "C:\\x.exe");
    /// assert_eq!(view.user.unwrap().groups.iter().collect::<Vec<_>>(), ["g"]);
    /// ```
    pub fn view(&self) -> LaunchRef<'_> {
        LaunchRef {
            user: self.user.as_ref().map(|u| UserRef {
                name: u.name.as_deref(),
                sid: u.sid.as_deref(),
                groups: StrList::Owned(&u.groups),
            }),
            computer: self.computer.as_ref().map(|c| ComputerRef {
                name: c.name.as_deref(),
                tags: StrList::Owned(&c.tags),
            }),
            path: &self.path,
            sha256: self.sha256.as_deref(),
            signer: self.signer.as_ref().map(|s| SignerRef {
                publisher: s.publisher.as_deref(),
                thumbprint: s.thumbprint.as_deref(),
                valid: s.valid,
            }),
            version: self.version.as_ref().map(|v| VersionRef {
                product_name: v.product_name.as_deref(),
                original_file_name: v.original_file_name.as_deref(),
                file_version: v.file_version.as_deref(),
            }),
            clsid: self.clsid.as_deref(),
            command_line: self.command_line.as_deref(),
        }
    }

    pub(crate) fn facts(&self) -> Result<Facts, LaunchError> {
        facts(self)
    }
}

/// The launch fields the matcher reads, from a [`Launch`] or a [`LaunchRef`]: the matcher is
/// generic over it, so neither form pays for a conversion (the small views below are built
/// inline, and only the fields used are read).
pub(crate) trait LaunchFields {
    /// The path.
    fn path(&self) -> &str;
    /// The user, if any.
    fn user(&self) -> Option<UserRef<'_>>;
    /// The computer, if any.
    fn computer(&self) -> Option<ComputerRef<'_>>;
    /// The file's SHA-256 text.
    fn sha256(&self) -> Option<&str>;
    /// The signer, if any.
    fn signer(&self) -> Option<SignerRef<'_>>;
    /// The version strings, if any.
    fn version(&self) -> Option<VersionRef<'_>>;
    /// The CLSID text.
    fn clsid(&self) -> Option<&str>;
    /// The command line.
    fn command_line(&self) -> Option<&str>;
}

impl LaunchFields for Launch {
    #[inline]
    fn path(&self) -> &str {
        &self.path
    }
    #[inline]
    fn user(&self) -> Option<UserRef<'_>> {
        self.user.as_ref().map(|u| UserRef {
            name: u.name.as_deref(),
            sid: u.sid.as_deref(),
            groups: StrList::Owned(&u.groups),
        })
    }
    #[inline]
    fn computer(&self) -> Option<ComputerRef<'_>> {
        self.computer.as_ref().map(|c| ComputerRef {
            name: c.name.as_deref(),
            tags: StrList::Owned(&c.tags),
        })
    }
    #[inline]
    fn sha256(&self) -> Option<&str> {
        self.sha256.as_deref()
    }
    #[inline]
    fn signer(&self) -> Option<SignerRef<'_>> {
        self.signer.as_ref().map(|s| SignerRef {
            publisher: s.publisher.as_deref(),
            thumbprint: s.thumbprint.as_deref(),
            valid: s.valid,
        })
    }
    #[inline]
    fn version(&self) -> Option<VersionRef<'_>> {
        self.version.as_ref().map(|v| VersionRef {
            product_name: v.product_name.as_deref(),
            original_file_name: v.original_file_name.as_deref(),
            file_version: v.file_version.as_deref(),
        })
    }
    #[inline]
    fn clsid(&self) -> Option<&str> {
        self.clsid.as_deref()
    }
    #[inline]
    fn command_line(&self) -> Option<&str> {
        self.command_line.as_deref()
    }
}

impl LaunchFields for LaunchRef<'_> {
    #[inline]
    fn path(&self) -> &str {
        self.path
    }
    #[inline]
    fn user(&self) -> Option<UserRef<'_>> {
        self.user
    }
    #[inline]
    fn computer(&self) -> Option<ComputerRef<'_>> {
        self.computer
    }
    #[inline]
    fn sha256(&self) -> Option<&str> {
        self.sha256
    }
    #[inline]
    fn signer(&self) -> Option<SignerRef<'_>> {
        self.signer
    }
    #[inline]
    fn version(&self) -> Option<VersionRef<'_>> {
        self.version
    }
    #[inline]
    fn clsid(&self) -> Option<&str> {
        self.clsid
    }
    #[inline]
    fn command_line(&self) -> Option<&str> {
        self.command_line
    }
}

/// A borrowed view of the launch fields the matcher reads (those of [`Launch`] minus the
/// informational ones: `signer.issuer`, `signatureIntact`, `notBefore`, `notAfter`,
/// `version.companyName`, `fileDescription`, `internalName`, `productVersion`).
///
/// For hosts that hold the launch's strings elsewhere (e.g. the C ABI): evaluating through
/// [`crate::CompiledPolicy::evaluate_into`] copies nothing. [`Launch::view`] makes one from a
/// [`Launch`]; the meaning of each field is that of the same field there.
///
/// ```
/// use chrono::Utc;
/// use jitaccess::{Decision, LaunchRef, Policy, StrList, UserRef};
/// let policy = Policy::from_yaml("apiVersion: jitaccess/v1\nname: p\n").unwrap().compile();
/// let groups = ["CORP\\IT Admins"];
/// let launch = LaunchRef {
///     user: Some(UserRef { name: Some("CORP\\alice"), sid: None, groups: StrList::Borrowed(&groups) }),
///     ..LaunchRef::new("C:\\Tools\\x.exe")
/// };
/// let mut d = Decision::default();
/// policy.evaluate_into(&launch, Utc::now(), &mut d).unwrap();
/// assert_eq!(d.outcome, jitaccess::Outcome::None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LaunchRef<'a> {
    /// The user who starts the process.
    pub user: Option<UserRef<'a>>,
    /// The computer it runs on.
    pub computer: Option<ComputerRef<'a>>,
    /// Full path of the executable (required: must not be empty).
    pub path: &'a str,
    /// SHA-256 of the file, 64 hex digits in either case.
    pub sha256: Option<&'a str>,
    /// The code-signing signer.
    pub signer: Option<SignerRef<'a>>,
    /// Version resource strings of the file.
    pub version: Option<VersionRef<'a>>,
    /// The COM class being elevated, braces optional.
    pub clsid: Option<&'a str>,
    /// The full command line.
    pub command_line: Option<&'a str>,
}

/// The user of a [`LaunchRef`] (see [`User`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UserRef<'a> {
    /// Account name.
    pub name: Option<&'a str>,
    /// Security identifier.
    pub sid: Option<&'a str>,
    /// Names of the groups the user belongs to.
    pub groups: StrList<'a>,
}

/// The computer of a [`LaunchRef`] (see [`Computer`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ComputerRef<'a> {
    /// Computer name.
    pub name: Option<&'a str>,
    /// Tags the management system attached to the computer.
    pub tags: StrList<'a>,
}

/// The signer of a [`LaunchRef`] (see [`Signer`]; `publisher` and `thumbprint` only count
/// when `valid` is true).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SignerRef<'a> {
    /// Publisher name.
    pub publisher: Option<&'a str>,
    /// SHA-256 of the leaf certificate, 64 hex digits.
    pub thumbprint: Option<&'a str>,
    /// True only when the signature, the file digest and the chain all check.
    pub valid: bool,
}

/// The version strings of a [`LaunchRef`] (see [`VersionInfo`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VersionRef<'a> {
    /// ProductName.
    pub product_name: Option<&'a str>,
    /// OriginalFilename.
    pub original_file_name: Option<&'a str>,
    /// FileVersion.
    pub file_version: Option<&'a str>,
}

/// A borrowed list of strings: a [`Launch`]'s own `Vec<String>` or a slice of `&str`.
#[derive(Clone, Copy, Debug)]
pub enum StrList<'a> {
    /// The strings of a `Vec<String>`.
    Owned(&'a [String]),
    /// String slices held elsewhere.
    Borrowed(&'a [&'a str]),
}

impl Default for StrList<'_> {
    fn default() -> Self {
        StrList::Borrowed(&[])
    }
}

impl PartialEq for StrList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for StrList<'_> {}

impl<'a> StrList<'a> {
    /// The strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let (owned, borrowed): (&'a [String], &'a [&'a str]) = match *self {
            StrList::Owned(v) => (v, &[]),
            StrList::Borrowed(v) => (&[], v),
        };
        owned
            .iter()
            .map(String::as_str)
            .chain(borrowed.iter().copied())
    }

    /// The number of strings.
    pub fn len(&self) -> usize {
        match self {
            StrList::Owned(v) => v.len(),
            StrList::Borrowed(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `f` holds for some string (one dispatch on the kind, then a plain slice loop).
    #[inline]
    pub(crate) fn any(&self, mut f: impl FnMut(&str) -> bool) -> bool {
        match *self {
            StrList::Owned(v) => v.iter().any(|s| f(s)),
            StrList::Borrowed(v) => v.iter().any(|s| f(s)),
        }
    }
}

impl<'a> LaunchRef<'a> {
    /// A launch with only a path.
    pub fn new(path: &'a str) -> LaunchRef<'a> {
        LaunchRef {
            path,
            ..LaunchRef::default()
        }
    }

    /// Checks that the launch is well formed, as [`Launch::check`].
    pub fn check(&self) -> Result<(), LaunchError> {
        facts(self).map(|_| ())
    }
}

/// The checks of [`Launch::check`], and the launch's facts in compact form.
pub(crate) fn facts(launch: &impl LaunchFields) -> Result<Facts, LaunchError> {
    if launch.path().is_empty() {
        return Err(LaunchError::Field {
            field: "path",
            message: "must not be empty".into(),
        });
    }
    // Built in place: the digests are parsed straight into the result (no 33-byte copies).
    let mut facts = Facts {
        sha256: None,
        thumbprint: None,
        clsid: None,
        version: None,
    };
    if let Some(h) = launch.sha256()
        && !parse_hex32_into(h, facts.sha256.insert([0; 32]))
    {
        return Err(LaunchError::Field {
            field: "sha256",
            message: format!("'{h}' is not 64 hex digits"),
        });
    }
    if let Some(h) = launch.signer().and_then(|s| s.thumbprint)
        && !parse_hex32_into(h, facts.thumbprint.insert([0; 32]))
    {
        return Err(LaunchError::Field {
            field: "signer.thumbprint",
            message: format!("'{h}' is not 64 hex digits"),
        });
    }
    if let Some(g) = launch.clsid() {
        facts.clsid = Some(parse_guid(g).ok_or_else(|| LaunchError::Field {
            field: "clsid",
            message: format!("'{g}' is not a GUID like {{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A}}"),
        })?);
    }
    facts.version = launch
        .version()
        .and_then(|v| v.file_version)
        .and_then(Version::parse_prefix);
    Ok(facts)
}

/// Launch facts in the compact forms the matcher compares.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Facts {
    pub sha256: Option<[u8; 32]>,
    pub thumbprint: Option<[u8; 32]>,
    pub clsid: Option<u128>,
    pub version: Option<Version>,
}

/// Parses 64 hex digits (either case) into 32 bytes.
///
/// Eight digits at a time (SWAR on a `u64`): every byte is range-checked against `0-9`,
/// `a-f`, `A-F` with carry-free additions (all bytes are first checked to be ASCII), and the
/// nibbles are packed pairwise into four output bytes.
pub(crate) fn parse_hex32(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    parse_hex32_into(text, &mut out).then_some(out)
}

/// [`parse_hex32`] into `out`; `false` (with `out` unspecified) when `text` is not 64 hex
/// digits.
#[inline]
pub(crate) fn parse_hex32_into(text: &str, out: &mut [u8; 32]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// High bit set in each byte of `w` (all below 0x80) that lies in `lo..=hi`.
    #[inline(always)]
    fn in_range(w: u64, lo: u8, hi: u8) -> u64 {
        let ge_lo = w.wrapping_add(ONES * u64::from(0x80 - lo));
        let gt_hi = w.wrapping_add(ONES * u64::from(0x7F - hi));
        ge_lo & !gt_hi & HIGH
    }
    let Ok(bytes) = <&[u8; 64]>::try_from(text.as_bytes()) else {
        return false;
    };
    let mut bad = 0u64;
    for (o, chunk) in out.chunks_exact_mut(4).zip(bytes.chunks_exact(8)) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            return false;
        };
        let w = u64::from_le_bytes(chunk);
        let digit = in_range(w, b'0', b'9');
        let alpha = in_range(w | (ONES * 0x20), b'a', b'f');
        // Any non-ASCII byte, or an ASCII byte that is no hex digit.
        bad |= (w & HIGH) | ((digit | alpha) ^ HIGH);
        // Nibble values: the low four bits, plus 9 for a letter.
        let nib = (w & (ONES * 0x0F)) + (alpha >> 7) * 9;
        // Byte 2k holds the high nibble of output byte k, byte 2k+1 its low nibble.
        let v = ((nib << 4) | (nib >> 8)) & 0x00FF_00FF_00FF_00FF;
        let v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
        let v = (v | (v >> 16)) & 0xFFFF_FFFF;
        o.copy_from_slice(&v.to_le_bytes()[..4]);
    }
    bad == 0
}

/// Value of each hex digit; `0xFF` for every other byte.
static HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The value of a hex digit, or `0xFF`.
#[inline]
fn hex_value(b: u8) -> u8 {
    HEX.get(usize::from(b)).copied().unwrap_or(0xFF)
}

/// The value of a hex digit.
fn hex_digit(b: u8) -> Option<u8> {
    let v = hex_value(b);
    (v < 16).then_some(v)
}

/// Parses a GUID (`{8-4-4-4-12}`, braces optional, either case) into a number.
pub(crate) fn parse_guid(text: &str) -> Option<u128> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let groups: [usize; 5] = [8, 4, 4, 4, 12];
    let mut parts = inner.split('-');
    let mut value: u128 = 0;
    for len in groups {
        let part = parts.next()?;
        if part.len() != len {
            return None;
        }
        for b in part.bytes() {
            value = (value << 4) | u128::from(hex_digit(b)?);
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Some(value)
}

/// A dotted version number, compared part by part; missing parts are 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    parts: [u64; Version::MAX_PARTS],
}

impl Version {
    pub const MAX_PARTS: usize = 8;

    /// Parses a whole dotted version (`22.99`, `4.0.1.0`); `None` if anything else is there.
    pub fn parse_exact(text: &str) -> Option<Version> {
        let text = text.trim();
        let (v, used) = Self::parse_numbers(text)?;
        (used == text.len()).then_some(v)
    }

    /// Parses the leading dotted numbers of a version string such as
    /// `10.0.19041.1 (WinBuild.160101.0800)`; `None` if it does not start with a number.
    pub fn parse_prefix(text: &str) -> Option<Version> {
        Self::parse_numbers(text.trim_start()).map(|(v, _)| v)
    }

    fn parse_numbers(text: &str) -> Option<(Version, usize)> {
        let mut parts = [0u64; Self::MAX_PARTS];
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut index = 0;
        loop {
            let start = pos;
            let mut n: u64 = 0;
            while let Some(&b) = bytes.get(pos) {
                if !b.is_ascii_digit() {
                    break;
                }
                n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                pos += 1;
            }
            if pos == start {
                if index == 0 {
                    return None;
                }
                // "1." : the dot was not followed by a number; stop before it.
                return Some((Version { parts }, start - 1));
            }
            *parts.get_mut(index)? = n;
            index += 1;
            if bytes.get(pos) == Some(&b'.') && index < Self::MAX_PARTS {
                pos += 1;
            } else {
                return Some((Version { parts }, pos));
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts.cmp(&other.parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_is_absent_and_unknown_keys_fail() {
        let l = Launch::from_json(
            r#"{"path":"C:\\a.exe","user":{"name":null,"groups":null},"signer":{"valid":null},"version":null}"#,
        )
        .unwrap();
        assert_eq!(l.user.as_ref().unwrap().groups.len(), 0);
        assert!(!l.signer.as_ref().unwrap().valid);
        assert!(l.version.is_none());
        let e = Launch::from_json(r#"{"path":"C:\\a.exe","usr":{}}"#).unwrap_err();
        assert!(e.to_string().contains("usr"), "{e}");
        assert!(Launch::from_json(r#"{"user":{}}"#).is_err());
        assert!(Launch::from_json(r#"{"path":""}"#).is_err());
    }

    #[test]
    fn hex_and_guid() {
        let h = "499CF3973C308A15FA1F8FC4A27D53F781223618013FF1B9BEF4FD087CEFC16B";
        assert_eq!(parse_hex32(h), parse_hex32(&h.to_lowercase()));
        assert!(parse_hex32(&h[1..]).is_none());
        assert!(parse_hex32(&format!("{}g", &h[1..])).is_none());
        let a = parse_guid("{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A}").unwrap();
        assert_eq!(Some(a), parse_guid("74246bfc-4c96-11d0-abef-0020af6b0b7a"));
        for bad in [
            "{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A",
            "74246BFC4C9611D0ABEF0020AF6B0B7A",
            "{74246BFC-4C96-11D0-ABEF-0020AF6B0B7A-1}",
            "{7424-6BFC-4C96-11D0-ABEF-0020AF6B0B7A}",
            "{ZZ246BFC-4C96-11D0-ABEF-0020AF6B0B7A}",
        ] {
            assert!(parse_guid(bad).is_none(), "{bad}");
        }
    }

    /// The byte-wise parser `parse_hex32` replaced, as the reference.
    fn parse_hex32_bytewise(text: &str) -> Option<[u8; 32]> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            *o = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
        }
        Some(out)
    }

    #[test]
    fn hex_every_byte_in_every_position() {
        let h = "0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef0123";
        assert_eq!(parse_hex32(h), parse_hex32_bytewise(h));
        assert!(parse_hex32(h).is_some());
        for pos in 0..64 {
            for b in 0..=0x7Fu8 {
                let mut t = h.as_bytes().to_vec();
                t[pos] = b;
                let t = String::from_utf8(t).unwrap();
                assert_eq!(parse_hex32(&t), parse_hex32_bytewise(&t), "{pos} {b:#x}");
            }
            // A non-ASCII char (two bytes) in place of two digits.
            let mut t = h.to_string();
            if pos < 63 && t.is_char_boundary(pos) {
                t.replace_range(pos..pos + 2, "é");
                assert!(parse_hex32(&t).is_none());
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn hex_agrees_with_bytewise(s in "[0-9a-fA-FgG \\x00-\\x7f\\u{80}-\\u{10ffff}]{60,66}") {
            proptest::prop_assert_eq!(parse_hex32(&s), parse_hex32_bytewise(&s));
        }

        #[test]
        fn hex_digits_agree(s in "[0-9a-fA-F]{64}") {
            let p = parse_hex32(&s);
            proptest::prop_assert!(p.is_some());
            proptest::prop_assert_eq!(p, parse_hex32_bytewise(&s));
        }
    }

    #[test]
    fn versions() {
        let v = |s| Version::parse_exact(s).unwrap();
        assert!(v("22.99") > v("19.0.0.0"));
        assert_eq!(v("4.0"), v("4.0.0.0"));
        assert!(v("10.0.2") < v("10.0.10"));
        assert!(Version::parse_exact("1.x").is_none());
        assert!(Version::parse_exact("").is_none());
        assert!(Version::parse_exact("1.").is_none());
        assert_eq!(
            Version::parse_prefix("10.0.19041.1 (WinBuild.160101.0800)"),
            Some(v("10.0.19041.1"))
        );
        assert_eq!(Version::parse_prefix("1."), Some(v("1")));
        assert!(Version::parse_prefix("v1").is_none());
        assert!(Version::parse_exact("99999999999999999999999").is_none());
    }
}
