using Coffer.Exchanges.Model;

namespace Coffer.Exchanges.Tests.Core;

public sealed class PrecisionTests
{
    [Theory]
    [InlineData("0.123456789", "0.00001", "0.12345")]
    [InlineData("1.99", "1", "1")]
    [InlineData("5", "0", "5")]
    public void Amounts_AreTruncatedToTheStep(string value, string step, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Precision.TruncateToStep(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(step, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("100.125", "0.01", "100.13")]
    [InlineData("100.124", "0.01", "100.12")]
    [InlineData("37512", "5", "37510")]
    public void Prices_AreRoundedToTheTick(string value, string tick, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Precision.RoundToStep(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(tick, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("0.10000000", "0.1")]
    [InlineData("0.00000001", "0.00000001")]
    [InlineData("50000.0", "50000")]
    [InlineData("-0.0", "0")]
    public void Format_IsPlainInvariantWithoutTrailingZeros(string value, string expected) =>
        Assert.Equal(expected, Precision.Format(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Parse_AcceptsExponents_AndRefusesJunk()
    {
        Assert.Equal(0.00001m, Precision.Parse("1e-05"));
        Assert.Null(Precision.Parse("abc"));
        Assert.Null(Precision.Parse(null));
    }

    [Fact]
    public void StepOfDecimals() => Assert.Equal(0.00000001m, Precision.StepOfDecimals(8));
}
