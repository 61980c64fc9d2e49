//! The typed fast path of evaluate: a launch as UTF-8 pointer+length fields in, a decision as
//! plain fields out — no JSON on either side.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_void};

use jitaccess::{
    Computer, ComputerRef, Decision, Elevation, Launch, LaunchRef, Outcome, Signer, SignerRef,
    StrList, User, UserRef, VersionInfo, VersionRef, Warning,
};

use crate::result::{Failure, JitaccessCode, Res};

/// A borrowed UTF-8 string: `ptr` to `len` bytes (no NUL needed). `ptr == NULL` means the
/// field is absent; a non-NULL `ptr` with `len == 0` is the empty string.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct JitaccessStr {
    /// The first byte, or NULL for "absent".
    pub ptr: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

/// The launch facts of policy.md §2 as plain fields (every string a [`JitaccessStr`]; NULL
/// `ptr` = absent). Zero-initialize it (`JitaccessLaunch l = {0};`) and set what you know.
/// The library only reads it during the call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct JitaccessLaunch {
    /// Full path of the executable (required).
    pub path: JitaccessStr,
    /// `user.name`.
    pub user_name: JitaccessStr,
    /// `user.sid`.
    pub user_sid: JitaccessStr,
    /// `user.groups`: an array of `user_groups_len` strings (NULL when the length is 0).
    pub user_groups: *const JitaccessStr,
    /// Number of entries in `user_groups`.
    pub user_groups_len: usize,
    /// `computer.name`.
    pub computer_name: JitaccessStr,
    /// `computer.tags`: an array of `computer_tags_len` strings.
    pub computer_tags: *const JitaccessStr,
    /// Number of entries in `computer_tags`.
    pub computer_tags_len: usize,
    /// `sha256`: 64 hex digits.
    pub sha256: JitaccessStr,
    /// `signer.valid`: true only when signature, digest and chain all check.
    pub signer_valid: bool,
    /// `signer.signatureIntact`: -1 unknown (absent), 0 false, 1 true.
    pub signer_signature_intact: i8,
    /// `signer.publisher`.
    pub signer_publisher: JitaccessStr,
    /// `signer.thumbprint`: 64 hex digits.
    pub signer_thumbprint: JitaccessStr,
    /// `signer.issuer`.
    pub signer_issuer: JitaccessStr,
    /// `signer.notBefore` (RFC 3339).
    pub signer_not_before: JitaccessStr,
    /// `signer.notAfter` (RFC 3339).
    pub signer_not_after: JitaccessStr,
    /// `version.productName`.
    pub version_product_name: JitaccessStr,
    /// `version.originalFileName`.
    pub version_original_file_name: JitaccessStr,
    /// `version.fileVersion`.
    pub version_file_version: JitaccessStr,
    /// `version.companyName`.
    pub version_company_name: JitaccessStr,
    /// `version.fileDescription`.
    pub version_file_description: JitaccessStr,
    /// `version.internalName`.
    pub version_internal_name: JitaccessStr,
    /// `version.productVersion`.
    pub version_product_version: JitaccessStr,
    /// `clsid`, braces optional.
    pub clsid: JitaccessStr,
    /// `commandLine`.
    pub command_line: JitaccessStr,
}

/// The outcome of a decision (policy.md §4).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitaccessOutcome {
    /// `elevate`.
    Elevate = 0,
    /// `confirm`.
    Confirm = 1,
    /// `request`.
    Request = 2,
    /// `deny`.
    Deny = 3,
    /// `none`.
    None = 4,
}

/// The winning entry's elevation type.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitaccessElevation {
    /// No list entry won (JIT policies, grants, no winner): JSON `null`.
    Unset = -1,
    /// `automatic`.
    Automatic = 0,
    /// `userConfirmed`.
    UserConfirmed = 1,
    /// `onRequest`.
    OnRequest = 2,
    /// `deny`.
    Deny = 3,
}

/// Bit of [`JitaccessDecision::warnings`]: `unresolvedPath`.
pub const JITACCESS_WARNING_UNRESOLVED_PATH: u32 = 1;
/// Bit of [`JitaccessDecision::warnings`]: `notAllowlisted`.
pub const JITACCESS_WARNING_NOT_ALLOWLISTED: u32 = 2;

/// A decision as plain fields. Filled by the typed evaluate calls; its strings are owned by
/// the caller until `jitaccess_decision_free` (which frees them and zeroes the struct).
#[repr(C)]
#[derive(Debug)]
pub struct JitaccessDecision {
    /// What may happen.
    pub outcome: JitaccessOutcome,
    /// The winning list entry's elevation type, or `JITACCESS_ELEVATION_UNSET`.
    pub elevation: JitaccessElevation,
    /// For `request`: the longest duration that may be requested, in seconds; 0 = none.
    pub max_duration_seconds: u64,
    /// `JITACCESS_WARNING_*` bits.
    pub warnings: u32,
    /// The winner (`<list>/<application>`, `jit:<id>`, `grant:<id>`), or NULL for no winner.
    pub rule: *mut c_char,
    /// An explanation an administrator understands.
    pub reason: *mut c_char,
    /// The winning application id, or NULL.
    pub application: *mut c_char,
    /// The winning privilege list id, or NULL.
    pub privilege_list: *mut c_char,
    /// Every other candidate that matched, in precedence order: `shadowed_len` strings.
    pub shadowed: *mut *mut c_char,
    /// Number of entries in `shadowed`.
    pub shadowed_len: usize,
    /// The library's: the one block holding every string above (freed by
    /// `jitaccess_decision_free`). Do not read or change it.
    pub storage: *mut c_void,
}

impl JitaccessDecision {
    /// A decision with no outcome and null strings: what the typed evaluate functions write
    /// before they fill it, and a value for a Rust host to pass as their out-parameter.
    pub fn empty() -> JitaccessDecision {
        JitaccessDecision {
            outcome: JitaccessOutcome::None,
            elevation: JitaccessElevation::Unset,
            max_duration_seconds: 0,
            warnings: 0,
            rule: std::ptr::null_mut(),
            reason: std::ptr::null_mut(),
            application: std::ptr::null_mut(),
            privilege_list: std::ptr::null_mut(),
            shadowed: std::ptr::null_mut(),
            shadowed_len: 0,
            storage: std::ptr::null_mut(),
        }
    }

