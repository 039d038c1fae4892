using Relational.Site;

namespace Relational.Tests.Site;

/// <summary><c>--healthcheck</c> asks the address the host listens on, read from the same variables, in the same order.</summary>
public sealed class HealthProbeTests
{
    [Theory]
    [InlineData("ASPNETCORE_URLS=http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("ASPNETCORE_URLS=http://+:5005", "http://127.0.0.1:5005/")]
    [InlineData("ASPNETCORE_URLS=https://*:8443;http://0.0.0.0:8081", "http://127.0.0.1:8081/")]
    [InlineData("URLS=http://[::]:9000", "http://[::1]:9000/")]
    [InlineData("DOTNET_URLS=http://localhost:5010/", "http://localhost:5010/")]
    [InlineData("ASPNETCORE_HTTP_PORTS=8080", "http://127.0.0.1:8080/")]
    [InlineData("ASPNETCORE_HTTP_PORTS=8082;8083", "http://127.0.0.1:8082/")]
    [InlineData("ASPNETCORE_URLS=http://127.0.0.1:7000 ASPNETCORE_HTTP_PORTS=8080", "http://127.0.0.1:7000/")]
    [InlineData("", "http://127.0.0.1:5000/")]
    public void The_address_comes_from_the_URLs_before_the_ports(string variables, string expected)
    {
        var set = variables.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);

        Assert.Equal(expected, HealthProbe.Address(name => set.GetValueOrDefault(name)).ToString());
    }
}
