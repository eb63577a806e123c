namespace Coffer.Sandbox.Binance;

/// <summary>Binance's published numbers (rest-api.md "LIMITS", exchangeInfo.rateLimits); tests lower them to reach the limits.</summary>
internal sealed record BinanceOptions
{
    /// <summary>REQUEST_WEIGHT per IP per minute on <c>/api</c>.</summary>
    public int RequestWeightPerMinute { get; init; } = 6000;

    /// <summary>IP weight per minute on <c>/sapi</c> (each SAPI endpoint has its own 12000/min IP limit).</summary>
    public int SapiIpWeightPerMinute { get; init; } = 12000;

    /// <summary>First automatic ban for continuing past a 429 ("2 minutes to 3 days"); each repeat doubles it.</summary>
    public int FirstBanSeconds { get; init; } = 120;

    public int MakerCommissionBasisPoints { get; init; } = 10;
}
