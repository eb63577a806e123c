namespace Coffer.Server.Problems;

/// <summary>The problem types of the perimeter's limits beyond the per-window rate limit.</summary>
internal sealed partial record ProblemType
{
    public static readonly ProblemType QuotaExceeded = new("quota-exceeded", 429, "The token's daily request quota is used up.");
}
