namespace Relational.Progress;

/// <summary>The checks every progress form passes before anything is read or written.</summary>
internal static class ProgressForms
{
    /// <summary>
    /// Null when a POST may go ahead; else the status to answer with: 403 for a cross-site
    /// request, 400 for a body that is not a readable form. Other methods pass.
    /// </summary>
    public static async Task<int?> RejectAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return null;
        }

        if (!SameOrigin.Allows(request))
        {
            return StatusCodes.Status403Forbidden;
        }

        if (!request.HasFormContentType)
        {
            return StatusCodes.Status400BadRequest;
        }

        try
        {
            await request.ReadFormAsync(request.HttpContext.RequestAborted);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return StatusCodes.Status400BadRequest;
        }
    }
}