    /// Copies the decision's strings into one block (one allocation per decision, one free),
    /// checking for NUL while copying; only when a string holds one (never expected) is the
    /// block rebuilt with the NULs replaced (see [`clean`]).
    pub(crate) fn from_decision(d: &Decision) -> JitaccessDecision {
        let (out, nul) = Self::build(
            d,
            d.rule.as_deref(),
            d.application.as_deref(),
            d.privilege_list.as_deref(),
            &d.reason,
            &d.shadowed,
        );
        if !nul {
            return out;
        }
        let mut out = out;
        out.release();
        let shadowed: Vec<Cow<'_, str>> = d.shadowed.iter().map(|s| clean(s)).collect();
        let rule = d.rule.as_deref().map(clean);
        let application = d.application.as_deref().map(clean);
        let privilege_list = d.privilege_list.as_deref().map(clean);
        Self::build(
            d,
            rule.as_deref(),
            application.as_deref(),
            privilege_list.as_deref(),
            &clean(&d.reason),
            &shadowed,
        )
        .0
    }

    /// The block of [`JitaccessDecision::from_decision`] from the given strings, and whether
    /// any of them holds a NUL.
    fn build<S: AsRef<str>>(
        d: &Decision,
        rule: Option<&str>,
        application: Option<&str>,
        privilege_list: Option<&str>,
        reason: &str,
        shadowed: &[S],
    ) -> (JitaccessDecision, bool) {
        // Each string and its NUL (plain adds: no iterator chain to fold).
        let opt_len = |s: Option<&str>| s.map_or(0, |s| s.len() + 1);
        let mut bytes =
            opt_len(rule) + opt_len(application) + opt_len(privilege_list) + reason.len() + 1;
        for s in shadowed {
            bytes += s.as_ref().len() + 1;
        }
        let n = shadowed.len();
        // Word 0: the block's length in words; then `n` pointers; then the NUL-terminated bytes.
        // One spare word (kept from when the copy wrote whole words past the last NUL).
        let words = 2 + n + bytes.div_ceil(std::mem::size_of::<usize>());
        // Not zeroed: every byte read later (word 0, the pointers, each string and its NUL) is
        // written below; only padding after the last NUL stays uninitialized, never read.
        let (base, words) = take_block(words);
        let mut nul = false;
        // SAFETY: `base` points to `words` words owned by us; every write below stays inside
        // them (`bytes` was summed from the very strings written, plus the spare word).
        unsafe {
            base.write(words);
            let ptrs = base.add(1).cast::<*mut c_char>();
            let mut cursor = base.add(1 + n).cast::<u8>();
            let mut put = |s: &str| -> *mut c_char {
                nul |= copy_has_nul(s.as_bytes(), cursor);
                cursor.add(s.len()).write(0);
                let p = cursor.cast::<c_char>();
                cursor = cursor.add(s.len() + 1);
                p
            };
            let mut opt = |s: Option<&str>| s.map_or(std::ptr::null_mut(), &mut put);
            let rule_p = opt(rule);
            let application_p = opt(application);
            let privilege_list_p = opt(privilege_list);
            let reason_p = put(reason);
            for (i, sh) in shadowed.iter().enumerate() {
                ptrs.add(i).write(put(sh.as_ref()));
            }
            let out = JitaccessDecision {
                outcome: match d.outcome {
                    Outcome::Elevate => JitaccessOutcome::Elevate,
                    Outcome::Confirm => JitaccessOutcome::Confirm,
                    Outcome::Request => JitaccessOutcome::Request,
                    Outcome::Deny => JitaccessOutcome::Deny,
                    _ => JitaccessOutcome::None,
                },
                elevation: match d.elevation {
                    Some(Elevation::Automatic) => JitaccessElevation::Automatic,
                    Some(Elevation::UserConfirmed) => JitaccessElevation::UserConfirmed,
                    Some(Elevation::OnRequest) => JitaccessElevation::OnRequest,
                    Some(Elevation::Deny) => JitaccessElevation::Deny,
                    _ => JitaccessElevation::Unset,
                },
                max_duration_seconds: d.max_duration.map_or(0, |m| m.as_secs()),
                warnings: d.warnings.iter().fold(0, |acc, w| {
                    acc | match w {
                        Warning::UnresolvedPath => JITACCESS_WARNING_UNRESOLVED_PATH,
                        Warning::NotAllowlisted => JITACCESS_WARNING_NOT_ALLOWLISTED,
                        _ => 0,
                    }
                }),
                rule: rule_p,
                reason: reason_p,
                application: application_p,
                privilege_list: privilege_list_p,
                shadowed: if n == 0 { std::ptr::null_mut() } else { ptrs },
                shadowed_len: n,
                storage: base.cast::<c_void>(),
            };
            (out, nul)
        }
    }

    /// Frees the block of strings and zeroes the fields.
    pub(crate) fn release(&mut self) {
        if !self.storage.is_null() {
            let base = self.storage.cast::<usize>();
            // SAFETY: made by `from_decision` (`take_block`): a boxed slice whose word 0 is its
            // length, no longer referenced by the caller.
            unsafe {
                give_block(base);
            }
        }
        *self = JitaccessDecision::empty();
    }
}

/// One freed decision block kept per thread for the next decision (a typed evaluate then
/// allocates nothing once warm). Word 0 of a block is its length in words. Freed with the thread.
struct SpareBlock(Cell<*mut usize>);

impl Drop for SpareBlock {
    fn drop(&mut self) {
        let p = self.0.replace(std::ptr::null_mut());
        if !p.is_null() {
            // SAFETY: a block of `take_block`, owned by this slot alone.
            unsafe { free_block(p) };
        }
    }
}

thread_local! {
    static SPARE: SpareBlock = const { SpareBlock(Cell::new(std::ptr::null_mut())) };
}

/// Frees a block whose word 0 is its length in words.
///
/// # Safety
/// `p` was made by [`take_block`] and is referenced nowhere else.
unsafe fn free_block(p: *mut usize) {
    // SAFETY: the caller's promise; a boxed slice of `*p` words.
    unsafe {
        let words = *p;
        drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, words)));
    }
}

