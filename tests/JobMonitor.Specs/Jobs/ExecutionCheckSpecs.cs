using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JobMonitor.Specs.Jobs;

/// <summary>CHECK of what a job may ask of the machine: script env variables, and resources kept for some scopes.</summary>
public sealed class ExecutionCheckSpecs
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);

    readonly JobDefinitionValidator _validator = new(
        Options.Create(new JobOptions()),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Execution:Scripts:deploy:Path"] = "/bin/true",
            ["Execution:Scripts:deploy:AllowedEnv:0"] = "TARGET",
            ["Execution:Scripts:deploy:AllowedEnv:1"] = "DEPLOY_*",
            ["Execution:Scripts:deploy-prod:Path"] = "/bin/true",
            ["Execution:Scripts:deploy-prod:Scopes:0"] = "*/PROD",
            ["Execution:Http:AllowedBaseUrls:0"] = "https://hooks.example/",
            ["Execution:Http:ScopedBaseUrls:0:Url"] = "https://prod-api.example/deploy",
            ["Execution:Http:ScopedBaseUrls:0:Scopes:0"] = "shop/PROD",
            ["Execution:Dispatch:QueueScopes:prod-agents:0"] = "*/PROD",
        }).Build());

    static CreateJob Job(string environment, OpSpec op) => new()
    {
        JobId = Guid.NewGuid(),
        CommandId = Guid.NewGuid(),
        RequestedBy = "ana",
        Name = "shop-web 2.4.1",
        Project = "shop",
        Environment = environment,
        Pipeline = new PipelineSpec { Pre = [new OpSpec { Name = "ok", Kind = "log", Params = new OpParams { Message = "m" } }], Run = [op] },
    };

    static OpSpec Script(string script, string? variable = null) => new()
    {
        Name = "deploy",
        Kind = "script",
        Params = new OpParams { Script = script, Env = variable is null ? null : new Dictionary<string, string> { [variable] = "x" } },
    };

    Rejection? Check(CreateJob command) => _validator.Validate(command, Now).Rejection;

    [Theory]
    [InlineData("BASH_FUNC_echo%%")]
    [InlineData("BASH_FUNC_ls")]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("BASH_ENV")]
    [InlineData("ENV")]
    [InlineData("SHELLOPTS")]
    [InlineData("PS4")]
    [InlineData("IFS")]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("PYTHONPATH")]
    [InlineData("PYTHONSTARTUP")]
    [InlineData("NODE_OPTIONS")]
    [InlineData("PERL5OPT")]
    [InlineData("RUBYOPT")]
    [InlineData("JAVA_TOOL_OPTIONS")]
    [InlineData("GCONV_PATH")]
    [InlineData("GLIBC_TUNABLES")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    [InlineData("GIT_SSH_COMMAND")]
    [InlineData("JOBMONITOR_JOB_ID")]
    [InlineData("DEPLOY_X=1")]
    public void A_denylisted_env_variable_is_rejected_whatever_the_script_allows(string variable)
    {
        var rejection = Check(Job("PROD", Script("deploy", variable)));

        Assert.Equal(RejectionCodes.EnvDenied, rejection?.Code);
        Assert.Equal($"pipeline.run[0].params.env.{variable}", rejection?.Field);
    }

    [Fact]
    public void An_env_variable_the_script_does_not_list_is_rejected_not_dropped()
    {
        var rejection = Check(Job("PROD", Script("deploy", "TARGETS")));

        Assert.Equal(RejectionCodes.EnvNotAllowed, rejection?.Code);
        Assert.Equal("pipeline.run[0].params.env.TARGETS", rejection?.Field);
        Assert.Contains("AllowedEnv", rejection?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TARGET")]
    [InlineData("DEPLOY_REGION")]
    public void An_env_variable_named_or_prefixed_in_allowed_env_passes(string variable) =>
        Assert.Null(Check(Job("PROD", Script("deploy", variable))));

    [Fact]
    public void A_dev_job_cannot_use_a_script_kept_for_prod()
    {
        var rejection = Check(Job("DEV", Script("deploy-prod")));

        Assert.Equal(RejectionCodes.ScopeNotAllowed, rejection?.Code);
        Assert.Equal("pipeline.run[0].params.script", rejection?.Field);
        Assert.Null(Check(Job("PROD", Script("deploy-prod"))));
    }

    [Fact]
    public void A_script_named_in_another_case_than_configured_is_unknown()
    {
        Assert.Equal(RejectionCodes.UnknownScript, Check(Job("DEV", Script("Deploy-Prod")))?.Code);
    }

    [Fact]
    public void A_dev_job_cannot_call_a_base_url_kept_for_prod()
    {
        OpSpec Call(string url) => new() { Name = "call", Kind = "http", Params = new OpParams { Url = url } };

        var rejection = Check(Job("DEV", Call("https://prod-api.example/deploy/now")));

        Assert.Equal(RejectionCodes.ScopeNotAllowed, rejection?.Code);
        Assert.Equal("pipeline.run[0].params.url", rejection?.Field);
        Assert.Null(Check(Job("PROD", Call("https://prod-api.example/deploy/now"))));
        Assert.Null(Check(Job("DEV", Call("https://hooks.example/done"))));
    }

    [Fact]
    public void A_dev_job_cannot_dispatch_to_a_queue_kept_for_prod()
    {
        OpSpec Dispatch(string queue) => new() { Name = "agent", Kind = "dispatch", Params = new OpParams { Queue = queue } };

        var rejection = Check(Job("DEV", Dispatch("prod-agents")));

        Assert.Equal(RejectionCodes.ScopeNotAllowed, rejection?.Code);
        Assert.Equal("pipeline.run[0].params.queue", rejection?.Field);
        Assert.Null(Check(Job("DEV", Dispatch("dev-agents"))));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("host")]
    [InlineData("Connection")]
    [InlineData("Transfer-Encoding")]
    [InlineData("Proxy-Authorization")]
    [InlineData("Upgrade")]
    [InlineData("Content-Length")]
    public void Host_and_hop_by_hop_headers_are_rejected(string header)
    {
        var op = new OpSpec
        {
            Name = "call",
            Kind = "http",
            Params = new OpParams { Url = "https://hooks.example/x", Headers = new Dictionary<string, string> { [header] = "internal.example" } },
        };

        var rejection = Check(Job("DEV", op));

        Assert.Equal(RejectionCodes.HeaderNotAllowed, rejection?.Code);
        Assert.Equal($"pipeline.run[0].params.headers.{header}", rejection?.Field);
    }
}
