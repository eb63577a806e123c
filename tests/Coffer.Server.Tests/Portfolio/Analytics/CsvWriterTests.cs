using Coffer.Exchanges.Model;
using Coffer.Server.Features.Portfolio.Analytics;

namespace Coffer.Server.Tests.Portfolio.Analytics;

public sealed class CsvWriterTests
{
    private static string Write(Action<CsvWriter> write)
    {
        using var text = new StringWriter();
        write(new CsvWriter(text));
        return text.ToString();
    }

    [Fact]
    public void WriteRow_PlainCells_CommaSeparatedCrlfTerminated()
    {
        var csv = Write(w =>
        {
            w.WriteHeader("asset", "amount", "pnl");
            w.WriteRow("BTC", 1.5m, -2.25m);
        });

        Assert.Equal("asset,amount,pnl\r\nBTC,1.5,-2.25\r\n", csv);
    }

    [Theory]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    public void WriteRow_TextNeedingQuotes_QuotedAndParsesBack(string value, string field)
    {
        var csv = Write(w => w.WriteRow("x", value, "y"));

        Assert.Equal($"x,{field},y\r\n", csv);
        Assert.Equal(["x", value, "y"], Assert.Single(CsvTestParser.Parse(csv)));
    }

    [Theory]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(1)", "'@SUM(1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "'\rcmd")]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")")]
    [InlineData("a=b", "a=b")]
    [InlineData(" =1", " =1")]
    public void WriteRow_FormulaLikeText_PrefixedWithQuote(string value, string expected)
    {
        var csv = Write(w => w.WriteRow(CsvCell.Text(value)));

        Assert.Equal([expected], Assert.Single(CsvTestParser.Parse(csv)));
    }

    [Fact]
    public void WriteRow_InjectionWithCommaAndQuote_PrefixedThenQuoted()
    {
        var csv = Write(w => w.WriteRow("=cmd|' /C calc'!A0,\"x\""));

        Assert.Equal("\"'=cmd|' /C calc'!A0,\"\"x\"\"\"\r\n", csv);
    }

    [Fact]
    public void WriteRow_NegativeNumber_StaysNumberWhileNegativeTextIsNeutralized()
    {
        var csv = Write(w => w.WriteRow(CsvCell.Number(-12.5m), CsvCell.Text("-12.5"), CsvCell.Number(-3L), CsvCell.Number(0.00000001m)));

        Assert.Equal("-12.5,'-12.5,-3,0.00000001\r\n", csv);
    }

    [Fact]
    public void WriteRow_NullsAndTimes_EmptyCellsAndIsoUtc()
    {
        var at = new DateTimeOffset(2024, 5, 6, 9, 8, 7, 654, TimeSpan.FromHours(2));

        var csv = Write(w => w.WriteRow(CsvCell.Text(null), CsvCell.Number((decimal?)null), CsvCell.Time(at), CsvCell.Time(null), CsvCell.Empty));

        Assert.Equal(",,2024-05-06T07:08:07.654Z,,\r\n", csv);
    }

    [Fact]
    public async Task WriteRowAsync_SameBytesAsSync()
    {
        CsvCell[] row = ["=x", "a,b", -1m];
        var sync = Write(w => w.WriteRow(row));
        using var text = new StringWriter();
        var writer = new CsvWriter(text);

        await writer.WriteHeaderAsync(["h1", "h2", "h3"]);
        await writer.WriteRowAsync(row);

        Assert.Equal("h1,h2,h3\r\n" + sync, text.ToString());
    }

    [Fact]
    public void WriteTrades_HostileIdsAndCurrencies_NeutralizedAndParsedBack()
    {
        var trade = new LedgerTrade
        {
            Exchange = "binance",
            Symbol = "BTC/USDT",
            Side = OrderSide.Sell,
            Price = 100m,
            Amount = 0.5m,
            Fee = new Fee("=BNB", 0.001m),
            Timestamp = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            TradeId = "@1,\"2\"",
        };

        var rows = CsvTestParser.Parse(Write(w => PnlCsv.WriteTrades(w, [trade])));

        Assert.Equal(PnlCsv.TradeColumns, rows[0]);
        Assert.Equal(["2024-01-01T00:00:00.000Z", "binance", "BTC/USDT", "sell", "100", "0.5", "50.0", "'=BNB", "0.001", "'@1,\"2\""], rows[1]);
    }

    [Fact]
    public void WriteRealized_OneRowPerLotAndOneForUncoveredSale()
    {
        var report = FifoPnl.Compute(
            [
                FifoLedgerTests.Buy(1m, 100m, minute: 0, id: "b1"),
                FifoLedgerTests.Buy(1m, 200m, minute: 1, id: "b2"),
                FifoLedgerTests.Sell(1.5m, 300m, minute: 2, id: "s1"),
                FifoLedgerTests.Sell(1m, 300m, minute: 3, id: "s2"),
            ],
            (_, _) => null,
            (_, _) => null);

        var rows = CsvTestParser.Parse(Write(w => PnlCsv.WriteRealized(w, report.Assets.SelectMany(a => a.Realized))));

        Assert.Equal(PnlCsv.RealizedColumns, rows[0]);
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(PnlCsv.RealizedColumns.Length, r.Length));
        Assert.Equal(["s1", "1.5", "450", "200", "250", "0", "0", "b1", "1", "100"], rows[1][2..3].Concat(rows[1][5..11]).Concat(rows[1][13..]).Select(Normalize));
        Assert.Equal(["s1", "b2", "0.5", "100"], new[] { rows[2][2], rows[2][13], rows[2][14], rows[2][15] }.Select(Normalize));

        // s2: 0.5 covered by what is left of b2, 0.5 unmatched; proceeds 300 × 0.5 = 150 against 100.
        Assert.Equal(["s2", "0.5", "150", "100", "50", "0.5", "b2"], new[] { rows[3][2], rows[3][5], rows[3][6], rows[3][7], rows[3][8], rows[3][10], rows[3][13] }.Select(Normalize));
    }

    [Fact]
    public void WritePositions_UnknownValuesEmpty_NegativePnlNumeric()
    {
        var report = FifoPnl.Compute(
            [FifoLedgerTests.Buy(1m, 100m, minute: 0), FifoLedgerTests.Sell(0.5m, 80m, minute: 1)],
            (_, _) => null,
            (_, _) => null);

        var rows = CsvTestParser.Parse(Write(w => PnlCsv.WritePositions(w, report.Assets)));

        Assert.Equal(PnlCsv.PositionColumns, rows[0]);
        Assert.Equal(["BTC", "USDT", "0.5", "50", "100", "-10", "0", "", "", "", "0"], rows[1].Select(Normalize));
    }

    /// <summary>Drops trailing fractional zeros, which decimal keeps from its scale and which do not change the number.</summary>
    private static string Normalize(string cell) =>
        decimal.TryParse(cell, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? (d / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture)
            : cell;
}
