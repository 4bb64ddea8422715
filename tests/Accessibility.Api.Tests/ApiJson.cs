using System.Text.Json;

namespace Accessibility.Api.Tests;

/// <summary>The API's own JSON options (camelCase, snake_case enums, GeoJSON), for reading its answers.</summary>
public static class ApiJson
{
    /// <summary>Options matching the service's.</summary>
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        RegistryApp.ConfigureJson(options);
        return options;
    }
}
