//! The engine handle: lifecycle commands with JSON arguments and the Request as JSON result.

use std::ffi::c_char;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use jitaccess::lifecycle::{
    AuditSink, CommandOptions, Engine, Event, FileStore, GrantArgs, MemoryStore, NullSink, Store,
    SubmitArgs,
};
use jitaccess::{Duration, Launch};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::policy::{
    JitaccessCompiledPolicy, evaluate_json_with, evaluate_typed_with, launch_failure,
};
use crate::result::{
    Failure, JitaccessCode, JitaccessResult, Res, arg_str, guard, handle, opt_str, out_ptr,
    owned_string, parse_at, to_json,
};
use crate::typed::{JitaccessDecision, JitaccessLaunch};

/// A request lifecycle engine (opaque): the policy, the requests, a store (in memory, or a
/// durable file) and, when asked for, a queue of audit events. Thread-safe: commands from
/// several threads are serialized inside. Free with [`jitaccess_engine_free`].
pub struct JitaccessEngine {
    engine: Engine,
    events: Option<Arc<Mutex<Vec<Event>>>>,
}

impl std::fmt::Debug for JitaccessEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitaccessEngine").finish_non_exhaustive()
    }
}

/// Keeps events until the host takes them.
struct QueueSink(Arc<Mutex<Vec<Event>>>);

impl AuditSink for QueueSink {
    fn record(&mut self, event: &Event) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|_| "the event queue is poisoned".to_string())?
            .push(event.clone());
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EngineOptions {
    /// A durable file store at this path (created if missing).
    #[serde(default)]
    store_path: Option<String>,
    /// Keep audit events for `jitaccess_engine_take_events`.
    #[serde(default)]
    record_events: bool,
}

fn parse_json<T: DeserializeOwned>(text: &str, what: &str) -> Res<T> {
    serde_json::from_str(text)
        .map_err(|e| Failure::new(JitaccessCode::ParseError, format!("{what}: {e}")))
}

/// Makes an engine over a compiled policy. `options_json` may be NULL or an object:
/// `{"storePath": "/var/lib/agent/requests.jsonl", "recordEvents": true}` — `storePath` keeps
/// requests in a durable file store (loaded now), `recordEvents` queues every audit event for
/// [`jitaccess_engine_take_events`] (take them regularly: the queue grows until taken).
///
/// # Safety
/// `compiled` is a live handle; `options_json` is NULL or NUL-terminated; `out` is valid for
/// writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_new(
    compiled: *const JitaccessCompiledPolicy,
    options_json: *const c_char,
    out: *mut *mut JitaccessEngine,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, compiled, options) = unsafe {
            (
                out_ptr(out, "out")?,
                handle(compiled, "compiled")?,
                opt_str(options_json, "options_json")?,
            )
        };
        let options: EngineOptions = match options {
            Some(t) => parse_json(t, "options_json")?,
            None => EngineOptions::default(),
        };
        let store: Box<dyn Store> = match &options.store_path {
            Some(p) => Box::new(FileStore::open(p).map_err(|e| {
                // The store's messages name the file.
                Failure::new(JitaccessCode::IoError, format!("storePath: {e}"))
            })?),
            None => Box::new(MemoryStore),
        };
        let events = options
            .record_events
            .then(|| Arc::new(Mutex::new(Vec::new())));
        let sink: Box<dyn AuditSink> = match &events {
            Some(q) => Box::new(QueueSink(q.clone())),
            None => Box::new(NullSink),
        };
        let engine = Engine::new(compiled.0.clone(), store, sink)?;
        *out = Box::into_raw(Box::new(JitaccessEngine { engine, events }));
        Ok(())
    })
}

/// Frees an engine. NULL is a no-op.
///
/// # Safety
/// `engine` is NULL or a live engine no other thread is using.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_free(engine: *mut JitaccessEngine) {
    let _ = guard(|| {
        if !engine.is_null() {
            // SAFETY: made by `Box::into_raw` in this library.
            drop(unsafe { Box::from_raw(engine) });
        }
        Ok(())
    });
}

