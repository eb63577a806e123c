using Coffer.Server.Features.OAuth.Dpop;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Coffer.Server.Tests.OAuth.Dpop;

/// <summary>The jti replay cache is the database's, not a node's: a proof accepted by one node is refused by every other (RFC 9449 §11.1).</summary>
public sealed class DpopReplayAcrossNodesTests
{
    private const string Token = "cof_oauth_exampleexampleexampleexampleexampleexa_abcdef";

    [Fact]
    public async Task Validate_ProofUsedOnOneNode_RefusedOnOtherNodeOfSamePostgres()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        await using var nodeA = await ServerInstance.StartAsync(storage.Settings());
        await using var nodeB = await ServerInstance.StartAsync(storage.Settings());
        using var key = DpopKey.Ec();
        var htu = new Uri("https://coffer.example/api/v1/tokens/self");

        var proof = DpopProof.For(key, "GET", htu, DateTimeOffset.UtcNow, Token).Build();
        var onA = await ValidateAsync(nodeA, proof, htu, key.Thumbprint);
        var onB = await ValidateAsync(nodeB, proof, htu, key.Thumbprint);

        Assert.True(onA.Succeeded, onA.ErrorDescription);
        Assert.False(onB.Succeeded);
        Assert.Contains("already used", onB.ErrorDescription, StringComparison.Ordinal);

        // And the other way round, with a fresh proof: first use on B, replay on A.
        var second = DpopProof.For(key, "GET", htu, DateTimeOffset.UtcNow, Token).Build();
        Assert.True((await ValidateAsync(nodeB, second, htu, key.Thumbprint)).Succeeded);
        Assert.False((await ValidateAsync(nodeA, second, htu, key.Thumbprint)).Succeeded);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Validate_SameProofConcurrently_ExactlyOneAccepted(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var node = await ServerInstance.StartAsync(storage.Settings());
        using var key = DpopKey.Ec();
        var htu = new Uri("https://coffer.example/api/v1/tokens/self");
        var proof = DpopProof.For(key, "GET", htu, DateTimeOffset.UtcNow, Token).Build();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ValidateAsync(node, proof, htu, key.Thumbprint))));

        Assert.Single(results, r => r.Succeeded);
    }

    private static Task<DpopResult> ValidateAsync(ServerInstance node, string proof, Uri htu, string jkt) =>
        node.Services.GetRequiredService<DpopProofValidator>().ValidateAsync(new StringValues(proof), "GET", htu, Token, jkt, default);
}
