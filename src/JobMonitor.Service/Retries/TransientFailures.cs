using MassTransit;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace JobMonitor.Service.Retries;

/// <summary>
/// Failures a later attempt cures by itself: the database or the broker away, restarting or overloaded, a time-out,
/// a concurrent save of the same job. Anything else is a fault of the message or the code: retrying it is futile.
/// </summary>
public static class TransientFailures
{
    // The server shutting down or restarting (admin shutdown, crash shutdown, cannot connect now).
    static readonly HashSet<string> ServerGoingAway = ["57P01", "57P02", "57P03"];

    public static bool Are(Exception exception) =>
        Any(exception, e => IsOutage(e) || e is ConcurrencyException or RequestTimeoutException or ITransientFailure);

    /// <summary>
    /// The database or the broker cannot be reached or is restarting: what the kill switch counts. Not a concurrent
    /// save or a command waiting for its turn, which are the normal friction of a busy endpoint.
    /// </summary>
    public static bool AreOutage(Exception exception) => Any(exception, IsOutage);

    static bool Any(Exception exception, Func<Exception, bool> match)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.Any(inner => Any(inner, match));
            if (match(e))
                return true;
        }
        return false;
    }

    static bool IsOutage(Exception e) => e switch
    {
        PostgresException postgres => postgres.IsTransient || ServerGoingAway.Contains(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        ConnectionException or TransportUnavailableException or MessageNotAcknowledgedException => true,
        BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException => true,
        System.Net.Sockets.SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}

/// <summary>An exception of ours that says "not yet": the message is to be tried again later.</summary>
public interface ITransientFailure;
