using System.Text.Json;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Xunit;

namespace JobMonitor.Specs.Execution;

public sealed class LogLevelsSpecs
{
    [Theory]
    [InlineData(null, JobLogLevel.Info)]
    [InlineData("", JobLogLevel.Info)]
    [InlineData("DEBUG", JobLogLevel.Debug)]
    [InlineData("warning", JobLogLevel.Warn)]
    [InlineData("error", JobLogLevel.Error)]
    [InlineData("loud", null)]
    [InlineData("comment", null)]
    public void A_log_op_level_maps_to_a_job_log_level(string? given, JobLogLevel? expected) =>
        Assert.Equal(expected, LogLevels.Parse(given));

    [Fact]
    public void The_levels_keep_their_lower_case_names_in_the_log_table_the_api_and_the_job_document()
    {
        Assert.Equal(["debug", "info", "warn", "error", "comment"], LogLevels.All);
        Assert.Equal(["debug", "info", "warn", "error"], LogLevels.OpLevels);
        var line = new JobLogEntry { JobId = Guid.Empty, Exec = 1, Step = "RUN", Level = JobLogLevel.Comment, Text = "t", At = DateTimeOffset.UnixEpoch };
        Assert.Contains("\"level\":\"comment\"", JsonSerializer.Serialize(line, JobJson.Options), StringComparison.Ordinal);
    }
}
