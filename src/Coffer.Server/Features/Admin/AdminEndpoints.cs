using Coffer.Server.Data;
using Coffer.Server.Features.Audit;
using Coffer.Server.Features.Identity;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Admin;

/// <summary>A user as an admin sees them: never a password hash, seed or code, only whether they exist.</summary>
/// <param name="Locked">Locked out now (too many failures), until <paramref name="LockedUntil"/>.</param>
/// <param name="Disabled">Locked until an admin unlocks it (100 consecutive failures).</param>
/// <param name="HasPassword">False for the first admin until a password is set with the init token.</param>
internal sealed record AdminUserView(
    Guid Id,
    string Username,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt,
    bool Locked,
    DateTimeOffset? LockedUntil,
    bool Disabled,
    bool Frozen,
    bool HasTwoFactor,
    bool HasPassword);

internal sealed record AdminUserListResponse(IReadOnlyList<AdminUserView> Items);

/// <summary>A pending invitation: never its code, which exists only as a hash and was shown once to its creator.</summary>
internal sealed record InvitationView(Guid Id, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, Guid CreatedBy, string? CreatedByUsername);

internal sealed record InvitationListResponse(IReadOnlyList<InvitationView> Items);

/// <summary>
/// What the web app's admin pages read: the users (<c>GET /api/v1/admin/users</c>) and the pending invitations, with
/// withdrawal of one (<c>GET</c>, <c>DELETE /api/v1/auth/invitations[/{id}]</c>). Admin scope only.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("admin");
        admin.MapGet("/users", Users).RequireAuthorization(IdentityEndpoints.AdminPolicy);
        var invitations = app.MapGroup("/api/v1/auth/invitations").WithTags("auth");
        invitations.MapGet("/", Invitations).RequireAuthorization(IdentityEndpoints.AdminPolicy);
        invitations.MapDelete("/{id:guid}", DeleteInvitation).RequireAuthorization(IdentityEndpoints.AdminPolicy);
        return app;
    }

    internal static async Task<Ok<AdminUserListResponse>> Users(IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        var roles = await (from userRole in db.UserRoles
                           join role in db.Roles on userRole.RoleId equals role.Id
                           select new { userRole.UserId, role.Name }).ToListAsync(cancellationToken);
        var passkeyUsers = (await db.Passkeys().Select(p => p.UserId).Distinct().ToListAsync(cancellationToken)).ToHashSet();

        // The newest successful sign-in per user, by seq (SQLite cannot take the maximum of a DateTimeOffset).
        var lastSeqs = await db.Table<AuditRecordRow>().AsNoTracking()
            .Where(r => r.Action == "auth.signin" && r.UserId != null)
            .GroupBy(r => r.UserId)
            .Select(g => g.Max(r => r.Seq))
            .ToListAsync(cancellationToken);
        var lastSignIns = (await db.Table<AuditRecordRow>().AsNoTracking().Where(r => lastSeqs.Contains(r.Seq)).Select(r => new { r.UserId, r.OccurredAt }).ToListAsync(cancellationToken))
            .ToDictionary(r => r.UserId!.Value, r => r.OccurredAt);

        var items = users.OrderBy(u => u.UserName, StringComparer.Ordinal).Select(u =>
        {
            var state = Authenticator.StateOf(u);
            return new AdminUserView(
                u.Id,
                u.UserName!,
                [.. roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal)],
                u.CreatedAt,
                lastSignIns.TryGetValue(u.Id, out var last) ? last : null,
                state.IsLockedAt(now),
                state.IsLockedAt(now) ? state.LockedUntil : null,
                state.Disabled,
                u.FrozenAt is not null,
                u.TwoFactorEnabled || passkeyUsers.Contains(u.Id),
                u.PasswordHash is not null);
        }).ToList();
        return TypedResults.Ok(new AdminUserListResponse(items));
    }

    internal static async Task<Ok<InvitationListResponse>> Invitations(IDbContextFactory<CofferDb> factory, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Invitations().AsNoTracking().Where(i => i.UsedAt == null && i.ExpiresAt > now).OrderByDescending(i => i.ExpiresAt).ToListAsync(cancellationToken);
        var creators = rows.Select(r => r.CreatedBy).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => creators.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
        return TypedResults.Ok(new InvitationListResponse([.. rows.Select(r => new InvitationView(r.Id, r.Role, r.CreatedAt, DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt), r.CreatedBy, names.GetValueOrDefault(r.CreatedBy)))]));
    }

    /// <summary>Withdraws a pending invitation: deleted in one conditional statement, so it cannot also be claimed.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteInvitation(Guid id, HttpContext http, IDbContextFactory<CofferDb> factory, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await db.Invitations().Where(i => i.Id == id && i.UsedAt == null && i.ExpiresAt > now).ExecuteDeleteAsync(cancellationToken);
        if (deleted != 1)
        {
            return Problem.Result(ProblemType.NotFound, "No pending invitation has this id: it was used, has expired or was withdrawn.");
        }

        // Recorded first (DESIGN §1.3): without its record the invitation stays.
        await audit.AppendAsync(db, AuditEntry.For(http, "auth.invitation.withdraw", AuditOutcome.Success, id.ToString()), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }
}