/// A block of at least `words` words (word 0 holding its length, the rest uninitialized): this
/// thread's spare block when it is large enough, else a new one. Returns it and its length.
fn take_block(words: usize) -> (*mut usize, usize) {
    let spare = SPARE
        .try_with(|s| s.0.replace(std::ptr::null_mut()))
        .unwrap_or(std::ptr::null_mut());
    if !spare.is_null() {
        // SAFETY: a block of `take_block` owned by the slot, now by us; word 0 is its length.
        let have = unsafe { *spare };
        if have >= words {
            return (spare, have);
        }
        // SAFETY: owned by us, referenced nowhere else.
        unsafe { free_block(spare) };
    }
    let p = Box::into_raw(Box::<[usize]>::new_uninit_slice(words)).cast::<usize>();
    // SAFETY: `words >= 1` (the caller always counts word 0).
    unsafe { p.write(words) };
    (p, words)
}

/// Gives a block back: kept as this thread's spare when the slot is empty, else freed.
///
/// # Safety
/// `p` was made by [`take_block`] and is referenced nowhere else.
unsafe fn give_block(p: *mut usize) {
    let kept = SPARE
        .try_with(|s| {
            if s.0.get().is_null() {
                s.0.set(p);
                true
            } else {
                false
            }
        })
        .unwrap_or(false);
    if !kept {
        // SAFETY: forwarded.
        unsafe { free_block(p) };
    }
}

/// Whether a byte is 0, eight bytes at a time: `(w - 0x01..) & !w & 0x80..` is non-zero
/// exactly when some byte of `w` is zero (decision strings are short, where this beats
/// `memchr`'s set-up).
fn has_nul(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let x = u64::from_ne_bytes(b);
        if x.wrapping_sub(ONES) & !x & HIGH != 0 {
            return true;
        }
    }
    words.remainder().contains(&0)
}

/// Copies `src` to `dst` and tells whether some byte is 0: sixteen bytes at a time on x86-64
/// (SSE2: a compare with zero per block), else eight (the test of [`has_nul`] on each word);
/// the tail is one more block (or word, or half-word) overlapping the last, so nothing outside
/// `src` is read and nothing past `dst + src.len()` is written (no variable-length copy).
///
/// # Safety
/// `dst` is valid for writes of `src.len()` bytes and does not overlap `src`.
#[inline]
unsafe fn copy_has_nul(src: &[u8], dst: *mut u8) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let n = src.len();
    let p = src.as_ptr();
    // SAFETY: every read is inside `src`, every write inside the first `n` bytes at `dst`.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        if n >= 16 {
            use std::arch::x86_64::{
                __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
                _mm_setzero_si128, _mm_storeu_si128,
            };
            let z = _mm_setzero_si128();
            let last = _mm_loadu_si128(p.add(n - 16).cast::<__m128i>());
            let mut found = _mm_cmpeq_epi8(last, z);
            let mut i = 0;
            while i + 16 < n {
                let x = _mm_loadu_si128(p.add(i).cast::<__m128i>());
                found = _mm_or_si128(found, _mm_cmpeq_epi8(x, z));
                _mm_storeu_si128(dst.add(i).cast::<__m128i>(), x);
                i += 16;
            }
            _mm_storeu_si128(dst.add(n - 16).cast::<__m128i>(), last);
            return _mm_movemask_epi8(found) != 0;
        }
        if n >= 8 {
            let last = p.add(n - 8).cast::<u64>().read_unaligned();
            let mut found = zero(last);
            let mut i = 0;
            while i + 8 < n {
                let x = p.add(i).cast::<u64>().read_unaligned();
                found |= zero(x);
                dst.add(i).cast::<u64>().write_unaligned(x);
                i += 8;
            }
            dst.add(n - 8).cast::<u64>().write_unaligned(last);
            found != 0
        } else if n >= 4 {
            let a = p.cast::<u32>().read_unaligned();
            let b = p.add(n - 4).cast::<u32>().read_unaligned();
            dst.cast::<u32>().write_unaligned(a);
            dst.add(n - 4).cast::<u32>().write_unaligned(b);
            zero(u64::from(a) | (u64::from(b) << 32)) != 0
        } else {
            let mut found = false;
            for i in 0..n {
                let b = *p.add(i);
                *dst.add(i) = b;
                found |= b == 0;
            }
            found
        }
    }
}

/// C cannot hold a NUL inside a string: such a byte (never expected) becomes U+FFFD.
fn clean(s: &str) -> Cow<'_, str> {
    if has_nul(s.as_bytes()) {
        Cow::Owned(s.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether every byte is ASCII: the bytes OR-ed eight at a time, the tail as one more word
/// overlapping the last (launch fields are short, where this beats `<[u8]>::is_ascii`, which
/// aligns first, and a byte loop over the tail).
#[inline]
fn is_ascii(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let n = bytes.len();
    let word = |at: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes.get(at..at + 8).unwrap_or(&[0; 8]));
        u64::from_ne_bytes(b)
    };
    if n >= 8 {
        let mut acc = word(n - 8);
        let mut i = 0;
        while i + 8 < n {
            acc |= word(i);
            i += 8;
        }
        acc & HIGH == 0
    } else if n >= 4 {
        let half = |at: usize| {
            let mut b = [0u8; 4];
            b.copy_from_slice(bytes.get(at..at + 4).unwrap_or(&[0; 4]));
            u32::from_ne_bytes(b)
        };
        (half(0) | half(n - 4)) & 0x8080_8080 == 0
    } else {
        bytes.iter().fold(0u8, |acc, &b| acc | b) < 0x80
    }
}

/// Reads one string field.
///
/// # Safety
/// `s.ptr` is NULL or valid for `s.len` bytes.
unsafe fn field<'a>(s: JitaccessStr, what: &str) -> Res<Option<&'a str>> {
    if s.ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller promises `len` readable bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
    if is_ascii(bytes) {
        // SAFETY: ASCII is UTF-8 (the check is cheaper than full validation for short fields).
        return Ok(Some(unsafe { std::str::from_utf8_unchecked(bytes) }));
    }
    std::str::from_utf8(bytes).map(Some).map_err(|e| {
        Failure::new(
            JitaccessCode::InvalidUtf8,
            format!("launch.{what} is not valid UTF-8: {e}"),
        )
    })
}

