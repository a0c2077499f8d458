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

Console.WriteLine($"starting the service (RabbitMQ {options.RabbitMq.Host}{options.RabbitMq.AbsolutePath})...");
await using var host = await BenchHost.StartAsync(options);
await using var publisher = await RawPublisher.ConnectAsync(options.RabbitMq);

var warmUp = await Throughput.WarmUpAsync(host, publisher);
Console.WriteLine($"warm-up: {Throughput.WarmUpJobs} jobs end to end in {warmUp.TotalSeconds:0.00} s (the first run of a process stalls; see Throughput.WarmUpAsync)");
Console.WriteLine($"throughput: {options.Jobs} jobs due now...");
var throughput = await Throughput.RunAsync(host, publisher, options.Jobs);

Floor.Result? floor = null;
if (!options.SkipFloor)
{
    Console.WriteLine($"floor: {throughput.SagaMessages} messages, raw RabbitMQ.Client + Npgsql...");
    var payload = await new JobsTable(host.Database).SampleDataAsync(throughput.JobIds[0]);
    floor = await Floor.RunAsync(host.ConnectionString, publisher, throughput.JobIds, payload, throughput.SagaMessages);
}

Lateness.Result? lateness = null;
if (!options.SkipLateness)
{
    Console.WriteLine($"lateness: {options.Scheduled} jobs due over {options.Spread.TotalSeconds:0} s...");
    lateness = await Lateness.RunAsync(host, publisher, options.Scheduled, options.Spread);
}

Report.Print(options, warmUp, throughput, floor, lateness, host.Logs.Counts);
return 0;
