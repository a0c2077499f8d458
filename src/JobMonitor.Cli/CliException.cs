namespace JobMonitor.Cli;

/// <summary>A failure the tool explains in one line on stderr and answers with <see cref="ExitCode" />.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
