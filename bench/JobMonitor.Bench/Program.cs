using JobMonitor.Bench;

BenchOptions? options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (options is null)
{
    Console.WriteLine(BenchOptions.Help);
    return 0;
}

if (options.RetentionJobs > 0)
{
    RetentionBench.Print(await RetentionBench.RunAsync(options));
    return 0;
}

if (options.Faults)
{
    FaultReport.Print(await FaultBench.RunAsync(options.FaultRows));
    return 0;
}

if (options.ListJobs > 0)
{
    ListReport.Print(await ListBench.RunAsync(options));
    return 0;
}

await using var vhost = await BenchVhost.CreateAsync(options.RabbitMq, options.ManagementOrDefault);
Console.WriteLine($"starting the service (RabbitMQ {options.RabbitMq.Host}, vhost {vhost.Name} made for this run)...");
await using var host = await BenchHost.StartAsync(options with { RabbitMq = vhost.Amqp });
await using var publisher = await RawPublisher.ConnectAsync(vhost.Amqp);

var warmUp = await Throughput.WarmUpAsync(host, publisher, options.WarmUp);
Console.WriteLine($"warm-up: {options.WarmUp} jobs end to end in {warmUp.TotalSeconds:0.00} s (the first run of a process stalls; see Throughput.WarmUpAsync)");

Responsiveness.Result? idle = null;
Throughput.Result? throughput = null;
Floor.Result? floor = null;
FloorWork? floorWork = null;
if (!options.SkipThroughput)
{
    Console.WriteLine($"idle: {Responsiveness.Jobs} creates one at a time, create -> PRE started...");
    idle = await Responsiveness.RunAsync(host, publisher);
    Console.WriteLine($"throughput: {options.Jobs} jobs due now...");
    throughput = await Throughput.RunAsync(host, publisher, options.Jobs);
    if (!options.SkipFloor)
    {
        floorWork = await FloorWork.PrepareAsync(host, throughput.JobIds);
        Console.WriteLine($"floor: {floorWork.Messages} messages, raw RabbitMQ.Client + Npgsql...");
        floor = await Floor.RunAsync(floorWork, publisher, 0);
    }
}

Lateness.Result? lateness = null;
if (!options.SkipLateness)
{
    Console.WriteLine($"lateness: {options.Scheduled} jobs due over {options.Spread.TotalSeconds:0} s...");
    lateness = await Lateness.RunAsync(host, publisher, options.Scheduled, options.Spread);
}

// After the lateness run: their updates (three times the floor's) and the vacuum after them would run into it.
var ceilings = options.Ceilings && floorWork is not null ? await Ceilings.RunAsync(floorWork, vhost.Amqp, publisher) : null;

Report.Print(options, warmUp, idle, throughput, floor, ceilings, lateness, host.Logs.Counts);
return 0;
