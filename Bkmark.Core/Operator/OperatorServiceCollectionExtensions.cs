namespace Bkmark.Core.Operator;

public static class OperatorServiceCollectionExtensions
{
    /// <summary>What Bkmark support may do for a person (DESIGN §16); needs the rooms it acts through registered.</summary>
    public static IServiceCollection AddOperator(this IServiceCollection services)
    {
        services.AddSingleton<OperatorService>();
        return services;
    }
}
