using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Coffer.Server.Features.OAuth;

/// <summary>An OAuth client a user registered (migration 0014). Confidential clients hold a secret, stored as its SHA-256 only.</summary>
internal sealed class OAuthAppRow
{
    public required string ClientId { get; set; }

    public Guid OwnerId { get; set; }

    public required string Name { get; set; }

    /// <summary><see cref="ClientTypes.Public"/> or <see cref="ClientTypes.Confidential"/>.</summary>
    public required string ClientType { get; set; }

    public byte[]? SecretHash { get; set; }

    /// <summary>The registered redirect URIs, one per line, compared exactly (RFC 9700 §2.1).</summary>
    public required string RedirectUris { get; set; }

    /// <summary>Space-separated: the most any grant to this app may hold.</summary>
    public required string Scopes { get; set; }

    /// <summary>The trading limits every grant to this app carries (JSON of <see cref="Tokens.TradingLimits"/>), null for none beyond the user's.</summary>
    public string? TradingLimits { get; set; }

    /// <summary>Every token of this app must be DPoP-bound (RFC 9449): bearer requests are refused at the token endpoint.</summary>
    public bool DpopBound { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>An authorization request waiting for the user's consent (at most <see cref="OAuthLifetimes.Request"/>).</summary>
internal sealed class OAuthRequestRow
{
    public required string Id { get; set; }

    public required string ClientId { get; set; }

    public required string RedirectUri { get; set; }

    /// <summary>Whether the client sent redirect_uri (then the token request must repeat it, RFC 6749 §4.1.3).</summary>
    public bool RedirectUriGiven { get; set; }

    public required string Scopes { get; set; }

    public string? State { get; set; }

    public required string CodeChallenge { get; set; }

    public string? DpopJkt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>An authorization code: single use, bound to its client, redirect URI and PKCE challenge.</summary>
internal sealed class OAuthCodeRow
{
    public required byte[] CodeHash { get; set; }

    public required string ClientId { get; set; }

    public Guid UserId { get; set; }

    public required string RedirectUri { get; set; }

    public bool RedirectUriGiven { get; set; }

    public required string Scopes { get; set; }

    public required string CodeChallenge { get; set; }

    public string? DpopJkt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The grant the code was redeemed for: revoked should the code be presented again (ASVS 10.4.2).</summary>
    public string? GrantAccessor { get; set; }
}

/// <summary>What a grant node of the token tree is for: which app, whose, how it was granted, the key its refresh tokens are bound to.</summary>
internal sealed class OAuthGrantRow
{
    public required string Accessor { get; set; }

    public required string ClientId { get; set; }

    public Guid UserId { get; set; }

    /// <summary><c>authorization_code</c> or <c>client_credentials</c>.</summary>
    public required string GrantType { get; set; }

    public string? DpopJkt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A refresh token of a grant (its family): used once, then replaced (rotation, RFC 9700 §4.14.2).</summary>
internal sealed class OAuthRefreshTokenRow
{
    public required byte[] TokenHash { get; set; }

    public required string GrantAccessor { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The idle expiry, never past the grant's absolute one.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was rotated; presenting it after that is reuse.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class OAuthRowConfiguration :
    IEntityTypeConfiguration<OAuthAppRow>,
    IEntityTypeConfiguration<OAuthRequestRow>,
    IEntityTypeConfiguration<OAuthCodeRow>,
    IEntityTypeConfiguration<OAuthGrantRow>,
    IEntityTypeConfiguration<OAuthRefreshTokenRow>
{
    public void Configure(EntityTypeBuilder<OAuthAppRow> e)
    {
        e.ToTable("oauth_apps");
        e.HasKey(x => x.ClientId);
        e.HasIndex(x => x.OwnerId).HasDatabaseName("ix_oauth_apps_owner_id");
        e.Property(x => x.ClientId).HasColumnName("client_id");
        e.Property(x => x.OwnerId).HasColumnName("owner_id");
        e.Property(x => x.Name).HasColumnName("name");
        e.Property(x => x.ClientType).HasColumnName("client_type");
        e.Property(x => x.SecretHash).HasColumnName("secret_hash");
        e.Property(x => x.RedirectUris).HasColumnName("redirect_uris");
        e.Property(x => x.Scopes).HasColumnName("scopes");
        e.Property(x => x.TradingLimits).HasColumnName("trading_limits");
        e.Property(x => x.DpopBound).HasColumnName("dpop_bound");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.DisabledAt).HasColumnName("disabled_at");
    }

    public void Configure(EntityTypeBuilder<OAuthRequestRow> e)
    {
        e.ToTable("oauth_requests");
        e.HasKey(x => x.Id);
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_oauth_requests_expires_at");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.ClientId).HasColumnName("client_id");
        e.Property(x => x.RedirectUri).HasColumnName("redirect_uri");
        e.Property(x => x.RedirectUriGiven).HasColumnName("redirect_uri_given");
        e.Property(x => x.Scopes).HasColumnName("scopes");
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.CodeChallenge).HasColumnName("code_challenge");
        e.Property(x => x.DpopJkt).HasColumnName("dpop_jkt");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").AsUtc();
        e.Property(x => x.CompletedAt).HasColumnName("completed_at").AsUtc();
    }

    public void Configure(EntityTypeBuilder<OAuthCodeRow> e)
    {
        e.ToTable("oauth_codes");
        e.HasKey(x => x.CodeHash);
        e.HasIndex(x => x.ExpiresAt).HasDatabaseName("ix_oauth_codes_expires_at");
        e.Property(x => x.CodeHash).HasColumnName("code_hash");
        e.Property(x => x.ClientId).HasColumnName("client_id");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.RedirectUri).HasColumnName("redirect_uri");
        e.Property(x => x.RedirectUriGiven).HasColumnName("redirect_uri_given");
        e.Property(x => x.Scopes).HasColumnName("scopes");
        e.Property(x => x.CodeChallenge).HasColumnName("code_challenge");
        e.Property(x => x.DpopJkt).HasColumnName("dpop_jkt");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").AsUtc();
        e.Property(x => x.UsedAt).HasColumnName("used_at").AsUtc();
        e.Property(x => x.GrantAccessor).HasColumnName("grant_accessor");
    }

    public void Configure(EntityTypeBuilder<OAuthGrantRow> e)
    {
        e.ToTable("oauth_grants");
        e.HasKey(x => x.Accessor);
        e.HasIndex(x => x.ClientId).HasDatabaseName("ix_oauth_grants_client_id");
        e.HasIndex(x => x.UserId).HasDatabaseName("ix_oauth_grants_user_id");
        e.Property(x => x.Accessor).HasColumnName("accessor");
        e.Property(x => x.ClientId).HasColumnName("client_id");
        e.Property(x => x.UserId).HasColumnName("user_id");
        e.Property(x => x.GrantType).HasColumnName("grant_type");
        e.Property(x => x.DpopJkt).HasColumnName("dpop_jkt");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }

    public void Configure(EntityTypeBuilder<OAuthRefreshTokenRow> e)
    {
        e.ToTable("oauth_refresh_tokens");
        e.HasKey(x => x.TokenHash);
        e.HasIndex(x => x.GrantAccessor).HasDatabaseName("ix_oauth_refresh_tokens_grant");
        e.Property(x => x.TokenHash).HasColumnName("token_hash");
        e.Property(x => x.GrantAccessor).HasColumnName("grant_accessor");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.ExpiresAt).HasColumnName("expires_at").AsUtc();
        e.Property(x => x.UsedAt).HasColumnName("used_at").AsUtc();
    }
}

/// <summary>The two client types of RFC 6749 §2.1.</summary>
internal static class ClientTypes
{
    public const string Public = "public";
    public const string Confidential = "confidential";
}

/// <summary>How long each OAuth artefact lives.</summary>
internal static class OAuthLifetimes
{
    /// <summary>A pending authorization request, from the redirect to the consent page until the user decides.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromMinutes(10);

    /// <summary>An authorization code (ASVS 10.4.3: at most 10 minutes; a client redeems it at once).</summary>
    public static readonly TimeSpan Code = TimeSpan.FromMinutes(2);

    /// <summary>An access token: short, because a refresh costs the client one request.</summary>
    public static readonly TimeSpan AccessToken = TimeSpan.FromHours(1);

    /// <summary>A refresh token not used for this long expires (idle lifetime, RFC 9700 §4.14.2).</summary>
    public static readonly TimeSpan RefreshIdle = TimeSpan.FromDays(14);

    /// <summary>A grant by authorization code ends this long after consent, however often it is refreshed (ASVS 10.4.8).</summary>
    public static readonly TimeSpan GrantAbsolute = TimeSpan.FromDays(90);
}
