//! `inspect::inspect_reader` over arbitrary bytes: never panics or hangs, always gives the
//! SHA-256 and size of the input, and never calls a signature valid without a trust store.
//! With the fixtures' test root trusted, a mutated signed file may be valid only when every byte
//! the Authenticode digest covers is unchanged (the fuzzer mostly finds invalid ones).
#![no_main]

use std::io::Cursor;
use std::sync::OnceLock;

use jitaccess::inspect::{inspect_reader, Options, TrustStore};
use jitaccess::Launch;
use libfuzzer_sys::fuzz_target;

fn trusted() -> &'static Options {
    static O: OnceLock<Options> = OnceLock::new();
    O.get_or_init(|| {
        let pem = include_bytes!("../../core/tests/fixtures/pe/root.pem");
        Options::new().trust(TrustStore::from_pem(pem).unwrap_or_default())
    })
}

fuzz_target!(|data: &[u8]| {
    let plain = inspect_reader(Cursor::new(data), "C:\\f.exe", &Options::new())
        .expect("reading from memory cannot fail");
    assert_eq!(plain.size, data.len() as u64);
    assert_eq!(plain.launch.sha256.as_ref().map(String::len), Some(64));
    if let Some(s) = &plain.launch.signer {
        assert!(!s.valid, "valid without a trust store");
    }
    // The facts are always a launch that parses back.
    let json = serde_json::to_string(&plain.launch).expect("serializes");
    assert_eq!(Launch::from_json(&json).expect("is a launch"), plain.launch);

    let found = inspect_reader(Cursor::new(data), "C:\\f.exe", trusted()).expect("in memory");
    if let Some(s) = &found.launch.signer {
        if s.valid {
            let check = found.signature.as_ref().expect("a valid signer has a check");
            assert!(check.digest_matches && check.signature_verified && check.chain_trusted);
            assert_eq!(s.signature_intact, Some(true));
        }
    }
});
