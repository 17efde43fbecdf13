using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Commands;

/// Live progress: a bar with frames, fps and ETA on a terminal; a line every few seconds when
/// output is redirected (logs and CI stay readable).
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(string title, Func<IProgress<UpscaleProgress>, Task<T>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            return await work(new PlainProgress());
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new FramesColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title, maxValue: 1);
                var progress = new Progress<UpscaleProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.FramesTotal);
                    task.Value = p.FramesDone;
                    task.State.Update<double>("fps", _ => p.FramesPerSecond);
                    task.State.Update<double>("started", _ => 1);
                });
                result = await work(progress);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private sealed class FramesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (task.State.Get<double>("started") == 0)
            {
                return new Text("starting");
            }

            var fps = task.State.Get<double>("fps");
            return new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0} frames {fps:0.00} fps"));
        }
    }

    private sealed class PlainProgress : IProgress<UpscaleProgress>
    {
        private DateTime last = DateTime.MinValue;

        public void Report(UpscaleProgress value)
        {
            var now = DateTime.UtcNow;
            if (now - last < TimeSpan.FromSeconds(2) && value.FramesDone < value.FramesTotal)
            {
                return;
            }

            last = now;
            var eta = value.Eta is { } e ? e.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{value.Fraction * 100,5:0.0}%  {value.FramesDone}/{value.FramesTotal} frames  {value.FramesPerSecond:0.00} fps  ETA {eta}"));
        }
    }
}
