//! The roots a caller trusts, and building a verified chain from a signer's certificate to one
//! of them.

use std::path::Path;

use chrono::{DateTime, Utc};
use der::{Decode, DecodePem};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};

use super::InspectError;
use super::crypto::{self, der_of};

/// Longest chain followed from the signer to a root (leaf and root included).
pub(crate) const MAX_CHAIN: usize = 8;
/// Largest trust-store file read.
const MAX_TRUST_FILE: u64 = 16 << 20;
/// Most files read from a trust-store folder.
const MAX_TRUST_FILES: usize = 10_000;

/// Extended key usage `codeSigning` and `anyExtendedKeyUsage`.
const EKU_CODE_SIGNING: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
const EKU_ANY: der::oid::ObjectIdentifier = der::oid::ObjectIdentifier::new_unwrap("2.5.29.37.0");

/// The root certificates a caller trusts for Authenticode.
///
/// Without a trust store no signature is `valid` (a self-made certificate can name any
/// publisher). Load one from a PEM bundle, a DER file, or a folder of them:
///
/// ```
/// use jitaccess::inspect::TrustStore;
/// let store = TrustStore::from_path("tests/fixtures/pe/root.pem").unwrap();
/// assert_eq!(store.len(), 1);
/// assert!(TrustStore::from_pem(b"no certificates here").is_err());
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    roots: Vec<Root>,
}

#[derive(Clone, Debug)]
struct Root {
    cert: Certificate,
    der: Vec<u8>,
}

