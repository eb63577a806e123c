using Coffer.Sandbox.Control;
using Coffer.Sandbox.Engine;
using Coffer.Sandbox.Faults;
using Coffer.Sandbox.Keys;

namespace Coffer.Sandbox;

/// <summary>Everything the listeners share: one engine, one key store, one fault plan, one request log.</summary>
internal sealed class SandboxState
{
    public SandboxState(SandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Faults = new FaultInjector(options.Seed);
        Clock = new SandboxClock(options.TimeProvider, Faults);
        Engine = new MatchingEngine(options.Markets, options.Seed, Clock);
        Keys = new KeyStore(Clock);
    }

    public SandboxOptions Options { get; }

    public FaultInjector Faults { get; }

    /// <summary>The exchanges' clock (host time plus the fault plan's skew).</summary>
    public TimeProvider Clock { get; }

    public MatchingEngine Engine { get; }

    public KeyStore Keys { get; }

    public RequestLog Requests { get; } = new();
}
