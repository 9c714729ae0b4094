using Bkmark.LocalHost;

LocalHostApplication.Build(args).Run();
