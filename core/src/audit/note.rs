//! Ed25519 keys, C2SP signed notes (`c2sp.org/signed-note`) and tlog checkpoints
//! (`c2sp.org/tlog-checkpoint`).
//!
//! - Key id: the first 4 bytes of `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)`.
//! - Verifier key text (`NAME.pub`): `name+hex(key id)+base64(0x01 ‖ public key)`.
//! - Signer key text (`NAME.key`): `PRIVATE+KEY+name+hex(key id)+base64(0x01 ‖ seed)`, the
//!   format of Go's `golang.org/x/mod/sumdb/note`, so keys interoperate with that ecosystem.
//! - A signed note is the text (ending in a newline), a blank line, and one line per signature:
//!   `— name base64(key id ‖ signature)`.
//! - A checkpoint is the note text `origin\nsize\nbase64(root)\n` (optionally extension lines).

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::b64;
use super::merkle::Hash;

/// The signature type byte of Ed25519 in signed notes.
const ALG_ED25519: u8 = 0x01;
/// The prefix of a signature line: an em dash and a space.
pub const SIG_PREFIX: &str = "\u{2014} ";

/// Errors of keys, notes and checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteError {
    /// A key name that is empty, has whitespace or a `+`.
    #[error("key name '{0}' is not valid: it must be non-empty, without spaces or '+'")]
    KeyName(String),
    /// A key text that is not in the expected format.
    #[error("malformed {what} key: {why}")]
    Key {
        /// `signer` or `verifier`.
        what: &'static str,
        /// What is wrong.
        why: String,
    },
    /// The operating system could not give random bytes for a new key.
    #[error("no randomness for a new key: {0}")]
    Random(String),
    /// A note that is not well-formed.
    #[error("malformed signed note: {0}")]
    Malformed(String),
    /// No signature by the expected key.
    #[error("the note has no signature by key '{0}'")]
    Unsigned(String),
    /// A signature by the expected key that does not verify.
    #[error("the signature by key '{0}' is not valid")]
    BadSignature(String),
    /// A checkpoint body that is not well-formed.
    #[error("malformed checkpoint: {0}")]
    Checkpoint(String),
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.contains('+') || name.chars().any(char::is_whitespace) {
        return Err(NoteError::KeyName(name.to_string()));
    }
    Ok(())
}

fn key_id(name: &str, public: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ALG_ED25519]);
    h.update(public);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A private signing key with its name.
///
/// ```
/// use jitaccess::audit::SignerKey;
/// let key = SignerKey::generate("corp-audit").unwrap();
/// let again = SignerKey::parse(&key.to_text()).unwrap();
/// assert_eq!(again.verifier().to_text(), key.verifier().to_text());
/// ```
#[derive(Clone)]
pub struct SignerKey {
    name: String,
    key: SigningKey,
    id: [u8; 4],
}

impl std::fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignerKey({}+{})", self.name, b64::hex(&self.id))
    }
}

impl SignerKey {
    /// A new key from the operating system's random generator.
    pub fn generate(name: &str) -> Result<SignerKey, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| NoteError::Random(e.to_string()))?;
        Self::from_seed(name, &seed)
    }

    /// The key of a 32-byte Ed25519 seed.
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<SignerKey, NoteError> {
        check_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, &key.verifying_key().to_bytes());
        Ok(SignerKey {
            name: name.to_string(),
            key,
            id,
        })
    }

    /// Parses `PRIVATE+KEY+name+hexid+base64(0x01 ‖ seed)` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<SignerKey, NoteError> {
        let bad = |why: &str| NoteError::Key {
            what: "signer",
            why: why.to_string(),
        };
        let rest = text
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("it does not start with PRIVATE+KEY+"))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected PRIVATE+KEY+name+id+key"));
        };
        let raw = b64::decode(data).ok_or_else(|| bad("the key is not base64"))?;
        let seed: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, seed)) => seed
                .try_into()
                .map_err(|_| bad("the Ed25519 seed is not 32 bytes"))?,
            _ => return Err(bad("not an Ed25519 key")),
        };
        let key = Self::from_seed(name, &seed)?;
        if b64::hex(&key.id) != id.to_ascii_lowercase() {
            return Err(bad("the key id does not match the key"));
        }
        Ok(key)
    }

    /// The key as text, for `NAME.key`.
    pub fn to_text(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(self.key.as_bytes());
        format!(
            "PRIVATE+KEY+{}+{}+{}",
            self.name,
            b64::hex(&self.id),
            b64::encode(&raw)
        )
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key: self.key.verifying_key(),
            id: self.id,
        }
    }

    /// Signs a note text (which must end with a newline): the text, a blank line and the
    /// signature line.
    ///
    /// ```
    /// use jitaccess::audit::SignerKey;
    /// let key = SignerKey::generate("k").unwrap();
    /// let note = key.sign_note("hello\n").unwrap();
    /// assert_eq!(key.verifier().open(&note).unwrap(), "hello\n");
    /// ```
    pub fn sign_note(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.id.to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!(
            "{text}\n{SIG_PREFIX}{} {}\n",
            self.name,
            b64::encode(&blob)
        ))
    }
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed(
            "the text does not end with a newline".into(),
        ));
    }
    if text.split('\n').any(|l| l.starts_with(SIG_PREFIX)) {
        return Err(NoteError::Malformed(
            "the text has a line that looks like a signature".into(),
        ));
    }
    if text.contains("\n\n") || text.starts_with('\n') {
        return Err(NoteError::Malformed("the text has a blank line".into()));
    }
    Ok(())
}

