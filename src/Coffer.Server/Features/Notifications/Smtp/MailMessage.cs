using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Features.Notifications.Smtp;

/// <summary>
/// Builds a plain-text Internet message (RFC 5322) with a MIME body (RFC 2045): UTF-8 text, quoted-printable, so the
/// message is 7-bit clean and goes through any server without 8BITMIME. Lines end in CRLF. Header values containing CR or
/// LF are refused outright, so no caller-supplied text can add a header (header injection).
/// </summary>
internal static class MailMessage
{
    // RFC 2045 §6.7 rule 5: encoded lines are at most 76 characters, the soft line break's '=' included.
    private const int MaxEncodedLine = 76;

    // RFC 2047 §2: an encoded-word is at most 75 characters; "=?utf-8?B?" + "?=" leave 63 for base64, i.e. 45 bytes.
    private const int MaxEncodedWordBytes = 45;

    public static byte[] Build(string from, string to, string subject, string body, DateTimeOffset date)
    {
        RequireHeaderValue(from, nameof(from));
        RequireHeaderValue(to, nameof(to));
        RequireHeaderValue(subject, nameof(subject));
        if (!MailAddressRules.IsValid(from) || !MailAddressRules.IsValid(to))
        {
            throw new ArgumentException("From and To must be plain addresses.");
        }

        var text = new StringBuilder();
        Header(text, "Date", date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)); // RFC 5322 §3.3
        Header(text, "From", $"Coffer <{from}>");
        Header(text, "To", $"<{to}>");
        Header(text, "Subject", EncodeHeaderText(subject));
        Header(text, "Message-ID", $"<{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}@{MailAddressRules.Domain(from)}>");
        Header(text, "MIME-Version", "1.0");
        Header(text, "Content-Type", "text/plain; charset=utf-8");
        Header(text, "Content-Transfer-Encoding", "quoted-printable");

        // RFC 3834 §5: machine-generated, so auto-responders stay quiet.
        Header(text, "Auto-Submitted", "auto-generated");
        text.Append("\r\n");
        text.Append(QuotedPrintable(body));
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Header text as is when it is short printable ASCII, otherwise as folded RFC 2047 "B" encoded-words.</summary>
    internal static string EncodeHeaderText(string value)
    {
        var plain = value.Length <= 60 && !value.Contains("=?", StringComparison.Ordinal) && value.All(c => c is >= ' ' and <= '~');
        if (plain)
        {
            return value;
        }

        // Whole characters per word (RFC 2047 §5: a multi-byte character must not be split across words).
        var words = new List<string>();
        var chunk = new List<byte>();
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            if (chunk.Count + length > MaxEncodedWordBytes)
            {
                words.Add(Word(chunk));
                chunk.Clear();
            }

            chunk.AddRange(buffer[..length]);
        }

        if (chunk.Count > 0 || words.Count == 0)
        {
            words.Add(Word(chunk));
        }

        // Folding (RFC 5322 §2.2.3): CRLF followed by white space; the space between encoded-words is not displayed.
        return string.Join("\r\n ", words);

        static string Word(List<byte> bytes) => "=?utf-8?B?" + Convert.ToBase64String([.. bytes]) + "?=";
    }

    /// <summary>RFC 2045 §6.7 quoted-printable of UTF-8 text; the text's line breaks become CRLF hard breaks.</summary>
    internal static string QuotedPrintable(string body)
    {
        var output = new StringBuilder();
        var lines = body.ReplaceLineEndings("\n").Split('\n');
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var column = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var last = i == bytes.Length - 1;

                // Rule 2: printable ASCII but '=' stands for itself. Rule 3: space and tab too, except at the end of a
                // line, where transports may strip them.
                var literal = (b is >= 33 and <= 126 && b != '=') || (b is (byte)' ' or (byte)'\t' && !last);
                var token = literal ? ((char)b).ToString() : "=" + b.ToString("X2", CultureInfo.InvariantCulture);

                // Rule 5: break softly so no encoded line exceeds 76 characters including the '='; the last token on
                // a line need not leave room for a soft break after it.
                var room = last ? MaxEncodedLine : MaxEncodedLine - 1;
                if (column + token.Length > room)
                {
                    output.Append("=\r\n");
                    column = 0;
                }

                output.Append(token);
                column += token.Length;
            }

            output.Append("\r\n");
        }

        return output.ToString();
    }

    private static void Header(StringBuilder text, string name, string value) => text.Append(name).Append(": ").Append(value).Append("\r\n");

    private static void RequireHeaderValue(string value, string name)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0 || value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A header value must not contain CR, LF or NUL.", name);
        }
    }
}
