//! File facts from executables (policy.md §2): SHA-256 of any file, and for PE files (PE32 and
//! PE32+) the VERSIONINFO strings and the Authenticode signer, verified against the roots the
//! caller trusts.
//!
//! - [`file`] gives the [`Launch`] facts of a file with no trust store: its `signer` (if any)
//!   is never `valid`, whatever certificate it carries.
//! - [`inspect`] with [`Options`] (a [`TrustStore`], the time to check certificates at) gives an
//!   [`Inspection`]: the launch facts plus what was found and why a signature is not valid;
//!   [`Inspection::to_launch`] turns it into a [`Launch`].
//! - [`sha256_file`] hashes any file.
//!
//! The file is read as a stream (no memory map): the PE headers, the resource directory and
//! the certificate table are read first, each within a size limit, then one pass over the file
//! feeds both the file's SHA-256 and the Authenticode digest. A malformed or truncated file
//! gives partial facts and [`Inspection::notes`], never a panic. See `docs/inspect.md`.
//!
//! ```
//! use jitaccess::inspect::{self, Options, TrustStore};
//! let dir = "tests/fixtures/pe";
//! let trust = TrustStore::from_path(format!("{dir}/root.pem")).unwrap();
//! let found = inspect::inspect(format!("{dir}/signed64.exe"), &Options::new().trust(trust)).unwrap();
//! let signer = found.launch.signer.as_ref().unwrap();
//! assert!(signer.valid);
//! assert_eq!(signer.publisher.as_deref(), Some("Jitaccess Test Vendor"));
//!
//! // The same file without a trust store: intact, but not valid.
//! let launch = inspect::file(format!("{dir}/signed64.exe")).unwrap();
//! let signer = launch.signer.unwrap();
//! assert!(!signer.valid);
//! assert_eq!(signer.signature_intact, Some(true));
//! ```

mod authenticode;
mod crypto;
mod pe;
mod trust;
mod versioninfo;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use crate::launch::{Launch, Signer, VersionInfo};
pub use trust::TrustStore;

/// Largest certificate table read (real tables are tens of KiB; nested signatures and
/// installer tags stay far below this).
pub const MAX_CERT_TABLE: u64 = 16 << 20;
/// Largest resource directory read to find VERSIONINFO.
pub const MAX_RESOURCE_SECTION: u64 = 64 << 20;
/// Largest VERSIONINFO resource read (its own length field is 16 bits).
pub const MAX_VERSION_RESOURCE: u64 = 64 << 10;
/// Size of each read while hashing.
const CHUNK: usize = 256 << 10;

/// Reading a file failed, or a trust store is unusable. A malformed executable is not an
/// error: it gives fewer facts and notes (see [`Inspection::notes`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// The file (or a trust-store file) could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A trust store could not be loaded.
    #[error("trust store {location}: {message}")]
    Trust {
        /// The file or folder (or `<PEM>` / `<DER>` for data given in memory).
        location: String,
        /// What is wrong with it.
        message: String,
    },
}

/// How to inspect: which roots to trust, and when certificates must be valid.
///
/// ```
/// use jitaccess::inspect::Options;
/// let opts = Options::new().at("2030-01-01T00:00:00Z".parse().unwrap());
/// assert!(opts.trust_store().is_none());
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Options {
    trust: Option<TrustStore>,
    at: Option<DateTime<Utc>>,
}

impl Options {
    /// No trust store (no signature is valid), certificates checked at the current time.
    pub fn new() -> Options {
        Options::default()
    }

    /// Trusts the roots of `store`.
    pub fn trust(mut self, store: TrustStore) -> Options {
        self.trust = Some(store);
        self
    }

    /// Checks certificate validity at `at` instead of now.
    pub fn at(mut self, at: DateTime<Utc>) -> Options {
        self.at = Some(at);
        self
    }

    /// The trust store, if any.
    pub fn trust_store(&self) -> Option<&TrustStore> {
        self.trust.as_ref()
    }
}

/// The kind of file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Format {
    /// Not a PE file: only the SHA-256 is known.
    #[default]
    Other,
    /// A 32-bit PE image.
    Pe32,
    /// A 64-bit PE image (PE32+).
    #[serde(rename = "pe32+")]
    Pe32Plus,
}

/// What checking an Authenticode signature found, beyond the launch's `signer`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignatureCheck {
    /// Digest algorithm of the signed PE digest (`sha256`), when known.
    pub digest_algorithm: Option<String>,
    /// The Authenticode digest of the file equals the signed one.
    pub digest_matches: bool,
    /// The signer's signature over the signed attributes verifies.
    pub signature_verified: bool,
    /// The chain to a trusted root verifies (subjects in `chain`).
    pub chain_trusted: bool,
    /// Subjects from the signer to the trusted root, when the chain verifies.
    pub chain: Vec<String>,
    /// Subject of the signer's certificate.
    pub subject: Option<String>,
    /// Why the signature is not valid (empty when it is).
    pub problems: Vec<String>,
}

