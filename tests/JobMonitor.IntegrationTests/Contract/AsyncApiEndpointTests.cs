using System.Net;
using JobMonitor.IntegrationTests.Infrastructure;
using JobMonitor.Service.Contract;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace JobMonitor.IntegrationTests.Contract;

/// <summary>GET /asyncapi.json: docs/asyncapi.json as the running service serves it, to signed-in callers only.</summary>
[Collection(ServiceHostCollection.Name)]
public sealed class AsyncApiEndpointTests(ServiceHostFixture host)
{
    static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_document_needs_a_signed_in_caller()
    {
        using var anonymous = host.ClientFor(null);

        using var response = await anonymous.GetAsync(new Uri(AsyncApiEndpoint.Path, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_served_document_is_docs_asyncapi_json()
    {
        // The file is copied beside the tests by the project file.
        var published = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "asyncapi.json"), Cancel);

        using var response = await host.Client.GetAsync(new Uri(AsyncApiEndpoint.Path, UriKind.Relative), Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(published == await response.Content.ReadAsStringAsync(Cancel),
            "GET /asyncapi.json differs from docs/asyncapi.json (see AsyncApiDocumentSpecs to rewrite the file).");
    }

    [Fact]
    public async Task Every_exchange_the_document_says_the_service_consumes_exists_on_the_broker()
    {
        var factory = new ConnectionFactory { Uri = host.Broker };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        var missing = new List<string>();

        foreach (var message in ContractMessages.All.Where(m => m.Received))
        {
            // A passive declaration fails, and closes its channel, when the exchange does not exist.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancel);
            try
            {
                await channel.ExchangeDeclarePassiveAsync(message.Address, Cancel);
            }
            catch (OperationInterruptedException)
            {
                missing.Add(message.Address);
            }
        }

        Assert.Empty(missing);
    }
}
