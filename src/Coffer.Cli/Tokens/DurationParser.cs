using System.Globalization;

namespace Coffer.Cli.Tokens;

/// <summary>
/// Durations as people write them: <c>90s</c>, <c>15m</c>, <c>12h</c>, <c>30d</c>, <c>1h30m</c>. Strict on purpose: a
/// token's lifetime is a security setting, so anything that is not plainly one duration is refused rather than guessed at.
/// </summary>
internal static class DurationParser
{
    public const string Examples = "90s, 15m, 12h, 30d or 1h30m";

    // Largest unit first, each at most once: "30m1h" or "1h1h" is more likely a typo than a wish.
    private static readonly (char Unit, long Seconds)[] Units = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

    // Twelve digits per part keep the sum of four parts far below long.MaxValue seconds, so no overflow is possible.
    private const int MaxDigits = 12;

    /// <summary>The duration in whole seconds; false for anything else, and for zero.</summary>
    public static bool TryParseSeconds(string? text, out long seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var nextUnit = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > MaxDigits || i == text.Length)
            {
                return false;
            }

            var unit = Array.FindIndex(Units, nextUnit, u => u.Unit == text[i]);
            if (unit < 0)
            {
                return false;
            }

            seconds += long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture) * Units[unit].Seconds;
            nextUnit = unit + 1;
            i++;
        }

        return seconds > 0;
    }
}
