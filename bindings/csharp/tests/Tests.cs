// Tests of the C# wrapper: every conformance vector through JitAccess.Policy / JitAccess.Engine,
// then errors (JitAccessException.Code), disposal and threads. C# 7.2, no packages.
// Usage: mono Tests.exe FILE.yaml...        (last line: "N passed, M failed")
//        mono Tests.exe --bench [N]         (per-call cost of evaluate from C#)
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using JitAccess;

namespace JitAccess.Tests
{
    /// <summary>A tiny JSON reader and writer: objects are Dictionary&lt;string, object&gt;
    /// (insertion order kept by a parallel key list), arrays List&lt;object&gt;, numbers double.</summary>
    internal sealed class JsonObject
    {
        public readonly List<string> Keys = new List<string>();
        public readonly Dictionary<string, object> Values = new Dictionary<string, object>();
        public object this[string key] { get { object v; return Values.TryGetValue(key, out v) ? v : null; } }
        public bool Has(string key) { return Values.ContainsKey(key); }
        public void Set(string key, object value)
        {
            if (!Values.ContainsKey(key)) Keys.Add(key);
            Values[key] = value;
        }
    }

    internal static class Json
    {
        public static object Parse(string text)
        {
            int i = 0;
            object v = Value(text, ref i);
            Ws(text, ref i);
            if (i != text.Length) throw new FormatException("trailing text at " + i);
            return v;
        }

        private static void Ws(string s, ref int i)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        }

        private static object Value(string s, ref int i)
        {
            Ws(s, ref i);
            if (i >= s.Length) throw new FormatException("unexpected end");
            char c = s[i];
            if (c == '{')
            {
                var o = new JsonObject();
                i++;
                Ws(s, ref i);
                if (s[i] == '}') { i++; return o; }
                while (true)
                {
                    Ws(s, ref i);
                    string k = Str(s, ref i);
                    Ws(s, ref i);
                    if (s[i++] != ':') throw new FormatException("expected : at " + i);
                    o.Set(k, Value(s, ref i));
                    Ws(s, ref i);
                    char d = s[i++];
                    if (d == '}') return o;
                    if (d != ',') throw new FormatException("expected , or } at " + i);
                }
            }
            if (c == '[')
            {
                var a = new List<object>();
                i++;
                Ws(s, ref i);
                if (s[i] == ']') { i++; return a; }
                while (true)
                {
                    a.Add(Value(s, ref i));
                    Ws(s, ref i);
                    char d = s[i++];
                    if (d == ']') return a;
                    if (d != ',') throw new FormatException("expected , or ] at " + i);
                }
            }
            if (c == '"') return Str(s, ref i);
            if (s.Substring(i).StartsWith("true")) { i += 4; return true; }
            if (s.Substring(i).StartsWith("false")) { i += 5; return false; }
            if (s.Substring(i).StartsWith("null")) { i += 4; return null; }
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            if (start == i) throw new FormatException("unexpected '" + c + "' at " + i);
            return double.Parse(s.Substring(start, i - start), CultureInfo.InvariantCulture);
        }

