using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Relational.Safety;

/// <summary>
/// Kestrel's connection limits: defaults that suit a reading site, then the <c>Kestrel</c>
/// configuration section (<c>Kestrel__Limits__MaxConcurrentConnections</c>, …) over them, then a
/// ceiling below the process's open-file limit.
/// </summary>
/// <remarks>
/// The host reads only endpoints and certificates from the <c>Kestrel</c> section; limits are
/// read only when the app binds the section to <see cref="KestrelServerOptions"/> itself, as
/// Kestrel's documentation says. Each connection is a file descriptor: with more connections
/// than descriptors the runtime fails ("Out of memory.") and the process exits, so the ceiling
/// keeps room for what the process itself has open (about 340 descriptors once warm: assemblies,
/// the SQLite files, the listener). Beyond the limit Kestrel closes new connections at once and
/// keeps serving the ones it has.
/// </remarks>
internal static class ConnectionLimits
{
    public const string Section = "Kestrel";

    /// <summary>Open connections allowed when nothing is configured (and the descriptors allow it).</summary>
    public const long DefaultMaxConcurrentConnections = 5_000;

    /// <summary>Descriptors kept for the process itself when the connection ceiling is worked out.</summary>
    public const long ReservedDescriptors = 512;

    public static WebApplicationBuilder AddConnectionLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KestrelServerOptions>()
            .Configure(kestrel =>
            {
                var limits = kestrel.Limits;
                limits.MaxConcurrentConnections = DefaultMaxConcurrentConnections;
                limits.MaxConcurrentUpgradedConnections = 0;
                // A connection that sends nothing is closed after this long (Kestrel's own default
                // is 130 s, which lets idle sockets pile up).
                limits.KeepAliveTimeout = TimeSpan.FromSeconds(10);
                // Slowloris: the whole header block must arrive within this.
                limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
                limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
                limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            })
            .Bind(builder.Configuration.GetSection(Section))
            .PostConfigure(kestrel =>
            {
                if (OpenFileLimit() is { } descriptors)
                {
                    var ceiling = Math.Max(1, descriptors - ReservedDescriptors);
                    kestrel.Limits.MaxConcurrentConnections = Math.Min(kestrel.Limits.MaxConcurrentConnections ?? ceiling, ceiling);
                }
            });
        builder.Services.AddHostedService<RefusedConnectionsLog>();
        return builder;
    }

    /// <summary>The soft limit on open files (Linux), or null where it cannot be read or is unlimited.</summary>
    internal static long? OpenFileLimit(string limitsFile = "/proc/self/limits")
    {
        try
        {
            foreach (var line in File.ReadLines(limitsFile))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
