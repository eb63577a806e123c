namespace Coffer.Server.Features.Notifications.Smtp;

/// <summary>
/// The addresses Coffer sends to and from: a deliberately narrow subset of RFC 5321 §4.1.2's Mailbox, a dot-atom local
/// part and a host name, ASCII only (no quoted local parts, address literals or SMTPUTF8). Anything that could break
/// out of a header or an SMTP command (CR, LF, spaces, angle brackets, commas) is outside it.
/// </summary>
internal static class MailAddressRules
{
    // RFC 5321 §4.5.3.1: 64 octets of local part, 255 of domain; a path of 256 including the angle brackets.
    private const int MaxLength = 254;
    private const int MaxLocalPart = 64;

    public static bool IsValid(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxLength)
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        if (at <= 0 || at > MaxLocalPart || at == address.Length - 1 || address.IndexOf('@', StringComparison.Ordinal) != at)
        {
            return false;
        }

        return IsDotAtom(address.AsSpan(0, at)) && IsHostName(address.AsSpan(at + 1));
    }

    /// <summary>The domain of a valid address (for Message-ID).</summary>
    public static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];

    // RFC 5322 §3.2.3 atext, joined by single dots.
    private static bool IsDotAtom(ReadOnlySpan<char> local)
    {
        if (local[0] == '.' || local[^1] == '.')
        {
            return false;
        }

        for (var i = 0; i < local.Length; i++)
        {
            var c = local[i];
            if (c == '.')
            {
                if (local[i - 1] == '.')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-/=?^_`{|}~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }

    // RFC 5321 §4.1.2 Domain: sub-domains of letters, digits and inner hyphens.
    internal static bool IsHostName(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty || domain.Length > 253)
        {
            return false;
        }

        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
