using Bkmark.Core;
using Bkmark.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBkmark(builder.Configuration, builder.Environment);
builder.Services.AddBkmarkTelemetry(builder.Configuration);
builder.Build().Run();
