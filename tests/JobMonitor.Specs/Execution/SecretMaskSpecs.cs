using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using Xunit;

namespace JobMonitor.Specs.Execution;

public sealed class SecretMaskSpecs
{
    [Fact]
    public void A_secret_param_value_is_masked_wherever_it_appears()
    {
        var mask = SecretMask.For(new OpParams { Message = "token s3cr3t" }, ["message"]);

        Assert.Equal("say ***, again ***", mask.Apply("say token s3cr3t, again token s3cr3t"));
    }

    [Fact]
    public void Secret_args_mask_every_argument()
    {
        var mask = SecretMask.For(new OpParams { Args = ["--user", "ana", "--password", "hunter2"] }, ["args"]);

        Assert.Equal("*** *** *** ***", mask.Apply("--user ana --password hunter2"));
    }

    [Fact]
    public void A_listed_env_name_masks_only_that_variable()
    {
        var env = new Dictionary<string, string> { ["API_KEY"] = "abc123", ["REGION"] = "eu-west" };
        var mask = SecretMask.For(new OpParams { Env = env }, ["API_KEY"]);

        Assert.Equal("key=*** region=eu-west", mask.Apply("key=abc123 region=eu-west"));
    }

    [Fact]
    public void A_longer_secret_containing_a_shorter_one_is_masked_whole()
    {
        var env = new Dictionary<string, string> { ["A"] = "pass", ["B"] = "password1" };
        var mask = SecretMask.For(new OpParams { Env = env }, ["env"]);

        Assert.Equal("*** and ***", mask.Apply("password1 and pass"));
    }

    [Fact]
    public void No_secret_names_leave_text_unchanged()
    {
        var mask = SecretMask.For(new OpParams { Message = "hello" }, []);

        Assert.True(mask.IsEmpty);
        Assert.Equal("hello", mask.Apply("hello"));
    }

    [Fact]
    public void Empty_secret_values_mask_nothing()
    {
        var mask = SecretMask.For(new OpParams { Message = "" }, ["message"]);

        Assert.Equal("text", mask.Apply("text"));
    }
}
