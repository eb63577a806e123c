using Coffer.Cli.Client;

namespace Coffer.Cli.Tests;

public sealed class ClientSettingsTests
{
    [Theory]
    [InlineData(null, "https://127.0.0.1:8443/")]
    [InlineData("127.0.0.1:9443", "https://127.0.0.1:9443/")]
    [InlineData("https://coffer.example", "https://coffer.example/")]
    [InlineData("https://coffer.example/vault", "https://coffer.example/vault/")]
    public void Resolve_Address_NormalizedToHttpsBase(string? address, string expected)
    {
        var settings = ClientSettings.Resolve(null, null, name => name == "COFFER_ADDR" ? address : null);

        Assert.Equal(new Uri(expected), settings.Address);
    }

    [Fact]
    public void Resolve_Options_WinOverEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["COFFER_ADDR"] = "https://env.example",
            ["COFFER_CACERT"] = "/env/ca.crt",
            ["COFFER_TOKEN"] = "  cof_trader_x  ",
        };

        var settings = ClientSettings.Resolve("https://option.example", "/option/ca.crt", name => environment.GetValueOrDefault(name));

        Assert.Equal(new Uri("https://option.example/"), settings.Address);
        Assert.Equal("/option/ca.crt", settings.CaCertificatePath);
        Assert.Equal("cof_trader_x", settings.Token);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8443")]
    [InlineData("https://coffer.example/?x=1")]
    [InlineData("https://")]
    public void Resolve_UnusableAddress_Throws(string address)
    {
        Assert.Throws<CliException>(() => ClientSettings.Resolve(address, null, _ => null));
    }
}
