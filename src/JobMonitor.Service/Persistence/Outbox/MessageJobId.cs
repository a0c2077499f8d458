using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace JobMonitor.Service.Persistence.Outbox;

/// <summary>The job a message is about: its <c>JobId</c> property, which every job message has; null for others.</summary>
public static class MessageJobId
{
    static readonly ConcurrentDictionary<Type, Func<object, Guid?>?> Readers = new();

    public static Guid? Of(object message) =>
        Readers.GetOrAdd(message.GetType(), Reader) is { } read ? read(message) : null;

    static Func<object, Guid?>? Reader(Type type)
    {
        if (type.GetProperty("JobId", BindingFlags.Public | BindingFlags.Instance) is not { } property
            || (property.PropertyType != typeof(Guid) && property.PropertyType != typeof(Guid?)))
            return null;
        var message = Expression.Parameter(typeof(object));
        var value = Expression.Property(Expression.Convert(message, type), property);
        return Expression.Lambda<Func<object, Guid?>>(Expression.Convert(value, typeof(Guid?)), message).Compile();
    }
}