/// Everything inspect found out about a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Inspection {
    /// The launch facts: `path`, `sha256`, `signer`, `version` (policy.md §2).
    pub launch: Launch,
    /// Size of the file in bytes.
    pub size: u64,
    /// PE32, PE32+ or something else.
    pub format: Format,
    /// The fixed (binary) file version of VERSIONINFO, `a.b.c.d`.
    pub fixed_file_version: Option<String>,
    /// The fixed product version of VERSIONINFO.
    pub fixed_product_version: Option<String>,
    /// The string table used (`040904b0`): the translation block's, else the first.
    pub version_language: Option<String>,
    /// The Authenticode check, when the file is signed.
    pub signature: Option<SignatureCheck>,
    /// What could not be read or checked.
    pub notes: Vec<String>,
}

impl Inspection {
    /// The launch facts.
    pub fn to_launch(&self) -> Launch {
        self.launch.clone()
    }
}

impl From<Inspection> for Launch {
    fn from(i: Inspection) -> Launch {
        i.launch
    }
}

/// The launch facts of a file with no trust store: `path` (made absolute), `sha256`, and for
/// PE files `version` and `signer` (never `valid`: see [`inspect`] to give trusted roots).
///
/// ```
/// let launch = jitaccess::inspect::file("tests/fixtures/pe/unsigned64.exe").unwrap();
/// assert_eq!(launch.version.unwrap().original_file_name.as_deref(), Some("Fixture.exe"));
/// assert!(launch.signer.is_none());
/// ```
pub fn file(path: impl AsRef<Path>) -> Result<Launch, InspectError> {
    inspect(path, &Options::new()).map(Launch::from)
}

/// Inspects a file with `options`.
///
/// ```
/// use jitaccess::inspect::{inspect, Format, Options};
/// let found = inspect("tests/fixtures/pe/tampered64.exe", &Options::new()).unwrap();
/// assert_eq!(found.format, Format::Pe32Plus);
/// assert_eq!(found.fixed_file_version.as_deref(), Some("1.2.3.4"));
/// let check = found.signature.as_ref().unwrap();
/// assert!(!check.digest_matches);
/// assert_eq!(found.to_launch().signer.unwrap().signature_intact, Some(false));
/// ```
pub fn inspect(path: impl AsRef<Path>, options: &Options) -> Result<Inspection, InspectError> {
    let path = path.as_ref();
    let shown = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let f = open_regular(path)?;
    inspect_reader(f, &shown.to_string_lossy(), options).map_err(|e| match e {
        InspectError::Io { source, .. } => InspectError::Io {
            path: path.display().to_string(),
            source,
        },
        other => other,
    })
}

/// Inspects data from any reader; `path` is the launch path to report.
///
/// ```
/// use jitaccess::inspect::{inspect_reader, Format, Options};
/// let found = inspect_reader(std::io::Cursor::new(b"hello\n"), "C:\\x.txt", &Options::new()).unwrap();
/// assert_eq!(found.format, Format::Other);
/// assert_eq!(found.launch.sha256.as_deref(),
///     Some("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"));
/// ```
pub fn inspect_reader<R: Read + Seek>(
    reader: R,
    path: &str,
    options: &Options,
) -> Result<Inspection, InspectError> {
    let io = |e: std::io::Error| InspectError::Io {
        path: path.to_string(),
        source: e,
    };
    let (mut reader, layout) = pe::read(reader);
    let mut out = Inspection {
        launch: Launch {
            path: path.to_string(),
            ..Launch::default()
        },
        ..Inspection::default()
    };
    let layout = match layout {
        Ok(Some(l)) => Some(l),
        Ok(None) => None,
        Err(note) => {
            out.notes.push(note);
            None
        }
    };
    let len = reader.seek(SeekFrom::End(0)).map_err(io)?;
    out.size = len;
    reader.seek(SeekFrom::Start(0)).map_err(io)?;

    // Parse the signature before streaming: its digest algorithm decides what to compute.
    let mut signature = None;
    let mut plan = None;
    if let Some(layout) = &layout {
        out.format = layout.format;
        out.notes.extend(layout.notes.iter().cloned());
        if let Some(v) = &layout.version {
            fill_version(&mut out, v);
        }
        if let Some((table_offset, table_size)) = layout.cert_table_range {
            let mut check = SignatureCheck::default();
            match layout
                .cert_table
                .as_deref()
                .map(|t| authenticode::first_signature(t).and_then(authenticode::parse))
            {
                Some(Ok(sig)) => {
                    check.digest_algorithm = Some(sig.digest_alg.name().to_string());
                    if table_offset.saturating_add(table_size) != len {
                        check.problems.push(format!(
                            "{} bytes follow the certificate table: the file was changed after signing",
                            len.saturating_sub(table_offset.saturating_add(table_size))
                        ));
                    } else {
                        let mut skip = vec![(layout.checksum_offset, 4)];
                        if let Some(s) = layout.security_entry_offset {
                            skip.push((s, 8));
                        }
                        plan = Some(DigestPlan {
                            hasher: sig.digest_alg.hasher(),
                            end: table_offset,
                            skip,
                        });
                    }
                    signature = Some(sig);
                }
                Some(Err(e)) => check.problems.push(e),
                None => check
                    .problems
                    .push("the certificate table could not be read".into()),
            }
            out.signature = Some(check);
        }
    }

    let (sha256, pe_digest) = stream(&mut reader, plan).map_err(io)?;
    out.launch.sha256 = Some(crypto::hex(&sha256));

    if let Some(check) = &mut out.signature {
        let at = options.at.unwrap_or_else(Utc::now);
        let signer = check_signature(check, signature.as_ref(), pe_digest, options, at);
        out.launch.signer = Some(signer);
    }
    Ok(out)
}

