using Lawline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Lawline.Server.Taxonomy;

/// <summary>Reads what the in-memory index does not hold: the revision history of a category.</summary>
public sealed class TaxonomyReader(AppDbContext db)
{
    /// <summary>Every change to the category with this code, oldest first.</summary>
    public async Task<IReadOnlyList<CategoryRevision>> RevisionsAsync(string code, CancellationToken cancellationToken)
        => await db.CategoryRevisions.AsNoTracking().Where(r => r.Code == code).OrderBy(r => r.Id).ToListAsync(cancellationToken);
}
