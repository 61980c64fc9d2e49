//! `jitaccess::inspect` over the committed PE fixtures (core/tests/fixtures/pe, built by its
//! build.sh). Expected hashes, thumbprints and validity dates come from `expected.txt`, which
//! build.sh wrote with sha256sum, openssl and osslsigncode: independent tools.
#![cfg(feature = "inspect")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use jitaccess::inspect::{self, Format, Inspection, Options, TrustStore};
use jitaccess::{Launch, Outcome, Policy};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pe")
}

fn fixture(name: &str) -> PathBuf {
    dir().join(name)
}

/// `expected.txt`: `kind name value...` lines.
fn expected() -> HashMap<(String, String), String> {
    let text = std::fs::read_to_string(fixture("expected.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let kind = parts.next().unwrap().to_string();
            let mut name = parts.next().unwrap().to_string();
            let mut value = parts.next().unwrap().to_string();
            // `osslsigncode FILE ROOT ok|fail`: the root is part of the key.
            if kind == "osslsigncode" {
                let (root, verdict) = value.split_once(' ').unwrap();
                name = format!("{name} {root}");
                value = verdict.to_string();
            }
            ((kind, name), value)
        })
        .collect()
}

fn fact(kind: &str, name: &str) -> String {
    expected()
        .get(&(kind.to_string(), name.to_string()))
        .unwrap_or_else(|| panic!("expected.txt has no {kind} {name}"))
        .clone()
}

fn root() -> TrustStore {
    TrustStore::from_path(fixture("root.pem")).unwrap()
}

fn with_root() -> Options {
    Options::new().trust(root())
}

fn run(name: &str, opts: &Options) -> Inspection {
    inspect::inspect(fixture(name), opts).unwrap()
}

const ALL: [&str; 11] = [
    "unsigned64.exe",
    "unsigned32.exe",
    "single64.exe",
    "nores64.exe",
    "signed64.exe",
    "signed32.exe",
    "signed32-sha1.exe",
    "signed64-ecdsa.exe",
    "tampered64.exe",
    "untrusted64.exe",
    "notpe.bin",
];

#[test]
fn sha256_of_every_fixture_matches_sha256sum() {
    for name in ALL {
        let want = fact("sha256", name);
        let found = run(name, &Options::new());
        assert_eq!(
            found.launch.sha256.as_deref(),
            Some(want.as_str()),
            "{name}"
        );
        assert_eq!(inspect::sha256_file(fixture(name)).unwrap(), want, "{name}");
        assert_eq!(
            found.size,
            std::fs::metadata(fixture(name)).unwrap().len(),
            "{name}"
        );
        // The launch path is the absolute path of the file.
        assert!(Path::new(&found.launch.path).is_absolute(), "{name}");
        assert!(found.launch.path.ends_with(name), "{name}");
    }
}

#[test]
fn versioninfo_of_pe32_and_pe32_plus_uses_the_translated_table() {
    for (name, format) in [
        ("unsigned64.exe", Format::Pe32Plus),
        ("unsigned32.exe", Format::Pe32),
        ("signed32.exe", Format::Pe32),
    ] {
        let found = run(name, &Options::new());
        assert_eq!(found.format, format, "{name}");
        let v = found.launch.version.as_ref().unwrap();
        // The German table comes first in the file; the translation block names 0409/04b0.
        assert_eq!(v.company_name.as_deref(), Some("Jitaccess Test Vendor"));
        assert_eq!(v.product_name.as_deref(), Some("Jitaccess Fixture \u{e9}"));
        assert_eq!(v.original_file_name.as_deref(), Some("Fixture.exe"));
        assert_eq!(v.file_version.as_deref(), Some("1.2.3.4 (fixture)"));
        assert_eq!(v.internal_name.as_deref(), Some("fixture"));
        assert_eq!(
            v.file_description.as_deref(),
            Some("Jitaccess fixture program")
        );
        assert_eq!(v.product_version.as_deref(), Some("1.2"));
        assert_eq!(found.fixed_file_version.as_deref(), Some("1.2.3.4"));
        assert_eq!(found.fixed_product_version.as_deref(), Some("1.2.0.0"));
        assert_eq!(found.version_language.as_deref(), Some("040904b0"));
        assert!(found.notes.is_empty(), "{name}: {:?}", found.notes);
    }
}

