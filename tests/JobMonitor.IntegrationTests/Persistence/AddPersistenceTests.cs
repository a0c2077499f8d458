using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

public sealed class AddPersistenceTests
{
    [Fact]
    public async Task Starting_the_host_creates_and_migrates_the_configured_database()
    {
        await TestServices.RequirePostgresAsync();
        var name = $"jm_host_{Guid.NewGuid():N}"[..40];
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:Postgres"] =
            new NpgsqlConnectionStringBuilder(TestServices.PostgresAdmin) { Database = name }.ConnectionString;
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPersistence();

        using var host = builder.Build();
        await host.StartAsync(Cancellation);
        try
        {
            var logWriter = host.Services.GetRequiredService<IJobLogWriter>();
            Assert.Same(host.Services.GetRequiredService<JobLogStore>(), logWriter);
            var key = await host.Services.GetRequiredService<Service.Jobs.IJobKeyAllocator>().NextAsync(Service.Jobs.JobType.Normal, "dev", Cancellation);
            Assert.Equal("N.DEV-00000001", key);
        }
        finally
        {
            await host.StopAsync(Cancellation);
        }
    }

    [Theory]
    [InlineData("Host=db;Username=u", 64)]
    [InlineData("Host=db;Username=u;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=u;maxautoprepare=8", 8)]
    public void Statements_are_prepared_automatically_unless_the_connection_string_says_otherwise(string connectionString, int expected) =>
        Assert.Equal(expected, PoolSettings(connectionString).MaxAutoPrepare);

    [Theory]
    [InlineData("Host=db;Username=u", true)]
    [InlineData("Host=db;Username=u;No Reset On Close=false", false)]
    [InlineData("Host=db;Username=u;noresetonclose=false", false)]
    public void Connections_go_back_to_the_pool_without_a_reset_unless_the_connection_string_says_otherwise(string connectionString, bool expected) =>
        Assert.Equal(expected, PoolSettings(connectionString).NoResetOnClose);

    /// <summary>The settings of the data source the service would use with this connection string.</summary>
    static NpgsqlConnectionStringBuilder PoolSettings(string connectionString)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:Postgres"] = connectionString;
        builder.AddPersistence();

        using var provider = builder.Services.BuildServiceProvider();
        return new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString);
    }

    [Fact]
    public void A_missing_connection_string_is_reported_by_name()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        var error = Assert.Throws<InvalidOperationException>(builder.AddPersistence);

        Assert.Contains("ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