/// `OneOrMany`: a string or a list of strings.
#[derive(Default)]
enum Names {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

// By hand rather than `#[serde(untagged)]`, whose error ("data did not match any variant of
// untagged enum") says neither what was expected nor where.
impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Names;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Names, E> {
                Ok(Names::None)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Names, E> {
                Ok(Names::None)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Names, E> {
                Ok(Names::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Names, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Names::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Names {
    fn into_vec(self) -> Vec<String> {
        match self {
            Names::None => Vec::new(),
            Names::One(s) => vec![s],
            Names::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Args {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    by: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    launch: Option<serde_json::Value>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    user: Names,
    #[serde(default)]
    computer: Names,
    #[serde(default)]
    applications: Names,
    #[serde(default)]
    idempotency_key: Option<String>,
    #[serde(default)]
    if_revision: Option<u64>,
}

fn required(v: Option<String>, key: &str, command: &str) -> Res<String> {
    v.ok_or_else(|| {
        Failure::new(
            JitaccessCode::InvalidArgument,
            format!("{command}: missing required key '{key}'"),
        )
    })
}

#[derive(Clone, Copy)]
enum Command {
    Submit,
    Approve,
    Decline,
    Cancel,
    Revoke,
    Relinquish,
    Grant,
}

impl Command {
    fn name(self) -> &'static str {
        match self {
            Command::Submit => "submit",
            Command::Approve => "approve",
            Command::Decline => "decline",
            Command::Cancel => "cancel",
            Command::Revoke => "revoke",
            Command::Relinquish => "relinquish",
            Command::Grant => "grant",
        }
    }
}

fn run(engine: &Engine, cmd: Command, args: &str, at: DateTime<Utc>) -> Res<String> {
    let name = cmd.name();
    let a: Args = parse_json(args, name)?;
    let mut opts = CommandOptions::default();
    opts.idempotency_key = a.idempotency_key;
    opts.if_revision = a.if_revision;
    let id = required(a.id, "id", name)?;
    let request = match cmd {
        Command::Submit => {
            let launch = match a.launch {
                Some(v) => Launch::from_value(v).map_err(|e| launch_failure(&e))?,
                None => {
                    return Err(Failure::new(
                        JitaccessCode::InvalidArgument,
                        "submit: missing required key 'launch'",
                    ));
                }
            };
            let args =
                SubmitArgs::with_duration_text(id, launch, a.duration.as_deref(), a.justification);
            engine.submit_with(args, at, &opts)?
        }
        Command::Approve => {
            let by = required(a.by, "by", name)?;
            engine.approve_with(&id, &by, a.comment.as_deref(), at, &opts)?
        }
        Command::Decline => {
            let by = required(a.by, "by", name)?;
            engine.decline_with(&id, &by, a.reason.as_deref(), at, &opts)?
        }
        Command::Revoke => {
            let by = required(a.by, "by", name)?;
            engine.revoke_with(&id, &by, a.reason.as_deref(), at, &opts)?
        }
        Command::Cancel => engine.cancel_with(&id, a.by.as_deref(), at, &opts)?,
        Command::Relinquish => engine.relinquish_with(&id, a.by.as_deref(), at, &opts)?,
        Command::Grant => {
            let by = required(a.by, "by", name)?;
            let text = required(a.duration, "duration", name)?;
            let duration: Duration = text.parse().map_err(|e| {
                Failure::new(
                    JitaccessCode::DurationInvalid,
                    format!("grant: duration '{text}': {e}"),
                )
            })?;
            let g = GrantArgs::new(
                id,
                by,
                a.user.into_vec(),
                a.computer.into_vec(),
                a.applications.into_vec(),
                duration,
            );
            engine.grant_with(g, at, &opts)?
        }
    };
    to_json(&request)
}

/// Shared body of the command exports.
///
/// # Safety
/// As the exports.
unsafe fn command(
    cmd: Command,
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, engine, args, at) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                handle(engine, "engine")?,
                arg_str(args_json, "args_json")?,
                opt_str(at, "at")?,
            )
        };
        let at = parse_at(at)?;
        *out = owned_string(run(&engine.engine, cmd, args, at)?);
        Ok(())
    })
}

/// Submits a request: `{"id", "launch": {…}, "duration": "30m", "justification"}`
/// (`duration` optional: the policy's default).
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_submit(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Submit, engine, args_json, at, out_json) }
}

/// Approves a pending request: `{"id", "by", "comment"?}`.
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_approve(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Approve, engine, args_json, at, out_json) }
}

/// Declines a pending request: `{"id", "by", "reason"?}`.
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_decline(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Decline, engine, args_json, at, out_json) }
}

/// Cancels a pending request: `{"id", "by"?}` (`by` defaults to the requester).
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_cancel(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Cancel, engine, args_json, at, out_json) }
}

/// Revokes an active request or grant: `{"id", "by", "reason"?}`.
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_revoke(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Revoke, engine, args_json, at, out_json) }
}

/// Gives back an active request or grant: `{"id", "by"?}` (`by` defaults to the requester).
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_relinquish(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Relinquish, engine, args_json, at, out_json) }
}

/// Grants access proactively: `{"id", "by", "user": "…" | […], "computer": "…" | […],
/// "applications": […], "duration": "4h"}` (user and computer are patterns).
///
/// `at` is the command's time (RFC 3339; NULL = now). Optional keys of every command:
/// `idempotencyKey` (repeating the key returns the first result and changes nothing) and
/// `ifRevision` (fails with `invalidTransition` unless the request has that revision). On
/// success `*out_json` is the request as JSON (the caller frees it); a refused command returns
/// its lifecycle code (`JITACCESS_CODE_NOT_FOUND`, …) and changes nothing.
///
/// # Safety
/// `engine` is a live engine; `args_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_grant(
    engine: *const JitaccessEngine,
    args_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe { command(Command::Grant, engine, args_json, at, out_json) }
}

