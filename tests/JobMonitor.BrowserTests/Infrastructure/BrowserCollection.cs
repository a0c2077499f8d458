namespace JobMonitor.BrowserTests.Infrastructure;

/// <summary>Browser tests share one service and one chromium: <c>[Collection(BrowserCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserHost>
{
    public const string Name = "Browser";
}
