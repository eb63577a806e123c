using System.Globalization;

namespace Coffer.Cli.Output;

internal static class Invariant
{
    /// <summary>A number from the server as text; "?" when the server left it out, rather than a misleading 0.</summary>
    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
