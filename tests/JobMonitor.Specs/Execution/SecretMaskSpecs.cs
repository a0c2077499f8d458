using JobMonitor.Contracts;
using JobMonitor.Service.Execution;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace JobMonitor.Specs.Execution;

public sealed class SecretMaskSpecs
{
    static readonly ServiceSecrets NoServiceSecrets = new(new ConfigurationBuilder().Build());

    static ServiceSecrets SecretsOf(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build());

    [Fact]
    public void The_service_database_and_broker_passwords_are_masked_without_being_named()
    {
        var service = SecretsOf(
            ("ConnectionStrings:Postgres", "Host=db;Username=jm;Password=pg-S3cret;Database=jm"),
            ("ConnectionStrings:RabbitMq", "amqp://jm:mq%2FS3cret@broker:5672/jobs"));

        var mask = SecretMask.For(new OpParams(), [], service);

        Assert.Equal("db *** broker ***", mask.Apply("db pg-S3cret broker mq/S3cret"));
    }

    [Fact]
    public void Api_key_material_and_settings_named_like_secrets_are_masked()
    {
        var service = SecretsOf(
            ("Auth:ApiKeys:admin", "sha256:00ff00ff"),
            ("Auth:Jwt:ClientSecret", "jwt-client-s3cret"),
            ("Agents:Deploy_Token", "tok-12345"),
            ("Execution:WorkerName", "worker-1"));

        var mask = SecretMask.For(new OpParams(), [], service);

        Assert.Equal("*** *** *** worker-1", mask.Apply("sha256:00ff00ff jwt-client-s3cret tok-12345 worker-1"));
    }

    [Fact]
    public void A_secret_param_value_is_masked_wherever_it_appears()
    {
        var mask = SecretMask.For(new OpParams { Message = "token s3cr3t" }, ["message"], NoServiceSecrets);

        Assert.Equal("say ***, again ***", mask.Apply("say token s3cr3t, again token s3cr3t"));
    }

    [Fact]
    public void Secret_args_mask_every_argument()
    {
        var mask = SecretMask.For(new OpParams { Args = ["--user", "ana", "--password", "hunter2"] }, ["args"], NoServiceSecrets);

        Assert.Equal("*** *** *** ***", mask.Apply("--user ana --password hunter2"));
    }

    [Fact]
    public void A_listed_env_name_masks_only_that_variable()
    {
        var env = new Dictionary<string, string> { ["API_KEY"] = "abc123", ["REGION"] = "eu-west" };
        var mask = SecretMask.For(new OpParams { Env = env }, ["API_KEY"], NoServiceSecrets);

        Assert.Equal("key=*** region=eu-west", mask.Apply("key=abc123 region=eu-west"));
    }

    [Fact]
    public void A_longer_secret_containing_a_shorter_one_is_masked_whole()
    {
        var env = new Dictionary<string, string> { ["A"] = "pass", ["B"] = "password1" };
        var mask = SecretMask.For(new OpParams { Env = env }, ["env"], NoServiceSecrets);

        Assert.Equal("*** and ***", mask.Apply("password1 and pass"));
    }

    [Fact]
    public void No_secret_names_leave_text_unchanged()
    {
        var mask = SecretMask.For(new OpParams { Message = "hello" }, [], NoServiceSecrets);

        Assert.True(mask.IsEmpty);
        Assert.Equal("hello", mask.Apply("hello"));
    }

    [Fact]
    public void Empty_secret_values_mask_nothing()
    {
        var mask = SecretMask.For(new OpParams { Message = "" }, ["message"], NoServiceSecrets);

        Assert.Equal("text", mask.Apply("text"));
    }
}
