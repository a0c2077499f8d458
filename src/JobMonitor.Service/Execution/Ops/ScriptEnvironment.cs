using System.Text.RegularExpressions;

namespace JobMonitor.Service.Execution.Ops;

/// <summary>
/// What a script's environment may hold. A script starts from nothing: the fixed base (PATH, HOME, LANG from
/// configuration), the script's configured variables, the job's identity as <c>JOBMONITOR_*</c>, and those of the
/// job's <c>env</c> that the script allows. Variables that change how a loader, shell or interpreter starts can never
/// come from a job, whatever the configuration says: they turn an argument into code.
/// </summary>
public static partial class ScriptEnvironment
{
    /// <summary>Prefix of the variables the service sets itself; a job cannot set or shadow them.</summary>
    public const string IdentityPrefix = "JOBMONITOR_";

    static readonly string[] DeniedNames =
    [
        "PATH", "HOME", "SHELL", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS1", "PS2", "PS3", "PS4", "IFS",
        "PROMPT_COMMAND", "CDPATH", "GLOBIGNORE", "ZDOTDIR", "TMPDIR", "GCONV_PATH", "GETCONF_DIR", "HOSTALIASES",
        "LOCPATH", "NLSPATH", "RESOLV_HOST_CONF", "GLIBC_TUNABLES", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS", "CLASSPATH", "PHPRC", "PHP_INI_SCAN_DIR", "TCLLIBPATH", "TERMINFO", "EDITOR", "VISUAL",
        "PAGER", "SSH_ASKPASS", "SUDO_ASKPASS", "GIT_ASKPASS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_EXEC_PATH",
        "GIT_TEMPLATE_DIR", "OPENSSL_CONF", "OPENSSL_ENGINES", "CURL_HOME", "WGETRC", "INPUTRC", "MAIL", "MAILPATH",
    ];

    static readonly string[] DeniedPrefixes =
    [
        "LD_", "DYLD_", "BASH_FUNC_", "MALLOC_", "PYTHON", "PERL", "RUBY", "GEM_", "NODE_", "NPM_CONFIG_", "LUA_",
        "DOTNET_", "COMPLUS_", "CORECLR_", "GIT_CONFIG", IdentityPrefix,
    ];

    /// <summary>True when no configuration can let a job set <paramref name="name"/>.</summary>
    public static bool IsDenied(string name) =>
        DeniedNames.Contains(name, StringComparer.OrdinalIgnoreCase)
        || DeniedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase))
        || !NamePattern().IsMatch(name);

    /// <summary>True when the script's <c>AllowedEnv</c> names <paramref name="name"/>, or a prefix of it (<c>DEPLOY_*</c>).</summary>
    public static bool IsAllowed(ScriptOptions script, string name) =>
        !IsDenied(name) && script.AllowedEnv.Any(allowed => allowed.EndsWith('*')
            ? name.StartsWith(allowed[..^1], StringComparison.Ordinal)
            : string.Equals(allowed, name, StringComparison.Ordinal));

    /// <summary>
    /// The whole environment of one run. A job variable the script does not allow fails the op: CHECK refuses it, so
    /// this only happens when the configuration changed after the job was created, and dropping it silently would run
    /// the script with less than it was given.
    /// </summary>
    public static Dictionary<string, string> For(
        ScriptOptions script, ScriptBaseEnvironment baseEnvironment, IReadOnlyDictionary<string, string>? jobEnv, ScriptIdentity identity)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = baseEnvironment.Path,
            ["HOME"] = baseEnvironment.Home,
            ["LANG"] = baseEnvironment.Lang,
        };
        foreach (var (name, value) in script.Environment)
            environment[name] = value;
        foreach (var (name, value) in jobEnv ?? new Dictionary<string, string>())
        {
            if (!IsAllowed(script, name))
                throw new OpFailedException($"env variable '{name}' is not allowed for this script (Execution:Scripts:<name>:AllowedEnv)");
            environment[name] = value;
        }
        foreach (var (name, value) in identity.Variables())
            environment[name] = value;
        return environment;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}

/// <summary>Who a script runs for, given to it as <c>JOBMONITOR_*</c> variables.</summary>
public sealed record ScriptIdentity(Guid JobId, string JobKey, string? Project, string? Environment, string Step, int Exec, string Op)
{
    public IEnumerable<KeyValuePair<string, string>> Variables()
    {
        yield return new($"{ScriptEnvironment.IdentityPrefix}JOB_ID", JobId.ToString());
        yield return new($"{ScriptEnvironment.IdentityPrefix}JOB_KEY", JobKey);
        yield return new($"{ScriptEnvironment.IdentityPrefix}PROJECT", Project ?? "");
        yield return new($"{ScriptEnvironment.IdentityPrefix}ENVIRONMENT", Environment ?? "");
        yield return new($"{ScriptEnvironment.IdentityPrefix}STEP", Step);
        yield return new($"{ScriptEnvironment.IdentityPrefix}EXEC", Exec.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new($"{ScriptEnvironment.IdentityPrefix}OP", Op);
    }
}
