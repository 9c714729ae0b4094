using System.Reflection;

namespace Bkmark.LocalHost;

/// <summary>
/// Calls a function method the way the worker does: a fresh instance of its class per invocation, with
/// constructor arguments from the invocation's services, and the returned task awaited.
/// </summary>
internal static class FunctionInvoker
{
    /// <returns>The function's result once awaited; <see langword="null"/> for <c>void</c>, <c>Task</c> and <c>ValueTask</c>.</returns>
    public static async Task<object?> InvokeAsync(
        FunctionDefinition function, IServiceProvider services, Func<ParameterInfo, object?> bindParameter)
    {
        var method = function.Method;
        object? instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        object?[] arguments = method.GetParameters().Select(bindParameter).ToArray();

        // DoNotWrapExceptions: callers log and handle the function's own exception, not a TargetInvocationException.
        object? returned = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        return await UnwrapAsync(method.ReturnType, returned);
    }

    /// <summary>The type a caller gets after awaiting, or <see langword="null"/> when there is no result.</summary>
    public static Type? GetResultType(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return type;
    }

    private static async Task<object?> UnwrapAsync(Type declared, object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case Task task:
                await task;
                // Read Result through the declared Task<T>: the runtime type of an async method's task is a
                // state-machine box whose own Result (VoidTaskResult for plain Task) must not leak out.
                return declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(Task<>)
                    ? declared.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
                    : null;
        }

        if (declared.IsGenericType && declared.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var asTask = (Task)declared.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
            await asTask;
            var taskType = typeof(Task<>).MakeGenericType(declared.GetGenericArguments()[0]);
            return taskType.GetProperty(nameof(Task<object>.Result))!.GetValue(asTask);
        }

        return returned;
    }
}
