using System.Security.Cryptography;
using System.Text;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The users, roles and API keys the test service host is configured with. <see cref="Admin" /> holds every
/// permission everywhere; the others hold less, for the permission and scope tests. The bus commands of the
/// lifecycle tests are sent by <see cref="Ana" /> and their jobs created by <see cref="CiBot" /> (jobs of
/// <c>shop/PROD</c>), which is why those two hold what they do.
/// </summary>
public static class TestUsers
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";
    public const string ShopOperator = "shop-operator";
    public const string Ana = "ana";
    public const string CiBot = "ci-bot";
    /// <summary>Every permission, on the <c>other</c> project only: out of scope for the tests' <c>shop</c> jobs.</summary>
    public const string Outsider = "outsider";
    /// <summary>View only, in role <c>release-managers</c>: approves jobs that list <c>role:release-managers</c>.</summary>
    public const string ReleaseManager = "release-manager";
    /// <summary>A valid key and no role: signed in, allowed nothing.</summary>
    public const string Nobody = "nobody";

    /// <summary>The API key of <paramref name="user" /> (its SHA-256 is what the service is configured with).</summary>
    public static string KeyOf(string user) => $"test-key-{user}";

    public static IReadOnlyDictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>();
        Role(settings, "administrators", ["*/*"], "action.job.view_monitor", "action.job.approve_all", "action.job.restart",
            "action.job.cancel", "action.job.delete", "action.job.create");
        Role(settings, "viewers", ["*/*"], "action.job.view_monitor");
        Role(settings, "shop-operators", ["shop/*"], "action.job.view_monitor", "action.job.restart", "action.job.cancel");
        Role(settings, "pipelines", ["*/*"], "action.job.view_monitor", "action.job.create");
        // What the lifecycle tests' operator does on the bus: approve (also jobs not listing her), restart, cancel, delete.
        Role(settings, "shop-releasers", ["shop/*"], "action.job.view_monitor", "action.job.approve_all", "action.job.restart",
            "action.job.cancel", "action.job.delete");
        Role(settings, "release-managers", ["*/*"], "action.job.view_monitor");
        Role(settings, "other-administrators", ["other/*"], "action.job.view_monitor", "action.job.approve_all", "action.job.restart",
            "action.job.cancel", "action.job.delete", "action.job.create");
        User(settings, Admin, "administrators");
        User(settings, Viewer, "viewers");
        User(settings, ShopOperator, "shop-operators");
        User(settings, Ana, "viewers", "shop-releasers");
        User(settings, CiBot, "pipelines", "administrators");
        User(settings, Outsider, "other-administrators");
        User(settings, ReleaseManager, "release-managers");
        User(settings, Nobody);
        return settings;
    }

    static void Role(Dictionary<string, string> settings, string role, string[] scopes, params string[] actions)
    {
        for (var i = 0; i < actions.Length; i++)
            settings[$"Permissions:Roles:{role}:Actions:{i}"] = actions[i];
        for (var i = 0; i < scopes.Length; i++)
            settings[$"Permissions:Roles:{role}:Scopes:{i}"] = scopes[i];
    }

    static void User(Dictionary<string, string> settings, string user, params string[] roles)
    {
        for (var i = 0; i < roles.Length; i++)
            settings[$"Permissions:Users:{user}:{i}"] = roles[i];
        settings[$"Auth:ApiKeys:{user}"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KeyOf(user))));
    }
}
