using System.Diagnostics;
using System.Net;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Tests.Storage;
using Coffer.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Coffer.Server.Tests.Tokens;

/// <summary>DESIGN §1 promise 4: revoking a token revokes everything below it, at once, on every node.</summary>
public sealed class RevocationTests
{
    [Theory]
    [InlineData("sqlite", 1)]
    [InlineData("sqlite", 2)]
    [InlineData("postgres", 1)]
    [InlineData("postgres", 2)]
    public async Task Revoke_EveryNodeOfSmallBinaryTrees_DescendantsRefusedOthersStillWork(string provider, int depth)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await StartAsync(storage);
        var nodes = (1 << (depth + 1)) - 1;
        for (var target = 0; target < nodes; target++)
        {
            var tree = await BinaryTree.CreateAsync(server, depth);
            await RevokeAndCheckAsync(server, tree, tree.Accessors[target]);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Revoke_RootMiddleAndLeafOfDepthTenTree_DescendantsRefusedOthersStillWork(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await StartAsync(storage);
        foreach (var pick in new Func<BinaryTree, int>[] { _ => 0, _ => BinaryTree.IndexAtDepth(5), t => t.Accessors.Count - 1 })
        {
            var tree = await BinaryTree.CreateAsync(server, 10);
            Assert.Equal(2047, tree.Accessors.Count);
            await RevokeAndCheckAsync(server, tree, tree.Accessors[pick(tree)]);
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Revoke_NodeDeepInTenThousandTokenTree_NoRecursionLimit(string provider)
    {
        await using var storage = await StorageUnderTest.CreateAsync(provider);
        await using var server = await StartAsync(storage);

        // A chain 3,000 deep (deeper than any recursion limit would allow) with 7,000 more tokens hung off it.
        var random = new Random(42);
        var parents = new List<int?> { null };
        for (var i = 1; i < 3000; i++)
        {
            parents.Add(i - 1);
        }

        for (var i = 3000; i < 10_000; i++)
        {
            parents.Add(random.Next(0, i));
        }

        var tree = await TokenForest.CreateAsync(server, parents);
        await RevokeAndCheckAsync(server, tree, tree.Accessors[1500]);
    }

    [Fact]
    public async Task Revoke_OnOneNode_OtherNodeOnSamePostgresRefusesWithinOneSecond()
    {
        await using var storage = await StorageUnderTest.CreateAsync("postgres");
        await using var nodeA = await StartAsync(storage);
        var (shares, admin) = await nodeA.InitAndUnsealAsync();
        await using var nodeB = await ServerInstance.StartAsync(storage.Settings());
        foreach (var share in shares.Take(2))
        {
            (await nodeB.PostJsonAsync("/api/v1/sys/unseal", new { share })).Dispose();
        }

        using var created = await nodeA.PostJsonAsync("/api/v1/tokens", new { scopes = new[] { "tokens:read" } }, admin);
        var token = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;

        // Node B has seen (and cached) the token.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(nodeB, token));
        }

        using (var revoke = await nodeA.PostJsonAsync("/api/v1/tokens/self/revoke", null, token))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        var deadline = Stopwatch.StartNew();
        var status = HttpStatusCode.OK;
        while (deadline.Elapsed < TimeSpan.FromSeconds(1) && (status = await StatusAsync(nodeB, token)) == HttpStatusCode.OK)
        {
            await Task.Delay(20);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<ServerInstance> StartAsync(StorageUnderTest storage)
    {
        var server = await ServerInstance.StartAsync(storage.Settings());
        return server;
    }

    private static async Task<HttpStatusCode> StatusAsync(ServerInstance server, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/tokens/self");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await server.Client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Revokes <paramref name="target"/> and checks every token: through authentication (after a first round that fills
    /// the cache, so a stale entry would show) for trees up to a few thousand tokens, and for larger ones through
    /// authentication of a fixed sample — the target, its ancestors, and every 20th token — plus the stored revocation
    /// state of all of them.
    /// </summary>
    private static async Task RevokeAndCheckAsync(ServerInstance server, TokenForest tree, string target)
    {
        var store = server.Services.GetRequiredService<TokenStore>();
        var checkedByAuthentication = tree.Tokens.Count <= 3000
            ? Enumerable.Range(0, tree.Tokens.Count).ToList()
            : [.. tree.AncestorsOf(target).Append(tree.Accessors.IndexOf(target)).Concat(Enumerable.Range(0, tree.Tokens.Count).Where(i => i % 20 == 0)).Distinct()];
        foreach (var i in checkedByAuthentication)
        {
            Assert.NotNull((await store.AuthenticateAsync(tree.Tokens[i], null, default)).Info);
        }

        var revoked = await server.Services.GetRequiredService<TokenTree>().RevokeAsync(target, default);

        var below = tree.SubtreeOf(target);
        Assert.Equal(below.Count, revoked);
        foreach (var i in checkedByAuthentication)
        {
            var info = (await store.AuthenticateAsync(tree.Tokens[i], null, default)).Info;
            Assert.True(below.Contains(tree.Accessors[i]) == (info is null), $"token {i} (in subtree: {below.Contains(tree.Accessors[i])})");
        }

        await using var db = await server.Services.GetRequiredService<IDbContextFactory<CofferDb>>().CreateDbContextAsync();
        var revokedNow = (await db.Tokens.AsNoTracking().Where(t => t.RevokedAt != null).Select(t => t.Accessor).ToListAsync()).ToHashSet();
        revokedNow.IntersectWith(tree.Accessors);
        Assert.True(revokedNow.SetEquals(below), $"{revokedNow.Count} revoked in the database, {below.Count} expected");
    }

    /// <summary>Tokens inserted directly (the tree's own validation is tested elsewhere), with their parents.</summary>
    private class TokenForest
    {
        protected TokenForest(List<string> tokens, List<string> accessors, List<int?> parents)
        {
            Tokens = tokens;
            Accessors = accessors;
            Parents = parents;
        }

        public List<string> Tokens { get; }

        public List<string> Accessors { get; }

        public List<int?> Parents { get; }

        public static async Task<TokenForest> CreateAsync(ServerInstance server, List<int?> parents)
        {
            var (tokens, accessors) = await InsertAsync(server, parents);
            return new TokenForest(tokens, accessors, parents);
        }

        protected static async Task<(List<string>, List<string>)> InsertAsync(ServerInstance server, List<int?> parents)
        {
            var tokens = new List<string>();
            var accessors = new List<string>();
            var rows = new List<TokenRow>();
            var user = Guid.NewGuid();
            for (var i = 0; i < parents.Count; i++)
            {
                var token = TokenFormat.Create(i == 0 ? "trader" : "api");
                tokens.Add(token);
                accessors.Add(TokenFormat.CreateAccessor());
                rows.Add(new TokenRow
                {
                    Accessor = accessors[i],
                    TokenHash = TokenFormat.Hash(token),
                    Kind = i == 0 ? "trader" : "api",
                    UserId = user,
                    ParentAccessor = parents[i] is { } p ? accessors[p] : null,
                    Scopes = "tokens:read",
                    CreatedAt = DateTimeOffset.UtcNow,
                });
            }

            var factory = server.Services.GetRequiredService<IDbContextFactory<CofferDb>>();
            foreach (var chunk in rows.Chunk(2000))
            {
                await using var db = await factory.CreateDbContextAsync();
                db.Tokens.AddRange(chunk);
                await db.SaveChangesAsync();
            }

            return (tokens, accessors);
        }

        public IEnumerable<int> AncestorsOf(string accessor)
        {
            for (var i = Parents[Accessors.IndexOf(accessor)]; i is { } p; i = Parents[p])
            {
                yield return p;
            }
        }

        public HashSet<string> SubtreeOf(string accessor)
        {
            var index = Accessors.IndexOf(accessor);
            var inside = new HashSet<int> { index };
            for (var changed = true; changed;)
            {
                changed = false;
                for (var i = 0; i < Parents.Count; i++)
                {
                    if (Parents[i] is { } p && inside.Contains(p) && inside.Add(i))
                    {
                        changed = true;
                    }
                }
            }

            return [.. inside.Select(i => Accessors[i])];
        }
    }

    /// <summary>A full binary tree: node i has children 2i+1 and 2i+2.</summary>
    private sealed class BinaryTree : TokenForest
    {
        private BinaryTree(List<string> tokens, List<string> accessors, List<int?> parents)
            : base(tokens, accessors, parents)
        {
        }

        public static async Task<BinaryTree> CreateAsync(ServerInstance server, int depth)
        {
            var parents = Enumerable.Range(0, (1 << (depth + 1)) - 1).Select(i => i == 0 ? (int?)null : (i - 1) / 2).ToList();
            var (tokens, accessors) = await InsertAsync(server, parents);
            return new BinaryTree(tokens, accessors, parents);
        }

        public static int IndexAtDepth(int depth) => (1 << depth) - 1;
    }
}
