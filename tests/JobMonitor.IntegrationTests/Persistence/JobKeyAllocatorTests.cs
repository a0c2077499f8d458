using JobMonitor.Service.Jobs;
using JobMonitor.Service.Persistence;
using Xunit;

namespace JobMonitor.IntegrationTests.Persistence;

public sealed class JobKeyAllocatorTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task Keys_carry_the_type_initial_the_upper_cased_environment_and_a_rising_number()
    {
        var allocator = new JobKeyAllocator(await database.DataSourceAsync());

        var first = await allocator.NextAsync(JobType.Normal, "prod", Cancellation);
        var second = await allocator.NextAsync(JobType.Urgent, "Staging", Cancellation);

        Assert.Matches(@"^N\.PROD-\d{8}$", first);
        Assert.Matches(@"^U\.STAGING-\d{8}$", second);
        Assert.True(int.Parse(second[^8..]) > int.Parse(first[^8..]));
        Assert.Equal("N.PROD-00000042", JobKeyAllocator.Format(JobType.Normal, "prod", 42));
    }

    static CancellationToken Cancellation => TestContext.Current.CancellationToken;
}
