using JobMonitor.Service.Jobs.Natures;

namespace JobMonitor.Specs.Natures;

public sealed class GlobPatternSpecs
{
    [Theory]
    [InlineData("**/*.sql", "a.sql")]
    [InlineData("**/*.sql", "db/017.sql")]
    [InlineData("**/*.sql", "db/migrations/2024/017.sql")]
    [InlineData("**/*.sql", "./db/017.sql")]
    [InlineData("**/*.sql", "/db/017.sql")]
    [InlineData("src/*.cs", "src/Cart.cs")]
    [InlineData("src/?art.cs", "src/Cart.cs")]
    [InlineData("**/docker-compose*.yml", "compose/docker-compose.prod.yml")]
    [InlineData("**/k8s/**/*.yaml", "k8s/deploy.yaml")]
    [InlineData("**/k8s/**/*.yaml", "ops/k8s/base/deploy.yaml")]
    [InlineData("db/**", "db/a/b.sql")]
    [InlineData("**/**/x", "x")]
    [InlineData("*", "Dockerfile")]
    [InlineData("a*b*c", "abbbc")]
    public void A_path_matching_the_glob_is_a_match(string pattern, string path) =>
        Assert.True(new GlobPattern(pattern).IsMatch(path));

    [Theory]
    [InlineData("**/*.sql", "db/017.SQL")]
    [InlineData("**/*.sql", "db/017.sql.bak")]
    [InlineData("src/*.cs", "src/sub/Cart.cs")]
    [InlineData("*.cs", "src/Cart.cs")]
    [InlineData("src/?art.cs", "src/Smart.cs")]
    [InlineData("**/Dockerfile", "dockerfile")]
    [InlineData("**/k8s/**/*.yaml", "k8sx/deploy.yaml")]
    [InlineData("**/k8s/**/*.yaml", "deploy.yaml")]
    [InlineData("db/**", "dbx/a.sql")]
    [InlineData("a*b*c", "abbbcd")]
    public void A_path_not_matching_the_glob_is_no_match(string pattern, string path) =>
        Assert.False(new GlobPattern(pattern).IsMatch(path));

    [Fact]
    public void Double_star_before_a_name_matches_zero_directories() =>
        Assert.True(new GlobPattern("**/Dockerfile").IsMatch("Dockerfile"));
}
