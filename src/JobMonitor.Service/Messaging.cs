using JobMonitor.Service.Execution;
using JobMonitor.Service.Jobs;
using JobMonitor.Service.Monitor;
using JobMonitor.Service.Persistence;
using JobMonitor.Service.Persistence.Outbox;
using JobMonitor.Service.Retries;
using JobMonitor.Service.Scheduling;
using JobMonitor.Service.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobMonitor.Service;

public static class Messaging
{
    /// <summary>
    /// One bus for the service: the job saga, CHECK, the step workers and the trigger scheduler when the instance has the
    /// workers role; an api instance publishes the action API's commands and hears job changes for /api/events.
    /// </summary>
    public static void AddMessaging(this IHostApplicationBuilder builder)
    {
        var rabbit = builder.Configuration.GetConnectionString("RabbitMq")
            ?? throw new InvalidOperationException("ConnectionStrings:RabbitMq is not set (an AMQP URI such as amqp://user:password@host:5672/vhost).");

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            if (builder.Configuration.Roles().HasFlag(ServiceRoles.Workers))
            {
                bus.AddJobLifecycleHandlers();
                bus.AddStepWorkers();
                bus.AddTriggerScheduling();
            }
            bus.AddMonitorConsumers(builder.Configuration.Roles());
            // Every endpoint rides out broker and database outages; the step runner's without the kill switch, which
            // would cancel the steps it is running.
            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
                endpoint.UseOutageRetries(context, killSwitch: name != RunJobStepConsumerDefinition.QueueName));

            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(rabbit));
                // Upstream systems that are not .NET publish the command itself as application/json.
                cfg.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType | RawSerializerOptions.AddTransportHeaders);
                // MassTransit writes its envelopes indented: about a fifth of each message's bytes, stored in the
                // outbox, logged to the WAL and carried by the broker, would be white space.
                cfg.ConfigureJsonSerializerOptions(options =>
                {
                    options.WriteIndented = false;
                    return options;
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.AddOutbox();
        builder.AddEndpointWatchdog(rabbit);
    }

    static void AddEndpointWatchdog(this IHostApplicationBuilder builder, string rabbit)
    {
        builder.Services.AddOptions<EndpointWatchdogOptions>()
            .BindConfiguration(EndpointWatchdogOptions.Section)
            .Validate(o => o.Interval > TimeSpan.Zero && o.Grace > TimeSpan.Zero && o.StopTimeout > TimeSpan.Zero,
                "Messaging:Watchdog:Interval, Grace and StopTimeout must be positive")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<EndpointWatchdog>(
            sp, new QueueReader(rabbit, "jobmonitor-endpoint-watchdog")));
        // Registered after the bus: it stops watching before the bus stops its endpoints.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EndpointWatchdog>());
        builder.Services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<EndpointWatchdog>());
    }
}

/// <summary>
/// RabbitMQ priorities. The messages that start a RUN at its date jump the queue of the saga and of the step
/// workers, so a burst of other jobs' traffic does not make a RUN late. Next come the steps of jobs under way: in a
/// burst of creates, a PRE's result is not queued behind the opening of every job created after it.
/// </summary>
public static class MessagePriorities
{
    /// <summary>Highest priority the saga and worker queues accept (x-max-priority).</summary>
    public const byte Max = 2;

    /// <summary>Trigger fired, RUN step dispatched, RUN step claimed.</summary>
    public const byte Timed = 2;

    /// <summary>A started step's start (but a RUN's), progress and result; the opening of a job and commands stay at 0.</summary>
    public const byte UnderWay = 1;
}
