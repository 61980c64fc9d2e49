//! The typed C launch (`JitaccessLaunch`) borrowing a Rust [`Launch`]'s strings, for the
//! benchmarks of the C ABI (`benches/ffi.rs`, `examples/ffi_profile.rs`).

use std::ffi::c_char;

use jitaccess::Launch;
use jitaccess_ffi::{JitaccessLaunch, JitaccessStr};

/// A borrowed string field; `None` is absent (NULL).
pub fn s(v: Option<&String>) -> JitaccessStr {
    match v {
        Some(v) => JitaccessStr {
            ptr: v.as_ptr().cast::<c_char>(),
            len: v.len(),
        },
        None => JitaccessStr {
            ptr: std::ptr::null(),
            len: 0,
        },
    }
}

/// The typed launch borrowing `l`'s strings (`groups` holds the group array).
pub fn typed(l: &Launch, groups: &[JitaccessStr], tags: &[JitaccessStr]) -> JitaccessLaunch {
    let user = l.user.as_ref();
    let signer = l.signer.as_ref();
    let v = l.version.as_ref();
    JitaccessLaunch {
        path: s(Some(&l.path)),
        user_name: s(user.and_then(|u| u.name.as_ref())),
        user_sid: s(user.and_then(|u| u.sid.as_ref())),
        user_groups: groups.as_ptr(),
        user_groups_len: groups.len(),
        computer_name: s(l.computer.as_ref().and_then(|c| c.name.as_ref())),
        computer_tags: tags.as_ptr(),
        computer_tags_len: tags.len(),
        sha256: s(l.sha256.as_ref()),
        signer_valid: signer.is_some_and(|s| s.valid),
        signer_signature_intact: signer.and_then(|s| s.signature_intact).map_or(-1, i8::from),
        signer_publisher: s(signer.and_then(|s| s.publisher.as_ref())),
        signer_thumbprint: s(signer.and_then(|s| s.thumbprint.as_ref())),
        signer_issuer: s(signer.and_then(|s| s.issuer.as_ref())),
        signer_not_before: s(signer.and_then(|s| s.not_before.as_ref())),
        signer_not_after: s(signer.and_then(|s| s.not_after.as_ref())),
        version_product_name: s(v.and_then(|v| v.product_name.as_ref())),
        version_original_file_name: s(v.and_then(|v| v.original_file_name.as_ref())),
        version_file_version: s(v.and_then(|v| v.file_version.as_ref())),
        version_company_name: s(v.and_then(|v| v.company_name.as_ref())),
        version_file_description: s(v.and_then(|v| v.file_description.as_ref())),
        version_internal_name: s(v.and_then(|v| v.internal_name.as_ref())),
        version_product_version: s(v.and_then(|v| v.product_version.as_ref())),
        clsid: s(l.clsid.as_ref()),
        command_line: s(l.command_line.as_ref()),
    }
}
