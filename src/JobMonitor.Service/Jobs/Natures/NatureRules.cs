namespace JobMonitor.Service.Jobs.Natures;

/// <summary>
/// Config <c>Jobs:Natures</c>: a list of <c>{ "pattern": "**/*.sql", "nature": "SQL" }</c>. A changed path matching a
/// pattern gives the job that nature. Without the section, <see cref="Defaults"/> apply; with it, only its rules.
/// </summary>
public sealed class NatureRules
{
    public const string Section = "Jobs:Natures";

    public List<NatureRule> Rules { get; set; } = [];

    public static IReadOnlyList<NatureRule> Defaults { get; } =
    [
        new("**/*.sql", "SQL"),
        new("**/*.cs", ".NET"),
        new("**/*.csproj", ".NET"),
        new("**/Dockerfile", "Docker"),
        new("**/*.dockerfile", "Docker"),
        new("**/docker-compose*.yml", "Docker"),
        new("**/*.js", "JavaScript"),
        new("**/*.ts", "JavaScript"),
        new("**/*.tf", "Terraform"),
        new("**/k8s/**/*.yaml", "Kubernetes"),
        new("**/k8s/**/*.yml", "Kubernetes"),
        new("**/helm/**/*.yaml", "Kubernetes"),
        new("**/helm/**/*.yml", "Kubernetes"),
    ];
}

public sealed record NatureRule(string Pattern, string Nature)
{
    /// <summary>For the configuration binder.</summary>
    public NatureRule() : this("", "")
    {
    }
}
