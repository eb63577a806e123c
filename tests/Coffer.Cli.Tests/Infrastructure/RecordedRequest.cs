namespace Coffer.Cli.Tests.Infrastructure;

internal sealed record RecordedRequest(string Method, string Path, string? Authorization, string Body);
