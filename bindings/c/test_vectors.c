/*
 * Runs policy test files (the conformance vectors) through the jitaccess C ABI, then tests
 * errors, ownership and threading. Usage: test_vectors FILE.yaml...
 *
 * Each test file is turned into a plan by jitaccess_testfile_plan (policy text, launches with
 * launchDefaults merged); every case and scenario step then runs through the ABI's own calls
 * (jitaccess_evaluate_json, the typed jitaccess_evaluate, jitaccess_engine_*), and
 * jitaccess_testfile_check compares each result with its expectation by testing.md's rules.
 * Ends with the line "N passed, M failed"; exits 1 when M > 0.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jitaccess.h"

static int passed, failed, typed_compared;

static void record(bool ok, const char *file, const char *name, const char *why) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL %s: %s\n    %s\n", file, name, why ? why : "");
  }
}

/* {"error": {"code": "...", "message": "..."}} for a failed call; frees the message. */
static char *error_json(JitaccessResult r) {
  cJSON *o = cJSON_CreateObject();
  cJSON *e = cJSON_AddObjectToObject(o, "error");
  cJSON_AddStringToObject(e, "code", jitaccess_code_name(r.code));
  cJSON_AddStringToObject(e, "message", r.message ? r.message : "");
  jitaccess_string_free(r.message);
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}

/* Runs jitaccess_testfile_check; returns NULL when the test passed, else a malloc'd text. */
static char *check(const char *kind, const cJSON *expect, const char *actual) {
  char *ex = cJSON_PrintUnformatted(expect);
  char *out = NULL;
  JitaccessResult r = jitaccess_testfile_check(kind, ex, actual, &out);
  cJSON_free(ex);
  if (r.code != JITACCESS_CODE_OK) {
    char *why = NULL;
    if (asprintf(&why, "check failed: %s: %s", jitaccess_code_name(r.code), r.message) < 0) why = NULL;
    jitaccess_string_free(r.message);
    return why ? why : strdup("check failed");
  }
  cJSON *problems = cJSON_Parse(out);
  jitaccess_string_free(out);
  char *why = NULL;
  if (!cJSON_IsArray(problems)) {
    why = strdup("check returned no array");
  } else if (cJSON_GetArraySize(problems) > 0) {
    size_t len = 1;
    cJSON *p;
    cJSON_ArrayForEach(p, problems) len += strlen(p->valuestring) + 6;
    why = calloc(1, len);
    cJSON_ArrayForEach(p, problems) {
      strcat(why, p->valuestring);
      strcat(why, "\n    ");
    }
  }
  cJSON_Delete(problems);
  return why;
}

/* ---- the typed launch, built from a launch's JSON ------------------------------------- */

static JitaccessStr str_of(const cJSON *obj, const char *key) {
  JitaccessStr s = {NULL, 0};
  const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
  if (cJSON_IsString(v)) {
    s.ptr = v->valuestring;
    s.len = strlen(v->valuestring);
  }
  return s;
}

static const JitaccessStr *list_of(const cJSON *obj, const char *key, size_t *len) {
  const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
  *len = 0;
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) return NULL;
  JitaccessStr *items = calloc((size_t)cJSON_GetArraySize(v), sizeof *items);
  const cJSON *e;
  cJSON_ArrayForEach(e, v) {
    if (cJSON_IsString(e)) {
      items[*len].ptr = e->valuestring;
      items[*len].len = strlen(e->valuestring);
      (*len)++;
    }
  }
  return items;
}

