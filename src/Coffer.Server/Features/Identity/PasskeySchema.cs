using Coffer.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.Identity;

/// <summary>
/// Identity's passkey table (schema version 3: credential id, user, and the credential record as JSON), named Coffer's
/// way, plus two columns of Coffer's own: when the passkey was last used, and how many assertions it has passed —
/// the latter is the compare-and-set that lets only one of two concurrent assertions of a credential update its sign
/// counter. Configured here in full, not left to Identity, so the model is the same even when Identity builds its
/// version-1 model (a context created without the server's options, as by <c>coffer migrate</c>).
/// </summary>
internal sealed class PasskeySchema : IEntityTypeConfiguration<IdentityUserPasskey<Guid>>
{
    public const string LastUsedAt = "LastUsedAt";
    public const string UseCount = "UseCount";

    public void Configure(EntityTypeBuilder<IdentityUserPasskey<Guid>> builder)
    {
        builder.HasKey(p => p.CredentialId);

        // W3C WebAuthn §5.1.2 (credential id): at most 1023 bytes.
        builder.Property(p => p.CredentialId).HasMaxLength(1024);
        builder.Property<DateTimeOffset?>(LastUsedAt);
        builder.Property<long>(UseCount).IsConcurrencyToken();
        builder.OwnsOne(p => p.Data).ToJson("data");
        builder.HasOne<CofferUser>().WithMany().HasForeignKey(p => p.UserId).IsRequired().OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(p => p.UserId);
        IdentitySchema.Name(builder, "user_passkeys");
    }
}

/// <summary>What a passkey ceremony is for: each challenge is good for exactly one of these.</summary>
internal enum PasskeyPurpose
{
    Register,
    SignIn,
    StepUp,

    /// <summary>The second factor of an unfreeze (with the password): begun by nobody in particular, like a sign-in.</summary>
    Unfreeze,
}

/// <summary>
/// A passkey ceremony between its begin and its finish: the challenge handed out (addressed by its SHA-256, so the
/// finish needs nothing but the authenticator's response, whose client data carries the challenge), for whom and for
/// what, and Identity's ceremony state. Kept in the database rather than a cookie (Coffer's clients hold bearer
/// tokens, not cookies) and rather than memory (any node may get the finish). Deleted when used: one use only.
/// </summary>
internal sealed class PasskeyCeremonyRow
{
    public required byte[] ChallengeHash { get; set; }

    public required string Purpose { get; set; }

    /// <summary>The signed-in user the ceremony is for; null for a sign-in, where nobody is known yet.</summary>
    public Guid? UserId { get; set; }

    /// <summary>Identity's attestation or assertion state (the challenge and, for registration, the user entity).</summary>
    public required string State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Unix milliseconds, so that "not expired" is one comparison in SQL on both providers.</summary>
    public long ExpiresAt { get; set; }
}

internal sealed class PasskeyCeremonyRowConfiguration : IEntityTypeConfiguration<PasskeyCeremonyRow>
{
    public void Configure(EntityTypeBuilder<PasskeyCeremonyRow> e)
    {
        e.ToTable("passkey_ceremonies");
        e.HasKey(x => x.ChallengeHash);
        e.Property(x => x.ChallengeHash).HasColumnName("challenge_hash");
        e.Property(x => x.Purpose).HasColumnName("purpose");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_passkey_ceremonies_expires_at");
    }
}

internal static class PasskeyTables
{
    public static DbSet<IdentityUserPasskey<Guid>> Passkeys(this CofferDb db) => db.Table<IdentityUserPasskey<Guid>>();

    public static DbSet<PasskeyCeremonyRow> PasskeyCeremonies(this CofferDb db) => db.Table<PasskeyCeremonyRow>();
}
