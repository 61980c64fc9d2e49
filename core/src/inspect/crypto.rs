//! Digests and signature checks used by Authenticode and chain building: SHA-1/SHA-2 digests,
//! RSA PKCS#1 v1.5 and ECDSA (P-256, P-384) verification over a given digest.

use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

/// A digest algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HashAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

pub(crate) mod oid {
    use der::oid::ObjectIdentifier as Oid;
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
    pub const RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    pub const SHA1_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    pub const SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    pub const SHA384_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    pub const SHA512_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    pub const ECDSA_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    pub const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    pub const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    pub const ECDSA_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    pub const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    pub const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
}

impl HashAlg {
    /// The algorithm of a digest OID.
    pub fn from_oid(o: &ObjectIdentifier) -> Option<HashAlg> {
        Some(match *o {
            oid::SHA1 => HashAlg::Sha1,
            oid::SHA256 => HashAlg::Sha256,
            oid::SHA384 => HashAlg::Sha384,
            oid::SHA512 => HashAlg::Sha512,
            _ => return None,
        })
    }

    /// The usual name (`sha256`).
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha1 => "sha1",
            HashAlg::Sha256 => "sha256",
            HashAlg::Sha384 => "sha384",
            HashAlg::Sha512 => "sha512",
        }
    }

    /// A fresh hasher.
    pub fn hasher(self) -> Hasher {
        match self {
            HashAlg::Sha1 => Hasher::Sha1(Sha1::new()),
            HashAlg::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlg::Sha384 => Hasher::Sha384(Sha384::new()),
            HashAlg::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finish()
    }
}

/// A running digest of one of the [`HashAlg`]s.
#[derive(Clone)]
pub(crate) enum Hasher {
    Sha1(Sha1),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha384(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The digest a signature algorithm implies; `fallback` (the SignerInfo's digest algorithm)
/// for the bare key algorithms `rsaEncryption` and `id-ecPublicKey`.
fn signature_digest(alg: &ObjectIdentifier, fallback: Option<HashAlg>) -> Result<HashAlg, String> {
    match *alg {
        oid::SHA1_RSA | oid::ECDSA_SHA1 => Ok(HashAlg::Sha1),
        oid::SHA256_RSA | oid::ECDSA_SHA256 => Ok(HashAlg::Sha256),
        oid::SHA384_RSA | oid::ECDSA_SHA384 => Ok(HashAlg::Sha384),
        oid::SHA512_RSA | oid::ECDSA_SHA512 => Ok(HashAlg::Sha512),
        oid::RSA | oid::EC_PUBLIC_KEY => {
            fallback.ok_or_else(|| format!("signature algorithm {alg} without a digest algorithm"))
        }
        _ => Err(format!("unsupported signature algorithm {alg}")),
    }
}

/// An ECDSA signature as DER: `SEQUENCE { r INTEGER, s INTEGER }`.
#[derive(der::Sequence)]
struct EcdsaSig<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

/// `r || s`, each left-padded to `size` bytes.
fn ecdsa_fixed(sig: &[u8], size: usize) -> Result<Vec<u8>, String> {
    let parsed = EcdsaSig::from_der(sig).map_err(|e| format!("malformed ECDSA signature: {e}"))?;
    let mut out = vec![0u8; size * 2];
    for (i, part) in [parsed.r.as_bytes(), parsed.s.as_bytes()]
        .iter()
        .enumerate()
    {
        if part.len() > size {
            return Err("ECDSA signature value too long for the curve".into());
        }
        let start = size * (i + 1) - part.len();
        out.get_mut(start..size * (i + 1))
            .ok_or("ECDSA signature layout")?
            .copy_from_slice(part);
    }
    Ok(out)
}

/// Checks `signature` over `message` with the key of `spki`.
///
/// `sig_alg` names the algorithm; `digest_fallback` is used when it is a bare key algorithm
/// (CMS SignerInfos often say `rsaEncryption` and give the digest separately).
pub(crate) fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    sig_alg: &AlgorithmIdentifierOwned,
    digest_fallback: Option<HashAlg>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let hash_alg = signature_digest(&sig_alg.oid, digest_fallback)?;
    let hashed = hash_alg.digest(message);
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or("public key is not a whole number of bytes")?;
    match spki.algorithm.oid {
        oid::RSA => {
            if !matches!(
                sig_alg.oid,
                oid::RSA | oid::SHA1_RSA | oid::SHA256_RSA | oid::SHA384_RSA | oid::SHA512_RSA
            ) {
                return Err(format!(
                    "an RSA key cannot check a {} signature",
                    sig_alg.oid
                ));
            }
            use rsa::pkcs1::DecodeRsaPublicKey;
            let key = rsa::PublicKey::from_pkcs1_der(key_bytes)
                .map_err(|e| format!("malformed RSA public key: {e}"))?;
            let scheme = match hash_alg {
                HashAlg::Sha1 => rsa::Pkcs1v15Sign::new::<Sha1>(),
                HashAlg::Sha256 => rsa::Pkcs1v15Sign::new::<Sha256>(),
                HashAlg::Sha384 => rsa::Pkcs1v15Sign::new::<Sha384>(),
                HashAlg::Sha512 => rsa::Pkcs1v15Sign::new::<Sha512>(),
            };
            key.verify(scheme, &hashed, signature)
                .map_err(|_| "RSA signature does not verify".to_string())
        }
        oid::EC_PUBLIC_KEY => {
            if !matches!(
                sig_alg.oid,
                oid::EC_PUBLIC_KEY
                    | oid::ECDSA_SHA1
                    | oid::ECDSA_SHA256
                    | oid::ECDSA_SHA384
                    | oid::ECDSA_SHA512
            ) {
                return Err(format!(
                    "an EC key cannot check a {} signature",
                    sig_alg.oid
                ));
            }
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                .ok_or("EC public key without a named curve")?;
            let bad = |_| "ECDSA signature does not verify".to_string();
            match curve {
                oid::P256 => {
                    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| "malformed P-256 public key".to_string())?;
                    let sig = p256::ecdsa::Signature::from_slice(&ecdsa_fixed(signature, 32)?)
                        .map_err(bad)?;
                    key.verify_prehash(&hashed, &sig).map_err(bad)
                }
                oid::P384 => {
                    let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
                        .map_err(|_| "malformed P-384 public key".to_string())?;
                    let sig = p384::ecdsa::Signature::from_slice(&ecdsa_fixed(signature, 48)?)
                        .map_err(bad)?;
                    key.verify_prehash(&hashed, &sig).map_err(bad)
                }
                other => Err(format!("unsupported elliptic curve {other}")),
            }
        }
        other => Err(format!("unsupported public key algorithm {other}")),
    }
}

/// The DER of a value, as an error string on failure.
pub(crate) fn der_of<T: Encode>(value: &T) -> Result<Vec<u8>, String> {
    value.to_der().map_err(|e| format!("cannot encode: {e}"))
}
