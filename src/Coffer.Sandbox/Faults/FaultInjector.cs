namespace Coffer.Sandbox.Faults;

/// <summary>Holds the current plan and decides, request by request, which fault (if any) fires.</summary>
internal sealed class FaultInjector(int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private FaultPlan _plan = FaultPlan.None;
    private long _requests;

    public FaultPlan Plan
    {
        get
        {
            lock (_gate)
            {
                return _plan;
            }
        }
    }

    /// <summary>Replaces the plan; the every-Nth counters restart so "every 3rd" counts from the plan's start.</summary>
    public void Set(FaultPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        lock (_gate)
        {
            _plan = plan;
            _requests = 0;
        }
    }

    public (FaultKind Kind, FaultPlan Plan) Next()
    {
        lock (_gate)
        {
            var n = ++_requests;
            var kind = Fires(_plan.Timeout, n) ? FaultKind.Timeout
                : Fires(_plan.ServerError, n) ? FaultKind.ServerError
                : Fires(_plan.RateLimit, n) ? FaultKind.RateLimit
                : FaultKind.None;
            return (kind, _plan);
        }
    }

    private bool Fires(FaultRule? rule, long n)
    {
        if (rule is null)
        {
            return false;
        }

        if (rule.Every is > 0 and var every && n % every == 0)
        {
            return true;
        }

        return rule.Probability is > 0 and var p && _random.NextDouble() < p;
    }
}
