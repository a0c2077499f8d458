using System.Runtime.CompilerServices;
using MassTransit;
using MassTransit.Configuration;
using MassTransit.Middleware;

namespace JobMonitor.Service.Persistence.Outbox;

public static class OutboxExtensions
{
    static readonly ConditionalWeakTable<IReceiveEndpointConfigurator, object> Configured = new();

    /// <summary>The outbox's parts: the consume pipe's context factory, the publisher for the API, the delivery after a commit and the relay.</summary>
    public static void AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Outbox").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<IOutboxContextFactory<JobSagaTransaction>, PostgresOutboxContextFactory>();
        builder.Services.AddSingleton<OutboxPublisher>();
        builder.Services.AddSingleton<OutboxDelivery>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<OutboxDelivery>());
        builder.Services.AddHostedService<OutboxRelay>();
    }

    /// <summary>
    /// Puts every consumer and saga of the endpoint behind the PostgreSQL outbox and inbox (MassTransit's
    /// OutboxConsumeFilter with <see cref="PostgresOutboxContextFactory" />).
    /// </summary>
    public static void UsePostgresOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        // Several consumer definitions of one endpoint (the ordered command relay) each ask for it; once is enough.
        if (!Configured.TryAdd(endpoint, true))
            return;
        var observer = new OutboxConsumePipeSpecificationObserver<JobSagaTransaction>(endpoint, context);
        endpoint.ConnectConsumerConfigurationObserver(observer);
        endpoint.ConnectSagaConfigurationObserver(observer);
    }
}
