using System.Net;
using System.Net.Sockets;

namespace Relational.Safety;

/// <summary>Who a client is, for a rate limit: an IPv4 address, or the /64 an IPv6 address is in.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// One IPv6 host is usually given a whole /64 and can send from any address in it, so a
    /// limit per IPv6 address would not limit it at all. IPv4 addresses written as IPv6
    /// (<c>::ffff:a.b.c.d</c>, as a dual-stack socket reports them) count as the IPv4 address:
    /// their /64 would put every IPv4 client in one bucket.
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
