using Bkmark.Core.Credentials;
using Bkmark.Core.Groups;
using Bkmark.Core.ImportExport;
using Bkmark.Core.Sandbox;
using Bkmark.Core.Search;
using Bkmark.Core.Tags;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bkmark.Core.Bookmarks;

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

        // The services' constructors are internal (they take the internal stores), so each is built here.
        services.AddSingleton(provider => new BookmarkService(
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<GroupStore>(),
            provider.GetRequiredService<LibraryCapacity>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new TagService(
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<LibraryEditor>()));
        services.AddSingleton(provider => new GroupService(
            provider.GetRequiredService<GroupStore>(),
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<LibraryEditor>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new SearchService(provider.GetRequiredService<BookmarkStore>()));
        services.AddSingleton(provider => new ImportService(
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<GroupStore>(),
            provider.GetRequiredService<GroupService>(),
            provider.GetRequiredService<LibraryCapacity>(),
            provider.GetRequiredService<IdGenerator>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ImportService>>()));
        services.AddSingleton(provider => new ExportService(
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<GroupStore>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new SandboxService(
            provider.GetRequiredService<BookmarkStore>(),
            provider.GetRequiredService<ILogger<SandboxService>>()));
        return services;
    }
}
