using System.Reflection;

namespace Coffer.Cli;

internal static class ThisAssembly
{
    /// <summary>The product version (from Directory.Build.props), without the source-revision suffix the SDK appends.</summary>
    public static string Version { get; } =
        (typeof(ThisAssembly).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
            .Split('+')[0];
}
