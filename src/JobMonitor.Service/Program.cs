using JobMonitor.Service;

var builder = WebApplication.CreateBuilder(args);
builder.AddJobMonitor();

var app = builder.Build();
app.MapJobMonitor();
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