/* Fills `l` from the launch JSON; the strings point into `launch`. Free with launch_done. */
static void launch_from_json(const cJSON *launch, JitaccessLaunch *l) {
  memset(l, 0, sizeof *l);
  const cJSON *user = cJSON_GetObjectItemCaseSensitive(launch, "user");
  const cJSON *computer = cJSON_GetObjectItemCaseSensitive(launch, "computer");
  const cJSON *signer = cJSON_GetObjectItemCaseSensitive(launch, "signer");
  const cJSON *version = cJSON_GetObjectItemCaseSensitive(launch, "version");
  l->path = str_of(launch, "path");
  l->user_name = str_of(user, "name");
  l->user_sid = str_of(user, "sid");
  l->user_groups = list_of(user, "groups", &l->user_groups_len);
  l->computer_name = str_of(computer, "name");
  l->computer_tags = list_of(computer, "tags", &l->computer_tags_len);
  l->sha256 = str_of(launch, "sha256");
  l->signer_valid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(signer, "valid"));
  const cJSON *intact = cJSON_GetObjectItemCaseSensitive(signer, "signatureIntact");
  l->signer_signature_intact = cJSON_IsBool(intact) ? (cJSON_IsTrue(intact) ? 1 : 0) : -1;
  l->signer_publisher = str_of(signer, "publisher");
  l->signer_thumbprint = str_of(signer, "thumbprint");
  l->signer_issuer = str_of(signer, "issuer");
  l->signer_not_before = str_of(signer, "notBefore");
  l->signer_not_after = str_of(signer, "notAfter");
  l->version_product_name = str_of(version, "productName");
  l->version_original_file_name = str_of(version, "originalFileName");
  l->version_file_version = str_of(version, "fileVersion");
  l->version_company_name = str_of(version, "companyName");
  l->version_file_description = str_of(version, "fileDescription");
  l->version_internal_name = str_of(version, "internalName");
  l->version_product_version = str_of(version, "productVersion");
  l->clsid = str_of(launch, "clsid");
  l->command_line = str_of(launch, "commandLine");
}

static void launch_done(JitaccessLaunch *l) {
  free((void *)l->user_groups);
  free((void *)l->computer_tags);
}

/* "2026-11-23T09:00:00Z" (the plan's normalized UTC times) -> Unix milliseconds. */
static int64_t unix_ms(const char *at) {
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int ms = 0;
  const char *rest = strptime(at, "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest && *rest == '.') {
    int digits = 0;
    for (rest++; *rest >= '0' && *rest <= '9'; rest++, digits++)
      if (digits < 3) ms = ms * 10 + (*rest - '0');
    for (; digits < 3; digits++) ms *= 10;
  }
  return (int64_t)timegm(&tm) * 1000 + ms;
}

static const char *outcome_name(JitaccessOutcome o) {
  switch (o) {
    case JITACCESS_OUTCOME_ELEVATE: return "elevate";
    case JITACCESS_OUTCOME_CONFIRM: return "confirm";
    case JITACCESS_OUTCOME_REQUEST: return "request";
    case JITACCESS_OUTCOME_DENY: return "deny";
    default: return "none";
  }
}

static const char *elevation_name(JitaccessElevation e) {
  switch (e) {
    case JITACCESS_ELEVATION_AUTOMATIC: return "automatic";
    case JITACCESS_ELEVATION_USER_CONFIRMED: return "userConfirmed";
    case JITACCESS_ELEVATION_ON_REQUEST: return "onRequest";
    case JITACCESS_ELEVATION_DENY: return "deny";
    default: return NULL;
  }
}

/* The typed decision as decision JSON, so that the same expectation checks it. */
static char *typed_to_json(const JitaccessDecision *d) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "outcome", outcome_name(d->outcome));
  if (d->rule) cJSON_AddStringToObject(o, "rule", d->rule); else cJSON_AddNullToObject(o, "rule");
  const char *el = elevation_name(d->elevation);
  if (el) cJSON_AddStringToObject(o, "elevation", el); else cJSON_AddNullToObject(o, "elevation");
  if (d->max_duration_seconds) {
    char buf[32];
    snprintf(buf, sizeof buf, "%llus", (unsigned long long)d->max_duration_seconds);
    cJSON_AddStringToObject(o, "maxDuration", buf);
  } else {
    cJSON_AddNullToObject(o, "maxDuration");
  }
  cJSON *sh = cJSON_AddArrayToObject(o, "shadowed");
  for (size_t i = 0; i < d->shadowed_len; i++) cJSON_AddItemToArray(sh, cJSON_CreateString(d->shadowed[i]));
  cJSON *w = cJSON_AddArrayToObject(o, "warnings");
  if (d->warnings & JITACCESS_WARNING_UNRESOLVED_PATH) cJSON_AddItemToArray(w, cJSON_CreateString("unresolvedPath"));
  if (d->warnings & JITACCESS_WARNING_NOT_ALLOWLISTED) cJSON_AddItemToArray(w, cJSON_CreateString("notAllowlisted"));
  cJSON_AddStringToObject(o, "reason", d->reason ? d->reason : "");
  char *s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}

/* ---- running a plan ------------------------------------------------------------------- */

