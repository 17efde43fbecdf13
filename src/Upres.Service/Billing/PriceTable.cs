using Microsoft.Extensions.Options;
using Upres.Engine.Models;
using Upres.Service.Problems;

namespace Upres.Service.Billing;

/// Prices a PriceQuery from the configured table. Every door prices through Quote.
public sealed class PriceTable(IOptions<PriceTableOptions> options, ModelCatalog? catalog = null)
{
    private readonly ModelCatalog _catalog = catalog ?? ModelCatalog.Default;

    private IReadOnlyList<PriceRow> Rows => options.Value.Rows.Count > 0 ? options.Value.Rows : PriceTableOptions.DefaultRows;

    public PriceRow? Find(int width, int height, double fps)
    {
        var longSide = Math.Max(width, height);
        var shortSide = Math.Min(width, height);
        var fpsBracket = Rows.Select(r => r.MaxFps).Distinct().Order().FirstOrDefault(f => fps <= f + 1e-6, double.NaN);
        return double.IsNaN(fpsBracket)
            ? null
            : Rows.Where(r => r.MaxFps == fpsBracket && longSide <= r.MaxLongSide && shortSide <= r.MaxShortSide)
                .OrderBy(r => r.MaxLongSide).FirstOrDefault();
    }

    /// The least any job with this model can cost (one second in the cheapest row): what an account
    /// must have available before a create that cannot be priced yet (a URL input) is accepted.
    public long Smallest(string? model)
    {
        var multiplier = model is not null && options.Value.ModelMultipliers.TryGetValue(model, out var m) ? m : 1m;
        return Math.Max(1, (long)Math.Ceiling(Rows.Min(r => r.CreditsPerSecond) * multiplier));
    }

    public PriceQuote Quote(PriceQuery query)
    {
        var row = Find(query.OutputWidth, query.OutputHeight, query.OutputFps)
            ?? throw new ServiceException(Errors.MediaLimit($"No price for {query.OutputWidth}x{query.OutputHeight} at {query.OutputFps:0.##} fps (the table ends at 8K)."));
        var multiplier = MultiplierFor(query.Model, query.Scale);
        var seconds = Math.Max(1, query.BillableSeconds);
        var rate = row.CreditsPerSecond * multiplier;
        var credits = (long)Math.Ceiling(rate * seconds);
        return new PriceQuote(Math.Max(1, credits), seconds, rate, row.Name, query);
    }

    /// The model's multiplier (1 when the table has none). No model means the catalog default: for
    /// the scale when known, else the dearest default.
    public decimal MultiplierFor(string? model, int? scale = null)
    {
        if (model is not null)
        {
            return options.Value.ModelMultipliers.TryGetValue(model, out var m) ? m : 1m;
        }

        if (scale is { } s && _catalog.Scales.Contains(s))
        {
            return MultiplierFor(_catalog.DefaultFor(s).Name);
        }

        return _catalog.Scales.Select(d => MultiplierFor(_catalog.DefaultFor(d).Name)).DefaultIfEmpty(1m).Max();
    }
}
