namespace JobMonitor.Service.Contract;

public static class AsyncApiEndpoint
{
    public const string Path = "/asyncapi.json";

    /// <summary>Behind the fallback policy like the OpenAPI document: the contract is for those let in.</summary>
    public static void MapAsyncApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (AsyncApiDocument document) => TypedResults.Text(document.Json, "application/json"))
            .ExcludeFromDescription();
}