static void run_case(const char *file, const JitaccessCompiledPolicy *compiled, const cJSON *c) {
  const char *name = cJSON_GetObjectItem(c, "name")->valuestring;
  const char *at = cJSON_GetObjectItem(c, "at")->valuestring;
  const cJSON *launch = cJSON_GetObjectItem(c, "launch");
  const cJSON *expect = cJSON_GetObjectItem(c, "expect");
  char *launch_text = cJSON_PrintUnformatted(launch);

  /* The JSON path. */
  char *out = NULL;
  JitaccessResult r = jitaccess_evaluate_json(compiled, launch_text, at, &out);
  bool json_ok = r.code == JITACCESS_CODE_OK;
  char *actual = json_ok ? out : error_json(r);
  char *why = check("decision", expect, actual);
  if (json_ok) jitaccess_string_free(out); else cJSON_free(actual);

  /* The typed path must give the same answer (for launches the JSON path accepted). */
  if (!why && json_ok) {
    JitaccessLaunch l;
    JitaccessDecision d;
    launch_from_json(launch, &l);
    JitaccessResult tr = jitaccess_evaluate(compiled, &l, unix_ms(at), &d);
    if (tr.code != JITACCESS_CODE_OK) {
      if (asprintf(&why, "typed path: %s: %s", jitaccess_code_name(tr.code), tr.message) < 0) why = NULL;
      jitaccess_string_free(tr.message);
    } else {
      char *tj = typed_to_json(&d);
      char *twhy = check("decision", expect, tj);
      if (twhy) {
        if (asprintf(&why, "typed path: %s", twhy) < 0) why = NULL;
        free(twhy);
      }
      cJSON_free(tj);
      typed_compared++;
    }
    jitaccess_decision_free(&d);
    launch_done(&l);
  }
  record(why == NULL, file, name, why);
  free(why);
  cJSON_free(launch_text);
}

typedef JitaccessResult (*command_fn)(const JitaccessEngine *, const char *, const char *, char **);

static command_fn command_of(const char *action) {
  if (!strcmp(action, "submit")) return jitaccess_engine_submit;
  if (!strcmp(action, "approve")) return jitaccess_engine_approve;
  if (!strcmp(action, "decline")) return jitaccess_engine_decline;
  if (!strcmp(action, "cancel")) return jitaccess_engine_cancel;
  if (!strcmp(action, "revoke")) return jitaccess_engine_revoke;
  if (!strcmp(action, "relinquish")) return jitaccess_engine_relinquish;
  if (!strcmp(action, "grant")) return jitaccess_engine_grant;
  return NULL;
}

static void run_scenario(const char *file, const JitaccessCompiledPolicy *compiled, const cJSON *sc) {
  const char *sname = cJSON_GetObjectItem(sc, "name")->valuestring;
  JitaccessEngine *engine = NULL;
  JitaccessResult r = jitaccess_engine_new(compiled, "{\"recordEvents\": true}", &engine);
  if (r.code != JITACCESS_CODE_OK) {
    record(false, file, sname, r.message);
    jitaccess_string_free(r.message);
    return;
  }
  int n = 0;
  const cJSON *step;
  cJSON_ArrayForEach(step, cJSON_GetObjectItem(sc, "steps")) {
    n++;
    const char *at = cJSON_GetObjectItem(step, "at")->valuestring;
    const char *action = cJSON_GetObjectItem(step, "action")->valuestring;
    const cJSON *expect = cJSON_GetObjectItem(step, "expect");
    char *args = cJSON_PrintUnformatted(cJSON_GetObjectItem(step, "args"));
    char *why = NULL;
    char *out = NULL;
    if (!strcmp(action, "launch")) {
      r = jitaccess_engine_evaluate_json(engine, args, at, &out);
      char *actual = r.code == JITACCESS_CODE_OK ? out : error_json(r);
      why = check("decision", expect, actual);
      if (r.code == JITACCESS_CODE_OK) jitaccess_string_free(out); else cJSON_free(actual);
    } else {
      command_fn f = command_of(action);
      if (f) {
        r = f(engine, args, at, &out);
      } else {
        r = jitaccess_engine_tick(engine, at, &out); /* "tick": out is the changed list */
        jitaccess_string_free(out);
        out = NULL;
      }
      char *actual = NULL;
      if (r.code != JITACCESS_CODE_OK) {
        actual = error_json(r);
      } else {
        /* With an `id`, the request read back at this time; else the command's result. */
        const cJSON *id = cJSON_GetObjectItem(expect, "id");
        if (cJSON_IsString(id)) {
          jitaccess_string_free(out);
          out = NULL;
          JitaccessResult g = jitaccess_engine_get(engine, id->valuestring, at, &out);
          jitaccess_string_free(g.message);
        }
        const char *req = out ? out : "null";
        size_t len = strlen(req) + 16;
        actual = malloc(len);
        snprintf(actual, len, "{\"request\":%s}", req);
        jitaccess_string_free(out);
      }
      why = check("request", expect, actual);
      free(actual);
    }
    char label[512];
    snprintf(label, sizeof label, "%s / step %d", sname, n);
    record(why == NULL, file, label, why);
    free(why);
    cJSON_free(args);
  }
  const cJSON *audit = cJSON_GetObjectItem(sc, "audit");
  if (cJSON_IsArray(audit)) {
    char *events = NULL;
    r = jitaccess_engine_take_events(engine, &events);
    char *why = r.code == JITACCESS_CODE_OK ? check("audit", audit, events) : strdup("take_events failed");
    jitaccess_string_free(r.message);
    jitaccess_string_free(events);
    char label[512];
    snprintf(label, sizeof label, "%s / audit", sname);
    record(why == NULL, file, label, why);
    free(why);
  }
  jitaccess_engine_free(engine);
}

