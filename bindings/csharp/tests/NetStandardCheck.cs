// The checks of the netstandard2.0 project that can run without the .NET SDK (test.sh runs them;
// docs/bindings.md says what they cover and what they do not).
//
//   mono NetStandardCheck.exe csproj JitAccess.csproj
//     The project file is well-formed XML of the SDK form, targets netstandard2.0 with C# 7.2
//     and unsafe blocks, compiles exactly the listed sources (default items off) and lists every
//     .cs file beside it and nothing that is missing. Prints the listed sources, one a line.
//   mono NetStandardCheck.exe surface netstandard.dll ASSEMBLY.dll
//     Every type ASSEMBLY.dll uses from another assembly is one that the netstandard 2.0
//     facade forwards, i.e. part of .NET Standard 2.0 (types only: a member of such a type that
//     .NET Standard 2.0 lacks is not caught here; the compile against the .NET Framework 4.6.1
//     reference assemblies bounds the members).
// Exit code 0 when the check holds, 1 with one line per problem otherwise.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml;
using System.Xml.Linq;
using Mono.Cecil;

internal static class NetStandardCheck
{
    private static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "csproj") return Csproj(args[1]);
        if (args.Length == 3 && args[0] == "surface") return Surface(args[1], args[2]);
        Console.Error.WriteLine("usage: NetStandardCheck.exe csproj FILE | surface NETSTANDARD.dll ASSEMBLY.dll");
        return 2;
    }

    private static int Fail(List<string> problems)
    {
        foreach (var p in problems) Console.Error.WriteLine(p);
        return problems.Count == 0 ? 0 : 1;
    }

    private static int Csproj(string path)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Load(path);
        }
        catch (XmlException e)
        {
            Console.Error.WriteLine("{0}: not well-formed XML: {1}", path, e.Message);
            return 1;
        }
        var problems = new List<string>();
        var root = doc.Root;
        if (root.Name.LocalName != "Project" || root.Name.NamespaceName != "")
            problems.Add(path + ": the root element is not an SDK-style <Project> (no XML namespace)");
        if ((string)root.Attribute("Sdk") != "Microsoft.NET.Sdk")
            problems.Add(path + ": <Project Sdk=\"Microsoft.NET.Sdk\"> expected");
        Func<string, string> prop = name =>
        {
            var all = root.Elements("PropertyGroup").Elements(name).ToList();
            if (all.Count > 1) problems.Add(path + ": <" + name + "> is set more than once");
            return all.Count == 0 ? null : all[0].Value.Trim();
        };
        Action<string, string> want = (name, value) =>
        {
            var v = prop(name);
            if (!string.Equals(v, value, StringComparison.OrdinalIgnoreCase))
                problems.Add(string.Format("{0}: <{1}> is '{2}', expected '{3}'", path, name, v ?? "(missing)", value));
        };
        want("TargetFramework", "netstandard2.0");
        want("LangVersion", "7.2");
        want("AllowUnsafeBlocks", "true");
        want("EnableDefaultCompileItems", "false");
        if (root.Elements("PropertyGroup").Elements("TargetFrameworks").Any())
            problems.Add(path + ": <TargetFrameworks> would override <TargetFramework>");

        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        var listed = new List<string>();
        foreach (var c in root.Elements("ItemGroup").Elements("Compile"))
        {
            var inc = (string)c.Attribute("Include");
            if (string.IsNullOrEmpty(inc) || inc.IndexOfAny(new[] { '*', '?', ';', '$' }) >= 0)
            {
                problems.Add(path + ": <Compile Include> must name one file, got '" + inc + "'");
                continue;
            }
            var full = Path.GetFullPath(Path.Combine(dir, inc.Replace('\\', '/')));
            if (!File.Exists(full)) problems.Add(path + ": <Compile Include=\"" + inc + "\"> does not exist");
            else if (listed.Contains(full)) problems.Add(path + ": " + inc + " is listed twice");
            else listed.Add(full);
        }
        if (listed.Count == 0) problems.Add(path + ": no <Compile> items");
        foreach (var cs in Directory.GetFiles(dir, "*.cs").Select(Path.GetFullPath))
            if (!listed.Contains(cs))
                problems.Add(path + ": " + Path.GetFileName(cs) + " is beside the project but not compiled by it");
        if (problems.Count == 0)
            foreach (var f in listed) Console.WriteLine(f);
        return Fail(problems);
    }

    private static int Surface(string netstandard, string assembly)
    {
        var facade = ModuleDefinition.ReadModule(netstandard);
        if (facade.Assembly.Name.Name != "netstandard" || facade.Assembly.Name.Version != new Version(2, 0, 0, 0))
        {
            Console.Error.WriteLine("{0}: not the netstandard 2.0.0.0 facade ({1})", netstandard, facade.Assembly.Name);
            return 1;
        }
        // The facade's exported types (type forwarders) are the .NET Standard 2.0 types.
        var allowed = new HashSet<string>(facade.ExportedTypes.Select(t => t.FullName));
        var module = ModuleDefinition.ReadModule(assembly);
        var problems = new List<string>();
        var seen = new HashSet<string>();
        foreach (var t in module.GetTypeReferences())
        {
            var top = t;
            while (top.DeclaringType != null) top = top.DeclaringType;
            if (top.Scope is ModuleDefinition) continue; // a type of the assembly itself
            if (!seen.Add(t.FullName)) continue;
            if (!allowed.Contains(t.FullName))
                problems.Add(string.Format("{0}: uses {1} from {2}, which is not part of .NET Standard 2.0",
                    Path.GetFileName(assembly), t.FullName, top.Scope.Name));
        }
        if (problems.Count == 0)
            Console.WriteLine("{0}: all {1} referenced types are in .NET Standard 2.0", Path.GetFileName(assembly), seen.Count);
        return Fail(problems);
    }
}
