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

    public static bool Are(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException aggregate)
                return aggregate.InnerExceptions.Any(Are);
            if (IsTransient(e))
                return true;
        }
        return false;
    }

    static bool IsTransient(Exception e) => e switch
    {
        PostgresException postgres => postgres.IsTransient || ServerGoingAway.Contains(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        ConcurrencyException or RequestTimeoutException or TimeoutException => true,
        ConnectionException or TransportUnavailableException or MessageNotAcknowledgedException => true,
        BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException => true,
        System.Net.Sockets.SocketException or IOException => true,
        _ => e is ITransientFailure,
    };
}

/// <summary>An exception of ours that says "not yet": the message is to be tried again later.</summary>
public interface ITransientFailure;