fn fill_version(out: &mut Inspection, v: &versioninfo::VersionResource) {
    let dotted = |p: [u16; 4]| format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]);
    out.fixed_file_version = v.fixed_file_version.map(dotted);
    out.fixed_product_version = v.fixed_product_version.map(dotted);
    out.version_language = v.language.clone();
    let s = |k: &str| v.get(k).filter(|s| !s.is_empty()).map(str::to_string);
    let info = VersionInfo {
        product_name: s("ProductName"),
        original_file_name: s("OriginalFilename"),
        // The string FileVersion; the fixed one when there is no string.
        file_version: s("FileVersion").or_else(|| out.fixed_file_version.clone()),
        company_name: s("CompanyName"),
        file_description: s("FileDescription"),
        internal_name: s("InternalName"),
        product_version: s("ProductVersion").or_else(|| out.fixed_product_version.clone()),
    };
    if info != VersionInfo::default() {
        out.launch.version = Some(info);
    }
}

/// Checks a parsed signature against the file digest, then the chain; fills `check` and gives
/// the launch's signer.
fn check_signature(
    check: &mut SignatureCheck,
    sig: Option<&authenticode::Signature>,
    pe_digest: Option<Vec<u8>>,
    options: &Options,
    at: DateTime<Utc>,
) -> Signer {
    let mut signer = Signer::default();
    let Some(sig) = sig else {
        signer.signature_intact = Some(false);
        return signer;
    };
    if let Some(cert) = &sig.signer_cert {
        describe(&mut signer, check, cert);
    }
    check.digest_matches = pe_digest.as_deref() == Some(sig.signed_digest.as_slice());
    if pe_digest.is_some() && !check.digest_matches {
        check.problems.push(
            "the file's Authenticode digest does not match the signed digest: the file was changed after signing"
                .into(),
        );
    }
    // A digest mismatch already makes the signature broken; skip the costlier checks.
    if check.digest_matches {
        match sig.verify_signer() {
            Ok(()) => check.signature_verified = true,
            Err(e) => check.problems.push(e),
        }
    }
    let intact = check.digest_matches && check.signature_verified;
    signer.signature_intact = Some(intact);
    if intact && let Some(cert) = &sig.signer_cert {
        match options.trust.as_ref() {
            None => check
                .problems
                .push("no trusted roots were given: the chain is not checked".into()),
            Some(store) => match trust::verify_chain(cert, &sig.certs, store, at) {
                Ok(chain) => {
                    check.chain_trusted = true;
                    check.chain = chain;
                }
                Err(e) => check.problems.push(format!("chain: {e}")),
            },
        }
    }
    signer.valid = intact && check.chain_trusted;
    signer
}

