using System.Reflection;
using System.Text.RegularExpressions;
using Upres.Engine.Pipeline;

namespace Upres.Cli.Tests;

/// One table of error codes (UpscaleErrorCodes.Kinds), each kind mapped to the exit code the README gives.
public sealed partial class ErrorTableTests
{
    [Fact]
    public void Every_engine_error_code_has_a_kind_in_the_one_table()
    {
        var codes = typeof(UpscaleErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.NotEmpty(codes);
        Assert.All(codes, code => Assert.True(UpscaleErrorCodes.Kinds.ContainsKey(code), $"{code} has no kind"));
        Assert.Equal(codes.Order(StringComparer.Ordinal), UpscaleErrorCodes.Kinds.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(UpscaleErrorKind.Failed, "failed")]
    [InlineData(UpscaleErrorKind.BadOptions, "bad options")]
    [InlineData(UpscaleErrorKind.InputRefused, "input refused")]
    [InlineData(UpscaleErrorKind.MissingDependency, "a dependency is missing")]
    public void Each_kind_exits_with_the_code_the_readme_documents(UpscaleErrorKind kind, string readmeMeaning)
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var documented = ExitCodeRow().Matches(readme)
            .ToDictionary(m => m.Groups["meaning"].Value.Trim(), m => int.Parse(m.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(documented.TryGetValue(readmeMeaning, out var code), $"README has no exit code for '{readmeMeaning}'");
        Assert.Equal(code, ExitCodes.For(kind));
    }

    [Fact]
    public void A_code_outside_the_table_is_a_plain_failure() =>
        Assert.Equal(ExitCodes.Failed, ExitCodes.For(UpscaleErrorCodes.KindOf("something_new")));

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Upres.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"^\| (?<code>\d+) \| (?<meaning>[^(|]+)", RegexOptions.Multiline)]
    private static partial Regex ExitCodeRow();
}
