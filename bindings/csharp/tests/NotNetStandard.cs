// Negative control of the .NET Standard 2.0 check (test.sh): compiles against the .NET Framework
// 4.6.1 reference assemblies, but RemotingServices is not part of .NET Standard 2.0, so the
// surface check must reject this assembly. If it ever passes, the check has gone blind.
namespace JitAccess.NegativeControl
{
    public static class UsesRemoting
    {
        public static bool IsProxy(object o)
        {
            return System.Runtime.Remoting.RemotingServices.IsTransparentProxy(o);
        }
    }
}
