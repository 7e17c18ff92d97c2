package dev.pullpolicy.bench;

/** Command-line options of the benchmark (see src/test/bench/run --help). */
record Options(
    int namespaces,
    int newNamespaces,
    double newNamespaceRate,
    int steadySeconds,
    int resyncSeconds,
    int settleSeconds,
    int noiseFactor,
    int pluginRuns,
    boolean quick,
    boolean pluginOnly) {

  static final String USAGE =
      """
      usage: src/test/bench/run [--namespaces N] [--quick] [--new-namespaces K] [--rate R]
                                [--steady-seconds S] [--resync-seconds S] [--noise-factor F]
                                [--plugin-runs R] [--plugin-only] [--keep-cluster]
        --namespaces N      namespaces for fan-out, rotation and memory (default 1000)
        --quick             a smoke run: 20 new namespaces, 30 s steady window, 10 s resync
        --new-namespaces K  namespaces created one at a time for the latency (default 200)
        --rate R            their creation rate per second (default 5)
        --steady-seconds S  window in which the operator's writes are counted (default 150)
        --resync-seconds S  the operator's periodic resync during the run (default 60)
        --noise-factor F    unrelated Secrets per namespace for the memory figure (default 10)
        --plugin-runs R     runs of each command for the start-up medians (default 10)
        --plugin-only       only the set-up, the fan-out and the plugin's start-up figures
        --keep-cluster      leave the control plane running (and this run's objects deleted)
      """;

  static Options parse(String[] args) {
    int namespaces = 1000;
    Integer newNs = null;
    double rate = 5;
    Integer steady = null;
    Integer resync = null;
    int noise = 10;
    int pluginRuns = 10;
    boolean quick = false;
    boolean pluginOnly = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--namespaces" -> namespaces = Integer.parseInt(args[++i]);
        case "--new-namespaces" -> newNs = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--steady-seconds" -> steady = Integer.parseInt(args[++i]);
        case "--resync-seconds" -> resync = Integer.parseInt(args[++i]);
        case "--noise-factor" -> noise = Integer.parseInt(args[++i]);
        case "--plugin-runs" -> pluginRuns = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        case "--plugin-only" -> pluginOnly = true;
        case "--keep-cluster" -> {
          // handled by the script
        }
        case "-h", "--help" -> {
          System.out.print(USAGE);
          System.exit(0);
        }
        default -> {
          System.err.print("unknown option " + a + "\n" + USAGE);
          System.exit(2);
        }
      }
    }
    if (namespaces < 1) {
      throw new IllegalArgumentException("--namespaces must be at least 1");
    }
    return new Options(
        namespaces,
        newNs != null ? newNs : quick ? 20 : 200,
        rate,
        steady != null ? steady : quick ? 30 : 150,
        resync != null ? resync : quick ? 10 : 60,
        quick ? 3 : 10,
        noise,
        quick ? 3 : pluginRuns,
        quick,
        pluginOnly);
  }
}
