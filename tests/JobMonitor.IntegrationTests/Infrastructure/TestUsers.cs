using System.Security.Cryptography;
using System.Text;

namespace JobMonitor.IntegrationTests.Infrastructure;

/// <summary>
/// The users, roles and API keys the test service host is configured with. <see cref="Admin" /> holds every
/// permission everywhere; the others hold less, for the permission and scope tests.
/// </summary>
public static class TestUsers
{
    public const string Admin = "admin";
    public const string Viewer = "viewer";
    public const string ShopOperator = "shop-operator";
    public const string Ana = "ana";
    public const string CiBot = "ci-bot";

    /// <summary>Signed in, but no role: sees no job.</summary>
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
        User(settings, Admin, "administrators");
        User(settings, Viewer, "viewers");
        User(settings, ShopOperator, "shop-operators");
        User(settings, Ana, "viewers");
        User(settings, CiBot, "pipelines", "administrators");
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
