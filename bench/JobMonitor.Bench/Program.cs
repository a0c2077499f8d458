// TODO(bench): the benchmark program.
return 0;
