using System.Text.Json.Nodes;

namespace Coffer.Exchanges.Tests.Conformance;

/// <summary>The harness itself: a comparison that can never succeed, or a case counted that is not Coffer's, skews every exchange's table.</summary>
public sealed class ConformanceHarnessTests
{
    [Fact]
    public void Compare_TimestampWrittenAsLong_EqualsTheFixtureNumber()
    {
        var expected = JsonNode.Parse("{\"timestamp\":1713952598063}");
        var actual = new JsonObject { ["timestamp"] = JsonValue.Create(1713952598063L) };

        Assert.Null(CcxtShape.Compare(expected, actual, new HashSet<string>()));
        Assert.NotNull(CcxtShape.Compare(expected, new JsonObject { ["timestamp"] = JsonValue.Create(1713952598064L) }, new HashSet<string>()));
    }

    [Fact]
    public void ForeignParameters_NamesOnlyExchangeSpecificKeys()
    {
        var input = JsonNode.Parse("[\"ADA/USDT\", \"limit\", \"buy\", 1, 0.2, {\"postOnly\": true, \"preview\": true}]")!.AsArray();

        Assert.Equal(["preview"], CcxtCall.ForeignParameters(input));
        Assert.Empty(CcxtCall.ForeignParameters(JsonNode.Parse("[\"ADA/USDT\", {\"triggerPrice\": 1}]")!.AsArray()));
    }

    [Fact]
    public void AssertConformance_CountsNotApplicableCasesNeitherAsPassedNorAsFailed()
    {
        var outcomes = new List<FixtureOutcome>
        {
            new("x", "request", "fetchTime", "a", null),
            new("x", "request", "fetchTime", "b", null, "exchange-specific parameters: method"),
        };

        ConformanceSuite.AssertConformance(outcomes, new Dictionary<string, string>());
        Assert.Contains("| all | | | 1 | 1 | 1 |", ConformanceSuite.Table(outcomes), StringComparison.Ordinal);
        Assert.ThrowsAny<Exception>(() => ConformanceSuite.AssertConformance([new("x", "request", "fetchTime", "c", "wrong path")], new Dictionary<string, string>()));
    }
}
