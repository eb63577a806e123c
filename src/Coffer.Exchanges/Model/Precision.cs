using System.Globalization;

namespace Coffer.Exchanges.Model;

/// <summary>
/// Rounding to a market's steps the way exchanges (and CCXT) do: amounts are truncated to the lot step (never more than
/// asked for), prices rounded to the nearest tick. Numbers go on the wire in plain invariant notation without trailing
/// zeros or exponents.
/// </summary>
internal static class Precision
{
    public static decimal TruncateToStep(decimal value, decimal step) =>
        step <= 0 ? value : decimal.Truncate(value / step) * step;

    public static decimal RoundToStep(decimal value, decimal step) =>
        step <= 0 ? value : decimal.Round(value / step, MidpointRounding.AwayFromZero) * step;

    /// <summary>True when <paramref name="value"/> is a whole multiple of <paramref name="step"/>.</summary>
    public static bool IsMultiple(decimal value, decimal step) => step <= 0 || value % step == 0;

    /// <summary>"0.10000000" → "0.1", 1E-8 → "0.00000001", 50000.0 → "50000".</summary>
    public static string Format(decimal value)
    {
        var text = value.ToString("0.############################", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    /// <summary>Parses an exchange's decimal string (invariant, optional exponent); null for null, empty or unparsable.</summary>
    public static decimal? Parse(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The step of a digit count: 8 → 0.00000001.</summary>
    public static decimal StepOfDecimals(int decimals) => decimals <= 0 ? 1m : 1m / Pow10(decimals);

    private static decimal Pow10(int n)
    {
        var result = 1m;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }
}