/// The failure for a field that is not UTF-8.
fn utf8_failure(what: &str, e: std::str::Utf8Error) -> Failure {
    Failure::new(
        JitaccessCode::InvalidUtf8,
        format!("launch.{what} is not valid UTF-8: {e}"),
    )
}

/// Replaces `dst`'s text with `bytes`, copied and checked in one pass eight bytes at a time
/// (the bytes OR-ed for the ASCII test; full UTF-8 validation only when some byte is not
/// ASCII). No allocation once `dst` has the capacity. On invalid UTF-8 `dst` is left empty.
fn copy_checked(dst: &mut String, bytes: &[u8]) -> Result<(), std::str::Utf8Error> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    dst.clear();
    dst.reserve(bytes.len());
    let n = bytes.len();
    // SAFETY: `reserve` made room for `n` bytes; every read stays in `bytes`, every write in
    // the first `n` bytes of the buffer; the length becomes `n` only after the bytes are known
    // to be UTF-8, so `dst` is a valid (empty) string on every exit before that.
    unsafe {
        let v = dst.as_mut_vec();
        let out = v.as_mut_ptr();
        let src = bytes.as_ptr();
        let mut acc = 0u64;
        let mut i = 0;
        while i + 8 <= n {
            let w = src.add(i).cast::<u64>().read_unaligned();
            acc |= w;
            out.add(i).cast::<u64>().write_unaligned(w);
            i += 8;
        }
        if i < n {
            if n >= 8 {
                // The last eight bytes, overlapping the words already copied.
                let w = src.add(n - 8).cast::<u64>().read_unaligned();
                acc |= w;
                out.add(n - 8).cast::<u64>().write_unaligned(w);
            } else {
                while i < n {
                    let b = *src.add(i);
                    acc |= u64::from(b);
                    *out.add(i) = b;
                    i += 1;
                }
            }
        }
        if acc & HIGH != 0 {
            std::str::from_utf8(bytes)?;
        }
        v.set_len(n);
    }
    Ok(())
}

/// Sets an optional string field from a C field (NULL = absent), reusing its allocation.
///
/// # Safety
/// `s.ptr` is NULL or valid for `s.len` bytes.
unsafe fn put(dst: &mut Option<String>, s: JitaccessStr, what: &str) -> Res {
    if s.ptr.is_null() {
        *dst = None;
        return Ok(());
    }
    // SAFETY: the caller promises `len` readable bytes at `ptr`.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
    copy_checked(dst.get_or_insert_with(String::new), bytes).map_err(|e| utf8_failure(what, e))
}

/// Sets a list field from an array of strings, reusing allocations.
///
/// # Safety
/// `ptr` is NULL or valid for `len` [`JitaccessStr`]s, each valid as in [`field`].
/// A NULL array with a non-zero length is the caller's mistake, not an empty list: treating it as
/// "no groups" could take the user out of a group-scoped deny (fail closed).
fn null_list(ptr: *const JitaccessStr, len: usize, what: &str) -> Res {
    if ptr.is_null() {
        return Err(Failure::new(
            JitaccessCode::NullArgument,
            format!("launch.{what} is NULL but its length is {len}"),
        ));
    }
    Ok(())
}

unsafe fn set_list(dst: &mut Vec<String>, ptr: *const JitaccessStr, len: usize, what: &str) -> Res {
    if len == 0 {
        dst.clear();
        return Ok(());
    }
    null_list(ptr, len, what)?;
    // SAFETY: the caller promises `len` entries.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    dst.truncate(len);
    for (i, s) in items.iter().enumerate() {
        if s.ptr.is_null() {
            return Err(Failure::new(
                JitaccessCode::NullArgument,
                format!("launch.{what}[{i}] is NULL"),
            ));
        }
        // SAFETY: the caller promises `len` readable bytes at `ptr`.
        let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
        if dst.len() <= i {
            dst.push(String::new());
        }
        if let Some(d) = dst.get_mut(i) {
            copy_checked(d, bytes).map_err(|e| utf8_failure(what, e))?;
        }
    }
    Ok(())
}

thread_local! {
    /// One reusable launch per thread: the typed path allocates only when a string grows.
    static SCRATCH: RefCell<Launch> = RefCell::new(Launch::default());
}