static void run_file(const char *path) {
  char *text = NULL;
  JitaccessResult r = jitaccess_testfile_plan(path, &text);
  if (r.code != JITACCESS_CODE_OK) {
    record(false, path, "load", r.message);
    jitaccess_string_free(r.message);
    return;
  }
  cJSON *plan = cJSON_Parse(text);
  jitaccess_string_free(text);
  const cJSON *pol = cJSON_GetObjectItem(plan, "policy");
  const char *format = cJSON_GetObjectItem(pol, "format")->valuestring;
  JitaccessPolicy *policy = NULL;
  JitaccessCompiledPolicy *compiled = NULL;
  r = jitaccess_policy_from_str(cJSON_GetObjectItem(pol, "text")->valuestring,
                                strcmp(format, "json") ? JITACCESS_FORMAT_YAML : JITACCESS_FORMAT_JSON, &policy);
  if (r.code == JITACCESS_CODE_OK) r = jitaccess_policy_compile(policy, &compiled);
  if (r.code != JITACCESS_CODE_OK) {
    record(false, path, "policy", r.message);
    jitaccess_string_free(r.message);
  } else {
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(plan, "cases")) run_case(path, compiled, c);
    cJSON_ArrayForEach(c, cJSON_GetObjectItem(plan, "scenarios")) run_scenario(path, compiled, c);
  }
  jitaccess_compiled_policy_free(compiled);
  jitaccess_policy_free(policy);
  cJSON_Delete(plan);
}

/* ---- errors, ownership, threading ----------------------------------------------------- */

static const char *POLICY =
    "apiVersion: jitaccess/v1\n"
    "name: abi-test\n"
    "applications:\n"
    "  - { id: tool, fileName: tool.exe }\n"
    "  - { id: shells, fileName: cmd.exe }\n"
    "privilegeLists:\n"
    "  - { id: tools, elevation: onRequest, applications: [tool], maxDuration: 4h }\n"
    "  - { id: no-shells, elevation: deny, applications: [shells] }\n";

static void expect_code(const char *name, JitaccessResult r, JitaccessCode want, const char *needle) {
  char why[1024];
  bool ok = r.code == want && (!needle || (r.message && strstr(r.message, needle)));
  if (want != JITACCESS_CODE_OK && r.message == NULL) ok = false; /* every error has a message */
  snprintf(why, sizeof why, "expected %s%s%s, got %s: %s", jitaccess_code_name(want),
           needle ? " with " : "", needle ? needle : "", jitaccess_code_name(r.code),
           r.message ? r.message : "(no message)");
  record(ok, "abi", name, why);
  jitaccess_string_free(r.message);
}

typedef struct {
  const JitaccessCompiledPolicy *compiled;
  const JitaccessEngine *engine;
  int index;
  int mismatches;
} thread_arg;

