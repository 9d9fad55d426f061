using System;
using System.Security.Cryptography;
using System.Text;

namespace EmbedWs.Dashboard;

/// <summary>
/// The dashboard's token and where a request may carry it: <c>?token=</c> in the URL, an
/// <c>Authorization: Bearer</c> header (RFC 6750 §2.1), or the cookie the page gets when it was
/// opened with the token in its URL. Every comparison is in constant time, on SHA-256 hashes, so
/// neither the token's content nor its length shows in the time an answer takes. Immutable; safe
/// from any thread.
/// </summary>
internal sealed class DashboardCredentials
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "embedws_dashboard";

    /// <summary>The challenge a 401 carries (RFC 9110 §11.6.1, RFC 6750 §3).</summary>
    public const string Challenge = "Bearer realm=\"EmbedWs dashboard\"";

    /// <summary>The ways in, as the log names them.</summary>
    public const string ViaQuery = "token in the query";
    public const string ViaHeader = "bearer token";
    public const string ViaCookie = "cookie";

    private readonly byte[] _tokenHash;
    private readonly string _cookieValue;
    private readonly byte[] _cookieHash;

    public DashboardCredentials(string token)
    {
        _tokenHash = Hash(token);

        // The cookie holds a value derived from the token rather than the token: it opens this
        // dashboard, but whoever reads it from a browser's store does not learn the token itself.
        _cookieValue = Convert.ToBase64String(Hash("EmbedWs dashboard cookie\n" + token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _cookieHash = Hash(_cookieValue);
    }

    /// <summary>
    /// How the request presents a token (null: it does not) and whether one it presents matches.
    /// A cookie that does not match is taken as not presented: it is left from an earlier token
    /// (the console host makes a new one each run), not a guess.
    /// </summary>
    public static (string? Via, bool Match) Check(WsConnectionInfo info, DashboardCredentials? credentials)
    {
        string? via = null;
        if (info.Query.TryGetValue("token", out var query))
        {
            via = ViaQuery;
            if (credentials?.Matches(query, credentials._tokenHash) == true)
            {
                return (via, true);
            }
        }

        if (Bearer(info.Header("Authorization")) is { } bearer)
        {
            via ??= ViaHeader;
            if (credentials?.Matches(bearer, credentials._tokenHash) == true)
            {
                return (ViaHeader, true);
            }
        }

        if (credentials is not null && info.Cookies.TryGetValue(CookieName, out var cookie) && credentials.Matches(cookie, credentials._cookieHash))
        {
            return (ViaCookie, true);
        }

        return (via, false);
    }

    /// <summary>
    /// The <c>Set-Cookie</c> value: scoped to the dashboard's path, out of the page's script's reach
    /// (HttpOnly), never sent with a request another site starts (SameSite=Strict), over TLS only
    /// when the page came over TLS. No expiry: it ends with the browser session.
    /// </summary>
    public string Cookie(string path, bool secure) =>
        CookieName + "=" + _cookieValue + "; Path=" + path + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");

    private bool Matches(string presented, byte[] expectedHash) =>
        // Hashes of equal length: the comparison's time says nothing of the secret's length or content.
        CryptographicOperations.FixedTimeEquals(Hash(presented), expectedHash);

    private static string? Bearer(string? authorization)
    {
        const string Scheme = "Bearer ";
        return authorization is not null && authorization.Length > Scheme.Length
            && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization.Substring(Scheme.Length).Trim() : null;
    }

    private static byte[] Hash(string text)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(Encoding.UTF8.GetBytes(text));
    }
}
