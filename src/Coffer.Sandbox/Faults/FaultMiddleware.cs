using Coffer.Sandbox.Control;

namespace Coffer.Sandbox.Faults;

/// <summary>Records every exchange request and applies the fault plan before the exchange endpoint runs.</summary>
internal sealed class FaultMiddleware(RequestDelegate next, SandboxState state, IExchangeFront front)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/sandbox", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        state.Requests.Begin();
        var (kind, plan) = state.Faults.Next();
        try
        {
            if (plan.LatencyMs > 0)
            {
                await Task.Delay(plan.LatencyMs, context.RequestAborted);
            }

            switch (kind)
            {
                case FaultKind.RateLimit:
                    RequestOutcome.Set(context, "fault:429");
                    await front.WriteRateLimitedAsync(context, plan.RateLimitRetryAfterSeconds);
                    break;
                case FaultKind.ServerError:
                    RequestOutcome.Set(context, $"fault:{plan.ServerErrorStatus}");
                    await front.WriteServerErrorAsync(context, plan.ServerErrorStatus);
                    break;
                case FaultKind.Timeout:
                    RequestOutcome.Set(context, "fault:timeout");
                    await Task.Delay(plan.TimeoutMs, context.RequestAborted);
                    context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                    break;
                default:
                    await next(context);
                    break;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout): exactly what a timeout fault is for.
            RequestOutcome.Set(context, RequestOutcome.Get(context) ?? "aborted");
        }
        finally
        {
            state.Requests.Complete(new RequestRecord(
                state.Clock.GetUtcNow(),
                front.Exchange.Name(),
                context.Request.Method,
                context.Request.Path.Value ?? "",
                front.ApiKeyOf(context.Request),
                context.Response.StatusCode,
                RequestOutcome.Get(context) ?? (context.Response.StatusCode < 400 ? "ok" : "error")));
        }
    }
}
