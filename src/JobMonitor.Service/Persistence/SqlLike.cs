using System.Text;

namespace JobMonitor.Service.Persistence;

/// <summary>SQL LIKE patterns with <c>\</c> as the escape character.</summary>
public static class SqlLike
{
    /// <summary><paramref name="text" /> matched literally: <c>%</c>, <c>_</c> and <c>\</c> escaped.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '%' or '_' or '\\')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
