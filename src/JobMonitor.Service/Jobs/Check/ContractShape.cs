using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace JobMonitor.Service.Jobs.Check;

/// <summary>
/// The strict half of the input contract (SPEC §12), judged on the JSON itself, not on what a deserialiser made of it: every
/// field must be one the contract type declares (at any depth) and hold a value of its type. A typo such as
/// <c>scheduleAt</c> is refused as <c>unknown_field</c> instead of being dropped; <c>"message": 123</c> as
/// <c>invalid_type</c> instead of failing the deserialiser. Names match as the bus and the API read them:
/// camelCase, any case.
/// </summary>
public static class ContractShape
{
    static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> Members = new();

    /// <summary>The first field of <paramref name="json" /> that <typeparamref name="T" /> does not allow, or null.</summary>
    public static Rejection? Check<T>(JsonElement json) =>
        json.ValueKind == JsonValueKind.Null ? WrongType("", typeof(T)) : Check(json, typeof(T), "");

    /// <summary>As <see cref="Check{T}" /> for a body as text; malformed JSON is <c>malformed_json</c>.</summary>
    public static Rejection? Check<T>(ReadOnlyMemory<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8);
            return Check<T>(document.RootElement);
        }
        catch (JsonException e)
        {
            return Malformed(e);
        }
    }

    public static Rejection Malformed(JsonException e) =>
        new(RejectionCodes.MalformedJson, $"the body is not valid JSON: {e.Message}", e.Path is null or "$" ? null : Field(e.Path));

    static Rejection? Check(JsonElement json, Type type, string path)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return json.ValueKind == JsonValueKind.Null ? null : Check(json, underlying, path);
        if (json.ValueKind == JsonValueKind.Null)
            return type.IsValueType ? WrongType(path, type) : null;
        if (type == typeof(string))
            return json.ValueKind == JsonValueKind.String ? null : WrongType(path, type);
        if (type == typeof(Guid))
            return json.ValueKind == JsonValueKind.String && json.TryGetGuid(out _) ? null : WrongType(path, type);
        if (type == typeof(bool))
            return json.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : WrongType(path, type);
        if (type == typeof(int))
            return json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out _) ? null : WrongType(path, type);
        if (Dictionary(type) is { } values)
            return json.ValueKind == JsonValueKind.Object ? Entries(json, values, path) : WrongType(path, type);
        if (List(type) is { } items)
            return json.ValueKind == JsonValueKind.Array ? Items(json, items, path) : WrongType(path, type);
        if (type.IsClass)
            return json.ValueKind == JsonValueKind.Object ? Object(json, type, path) : WrongType(path, type);
        throw new NotSupportedException($"{type} has no JSON shape in the contract check.");
    }

    static Rejection? Object(JsonElement json, Type type, string path)
    {
        var members = Members.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase));
        foreach (var property in json.EnumerateObject())
        {
            var field = Join(path, property.Name);
            if (!members.TryGetValue(property.Name, out var member))
                return new Rejection(RejectionCodes.UnknownField, $"{field} is not a field of {Describe(type)}.", field);
            if (Check(property.Value, member.PropertyType, field) is { } rejection)
                return rejection;
        }
        return null;
    }

    static Rejection? Items(JsonElement json, Type item, string path)
    {
        var i = 0;
        foreach (var element in json.EnumerateArray())
        {
            if (Check(element, item, $"{path}[{i++}]") is { } rejection)
                return rejection;
        }
        return null;
    }

    static Rejection? Entries(JsonElement json, Type value, string path)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (Check(property.Value, value, Join(path, property.Name)) is { } rejection)
                return rejection;
        }
        return null;
    }

    static Type? Dictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;

    static Type? List(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>))
            ? type.GetGenericArguments()[0]
            : null;

    static Rejection WrongType(string path, Type type)
    {
        var field = path.Length == 0 ? null : path;
        return new Rejection(RejectionCodes.InvalidType, $"{(field ?? "the body")} must be {Describe(type)}.", field);
    }

    static string Describe(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(Guid) ? "a GUID string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "a whole number"
        : Dictionary(type) is not null ? "an object of named values"
        : List(type) is not null ? "an array"
        : $"an object ({type.Name})";

    static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    // System.Text.Json's "$.pipeline.run[0]" → "pipeline.run[0]", the form of every other field path.
    static string Field(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
}
