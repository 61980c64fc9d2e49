//! Authenticode: the certificate table (`WIN_CERTIFICATE`), the PKCS#7 `SignedData` in it, the
//! `SpcIndirectDataContent` that carries the signed PE digest, and the signer's signature over
//! its signed attributes.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::OctetString;
use der::oid::ObjectIdentifier;
use der::{Any, Decode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::crypto::{self, HashAlg, der_of};

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const SPC_INDIRECT_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.2.1.4");
const SPC_PE_IMAGE_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.2.1.15");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// Most certificates taken from one signature (real ones carry a handful; each may cost a
/// signature check while building the chain).
pub(crate) const MAX_CERTS: usize = 64;
/// `WIN_CERT_TYPE_PKCS_SIGNED_DATA`.
const WIN_CERT_TYPE_PKCS_SIGNED_DATA: u16 = 0x0002;

/// `SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }`.
#[derive(der::Sequence)]
struct SpcIndirectDataContent {
    data: SpcAttributeTypeAndOptionalValue,
    message_digest: DigestInfo,
}

#[derive(der::Sequence)]
struct SpcAttributeTypeAndOptionalValue {
    kind: ObjectIdentifier,
    #[allow(dead_code)]
    value: Option<Any>,
}

#[derive(der::Sequence)]
struct DigestInfo {
    digest_algorithm: AlgorithmIdentifierOwned,
    digest: OctetString,
}

/// A parsed Authenticode signature, before the file digest is known.
pub(crate) struct Signature {
    /// The algorithm of the signed PE digest.
    pub digest_alg: HashAlg,
    /// The PE digest the signer signed.
    pub signed_digest: Vec<u8>,
    /// The signer's certificate, when it came with the signature.
    pub signer_cert: Option<Certificate>,
    /// Every certificate that came with the signature.
    pub certs: Vec<Certificate>,
    signer: SignerInfo,
    /// The DER content octets of the `SpcIndirectDataContent` (what messageDigest covers).
    content: Vec<u8>,
}

/// The first PKCS#7 signature of a certificate table.
pub(crate) fn first_signature(table: &[u8]) -> Result<&[u8], String> {
    let mut pos = 0usize;
    while pos + 8 <= table.len() {
        let header = table.get(pos..pos + 8).ok_or("certificate table header")?;
        let length = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = u16::from_le_bytes([header[6], header[7]]);
        if length < 8 || pos.checked_add(length).is_none_or(|e| e > table.len()) {
            return Err(format!(
                "WIN_CERTIFICATE at {pos} has length {length}, outside the table of {} bytes",
                table.len()
            ));
        }
        if kind == WIN_CERT_TYPE_PKCS_SIGNED_DATA {
            return table
                .get(pos + 8..pos + length)
                .ok_or_else(|| "WIN_CERTIFICATE".into());
        }
        // Entries are 8-byte aligned.
        pos = (pos + length + 7) & !7;
    }
    Err("no PKCS#7 signature in the certificate table".into())
}

/// Parses the PKCS#7 `SignedData` of an Authenticode signature.
pub(crate) fn parse(pkcs7: &[u8]) -> Result<Signature, String> {
    // The table may pad the DER with zeros: decode one value and ignore what follows.
    let (info, _) = ContentInfo::from_der_partial(pkcs7)
        .map_err(|e| format!("malformed PKCS#7 ContentInfo: {e}"))?;
    if info.content_type != SIGNED_DATA {
        return Err(format!(
            "PKCS#7 content type {} is not signedData",
            info.content_type
        ));
    }
    let sd: SignedData = info
        .content
        .decode_as()
        .map_err(|e| format!("malformed PKCS#7 SignedData: {e}"))?;
    if sd.encap_content_info.econtent_type != SPC_INDIRECT_DATA {
        return Err(format!(
            "signed content type {} is not SpcIndirectDataContent",
            sd.encap_content_info.econtent_type
        ));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the signature carries no SpcIndirectDataContent")?;
    let indirect: SpcIndirectDataContent = econtent
        .decode_as()
        .map_err(|e| format!("malformed SpcIndirectDataContent: {e}"))?;
    if indirect.data.kind != SPC_PE_IMAGE_DATA {
        return Err(format!(
            "signed data type {} is not a PE image (SpcPeImageData)",
            indirect.data.kind
        ));
    }
    let digest_alg =
        HashAlg::from_oid(&indirect.message_digest.digest_algorithm.oid).ok_or_else(|| {
            format!(
                "unsupported PE digest algorithm {}",
                indirect.message_digest.digest_algorithm.oid
            )
        })?;
    let signed_digest = indirect.message_digest.digest.as_bytes().to_vec();
    let mut signers = sd.signer_infos.0.iter();
    let signer = signers.next().ok_or("the signature has no signer")?.clone();
    if signers.next().is_some() {
        return Err("Authenticode allows exactly one signer; this signature has more".into());
    }
    let certs: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .take(MAX_CERTS)
        .collect();
    let signer_cert = certs.iter().find(|c| is_signer(&signer.sid, c)).cloned();
    Ok(Signature {
        digest_alg,
        signed_digest,
        signer_cert,
        certs,
        signer,
        content: econtent.value().to_vec(),
    })
}

fn is_signer(sid: &SignerIdentifier, cert: &Certificate) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(ias) => {
            ias.issuer == *tbs.issuer() && ias.serial_number == *tbs.serial_number()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .is_some_and(|(_, own)| own == *ski),
    }
}

impl Signature {
    /// Checks the signer's signature: the signed attributes name SpcIndirectDataContent, their
    /// messageDigest is the digest of the signed content, and the signer's key signed them.
    pub fn verify_signer(&self) -> Result<(), String> {
        let cert = self
            .signer_cert
            .as_ref()
            .ok_or("the signer's certificate is not in the signature")?;
        let digest_alg = HashAlg::from_oid(&self.signer.digest_alg.oid).ok_or_else(|| {
            format!(
                "unsupported signer digest algorithm {}",
                self.signer.digest_alg.oid
            )
        })?;
        let attrs = self
            .signer
            .signed_attrs
            .as_ref()
            .ok_or("the signer has no signed attributes")?;
        let single = |oid: ObjectIdentifier, name: &str| -> Result<&Any, String> {
            let mut found = attrs.iter().filter(|a| a.oid == oid);
            let attr = found
                .next()
                .ok_or_else(|| format!("no {name} signed attribute"))?;
            if found.next().is_some() || attr.values.len() != 1 {
                return Err(format!("the {name} signed attribute is not single-valued"));
            }
            attr.values
                .get(0)
                .ok_or_else(|| format!("empty {name} attribute"))
        };
        let content_type: ObjectIdentifier = single(CONTENT_TYPE, "contentType")?
            .decode_as()
            .map_err(|e| format!("malformed contentType attribute: {e}"))?;
        if content_type != SPC_INDIRECT_DATA {
            return Err(format!(
                "signed contentType {content_type} is not SpcIndirectDataContent"
            ));
        }
        let message_digest: OctetString = single(MESSAGE_DIGEST, "messageDigest")?
            .decode_as()
            .map_err(|e| format!("malformed messageDigest attribute: {e}"))?;
        // Authenticode digests the content octets of SpcIndirectDataContent (without its tag
        // and length).
        if message_digest.as_bytes() != digest_alg.digest(&self.content).as_slice() {
            return Err("the signed messageDigest does not match the signed content".into());
        }
        // The signature covers the DER of the attributes as a SET OF (tag 0x31).
        let signed = der_of(attrs)?;
        crypto::verify(
            cert.tbs_certificate().subject_public_key_info(),
            &self.signer.signature_algorithm,
            Some(digest_alg),
            &signed,
            self.signer.signature.as_bytes(),
        )
        .map_err(|e| format!("signer signature: {e}"))
    }
}