/// Records time-outs and expiries due at `at` (RFC 3339; NULL = now); `*out_json` is the JSON
/// array of the requests that changed.
///
/// # Safety
/// `engine` is a live engine; `at` is NULL or NUL-terminated; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_tick(
    engine: *const JitaccessEngine,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, engine, at) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                handle(engine, "engine")?,
                opt_str(at, "at")?,
            )
        };
        let changed = engine.engine.tick(parse_at(at)?)?;
        *out = owned_string(to_json(&changed)?);
        Ok(())
    })
}

/// The request `id` as it reads at `at` (NULL = now); `JITACCESS_CODE_NOT_FOUND` when there is
/// none.
///
/// # Safety
/// `engine` is a live engine; `id` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_get(
    engine: *const JitaccessEngine,
    id: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, engine, id, at) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                handle(engine, "engine")?,
                arg_str(id, "id")?,
                opt_str(at, "at")?,
            )
        };
        let r = engine.engine.get(id, parse_at(at)?)?;
        *out = owned_string(to_json(&r)?);
        Ok(())
    })
}

/// Lists the requests `pending` (`active == false`) or `active` (`active == true`) at `at`
/// (NULL = now), oldest first, as a JSON array.
///
/// # Safety
/// `engine` is a live engine; `at` is NULL or NUL-terminated; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_list(
    engine: *const JitaccessEngine,
    active: bool,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, engine, at) = unsafe {
            (
                out_ptr(out_json, "out_json")?,
                handle(engine, "engine")?,
                opt_str(at, "at")?,
            )
        };
        let at = parse_at(at)?;
        let list = if active {
            engine.engine.active(at)
        } else {
            engine.engine.pending(at)
        };
        *out = owned_string(to_json(&list)?);
        Ok(())
    })
}

/// Evaluates a launch (JSON) with active requests and grants taken into account, and audits
/// `elevate`/`deny`; `*out_json` is the decision JSON.
///
/// # Safety
/// `engine` is a live engine; `launch_json` is NUL-terminated; `at` is NULL or NUL-terminated;
/// `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_evaluate_json(
    engine: *const JitaccessEngine,
    launch_json: *const c_char,
    at: *const c_char,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe {
        evaluate_json_with(engine, "engine", launch_json, at, out_json, |e, l, at| {
            e.engine.evaluate(l, at)
        })
    }
}

/// The typed fast path of [`jitaccess_engine_evaluate_json`] (see `jitaccess_evaluate`).
///
/// # Safety
/// As `jitaccess_evaluate`, with a live engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_evaluate(
    engine: *const JitaccessEngine,
    launch: *const JitaccessLaunch,
    at_unix_ms: i64,
    out: *mut JitaccessDecision,
) -> JitaccessResult {
    // SAFETY: forwarded.
    unsafe {
        evaluate_typed_with(engine, "engine", launch, at_unix_ms, out, |e, l, at| {
            e.engine.evaluate(l, at)
        })
    }
}

/// Takes the audit events queued since the last call (engines made with `recordEvents`), as
/// a JSON array of events (audit.md), oldest first; an empty array otherwise.
///
/// # Safety
/// `engine` is a live engine; `out_json` is valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jitaccess_engine_take_events(
    engine: *const JitaccessEngine,
    out_json: *mut *mut c_char,
) -> JitaccessResult {
    guard(|| {
        // SAFETY: the caller's promises, checked for NULL.
        let (out, engine) = unsafe { (out_ptr(out_json, "out_json")?, handle(engine, "engine")?) };
        let events: Vec<Event> = match &engine.events {
            Some(q) => std::mem::take(&mut *q.lock().unwrap_or_else(|p| p.into_inner())),
            None => Vec::new(),
        };
        *out = owned_string(to_json(&events)?);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn names_take_a_string_a_list_or_nothing_and_say_what_they_expected() {
        let a: Args = parse_json(r#"{"user": "alice", "computer": ["a", "b"]}"#, "grant").unwrap();
        assert_eq!(a.user.into_vec(), ["alice"]);
        assert_eq!(a.computer.into_vec(), ["a", "b"]);
        assert!(a.applications.into_vec().is_empty());
        let a: Args = parse_json(r#"{"user": null}"#, "grant").unwrap();
        assert!(a.user.into_vec().is_empty());
        for bad in [r#"{"applications": 5}"#, r#"{"user": [1]}"#] {
            let Err(e) = parse_json::<Args>(bad, "grant arguments") else {
                panic!("{bad} was accepted");
            };
            assert!(
                e.message.contains("expected a string") && e.message.contains("column"),
                "{}",
                e.message
            );
        }
    }
}
