using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Tests.Infrastructure;

/// Serves input videos by URL, as a vendor's customer would host them ("a publicly accessible
/// video URL"), plus redirect chains for the URL-input rules. Counts every request it receives.
public sealed class FileServer : LoopbackServer
{
    private readonly ConcurrentDictionary<string, string> _files = new(StringComparer.Ordinal);
    private int _requests;

    /// Requests the server has received so far.
    public int Requests => Volatile.Read(ref _requests);

    public static Task<FileServer> StartAsync(IReadOnlyDictionary<string, string>? files = null)
    {
        var server = new FileServer();
        foreach (var (name, path) in files ?? new Dictionary<string, string>())
        {
            server._files[name.TrimStart('/')] = path;
        }

        return StartAsync(server);
    }

    /// Publishes a file under /files/{name} and returns its URL.
    public string Serve(string path, string? name = null)
    {
        name ??= Path.GetFileName(path);
        _files[name] = path;
        return Url("/files/" + Uri.EscapeDataString(name));
    }

    /// A URL under /files/ that answers 404.
    public string Missing(string name = "gone.mp4") => Url("/files/" + name);

    protected override void Map(WebApplication app)
    {
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref _requests);
            return next(context);
        });
        app.MapGet("/files/{name}", (string name) => File(name));
        // /hops/3/name -> /hops/2/name -> /hops/1/name -> /hops/0/name = the file.
        app.MapGet("/hops/{n:int}/{name}", (int n, string name) => n == 0 ? File(name) : Results.Redirect($"/hops/{n - 1}/{name}"));
        app.MapGet("/to/{**target}", (string target) => Results.Redirect("http://" + target));
    }

    private IResult File(string name) => _files.TryGetValue(name, out var path) ? Results.File(path, "video/mp4") : Results.NotFound();
}
