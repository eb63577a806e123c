using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Coffer.Cli.Tokens;

/// <summary>Arguments and options of <c>coffer token ...</c>, each refusing bad values at parse time (exit code 2, nothing sent).</summary>
internal static class TokenArguments
{
    private const int MaxAccessorLength = 128;

    /// <summary>An accessor, or <c>self</c> when <paramref name="allowSelf"/>. A token pasted by mistake is refused and never echoed.</summary>
    public static Argument<string> Accessor(string description, bool allowSelf = true) => new("accessor")
    {
        Description = description,
        HelpName = allowSelf ? "ACCESSOR|self" : "ACCESSOR",
        CustomParser = result =>
        {
            var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (value.StartsWith(Coffer.Server.Features.Tokens.TokenFormat.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                // Sent, it would sit in the URL and the server's logs; printed, in the terminal's scrollback.
                result.AddError("That is a token, not an accessor: pass the token's accessor (acc_...), never the token itself. "
                    + "`coffer token lookup self` with COFFER_TOKEN set to a token shows its accessor.");
            }
            else if (!(allowSelf && value == TokenPaths.SelfName) && !IsAccessorShaped(value))
            {
                result.AddError(allowSelf
                    ? "ACCESSOR must be a token's accessor (acc_..., as `coffer token list` shows it), or self for COFFER_TOKEN."
                    : "ACCESSOR must be a token's accessor (acc_..., as `coffer token list` shows it).");
            }

            return value;
        },
    };

    /// <summary>A duration such as 1h30m, as whole seconds.</summary>
    public static Option<long?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var value = SingleToken(result);
            if (DurationParser.TryParseSeconds(value, out var seconds))
            {
                return seconds;
            }

            result.AddError($"{name} must be a duration greater than zero such as {DurationParser.Examples} "
                + $"(units d, h, m, s, largest first), not '{value}'.");
            return null;
        },
    };

    /// <summary>A whole number of at least 1.</summary>
    public static Option<int?> PositiveInteger(string name, string description, string helpName = "N") => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result =>
        {
            var value = SingleToken(result);
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
            {
                return number;
            }

            result.AddError($"{name} must be a whole number of at least 1, not '{value}'.");
            return null;
        },
    };

    /// <summary>A decimal number above zero, written with a point whatever the locale (1500 or 2.5, never 1,500).</summary>
    public static Option<decimal?> PositiveDecimal(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "D",
        CustomParser = result =>
        {
            var value = SingleToken(result);
            if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                return number;
            }

            result.AddError($"{name} must be a number greater than zero such as 1500 or 2.5, not '{value}'.");
            return null;
        },
    };

    /// <summary>A repeatable option: each occurrence takes one value (<c>--scope a --scope b</c>).</summary>
    public static Option<string[]> Repeatable(string name, string description, string helpName) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static bool IsAccessorShaped(string value) =>
        value.Length is > 0 and <= MaxAccessorLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static string SingleToken(ArgumentResult result) => result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
}
