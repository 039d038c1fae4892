// Measures progress writes per second over HTTP: N opted-in readers open parts as fast as they
// can for a few seconds; every part opened is one write transaction (started, previous finished,
// last activity). Usage: dotnet run progress-writes.cs -- <base-url> [readers] [seconds]
using System.Diagnostics;

var baseUrl = new Uri(args.Length > 0 ? args[0] : "http://127.0.0.1:5101");
var readers = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 16;
var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
const string Article = "healing-trauma-in-relationship";
string[] parts =
[
    "before-we-begin", "trauma-was-formed-in-relationship", "why-self-work-alone-often-isnt-enough",
    "healing-requires-a-different-relational-experience", "why-therapy-can-feel-so-vulnerable",
    "safety-is-built-not-assumed", "what-changes-when-healing-happens-in-relationship",
    "you-were-never-meant-to-do-this-alone", "relationship-as-medicine", "a-gentle-invitation",
];

var clients = new List<HttpClient>();
for (var i = 0; i < readers; i++)
{
    var client = new HttpClient(new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
    using var optIn = new HttpRequestMessage(HttpMethod.Post, "/progress/remember")
    {
        Content = new FormUrlEncodedContent([new("article", Article)]),
    };
    optIn.Headers.Add("Sec-Fetch-Site", "same-origin");
    using var response = await client.SendAsync(optIn);
    if ((int)response.StatusCode != 303 || !response.Headers.Contains("Set-Cookie"))
    {
        Console.Error.WriteLine($"opt-in failed: {(int)response.StatusCode}");
        return 1;
    }

    clients.Add(client);
}

var stop = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
var counts = await Task.WhenAll(clients.Select(async (client, n) =>
{
    var done = 0;
    while (stop.Elapsed < deadline)
    {
        using var page = await client.GetAsync($"/{Article}/{parts[(done + n) % parts.Length]}");
        page.EnsureSuccessStatusCode();
        done++;
    }

    return done;
}));
var elapsed = stop.Elapsed.TotalSeconds;
var total = counts.Sum();
Console.WriteLine($"{readers} readers, {elapsed:0.0} s: {total} part pages opened with a progress write, {total / elapsed:0} writes/s");
return 0;
