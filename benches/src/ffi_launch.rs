//! The typed C launch (`JitaccessLaunch`) borrowing a Rust [`Launch`]'s strings, for the
//! benchmarks of the C ABI (`benches/ffi.rs`, `examples/ffi_profile.rs`).

use std::ffi::{CString, c_char};

use chrono::{DateTime, Utc};
use jitaccess::{CompiledPolicy, Launch, Policy};
use jitaccess_ffi::{
    JitaccessCode, JitaccessCompiledPolicy, JitaccessDecision, JitaccessFormat, JitaccessLaunch,
    JitaccessPolicy, JitaccessStr, jitaccess_compiled_policy_free, jitaccess_policy_compile,
    jitaccess_policy_free, jitaccess_policy_from_str,
};

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

/// The set-up shared by the C ABI benchmark (`benches/ffi.rs`) and its profile driver
/// (`examples/ffi_profile.rs`): the `verified-exe` hit of the 10 000-rule workload, its policy
/// compiled in Rust and through the ABI, and the launch as typed fields and as JSON.
///
/// Set-up failures are bugs of the workload generator or of the ABI: they panic with a message.
pub struct FfiSetup {
    /// The evaluation time.
    pub at: DateTime<Utc>,
    /// The launch.
    pub launch: Launch,
    /// The rule the launch must get.
    pub rule: String,
    /// The policy compiled in Rust.
    pub compiled_rust: CompiledPolicy,
    /// The same policy loaded through the ABI.
    pub policy: *mut JitaccessPolicy,
    /// ... and compiled through it.
    pub compiled: *mut JitaccessCompiledPolicy,
    /// The launch as JSON.
    pub launch_json: String,
    /// The launch as a C string of JSON.
    pub launch_c: CString,
    /// `at` as a C string (RFC 3339).
    pub at_c: CString,
    groups: Vec<JitaccessStr>,
    tags: Vec<JitaccessStr>,
}

impl FfiSetup {
    /// Generates the workload and builds everything.
    #[allow(clippy::panic)]
    pub fn new() -> FfiSetup {
        let at = crate::at();
        let w = crate::generate(10_000);
        let hit = w
            .hits
            .into_iter()
            .find(|h| h.name == "verified-exe")
            .unwrap_or_else(|| panic!("the workload has a verified-exe hit"));
        let launch = hit.launch;
        let doc = serde_json::to_string(&w.document).unwrap_or_else(|e| panic!("{e}"));
        let compiled_rust = Policy::from_json(&doc)
            .unwrap_or_else(|e| panic!("generated policy must load: {e}"))
            .compile();
        let text = CString::new(doc).unwrap_or_default();
        let mut policy = std::ptr::null_mut();
        let mut compiled: *mut JitaccessCompiledPolicy = std::ptr::null_mut();
        // SAFETY: valid strings and out-pointers.
        unsafe {
            let r =
                jitaccess_policy_from_str(text.as_ptr(), JitaccessFormat::Json as i32, &mut policy);
            assert_eq!(r.code, JitaccessCode::Ok, "policy through the ABI");
            let r = jitaccess_policy_compile(policy, &mut compiled);
            assert_eq!(r.code, JitaccessCode::Ok, "compile through the ABI");
        }
        let groups = launch
            .user
            .iter()
            .flat_map(|u| u.groups.iter())
            .map(|g| s(Some(g)))
            .collect();
        let tags = launch
            .computer
            .iter()
            .flat_map(|c| c.tags.iter())
            .map(|t| s(Some(t)))
            .collect();
        let launch_json = serde_json::to_string(&launch).unwrap_or_default();
        FfiSetup {
            at,
            rule: hit.rule,
            compiled_rust,
            policy,
            compiled,
            launch_c: CString::new(launch_json.clone()).unwrap_or_default(),
            launch_json,
            at_c: CString::new(at.to_rfc3339()).unwrap_or_default(),
            groups,
            tags,
            launch,
        }
    }

    /// The launch as typed fields, borrowing this set-up's strings.
    pub fn typed(&self) -> JitaccessLaunch {
        typed(&self.launch, &self.groups, &self.tags)
    }

    /// `at` in milliseconds since the epoch.
    pub fn at_ms(&self) -> i64 {
        self.at.timestamp_millis()
    }
}

impl Default for FfiSetup {
    fn default() -> Self {
        FfiSetup::new()
    }
}

impl Drop for FfiSetup {
    fn drop(&mut self) {
        // SAFETY: handles made in `new`, used by no one else now.
        unsafe {
            jitaccess_compiled_policy_free(self.compiled);
            jitaccess_policy_free(self.policy);
        }
    }
}

/// A zeroed decision to pass as the out-parameter of the typed evaluate.
pub fn empty_decision() -> JitaccessDecision {
    JitaccessDecision::empty()
}