/// Fills `launch` from the typed fields.
///
/// # Safety
/// Every pointer in `l` is NULL or valid as documented on [`JitaccessLaunch`].
unsafe fn fill(launch: &mut Launch, l: &JitaccessLaunch) -> Res {
    let given = |s: &JitaccessStr| !s.ptr.is_null();
    // SAFETY (whole function): the caller promises valid fields. Fields are read in the
    // order of `JitaccessLaunch` (the first bad one is reported); every field of `launch` is
    // overwritten or reset, so nothing of an earlier call stays.
    unsafe {
        if l.path.ptr.is_null() {
            return Err(Failure::new(
                JitaccessCode::InvalidLaunch,
                "launch.path: is required",
            ));
        }
        let path = std::slice::from_raw_parts(l.path.ptr.cast::<u8>(), l.path.len);
        copy_checked(&mut launch.path, path).map_err(|e| utf8_failure("path", e))?;

        if given(&l.user_name) || given(&l.user_sid) || l.user_groups_len > 0 {
            let u = launch.user.get_or_insert_with(User::default);
            put(&mut u.name, l.user_name, "user.name")?;
            put(&mut u.sid, l.user_sid, "user.sid")?;
            set_list(
                &mut u.groups,
                l.user_groups,
                l.user_groups_len,
                "user.groups",
            )?;
        } else {
            launch.user = None;
        }

        if given(&l.computer_name) || l.computer_tags_len > 0 {
            let c = launch.computer.get_or_insert_with(Computer::default);
            put(&mut c.name, l.computer_name, "computer.name")?;
            set_list(
                &mut c.tags,
                l.computer_tags,
                l.computer_tags_len,
                "computer.tags",
            )?;
        } else {
            launch.computer = None;
        }

        put(&mut launch.sha256, l.sha256, "sha256")?;

        let intact = match l.signer_signature_intact {
            i8::MIN..=-1 => None,
            0 => Some(false),
            _ => Some(true),
        };
        if l.signer_valid
            || intact.is_some()
            || [
                &l.signer_publisher,
                &l.signer_thumbprint,
                &l.signer_issuer,
                &l.signer_not_before,
                &l.signer_not_after,
            ]
            .into_iter()
            .any(given)
        {
            let s = launch.signer.get_or_insert_with(Signer::default);
            s.valid = l.signer_valid;
            s.signature_intact = intact;
            put(&mut s.publisher, l.signer_publisher, "signer.publisher")?;
            put(&mut s.thumbprint, l.signer_thumbprint, "signer.thumbprint")?;
            put(&mut s.issuer, l.signer_issuer, "signer.issuer")?;
            put(&mut s.not_before, l.signer_not_before, "signer.notBefore")?;
            put(&mut s.not_after, l.signer_not_after, "signer.notAfter")?;
        } else {
            launch.signer = None;
        }

        let v = [
            l.version_product_name,
            l.version_original_file_name,
            l.version_file_version,
            l.version_company_name,
            l.version_file_description,
            l.version_internal_name,
            l.version_product_version,
        ];
        if v.iter().any(given) {
            let d = launch.version.get_or_insert_with(VersionInfo::default);
            put(&mut d.product_name, v[0], "version.productName")?;
            put(&mut d.original_file_name, v[1], "version.originalFileName")?;
            put(&mut d.file_version, v[2], "version.fileVersion")?;
            put(&mut d.company_name, v[3], "version.companyName")?;
            put(&mut d.file_description, v[4], "version.fileDescription")?;
            put(&mut d.internal_name, v[5], "version.internalName")?;
            put(&mut d.product_version, v[6], "version.productVersion")?;
        } else {
            launch.version = None;
        }

        put(&mut launch.clsid, l.clsid, "clsid")?;
        put(&mut launch.command_line, l.command_line, "commandLine")?;
    }
    Ok(())
}

/// Builds the launch in this thread's scratch launch and runs `f` on it.
///
/// # Safety
/// As [`fill`].
pub(crate) unsafe fn with_launch<R>(
    l: &JitaccessLaunch,
    f: impl FnOnce(&Launch) -> Res<R>,
) -> Res<R> {
    let mut fresh = None;
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut launch) => {
            // SAFETY: forwarded.
            unsafe { fill(&mut launch, l) }?;
            f(&launch)
        }
        Err(_) => {
            let launch = fresh.insert(Launch::default());
            // SAFETY: forwarded.
            unsafe { fill(launch, l) }?;
            f(launch)
        }
    })
}

thread_local! {
    /// One reusable decision per thread for `jitaccess_evaluate`: `evaluate_into` writes its
    /// strings into the buffers of the previous decision (no allocation once warm), then they
    /// are copied into the caller's block.
    static DECISION: RefCell<Decision> = RefCell::new(Decision::default());
}

/// Runs `f` on this thread's reusable decision (a fresh one if it is in use).
pub(crate) fn with_decision<R>(f: impl FnOnce(&mut Decision) -> R) -> R {
    DECISION.with(|cell| match cell.try_borrow_mut() {
        Ok(mut d) => f(&mut d),
        Err(_) => f(&mut Decision::default()),
    })
}

thread_local! {
    /// The string slices of the lists (groups, then tags) of the launch being read by
    /// [`with_view`]; empty between calls, its allocation reused.
    static LIST_SCRATCH: Cell<Vec<&'static str>> = const { Cell::new(Vec::new()) };
}

/// Reads one list field into `out` (UTF-8 checked, borrowed).
///
/// # Safety
/// `ptr` is NULL or valid for `len` [`JitaccessStr`]s, each valid as in [`field`].
unsafe fn read_list(out: &mut Vec<&str>, ptr: *const JitaccessStr, len: usize, what: &str) -> Res {
    if len == 0 {
        return Ok(());
    }
    null_list(ptr, len, what)?;
    // SAFETY: the caller promises `len` entries.
    let items = unsafe { std::slice::from_raw_parts(ptr, len) };
    out.reserve(len);
    for (i, s) in items.iter().enumerate() {
        if s.ptr.is_null() {
            return Err(Failure::new(
                JitaccessCode::NullArgument,
                format!("launch.{what}[{i}] is NULL"),
            ));
        }
        // SAFETY: forwarded; not NULL.
        if let Some(v) = unsafe { field(*s, what) }? {
            out.push(v);
        }
    }
    Ok(())
}

