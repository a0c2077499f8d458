using JobMonitor.Service.Jobs;
using JobMonitor.Service.Jobs.Natures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JobMonitor.Specs.Natures;

public sealed class NatureClassifierSpecs
{
    static Revision Revision(params string[] paths) => new() { Id = Guid.NewGuid().ToString("N"), Paths = paths };

    static NatureClassifier FromConfig(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddNatures();
        return services.BuildServiceProvider().GetRequiredService<NatureClassifier>();
    }

    [Fact]
    public void The_default_rules_give_distinct_sorted_natures_over_all_revisions()
    {
        var classifier = new NatureClassifier(NatureRules.Defaults);

        var natures = classifier.Classify([
            Revision("db/017.sql", "src/Cart.cs", "README.md"),
            Revision("src/Shop.csproj", "Dockerfile", "web/app.ts"),
            Revision("infra/main.tf", "deploy/k8s/web.yaml", "db/018.sql"),
        ]);

        Assert.Equal([".NET", "Docker", "JavaScript", "Kubernetes", "SQL", "Terraform"], natures);
    }

    [Fact]
    public void A_yaml_file_outside_k8s_and_helm_is_not_kubernetes() =>
        Assert.Empty(new NatureClassifier(NatureRules.Defaults).Classify([Revision(".github/workflows/ci.yml", "config.yaml")]));

    [Fact]
    public void No_revisions_have_no_natures() =>
        Assert.Empty(new NatureClassifier(NatureRules.Defaults).Classify([]));

    [Fact]
    public void Without_a_natures_section_the_defaults_apply() =>
        Assert.Equal(["SQL"], FromConfig([]).Classify([Revision("db/1.sql")]));

    [Fact]
    public void A_natures_section_replaces_the_defaults()
    {
        var classifier = FromConfig(new()
        {
            ["Jobs:Natures:0:Pattern"] = "migrations/**",
            ["Jobs:Natures:0:Nature"] = "Database",
            ["Jobs:Natures:1:pattern"] = "**/*.py",
            ["Jobs:Natures:1:nature"] = "Python",
        });

        Assert.Equal(["Database", "Python"], classifier.Classify([Revision("migrations/1.sql", "tools/x.py", "src/A.cs")]));
    }

    [Fact]
    public void A_rule_without_a_pattern_is_refused_at_start()
    {
        Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => FromConfig(new()
        {
            ["Jobs:Natures:0:Nature"] = "Database",
        }));
    }
}