#[test]
fn single_table_without_file_version_string_uses_the_fixed_version() {
    let found = run("single64.exe", &Options::new());
    let v = found.launch.version.unwrap();
    assert_eq!(found.version_language.as_deref(), Some("041104b0"));
    assert_eq!(v.company_name.as_deref(), Some("Jitaccess Single Table"));
    assert_eq!(v.product_name.as_deref(), Some("Single"));
    assert_eq!(v.original_file_name.as_deref(), Some("single.exe"));
    assert_eq!(v.file_version.as_deref(), Some("5.6.7.8"));
    assert_eq!(v.product_version.as_deref(), Some("5.6.0.0"));
    assert_eq!(v.internal_name, None);
    assert!(found.launch.signer.is_none());
}

#[test]
fn no_resources_and_non_pe_files_give_the_hash_only() {
    let found = run("nores64.exe", &Options::new());
    assert_eq!(found.format, Format::Pe32Plus);
    assert!(found.launch.version.is_none() && found.launch.signer.is_none());
    assert!(found.signature.is_none() && found.notes.is_empty());
    let found = run("notpe.bin", &with_root());
    assert_eq!(found.format, Format::Other);
    assert!(found.launch.version.is_none() && found.launch.signer.is_none());
    assert!(found.notes.is_empty(), "{:?}", found.notes);
}

/// The signed fixtures, their leaf in expected.txt, and their publisher.
const SIGNED: [(&str, &str, &str, &str); 4] = [
    ("signed64.exe", "leaf", "Jitaccess Test Vendor", "sha256"),
    ("signed32.exe", "leaf", "Jitaccess Test Vendor", "sha256"),
    ("signed32-sha1.exe", "leaf", "Jitaccess Test Vendor", "sha1"),
    // No O in the subject: the CN is the publisher.
    (
        "signed64-ecdsa.exe",
        "ecleaf",
        "Jitaccess EC Signer",
        "sha256",
    ),
];

#[test]
fn signed_files_chain_to_the_trusted_root_through_the_intermediate() {
    for (name, leaf, publisher, digest) in SIGNED {
        assert_eq!(
            fact("osslsigncode", &format!("{name} root")),
            "ok",
            "{name}: the oracle"
        );
        let found = run(name, &with_root());
        let signer = found.launch.signer.as_ref().unwrap();
        let check = found.signature.as_ref().unwrap();
        assert!(signer.valid, "{name}: {:?}", check.problems);
        assert_eq!(signer.signature_intact, Some(true));
        assert_eq!(signer.publisher.as_deref(), Some(publisher), "{name}");
        assert_eq!(
            signer.thumbprint.as_deref(),
            Some(fact("thumbprint", leaf).as_str())
        );
        assert_eq!(
            signer.not_before.as_deref(),
            Some(fact("notBefore", leaf).as_str())
        );
        assert_eq!(
            signer.not_after.as_deref(),
            Some(fact("notAfter", leaf).as_str())
        );
        assert_eq!(
            signer.issuer.as_deref(),
            Some("CN=Jitaccess Test Code Signing CA,O=Jitaccess Test,C=ZZ")
        );
        assert_eq!(check.digest_algorithm.as_deref(), Some(digest));
        assert!(check.digest_matches && check.signature_verified && check.chain_trusted);
        assert_eq!(check.chain.len(), 3, "{:?}", check.chain);
        assert_eq!(
            check.chain[1],
            "CN=Jitaccess Test Code Signing CA,O=Jitaccess Test,C=ZZ"
        );
        assert_eq!(
            check.chain[2],
            "CN=Jitaccess Test Root CA,O=Jitaccess Test,C=ZZ"
        );
        assert!(check.problems.is_empty());
        // The JSON of the launch is a launch that eval accepts (no unknown keys).
        let json = serde_json::to_string(&found.launch).unwrap();
        assert_eq!(Launch::from_json(&json).unwrap(), found.launch);
    }
}

