using System.Text;

namespace Coffer.Server.Tests.Portfolio.Analytics;

/// <summary>
/// A strict RFC 4180 reader for the tests: every record must end in CRLF, a quoted field may hold commas, CR, LF and
/// doubled quotes, and a bare quote or a lone CR or LF outside quotes is an error, so sloppy output cannot parse back.
/// </summary>
internal static class CsvTestParser
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        var atFieldStart = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (atFieldStart && c == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException("unterminated quoted field");
                    }

                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(text[i++]);
                }

                atFieldStart = false;
                if (i < text.Length && text[i] is not (',' or '\r'))
                {
                    throw new FormatException($"text after closing quote at {i}");
                }

                continue;
            }

            switch (c)
            {
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                    i++;
                    break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                    atFieldStart = true;
                    i += 2;
                    break;
                case '\r' or '\n' or '"':
                    throw new FormatException($"unquoted {(int)c:x2} at {i}");
                default:
                    field.Append(c);
                    atFieldStart = false;
                    i++;
                    break;
            }
        }

        if (fields.Count > 0 || field.Length > 0 || !atFieldStart)
        {
            throw new FormatException("last record has no CRLF");
        }

        return records;
    }
}
