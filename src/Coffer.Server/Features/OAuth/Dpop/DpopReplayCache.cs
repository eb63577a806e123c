using System.Security.Cryptography;
using System.Text;
using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.OAuth.Dpop;

/// <summary>
/// Remembers every accepted proof's <c>jti</c> for as long as its <c>iat</c> could still be accepted (RFC 9449 §11.1),
/// in the database, so that a proof used on one node is refused on every other. The claim is one atomic upsert: of two
/// requests with one proof, exactly one inserts (or revives an expired row) and the other changes nothing.
/// </summary>
internal sealed class DpopReplayCache(IDbContextFactory<CofferDb> factory, TimeProvider time)
{
    /// <summary>
    /// How long a row is kept: a proof accepted now could have an <c>iat</c> up to <see cref="DpopProofValidator.MaxFuture"/>
    /// ahead, and stays acceptable until <see cref="DpopProofValidator.MaxAge"/> after that.
    /// </summary>
    public static readonly TimeSpan Retention = DpopProofValidator.MaxAge + DpopProofValidator.MaxFuture;

    /// <summary>Expired rows are swept at most this often per node: one DELETE a minute, not one per request.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private long _nextSweepTicks;

    /// <summary>Records the proof (<paramref name="jkt"/>, <paramref name="jti"/>); false if it is already recorded and not expired.</summary>
    public async Task<bool> TryRecordAsync(string jkt, string jti, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = Key(jkt, jti);
        var nowUtc = now.UtcDateTime;
        var expires = (now + Retention).UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await SweepAsync(db, now, cancellationToken);

        // An expired row (not yet swept) does not make a replay: the upsert takes it over; a live one stays as it is,
        // and zero rows changed is the answer "seen before".
        var changed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO dpop_proofs (proof_key, expires_at) VALUES ({key}, {expires}) ON CONFLICT (proof_key) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_proofs.expires_at <= {nowUtc}",
            cancellationToken);
        return changed == 1;
    }

    /// <summary>
    /// The row key: SHA-256 over the key thumbprint and the jti, so that two clients choosing the same jti do not
    /// collide, and the table holds no client-chosen text.
    /// </summary>
    internal static byte[] Key(string jkt, string jti) => SHA256.HashData(Encoding.UTF8.GetBytes(jkt + "\n" + jti));

    private async Task SweepAsync(CofferDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Volatile.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return;
        }

        await db.Table<DpopProofRow>().Where(x => x.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }
}

/// <summary>An accepted DPoP proof (migration 0015), kept until it could no longer be accepted anyway.</summary>
internal sealed class DpopProofRow
{
    public required byte[] Key { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class DpopProofRowConfiguration : IEntityTypeConfiguration<DpopProofRow>
{
    public void Configure(EntityTypeBuilder<DpopProofRow> e)
    {
        e.ToTable("dpop_proofs");
        e.HasKey(x => x.Key);
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_dpop_proofs_expires_at");
        e.Property(x => x.Key).HasColumnName("proof_key");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").AsUtc();
    }
}