#[test]
fn without_a_trust_store_nothing_is_valid_but_the_signature_is_intact() {
    for (name, ..) in SIGNED {
        let launch = inspect::file(fixture(name)).unwrap();
        let signer = launch.signer.unwrap();
        assert!(!signer.valid, "{name}");
        assert_eq!(signer.signature_intact, Some(true), "{name}");
    }
    // An empty store is no better.
    let found = run("signed64.exe", &Options::new().trust(TrustStore::new()));
    assert!(!found.launch.signer.unwrap().valid);
}

#[test]
fn tampered_file_is_neither_intact_nor_valid() {
    assert_eq!(fact("osslsigncode", "tampered64.exe root"), "fail");
    let found = run("tampered64.exe", &with_root());
    let signer = found.launch.signer.as_ref().unwrap();
    assert!(!signer.valid);
    assert_eq!(signer.signature_intact, Some(false));
    let check = found.signature.unwrap();
    assert!(!check.digest_matches);
    assert!(
        check.problems[0].contains("changed after signing"),
        "{:?}",
        check.problems
    );
    // Still the same signer certificate.
    assert_eq!(
        signer.thumbprint.as_deref(),
        Some(fact("thumbprint", "leaf").as_str())
    );
}

#[test]
fn self_made_microsoft_certificate_is_valid_only_under_its_own_root() {
    assert_eq!(fact("osslsigncode", "untrusted64.exe rogue"), "ok");
    assert_eq!(fact("osslsigncode", "untrusted64.exe root"), "fail");
    let found = run("untrusted64.exe", &with_root());
    let signer = found.launch.signer.as_ref().unwrap();
    assert_eq!(signer.publisher.as_deref(), Some("Microsoft Corporation"));
    assert_eq!(
        signer.thumbprint.as_deref(),
        Some(fact("thumbprint", "rogueleaf").as_str())
    );
    assert!(!signer.valid);
    assert_eq!(signer.signature_intact, Some(true));
    assert!(!found.signature.as_ref().unwrap().chain_trusted);

    let rogue = TrustStore::from_path(fixture("rogue-root.pem")).unwrap();
    let found = run("untrusted64.exe", &Options::new().trust(rogue.clone()));
    assert!(found.launch.signer.unwrap().valid);
    // And the real test root's files are not valid under the rogue root.
    let found = run("signed64.exe", &Options::new().trust(rogue));
    assert!(!found.launch.signer.unwrap().valid);
}

#[test]
fn certificates_are_checked_at_the_given_time() {
    let nb = chrono::DateTime::parse_from_rfc3339(&fact("notBefore", "leaf"))
        .unwrap()
        .to_utc();
    let na = chrono::DateTime::parse_from_rfc3339(&fact("notAfter", "leaf"))
        .unwrap()
        .to_utc();
    let at = |t| run("signed64.exe", &with_root().at(t));
    let secs = chrono::TimeDelta::seconds;
    assert!(at(nb).launch.signer.unwrap().valid);
    // (The root and the intermediate were made a few seconds before the leaf: they expire
    // first.)
    assert!(at(na - secs(86_400)).launch.signer.unwrap().valid);
    for t in [nb - secs(1), na + secs(1)] {
        let found = at(t);
        let signer = found.launch.signer.unwrap();
        assert!(!signer.valid, "{t}");
        assert_eq!(signer.signature_intact, Some(true));
        let problems = found.signature.unwrap().problems;
        assert!(problems[0].contains("is not valid at"), "{problems:?}");
    }
}

