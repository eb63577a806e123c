namespace Coffer.Server.Features.OAuth.Dpop;

/// <summary>Registers DPoP (RFC 9449) proof validation, shared by the token endpoint and the resource server.</summary>
internal static class DpopFeature
{
    public static IServiceCollection AddDpop(this IServiceCollection services)
    {
        services.AddSingleton<DpopReplayCache>();
        services.AddSingleton<DpopProofValidator>();
        return services;
    }
}
