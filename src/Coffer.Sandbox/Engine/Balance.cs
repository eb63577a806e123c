namespace Coffer.Sandbox.Engine;

internal sealed record Balance(string Asset, decimal Free, decimal Locked)
{
    public decimal Total => Free + Locked;
}
