using System.Text.Json.Nodes;

namespace Upres.Service.Tests.Infrastructure;

public static class Poll
{
    public static async Task<JsonObject> UntilAsync(Func<Task<JsonObject>> read, Func<JsonObject, bool> done, TimeSpan? timeout = null)
    {
        // Generous: the machine running the tests is shared and inference is CPU-bound.
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(240));
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; last value: {value.ToJsonString()}");
            }

            await Task.Delay(100);
        }
    }

    public static Task<JsonObject> JobUntilAsync(this HttpClient client, string jobId, Func<JsonObject, bool> done, TimeSpan? timeout = null)
        => UntilAsync(async () => await (await client.GetAsync($"/v1/jobs/{jobId}")).ReadObjectAsync(), done, timeout);

    public static Task<JsonObject> JobFinishedAsync(this HttpClient client, string jobId, TimeSpan? timeout = null)
        => client.JobUntilAsync(jobId, j => (string)j["status"]! is "completed" or "failed" or "cancelled", timeout);
}
