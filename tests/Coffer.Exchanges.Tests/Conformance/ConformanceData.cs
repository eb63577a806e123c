using System.Text.Json.Nodes;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>The shared conformance data beside the repository (<c>../shared/conformance</c>), found as its README says.</summary>
internal static class ConformanceData
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Dir => Root.Value;

    public static JsonNode Load(params string[] parts) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine([Dir, .. parts])))
        ?? throw new InvalidDataException("Empty conformance file: " + Path.Combine(parts));

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, ".git")) && !File.Exists(Path.Combine(dir.FullName, ".git"))
               && dir.GetFiles("*.sln").Length == 0 && dir.GetFiles("*.slnx").Length == 0)
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }

        var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException("Conformance data not found: " + path);
    }
}
