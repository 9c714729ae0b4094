using System.Reflection;

namespace Bkmark.Core;

/// <summary>
/// Registers a public service whose constructor is internal because it takes its capability's internal
/// stores (CONVENTIONS.md: sealed rooms). The container calls only public constructors, so this calls the
/// internal one with each parameter resolved from the container: one line per service instead of a
/// hand-written factory that has to be kept in step with the constructor.
/// </summary>
internal static class InternalConstructorRegistration
{
    public static IServiceCollection AddServiceWithInternalConstructor<TService>(this IServiceCollection services)
        where TService : class
    {
        var constructor = typeof(TService)
            .GetConstructors(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(candidate => candidate.IsAssembly);
        var parameters = constructor.GetParameters();
        return services.AddSingleton(provider => (TService)constructor.Invoke(
            Array.ConvertAll(parameters, parameter => provider.GetRequiredService(parameter.ParameterType))));
    }
}
