using System.Globalization;

namespace Coffer.Server.Features.Notifications.Smtp;

/// <summary>
/// One SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text. In a multi-line reply every line
/// but the last has a hyphen after the code ("250-SIZE"), the last a space or nothing ("250 OK", "250").
/// </summary>
internal sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    // RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers stay far below this many lines.
    public const int MaxLines = 100;

    public bool IsPositive => Code is >= 200 and < 300;

    /// <summary>4yz: the command may succeed later (RFC 5321 §4.2.1); 5yz is permanent and must not be repeated as is.</summary>
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>The text, flattened and cut short, with control characters removed: safe to store and show.</summary>
    public string Summary
    {
        get
        {
            var text = string.Join(' ', Lines).Trim();
            text = new string([.. text.Select(c => char.IsControl(c) ? ' ' : c)]);
            return text.Length > 200 ? text[..200] + "…" : text;
        }
    }

    /// <summary>Reads one reply, line by line from <paramref name="readLine"/>.</summary>
    public static async Task<SmtpReply> ReadAsync(Func<Task<string>> readLine)
    {
        var lines = new List<string>();
        int? code = null;
        while (true)
        {
            var line = await readLine();
            if (!TryParseLine(line, out var lineCode, out var more, out var text))
            {
                throw new SmtpException("The SMTP server sent a malformed reply line.", transient: true);
            }

            if (code is { } first && first != lineCode)
            {
                throw new SmtpException("The SMTP server changed the reply code within one multi-line reply.", transient: true);
            }

            code = lineCode;
            lines.Add(text);
            if (!more)
            {
                return new SmtpReply(lineCode, lines);
            }

            if (lines.Count >= MaxLines)
            {
                throw new SmtpException("The SMTP server sent an overlong multi-line reply.", transient: true);
            }
        }
    }

    internal static bool TryParseLine(string line, out int code, out bool more, out string text)
    {
        code = 0;
        more = false;
        text = string.Empty;
        if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
            || line[0] is < '2' or > '5')
        {
            return false;
        }

        if (line.Length > 3)
        {
            if (line[3] is not ('-' or ' '))
            {
                return false;
            }

            more = line[3] == '-';
            text = line[4..];
        }

        code = int.Parse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }
}

/// <summary>
/// Sending failed. <see cref="Transient"/> says whether a later try may succeed (4yz replies, network errors and
/// timeouts) or not (5yz replies, a server that does not meet the TLS policy).
/// </summary>
internal sealed class SmtpException(string message, bool transient, int? code = null, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;

    public int? Code { get; } = code;
}