/// Publisher (subject O, else CN), thumbprint, issuer and validity of the signer's certificate.
fn describe(signer: &mut Signer, check: &mut SignatureCheck, cert: &Certificate) {
    let tbs = cert.tbs_certificate();
    let subject = tbs.subject();
    let text = |r: der::Result<Option<x509_cert::ext::pkix::name::DirectoryString>>| {
        r.ok()
            .flatten()
            .map(|d| d.value().trim().to_string())
            .filter(|s| !s.is_empty())
    };
    signer.publisher = text(subject.organization()).or_else(|| text(subject.common_name()));
    signer.thumbprint = crypto::der_of(cert)
        .ok()
        .map(|d| crypto::hex(&Sha256::digest(&d)));
    signer.issuer = Some(tbs.issuer().to_string());
    let rfc3339 = |t: &x509_cert::time::Time| {
        let secs = i64::try_from(t.to_unix_duration().as_secs()).ok()?;
        DateTime::<Utc>::from_timestamp(secs, 0)
            .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    signer.not_before = rfc3339(&tbs.validity().not_before);
    signer.not_after = rfc3339(&tbs.validity().not_after);
    check.subject = Some(subject.to_string());
}

/// What the Authenticode digest covers.
struct DigestPlan {
    hasher: crypto::Hasher,
    /// Where the certificate table starts (the digest stops there).
    end: u64,
    /// Ranges left out (offset, length): the checksum and the certificate-table entry.
    skip: Vec<(u64, u64)>,
}

/// One pass over the file: its SHA-256, and the Authenticode digest when there is a `plan`.
fn stream<R: Read>(
    reader: &mut R,
    plan: Option<DigestPlan>,
) -> std::io::Result<([u8; 32], Option<Vec<u8>>)> {
    let mut file_hash = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut pos: u64 = 0;
    let (mut auth, covered) = match plan {
        Some(p) => (Some(p.hasher), covered_ranges(p.end, &p.skip)),
        None => (None, Vec::new()),
    };
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        file_hash.update(chunk);
        if let Some(h) = auth.as_mut() {
            let end = pos + n as u64;
            for &(a, b) in &covered {
                let (s, e) = (a.max(pos), b.min(end));
                if s < e
                    && let Some(part) = chunk.get((s - pos) as usize..(e - pos) as usize)
                {
                    h.update(part);
                }
            }
        }
        pos += n as u64;
    }
    Ok((
        file_hash.finalize().into(),
        auth.map(crypto::Hasher::finish),
    ))
}

/// `[0, end)` minus the `skip` ranges, as sorted disjoint ranges.
fn covered_ranges(end: u64, skip: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut skip: Vec<(u64, u64)> = skip
        .iter()
        .map(|&(o, l)| (o, o.saturating_add(l)))
        .collect();
    skip.sort_unstable();
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e) in skip {
        if s > pos {
            out.push((pos, s.min(end)));
        }
        pos = pos.max(e);
        if pos >= end {
            break;
        }
    }
    if pos < end {
        out.push((pos, end));
    }
    out.retain(|(a, b)| a < b);
    out
}

/// Opens a regular file: a device or a pipe (`/dev/zero`) could be endless.
fn open_regular(path: &Path) -> Result<File, InspectError> {
    let io = |e: std::io::Error| InspectError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let f = File::open(path).map_err(io)?;
    if !f.metadata().map_err(io)?.is_file() {
        return Err(io(std::io::Error::other(
            "not a regular file (a folder, device or pipe)",
        )));
    }
    Ok(f)
}

/// SHA-256 of a file, lower-case hex, read as a stream (the CPU's SHA instructions are used
/// when it has them).
///
/// ```
/// let h = jitaccess::inspect::sha256_file("tests/fixtures/pe/notpe.bin").unwrap();
/// assert_eq!(h.len(), 64);
/// ```
pub fn sha256_file(path: impl AsRef<Path>) -> Result<String, InspectError> {
    let path = path.as_ref();
    let io = |e: std::io::Error| InspectError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let mut f = open_regular(path)?;
    let (h, _) = stream(&mut f, None).map_err(io)?;
    Ok(crypto::hex(&h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_ranges_skip_and_clip() {
        assert_eq!(
            covered_ranges(100, &[(10, 4), (20, 8)]),
            vec![(0, 10), (14, 20), (28, 100)]
        );
        // Overlapping and out-of-range skips.
        assert_eq!(
            covered_ranges(30, &[(25, 10), (5, 4), (6, 1)]),
            vec![(0, 5), (9, 25)]
        );
        assert_eq!(covered_ranges(0, &[(0, 4)]), Vec::<(u64, u64)>::new());
        assert_eq!(covered_ranges(10, &[(u64::MAX - 1, 8)]), vec![(0, 10)]);
    }

    #[test]
    fn stream_digest_follows_the_plan_across_chunks() {
        let data: Vec<u8> = (0..(CHUNK * 2 + 77)).map(|i| (i * 7 % 251) as u8).collect();
        let skip = vec![(CHUNK as u64 - 2, 4), (100, 8)];
        let end = (CHUNK * 2) as u64;
        let plan = DigestPlan {
            hasher: crypto::HashAlg::Sha256.hasher(),
            end,
            skip: skip.clone(),
        };
        let (whole, auth) = stream(&mut std::io::Cursor::new(&data), Some(plan)).unwrap();
        assert_eq!(whole.to_vec(), Sha256::digest(&data).to_vec());
        let mut expected = Vec::new();
        for (a, b) in covered_ranges(end, &skip) {
            expected.extend_from_slice(&data[a as usize..b as usize]);
        }
        assert_eq!(auth.unwrap(), Sha256::digest(&expected).to_vec());
    }
}
