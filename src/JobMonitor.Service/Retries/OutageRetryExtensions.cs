using MassTransit;

namespace JobMonitor.Service.Retries;

public static class OutageRetryExtensions
{
    // About half a minute of immediate retries in memory; the message then goes back on its queue and starts over.
    static readonly TimeSpan[] Intervals = [.. new[] { 0, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 15000 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

    /// <summary>
    /// Rides out outages: transient failures are retried in memory with back-off, then the message is requeued (never
    /// dead-lettered); when most messages fail for an outage, the kill switch stops the endpoint for a while and starts it again.
    /// </summary>
    /// <param name="killSwitch">
    /// False for an endpoint whose consumers hold long work (the step runner): stopping the endpoint would cancel it.
    /// </param>
    public static void UseOutageRetries(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context, bool killSwitch)
    {
        if (killSwitch)
        {
            endpoint.UseKillSwitch(options => options
                .SetActivationThreshold(10)
                .SetTripThreshold(0.5)
                .SetTrackingPeriod(TimeSpan.FromMinutes(1))
                .SetRestartTimeout(TimeSpan.FromSeconds(20))
                .SetExceptionFilter(x => x.Handle<Exception>(TransientFailures.AreOutage)));
        }
        endpoint.UseFilter(new OutageFilter(
            context.GetRequiredService<Persistence.JobReadStore>(),
            context.GetRequiredService<Persistence.IJobLogWriter>(),
            context.GetRequiredService<TimeProvider>(),
            context.GetRequiredService<ILogger<OutageFilter>>()));
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(TransientFailures.Are);
            r.Intervals(Intervals);
        });
    }
}