impl TrustStore {
    /// An empty store: nothing is trusted.
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Number of trusted roots.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether the store trusts nothing.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// Adds one certificate in DER form.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), InspectError> {
        let cert = Certificate::from_der(der).map_err(|e| InspectError::Trust {
            location: "<DER>".into(),
            message: format!("not an X.509 certificate: {e}"),
        })?;
        self.roots.push(Root {
            cert,
            der: der.to_vec(),
        });
        Ok(())
    }

    /// Parses a PEM bundle: every `CERTIFICATE` block; other blocks and text are ignored.
    /// A bundle with no certificate, or a broken certificate block, is an error.
    pub fn from_pem(text: &[u8]) -> Result<TrustStore, InspectError> {
        let mut store = TrustStore::new();
        store.add_pem(text, "<PEM>")?;
        Ok(store)
    }

    fn add_pem(&mut self, text: &[u8], source: &str) -> Result<(), InspectError> {
        const BEGIN: &[u8] = b"-----BEGIN CERTIFICATE-----";
        const END: &[u8] = b"-----END CERTIFICATE-----";
        let before = self.roots.len();
        let mut rest = text;
        let mut index = 0;
        while let Some(start) = find(rest, BEGIN) {
            index += 1;
            let block = &rest[start..];
            let Some(end) = find(block, END) else {
                return Err(InspectError::Trust {
                    location: source.into(),
                    message: format!("certificate #{index} has no END line"),
                });
            };
            let pem = &block[..end + END.len()];
            let cert = Certificate::from_pem(pem).map_err(|e| InspectError::Trust {
                location: source.into(),
                message: format!("certificate #{index}: {e}"),
            })?;
            let der = der_of(&cert).map_err(|message| InspectError::Trust {
                location: source.into(),
                message,
            })?;
            self.roots.push(Root { cert, der });
            rest = &block[end + END.len()..];
        }
        if self.roots.len() == before {
            return Err(InspectError::Trust {
                location: source.into(),
                message: "no PEM certificate in it".into(),
            });
        }
        Ok(())
    }

    /// Loads a PEM bundle, a single DER certificate, or a folder: every `*.pem`, `*.crt`,
    /// `*.cer` and `*.der` file in it (not recursive; other files are ignored), each PEM or DER.
    pub fn from_path(path: impl AsRef<Path>) -> Result<TrustStore, InspectError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let io = |e: std::io::Error| InspectError::Io {
            path: shown.clone(),
            source: e,
        };
        let mut store = TrustStore::new();
        if path.is_dir() {
            let mut files = Vec::new();
            for entry in std::fs::read_dir(path).map_err(io)? {
                let p = entry.map_err(io)?.path();
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_ascii_lowercase);
                if p.is_file() && matches!(ext.as_deref(), Some("pem" | "crt" | "cer" | "der")) {
                    files.push(p);
                }
                if files.len() > MAX_TRUST_FILES {
                    return Err(InspectError::Trust {
                        location: shown,
                        message: format!("more than {MAX_TRUST_FILES} certificate files"),
                    });
                }
            }
            files.sort();
            for f in &files {
                store.add_file(f)?;
            }
            if store.is_empty() {
                return Err(InspectError::Trust {
                    location: shown,
                    message: "no *.pem, *.crt, *.cer or *.der file in the folder".into(),
                });
            }
        } else {
            store.add_file(path)?;
        }
        Ok(store)
    }

    fn add_file(&mut self, path: &Path) -> Result<(), InspectError> {
        let shown = path.display().to_string();
        let len = std::fs::metadata(path)
            .map_err(|e| InspectError::Io {
                path: shown.clone(),
                source: e,
            })?
            .len();
        if len > MAX_TRUST_FILE {
            return Err(InspectError::Trust {
                location: shown,
                message: format!("{len} bytes is over the limit of {MAX_TRUST_FILE}"),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| InspectError::Io {
            path: shown.clone(),
            source: e,
        })?;
        if find(&bytes, b"-----BEGIN").is_some() {
            self.add_pem(&bytes, &shown)
        } else {
            self.add_der(&bytes).map_err(|e| match e {
                InspectError::Trust { message, .. } => InspectError::Trust {
                    location: shown,
                    message,
                },
                other => other,
            })
        }
    }

    fn contains(&self, der: &[u8]) -> bool {
        self.roots.iter().any(|r| r.der == der)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Whether `cert` is valid at `at`.
fn check_time(cert: &Certificate, at: DateTime<Utc>) -> Result<(), String> {
    let v = cert.tbs_certificate().validity();
    let t = at.timestamp();
    let nb = i64::try_from(v.not_before.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    let na = i64::try_from(v.not_after.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    if t < nb || t > na {
        return Err(format!(
            "certificate '{}' is not valid at {} (valid {} to {})",
            cert.tbs_certificate().subject(),
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            v.not_before,
            v.not_after
        ));
    }
    Ok(())
}

/// Whether `child` carries a signature by `issuer`'s key.
fn signed_by(child: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if child.signature_algorithm() != child.tbs_certificate().signature() {
        return Err("the certificate's two signature algorithms differ".into());
    }
    let tbs = der_of(child.tbs_certificate())?;
    let sig = child
        .signature()
        .as_bytes()
        .ok_or("signature is not a whole number of bytes")?;
    crypto::verify(
        issuer.tbs_certificate().subject_public_key_info(),
        child.signature_algorithm(),
        None,
        &tbs,
        sig,
    )
}

/// Whether `cert` may issue certificates: basic constraints CA, and keyCertSign if it has a
/// key usage.
fn check_ca(cert: &Certificate) -> Result<(), String> {
    let tbs = cert.tbs_certificate();
    let subject = tbs.subject();
    let bc = tbs
        .get_extension::<BasicConstraints>()
        .map_err(|e| format!("'{subject}': malformed basic constraints: {e}"))?;
    if !bc.is_some_and(|(_, bc)| bc.ca) {
        return Err(format!("'{subject}' is not a CA certificate"));
    }
    let ku = tbs
        .get_extension::<KeyUsage>()
        .map_err(|e| format!("'{subject}': malformed key usage: {e}"))?;
    if ku.is_some_and(|(_, ku)| !ku.key_cert_sign()) {
        return Err(format!("'{subject}' may not sign certificates (key usage)"));
    }
    Ok(())
}

/// Whether the signer's certificate may sign code: extended key usage codeSigning (or any) when
/// present, key usage digitalSignature when present.
pub(crate) fn check_code_signing(leaf: &Certificate) -> Result<(), String> {
    let tbs = leaf.tbs_certificate();
    let subject = tbs.subject();
    let eku = tbs
        .get_extension::<ExtendedKeyUsage>()
        .map_err(|e| format!("'{subject}': malformed extended key usage: {e}"))?;
    if let Some((_, eku)) = eku
        && !eku
            .0
            .iter()
            .any(|o| *o == EKU_CODE_SIGNING || *o == EKU_ANY)
    {
        return Err(format!(
            "'{subject}' is not for code signing (extended key usage)"
        ));
    }
    let ku = tbs
        .get_extension::<KeyUsage>()
        .map_err(|e| format!("'{subject}': malformed key usage: {e}"))?;
    if ku.is_some_and(|(_, ku)| !ku.digital_signature()) {
        return Err(format!("'{subject}' may not sign (key usage)"));
    }
    Ok(())
}

/// Builds and checks the chain from `leaf` through the `pool` (certificates that came with the
/// signature) to a root of `trust`, every certificate valid at `at`. Returns the subjects from
/// leaf to root.
pub(crate) fn verify_chain(
    leaf: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    at: DateTime<Utc>,
) -> Result<Vec<String>, String> {
    if trust.is_empty() {
        return Err("no trusted roots were given: the chain is not checked".into());
    }
    check_code_signing(leaf)?;
    let mut path = vec![leaf.tbs_certificate().subject().to_string()];
    let mut current = leaf.clone();
    let mut problem = None;
    for _ in 0..MAX_CHAIN {
        check_time(&current, at)?;
        let current_der = der_of(&current)?;
        if trust.contains(&current_der) {
            return Ok(path);
        }
        let issuer_name = current.tbs_certificate().issuer();
        // A trusted root that signed it ends the chain.
        for root in &trust.roots {
            if root.cert.tbs_certificate().subject() != issuer_name {
                continue;
            }
            match signed_by(&current, &root.cert).and_then(|()| check_time(&root.cert, at)) {
                Ok(()) => {
                    path.push(root.cert.tbs_certificate().subject().to_string());
                    return Ok(path);
                }
                Err(e) => problem = Some(e),
            }
        }
        // Else an intermediate that came with the signature.
        let next = pool.iter().find(|c| {
            c.tbs_certificate().subject() == issuer_name
                && der_of(*c).is_ok_and(|d| d != current_der)
                && match signed_by(&current, c).and_then(|()| check_ca(c)) {
                    Ok(()) => true,
                    Err(e) => {
                        problem = Some(e);
                        false
                    }
                }
        });
        match next {
            Some(c) => {
                path.push(c.tbs_certificate().subject().to_string());
                current = c.clone();
            }
            None => {
                return Err(problem.unwrap_or_else(|| {
                    format!(
                        "no trusted root or intermediate found for issuer '{issuer_name}' of '{}'",
                        current.tbs_certificate().subject()
                    )
                }));
            }
        }
    }
    Err(format!("chain longer than {MAX_CHAIN} certificates"))
}
