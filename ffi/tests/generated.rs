//! The committed header (`ffi/include/jitaccess.h`, cbindgen) and C# declarations
//! (`bindings/csharp/NativeMethods.g.cs`, csbindgen) are what the generators make from the
//! source now. `JITACCESS_BLESS=1` rewrites them instead of failing.

#![allow(clippy::unwrap_used)]
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn compare_or_bless(committed: &Path, fresh: &str, how: &str) {
    if std::env::var_os("JITACCESS_BLESS").is_some() {
        std::fs::write(committed, fresh).unwrap();
        return;
    }
    let old = std::fs::read_to_string(committed).unwrap_or_default();
    assert!(
        old == fresh,
        "{} is out of date with ffi/src: regenerate it with `JITACCESS_BLESS=1 cargo test -p jitaccess-ffi --test generated` ({how})",
        committed.display()
    );
}

#[test]
fn c_header_is_current() {
    let dir = crate_dir();
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    let bindings = cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .unwrap();
    let mut out = Vec::new();
    bindings.write(&mut out);
    let text = String::from_utf8(out).unwrap();
    for f in [
        "jitaccess_evaluate",
        "jitaccess_engine_submit",
        "jitaccess_string_free",
    ] {
        assert!(text.contains(f), "{f} missing from the generated header");
    }
    compare_or_bless(&dir.join("include/jitaccess.h"), &text, "cbindgen");
}

#[test]
fn csharp_declarations_are_current() {
    let dir = crate_dir();
    let tmp = std::env::temp_dir().join(format!("jitaccess-csbindgen-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let out = tmp.join("NativeMethods.g.cs");
    let mut b = csbindgen::Builder::default();
    for f in [
        "lib.rs",
        "result.rs",
        "typed.rs",
        "policy.rs",
        "engine.rs",
        "testfile.rs",
    ] {
        b = b.input_extern_file(dir.join("src").join(f));
    }
    b.csharp_dll_name("jitaccess_ffi")
        .csharp_namespace("JitAccess.Native")
        .csharp_class_name("NativeMethods")
        .csharp_class_accessibility("public")
        .csharp_use_nint_types(false)
        .generate_csharp_file(&out)
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_dir_all(&tmp).ok();
    for f in [
        "jitaccess_evaluate",
        "jitaccess_engine_submit",
        "jitaccess_string_free",
    ] {
        assert!(
            text.contains(f),
            "{f} missing from the generated C# declarations"
        );
    }
    let committed = dir.join("../bindings/csharp/NativeMethods.g.cs");
    std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
    compare_or_bless(&committed, &text, "csbindgen");
}