static void *evaluate_many(void *p) {
  thread_arg *a = p;
  JitaccessLaunch l;
  memset(&l, 0, sizeof l);
  l.path.ptr = "C:\\Tools\\tool.exe";
  l.path.len = strlen(l.path.ptr);
  l.user_name.ptr = "CORP\\alice";
  l.user_name.len = strlen(l.user_name.ptr);
  for (int i = 0; i < 500; i++) {
    JitaccessDecision d;
    JitaccessResult r = jitaccess_evaluate(a->compiled, &l, 1767225600000LL, &d);
    if (r.code != JITACCESS_CODE_OK || d.outcome != JITACCESS_OUTCOME_REQUEST || !d.rule ||
        strcmp(d.rule, "tools/tool") != 0 || d.max_duration_seconds != 4 * 3600)
      a->mismatches++;
    jitaccess_string_free(r.message);
    jitaccess_decision_free(&d);
  }
  /* Each thread submits its own request to the shared engine. */
  char args[256], *out = NULL;
  snprintf(args, sizeof args,
           "{\"id\": \"t%d\", \"launch\": {\"path\": \"C:\\\\Tools\\\\tool.exe\", \"user\": {\"name\": \"user%d\"}},"
           " \"justification\": \"thread test\", \"duration\": \"1h\"}",
           a->index, a->index);
  JitaccessResult r = jitaccess_engine_submit(a->engine, args, "2026-01-01T00:00:00Z", &out);
  if (r.code != JITACCESS_CODE_OK) a->mismatches++;
  jitaccess_string_free(r.message);
  jitaccess_string_free(out);
  return NULL;
}

