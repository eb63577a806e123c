using System.Text;
using Coffer.Server.Features.Notifications.Smtp;

namespace Coffer.Server.Tests.Notifications;

public sealed class SmtpProtocolTests
{
    private static readonly DateTimeOffset Date = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    [Fact]
    public async Task ReadReply_MultiLine_CollectsLinesUntilSpace()
    {
        var lines = new Queue<string>(["250-smtp.test Hello", "250-SIZE 1000", "250-STARTTLS", "250 AUTH PLAIN LOGIN", "junk"]);

        var reply = await SmtpReply.ReadAsync(() => Task.FromResult(lines.Dequeue()));

        Assert.Equal(250, reply.Code);
        Assert.Equal(["smtp.test Hello", "SIZE 1000", "STARTTLS", "AUTH PLAIN LOGIN"], reply.Lines);
        Assert.Single(lines);
    }

    [Theory]
    [InlineData("250", 250, false, "")]
    [InlineData("221 Bye", 221, false, "Bye")]
    [InlineData("451-wait", 451, true, "wait")]
    public void TryParseLine_ValidLines_Parsed(string line, int code, bool more, string text)
    {
        Assert.True(SmtpReply.TryParseLine(line, out var c, out var m, out var t));
        Assert.Equal((code, more, text), (c, m, t));
    }

    [Theory]
    [InlineData("")]
    [InlineData("25")]
    [InlineData("abc OK")]
    [InlineData("250OK")]
    [InlineData("650 nonsense")]
    [InlineData("150 not in SMTP")]
    public void TryParseLine_Malformed_Refused(string line) => Assert.False(SmtpReply.TryParseLine(line, out _, out _, out _));

    [Fact]
    public async Task ReadReply_CodeChangesMidReply_Throws()
    {
        var lines = new Queue<string>(["250-one", "251 two"]);

        var error = await Assert.ThrowsAsync<SmtpException>(() => SmtpReply.ReadAsync(() => Task.FromResult(lines.Dequeue())));

        Assert.True(error.Transient);
    }

    [Fact]
    public async Task ReadReply_EndlessContinuation_StopsAtLimit()
    {
        var error = await Assert.ThrowsAsync<SmtpException>(() => SmtpReply.ReadAsync(() => Task.FromResult("250-more")));

        Assert.Contains("overlong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DotStuff_LinesStartingWithDot_GetAnotherAndDataIsTerminated()
    {
        var stuffed = Encoding.ASCII.GetString(SmtpMailer.DotStuff(Encoding.ASCII.GetBytes(".first\r\nmid.dle\r\n.\r\n..two\r\nlast")));

        Assert.Equal("..first\r\nmid.dle\r\n..\r\n...two\r\nlast\r\n.\r\n", stuffed);
    }

    [Theory]
    [InlineData("Subject\r\nBcc: victim@example.com")]
    [InlineData("Subject\nX-Evil: 1")]
    [InlineData("Subject\rX-Evil: 1")]
    public void Build_CrOrLfInSubject_Refused(string subject) =>
        Assert.Throws<ArgumentException>(() => MailMessage.Build("coffer@coffer.test", "me@example.com", subject, "body", Date));

    [Theory]
    [InlineData("me@example.com\r\nBcc: victim@example.com")]
    [InlineData("Me <me@example.com>")]
    [InlineData("me@example.com, victim@example.com")]
    public void Build_BadRecipient_Refused(string to) =>
        Assert.Throws<ArgumentException>(() => MailMessage.Build("coffer@coffer.test", to, "Subject", "body", Date));

    [Fact]
    public void Build_Headers_CompleteAndCrlf()
    {
        var text = Encoding.ASCII.GetString(MailMessage.Build("coffer@coffer.test", "me@example.com", "Hello", "Body", Date));

        Assert.StartsWith("Date: Tue, 04 Mar 2025 05:06:07 +0000\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nFrom: Coffer <coffer@coffer.test>\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nTo: <me@example.com>\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: Hello\r\n", text, StringComparison.Ordinal);
        Assert.Matches(@"\r\nMessage-ID: <[0-9a-f]{32}@coffer\.test>\r\n", text);
        Assert.Contains("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\n\r\nBody\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotMatch("[^\r]\n", text);
    }

    [Fact]
    public void QuotedPrintable_LongAndSpecialLines_EncodedPerRfc2045()
    {
        var body = new string('a', 200) + " =\t\nnext line ends in space \nÜ";

        var encoded = MailMessage.QuotedPrintable(body);

        var lines = encoded.Split("\r\n");
        Assert.All(lines, l => Assert.True(l.Length <= 76, $"Encoded line of {l.Length} characters."));
        Assert.All(lines, l => Assert.DoesNotMatch("[ \t]$", l));
        Assert.Contains("=3D", encoded, StringComparison.Ordinal);
        Assert.Contains("=09\r\n", encoded, StringComparison.Ordinal);
        Assert.Contains("space=20\r\n", encoded, StringComparison.Ordinal);
        Assert.Contains("=C3=9C", encoded, StringComparison.Ordinal);
        Assert.Equal(body, DecodeQuotedPrintable(encoded));
    }

    [Fact]
    public void EncodeHeaderText_NonAscii_EncodedWordsOfWholeCharacters()
    {
        var subject = string.Concat(Enumerable.Repeat("€✓ü", 20));

        var encoded = MailMessage.EncodeHeaderText(subject);

        var words = encoded.Split("\r\n ");
        Assert.All(words, w => Assert.Matches("^=\\?utf-8\\?B\\?[A-Za-z0-9+/=]+\\?=$", w));
        Assert.All(words, w => Assert.True(w.Length <= 75));
        Assert.Equal(subject, string.Concat(words.Select(w => Encoding.UTF8.GetString(Convert.FromBase64String(w[10..^2])))));
    }

    [Theory]
    [InlineData("a@example.com", true)]
    [InlineData("first.last+tag@sub.example.co", true)]
    [InlineData("a..b@example.com", false)]
    [InlineData(".a@example.com", false)]
    [InlineData("a@-example.com", false)]
    [InlineData("a@example..com", false)]
    [InlineData("a b@example.com", false)]
    [InlineData("a@b@example.com", false)]
    [InlineData("ü@example.com", false)]
    [InlineData("a@example.com>", false)]
    [InlineData("@example.com", false)]
    [InlineData("a@", false)]
    public void IsValid_Addresses(string address, bool valid) => Assert.Equal(valid, MailAddressRules.IsValid(address));

    private static string DecodeQuotedPrintable(string encoded)
    {
        var bytes = new List<byte>();
        var text = encoded.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
    }
}