/// A public verifier key with its name.
///
/// ```
/// use jitaccess::audit::VerifierKey;
/// let k = VerifierKey::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k").unwrap();
/// assert_eq!(k.name(), "example.com/foo");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
    id: [u8; 4],
}

impl VerifierKey {
    /// Parses `name+hexid+base64(0x01 ‖ public key)` (surrounding whitespace ignored).
    pub fn parse(text: &str) -> Result<VerifierKey, NoteError> {
        let bad = |why: &str| NoteError::Key {
            what: "verifier",
            why: why.to_string(),
        };
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+id+key"));
        };
        check_name(name)?;
        let raw = b64::decode(data).ok_or_else(|| bad("the key is not base64"))?;
        let public: [u8; 32] = match raw.split_first() {
            Some((&ALG_ED25519, k)) => k
                .try_into()
                .map_err(|_| bad("the Ed25519 public key is not 32 bytes"))?,
            _ => return Err(bad("not an Ed25519 key")),
        };
        let key =
            VerifyingKey::from_bytes(&public).map_err(|_| bad("not a valid Ed25519 public key"))?;
        let kid = key_id(name, &public);
        if b64::hex(&kid) != id.to_ascii_lowercase() {
            return Err(bad("the key id does not match the key"));
        }
        Ok(VerifierKey {
            name: name.to_string(),
            key,
            id: kid,
        })
    }

    /// The key as text, for `NAME.pub`.
    pub fn to_text(&self) -> String {
        let mut raw = vec![ALG_ED25519];
        raw.extend_from_slice(&self.key.to_bytes());
        format!("{}+{}+{}", self.name, b64::hex(&self.id), b64::encode(&raw))
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Verifies a signed note and returns its text. Signatures by other keys are ignored
    /// (they may be witnesses' cosignatures); one valid signature by this key is required, and
    /// an invalid signature that claims to be by this key fails the note.
    pub fn open<'a>(&self, note: &'a str) -> Result<&'a str, NoteError> {
        let (text, sigs) = split_note(note)?;
        let mut found = false;
        for line in sigs.lines() {
            let Some(rest) = line.strip_prefix(SIG_PREFIX) else {
                return Err(NoteError::Malformed(format!(
                    "'{line}' is not a signature line"
                )));
            };
            let Some((name, blob)) = rest.split_once(' ') else {
                return Err(NoteError::Malformed(format!("'{line}' has no signature")));
            };
            let raw = b64::decode(blob).ok_or_else(|| {
                NoteError::Malformed(format!("the signature of '{name}' is not base64"))
            })?;
            if name != self.name || raw.len() < 4 || raw[..4] != self.id {
                continue;
            }
            let sig: [u8; 64] = raw[4..]
                .try_into()
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            self.key
                .verify_strict(text.as_bytes(), &sig)
                .map_err(|_| NoteError::BadSignature(self.name.clone()))?;
            found = true;
        }
        if found {
            Ok(text)
        } else {
            Err(NoteError::Unsigned(self.name.clone()))
        }
    }
}

/// The text of a signed note, without checking any signature.
pub(crate) fn note_text(note: &str) -> Result<&str, NoteError> {
    split_note(note).map(|(text, _)| text)
}

