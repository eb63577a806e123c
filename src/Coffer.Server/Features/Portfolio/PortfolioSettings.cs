using Coffer.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Coffer.Server.Features.Portfolio;

/// <summary>A user's valuation currency (USD unless chosen) and the order value above which placing needs step-up.</summary>
internal sealed record PortfolioPreferences(string Currency, decimal StepUpThreshold)
{
    public const string DefaultCurrency = "USD";

    /// <summary>Orders worth more than this (in the user's currency) need step-up unless the user chooses otherwise.</summary>
    public const decimal DefaultStepUpThreshold = 10_000m;

    public static readonly PortfolioPreferences Default = new(DefaultCurrency, DefaultStepUpThreshold);

    public static async Task<PortfolioPreferences> LoadAsync(CofferDb db, Guid userId, CancellationToken cancellationToken) =>
        await db.Table<PortfolioSettingsRow>().AsNoTracking().Where(s => s.UserId == userId)
            .Select(s => new PortfolioPreferences(s.Currency, s.StepUpThreshold)).SingleOrDefaultAsync(cancellationToken) ?? Default;
}