        private static string Str(string s, ref int i)
        {
            if (s[i] != '"') throw new FormatException("expected a string at " + i);
            i++;
            var b = new StringBuilder();
            while (s[i] != '"')
            {
                char c = s[i++];
                if (c != '\\') { b.Append(c); continue; }
                char e = s[i++];
                switch (e)
                {
                    case 'n': b.Append('\n'); break;
                    case 't': b.Append('\t'); break;
                    case 'r': b.Append('\r'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'u': b.Append((char)Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
                    default: b.Append(e); break;
                }
            }
            i++;
            return b.ToString();
        }

        public static string Write(object v)
        {
            var b = new StringBuilder();
            Write(b, v);
            return b.ToString();
        }

        private static void Write(StringBuilder b, object v)
        {
            if (v == null) { b.Append("null"); return; }
            if (v is bool) { b.Append((bool)v ? "true" : "false"); return; }
            if (v is double) { b.Append(((double)v).ToString("R", CultureInfo.InvariantCulture)); return; }
            var s = v as string;
            if (s != null)
            {
                b.Append('"');
                foreach (char c in s)
                {
                    if (c == '"' || c == '\\') b.Append('\\').Append(c);
                    else if (c < 0x20) b.Append("\\u").Append(((int)c).ToString("x4"));
                    else b.Append(c);
                }
                b.Append('"');
                return;
            }
            var o = v as JsonObject;
            if (o != null)
            {
                b.Append('{');
                for (int i = 0; i < o.Keys.Count; i++)
                {
                    if (i > 0) b.Append(',');
                    Write(b, o.Keys[i]);
                    b.Append(':');
                    Write(b, o.Values[o.Keys[i]]);
                }
                b.Append('}');
                return;
            }
            var a = (List<object>)v;
            b.Append('[');
            for (int i = 0; i < a.Count; i++)
            {
                if (i > 0) b.Append(',');
                Write(b, a[i]);
            }
            b.Append(']');
        }
    }

    internal static class Program
    {
        private static int passed, failed, typedCompared;

        private static void Record(bool ok, string file, string name, string why)
        {
            if (ok) { passed++; return; }
            failed++;
            Console.WriteLine("FAIL " + file + ": " + name + "\n    " + why);
        }

        private static string ErrorJson(JitAccessException e)
        {
            var err = new JsonObject();
            err.Set("code", e.Code);
            err.Set("message", e.Message);
            var o = new JsonObject();
            o.Set("error", err);
            return Json.Write(o);
        }

        /// <summary>null when the expectation holds, else the mismatches.</summary>
        private static string Check(string kind, object expect, string actual)
        {
            var problems = (List<object>)Json.Parse(TestFiles.CheckJson(kind, Json.Write(expect), actual));
            if (problems.Count == 0) return null;
            var b = new StringBuilder();
            foreach (var p in problems) b.Append((string)p).Append("\n    ");
            return b.ToString();
        }

        private static string Str(JsonObject o, string key) { return o == null ? null : o[key] as string; }

        private static List<string> Strs(JsonObject o, string key)
        {
            var a = o == null ? null : o[key] as List<object>;
            if (a == null) return null;
            var r = new List<string>();
            foreach (var x in a) r.Add((string)x);
            return r;
        }

        internal static Launch LaunchOf(JsonObject j)
        {
            var user = j["user"] as JsonObject;
            var computer = j["computer"] as JsonObject;
            var signer = j["signer"] as JsonObject;
            var version = j["version"] as JsonObject;
            var intact = signer == null ? null : signer["signatureIntact"];
            return new Launch
            {
                Path = Str(j, "path"),
                UserName = Str(user, "name"),
                UserSid = Str(user, "sid"),
                UserGroups = Strs(user, "groups"),
                ComputerName = Str(computer, "name"),
                ComputerTags = Strs(computer, "tags"),
                Sha256 = Str(j, "sha256"),
                SignerValid = signer != null && signer["valid"] is bool && (bool)signer["valid"],
                SignerSignatureIntact = intact is bool ? (bool?)(bool)intact : null,
                SignerPublisher = Str(signer, "publisher"),
                SignerThumbprint = Str(signer, "thumbprint"),
                SignerIssuer = Str(signer, "issuer"),
                SignerNotBefore = Str(signer, "notBefore"),
                SignerNotAfter = Str(signer, "notAfter"),
                ProductName = Str(version, "productName"),
                OriginalFileName = Str(version, "originalFileName"),
                FileVersion = Str(version, "fileVersion"),
                CompanyName = Str(version, "companyName"),
                FileDescription = Str(version, "fileDescription"),
                InternalName = Str(version, "internalName"),
                ProductVersion = Str(version, "productVersion"),
                Clsid = Str(j, "clsid"),
                CommandLine = Str(j, "commandLine"),
            };
        }

        private static string DecisionJson(Decision d)
        {
            var o = new JsonObject();
            o.Set("outcome", d.Outcome);
            o.Set("rule", d.Rule);
            o.Set("elevation", d.Elevation);
            o.Set("maxDuration", d.MaxDuration.HasValue ? ((long)d.MaxDuration.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s" : null);
            o.Set("shadowed", new List<object>(d.Shadowed));
            o.Set("warnings", new List<object>(d.Warnings));
            o.Set("reason", d.Reason);
            return Json.Write(o);
        }

        private static DateTimeOffset Time(string at)
        {
            return DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        private static void RunCase(string file, Policy policy, JsonObject c)
        {
            string name = (string)c["name"], at = (string)c["at"];
            var launch = (JsonObject)c["launch"];
            object expect = c["expect"];
            string actual;
            bool ok = true;
            try { actual = policy.EvaluateJson(Json.Write(launch), Time(at)); }
            catch (JitAccessException e) { actual = ErrorJson(e); ok = false; }
            string why = Check("decision", expect, actual);
            if (why == null && ok)
            {
                try
                {
                    string twhy = Check("decision", expect, DecisionJson(policy.Evaluate(LaunchOf(launch), Time(at))));
                    if (twhy != null) why = "typed path: " + twhy;
                    typedCompared++;
                }
                catch (JitAccessException e) { why = "typed path: " + e.Code + ": " + e.Message; }
            }
            Record(why == null, file, name, why);
        }

        private static void RunScenario(string file, Policy policy, JsonObject sc)
        {
            string sname = (string)sc["name"];
            using (var engine = new Engine(policy, "{\"recordEvents\": true}"))
            {
                int n = 0;
                foreach (JsonObject step in (List<object>)sc["steps"])
                {
                    n++;
                    var at = Time((string)step["at"]);
                    string action = (string)step["action"];
                    var expect = (JsonObject)step["expect"];
                    string args = Json.Write(step["args"]);
                    string why;
                    if (action == "launch")
                    {
                        string actual;
                        try { actual = engine.EvaluateJson(args, at); }
                        catch (JitAccessException e) { actual = ErrorJson(e); }
                        why = Check("decision", expect, actual);
                    }
                    else
                    {
                        string actual;
                        try
                        {
                            string request = null;
                            switch (action)
                            {
                                case "submit": request = engine.Submit(args, at); break;
                                case "approve": request = engine.Approve(args, at); break;
                                case "decline": request = engine.Decline(args, at); break;
                                case "cancel": request = engine.Cancel(args, at); break;
                                case "revoke": request = engine.Revoke(args, at); break;
                                case "relinquish": request = engine.Relinquish(args, at); break;
                                case "grant": request = engine.Grant(args, at); break;
                                default: engine.Tick(at); break;
                            }
                            var id = expect["id"] as string;
                            if (id != null)
                            {
                                try { request = engine.Get(id, at); }
                                catch (JitAccessException) { request = null; }
                            }
                            actual = "{\"request\":" + (request ?? "null") + "}";
                        }
                        catch (JitAccessException e) { actual = ErrorJson(e); }
                        why = Check("request", expect, actual);
                    }
                    Record(why == null, file, sname + " / step " + n, why);
                }
                var audit = sc["audit"] as List<object>;
                if (audit != null)
                {
                    string why = Check("audit", audit, engine.TakeEventsJson());
                    Record(why == null, file, sname + " / audit", why);
                }
            }
        }

        private static void RunFile(string path)
        {
            JsonObject plan;
            try { plan = (JsonObject)Json.Parse(TestFiles.PlanJson(path)); }
            catch (JitAccessException e) { Record(false, path, "load", e.Code + ": " + e.Message); return; }
            var pol = (JsonObject)plan["policy"];
            string text = (string)pol["text"];
            using (var policy = (string)pol["format"] == "json" ? Policy.FromJson(text) : Policy.FromYaml(text))
            {
                foreach (JsonObject c in (List<object>)plan["cases"]) RunCase(path, policy, c);
                foreach (JsonObject s in (List<object>)plan["scenarios"]) RunScenario(path, policy, s);
            }
        }

        private const string PolicyText =
            "apiVersion: jitaccess/v1\nname: cs-test\napplications:\n" +
            "  - { id: tool, fileName: tool.exe }\n  - { id: shells, fileName: cmd.exe }\n" +
            "privilegeLists:\n" +
            "  - { id: tools, elevation: onRequest, applications: [tool], maxDuration: 4h }\n" +
            "  - { id: no-shells, elevation: deny, applications: [shells] }\n";

        private delegate void Action0();

        private static void ExpectCode(string name, string code, string needle, Action0 f)
        {
            try
            {
                f();
                Record(false, "csharp", name, "expected " + code + ", but the call succeeded");
            }
            catch (JitAccessException e)
            {
                bool ok = e.Code == code && (needle == null || e.Message.Contains(needle));
                Record(ok, "csharp", name, "expected " + code + (needle != null ? " with " + needle : "") + ", got " + e.Code + ": " + e.Message);
            }
        }

        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        private static void WrapperTests()
        {
            Record(!string.IsNullOrEmpty(TestFiles.Version), "csharp", "version", "no version");
            ExpectCode("bad policy names the document path", "invalidPolicy", "privilegeLists[0].applications[0]",
                () => Policy.FromYaml("apiVersion: jitaccess/v1\nname: bad\nprivilegeLists:\n  - { id: l, elevation: deny, applications: [ghost] }\n"));
            ExpectCode("missing policy file", "invalidPolicy", "/nonexistent/p.yaml", () => Policy.FromFile("/nonexistent/p.yaml"));
            ExpectCode("null policy text", "nullArgument", "text", () => Policy.FromYaml(null));
            using (var policy = Policy.FromYaml(PolicyText))
            {
                Record(policy.LintJson().StartsWith("["), "csharp", "lint is a JSON array", policy.LintJson());
                ExpectCode("malformed launch JSON", "parseError", null, () => policy.EvaluateJson("{\"path\":"));
                ExpectCode("bad digest", "invalidLaunch", "sha256", () => policy.EvaluateJson("{\"path\":\"C:\\\\x.exe\",\"sha256\":\"abc\"}"));
                ExpectCode("typed: path required", "invalidLaunch", "path", () => policy.Evaluate(new Launch(), T0));
                var d = policy.Evaluate(new Launch { Path = "C:\\Tools\\tool.exe", UserName = "CORP\\alice", UserGroups = new[] { "CORP\\IT" } }, T0);
                Record(d.Outcome == "request" && d.Rule == "tools/tool" && d.Elevation == "onRequest" && d.MaxDuration == TimeSpan.FromHours(4) && d.Reason != null,
                    "csharp", "typed decision", d.Outcome + " " + d.Rule);
                var u = policy.Evaluate(new Launch { Path = "C:\\Ünïcødé\\cmd.exe" }, T0);
                Record(u.Outcome == "deny", "csharp", "non-ASCII path", u.Outcome);

                using (var engine = new Engine(policy))
                {
                    ExpectCode("unknown id is notFound", "notFound", "nope", () => engine.Approve("{\"id\": \"nope\", \"by\": \"CORP\\\\bob\"}"));
                    ExpectCode("get unknown id", "notFound", null, () => engine.Get("nope"));
                    engine.Submit("{\"id\": \"r1\", \"launch\": {\"path\": \"C:\\\\Tools\\\\tool.exe\", \"user\": {\"name\": \"CORP\\\\alice\"}}, \"justification\": \"ticket 42\", \"duration\": \"1h\"}", T0);
                    ExpectCode("self approval", "selfApproval", null, () => engine.Approve("{\"id\": \"r1\", \"by\": \"corp\\\\ALICE\"}", T0));
                    ExpectCode("duplicate id", "duplicateId", null,
                        () => engine.Submit("{\"id\": \"r1\", \"launch\": {\"path\": \"C:\\\\Tools\\\\tool.exe\"}, \"justification\": \"ticket 42\"}", T0));
                    string approved = engine.Approve("{\"id\": \"r1\", \"by\": \"CORP\\\\bob\"}", T0.AddMinutes(1));
                    Record(approved.Contains("\"status\":\"active\""), "csharp", "approve", approved);
                    var g = engine.Evaluate(new Launch { Path = "C:\\Tools\\tool.exe", UserName = "CORP\\alice" }, T0.AddMinutes(2));
                    Record(g.Outcome == "elevate" && g.Rule == "grant:r1", "csharp", "the approved request covers the launch", g.Outcome + " " + g.Rule);
                    Record(engine.Active(T0.AddMinutes(2)).Contains("\"r1\""), "csharp", "active lists r1", engine.Active(T0.AddMinutes(2)));
                    Record(engine.Tick(T0.AddHours(2)).Contains("\"expired\""), "csharp", "tick expires r1", "");
                }

                var disposed = new Engine(policy);
                disposed.Dispose();
                try { disposed.Pending(); Record(false, "csharp", "disposed engine", "no exception"); }
                catch (ObjectDisposedException) { Record(true, "csharp", "disposed engine", null); }

                // Threads: one Policy and one Engine shared by 8 threads.
                using (var engine = new Engine(policy))
                {
                    int bad = 0;
                    var threads = new List<Thread>();
                    for (int t = 0; t < 8; t++)
                    {
                        int index = t;
                        var th = new Thread(() =>
                        {
                            var l = new Launch { Path = "C:\\Tools\\tool.exe", UserName = "user" + index };
                            for (int i = 0; i < 500; i++)
                            {
                                var x = policy.Evaluate(l, T0);
                                if (x.Outcome != "request" || x.Rule != "tools/tool") Interlocked.Increment(ref bad);
                            }
                            try
                            {
                                engine.Submit("{\"id\": \"t" + index + "\", \"launch\": {\"path\": \"C:\\\\Tools\\\\tool.exe\", \"user\": {\"name\": \"user" + index + "\"}}, \"justification\": \"thread test\"}", T0);
                            }
                            catch (JitAccessException) { Interlocked.Increment(ref bad); }
                        });
                        threads.Add(th);
                        th.Start();
                    }
                    foreach (var th in threads) th.Join();
                    Record(bad == 0, "csharp", "8 threads share one Policy and one Engine", bad + " wrong answers");
                    var pending = (List<object>)Json.Parse(engine.Pending(T0));
                    Record(pending.Count == 8, "csharp", "every thread's request is pending", pending.Count.ToString());
                }
            }
            ExpectCode("missing test file", "invalidTestFile", "/nonexistent/t.yaml", () => TestFiles.PlanJson("/nonexistent/t.yaml"));
        }

        private static void Bench(int n)
        {
            using (var policy = Policy.FromYaml(PolicyText))
            {
                var launch = new Launch
                {
                    Path = "C:\\Tools\\tool.exe", UserName = "CORP\\alice", UserGroups = new[] { "CORP\\IT Admins", "CORP\\Domain Users" },
                    ComputerName = "IT-LAPTOP-07", SignerValid = true, SignerPublisher = "Microsoft Corporation", ProductName = "Tool",
                };
                string json = "{\"path\":\"C:\\\\Tools\\\\tool.exe\",\"user\":{\"name\":\"CORP\\\\alice\",\"groups\":[\"CORP\\\\IT Admins\",\"CORP\\\\Domain Users\"]},"
                    + "\"computer\":{\"name\":\"IT-LAPTOP-07\"},\"signer\":{\"publisher\":\"Microsoft Corporation\",\"valid\":true},\"version\":{\"productName\":\"Tool\"}}";
                for (int i = 0; i < n / 10; i++) { policy.Evaluate(launch, T0); policy.EvaluateJson(json, T0); }
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < n; i++) policy.Evaluate(launch, T0);
                double typed = sw.Elapsed.TotalMilliseconds * 1e6 / n;
                sw = Stopwatch.StartNew();
                for (int i = 0; i < n; i++) policy.EvaluateJson(json, T0);
                double js = sw.Elapsed.TotalMilliseconds * 1e6 / n;
                Console.WriteLine("csharp evaluate typed: {0:F0} ns/call, json: {1:F0} ns/call ({2} calls each, mono {3})",
                    typed, js, n, Type.GetType("Mono.Runtime") != null ? "yes" : "no");
            }
        }

        private static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "--bench")
            {
                Bench(args.Length > 1 ? int.Parse(args[1]) : 200000);
                return 0;
            }
            foreach (var f in args) RunFile(f);
            int vp = passed, vf = failed;
            Console.WriteLine("vectors: {0} passed, {1} failed ({2} cases also checked through the typed path)", vp, vf, typedCompared);
            WrapperTests();
            Console.WriteLine("csharp: {0} passed, {1} failed", passed - vp, failed - vf);
            Console.WriteLine("{0} passed, {1} failed", passed, failed);
            return failed == 0 && args.Length > 0 ? 0 : 1;
        }
    }
}
