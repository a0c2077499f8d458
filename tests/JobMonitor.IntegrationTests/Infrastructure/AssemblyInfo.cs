// Hangfire keeps some configuration process-wide (JobStorage.Current, its log provider): a host disposed by one
// collection would break the Hangfire server of another running beside it. Collections therefore run one at a time.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
