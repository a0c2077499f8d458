using MassTransit;

namespace JobMonitor.Service.Monitor;

public static class MonitorMessaging
{
    /// <summary>
    /// The command results go to one shared, durable queue consumed by the workers role: answers exist only where
    /// workers run (the saga and CHECK publish them), so in a split deployment the queue always has a consumer when
    /// there is something to record, and api-only instances need not be up. In a combined deployment it is the same
    /// instance. The table is in the database both roles share, so GET /api/commands answers on any api instance.
    /// </summary>
    public static void AddMonitorConsumers(this IBusRegistrationConfigurator bus, ServiceRoles roles)
    {
        if (roles.HasFlag(ServiceRoles.Workers))
        {
            bus.AddConsumer<CommandResultConsumer>(c => c.UseMessageRetry(r => r.Intervals(100, 500, 2000, 5000)))
                .Endpoint(e => e.Name = CommandResultConsumer.QueueName);
        }
        if (roles.HasFlag(ServiceRoles.Api))
        {
            // Every api instance must hear every change for its own subscribers: a queue of its own, deleted when it
            // goes (as the step-run cancel consumer's). One message at a time keeps a job's changes in order.
            var instance = NewId.Next().ToString("N");
            bus.AddConsumer<JobEventsConsumer>().Endpoint(e =>
            {
                e.Name = "monitor-events";
                e.InstanceId = instance;
                e.Temporary = true;
                e.ConcurrentMessageLimit = 1;
            });
        }
    }
}
