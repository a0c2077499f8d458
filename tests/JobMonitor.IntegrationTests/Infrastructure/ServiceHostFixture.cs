using System.Net;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;
using Xunit.Sdk;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The real service, started once in-process against a fresh database and the test RabbitMQ vhost, with the
/// scripts of tests/JobMonitor.IntegrationTests/scripts configured by file name (<c>fail.sh</c> → script <c>fail</c>).
/// When PostgreSQL or RabbitMQ is unreachable, every member that needs the host skips the calling test
/// (in CI, with JOBMONITOR_REQUIRE_SERVICES=1, start-up fails instead): one missing service never hangs a run.
/// </summary>
public sealed class ServiceHostFixture : IAsyncLifetime
{
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    ServiceHostFactory? factory;
    HttpClient? client;
    IConnection? rabbit;
    string? connectionString;
    string? unavailable;
    Uri? address;

    /// <summary>Calls the service's HTTP API (in-memory, no port) as <see cref="TestUsers.Admin" />.</summary>
    public HttpClient Client => Started(client);

    /// <summary>A new client signed in as <paramref name="user" /> (one of <see cref="TestUsers" />), or anonymous when null.</summary>
    public HttpClient ClientFor(string? user)
    {
        var http = Started(factory).CreateClient();
        if (user is not null)
            http.DefaultRequestHeaders.Add("X-Api-Key", TestUsers.KeyOf(user));
        return http;
    }

    /// <summary>The service's container, to resolve <see cref="NpgsqlDataSource"/>, the bus, options...</summary>
    public IServiceProvider Services => Started(factory).Services;

    /// <summary>Connection string of the database the service runs on (created for this fixture).</summary>
    public string ConnectionString => Started(connectionString);

    /// <summary>The spans and metrics of the service, through OpenTelemetry's in-memory exporters.</summary>
    public TelemetryCapture Telemetry { get; } = new();

    /// <summary>The AMQP URI (test vhost) the service consumes from.</summary>
    public static Uri RabbitMq => TestServices.RabbitMq;

    /// <summary>
    /// The AMQP URI this host's service consumes from: a test project that runs beside this one (dotnet test runs
    /// projects at once) needs a vhost of its own, or the two services would take each other's messages.
    /// </summary>
    public Uri Broker { get; init; } = TestServices.RabbitMq;

    /// <summary>Serve HTTP on a free TCP port of 127.0.0.1 (for a browser), not only in memory: see <see cref="Address" />.</summary>
    public bool ListenOnTcp { get; init; }

    /// <summary>Where the service listens when <see cref="ListenOnTcp" />.</summary>
    public Uri Address => Started(address);

    public async ValueTask InitializeAsync()
    {
        rabbit = await ConnectRabbitMqAsync();
        if (rabbit is null)
            return;
        try
        {
            connectionString = await TestServices.CreateDatabaseAsync("e2e_host");
        }
        catch (SkipException e)
        {
            unavailable = e.Message;
            return;
        }

        factory = new ServiceHostFactory(Settings(connectionString, Broker), Telemetry.Register);
        if (ListenOnTcp)
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        try
        {
            // StartServer runs the hosted services (migrations, bus, Hangfire); bound it so a stuck start fails.
            await Task.Run(factory.StartServer).WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The service did not start within {StartTimeout.TotalSeconds} s.");
        }
        client = ClientFor(TestUsers.Admin);
        if (ListenOnTcp)
            address = new Uri(factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        Telemetry.Attach(factory.Services);

        // Messages published before the receive endpoints are bound would be dropped by RabbitMQ.
        var bus = factory.Services.GetRequiredService<IBusControl>();
        await WaitUntilAsync(
            () => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy),
            StartTimeout,
            "the service's bus to connect and bind its endpoints");
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        if (factory is not null)
            await factory.DisposeAsync();
        if (rabbit is not null)
            await rabbit.DisposeAsync();
        if (connectionString is not null)
            await DropDatabaseAsync(connectionString);
    }

    /// <summary>
    /// Publishes <paramref name="json"/> as a non-.NET upstream system does: the bare message, content type
    /// application/json, to the exchange named after the contract (e.g. <c>JobMonitor.Contracts:CreateJob</c>).
    /// Returns once RabbitMQ confirmed it; throws when the exchange does not exist.
    /// </summary>
    public async Task PublishRawAsync(string exchange, string json, CancellationToken cancellationToken = default) =>
        await PublishRawAsync(exchange, json, headers: null, cancellationToken);

