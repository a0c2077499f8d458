using Xunit;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>End-to-end tests that share one running service: <c>[Collection(ServiceHostCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class ServiceHostCollection : ICollectionFixture<ServiceHostFixture>
{
    public const string Name = "Service host";
}
