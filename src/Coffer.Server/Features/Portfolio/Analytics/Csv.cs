using System.Globalization;
using System.Text;

namespace Coffer.Server.Features.Portfolio.Analytics;

internal enum CsvCellKind
{
    Empty,
    Text,
    Number,
    Time,
}

/// <summary>
/// One cell, typed so the writer knows what may be neutralized: text from exchanges or users is defended against formula
/// injection; numbers and times are written as they are (invariant culture), so a negative PnL stays a number a
/// spreadsheet can sum.
/// </summary>
internal readonly record struct CsvCell
{
    private CsvCell(CsvCellKind kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    public CsvCellKind Kind { get; }

    /// <summary>The cell's text before escaping and quoting.</summary>
    public string Value { get; }

    public static CsvCell Empty => new(CsvCellKind.Empty, "");

    public static CsvCell Text(string? value) => value is null ? Empty : new(CsvCellKind.Text, value);

    public static CsvCell Number(decimal? value) =>
        value is { } v ? new(CsvCellKind.Number, v.ToString(CultureInfo.InvariantCulture)) : Empty;

    public static CsvCell Number(long? value) =>
        value is { } v ? new(CsvCellKind.Number, v.ToString(CultureInfo.InvariantCulture)) : Empty;

    /// <summary>ISO 8601 in UTC with milliseconds (<c>2024-01-02T03:04:05.678Z</c>), which spreadsheets and parsers read.</summary>
    public static CsvCell Time(DateTimeOffset? value) =>
        value is { } v
            ? new(CsvCellKind.Time, v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
            : Empty;

    public static implicit operator CsvCell(string? value) => Text(value);

    public static implicit operator CsvCell(decimal value) => Number(value);

    public static implicit operator CsvCell(decimal? value) => Number(value);

    public static implicit operator CsvCell(DateTimeOffset value) => Time(value);

    public static implicit operator CsvCell(DateTimeOffset? value) => Time(value);

    public static CsvCell FromString(string? value) => Text(value);

    public static CsvCell FromDecimal(decimal? value) => Number(value);

    public static CsvCell FromDateTimeOffset(DateTimeOffset? value) => Time(value);
}

/// <summary>
/// Writes RFC 4180 CSV: comma-separated, CRLF after every record, a field quoted when it contains a comma, a double quote,
/// CR or LF, and a double quote inside a quoted field doubled (RFC 4180 §2 rules 4–7). Text cells are also defended
/// against CSV/formula injection as OWASP's "CSV Injection" page advises: a cell beginning with =, +, -, @, tab (0x09)
/// or carriage return (0x0D) is prefixed with a single quote, so a spreadsheet shows it as text instead of evaluating it.
/// </summary>
internal sealed class CsvWriter(TextWriter writer)
{
    private readonly TextWriter _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>The header row; column names are text cells like any other.</summary>
    public void WriteHeader(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        WriteRow(names.Select(CsvCell.Text).ToArray());
    }

    public void WriteRow(params CsvCell[] cells) => _writer.Write(Format(cells));

    /// <summary>For response bodies: ASP.NET Core refuses synchronous writes to the response stream.</summary>
    public Task WriteHeaderAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(names);
        return WriteRowAsync(names.Select(CsvCell.Text).ToArray(), cancellationToken);
    }

    public Task WriteRowAsync(IReadOnlyList<CsvCell> cells, CancellationToken cancellationToken = default) =>
        _writer.WriteAsync(Format(cells).AsMemory(), cancellationToken);

    /// <summary>One record with its CRLF terminator.</summary>
    public static string Format(IReadOnlyList<CsvCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var line = new StringBuilder();
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            AppendField(line, cells[i]);
        }

        return line.Append("\r\n").ToString();
    }

    /// <summary>A text cell's value with the injection prefix applied, before RFC 4180 quoting.</summary>
    public static string Neutralize(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static void AppendField(StringBuilder line, CsvCell cell)
    {
        var value = cell.Kind == CsvCellKind.Text ? Neutralize(cell.Value ?? "") : cell.Value ?? "";
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
