//! uniffi-bindgen for this crate (library mode): `generate.sh` runs it over the built cdylib.

fn main() {
    uniffi::uniffi_bindgen_main()
}
