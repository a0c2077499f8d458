using Microsoft.Extensions.Options;

namespace JobMonitor.Service.Jobs.Natures;

public static class NaturesExtensions
{
    /// <summary>The rules (config <c>Jobs:Natures</c>, else the defaults) and the <see cref="NatureClassifier"/>.</summary>
    public static IServiceCollection AddNatures(this IServiceCollection services)
    {
        services.AddOptions<NatureRules>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                // Bound by hand: a list section would be appended to the defaults, and an absent one must mean them.
                var section = configuration.GetSection(NatureRules.Section);
                options.Rules = section.Exists() ? section.Get<List<NatureRule>>() ?? [] : [.. NatureRules.Defaults];
            })
            .Validate(o => o.Rules.All(r => !string.IsNullOrWhiteSpace(r.Pattern) && !string.IsNullOrWhiteSpace(r.Nature)),
                "Every Jobs:Natures entry needs a pattern and a nature")
            .ValidateOnStart();
        services.AddSingleton(sp => new NatureClassifier(sp.GetRequiredService<IOptions<NatureRules>>().Value.Rules));
        return services;
    }
}
