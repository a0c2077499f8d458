namespace JobMonitor.CliTests.Infrastructure;

/// <summary>The tool's tests share one running service: <c>[Collection(CliCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliHost>
{
    public const string Name = "Command-line tool";
}
