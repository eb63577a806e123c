using System.Text.Json.Nodes;

namespace Coffer.Vault.Tests;

/// <summary>
/// Locates the shared conformance data (known-answer vectors) that sits beside the repository:
/// &lt;repository root&gt;/../shared/conformance. The root is the first directory above the test binaries that holds a
/// <c>.git</c> entry (a directory, or a file in a git worktree) or a <c>*.slnx</c> file.
/// </summary>
internal static class Conformance
{
    public static string Dir { get; } = Locate();

    /// <summary>Parses a JSON file below <see cref="Dir"/>, e.g. <c>vectors/rfc.json</c>.</summary>
    public static JsonNode Load(string relativePath)
    {
        var path = Path.Combine(Dir, relativePath);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Conformance file not found: {path}", path);
        }

        return JsonNode.Parse(File.ReadAllText(path))
            ?? throw new InvalidDataException($"Conformance file is JSON null: {path}");
    }

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var isRoot = Directory.Exists(Path.Combine(dir.FullName, ".git"))
                || File.Exists(Path.Combine(dir.FullName, ".git"))
                || dir.EnumerateFiles("*.slnx").Any();
            if (!isRoot)
            {
                continue;
            }

            var conformance = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance"));
            return Directory.Exists(conformance)
                ? conformance
                : throw new DirectoryNotFoundException(
                    $"Shared conformance data not found: expected {conformance} (repository root {dir.FullName}).");
        }

        throw new DirectoryNotFoundException(
            $"No repository root (.git or *.slnx) above {AppContext.BaseDirectory}, so ../shared/conformance cannot be found.");
    }
}
