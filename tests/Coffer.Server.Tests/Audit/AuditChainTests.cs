using System.Text.Json.Nodes;
using Coffer.Server.Features.Audit;

namespace Coffer.Server.Tests.Audit;

/// <summary>The chain's hash and the HMAC of sensitive values, without a database.</summary>
public sealed class AuditChainTests
{
    [Fact]
    public void Hmac_OpenBaoKnownAnswer_Matches()
    {
        // security.md §1.7 / rfc.json auditHmac: OpenBao's TestHashString (salt "foo", value "foo").
        var vector = LoadVector();
        var salt = System.Text.Encoding.UTF8.GetBytes(vector["saltUtf8"]!.GetValue<string>());

        var hmac = AuditChain.Hmac(salt, vector["valueUtf8"]!.GetValue<string>());

        Assert.Equal(vector["expected"]!.GetValue<string>(), hmac);
        Assert.Equal("hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a", hmac);
    }

    [Fact]
    public void DetailsJson_SensitiveValue_OnlyItsHmacIsWritten()
    {
        var entry = new AuditEntry("token.create", AuditOutcome.Success).With("scopes", "orders:read").WithSensitive("secret", "foo").With("uses", 3).With("child", true);

        var json = AuditChain.DetailsJson(entry.Details, "foo"u8);

        Assert.Equal("{\"scopes\":\"orders:read\",\"secret\":\"hmac-sha256:08ba357e274f528065766c770a639abf6809b39ccfd37c2a3157c7f51954da0a\",\"uses\":3,\"child\":true}", json);
    }

    [Fact]
    public void Hash_AnyFieldChanged_Differs()
    {
        var row = Row();
        var original = AuditChain.Hash(row);
        var variants = new Func<AuditRecordRow, AuditRecordRow>[]
        {
            r => With(r, x => x.Seq = 8),
            r => With(r, x => x.OccurredAt = x.OccurredAt.AddTicks(10)),
            r => With(r, x => x.Actor = "acc_other"),
            r => With(r, x => x.UserId = null),
            r => With(r, x => x.Action = "sys.unseal"),
            r => With(r, x => x.Target = null),
            r => With(r, x => x.Outcome = "denied"),
            r => With(r, x => x.ClientIp = "127.0.0.2"),
            r => With(r, x => x.Details = "{}"),
            r => With(r, x => x.PrevHash = new string('1', 64)),
        };

        var hashes = variants.Select(v => AuditChain.Hash(v(Row()))).ToList();

        Assert.All(hashes, h => Assert.NotEqual(original, h));
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.Matches("^[0-9a-f]{64}$", original);
    }

    [Fact]
    public void Hash_NullAndEmptyAndShiftedBoundaries_AreDistinct()
    {
        // A naive concatenation would give these the same input; the length-prefixed encoding must not.
        var a = AuditChain.Hash(With(Row(), x => (x.Actor, x.Target) = ("ab", "c")));
        var b = AuditChain.Hash(With(Row(), x => (x.Actor, x.Target) = ("a", "bc")));
        var nullTarget = AuditChain.Hash(With(Row(), x => x.Target = null));
        var emptyTarget = AuditChain.Hash(With(Row(), x => x.Target = string.Empty));

        Assert.NotEqual(a, b);
        Assert.NotEqual(nullTarget, emptyTarget);
    }

    [Fact]
    public void Normalize_SubMicrosecondTicks_AreDroppedAndTimeIsUtc()
    {
        var time = new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var normalized = AuditChain.Normalize(time);

        Assert.Equal(TimeSpan.Zero, normalized.Offset);
        Assert.Equal(time.UtcTicks - 7, normalized.UtcTicks);
        Assert.Equal("2025-06-01T12:00:00.123456Z", AuditChain.FormatTime(normalized));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Sys.Seal")]
    [InlineData("sys..seal")]
    [InlineData("sys.seal.")]
    [InlineData("sys seal")]
    public void AuditEntry_BadActionName_Throws(string action) =>
        Assert.Throws<ArgumentException>(() => new AuditEntry(action, AuditOutcome.Success));

    [Fact]
    public void AuditEntry_SameDetailTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => new AuditEntry("sys.seal", AuditOutcome.Success).With("a", 1).WithSensitive("a", "x"));

    internal static JsonNode LoadVector()
    {
        // The repository root is the first directory above the test assembly with a solution file; the shared
        // conformance data sits beside it. Missing data fails the test, it is never a reason to skip it.
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && dir.GetFiles("*.slnx").Length == 0)
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "conformance", "vectors", "rfc.json"));
        Assert.True(File.Exists(path), "Conformance file not found: " + path);
        return JsonNode.Parse(File.ReadAllText(path))!["auditHmac"] ?? throw new InvalidDataException("rfc.json has no auditHmac group.");
    }

    private static AuditRecordRow Row() => new()
    {
        Seq = 7,
        OccurredAt = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
        Actor = "acc_1",
        UserId = Guid.Parse("0b6c6e4e-62a4-4a43-9a3c-2f1d0b7c9e11"),
        Action = "sys.seal",
        Target = "t",
        Outcome = "success",
        ClientIp = "127.0.0.1",
        Details = "{\"a\":1}",
        PrevHash = AuditChain.GenesisHash,
        Hash = string.Empty,
    };

    private static AuditRecordRow With(AuditRecordRow row, Action<AuditRecordRow> change)
    {
        change(row);
        return row;
    }
}
