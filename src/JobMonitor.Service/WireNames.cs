using System.Reflection;
using System.Text.Json.Serialization;

namespace JobMonitor.Service;

/// <summary>
/// The names a vocabulary enum carries on the wire, in the database and in the job document: its members'
/// <see cref="JsonStringEnumMemberNameAttribute"/>, so that each name is written once.
/// </summary>
public static class WireNames
{
    public static string Of<T>(T value) where T : struct, Enum => Names<T>.ByValue[value];

    public static bool TryParse<T>(string name, out T value) where T : struct, Enum => Names<T>.ByName.TryGetValue(name, out value);

    static class Names<T> where T : struct, Enum
    {
        internal static readonly Dictionary<T, string> ByValue = Enum.GetValues<T>().ToDictionary(value => value,
            value => typeof(T).GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? throw new InvalidOperationException($"{typeof(T).Name}.{value} has no wire name"));

        internal static readonly Dictionary<string, T> ByName = ByValue.ToDictionary(pair => pair.Value, pair => pair.Key);
    }
}
