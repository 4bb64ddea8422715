using Accessibility.Api;
using Accessibility.Api.Features.Cli;

if (RegistryCli.Handles(args))
{
    return await RegistryCli.RunAsync(args);
}

var app = RegistryApp.Build(args);
await app.PrepareDatabaseAsync();
await app.RunAsync();
return 0;
