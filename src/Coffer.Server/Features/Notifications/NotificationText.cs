using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coffer.Server.Features.Notifications;

/// <summary>Keeps what goes into a notification short, single-line where it must be, and free of secrets.</summary>
internal static partial class NotificationText
{
    public const int MaxTitle = 200;
    public const int MaxBody = 4000;
    public const int MaxDetails = 32;
    public const int MaxDetailKey = 64;
    public const int MaxDetailValue = 512;
    public const string Redacted = "[redacted]";

    public static string Title(string title) => Cut(OneLine(Redact(title)).Trim(), MaxTitle);

    public static string Body(string body) => Cut(Redact(body), MaxBody);

    /// <summary>The details as a JSON object of strings (at most <see cref="MaxDetails"/> entries, each cut short).</summary>
    public static string Details(IReadOnlyDictionary<string, string>? details)
    {
        var clean = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in details ?? new Dictionary<string, string>())
        {
            if (clean.Count == MaxDetails)
            {
                break;
            }

            var k = Cut(OneLine(Redact(key)).Trim(), MaxDetailKey);
            if (k.Length > 0)
            {
                clean[k] = Cut(OneLine(Redact(value ?? string.Empty)), MaxDetailValue);
            }
        }

        return JsonSerializer.Serialize(clean);
    }

    public static IReadOnlyDictionary<string, string> ParseDetails(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>
    /// Replaces anything shaped like a Coffer token (<c>cof_&lt;kind&gt;_…</c>), an unseal share (<c>cofs1_…</c>) or a
    /// webhook signing secret (<c>cofwh_…</c>): a caller that passed one by mistake must not have it mailed out.
    /// </summary>
    public static string Redact(string text) => SecretShape().Replace(text, Redacted);

    private static string OneLine(string text) => new([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    [GeneratedRegex(@"cof_[a-z]+_[0-9A-Za-z]{16,}(?:_[0-9A-Za-z]+)?|cofs1_[0-9A-Za-z_\-+/=]{16,}|cofwh_[0-9A-Za-z_\-]{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex SecretShape();
}
