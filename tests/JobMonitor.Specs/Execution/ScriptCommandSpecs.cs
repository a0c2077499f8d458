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
                Environment = { ["DEPLOY_TOOL"] = "/opt/tool" },
                AllowedEnv = ["TARGET", "DEPLOY_*", "PATH"],
            },
        },
        ScriptBase = new ScriptBaseEnvironment { Path = "/usr/bin:/bin", Home = "/var/lib/jobs", Lang = "C.UTF-8" },
    };

    static OpDefinition Op(OpParams parameters, TimeSpan? duration = null) =>
        new() { Name = "deploy", Kind = OpKind.Script, Params = parameters, Duration = duration };

    [Fact]
    public void Op_args_follow_the_configured_arguments_one_list_item_each()
    {
        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Args = ["a b", "$(rm -rf /)", ""] }), Options(), Identity);

        Assert.Equal("/bin/sh", command.StartInfo.FileName);
        Assert.Equal(["/opt/deploy.sh", "a b", "$(rm -rf /)", ""], command.StartInfo.ArgumentList);
        Assert.Equal("/opt", command.StartInfo.WorkingDirectory);
        Assert.False(command.StartInfo.UseShellExecute);
    }

    static readonly ScriptIdentity Identity = new(Guid.Parse("5b0c0000-0000-0000-0000-000000000001"), "N.PROD-00000042", "shop", "PROD", "RUN", 2, "deploy");

    [Fact]
    public void A_script_gets_the_base_its_configuration_the_allowed_job_env_and_the_job_identity_only()
    {
        var env = new Dictionary<string, string> { ["TARGET"] = "prod", ["DEPLOY_REGION"] = "eu" };

        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Env = env }), Options(), Identity);

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["PATH"] = "/usr/bin:/bin",
                ["HOME"] = "/var/lib/jobs",
                ["LANG"] = "C.UTF-8",
                ["DEPLOY_TOOL"] = "/opt/tool",
                ["TARGET"] = "prod",
                ["DEPLOY_REGION"] = "eu",
                ["JOBMONITOR_JOB_ID"] = "5b0c0000-0000-0000-0000-000000000001",
                ["JOBMONITOR_JOB_KEY"] = "N.PROD-00000042",
                ["JOBMONITOR_PROJECT"] = "shop",
                ["JOBMONITOR_ENVIRONMENT"] = "PROD",
                ["JOBMONITOR_STEP"] = "RUN",
                ["JOBMONITOR_EXEC"] = "2",
                ["JOBMONITOR_OP"] = "deploy",
            }.OrderBy(kv => kv.Key),
            command.StartInfo.Environment.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void Nothing_of_the_service_environment_reaches_a_script()
    {
        Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", "Password=leak");
        ScriptCommand command;
        try
        {
            command = ScriptCommand.Create(Op(new OpParams { Script = "deploy" }), Options(), Identity);
        }
        finally
        {
            Environment.SetEnvironmentVariable("ConnectionStrings__Postgres", null);
        }

        Assert.False(command.StartInfo.Environment.ContainsKey("ConnectionStrings__Postgres"));
        Assert.All(command.StartInfo.Environment.Keys, k => Assert.True(k is "PATH" or "HOME" or "LANG" or "DEPLOY_TOOL" || k.StartsWith("JOBMONITOR_", StringComparison.Ordinal), k));
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("UNLISTED")]
    [InlineData("BASH_FUNC_echo%%")]
    public void A_job_env_variable_the_script_does_not_allow_fails_the_op_instead_of_being_dropped(string name)
    {
        var env = new Dictionary<string, string> { [name] = "x" };

        var failure = Assert.Throws<OpFailedException>(() => ScriptCommand.Create(Op(new OpParams { Script = "deploy", Env = env }), Options(), Identity));

        Assert.Contains($"'{name}' is not allowed", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_kept_for_other_scopes_fails_the_op_at_run_time()
    {
        var options = Options();
        options.Scripts["deploy"].Scopes = ["*/PROD"];

        var failure = Assert.Throws<OpFailedException>(() =>
            ScriptCommand.Create(Op(new OpParams { Script = "deploy" }), options, Identity with { Environment = "DEV" }));

        Assert.Contains("not allowed for jobs of shop/DEV", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(ScriptCommand.Create(Op(new OpParams { Script = "deploy" }), options, Identity));
    }

    [Fact]
    public void The_op_time_out_wins_over_the_script_and_the_default()
    {
        var op = Op(new OpParams { Script = "deploy" }, TimeSpan.FromSeconds(90));

        Assert.Equal(TimeSpan.FromSeconds(90), ScriptCommand.Create(op, Options(TimeSpan.FromMinutes(5)), Identity).Timeout);
    }

    [Fact]
    public void Without_an_op_time_out_the_script_time_out_then_the_default_applies()
    {
        var op = Op(new OpParams { Script = "deploy" });

        Assert.Equal(TimeSpan.FromMinutes(5), ScriptCommand.Create(op, Options(TimeSpan.FromMinutes(5)), Identity).Timeout);
        Assert.Equal(TimeSpan.FromMinutes(60), ScriptCommand.Create(op, Options(), Identity).Timeout);
    }

    [Fact]
    public void An_unknown_script_name_fails_the_op_with_a_clear_message()
    {
        var failure = Assert.Throws<OpFailedException>(() => ScriptCommand.Create(Op(new OpParams { Script = "rm -rf /" }), Options(), Identity));

        Assert.Contains("script 'rm -rf /' is not configured", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_op_without_a_script_name_fails()
    {
        Assert.Throws<OpFailedException>(() => ScriptCommand.Create(Op(new OpParams()), Options(), Identity));
    }

    [Fact]
    public void The_description_quotes_arguments_with_spaces()
    {
        var command = ScriptCommand.Create(Op(new OpParams { Script = "deploy", Args = ["it's here", "plain"] }), Options(), Identity);

        Assert.Equal("/bin/sh /opt/deploy.sh 'it'\\''s here' plain", command.Describe());
    }
}
