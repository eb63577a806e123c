using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Identity;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Passwords per NIST SP 800-63B-4 §3.1.1.2 (security.md §12.2): at least 15 characters, because a Coffer password may
/// be the only factor (TOTP is optional); up to 256 so that passphrases and password managers fit; no composition
/// rules, no expiry; refused when it is on a bundled list of common passwords or is built from the username or the
/// service's name. Length counts Unicode code points ("each Unicode code point SHALL be counted as a single character").
/// </summary>
internal sealed class PasswordPolicy : IPasswordValidator<CofferUser>
{
    public const int MinLength = 15;
    public const int MaxLength = 256;

    private static readonly HashSet<string> Common = LoadCommon();

    public static string Describe => $"Use at least {MinLength} characters (a passphrase of several words is easiest), not a common password, not your username.";

    /// <summary>Null when acceptable; otherwise why not, for the person choosing it.</summary>
    public static string? Check(string password, string? username)
    {
        var length = new StringInfo(password).LengthInTextElements;
        if (length < MinLength)
        {
            return $"The password is too short: use at least {MinLength} characters (a passphrase of several words is easiest).";
        }

        if (length > MaxLength)
        {
            return $"The password is too long: at most {MaxLength} characters.";
        }

        var folded = password.ToLowerInvariant();
        if (Common.Contains(folded) || Common.Contains(folded.TrimEnd('!', '1', '.', ' ')))
        {
            return "This password is on a list of commonly used passwords; choose another.";
        }

        if (folded.Distinct().Count() <= 2)
        {
            return "The password repeats one or two characters; choose another.";
        }

        if (username is { Length: >= 3 } && folded.Contains(username.ToLowerInvariant(), StringComparison.Ordinal))
        {
            return "The password must not contain the username.";
        }

        return folded.Contains("coffer", StringComparison.Ordinal) && length < MinLength + 6
            ? "The password must not be built from the service's name."
            : null;
    }

    public Task<IdentityResult> ValidateAsync(UserManager<CofferUser> manager, CofferUser user, string? password)
    {
        var problem = Check(password ?? string.Empty, user.UserName);
        return Task.FromResult(problem is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "PasswordPolicy", Description = problem }));
    }

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("identity/common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line.ToLowerInvariant());
            }
        }

        return set;
    }
}
