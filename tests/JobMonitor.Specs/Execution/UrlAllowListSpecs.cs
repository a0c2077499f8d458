using JobMonitor.Service.Execution.Ops;

namespace JobMonitor.Specs.Execution;

public sealed class UrlAllowListSpecs
{
    static readonly UrlAllowList AllowList = new(["https://a.example", "http://b.example:8080/api/", "https://c.example/hooks"]);

    [Theory]
    [InlineData("https://a.example/")]
    [InlineData("https://a.example/anything?x=1")]
    [InlineData("https://A.EXAMPLE/x")]
    [InlineData("https://a.example:443/x")]
    [InlineData("http://b.example:8080/api/deploy")]
    [InlineData("http://b.example:8080/api")]
    [InlineData("https://c.example/hooks")]
    [InlineData("https://c.example/hooks/1")]
    public void A_url_under_an_allowed_base_is_allowed(string url) =>
        Assert.True(AllowList.Allows(new Uri(url)));

    [Theory]
    [InlineData("https://a.example.evil/")]
    [InlineData("https://evil.a.example/")]
    [InlineData("https://a.example@evil.example/")]
    [InlineData("https://user@a.example/")]
    [InlineData("http://a.example/")]
    [InlineData("https://a.example:8443/")]
    [InlineData("http://b.example/api/deploy")]
    [InlineData("http://b.example:8080/apix")]
    [InlineData("http://b.example:8080/")]
    [InlineData("https://c.example/hooks2")]
    [InlineData("https://c.example/hooks/../admin")]
    [InlineData("ftp://a.example/")]
    public void A_url_outside_every_allowed_base_is_refused(string url) =>
        Assert.False(AllowList.Allows(new Uri(url)));

    [Fact]
    public void An_empty_allow_list_allows_nothing() =>
        Assert.False(new UrlAllowList([]).Allows(new Uri("https://a.example/")));

    [Theory]
    [InlineData("a.example")]
    [InlineData("/relative")]
    [InlineData("ftp://a.example")]
    [InlineData("https://a.example/?q=1")]
    [InlineData("https://u:p@a.example/")]
    public void A_base_that_is_not_a_plain_absolute_http_url_is_refused(string baseUrl) =>
        Assert.False(UrlAllowList.TryParseBase(baseUrl, out _));
}
