using System.Text;

namespace Relational.Tests.Safety;

/// <summary>How the site should answer a hostile request.</summary>
public enum Answer
{
    /// <summary>The site's calm status page, with its headers.</summary>
    CalmPage,

    /// <summary>The ordinary page or file: the hostile part is simply ignored.</summary>
    Ordinary,

    /// <summary>
    /// Kestrel's own refusal, before the site sees the request (it cannot even be parsed): an
    /// empty body and the connection closed.
    /// </summary>
    Bare,
}

public sealed record HostileRequest(string Name, string Raw, int Status, Answer Answer)
{
    public override string ToString() => Name;
}

/// <summary>
/// The table of hostile requests. Each names what it tries, the request exactly as sent
/// (<c>{host}</c> is the live site's address) and the answer that is right for it. Every payload
/// that could be echoed carries the word "hostile", which must never come back.
/// </summary>
public static class HostileRequests
{
    public const string FormPath = "/progress/finished";
    private const string Form = "application/x-www-form-urlencoded";
    private const string SameSite = "Sec-Fetch-Site: same-origin";
    private static readonly string Part = Series.PartUrl(6);
    private const string Cover = Series.Url;
    private const string ForgedId = "0123456789abcdef0123456789abcdef";
    private const string ForgedToken = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    public static IReadOnlyList<HostileRequest> All { get; } = Build();

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var request in All)
        {
            data.Add(request.Name);
        }

        return data;
    }

    public static HostileRequest Named(string name) => All.Single(r => r.Name == name);

    private static List<HostileRequest> Build()
    {
        var longSegment = new string('a', 2000);
        var list = new List<HostileRequest>
        {
            // Odd and overlong paths
            Get("path: overlong (2,000 characters)", "/" + longSegment, 414, Answer.CalmPage),
            Get("path: overlong beyond the request line limit (10,000)", "/" + new string('a', 10_000), 414, Answer.Bare),
            Get("query: overlong (2,000 characters)", "/?q=" + longSegment, 414, Answer.CalmPage),
            Get("query: markup", "/?q=%3Cscript%3Ehostile()%3C/script%3E", 200, Answer.Ordinary),
            Get("query: raw markup characters", "/?q=<b>hostile</b>", 200, Answer.Ordinary),
            Get("path: encoded markup", "/%3Cscript%3Ehostile%3C%2Fscript%3E", 404, Answer.CalmPage),
            Get("path: encoded markup as a part", Cover + "/%3Cimg%20src%3Dx%20onerror%3Dhostile%3E", 404, Answer.CalmPage),
            Get("path: raw markup characters", "/<hostile>", 404, Answer.CalmPage),
            Get("path: unknown part", Cover + "/hostile-part", 404, Answer.CalmPage),
            Get("path: unknown article", "/hostile-article", 404, Answer.CalmPage),
            Get("path: extra segment after a part", Part + "/hostile", 404, Answer.CalmPage),
            // Another case of a real page's address is that page: 301 to its one address.
            Get("path: upper case article", "/HEALING-TRAUMA-IN-RELATIONSHIP", 301, Answer.Ordinary),
            Get("path: upper case unknown article", "/HOSTILE-ARTICLE", 404, Answer.CalmPage),
            Get("path: doubled slash", "//healing-trauma-in-relationship", 404, Answer.CalmPage),
            Get("path: trailing dot segment", Cover + "/.", 301, Answer.Ordinary),
            Get("path: matrix parameter", Cover + ";jsessionid=hostile", 404, Answer.CalmPage),
            Get("path: unicode", "/h%C3%A9llo-hostile", 404, Answer.CalmPage),
            Get("path: encoded CRLF header injection", "/%0d%0aSet-Cookie:%20hostile=1", 404, Answer.CalmPage),
            Get("path: encoded null", "/a%00hostile", 400, Answer.Bare),
            Get("path: status page asked for directly", "/status/500", 404, Answer.CalmPage),
            Get("path: status page with a huge code", "/status/99999999999", 404, Answer.CalmPage),
            Get("path: status page with a word", "/status/hostile", 404, Answer.CalmPage),
            Get("path: asterisk", "/*", 404, Answer.CalmPage),
            Get("path: semicolons and commas", "/;,;,hostile", 404, Answer.CalmPage),

            // Traversal and encodings
            Get("traversal: raw dot-dot", "/../../etc/passwd", 404, Answer.CalmPage),
            Get("traversal: encoded dot-dot", "/%2e%2e/%2e%2e/etc/passwd", 404, Answer.CalmPage),
            Get("traversal: encoded slashes", "/..%2f..%2fetc%2fpasswd", 404, Answer.CalmPage),
            Get("traversal: double encoding", "/%252e%252e/%252e%252e/etc/passwd", 404, Answer.CalmPage),
            Get("traversal: overlong UTF-8 dots", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 404, Answer.CalmPage),
            Get("traversal: overlong UTF-8 slash", "/..%c0%af..%c0%afetc%c0%afpasswd", 404, Answer.CalmPage),
            Get("traversal: invalid UTF-8", "/%ff%fe%fd", 404, Answer.CalmPage),
            Get("traversal: IIS unicode escape", "/%u002e%u002e/%u002e%u002e/etc/passwd", 404, Answer.CalmPage),
            Get("traversal: raw backslashes", "/..\\..\\windows\\win.ini", 404, Answer.CalmPage),
            Get("traversal: encoded backslashes", "/..%5c..%5cwindows%5cwin.ini", 404, Answer.CalmPage),
            Get("traversal: out of the static folder", "/css/..%2f..%2fappsettings.json", 404, Answer.CalmPage),
            Get("traversal: dot-dot into the static folder", "/css/../../appsettings.json", 404, Answer.CalmPage),
            Get("secrets: app settings", "/appsettings.json", 404, Answer.CalmPage),
            Get("secrets: the site's own assembly", "/Relational.Web.dll", 404, Answer.CalmPage),
            Get("secrets: web.config", "/web.config", 404, Answer.CalmPage),
            Get("secrets: .env", "/.env", 404, Answer.CalmPage),
            Get("secrets: git config", "/.git/config", 404, Answer.CalmPage),
            Get("secrets: the layout's source", "/Shared/_Layout.cshtml", 404, Answer.CalmPage),
            Get("secrets: a page's source", "/Reading/Part.cshtml", 404, Answer.CalmPage),
            Get("secrets: wwwroot by name", "/wwwroot/css/site.css", 404, Answer.CalmPage),
            Get("secrets: the progress database", "/progress.db", 404, Answer.CalmPage),

            // Bad and huge cookies
            Get("cookie: forged reader id", Part, 200, Answer.Ordinary, $"Cookie: relational-reader={ForgedId}"),
            Get("cookie: forged reader id on the contents", Cover, 200, Answer.Ordinary, $"Cookie: relational-reader={ForgedId}"),
            Get("cookie: reader id with markup", Part, 200, Answer.Ordinary, "Cookie: relational-reader=<script>hostile</script>"),
            Get("cookie: reader id with SQL", Part, 200, Answer.Ordinary, "Cookie: relational-reader=' OR 1=1;--hostile"),
            Get("cookie: reader id with encoded nulls", Part, 200, Answer.Ordinary, "Cookie: relational-reader=%00%00hostile"),
            Get("cookie: empty reader id", Part, 200, Answer.Ordinary, "Cookie: relational-reader="),
            Get("cookie: reader id of 4,000 characters", Part, 200, Answer.Ordinary, "Cookie: relational-reader=" + new string('A', 4000)),
            Get("cookie: reader id twice", Part, 200, Answer.Ordinary, $"Cookie: relational-reader={ForgedId}; relational-reader=hostile"),
            Get("cookie: reader id as unicode", Part, 200, Answer.Ordinary, "Cookie: relational-reader=%E2%9C%93hostile"),
            Get("cookie: malformed pairs", Part, 200, Answer.Ordinary, "Cookie: ;;;=;=hostile;;relational-reader"),
            Get("cookie: 200 cookies", Part, 200, Answer.Ordinary, "Cookie: " + string.Join("; ", Enumerable.Range(0, 200).Select(i => $"c{i}=hostile"))),
            Get("cookie: 14 KB in one header", Part, 200, Answer.Ordinary, "Cookie: big=" + new string('x', 14 * 1024)),
            Get("cookie: 20 KB in one header", Part, 431, Answer.Bare, "Cookie: big=" + new string('x', 20 * 1024)),
            Get("cookie: forged antiforgery cookie", Part, 200, Answer.Ordinary, "Cookie: .AspNetCore.Antiforgery.hostile=hostile"),
            Get("cookie: forged reader id on the progress page", "/progress", 200, Answer.Ordinary, $"Cookie: relational-reader={ForgedId}"),

            // Forged resume tokens
            // A well-formed token gets the same page as a live one (it is not looked up); a token no
            // link could have says at once that the link does not work.
            Get("resume: forged token", "/progress/resume/" + ForgedToken, 200, Answer.Ordinary),
            Get("resume: short token", "/progress/resume/hostile", 404, Answer.CalmPage),
            Get("resume: empty token", "/progress/resume/", 404, Answer.CalmPage),
            Get("resume: token with markup", "/progress/resume/%3Cscript%3Ehostile%3C%2Fscript%3E", 404, Answer.CalmPage),
            Get("resume: token with SQL", "/progress/resume/'%20OR%201=1--hostile", 404, Answer.CalmPage),
            Get("resume: token with traversal", "/progress/resume/..%2f..%2fhostile", 404, Answer.CalmPage),
            Get("resume: token of 900 characters", "/progress/resume/" + new string('A', 900), 404, Answer.CalmPage),
            Get("resume: token with a null", "/progress/resume/hostile%00", 400, Answer.Bare),
            Get("resume: token with unicode", "/progress/resume/%E2%9C%93hostile", 404, Answer.CalmPage),
            Send("resume: forged token posted", "POST", "/progress/resume/" + ForgedToken, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "confirm=hostile"),
            Send("resume: forged token posted, no fields", "POST", "/progress/resume/" + ForgedToken, 404, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], ""),

            // Form bodies
            Send("form: 5 KB body", "POST", FormPath, 413, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=" + new string('x', 5 * 1024)),
            Send("form: declared length of a terabyte", "POST", FormPath, 413, Answer.CalmPage, [$"Content-Type: {Form}", "Content-Length: 1099511627776", SameSite], ""),
            Send("form: 10 KB chunked body", "POST", FormPath, 413, Answer.CalmPage, [$"Content-Type: {Form}", "Transfer-Encoding: chunked", SameSite], Chunked("a=" + new string('x', 10 * 1024))),
            Send("form: JSON", "POST", FormPath, 415, Answer.CalmPage, ["Content-Type: application/json", SameSite], "{\"hostile\":true}"),
            Send("form: XML", "POST", FormPath, 415, Answer.CalmPage, ["Content-Type: application/xml", SameSite], "<hostile/>"),
            Send("form: plain text", "POST", FormPath, 415, Answer.CalmPage, ["Content-Type: text/plain", SameSite], "hostile"),
            Send("form: no content type", "POST", FormPath, 415, Answer.CalmPage, [SameSite], "a=hostile"),
            Send("form: content type with markup", "POST", FormPath, 415, Answer.CalmPage, ["Content-Type: <hostile>", SameSite], "a=1"),
            Send("form: multipart without a boundary", "POST", FormPath, 400, Answer.CalmPage, ["Content-Type: multipart/form-data", SameSite], "--x\r\nhostile"),
            Send("form: multipart cut short", "POST", FormPath, 400, Answer.CalmPage, ["Content-Type: multipart/form-data; boundary=x", SameSite], "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhostile"),
            Send("form: broken percent escapes", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "%%%&&==%zz=hostile"),
            Send("form: 200 fields", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], string.Join("&", Enumerable.Range(0, 200).Select(i => $"f{i}=1"))),
            Send("form: field name of 1,000 characters", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], new string('k', 1000) + "=hostile"),
            Send("form: markup in fields", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "part=%3Cscript%3Ehostile%3C%2Fscript%3E"),
            Send("form: forged antiforgery token", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "__RequestVerificationToken=hostile"),
            Send("form: forged reader cookie", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", $"Cookie: relational-reader={ForgedId}", SameSite], "a=hostile"),
            Send("form: from another site (Sec-Fetch-Site)", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Sec-Fetch-Site: cross-site"], "a=hostile"),
            Send("form: from a sibling site (Sec-Fetch-Site)", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Sec-Fetch-Site: same-site"], "a=hostile"),
            Send("form: from another origin (Origin)", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Origin: https://hostile.example"], "a=hostile"),
            Send("form: from an opaque origin", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Origin: null"], "a=hostile"),
            Send("form: with no sign of where it came from", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}"], "a=hostile"),
            // Text browsers (lynx, w3m) send only a Referer: this site's own is let through to the
            // form (which then refuses the unknown field), any other is not.
            Send("form: Referer of this site alone (a text browser)", "POST", FormPath, 400, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: http://{host}" + Part], "a=hostile"),
            Send("form: Referer of another site", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: https://hostile.example" + Part], "a=hostile"),
            Send("form: Referer of a look-alike host", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: http://{host}.hostile.example/"], "a=hostile"),
            Send("form: Referer with this host as user name", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: http://{host}@hostile.example/"], "a=hostile"),
            Send("form: Referer of this host in another scheme", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: ftp://{host}/hostile"], "a=hostile"),
            Send("form: Referer that is not an address", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Referer: hostile"], "a=hostile"),
            Send("form: Referer of this site under a foreign Origin", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Origin: https://hostile.example", "Referer: http://{host}/"], "a=hostile"),
            Send("form: Referer of this site under cross-site Sec-Fetch-Site", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Sec-Fetch-Site: cross-site", "Referer: http://{host}/"], "a=hostile"),
            Send("form: Referer of this site under an opaque origin", "POST", FormPath, 403, Answer.CalmPage, [$"Content-Type: {Form}", "Origin: null", "Referer: http://{host}/"], "a=hostile"),
            Send("form: posted to a part", "POST", Part, 405, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=hostile"),
            Send("form: posted to the home page", "POST", "/", 405, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=hostile"),
            Send("form: posted to a static file", "POST", "/favicon.svg", 405, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=hostile"),
            Send("form: posted to health", "POST", "/healthz", 405, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=hostile"),
            Send("form: posted to the status page", "POST", "/status/404", 405, Answer.CalmPage, [$"Content-Type: {Form}", SameSite], "a=hostile"),

            // Unexpected methods
            Send("method: PUT", "PUT", Part, 405, Answer.CalmPage, ["Content-Type: text/plain"], "hostile"),
            Send("method: DELETE", "DELETE", Part, 405, Answer.CalmPage, [], null),
            Send("method: PATCH", "PATCH", Part, 405, Answer.CalmPage, ["Content-Type: text/plain"], "hostile"),
            Send("method: TRACE", "TRACE", "/", 405, Answer.CalmPage, ["X-Hostile: <hostile>"], null),
            Send("method: OPTIONS", "OPTIONS", "/", 405, Answer.CalmPage, ["Origin: https://hostile.example", "Access-Control-Request-Method: POST"], null),
            Send("method: PROPFIND", "PROPFIND", "/", 405, Answer.CalmPage, [], null),
            Send("method: made up", "HOSTILE", "/", 405, Answer.CalmPage, [], null),
            Send("method: PUT to progress", "PUT", FormPath, 405, Answer.CalmPage, ["Content-Type: text/plain"], "hostile"),
            Send("method: DELETE a resume link", "DELETE", "/progress/resume/" + ForgedToken, 405, Answer.CalmPage, [], null),
            Send("method: PUT a static file", "PUT", "/favicon.svg", 405, Answer.CalmPage, ["Content-Type: image/svg+xml"], "<svg>hostile</svg>"),
            Raw("method: OPTIONS asterisk", "OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 405, Answer.CalmPage),
            Raw("method: CONNECT", "CONNECT hostile.example:443 HTTP/1.1\r\nHost: hostile.example:443\r\nConnection: close\r\n\r\n", 400, Answer.CalmPage),
            Send("method: lower case get is read as GET", "get", "/", 200, Answer.Ordinary, [], null),

            // Conditional and range headers
            Get("conditional: If-None-Match garbage on a page", Part, 200, Answer.Ordinary, "If-None-Match: hostile\"garbage"),
            Get("conditional: If-None-Match garbage on a file", "/favicon.svg", 200, Answer.Ordinary, "If-None-Match: <hostile>"),
            Get("conditional: If-None-Match of 8 KB", "/favicon.svg", 200, Answer.Ordinary, "If-None-Match: \"" + new string('h', 8 * 1024) + "\""),
            Get("conditional: If-Modified-Since garbage", "/favicon.svg", 200, Answer.Ordinary, "If-Modified-Since: hostile"),
            Get("conditional: If-Modified-Since in year 9999", "/favicon.svg", 200, Answer.Ordinary, "If-Modified-Since: Fri, 31 Dec 9999 23:59:59 GMT"),
            Get("conditional: If-Unmodified-Since garbage", "/favicon.svg", 200, Answer.Ordinary, "If-Unmodified-Since: hostile"),
            Get("conditional: If-Match that cannot match", "/favicon.svg", 412, Answer.CalmPage, "If-Match: \"hostile\""),
            Get("conditional: If-Range garbage", "/favicon.svg", 206, Answer.Ordinary, "If-Range: hostile", "Range: bytes=0-1"), // the framework serves the range anyway: harmless, the bytes are the file's own
            Get("range: beyond the end", "/favicon.svg", 416, Answer.CalmPage, "Range: bytes=9999999-"),
            Get("range: garbage", "/favicon.svg", 200, Answer.Ordinary, "Range: hostile"),
            Get("range: huge negative suffix", "/favicon.svg", 200, Answer.Ordinary, "Range: bytes=-99999999999999999999"), // an unreadable range is ignored
            Get("range: reversed", "/favicon.svg", 200, Answer.Ordinary, "Range: bytes=50-10"),
            Get("range: 500 ranges", "/favicon.svg", 200, Answer.Ordinary, "Range: bytes=" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"{i}-{i}"))),
            Get("range: on a page", Part, 200, Answer.Ordinary, "Range: bytes=0-10"),

            // Hosts
            Get("host: foreign", "/", 400, Answer.CalmPage, "Host: hostile.example"),
            Get("host: foreign with our port", "/", 400, Answer.CalmPage, "Host: hostile.example:{port}"),
            Get("host: ours as a subdomain of a foreign one", "/", 400, Answer.CalmPage, "Host: 127.0.0.1.hostile.example"),
            Get("host: foreign on a part", Part, 400, Answer.CalmPage, "Host: hostile.example"),
            Get("host: with user info", "/", 400, Answer.Bare, "Host: localhost@hostile.example"),
            Get("host: with markup", "/", 400, Answer.Bare, "Host: <hostile>"),
            Get("host: twice", "/", 400, Answer.Bare, "Host: {host}", "Host: hostile.example"),
            Raw("host: missing in HTTP/1.1", "GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            // Pages build their links from the Host: without one, or with one no URL can hold, no page runs.
            Raw("host: missing in HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", 400, Answer.CalmPage),
            Raw("host: missing in HTTP/1.0 on the cover", $"GET {Cover} HTTP/1.0\r\n\r\n", 400, Answer.CalmPage),
            Raw("host: missing in HTTP/1.0 on a part", $"GET {Part} HTTP/1.0\r\n\r\n", 400, Answer.CalmPage),
            Raw("host: missing in HTTP/1.0 on the whole article", $"GET {Cover}/all HTTP/1.0\r\n\r\n", 400, Answer.CalmPage),
            Get("host: port beyond 65535 on the cover", Cover, 400, Answer.CalmPage, "Host: 127.0.0.1:99999"),
            Get("host: port beyond 65535 on a part", Part, 400, Answer.CalmPage, "Host: 127.0.0.1:99999"),
            Get("host: port beyond 65535 on the whole article", Cover + "/all", 400, Answer.CalmPage, "Host: 127.0.0.1:99999"),
            Raw("host: port beyond 65535 in HTTP/1.0", $"GET {Part} HTTP/1.0\r\nHost: 127.0.0.1:99999\r\n\r\n", 400, Answer.CalmPage),
            Raw("host: absolute request target naming another host", "GET http://hostile.example/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Get("host: X-Forwarded-Host is not trusted", Part, 200, Answer.Ordinary, "X-Forwarded-Host: hostile.example", "X-Forwarded-Proto: https"),

            // Malformed requests that only a raw socket sends
            Raw("malformed: garbage request line", "HOSTILE\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: no version", "GET /\r\nHost: {host}\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: target without a slash", "GET hostile HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 405, Answer.Bare),
            Raw("malformed: tab in the request line", "GET\t/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: header without a colon", "GET / HTTP/1.1\r\nHost: {host}\r\nhostile\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: space before the colon", "GET / HTTP/1.1\r\nHost: {host}\r\nX-Hostile : 1\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: folded header line", "GET / HTTP/1.1\r\nHost: {host}\r\nX-A: 1\r\n hostile\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Raw("malformed: bare LF line endings", "GET / HTTP/1.1\nHost: {host}\nConnection: close\n\n", 200, Answer.Ordinary),
            Raw("malformed: null byte in a header", "GET / HTTP/1.1\r\nHost: {host}\r\nX-Hostile: a\0b\r\nConnection: close\r\n\r\n", 400, Answer.Bare),
            Raw("smuggling: Content-Length and Transfer-Encoding", $"POST {FormPath} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: {Form}\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /hostile HTTP/1.1\r\n\r\n", 403, Answer.CalmPage),
            Raw("smuggling: two different Content-Lengths", $"POST {FormPath} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: {Form}\r\nContent-Length: 3\r\nContent-Length: 30\r\nConnection: close\r\n\r\na=1", 400, Answer.Bare),
            Raw("smuggling: negative Content-Length", $"POST {FormPath} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: {Form}\r\nContent-Length: -1\r\nConnection: close\r\n\r\na=1", 400, Answer.Bare),
            Raw("smuggling: unknown transfer coding", $"POST {FormPath} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: {Form}\r\nTransfer-Encoding: hostile\r\nConnection: close\r\n\r\na=1", 400, Answer.Bare),
            Raw("smuggling: bad chunk size", $"POST {FormPath} HTTP/1.1\r\nHost: {{host}}\r\nContent-Type: {Form}\r\n{SameSite}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nhostile\r\n0\r\n\r\n", 400, Answer.CalmPage),
            Get("headers: 100 headers", "/", 431, Answer.Bare, [.. Enumerable.Range(0, 100).Select(i => $"X-Hostile-{i}: 1")]),
            Get("headers: User-Agent of 8 KB", "/", 200, Answer.Ordinary, "User-Agent: " + new string('h', 8 * 1024)),
            Get("headers: method override", Part, 200, Answer.Ordinary, "X-HTTP-Method-Override: DELETE"),
            Get("headers: Accept garbage", Part, 200, Answer.Ordinary, "Accept: hostile/<>"),
            Get("headers: Accept-Encoding garbage", "/favicon.svg", 200, Answer.Ordinary, "Accept-Encoding: hostile;q=abc, *;q=-1"),
            Get("headers: Expect garbage", "/", 200, Answer.Ordinary, "Expect: hostile"),
            Get("headers: Upgrade to WebSocket", "/", 200, Answer.Ordinary, "Upgrade: websocket", "Connection: Upgrade, close"),
            Get("headers: Content-Length on a GET", Part, 200, Answer.Ordinary, "Content-Length: 0"),
            Raw("version: HTTP/1.2", "GET / HTTP/1.2\r\nHost: {host}\r\nConnection: close\r\n\r\n", 505, Answer.Bare),
        };
        return list;
    }

    private static HostileRequest Get(string name, string target, int status, Answer answer, params string[] headers) =>
        Send(name, "GET", target, status, answer, headers, null);

    private static HostileRequest Send(string name, string method, string target, int status, Answer answer, string[] headers, string? body)
    {
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\n");
        if (!headers.Any(h => h.StartsWith("Host:", StringComparison.OrdinalIgnoreCase)))
        {
            request.Append("Host: {host}\r\n");
        }

        foreach (var header in headers)
        {
            request.Append(header).Append("\r\n");
        }

        var framed = headers.Any(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)
            || h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase));
        if (body is not null && !framed)
        {
            request.Append($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n");
        }

        if (!headers.Any(h => h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
        {
            request.Append("Connection: close\r\n");
        }

        request.Append("\r\n").Append(body);
        return new HostileRequest(name, request.ToString(), status, answer);
    }

    private static HostileRequest Raw(string name, string raw, int status, Answer answer) => new(name, raw, status, answer);

    private static string Chunked(string body)
    {
        var result = new StringBuilder();
        for (var i = 0; i < body.Length; i += 1000)
        {
            var piece = body.Substring(i, Math.Min(1000, body.Length - i));
            result.Append($"{piece.Length:x}\r\n{piece}\r\n");
        }

        return result.Append("0\r\n\r\n").ToString();
    }
}