/// Reads the typed launch as a [`LaunchRef`] borrowing the caller's strings (each UTF-8
/// checked, nothing copied; only the lists' slices go to a per-thread buffer) and runs `f` on
/// it. The informational fields (`signer.issuer`, `signer.notBefore`, `signer.notAfter`,
/// `version.companyName`, `version.fileDescription`, `version.internalName`,
/// `version.productVersion`), which the matcher does not read, are checked too. Fields are
/// checked in the order of [`JitaccessLaunch`]: the first bad one is reported, with the
/// messages of [`with_launch`].
///
/// # Safety
/// As [`fill`]; the caller's strings outlive the call.
pub(crate) unsafe fn with_view<R>(
    l: &JitaccessLaunch,
    f: impl FnOnce(&LaunchRef<'_>) -> Res<R>,
) -> Res<R> {
    let mut lists: Vec<&str> = LIST_SCRATCH.with(Cell::take);
    // Filled in place (a `LaunchRef` is large: no moves through `Option` and `Result`).
    let mut view = LaunchRef::default();
    // SAFETY: forwarded.
    let r = match unsafe { read_view_ascii(l, &mut lists, &mut view) } {
        Some(groups) => Ok(groups),
        None => {
            lists.clear();
            // SAFETY: forwarded.
            unsafe { read_view(l, &mut lists) }.map(|(v, groups)| {
                view = v;
                groups
            })
        }
    };
    let r = r.and_then(|groups| {
        let (g, t) = lists.split_at(groups);
        if let Some(u) = view.user.as_mut() {
            u.groups = StrList::Borrowed(g);
        }
        if let Some(c) = view.computer.as_mut() {
            c.tags = StrList::Borrowed(t);
        }
        f(&view)
    });
    lists.clear();
    // Empty again: back to a `'static` element type in place (same layout, the allocation is
    // kept), ready for the next call on this thread.
    let lists: Vec<&'static str> = lists.into_iter().map(|_| "").collect();
    LIST_SCRATCH.with(|c| c.set(lists));
    r
}

/// Non-zero exactly when some byte at `ptr` (`len` of them) is not ASCII: on x86-64 the bytes
/// are OR-ed sixteen at a time (SSE2, always present there) with the tail read as an overlapping
/// block, and the high bits gathered by one `movemask`; shorter fields (and other targets) are
/// OR-ed as overlapping words. No byte outside the `len` is read.
///
/// # Safety
/// `ptr` is valid for `len` bytes.
#[inline(always)]
unsafe fn non_ascii(ptr: *const u8, len: usize) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // SAFETY: every read is inside the `len` bytes.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        if len >= 16 {
            use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128};
            let mut acc = _mm_loadu_si128(ptr.add(len - 16).cast::<__m128i>());
            let mut i = 0;
            while i + 16 < len {
                acc = _mm_or_si128(acc, _mm_loadu_si128(ptr.add(i).cast::<__m128i>()));
                i += 16;
            }
            // One bit per byte: its high bit.
            return u64::from(_mm_movemask_epi8(acc).cast_unsigned());
        }
        if len >= 8 {
            let mut acc = ptr.add(len - 8).cast::<u64>().read_unaligned();
            let mut i = 0;
            while i + 8 < len {
                acc |= ptr.add(i).cast::<u64>().read_unaligned();
                i += 8;
            }
            acc & HIGH
        } else if len >= 4 {
            u64::from(
                (ptr.cast::<u32>().read_unaligned()
                    | ptr.add(len - 4).cast::<u32>().read_unaligned())
                    & 0x8080_8080,
            )
        } else if len >= 2 {
            u64::from(
                (ptr.cast::<u16>().read_unaligned()
                    | ptr.add(len - 2).cast::<u16>().read_unaligned())
                    & 0x8080,
            )
        } else if len == 1 {
            u64::from(*ptr & 0x80)
        } else {
            0
        }
    }
}

/// Where each of the 19 single strings of a [`JitaccessLaunch`] lies in it, in the order of
/// the struct: the ASCII pass reads them in place (no copy of the fields onto the stack). A
/// `static`, read through a reference: a `const` array iterated by value is copied first.
static SCALARS: [usize; 19] = [
    std::mem::offset_of!(JitaccessLaunch, path),
    std::mem::offset_of!(JitaccessLaunch, user_name),
    std::mem::offset_of!(JitaccessLaunch, user_sid),
    std::mem::offset_of!(JitaccessLaunch, computer_name),
    std::mem::offset_of!(JitaccessLaunch, sha256),
    std::mem::offset_of!(JitaccessLaunch, signer_publisher),
    std::mem::offset_of!(JitaccessLaunch, signer_thumbprint),
    std::mem::offset_of!(JitaccessLaunch, signer_issuer),
    std::mem::offset_of!(JitaccessLaunch, signer_not_before),
    std::mem::offset_of!(JitaccessLaunch, signer_not_after),
    std::mem::offset_of!(JitaccessLaunch, version_product_name),
    std::mem::offset_of!(JitaccessLaunch, version_original_file_name),
    std::mem::offset_of!(JitaccessLaunch, version_file_version),
    std::mem::offset_of!(JitaccessLaunch, version_company_name),
    std::mem::offset_of!(JitaccessLaunch, version_file_description),
    std::mem::offset_of!(JitaccessLaunch, version_internal_name),
    std::mem::offset_of!(JitaccessLaunch, version_product_version),
    std::mem::offset_of!(JitaccessLaunch, clsid),
    std::mem::offset_of!(JitaccessLaunch, command_line),
];

/// The fast path of [`with_view`]: when the path is given, no list entry is NULL and every
/// byte of every field is ASCII (so each is UTF-8 and nothing can fail), the view read in one
/// pass with no per-field results, written into `view` (which must be the default: only the
/// given parts are set) and `lists`; returns the number of groups. `None` otherwise (nothing
/// written), and [`read_view`] then checks field by field and reports the first problem. Same
/// view as [`read_view`].
///
/// # Safety
/// As [`with_view`].
unsafe fn read_view_ascii<'a: 'v, 'v>(
    l: &JitaccessLaunch,
    lists: &mut Vec<&'a str>,
    view: &mut LaunchRef<'v>,
) -> Option<usize> {
    if l.path.ptr.is_null() {
        return None;
    }
    let mut bad = 0u64;
    // SAFETY (whole function): the caller promises valid fields, alive for `'a`; a string is
    // made from bytes only once all of them are known to be ASCII. Each offset of `SCALARS`
    // is that of a `JitaccessStr` field of `l`.
    unsafe {
        let base = std::ptr::from_ref(l).cast::<u8>();
        for &off in &SCALARS {
            let s = &*base.add(off).cast::<JitaccessStr>();
            // An absent field (NULL) counts as empty, whatever its length says.
            let len = if s.ptr.is_null() { 0 } else { s.len };
            bad |= non_ascii(s.ptr.cast::<u8>(), len);
        }
        let list = |ptr: *const JitaccessStr, len: usize| -> &'a [JitaccessStr] {
            if ptr.is_null() || len == 0 {
                &[]
            } else {
                std::slice::from_raw_parts(ptr, len)
            }
        };
        let groups = list(l.user_groups, l.user_groups_len);
        let tags = list(l.computer_tags, l.computer_tags_len);
        // A NULL array with a length: the checked path reports it.
        let mut null = (l.user_groups.is_null() && l.user_groups_len > 0)
            || (l.computer_tags.is_null() && l.computer_tags_len > 0);
        for s in groups {
            null |= s.ptr.is_null();
            bad |= non_ascii(s.ptr.cast::<u8>(), if s.ptr.is_null() { 0 } else { s.len });
        }
        for s in tags {
            null |= s.ptr.is_null();
            bad |= non_ascii(s.ptr.cast::<u8>(), if s.ptr.is_null() { 0 } else { s.len });
        }
        if bad != 0 || null {
            return None;
        }
        let text = |s: JitaccessStr| -> Option<&'a str> {
            (!s.ptr.is_null()).then(|| {
                std::str::from_utf8_unchecked(std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len))
            })
        };
        // Not NULL (checked above).
        let entry = |s: &JitaccessStr| -> &'a str {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len))
        };
        lists.reserve(groups.len() + tags.len());
        for s in groups {
            lists.push(entry(s));
        }
        for s in tags {
            lists.push(entry(s));
        }
        let given = |s: &JitaccessStr| !s.ptr.is_null();
        view.path = entry(&l.path);
        if given(&l.user_name) | given(&l.user_sid) | (l.user_groups_len > 0) {
            view.user = Some(UserRef {
                name: text(l.user_name),
                sid: text(l.user_sid),
                groups: StrList::default(),
            });
        }
        if given(&l.computer_name) | (l.computer_tags_len > 0) {
            view.computer = Some(ComputerRef {
                name: text(l.computer_name),
                tags: StrList::default(),
            });
        }
        view.sha256 = text(l.sha256);
        if l.signer_valid
            | (l.signer_signature_intact >= 0)
            | given(&l.signer_publisher)
            | given(&l.signer_thumbprint)
            | given(&l.signer_issuer)
            | given(&l.signer_not_before)
            | given(&l.signer_not_after)
        {
            view.signer = Some(SignerRef {
                publisher: text(l.signer_publisher),
                thumbprint: text(l.signer_thumbprint),
                valid: l.signer_valid,
            });
        }
        if given(&l.version_product_name)
            | given(&l.version_original_file_name)
            | given(&l.version_file_version)
            | given(&l.version_company_name)
            | given(&l.version_file_description)
            | given(&l.version_internal_name)
            | given(&l.version_product_version)
        {
            view.version = Some(VersionRef {
                product_name: text(l.version_product_name),
                original_file_name: text(l.version_original_file_name),
                file_version: text(l.version_file_version),
            });
        }
        view.clsid = text(l.clsid);
        view.command_line = text(l.command_line);
        Some(groups.len())
    }
}