/// Offsets of the checksum, the security directory entry and the certificate table of a PE
/// file, read here by hand (independently of the library).
fn excluded(data: &[u8]) -> (usize, usize, usize) {
    let u16_at = |o: usize| u16::from_le_bytes([data[o], data[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes(data[o..o + 4].try_into().unwrap()) as usize;
    let nt = u32_at(0x3C);
    let optional = nt + 24;
    let security = optional + if u16_at(optional) == 0x20B { 112 } else { 96 } + 32;
    (optional + 64, security, u32_at(security))
}

#[test]
fn any_changed_byte_covered_by_the_digest_makes_it_invalid() {
    for name in ["signed64.exe", "signed32.exe"] {
        let data = std::fs::read(fixture(name)).unwrap();
        let (checksum, security, table) = excluded(&data);
        assert!(table > security && table < data.len());
        let opts = with_root();
        let mut flipped = 0;
        for i in 0..table {
            if (checksum..checksum + 4).contains(&i) || (security..security + 8).contains(&i) {
                continue;
            }
            let mut bad = data.clone();
            bad[i] ^= 0x20;
            let found = inspect::inspect_reader(Cursor::new(&bad), "x.exe", &opts).unwrap();
            let valid = found.launch.signer.as_ref().is_some_and(|s| s.valid);
            assert!(!valid, "{name}: byte {i} changed, still valid");
            flipped += 1;
        }
        assert!(flipped > 1000, "{flipped}");
        // The checksum is outside the digest: changing it leaves the signature valid.
        let mut bad = data.clone();
        bad[checksum] ^= 0x20;
        let found = inspect::inspect_reader(Cursor::new(&bad), "x.exe", &opts).unwrap();
        assert!(found.launch.signer.unwrap().valid, "{name}");
        // Bytes appended after the signature make it invalid.
        let mut longer = data.clone();
        longer.extend_from_slice(&[0; 8]);
        let found = inspect::inspect_reader(Cursor::new(&longer), "x.exe", &opts).unwrap();
        assert!(!found.launch.signer.unwrap().valid, "{name}");
    }
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"))
}

#[test]
fn changes_in_the_signature_itself_make_it_invalid() {
    let data = std::fs::read(fixture("signed64.exe")).unwrap();
    let opts = with_root();
    let check = |bad: &[u8], what: &str| {
        let found = inspect::inspect_reader(Cursor::new(bad), "x.exe", &opts).unwrap();
        let signer = found.launch.signer.unwrap();
        assert!(!signer.valid, "{what}");
    };
    // The leaf's subject (O=Jitaccess Test Vendor): its issuer's signature breaks.
    let at = find(&data, b"Jitaccess Test Vendor");
    for i in at..at + 21 {
        let mut bad = data.clone();
        bad[i] ^= 0x01;
        check(&bad, &format!("leaf subject byte {i}"));
    }
    // The messageDigest signed attribute (OID 1.2.840.113549.1.9.4, then SET, OCTET STRING).
    let oid = [
        0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04,
    ];
    let at = find(&data, &oid) + oid.len() + 4;
    for i in at..at + 32 {
        let mut bad = data.clone();
        bad[i] ^= 0x01;
        check(&bad, &format!("messageDigest byte {i}"));
    }
    // The signer's RSA signature value: the last 256 bytes of the PKCS#7 (no unsigned
    // attributes), before the table's zero padding.
    let end = data.iter().rposition(|&b| b != 0).unwrap() + 1;
    for i in end - 256..end {
        let mut bad = data.clone();
        bad[i] ^= 0x01;
        check(&bad, &format!("signature byte {i}"));
    }
}

#[test]
fn truncated_and_mangled_files_never_panic() {
    let opts = with_root();
    for name in ["signed64.exe", "signed32.exe", "unsigned64.exe"] {
        let data = std::fs::read(fixture(name)).unwrap();
        for n in (0..data.len()).step_by(7) {
            let found = inspect::inspect_reader(Cursor::new(&data[..n]), "x.exe", &opts).unwrap();
            assert!(
                !found.launch.signer.is_some_and(|s| s.valid),
                "{name}[..{n}]"
            );
            assert_eq!(found.size, n as u64);
        }
        // Every header byte set to 0xFF, one at a time.
        for i in 0..0x400.min(data.len()) {
            let mut bad = data.clone();
            bad[i] = 0xFF;
            let _ = inspect::inspect_reader(Cursor::new(&bad), "x.exe", &opts).unwrap();
        }
    }
    // A broken PE header is reported, with the hash still there.
    let mut data = std::fs::read(fixture("unsigned64.exe")).unwrap();
    let (_, _, _) = excluded(&data);
    let nt = u32::from_le_bytes(data[0x3C..0x40].try_into().unwrap()) as usize;
    data[nt + 24] = 0x77; // optional header magic
    let found = inspect::inspect_reader(Cursor::new(&data), "x.exe", &opts).unwrap();
    assert_eq!(found.format, Format::Other);
    assert!(found.launch.sha256.is_some());
    assert!(
        found.notes.iter().any(|n| n.contains("PE")),
        "{:?}",
        found.notes
    );
}

#[test]
fn trust_store_from_a_folder_of_der_and_pem_and_errors() {
    let tmp = std::env::temp_dir().join(format!("jitaccess-trust-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::copy(fixture("root.der"), tmp.join("root.der")).unwrap();
    std::fs::copy(fixture("rogue-root.pem"), tmp.join("rogue.PEM")).unwrap();
    std::fs::write(tmp.join("README.txt"), "not a certificate").unwrap();
    let store = TrustStore::from_path(&tmp).unwrap();
    assert_eq!(store.len(), 2);
    let opts = Options::new().trust(store);
    assert!(run("signed64.exe", &opts).launch.signer.unwrap().valid);
    assert!(run("untrusted64.exe", &opts).launch.signer.unwrap().valid);
    // A bundle: both roots in one PEM file.
    let mut bundle = std::fs::read(fixture("root.pem")).unwrap();
    bundle.extend(std::fs::read(fixture("rogue-root.pem")).unwrap());
    assert_eq!(TrustStore::from_pem(&bundle).unwrap().len(), 2);
    // Errors name what is wrong.
    std::fs::write(
        tmp.join("broken.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let e = TrustStore::from_path(&tmp).unwrap_err().to_string();
    assert!(e.contains("broken.pem"), "{e}");
    let e = TrustStore::from_path(tmp.join("missing.pem"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.pem"), "{e}");
    let e = TrustStore::from_path(fixture("notpe.bin"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not an X.509 certificate"), "{e}");
    let empty = tmp.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(TrustStore::from_path(&empty).is_err());
    std::fs::remove_dir_all(&tmp).unwrap();
    // Missing files to inspect are I/O errors naming the file.
    let e = inspect::file(fixture("missing.exe"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.exe"), "{e}");
    // Folders and devices are refused rather than read (a device may never end).
    let e = inspect::file(dir()).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    if Path::new("/dev/zero").exists() {
        let e = inspect::sha256_file("/dev/zero").unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
}

#[test]
fn vendor_rules_need_a_valid_signer() {
    let policy = Policy::from_yaml(
        r#"
apiVersion: jitaccess/v1
name: t
platform: linux
applications:
  - { id: ours, vendor: 'Jitaccess Test Vendor', product: 'Jitaccess Fixture *', fileName: 'signed64.exe' }
  - { id: ms, vendor: 'Microsoft Corporation' }
privilegeLists:
  - { id: tools, elevation: automatic, applications: [ours, ms] }
"#,
    )
    .unwrap()
    .compile();
    let at = chrono::Utc::now();
    let decide = |name: &str, opts: &Options| {
        let launch: Launch = run(name, opts).into();
        policy.evaluate(&launch, at).unwrap()
    };
    let d = decide("signed64.exe", &with_root());
    assert_eq!(d.outcome, Outcome::Elevate);
    assert_eq!(d.rule.as_deref(), Some("tools/ours"));
    assert_eq!(
        decide("signed64.exe", &Options::new()).outcome,
        Outcome::None
    );
    assert_eq!(
        decide("tampered64.exe", &with_root()).outcome,
        Outcome::None
    );
    assert_eq!(
        decide("untrusted64.exe", &with_root()).outcome,
        Outcome::None
    );
}