/// Splits a signed note into its text (with its final newline) and its signature block.
fn split_note(note: &str) -> Result<(&str, &str), NoteError> {
    let Some(i) = note.find("\n\n") else {
        return Err(NoteError::Malformed(
            "no blank line before the signatures".into(),
        ));
    };
    let (text, sigs) = (&note[..=i], &note[i + 2..]);
    if sigs.is_empty() || !sigs.ends_with('\n') {
        return Err(NoteError::Malformed(
            "the signature block does not end with a newline".into(),
        ));
    }
    if sigs.contains("\n\n") {
        return Err(NoteError::Malformed(
            "a blank line in the signature block".into(),
        ));
    }
    check_text(text)?;
    Ok((text, sigs))
}

/// A tlog checkpoint: the log's origin, its size and root hash at that size.
///
/// ```
/// use jitaccess::audit::Checkpoint;
/// let c = Checkpoint::new("example.com/log", 3, [7; 32]);
/// assert_eq!(Checkpoint::parse(&c.to_text()).unwrap(), c);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The origin line: the log's unique name.
    pub origin: String,
    /// The number of records covered.
    pub size: u64,
    /// The Merkle root of the first `size` records.
    pub root: Hash,
}

impl Checkpoint {
    /// A checkpoint.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Checkpoint {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
        }
    }

    /// The note text: `origin\nsize\nbase64(root)\n`.
    pub fn to_text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            b64::encode(&self.root)
        )
    }

    /// Parses a checkpoint note text (extension lines after the root are allowed and ignored).
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        let bad = |why: &str| NoteError::Checkpoint(why.to_string());
        let mut lines = text.split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| bad("no origin line"))?;
        let size = lines.next().ok_or_else(|| bad("no size line"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(bad("the size is not a decimal number"));
        }
        let size: u64 = size.parse().map_err(|_| bad("the size is too large"))?;
        let root = lines.next().ok_or_else(|| bad("no root hash line"))?;
        let root: Hash = b64::decode(root)
            .and_then(|r| r.try_into().ok())
            .ok_or_else(|| bad("the root hash is not 32 bytes of base64"))?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const GO_SIG: &str = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=";

    /// Known answer of golang.org/x/mod/sumdb/note: Ed25519 is deterministic, so the note
    /// must come out byte for byte.
    #[test]
    fn go_sumdb_note_known_answer() {
        let k = SignerKey::parse(GO_SKEY).unwrap();
        assert_eq!(k.to_text(), GO_SKEY);
        assert_eq!(k.verifier().to_text(), GO_VKEY);
        let note = k.sign_note(GO_TEXT).unwrap();
        assert_eq!(note, format!("{GO_TEXT}\n\u{2014} PeterNeumann {GO_SIG}\n"));
        let v = VerifierKey::parse(GO_VKEY).unwrap();
        assert_eq!(v.open(&note).unwrap(), GO_TEXT);
    }

    /// The example of c2sp.org/signed-note.
    #[test]
    fn c2sp_spec_example() {
        let v = VerifierKey::parse(
            "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        )
        .unwrap();
        let note = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        assert_eq!(v.open(note).unwrap(), "This is an example message.\n");
        let tampered = note.replace("example message", "example massage");
        assert!(matches!(v.open(&tampered), Err(NoteError::BadSignature(_))));
    }

    #[test]
    fn wrong_key_and_damage_are_detected() {
        let k = SignerKey::parse(GO_SKEY).unwrap();
        let note = k.sign_note(GO_TEXT).unwrap();
        let other = SignerKey::generate("PeterNeumann").unwrap().verifier();
        assert!(matches!(other.open(&note), Err(NoteError::Unsigned(_))));
        // Flip every character of the signature in turn.
        let v = k.verifier();
        let start = note.find(GO_SIG).unwrap();
        for i in start..start + GO_SIG.len() - 1 {
            let mut b = note.clone().into_bytes();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let s = String::from_utf8(b).unwrap();
            assert!(v.open(&s).is_err(), "byte {i}");
        }
        assert!(v.open(GO_TEXT).is_err());
        assert!(SignerKey::generate("bad name").is_err());
        assert!(SignerKey::generate("a+b").is_err());
        assert!(
            VerifierKey::parse(
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
            )
            .is_err()
        );
    }

    #[test]
    fn checkpoint_parse_rejects_garbage() {
        for t in [
            "",
            "o\n",
            "o\nx\n",
            "o\n01\nAAAA\n",
            "o\n1\nAAAA\n",
            "\n1\nAAAA\n",
        ] {
            assert!(Checkpoint::parse(t).is_err(), "{t:?}");
        }
    }
}