    /// <summary>As <see cref="PublishRawAsync(string, string, CancellationToken)"/>, with AMQP headers (a W3C <c>traceparent</c>, say).</summary>
    public Task PublishRawAsync(string exchange, string json, IDictionary<string, object?>? headers, CancellationToken cancellationToken = default) =>
        PublishRawAsync(exchange, json, headers, "application/json", cancellationToken);

    /// <summary>As <see cref="PublishRawAsync(string, string, CancellationToken)"/>, with another content type (MassTransit's envelope, say).</summary>
    public async Task PublishRawAsync(string exchange, string json, IDictionary<string, object?>? headers, string contentType,
        CancellationToken cancellationToken = default)
    {
        var connection = Started(rabbit);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var properties = new BasicProperties
        {
            ContentType = contentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
            Headers = headers,
        };
        await channel.BasicPublishAsync(exchange, "", false, properties, Encoding.UTF8.GetBytes(json), cancellationToken);
    }

    /// <summary>See <see cref="Polling.WaitUntilAsync"/>.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        Polling.WaitUntilAsync(condition, timeout, what);

    T Started<T>(T? value) where T : class
    {
        if (unavailable is not null)
            Assert.Skip(unavailable);
        return value ?? throw new InvalidOperationException("The service host did not start; see the fixture's error.");
    }

    async Task<IConnection?> ConnectRabbitMqAsync()
    {
        var connectionFactory = new ConnectionFactory { Uri = Broker, RequestedConnectionTimeout = ConnectTimeout };
        try
        {
            return await connectionFactory.CreateConnectionAsync("jobmonitor-tests");
        }
        catch (BrokerUnreachableException e)
        {
            var problem = $"RabbitMQ unreachable at {Broker.Host}:{Broker.Port}{Broker.AbsolutePath}: " +
                $"{e.InnerException?.Message ?? e.Message}";
            if (TestServices.Required)
                throw new InvalidOperationException($"RabbitMQ is required (JOBMONITOR_REQUIRE_SERVICES=1). {problem}", e);
            unavailable = problem;
            return null;
        }
    }

    /// <summary>
    /// A second instance of the service on the same database and broker, started: the caller disposes it. For tests
    /// of what must hold with several instances (the first one being this fixture's).
    /// </summary>
    public async Task<ServiceHostFactory> StartSecondInstanceAsync()
    {
        var second = new ServiceHostFactory(Settings(ConnectionString, Broker));
        await Task.Run(second.StartServer).WaitAsync(StartTimeout);
        var bus = second.Services.GetRequiredService<IBusControl>();
        await WaitUntilAsync(() => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy), StartTimeout,
            "the second instance's bus to connect and bind its endpoints");
        return second;
    }

    static Dictionary<string, string> Settings(string postgres, Uri broker)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Postgres"] = postgres,
            ["ConnectionStrings:RabbitMq"] = broker.ToString(),
            // The telemetry tests wait for the gauges; a short cache keeps the wait short.
            ["Telemetry:GaugeCacheTime"] = "00:00:00.500",
            // Tests may leave steps holding at the end of the run: the host's shutdown drains them this long only.
            ["Execution:DrainTimeout"] = "00:00:03",
        };
        foreach (var (key, value) in TestUsers.Settings())
            settings[key] = value;
        var scripts = Path.Combine(AppContext.BaseDirectory, "scripts");
        if (Directory.Exists(scripts))
        {
            foreach (var script in Directory.EnumerateFiles(scripts, "*.sh"))
            {
                var name = Path.GetFileNameWithoutExtension(script);
                settings[$"Execution:Scripts:{name}:Path"] = script;
                // The variables the test scripts read; a job may set no other.
                settings[$"Execution:Scripts:{name}:AllowedEnv:0"] = "TOKEN";
                settings[$"Execution:Scripts:{name}:AllowedEnv:1"] = "SIDE_EFFECT_FILE";
                settings[$"Execution:Scripts:{name}:AllowedEnv:2"] = "DEPLOY_*";
            }
            settings["Execution:Scripts:printenv:Environment:DEPLOY_REGION"] = "eu-west";
            // The same script kept for PROD jobs: the scope tests run it from a DEV job.
            settings["Execution:Scripts:printenv-prod:Path"] = Path.Combine(scripts, "printenv.sh");
            settings["Execution:Scripts:printenv-prod:Scopes:0"] = "*/PROD";
        }
        return settings;
    }

    static async Task DropDatabaseAsync(string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(TestServices.PostgresAdmin);
        await connection.OpenAsync();
        // FORCE: the service's pooled connections may outlive its host by a moment.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
