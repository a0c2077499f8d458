using JobMonitor.Cli;

return await JobMonitorCommand.RunAsync(args);
