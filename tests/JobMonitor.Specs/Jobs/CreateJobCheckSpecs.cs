using JobMonitor.Contracts;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Check;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace JobMonitor.Specs.Jobs;

public sealed class CreateJobCheckSpecs
{
    static readonly DateTimeOffset Now = new(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);

    readonly JobDefinitionValidator _validator = new(
        Options.Create(new JobOptions()),
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Execution:Scripts:deploy:Path"] = "/bin/true" }).Build());

    static OpSpec Log(string name) => new() { Name = name, Kind = "log", Params = new OpParams { Message = "hello" } };

    static CreateJob Valid() => new()
    {
        JobId = Guid.NewGuid(),
        CommandId = Guid.NewGuid(),
        RequestedBy = "ana",
        Name = "shop-web 2.4.1",
        Project = "shop",
        Environment = "PROD",
        Pipeline = new PipelineSpec { Run = [Log("deploy")] },
    };

    Rejection Rejected(CreateJob command)
    {
        var (definition, rejection) = _validator.Validate(command, Now);
        Assert.Null(definition);
        return Assert.IsType<Rejection>(rejection);
    }

    [Fact]
    public void A_minimal_create_passes_with_defaults_from_the_expiry_window()
    {
        var (definition, rejection) = _validator.Validate(Valid(), Now);

        Assert.Null(rejection);
        Assert.Equal(JobType.Normal, definition!.Type);
        Assert.Equal(Now, definition.ScheduledAt);
        Assert.Equal(Now.AddHours(24), definition.MaxStartAt);
    }

    [Fact]
    public void An_urgent_job_gets_the_one_hour_window()
    {
        var (definition, _) = _validator.Validate(Valid() with { Type = "urgent", ScheduledAt = "2026-12-01T22:00:00Z" }, Now);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero), definition!.MaxStartAt);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("project")]
    [InlineData("environment")]
    public void A_missing_scope_or_name_is_rejected_naming_the_field(string field)
    {
        var command = field switch
        {
            "name" => Valid() with { Name = " " },
            "project" => Valid() with { Project = null },
            _ => Valid() with { Environment = "" },
        };

        var rejection = Rejected(command);

        Assert.Equal(RejectionCodes.MissingField, rejection.Code);
        Assert.Equal(field, rejection.Field);
    }

    [Fact]
    public void An_empty_pipeline_is_rejected()
    {
        var rejection = Rejected(Valid() with { Pipeline = new PipelineSpec { Pre = [], Run = [] } });

        Assert.Equal(RejectionCodes.EmptyPipeline, rejection.Code);
    }

    [Fact]
    public void An_unknown_op_kind_is_rejected_with_its_path()
    {
        var rejection = Rejected(Valid() with { Pipeline = new PipelineSpec { Pre = [Log("a"), new OpSpec { Name = "b", Kind = "teleport" }] } });

        Assert.Equal(RejectionCodes.UnknownOpKind, rejection.Code);
        Assert.Equal("pipeline.pre[1].kind", rejection.Field);
        Assert.Contains("teleport", rejection.Message);
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("2026-12-01T22:00:00")]
    [InlineData("2026-13-01T22:00:00Z")]
    public void An_unparsable_or_offsetless_date_is_rejected(string date)
    {
        var rejection = Rejected(Valid() with { ScheduledAt = date });

        Assert.Equal(RejectionCodes.InvalidDate, rejection.Code);
        Assert.Equal("scheduledAt", rejection.Field);
    }

    [Fact]
    public void A_name_over_the_limit_is_rejected_with_its_length()
    {
        var rejection = Rejected(Valid() with { Name = new string('x', 201) });

        Assert.Equal(RejectionCodes.FieldTooLong, rejection.Code);
        Assert.Contains("201", rejection.Message);
    }

    [Fact]
    public void Too_many_ops_in_a_step_are_rejected()
    {
        var ops = Enumerable.Range(0, 201).Select(i => Log($"op{i}")).ToList();

        Assert.Equal(RejectionCodes.TooManyItems, Rejected(Valid() with { Pipeline = new PipelineSpec { Run = ops } }).Code);
    }

    [Fact]
    public void A_script_not_configured_in_the_service_is_rejected()
    {
        var op = new OpSpec { Name = "x", Kind = "script", Params = new OpParams { Script = "rm-rf" } };

        Assert.Equal(RejectionCodes.UnknownScript, Rejected(Valid() with { Pipeline = new PipelineSpec { Run = [op] } }).Code);
    }

    [Fact]
    public void A_malformed_duration_is_rejected_and_both_duration_forms_pass()
    {
        static OpSpec Delay(string d) => new() { Name = "wait", Kind = "delay", Params = new OpParams { Duration = d } };

        Assert.Equal(RejectionCodes.InvalidDuration, Rejected(Valid() with { Pipeline = new PipelineSpec { Run = [Delay("soon")] } }).Code);
        Assert.Equal(TimeSpan.FromSeconds(90), _validator.Validate(Valid() with { Pipeline = new PipelineSpec { Run = [Delay("PT90S")] } }, Now).Definition!.Pipeline.Run[0].Duration);
        Assert.Equal(TimeSpan.FromSeconds(90), _validator.Validate(Valid() with { Pipeline = new PipelineSpec { Run = [Delay("00:01:30")] } }, Now).Definition!.Pipeline.Run[0].Duration);
    }

    [Fact]
    public void An_approval_outside_pre_is_rejected()
    {
        var op = new OpSpec { Name = "ask", Kind = "approval", Params = new OpParams { Approvers = ["ana"] } };

        var rejection = Rejected(Valid() with { Pipeline = new PipelineSpec { Run = [op] } });

        Assert.Equal("pipeline.run[0].kind", rejection.Field);
    }

    [Fact]
    public void Two_ops_with_one_name_in_a_step_are_rejected()
    {
        Assert.Equal(RejectionCodes.DuplicateOpName, Rejected(Valid() with { Pipeline = new PipelineSpec { Run = [Log("a"), Log("a")] } }).Code);
    }

    [Fact]
    public void An_unknown_on_error_policy_is_rejected()
    {
        var op = Log("a") with { OnError = "explode" };

        var rejection = Rejected(Valid() with { Pipeline = new PipelineSpec { Run = [op] } });

        Assert.Equal("pipeline.run[0].onError", rejection.Field);
        Assert.Contains("fail, trap, ignore", rejection.Message);
    }

    [Fact]
    public void A_missing_job_id_is_rejected()
    {
        Assert.Equal("jobId", Rejected(Valid() with { JobId = Guid.Empty }).Field);
    }
}
