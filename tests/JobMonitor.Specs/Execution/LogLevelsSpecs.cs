using JobMonitor.Service.Execution.Ops;
using Xunit;

namespace JobMonitor.Specs.Execution;

public sealed class LogLevelsSpecs
{
    [Theory]
    [InlineData(null, "info")]
    [InlineData("", "info")]
    [InlineData("DEBUG", "debug")]
    [InlineData("warning", "warn")]
    [InlineData("error", "error")]
    [InlineData("loud", null)]
    public void A_log_op_level_maps_to_a_job_log_level(string? given, string? expected) =>
        Assert.Equal(expected, LogLevels.Parse(given));
}
