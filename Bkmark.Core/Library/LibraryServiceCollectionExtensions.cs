using Bkmark.Core.Library.Bookmarks;
using Bkmark.Core.Library.Groups;
using Bkmark.Core.Library.ImportExport;
using Bkmark.Core.Library.Sandbox;
using Bkmark.Core.Library.Search;
using Bkmark.Core.Library.Tags;

namespace Bkmark.Core.Library;

/// <summary>Registers the REST resources: bookmarks, tags, groups, search, import and export, and the test keys' sandbox.</summary>
public static class LibraryServiceCollectionExtensions
{
    public static IServiceCollection AddLibrary(this IServiceCollection services)
    {
        services.AddOptions<LibraryOptions>().BindConfiguration(LibraryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<BookmarkStore>();
        services.AddSingleton<LibraryCapacity>();
        services.AddSingleton<GroupStore>();
        services.AddSingleton<LibraryEditor>();

        services.AddServiceWithInternalConstructor<BookmarkService>();
        services.AddServiceWithInternalConstructor<TagService>();
        services.AddServiceWithInternalConstructor<GroupService>();
        services.AddServiceWithInternalConstructor<SearchService>();
        services.AddServiceWithInternalConstructor<ImportService>();
        services.AddServiceWithInternalConstructor<ExportService>();
        services.AddServiceWithInternalConstructor<SandboxService>();
        return services;
    }
}
