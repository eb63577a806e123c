using System.CommandLine;
using Coffer.Cli.Output;
using Coffer.Sandbox;

namespace Coffer.Cli.Sandbox;

/// <summary><c>coffer sandbox</c>: runs the exchange sandbox on loopback in the foreground until Ctrl+C.</summary>
internal static class SandboxCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var exchanges = new Option<string>("--exchanges")
        {
            Description = "Comma-separated exchanges to serve (built so far: " + string.Join(", ", SandboxExchanges.Implemented.Select(e => e.Name())) + ").",
            DefaultValueFactory = _ => string.Join(',', SandboxExchanges.Implemented.Select(e => e.Name())),
        };
        var portBase = new Option<int?>("--port-base") { Description = "First port; the exchanges take consecutive ports. Default: free ports." };
        var seed = new Option<int>("--seed") { Description = "Seed of the price walk and generated ids.", DefaultValueFactory = _ => 1 };
        var command = new Command("sandbox", "Run the exchange sandbox (each exchange's wire protocol on 127.0.0.1).") { exchanges, portBase, seed };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var chosen = new List<SandboxExchange>();
            foreach (var name in (parseResult.GetValue(exchanges) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!SandboxExchanges.TryParse(name, out var exchange) || !SandboxExchanges.Implemented.Contains(exchange))
                {
                    return ErrorOutput.Failure(
                        context.Io,
                        $"The sandbox has no '{name}' exchange; it serves: {string.Join(", ", SandboxExchanges.Implemented.Select(e => e.Name()))}.",
                        ExitCodes.Usage);
                }

                chosen.Add(exchange);
            }

            if (chosen.Count == 0)
            {
                return ErrorOutput.Failure(context.Io, "--exchanges names no exchange.", ExitCodes.Usage);
            }

            var options = new SandboxOptions
            {
                Exchanges = chosen,
                PortBase = parseResult.GetValue(portBase),
                Seed = parseResult.GetValue(seed),
                PriceInterval = TimeSpan.FromSeconds(1),
            };
            await using var host = await SandboxHost.StartAsync(options, cancellationToken);
            foreach (var (exchange, url) in host.BaseUrls)
            {
                await context.Io.Out.WriteLineAsync($"{exchange.Name()}: {url}");
            }

            await context.Io.Out.WriteLineAsync("Control API: POST {url}/sandbox/keys, …/deposit, /sandbox/prices, /sandbox/faults. Ctrl+C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the normal way to stop.
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