static void abi_tests(void) {
  JitaccessPolicy *policy = NULL;
  JitaccessCompiledPolicy *compiled = NULL;
  JitaccessEngine *engine = NULL;
  char *out = NULL;

  expect_code("version is set", (JitaccessResult){strlen(jitaccess_version()) > 0 ? JITACCESS_CODE_OK : JITACCESS_CODE_PANIC, NULL}, JITACCESS_CODE_OK, NULL);
  record(!strcmp(jitaccess_code_name(JITACCESS_CODE_NOT_FOUND), "notFound") &&
             !strcmp(jitaccess_code_name(12345), "unknown"),
         "abi", "code names", "code names are wrong");

  /* A bad policy: the message names the document path. */
  expect_code("bad policy names the document path",
              jitaccess_policy_from_str("apiVersion: jitaccess/v1\nname: bad\nprivilegeLists:\n"
                                        "  - { id: l, elevation: deny, applications: [ghost] }\n",
                                        JITACCESS_FORMAT_YAML, &policy),
              JITACCESS_CODE_INVALID_POLICY, "privilegeLists[0].applications[0]");
  record(policy == NULL, "abi", "failed load leaves out NULL", "out was set");
  expect_code("policy file that does not exist", jitaccess_policy_from_file("/nonexistent/p.yaml", &policy),
              JITACCESS_CODE_INVALID_POLICY, "/nonexistent/p.yaml");
  expect_code("null text", jitaccess_policy_from_str(NULL, JITACCESS_FORMAT_YAML, &policy),
              JITACCESS_CODE_NULL_ARGUMENT, "text");
  expect_code("null out", jitaccess_policy_from_str(POLICY, JITACCESS_FORMAT_YAML, NULL),
              JITACCESS_CODE_NULL_ARGUMENT, "out");
  expect_code("format out of range", jitaccess_policy_from_str(POLICY, 7, &policy),
              JITACCESS_CODE_INVALID_ARGUMENT, "format: 7");
  record(policy == NULL, "abi", "bad format leaves out NULL", "out was set");

  expect_code("good policy", jitaccess_policy_from_str(POLICY, JITACCESS_FORMAT_YAML, &policy), JITACCESS_CODE_OK, NULL);
  expect_code("lint", jitaccess_policy_lint(policy, &out), JITACCESS_CODE_OK, NULL);
  record(out && out[0] == '[', "abi", "lint is a JSON array", out);
  jitaccess_string_free(out);
  expect_code("compile", jitaccess_policy_compile(policy, &compiled), JITACCESS_CODE_OK, NULL);
  expect_code("null compiled", jitaccess_evaluate_json(NULL, "{\"path\":\"x\"}", NULL, &out),
              JITACCESS_CODE_NULL_ARGUMENT, "compiled");
  expect_code("null launch", jitaccess_evaluate_json(compiled, NULL, NULL, &out), JITACCESS_CODE_NULL_ARGUMENT, "launch_json");
  expect_code("malformed JSON", jitaccess_evaluate_json(compiled, "{\"path\":", NULL, &out), JITACCESS_CODE_PARSE_ERROR, NULL);
  expect_code("unknown launch key", jitaccess_evaluate_json(compiled, "{\"path\":\"C:\\\\x.exe\",\"colour\":1}", NULL, &out),
              JITACCESS_CODE_PARSE_ERROR, "colour");
  expect_code("bad digest", jitaccess_evaluate_json(compiled, "{\"path\":\"C:\\\\x.exe\",\"sha256\":\"abc\"}", NULL, &out),
              JITACCESS_CODE_INVALID_LAUNCH, "sha256");
  expect_code("bad time", jitaccess_evaluate_json(compiled, "{\"path\":\"C:\\\\x.exe\"}", "yesterday", &out),
              JITACCESS_CODE_INVALID_ARGUMENT, "yesterday");
  expect_code("bad UTF-8 in JSON", jitaccess_evaluate_json(compiled, "{\"path\":\"C:\\\\\xff.exe\"}", NULL, &out),
              JITACCESS_CODE_INVALID_UTF8, NULL);
  record(out == NULL, "abi", "failed evaluate leaves out NULL", "out was set");
  expect_code("evaluate now", jitaccess_evaluate_json(compiled, "{\"path\":\"C:\\\\Windows\\\\cmd.exe\"}", NULL, &out),
              JITACCESS_CODE_OK, NULL);
  record(out && strstr(out, "\"outcome\":\"deny\""), "abi", "cmd.exe is denied", out);
  jitaccess_string_free(out);

  JitaccessLaunch l;
  JitaccessDecision d;
  memset(&l, 0, sizeof l);
  expect_code("typed: path required", jitaccess_evaluate(compiled, &l, 0, &d), JITACCESS_CODE_INVALID_LAUNCH, "path");
  l.path.ptr = "C:\\\xff.exe";
  l.path.len = strlen(l.path.ptr);
  expect_code("typed: bad UTF-8", jitaccess_evaluate(compiled, &l, 0, &d), JITACCESS_CODE_INVALID_UTF8, "launch.path");
  l.path.ptr = "C:\\Tools\\tool.exe and some bytes after the length";
  l.path.len = strlen("C:\\Tools\\tool.exe");
  l.user_name.ptr = "CORP\\alice";
  l.user_name.len = strlen(l.user_name.ptr);
  expect_code("typed: unterminated strings", jitaccess_evaluate(compiled, &l, 1767225600000LL, &d), JITACCESS_CODE_OK, NULL);
  record(d.outcome == JITACCESS_OUTCOME_REQUEST && d.rule && !strcmp(d.rule, "tools/tool") &&
             d.elevation == JITACCESS_ELEVATION_ON_REQUEST && d.max_duration_seconds == 14400 && d.reason,
         "abi", "typed decision fields", d.rule);
  jitaccess_decision_free(&d);
  jitaccess_decision_free(&d); /* twice is safe */
  expect_code("typed: null out", jitaccess_evaluate(compiled, &l, 0, NULL), JITACCESS_CODE_NULL_ARGUMENT, "out");
  /* A NULL group array with a length is an error, not "no groups" (fail closed). */
  l.user_groups = NULL;
  l.user_groups_len = 2;
  expect_code("typed: NULL groups with a length", jitaccess_evaluate(compiled, &l, 0, &d),
              JITACCESS_CODE_NULL_ARGUMENT, "user.groups is NULL");
  l.user_groups_len = 0;

  /* Engine: options, unknown ids, lifecycle codes, typed evaluate with a grant. */
  expect_code("engine: unknown option", jitaccess_engine_new(compiled, "{\"colour\": 1}", &engine), JITACCESS_CODE_PARSE_ERROR, "colour");
  expect_code("engine", jitaccess_engine_new(compiled, NULL, &engine), JITACCESS_CODE_OK, NULL);
  expect_code("unknown id is notFound", jitaccess_engine_approve(engine, "{\"id\": \"nope\", \"by\": \"CORP\\\\bob\"}", NULL, &out),
              JITACCESS_CODE_NOT_FOUND, "nope");
  expect_code("get unknown id", jitaccess_engine_get(engine, "nope", NULL, &out), JITACCESS_CODE_NOT_FOUND, NULL);
  expect_code("approve without by", jitaccess_engine_approve(engine, "{\"id\": \"x\"}", NULL, &out),
              JITACCESS_CODE_INVALID_ARGUMENT, "by");
  expect_code("grant of an unknown application",
              jitaccess_engine_grant(engine, "{\"id\": \"g0\", \"by\": \"admin\", \"user\": \"*\", \"applications\": [\"ghost\"], \"duration\": \"1h\"}", NULL, &out),
              JITACCESS_CODE_UNKNOWN_APPLICATION, "ghost");
  expect_code("grant", jitaccess_engine_grant(engine, "{\"id\": \"g1\", \"by\": \"admin\", \"user\": \"CORP\\\\*\", \"computer\": [\"*\"], \"applications\": [\"tool\"], \"duration\": \"1h\"}",
                                              "2026-01-01T00:00:00Z", &out),
              JITACCESS_CODE_OK, NULL);
  record(out && strstr(out, "\"status\":\"active\""), "abi", "grant is active", out);
  jitaccess_string_free(out);
  expect_code("grant id reused", jitaccess_engine_grant(engine, "{\"id\": \"g1\", \"by\": \"admin\", \"applications\": [\"tool\"], \"duration\": \"1h\"}", NULL, &out),
              JITACCESS_CODE_DUPLICATE_ID, NULL);
  l.computer_name.ptr = "PC-1";
  l.computer_name.len = 4;
  expect_code("typed engine evaluate", jitaccess_engine_evaluate(engine, &l, 1767225600000LL + 60000, &d), JITACCESS_CODE_OK, NULL);
  record(d.outcome == JITACCESS_OUTCOME_ELEVATE && d.rule && !strcmp(d.rule, "grant:g1"), "abi", "grant covers the launch", d.rule);
  jitaccess_decision_free(&d);
  expect_code("active list", jitaccess_engine_list(engine, true, "2026-01-01T00:10:00Z", &out), JITACCESS_CODE_OK, NULL);
  record(out && strstr(out, "\"g1\""), "abi", "active lists the grant", out);
  jitaccess_string_free(out);
  expect_code("tick", jitaccess_engine_tick(engine, "2026-01-01T02:00:00Z", &out), JITACCESS_CODE_OK, NULL);
  record(out && strstr(out, "\"expired\""), "abi", "tick expires the grant", out);
  jitaccess_string_free(out);
  expect_code("revoke an expired grant", jitaccess_engine_revoke(engine, "{\"id\": \"g1\", \"by\": \"admin\"}", NULL, &out),
              JITACCESS_CODE_INVALID_TRANSITION, NULL);
  expect_code("events without recordEvents", jitaccess_engine_take_events(engine, &out), JITACCESS_CODE_OK, NULL);
  record(out && !strcmp(out, "[]"), "abi", "no events queued", out);
  jitaccess_string_free(out);
  expect_code("test file that does not exist", jitaccess_testfile_plan("/nonexistent/t.yaml", &out),
              JITACCESS_CODE_INVALID_TEST_FILE, "/nonexistent/t.yaml");
  expect_code("unknown check kind", jitaccess_testfile_check("colour", "{}", "{}", &out), JITACCESS_CODE_INVALID_ARGUMENT, "colour");
  jitaccess_engine_free(engine);
  engine = NULL;

  /* A durable file store: requests survive the engine. */
  expect_code("store in a missing folder", jitaccess_engine_new(compiled, "{\"storePath\": \"/nonexistent/dir/requests.jsonl\"}", &engine),
              JITACCESS_CODE_IO_ERROR, "/nonexistent/dir");
  char store_opts[256], store_path[128];
  snprintf(store_path, sizeof store_path, "/tmp/jitaccess-c-test-%d.jsonl", (int)getpid());
  remove(store_path);
  snprintf(store_opts, sizeof store_opts, "{\"storePath\": \"%s\"}", store_path);
  expect_code("engine with a file store", jitaccess_engine_new(compiled, store_opts, &engine), JITACCESS_CODE_OK, NULL);
  {
    /* One engine per store file: a second one is refused while the first is open. */
    JitaccessEngine *second = NULL;
    expect_code("a second engine on the same store", jitaccess_engine_new(compiled, store_opts, &second),
                JITACCESS_CODE_IO_ERROR, "in use by another engine");
    record(second == NULL, "abi", "refused engine leaves out NULL", "out was set");
  }
  expect_code("submit to the file store",
              jitaccess_engine_submit(engine, "{\"id\": \"s1\", \"launch\": {\"path\": \"C:\\\\Tools\\\\tool.exe\", \"user\": {\"name\": \"bob\"}}, \"justification\": \"ticket 7\"}",
                                      "2026-01-01T00:00:00Z", &out),
              JITACCESS_CODE_OK, NULL);
  jitaccess_string_free(out);
  /* Optimistic concurrency and idempotency keys. */
  expect_code("ifRevision that is stale",
              jitaccess_engine_approve(engine, "{\"id\": \"s1\", \"by\": \"admin\", \"ifRevision\": 7}", "2026-01-01T00:01:00Z", &out),
              JITACCESS_CODE_INVALID_TRANSITION, "revision");
  expect_code("approve with an idempotency key",
              jitaccess_engine_approve(engine, "{\"id\": \"s1\", \"by\": \"admin\", \"idempotencyKey\": \"k1\"}", "2026-01-01T00:01:00Z", &out),
              JITACCESS_CODE_OK, NULL);
  char *first = out;
  out = NULL;
  expect_code("the same key again returns the first result",
              jitaccess_engine_approve(engine, "{\"id\": \"s1\", \"by\": \"admin\", \"idempotencyKey\": \"k1\"}", "2026-01-01T00:02:00Z", &out),
              JITACCESS_CODE_OK, NULL);
  record(first && out && !strcmp(first, out), "abi", "idempotent repeat is identical", out);
  jitaccess_string_free(first);
  jitaccess_string_free(out);
  expect_code("without the key it is a second approve",
              jitaccess_engine_approve(engine, "{\"id\": \"s1\", \"by\": \"admin\"}", "2026-01-01T00:02:00Z", &out),
              JITACCESS_CODE_INVALID_TRANSITION, NULL);
  jitaccess_engine_free(engine);
  expect_code("reopen the file store", jitaccess_engine_new(compiled, store_opts, &engine), JITACCESS_CODE_OK, NULL);
  expect_code("the request survived", jitaccess_engine_get(engine, "s1", "2026-01-01T00:01:00Z", &out), JITACCESS_CODE_OK, NULL);
  record(out && strstr(out, "\"active\""), "abi", "reloaded request is still approved", out);
  jitaccess_string_free(out);
  jitaccess_engine_free(engine);
  remove(store_path);

  /* Threads: one compiled policy and one engine shared by 8 threads. */
  expect_code("engine for threads", jitaccess_engine_new(compiled, NULL, &engine), JITACCESS_CODE_OK, NULL);
  enum { THREADS = 8 };
  pthread_t t[THREADS];
  thread_arg args[THREADS];
  for (int i = 0; i < THREADS; i++) {
    args[i] = (thread_arg){compiled, engine, i, 0};
    pthread_create(&t[i], NULL, evaluate_many, &args[i]);
  }
  int mismatches = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(t[i], NULL);
    mismatches += args[i].mismatches;
  }
  record(mismatches == 0, "abi", "8 threads share one compiled policy and one engine", "a thread got a wrong answer");
  expect_code("pending after threads", jitaccess_engine_list(engine, false, "2026-01-01T00:00:00Z", &out), JITACCESS_CODE_OK, NULL);
  cJSON *pending = cJSON_Parse(out);
  record(cJSON_GetArraySize(pending) == THREADS, "abi", "every thread's request is pending", out);
  cJSON_Delete(pending);
  jitaccess_string_free(out);

  jitaccess_engine_free(engine);
  jitaccess_compiled_policy_free(compiled);
  jitaccess_policy_free(policy);
  jitaccess_policy_free(NULL);
  jitaccess_string_free(NULL);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) run_file(argv[i]);
  int vp = passed, vf = failed;
  printf("vectors: %d passed, %d failed (%d cases also checked through the typed path)\n", vp, vf, typed_compared);
  abi_tests();
  printf("abi: %d passed, %d failed\n", passed - vp, failed - vf);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && argc > 1 ? 0 : 1;
}
