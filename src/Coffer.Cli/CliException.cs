namespace Coffer.Cli;

/// <summary>A failure the user can fix; the message says what went wrong and how to fix it, and is printed as is.</summary>
internal sealed class CliException(string message) : Exception(message);
