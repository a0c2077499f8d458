using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using JobMonitor.Service.Execution.Ops;
using JobMonitor.Service.Jobs;
using Xunit;

namespace JobMonitor.Specs.Execution;

public sealed class ScriptCommandSpecs
{
    static ExecutionOptions Options(TimeSpan? scriptTimeout = null) => new()
    {
        WorkerName = "spec",
        DefaultScriptTimeout = TimeSpan.FromMinutes(60),
        Scripts =
        {
            ["deploy"] = new ScriptOptions
            {
                Path = "/bin/sh",
                Arguments = ["/opt/deploy.sh"],
                WorkingDirectory = "/opt",
                Timeout = scriptTimeout,
            },
        },
    };

    static OpDefinition Op(OpParams parameters, TimeSpan? duration = null) =>
        new() { Name = "deploy", Kind = OpKind.Script, Params = parameters, Duration = duration };

    [Fact]
    public void Op_args_follow_the_configured_arguments_one_list_item_each()
    {
        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Args = ["a b", "$(rm -rf /)", ""] }), Options());

        Assert.Equal("/bin/sh", command.StartInfo.FileName);
        Assert.Equal(["/opt/deploy.sh", "a b", "$(rm -rf /)", ""], command.StartInfo.ArgumentList);
        Assert.Equal("/opt", command.StartInfo.WorkingDirectory);
        Assert.False(command.StartInfo.UseShellExecute);
    }

    [Fact]
    public void Op_env_is_merged_into_the_inherited_environment()
    {
        var env = new Dictionary<string, string> { ["TARGET"] = "prod", ["PATH"] = "/custom" };

        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Env = env }), Options());

        Assert.Equal("prod", command.StartInfo.Environment["TARGET"]);
        Assert.Equal("/custom", command.StartInfo.Environment["PATH"]);
        Assert.True(command.StartInfo.Environment.Count > 2);
    }

    [Fact]
    public void The_op_time_out_wins_over_the_script_and_the_default()
    {
        var op = Op(new OpParams { Script = "deploy" }, TimeSpan.FromSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(90), ScriptCommand.Create(op, Options(TimeSpan.FromMinutes(5))).Timeout);
    }

    [Fact]
    public void Without_an_op_time_out_the_script_time_out_then_the_default_applies()
    {
        var op = Op(new OpParams { Script = "deploy" });

        Assert.Equal(TimeSpan.FromMinutes(5), ScriptCommand.Create(op, Options(TimeSpan.FromMinutes(5))).Timeout);
        Assert.Equal(TimeSpan.FromMinutes(60), ScriptCommand.Create(op, Options()).Timeout);
    }

    [Fact]
    public void An_unknown_script_name_fails_the_op_with_a_clear_message()
    {
        var failure = Assert.Throws<OpFailedException>(() => ScriptCommand.Create(Op(new OpParams { Script = "rm -rf /" }), Options()));

        Assert.Contains("script 'rm -rf /' is not configured", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_op_without_a_script_name_fails()
    {
        Assert.Throws<OpFailedException>(() => ScriptCommand.Create(Op(new OpParams()), Options()));
    }

    [Fact]
    public void The_description_quotes_arguments_with_spaces()
    {
        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Args = ["it's here", "plain"] }), Options());

        Assert.Equal("/bin/sh /opt/deploy.sh 'it'\\''s here' plain", command.Describe());
    }
}