/// The fields of [`with_view`], checked one by one in the order of [`JitaccessLaunch`]: the
/// view with empty lists, whose entries go to `lists` (the groups first, then the tags), and
/// the number of groups.
///
/// # Safety
/// As [`with_view`].
unsafe fn read_view<'a>(
    l: &JitaccessLaunch,
    lists: &mut Vec<&'a str>,
) -> Res<(LaunchRef<'a>, usize)> {
    let given = |s: &JitaccessStr| !s.ptr.is_null();
    // SAFETY (whole function): the caller promises valid fields, alive for `'a`.
    unsafe {
        let Some(path) = field(l.path, "path")? else {
            return Err(Failure::new(
                JitaccessCode::InvalidLaunch,
                "launch.path: is required",
            ));
        };
        let mut view = LaunchRef::new(path);
        if given(&l.user_name) || given(&l.user_sid) || l.user_groups_len > 0 {
            let name = field(l.user_name, "user.name")?;
            let sid = field(l.user_sid, "user.sid")?;
            read_list(lists, l.user_groups, l.user_groups_len, "user.groups")?;
            view.user = Some(UserRef {
                name,
                sid,
                groups: StrList::default(),
            });
        }
        let groups = lists.len();
        if given(&l.computer_name) || l.computer_tags_len > 0 {
            let name = field(l.computer_name, "computer.name")?;
            read_list(lists, l.computer_tags, l.computer_tags_len, "computer.tags")?;
            view.computer = Some(ComputerRef {
                name,
                tags: StrList::default(),
            });
        }
        view.sha256 = field(l.sha256, "sha256")?;
        if l.signer_valid
            || l.signer_signature_intact >= 0
            || [
                &l.signer_publisher,
                &l.signer_thumbprint,
                &l.signer_issuer,
                &l.signer_not_before,
                &l.signer_not_after,
            ]
            .into_iter()
            .any(given)
        {
            view.signer = Some(SignerRef {
                publisher: field(l.signer_publisher, "signer.publisher")?,
                thumbprint: field(l.signer_thumbprint, "signer.thumbprint")?,
                valid: l.signer_valid,
            });
            field(l.signer_issuer, "signer.issuer")?;
            field(l.signer_not_before, "signer.notBefore")?;
            field(l.signer_not_after, "signer.notAfter")?;
        }
        let v = [
            l.version_product_name,
            l.version_original_file_name,
            l.version_file_version,
            l.version_company_name,
            l.version_file_description,
            l.version_internal_name,
            l.version_product_version,
        ];
        if v.iter().any(given) {
            view.version = Some(VersionRef {
                product_name: field(v[0], "version.productName")?,
                original_file_name: field(v[1], "version.originalFileName")?,
                file_version: field(v[2], "version.fileVersion")?,
            });
            field(v[3], "version.companyName")?;
            field(v[4], "version.fileDescription")?;
            field(v[5], "version.internalName")?;
            field(v[6], "version.productVersion")?;
        }
        view.clsid = field(l.clsid, "clsid")?;
        view.command_line = field(l.command_line, "commandLine")?;
        Ok((view, groups))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(b: &[u8]) -> JitaccessStr {
        JitaccessStr {
            ptr: b.as_ptr().cast(),
            len: b.len(),
        }
    }

    const NONE: JitaccessStr = JitaccessStr {
        ptr: std::ptr::null(),
        len: 0,
    };

    /// A launch with every field set from `f` (index → bytes) and two lists.
    fn launch_of(
        f: &[Vec<u8>; 19],
        groups: &[JitaccessStr],
        tags: &[JitaccessStr],
    ) -> JitaccessLaunch {
        JitaccessLaunch {
            path: js(&f[0]),
            user_name: js(&f[1]),
            user_sid: js(&f[2]),
            user_groups: groups.as_ptr(),
            user_groups_len: groups.len(),
            computer_name: js(&f[3]),
            computer_tags: tags.as_ptr(),
            computer_tags_len: tags.len(),
            sha256: js(&f[4]),
            signer_valid: true,
            signer_signature_intact: 1,
            signer_publisher: js(&f[5]),
            signer_thumbprint: js(&f[6]),
            signer_issuer: js(&f[7]),
            signer_not_before: js(&f[8]),
            signer_not_after: js(&f[9]),
            version_product_name: js(&f[10]),
            version_original_file_name: js(&f[11]),
            version_file_version: js(&f[12]),
            version_company_name: js(&f[13]),
            version_file_description: js(&f[14]),
            version_internal_name: js(&f[15]),
            version_product_version: js(&f[16]),
            clsid: js(&f[17]),
            command_line: js(&f[18]),
        }
    }

    fn fields(word: &str) -> [Vec<u8>; 19] {
        std::array::from_fn(|i| format!("{word}{i} and a longer tail").into_bytes())
    }

    /// The view read from the C fields (fast or checked path) is the launch the engine path
    /// copies, and both paths report the same first error with the same message.
    #[test]
    fn view_agrees_with_the_copied_launch() {
        let run = |l: &JitaccessLaunch| -> (Result<String, String>, Result<String, String>) {
            // SAFETY: every pointer of `l` is valid for the call.
            let viewed = unsafe { with_view(l, |v| Ok(format!("{v:?}"))) };
            // SAFETY: as above.
            let copied = unsafe {
                with_launch(l, |c| {
                    // The same lists, held by the copied launch.
                    Ok(format!("{:?}", c.view()).replace("Owned(", "Borrowed("))
                })
            };
            let show = |r: Res<String>| r.map_err(|e| format!("{:?} {}", e.code, e.message));
            (show(viewed), show(copied))
        };
        let g = [b"g1".to_vec(), "gr\u{e9}".as_bytes().to_vec()];
        for word in ["a", "\u{e9}t\u{e9}"] {
            let f = fields(word);
            let groups = [js(&g[0]), js(&g[1])];
            let tags = [js(b"t")];
            let l = launch_of(&f, &groups, &tags);
            let (v, c) = run(&l);
            assert!(v.is_ok(), "{v:?}");
            assert_eq!(v, c, "{word}");
            // The fast path answers exactly when everything is ASCII.
            let mut lists = Vec::new();
            // SAFETY: as above.
            let fast = unsafe { read_view_ascii(&l, &mut lists, &mut LaunchRef::default()) };
            assert_eq!(fast.is_some(), word.is_ascii() && g[1].is_ascii());
            // Absent fields and lists.
            let mut sparse = launch_of(&f, &[], &[]);
            sparse.user_name = NONE;
            sparse.signer_valid = false;
            sparse.version_company_name = NONE;
            let (v, c) = run(&sparse);
            assert_eq!(v, c);
            // A NULL array with a length is an error (not "no groups"), on every path.
            sparse.user_groups = std::ptr::null();
            sparse.user_groups_len = 3;
            let (v, c) = run(&sparse);
            assert!(
                v.as_ref()
                    .is_err_and(|e| e.contains("user.groups is NULL but its length is 3")),
                "{v:?}"
            );
            assert_eq!(v, c);
            // SAFETY: as above.
            let fast = unsafe { read_view_ascii(&sparse, &mut lists, &mut LaunchRef::default()) };
            assert!(fast.is_none());
            // Each field in turn: invalid UTF-8, and the checked path's first error.
            for i in 0..19 {
                let mut bad = f.clone();
                bad[i].push(0xFF);
                let l = launch_of(&bad, &groups, &tags);
                let (v, c) = run(&l);
                assert!(v.is_err(), "{i}");
                assert_eq!(v, c, "{i}");
            }
            let bad_entry = [js(&g[0]), js(b"x\xFF")];
            let (v, c) = run(&launch_of(&f, &bad_entry, &tags));
            assert!(
                v.as_ref().is_err_and(|e| e.contains("user.groups")),
                "{v:?}"
            );
            assert_eq!(v, c);
            let null_entry = [js(&g[0]), NONE];
            let (v, c) = run(&launch_of(&f, &groups, &null_entry));
            assert!(
                v.as_ref()
                    .is_err_and(|e| e.contains("computer.tags[1] is NULL")),
                "{v:?}"
            );
            assert_eq!(v, c);
            let mut no_path = launch_of(&f, &groups, &tags);
            no_path.path = NONE;
            let (v, c) = run(&no_path);
            assert!(v.is_err());
            assert_eq!(v, c);
        }
    }

    /// The word-at-a-time checks agree with the byte-wise ones at every length and position.
    #[test]
    fn word_checks_agree_with_bytewise() {
        for len in 0..100 {
            for pos in 0..len {
                for b in [0u8, 1, 0x7F, 0x80, 0xFF, b'a'] {
                    let mut v = vec![b'x'; len];
                    v[pos] = b;
                    assert_eq!(has_nul(&v), v.contains(&0), "{len} {pos} {b}");
                    let mut out = vec![0x55u8; len + 8];
                    // SAFETY: `out` has `len + 8` bytes.
                    let nul = unsafe { copy_has_nul(&v, out.as_mut_ptr()) };
                    assert_eq!(nul, v.contains(&0), "{len} {pos} {b}");
                    assert_eq!(&out[..len], &v[..], "{len} {pos} {b}");
                    assert!(out[len..].iter().all(|&x| x == 0x55), "{len} {pos} {b}");
                    assert_eq!(is_ascii(&v), v.is_ascii(), "{len} {pos} {b}");
                    // SAFETY: `v` has `len` bytes.
                    let bad = unsafe { non_ascii(v.as_ptr(), len) };
                    assert_eq!(bad == 0, v.is_ascii(), "{len} {pos} {b}");
                    let mut dst = String::from("old");
                    let copied = copy_checked(&mut dst, &v);
                    assert_eq!(copied.is_ok(), std::str::from_utf8(&v).is_ok());
                    if copied.is_ok() {
                        assert_eq!(dst.as_bytes(), &v[..], "{len} {pos} {b}");
                    } else {
                        assert!(dst.is_empty());
                    }
                }
            }
            let v = vec![b'x'; len];
            let mut dst = String::from("left over from an earlier call");
            assert!(copy_checked(&mut dst, &v).is_ok());
            assert_eq!(dst.as_bytes(), &v[..]);
            assert!(!has_nul(&v));
            assert!(is_ascii(&v));
        }
    }
}
