using System.Data.Common;
using System.Text.Json;
using Coffer.Server.Data;
using Coffer.Server.Features.Tokens;
using Coffer.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Coffer.Server.Features.Audit;

/// <summary>A record on the wire: <c>details</c> as the JSON object it is (as a string if the stored text is not JSON).</summary>
internal sealed record AuditRecordResponse(
    long Seq,
    DateTimeOffset OccurredAt,
    string Actor,
    Guid? UserId,
    string Action,
    string? Target,
    string Outcome,
    string? ClientIp,
    JsonElement Details,
    string PrevHash,
    string Hash)
{
    public static AuditRecordResponse From(AuditRecordRow row) => new(
        row.Seq, row.OccurredAt, row.Actor, row.UserId, row.Action, row.Target, row.Outcome, row.ClientIp, ParseDetails(row.Details), row.PrevHash, row.Hash);

    private static JsonElement ParseDetails(string text)
    {
        // An edited record must still be listable, so the auditor can see what was done to it.
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }
}

/// <param name="NextAfterSeq">Pass as <c>after_seq</c> for the next page; null when this page is the last.</param>
internal sealed record AuditPage(IReadOnlyList<AuditRecordResponse> Records, long? NextAfterSeq);

/// <summary><c>/api/v1/audit</c>: read, verify and export the hash-chained audit log (scope <c>audit:read</c>).</summary>
internal static class AuditEndpoints
{
    public const string ReadScope = "audit:read";
    public const string ReadPolicy = "audit:read";
    public const string NdjsonContentType = "application/x-ndjson";

    public static IServiceCollection AddAuditFeature(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<SysAuditSink>();
        services.AddSingleton<SysAudit>();
        services.Configure<AuthorizationOptions>(options =>
            options.AddPolicy(ReadPolicy, policy => policy.RequireClaim(TokenAuthenticationHandler.ScopeClaim, ReadScope)));
        return services;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1/audit").WithTags("audit").RequireAuthorization(ReadPolicy);
        audit.MapGet(string.Empty, List);
        audit.MapGet("/verify", Verify);
        audit.MapGet("/export", Export).Produces<AuditRecordResponse>(StatusCodes.Status200OK, NdjsonContentType)
            .WithDescription("One audit record per line (JSON Lines), in seq order.");
        return app;
    }

    internal static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(HttpRequest request, IDbContextFactory<CofferDb> factory, CancellationToken cancellationToken)
    {
        if (!AuditQuery.TryParse(request.Query, paged: true, out var query, out var error))
        {
            return Problem.Result(ProblemType.InvalidArgument, error);
        }

        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var rows = await query.Apply(db.Table<AuditRecordRow>().AsNoTracking()).Take(query.Limit + 1).ToListAsync(cancellationToken);
            var more = rows.Count > query.Limit;
            var page = rows.Take(query.Limit).Select(AuditRecordResponse.From).ToList();
            return TypedResults.Ok(new AuditPage(page, more ? page[^1].Seq : null));
        }
        catch (DbException ex)
        {
            throw new AuditUnavailableException("The audit log could not be read. Check the database; the server log has the error.", ex);
        }
    }

    internal static async Task<Ok<AuditVerification>> Verify(AuditVerifier verifier, CancellationToken cancellationToken) =>
        TypedResults.Ok(await verifier.VerifyAsync(cancellationToken));

    /// <summary>
    /// Every matching record as one JSON object per line, in seq order, streamed as read. The export itself is
    /// recorded first (<c>audit.export</c>): it hands out the whole log, so it does not happen unrecorded.
    /// </summary>
    internal static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Export(
        HttpContext http,
        AuditLog log,
        IDbContextFactory<CofferDb> factory,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        CancellationToken cancellationToken)
    {
        if (!AuditQuery.TryParse(http.Request.Query, paged: false, out var query, out var error))
        {
            return Problem.Result(ProblemType.InvalidArgument, error);
        }

        await log.AppendAsync(
            AuditEntry.For(http, "audit.export", AuditOutcome.Success)
                .With("after_seq", query.AfterSeq)
                .With("action", query.Action is null ? null : query.Action + (query.ActionIsPrefix ? "*" : string.Empty))
                .With("actor", query.Actor)
                .With("since", query.Since is { } since ? AuditChain.FormatTime(since) : null)
                .With("until", query.Until is { } until ? AuditChain.FormatTime(until) : null),
            cancellationToken);

        var options = json.Value.SerializerOptions;
        return TypedResults.Stream(
            async body =>
            {
                await using var db = await factory.CreateDbContextAsync(cancellationToken);
                await foreach (var row in query.Apply(db.Table<AuditRecordRow>().AsNoTracking()).AsAsyncEnumerable().WithCancellation(cancellationToken))
                {
                    await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(AuditRecordResponse.From(row), options), cancellationToken);
                    await body.WriteAsync("\n"u8.ToArray(), cancellationToken);
                }
            },
            NdjsonContentType);
    }
}
