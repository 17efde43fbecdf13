using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Upres.Service.Dialects.Kokoon;

/// The query parameters both list calls share: page_size with page_num (0-based; one needs the
/// other), start_date and end_date (yyyy-MM-dd, both days included).
public sealed record KokoonListQuery(int? PageSize, int? PageNum, DateOnly? StartDate, DateOnly? EndDate, string? RawPageSize, string? RawPageNum, string? RawStart, string? RawEnd)
{
    public const int MaxPageSize = 1000;

    public static KokoonListQuery Read(IQueryCollection query)
    {
        string? Get(string name) => query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        var size = Get("page_size");
        var num = Get("page_num");
        if ((size is null) != (num is null))
        {
            throw DialectFlow.Problem(ProblemKind.InvalidValue, "page_size and page_num must be given together", size is null ? "page_size" : "page_num");
        }

        int? pageSize = size is null ? null : Number(size, "page_size", 1, MaxPageSize);
        int? pageNum = num is null ? null : Number(num, "page_num", 0, int.MaxValue);
        var start = Get("start_date");
        var end = Get("end_date");
        return new KokoonListQuery(pageSize, pageNum, Date(start, "start_date"), Date(end, "end_date"), size, num, start, end);
    }

    public bool InRange(DateTimeOffset time)
    {
        var day = DateOnly.FromDateTime(time.UtcDateTime);
        return (StartDate is null || day >= StartDate) && (EndDate is null || day <= EndDate);
    }

    public IReadOnlyList<T> Page<T>(IReadOnlyList<T> all) =>
        PageSize is { } size && PageNum is { } num ? [.. all.Skip((int)Math.Min(int.MaxValue, (long)size * num)).Take(size)] : all;

    private static int Number(string text, string field, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw DialectFlow.Problem(ProblemKind.InvalidValue, $"{field} must be a whole number from {min} to {max}", field);

    private static DateOnly? Date(string? text, string field) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw DialectFlow.Problem(ProblemKind.InvalidValue, $"{field} must be a date as yyyy-MM-dd", field);
}
