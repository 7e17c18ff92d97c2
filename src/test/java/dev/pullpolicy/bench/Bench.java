package dev.pullpolicy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pullpolicy.systemtest.support.AuditLog;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import java.util.stream.IntStream;

/**
 * pullpolicy's benchmark: fan-out, new-namespace latency, rotation, steady-state writes, memory and
 * plugin start-up, each against a floor measured in the same run where one makes sense. Launched by
 * {@code src/test/bench/run}, which starts the cluster and passes its coordinates in the
 * environment; see docs/benchmarks.md.
 */
public final class Bench {

  static final String RUN_LABEL = "bench.pullpolicy.dev/run";
  static final String ROLE_LABEL = "bench.pullpolicy.dev/role";
  static final String EXTRA_SA = "builder";
  static final String FLOOR_ENTRIES = "bench.pullpolicy.dev/image-pull-secrets";
  static final String POLICY_ENTRIES = "pullpolicy.dev/image-pull-secrets";
  static final String FLOOR_LABEL = "bench.pullpolicy.dev/floor";
  static final String HASH_ANNOTATION = "bench.pullpolicy.dev/source-hash";

  /** The Secret (and ServiceAccount entry) the Java floor writes in each namespace. */
  static final String JAVA_FLOOR = "bench-floor-java";

  /** The Secret (and ServiceAccount entry) the Go floor writes in each namespace. */
  static final String GO_FLOOR = "bench-floor-go";

  /** Namespaces made while the operator is stopped, for the time to its first write. */
  static final int RESTART_NAMESPACES = 10;

  private final Options o;
  private final Env env;
  private final KubernetesClient admin;
  private final String run;
  private final String systemNs;
  private final String policy;
  private final String target;
  private final Results results = new Results();
  private final List<String> workNs = new ArrayList<>();
  private int concurrency;
  private Watches watches;
  private OperatorRunner operator;
  private String operatorUser;
  private Path operatorKubeconfig;
  private GoFloor goFloor;

  private Bench(Options o, Env env) throws IOException {
    this.o = o;
    this.env = env;
    this.admin = client(env.kubeconfig(), 64);
    this.run = "b" + random(5);
    this.systemNs = run + "-system";
    this.policy = run + "-registry";
    this.target = "bench-registry";
    for (int i = 1; i <= o.namespaces(); i++) {
      workNs.add(String.format("%s-ns-%05d", run, i));
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Env env = Env.fromEnvironment();
    Bench bench = new Bench(o, env);
    int code = 0;
    try {
      bench.runAll();
    } catch (Exception e) {
      log("FAILED: " + e);
      e.printStackTrace();
      bench.results.note("error", e.toString());
      code = 1;
    } finally {
      bench.cleanUp();
    }
    bench.results.machine(env);
    bench.results.printTable(System.out);
    Path out = env.outDir().resolve("results.json");
    Files.createDirectories(env.outDir());
    Files.writeString(out, bench.results.toJson(true) + "\n");
    log("results written to " + out);
    System.out.println(bench.results.toJson(false));
    System.exit(code);
  }

  private void runAll() throws Exception {
    results.param("namespaces", o.namespaces());
    results.param("run", run);
    concurrency = operatorWriteConcurrency();
    results.param("write_concurrency", concurrency);
    log("run " + run + ": N=" + o.namespaces() + ", write concurrency " + concurrency);

    long t = System.nanoTime();
    watches = new Watches(admin, RUN_LABEL, run);
    setUpIdentitiesAndSource();
    setUpNamespaces();
    results.param("setup_s", seconds(System.nanoTime() - t));

    startOperator();
    fanout();
    if (o.pluginOnly()) {
      deleteFloorSecrets();
    } else {
      rotation(); // before the new namespaces, so that operator and floor both rotate N copies
      deleteFloorSecrets();
      newNamespaces();
      steadyState();
      memory();
      restart(); // last of the operator's scenarios: it leaves a freshly started JVM
    }
    pluginStartUp();
  }

  // ---------------------------------------------------------------- set-up

  private void setUpIdentitiesAndSource() throws Exception {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(systemNs)
                .addToLabels(RUN_LABEL, run)
                .endMetadata()
                .build())
        .create();
    for (String sa : List.of("operator", "floor")) {
      admin
          .serviceAccounts()
          .inNamespace(systemNs)
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName(sa).endMetadata().build())
          .create();
      // cluster-admin for simplicity: the benchmark measures speed, not least privilege.
      admin
          .rbac()
          .clusterRoleBindings()
          .resource(
              new ClusterRoleBindingBuilder()
                  .withNewMetadata()
                  .withName(run + "-" + sa)
                  .addToLabels(RUN_LABEL, run)
                  .endMetadata()
                  .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "cluster-admin")
                  .addNewSubject()
                  .withKind("ServiceAccount")
                  .withName(sa)
                  .withNamespace(systemNs)
                  .endSubject()
                  .build())
          .create();
    }
    operatorUser = "system:serviceaccount:" + systemNs + ":operator";
    admin.secrets().inNamespace(systemNs).resource(sourceSecret("v1")).create();
  }

  private Secret sourceSecret(String version) {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                ("bench:" + version + "-" + random(24)).getBytes(StandardCharsets.UTF_8));
    String json =
        "{\"auths\":{\"registry.bench.example:5000\":{\"auth\":\""
            + auth
            + "\"},\"mirror.bench.example\":{\"auth\":\""
            + auth
            + "\"}}}";
    return new SecretBuilder()
        .withNewMetadata()
        .withName("registry-creds")
        .withNamespace(systemNs)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .addToData(".dockerconfigjson", b64(json))
        .build();
  }

  /**
   * Deletes the floors' Secrets (one delete-collection per namespace), so that what follows (new
   * namespaces, steady state, memory) runs without them. Their ServiceAccount entries stay: other
   * writers' entries are what the operator meets on a real cluster too.
   */
  private void deleteFloorSecrets() throws Exception {
    long t = System.nanoTime();
    parallel(
        32,
        workNs,
        ns -> {
          admin.secrets().inNamespace(ns).withLabel(FLOOR_LABEL).delete();
          return null;
        });
    results.param("floor_secrets_delete_s", seconds(System.nanoTime() - t));
  }

  /**
   * N namespaces, each with its {@code default} ServiceAccount and one more. The floors and the
   * operator write in the same namespaces, under different Secret names: the floors first (no
   * policy exists yet), so each side meets the same objects, and the set-up stays N namespaces.
   */
  private void setUpNamespaces() throws Exception {
    createNamespaces(workNs, "operator", Duration.ofMinutes(Math.max(10, o.namespaces() / 200)));
  }

  /** Creates the namespaces, each with ServiceAccount EXTRA_SA, and waits for their defaults. */
  private void createNamespaces(List<String> names, String role, Duration timeout)
      throws Exception {
    List<String> defaults = names.stream().map(n -> n + "/default").toList();
    Convergence<ServiceAccount> ready = new Convergence<>("default SAs", defaults, sa -> true);
    watches.onServiceAccounts(ready);
    log("creating " + names.size() + " namespaces, each with ServiceAccount " + EXTRA_SA);
    parallel(
        32,
        names,
        ns -> {
          admin
              .namespaces()
              .resource(
                  new NamespaceBuilder()
                      .withNewMetadata()
                      .withName(ns)
                      .addToLabels(RUN_LABEL, run)
                      .addToLabels(ROLE_LABEL, role)
                      .endMetadata()
                      .build())
              .create();
          admin
              .serviceAccounts()
              .inNamespace(ns)
              .resource(
                  new ServiceAccountBuilder()
                      .withNewMetadata()
                      .withName(EXTRA_SA)
                      .endMetadata()
                      .build())
              .create();
          return null;
        });
    await(ready, timeout);
    watches.remove(ready);
  }

  private void startOperator() throws Exception {
    operatorKubeconfig = tokenKubeconfig("operator");
    log(
        "starting the operator ("
            + env.operatorJavaHome()
            + " "
            + String.join(" ", env.operatorJavaOpts())
            + ", resync "
            + o.resyncSeconds()
            + " s) as "
            + operatorUser);
    operator = launchOperator("operator.log");
    results.param("operator_start_s", round2(operator.secondsToReady()));
    results.param("operator_start_cpu_s", operator.cpuSeconds());
    String flags = operator.jcmd("VM.flags");
    for (String gc :
        List.of("UseSerialGC", "UseG1GC", "UseParallelGC", "UseZGC", "UseShenandoahGC")) {
      if (flags.contains("-XX:+" + gc)) {
        results.param("operator_gc", gc);
      }
    }
    java.util.regex.Matcher max =
        java.util.regex.Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags);
    if (max.find()) {
      results.param("operator_max_heap_mb", Long.parseLong(max.group(1)) / (1024 * 1024));
    }
    results.param("operator_java", javaVersion(operator.jcmd("VM.version")));
    results.param("operator_jvm", String.join(" ", env.operatorJavaOpts()));
    results.param("resync_s", o.resyncSeconds());
  }

  /**
   * Starts the operator with this run's identity and configuration. Its leader-election identity is
   * fixed (HOSTNAME), as a container restarted in its Pod keeps it: a restart holds the Lease at
   * once instead of waiting for it to expire.
   */
  private OperatorRunner launchOperator(String logName) throws Exception {
    List<String> props = new ArrayList<>();
    props.add(
        "-Dquarkus.operator-sdk.controllers.pullcredentialpolicy.max-reconciliation-interval="
            + o.resyncSeconds()
            + "s");
    props.add("-Dpullpolicy.leader-election.namespace=" + systemNs);
    Map<String, String> penv = new LinkedHashMap<>();
    // as the deploy/ Deployment sets it
    penv.put("MALLOC_ARENA_MAX", System.getenv().getOrDefault("MALLOC_ARENA_MAX", "2"));
    penv.put("HOSTNAME", run + "-operator");
    return OperatorRunner.start(
        env.operatorJavaHome(),
        env.operatorApp(),
        operatorKubeconfig,
        env.operatorJavaOpts(),
        props,
        penv,
        env.outDir().resolve(logName));
  }

  private static String javaVersion(String vmVersion) {
    for (String line : vmVersion.split("\n")) {
      if (line.startsWith("JDK ")) {
        return line.trim();
      }
    }
    return vmVersion.lines().skip(1).findFirst().orElse("?").trim();
  }

  // ---------------------------------------------------------------- fan-out

  private void fanout() throws Exception {
    Secret source = admin.secrets().inNamespace(systemNs).withName("registry-creds").get();
    // The floors first (no policy exists yet, so the operator has nothing to do), then the
    // operator; the Go floor last of the two, right before the operator.
    try (KubernetesClient floor = client(tokenKubeconfig("floor"), 64)) {
      long floorNanos = javaFloorFanout(floor, source);
      results.figure("fanout_floor_s", seconds(floorNanos));
      results.param(
          "floor_http", "jdk".equals(System.getenv("BENCH_FLOOR_HTTP")) ? "jdk" : "vertx");
      log(String.format("fan-out floor, Java client: %.2f s", seconds(floorNanos)));
    }
    if (goFloor() != null) {
      long goNanos = goFloorFanout(source);
      results.figure("fanout_go_floor_s", seconds(goNanos));
      log(String.format("fan-out floor, Go client: %.2f s", seconds(goNanos)));
    }
    Convergence<Secret> copies =
        watches.onSecrets(
            new Convergence<>(
                "copies",
                keys(workNs, target),
                s -> Objects.equals(s.getData(), source.getData())));
    Convergence<ServiceAccount> sas =
        watches.onServiceAccounts(
            new Convergence<>(
                "ServiceAccount entries", saKeys(workNs), sa -> hasEntry(sa, target)));
    double[] r0 = reconcileTimer();
    double cpu0 = operator.cpuSeconds();
    Map<Long, OperatorRunner.ThreadTicks> threads0 = operator.threadTicks();
    long t0 = System.nanoTime();
    admin.resource(policyYaml()).create();
    Duration timeout = Duration.ofSeconds(Math.max(180, o.namespaces()));
    await(copies, timeout);
    await(sas, timeout);
    long took = Math.max(copies.lastDoneNanos(), sas.lastDoneNanos()) - t0;
    watches.remove(copies);
    watches.remove(sas);
    results.figure("fanout_s", seconds(took));
    results.figure("fanout_cpu_s", operatorCpuUntilIdle(cpu0, threads0, "fanout"));
    reconcilesSince("fanout", r0);
    results.ratio("fanout_ratio", "fanout_s", "fanout_floor_s");
    results.ratio("fanout_go_ratio", "fanout_s", "fanout_go_floor_s");
    log(String.format("fan-out operator: %.2f s", seconds(took)));
  }

  /**
   * The operator's CPU time since {@code cpu0}, once it is idle again: the work its own writes'
   * events cause after the watches saw the last write belongs to the scenario. Idle: its reconcile
   * count did not move for two seconds (at most a minute of waiting).
   */
  private double operatorCpuUntilIdle(double cpu0, String scenario) throws Exception {
    return operatorCpuUntilIdle(cpu0, Map.of(), scenario);
  }

  /**
   * As above, and records the CPU per group of the operator's threads since {@code threads0}
   * ({@code <scenario>_cpu_by_thread}): where the time went (the HTTP event loops, the writers, the
   * JIT compiler, the VM thread's collections, ...).
   */
  private double operatorCpuUntilIdle(
      double cpu0, Map<Long, OperatorRunner.ThreadTicks> threads0, String scenario)
      throws Exception {
    long t = System.nanoTime();
    double last = reconcileTimer()[0];
    int still = 0;
    while (still < 2 && System.nanoTime() - t < Duration.ofMinutes(1).toNanos()) {
      Thread.sleep(1000);
      double now = reconcileTimer()[0];
      still = now == last ? still + 1 : 0;
      last = now;
    }
    double cpu = operator.cpuSeconds() - cpu0;
    results.param(scenario + "_idle_after_s", seconds(System.nanoTime() - t));
    results.param(
        scenario + "_cpu_by_thread",
        OperatorRunner.cpuByThreadGroup(threads0, operator.threadTicks()));
    return cpu;
  }

  private GoFloor goFloor() throws IOException {
    if (env.writeFloor() == null) {
      return null;
    }
    if (goFloor == null) {
      goFloor = new GoFloor(env.writeFloor(), tokenKubeconfig("floor"), env.outDir());
    }
    return goFloor;
  }

  /** The floor's fan-out by the Java client (the operator's client, fabric8 on Vert.x). */
  private long javaFloorFanout(KubernetesClient floor, Secret source) throws Exception {
    FloorConvergence c = floorFanoutConvergence(JAVA_FLOOR, source);
    // What the operator has in its informer caches before it writes: the ServiceAccounts.
    Map<String, ServiceAccount> cached = new LinkedHashMap<>();
    for (String ns : workNs) {
      for (String name : List.of("default", EXTRA_SA)) {
        cached.put(ns + "/" + name, watches.serviceAccount(ns, name));
      }
    }
    long t0 = System.nanoTime();
    parallel(
        concurrency,
        workNs,
        ns -> {
          floor.secrets().inNamespace(ns).resource(copyOf(source, ns, JAVA_FLOOR)).create();
          for (String name : List.of("default", EXTRA_SA)) {
            addEntry(floor, cached.get(ns + "/" + name), JAVA_FLOOR);
          }
          return null;
        });
    return c.await(t0);
  }

  /** The floor's fan-out by client-go (write-floor), the same writes at the same concurrency. */
  private long goFloorFanout(Secret source) throws Exception {
    FloorConvergence c = floorFanoutConvergence(GO_FLOOR, source);
    Map<String, Object> plan = goPlan("fanout", GO_FLOOR, source.getData());
    plan.put("serviceAccounts", List.of("default", EXTRA_SA));
    plan.put("entryAnnotation", FLOOR_ENTRIES);
    plan.put("entryValue", "{\"" + GO_FLOOR + "\":\"floor\"}");
    try (GoFloor.Pass pass = goFloor().start("fanout", plan)) {
      long t0 = System.nanoTime();
      pass.go();
      long took = c.await(t0);
      GoFloor.Report r = pass.finish(Duration.ofMinutes(5));
      results.param("fanout_go_floor_own_s", r.seconds());
      results.param("fanout_go_floor_requests", r.requests());
      results.param("fanout_go_floor_conflicts", r.conflicts());
      results.param("fanout_go_floor_cpu_s", r.cpuSeconds());
      return took;
    }
  }

  private Map<String, Object> goPlan(String mode, String secretName, Map<String, String> data) {
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("mode", mode);
    plan.put("concurrency", concurrency);
    plan.put("namespaces", workNs);
    plan.put("secretName", secretName);
    plan.put("secretType", "kubernetes.io/dockerconfigjson");
    plan.put("data", data);
    plan.put("labels", Map.of(RUN_LABEL, run, FLOOR_LABEL, "go"));
    plan.put("hashAnnotation", HASH_ANNOTATION);
    return plan;
  }

  /** The watches' view of one floor's fan-out: its N Secrets and 2 N ServiceAccount entries. */
  private final class FloorConvergence {
    private final Convergence<Secret> copies;
    private final Convergence<ServiceAccount> sas;

    FloorConvergence(Convergence<Secret> copies, Convergence<ServiceAccount> sas) {
      this.copies = copies;
      this.sas = sas;
    }

    /** Waits for all of it; nanoseconds from {@code t0} to the last. */
    long await(long t0) throws InterruptedException {
      Duration timeout = Duration.ofSeconds(Math.max(180, o.namespaces()));
      try {
        Bench.await(copies, timeout);
        if (sas != null) {
          Bench.await(sas, timeout);
        }
      } finally {
        watches.remove(copies);
        if (sas != null) {
          watches.remove(sas);
        }
      }
      return Math.max(copies.lastDoneNanos(), sas == null ? 0 : sas.lastDoneNanos()) - t0;
    }
  }

  private FloorConvergence floorFanoutConvergence(String name, Secret source) {
    return new FloorConvergence(
        watches.onSecrets(
            new Convergence<>(
                name + " copies",
                keys(workNs, name),
                s -> Objects.equals(s.getData(), source.getData()))),
        watches.onServiceAccounts(
            new Convergence<>(
                name + " ServiceAccount entries", saKeys(workNs), sa -> hasEntry(sa, name))));
  }

  private Secret copyOf(Secret source, String ns, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels(RUN_LABEL, run)
        .addToLabels(FLOOR_LABEL, "java")
        .addToAnnotations(HASH_ANNOTATION, random(64))
        .endMetadata()
        .withType(source.getType())
        .withData(source.getData())
        .build();
  }

  /** The same read-modify-write the operator does: from the cached object, retry on conflict. */
  private void addEntry(KubernetesClient c, ServiceAccount cached, String entry) {
    ServiceAccount sa = cached;
    for (int attempt = 0; ; attempt++) {
      ServiceAccount edited = new ServiceAccountBuilder(sa).build();
      List<LocalObjectReference> refs = new ArrayList<>(edited.getImagePullSecrets());
      refs.add(new LocalObjectReference(entry));
      edited.setImagePullSecrets(refs);
      edited.getMetadata().getAnnotations().put(FLOOR_ENTRIES, "{\"" + entry + "\":\"floor\"}");
      try {
        c.serviceAccounts().inNamespace(sa.getMetadata().getNamespace()).resource(edited).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 5) {
          throw e;
        }
        sa =
            c.serviceAccounts()
                .inNamespace(sa.getMetadata().getNamespace())
                .withName(sa.getMetadata().getName())
                .get();
      }
    }
  }

  private String policyYaml() {
    return """
        apiVersion: pullpolicy.dev/v1alpha1
        kind: PullCredentialPolicy
        metadata:
          name: %s
        spec:
          sources:
            - namespace: %s
              name: registry-creds
          target:
            secretName: %s
            labels:
              %s: %s
          namespaces:
            include: ["%s-ns-*", "%s-new-*", "%s-rs-*"]
          serviceAccounts:
            names: [default, %s]
        """
        .formatted(policy, systemNs, target, RUN_LABEL, run, run, run, run, EXTRA_SA);
  }

  // ---------------------------------------------------------------- new namespaces

  private void newNamespaces() throws Exception {
    int count = o.newNamespaces();
    List<String> names =
        IntStream.rangeClosed(1, count)
            .mapToObj(i -> String.format("%s-new-%05d", run, i))
            .toList();
    Convergence<ServiceAccount> patched =
        watches.onServiceAccounts(
            new Convergence<>(
                "new namespaces' default SAs",
                names.stream().map(n -> n + "/default").toList(),
                sa -> hasEntry(sa, target)));
    log("creating " + count + " namespaces at " + o.newNamespaceRate() + "/s");
    double[] before = reconcileTimer();
    double cpu0 = operator.cpuSeconds();
    Map<Long, OperatorRunner.ThreadTicks> threads0 = operator.threadTicks();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    ExecutorService creators = Executors.newFixedThreadPool(4);
    AtomicInteger next = new AtomicInteger();
    long periodMicros = (long) (1_000_000 / o.newNamespaceRate());
    timer.scheduleAtFixedRate(
        () -> {
          int i = next.getAndIncrement();
          if (i < count) {
            creators.submit(
                () ->
                    admin
                        .namespaces()
                        .resource(
                            new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(names.get(i))
                                .addToLabels(RUN_LABEL, run)
                                .endMetadata()
                                .build())
                        .create());
          }
        },
        0,
        periodMicros,
        TimeUnit.MICROSECONDS);
    boolean all = patched.await(Duration.ofSeconds((long) (count / o.newNamespaceRate()) + 120));
    timer.shutdownNow();
    creators.shutdown();
    watches.remove(patched);
    // the CPU per new namespace: what one namespace's events cost, at this N
    double cpu = operatorCpuUntilIdle(cpu0, threads0, "newns");
    results.figure("newns_cpu_ms", cpu * 1000 / count);
    results.param("newns_cpu_s", cpu);
    double[] after = reconcileTimer();
    double n = after[0] - before[0];
    results.param("newns_reconciles", Double.isNaN(n) ? null : (long) n);
    results.param("newns_reconcile_mean_ms", n > 0 ? (after[1] - before[1]) / n * 1000 : null);
    List<Double> latencies = new ArrayList<>();
    for (String ns : names) {
      Long added = watches.serviceAccountAddedAt(ns, "default");
      Long done = patched.doneAt(ns + "/default");
      if (added != null && done != null) {
        latencies.add((done - added) / 1e6);
      }
    }
    if (!all) {
      log("new namespaces: " + patched.describe() + " (the missing ones count as not measured)");
      results.note("newns_missing", patched.pendingCount());
    }
    results.figure("newns_p50_ms", Stats.percentile(latencies, 50));
    results.figure("newns_p99_ms", Stats.percentile(latencies, 99));
    results.param("newns_max_ms", Stats.percentile(latencies, 100));
    results.param("newns_count", latencies.size());
    log(
        String.format(
            "new namespaces: p50 %.0f ms, p99 %.0f ms over %d",
            Stats.percentile(latencies, 50), Stats.percentile(latencies, 99), latencies.size()));
  }

  /** Records how many reconciles ran since {@code before} and the time they took in all. */
  private void reconcilesSince(String scenario, double[] before) throws InterruptedException {
    double[] now = reconcileTimer();
    double n = now[0] - before[0];
    if (!Double.isNaN(n)) {
      results.param(scenario + "_reconciles", (long) n);
      results.param(scenario + "_reconcile_total_s", now[1] - before[1]);
    }
  }

  /**
   * The operator's reconcile timer: {count, total seconds}; zeros before its first reconcile (the
   * timer is registered then).
   */
  private double[] reconcileTimer() throws InterruptedException {
    double count = operator.metricSum("pullpolicy_reconcile_duration_seconds_count");
    double sum = operator.metricSum("pullpolicy_reconcile_duration_seconds_sum");
    return new double[] {Double.isNaN(count) ? 0 : count, Double.isNaN(sum) ? 0 : sum};
  }

  // ---------------------------------------------------------------- rotation

  /**
   * The operator's rotation between floor rotations (Java floor, Go floor, operator, Go floor, Java
   * floor): the floors' Secrets carry no label the operator watches, so a floor pass after the
   * operator's is as clean as the one before; each floor figure is the mean of its two.
   */
  private void rotation() throws Exception {
    Secret rotated = sourceSecret("v2");
    double javaBefore;
    double javaAfter;
    Double goBefore = null;
    Double goAfter = null;
    try (KubernetesClient floor = client(tokenKubeconfig("floor"), 64)) {
      javaBefore = javaFloorRotation(floor, sourceSecret("v2"));
      if (goFloor() != null) {
        goBefore = goFloorRotation(sourceSecret("v2"), "before");
      }
      Convergence<Secret> copies =
          watches.onSecrets(
              new Convergence<>(
                  "copies rotated",
                  keys(workNs, target),
                  s -> Objects.equals(s.getData(), rotated.getData())));
      double[] r0 = reconcileTimer();
      double cpu0 = operator.cpuSeconds();
      Map<Long, OperatorRunner.ThreadTicks> threads0 = operator.threadTicks();
      long t0 = System.nanoTime();
      admin
          .secrets()
          .inNamespace(systemNs)
          .withName("registry-creds")
          .edit(s -> new SecretBuilder(s).withData(rotated.getData()).build());
      await(copies, Duration.ofSeconds(Math.max(180, o.namespaces())));
      watches.remove(copies);
      results.figure("rotation_s", seconds(copies.lastDoneNanos() - t0));
      results.figure("rotation_cpu_s", operatorCpuUntilIdle(cpu0, threads0, "rotation"));
      reconcilesSince("rotation", r0);
      if (goFloor() != null) {
        goAfter = goFloorRotation(sourceSecret("v3"), "after");
      }
      javaAfter = javaFloorRotation(floor, sourceSecret("v3"));
    }
    results.param("rotation_floor_before_s", javaBefore);
    results.param("rotation_floor_after_s", javaAfter);
    results.figure("rotation_floor_s", (javaBefore + javaAfter) / 2);
    results.ratio("rotation_ratio", "rotation_s", "rotation_floor_s");
    if (goBefore != null && goAfter != null) {
      results.param("rotation_go_floor_before_s", goBefore);
      results.param("rotation_go_floor_after_s", goAfter);
      results.figure("rotation_go_floor_s", (goBefore + goAfter) / 2);
      results.ratio("rotation_go_ratio", "rotation_s", "rotation_go_floor_s");
    }
    log(
        String.format(
            "rotation: operator %.2f s; floors before and after: Java %.2f / %.2f s, Go %s / %s s",
            results.get("rotation_s"), javaBefore, javaAfter, goBefore, goAfter));
  }

  /** N Secret updates (new data) by the Java floor; seconds until the watch saw them all. */
  private double javaFloorRotation(KubernetesClient floor, Secret rotated) throws Exception {
    Convergence<Secret> floorCopies = floorRotationConvergence("Java", JAVA_FLOOR, rotated);
    Map<String, Secret> cached = new LinkedHashMap<>();
    for (String ns : workNs) {
      cached.put(ns, watches.secret(ns, JAVA_FLOOR));
    }
    long t0 = System.nanoTime();
    parallel(
        concurrency,
        workNs,
        ns -> {
          Secret s = new SecretBuilder(cached.get(ns)).withData(rotated.getData()).build();
          s.getMetadata().getAnnotations().put(HASH_ANNOTATION, random(64));
          floor.secrets().inNamespace(ns).resource(s).update();
          return null;
        });
    return seconds(new FloorConvergence(floorCopies, null).await(t0));
  }

  /** The watches' view of one floor's rotation: its N Secrets carrying the rotated data. */
  private Convergence<Secret> floorRotationConvergence(
      String floor, String secretName, Secret rotated) {
    return watches.onSecrets(
        new Convergence<>(
            floor + " floor copies rotated",
            keys(workNs, secretName),
            s -> Objects.equals(s.getData(), rotated.getData())));
  }

  /** The same N Secret updates by client-go (write-floor). */
  private double goFloorRotation(Secret rotated, String when) throws Exception {
    Convergence<Secret> floorCopies = floorRotationConvergence("Go", GO_FLOOR, rotated);
    try (GoFloor.Pass pass =
        goFloor().start("rotation-" + when, goPlan("rotation", GO_FLOOR, rotated.getData()))) {
      long t0 = System.nanoTime();
      pass.go();
      double took = seconds(new FloorConvergence(floorCopies, null).await(t0));
      GoFloor.Report r = pass.finish(Duration.ofMinutes(5));
      results.param("rotation_go_floor_" + when + "_own_s", r.seconds());
      results.param("rotation_go_floor_" + when + "_cpu_s", r.cpuSeconds());
      return took;
    }
  }

  // ---------------------------------------------------------------- steady state

  private void steadyState() throws Exception {
    Thread.sleep(o.settleSeconds() * 1000L);
    double reconcilesBefore = operator.metricSum("pullpolicy_reconciles_total");
    double cpu0 = operator.cpuSeconds();
    Map<Long, OperatorRunner.ThreadTicks> threads0 = operator.threadTicks();
    Instant from = Instant.now();
    log(
        "steady state: counting the operator's writes for "
            + o.steadySeconds()
            + " s (resync every "
            + o.resyncSeconds()
            + " s)");
    Thread.sleep(o.steadySeconds() * 1000L);
    Instant to = Instant.now();
    results.figure("steady_cpu_s", operator.cpuSeconds() - cpu0);
    results.param(
        "steady_cpu_by_thread", OperatorRunner.cpuByThreadGroup(threads0, operator.threadTicks()));
    double reconciles = operator.metricSum("pullpolicy_reconciles_total") - reconcilesBefore;
    results.param("steady_reconciles", Double.isNaN(reconciles) ? null : (long) reconciles);
    Thread.sleep(3000); // the audit log is written in batches of at most a second
    AuditLog audit = new AuditLog(env.auditLog());
    List<AuditLog.Event> mine =
        audit.events(
            e -> {
              if (!operatorUser.equals(e.user())) {
                return false;
              }
              Instant at = Instant.parse(e.requestReceived());
              return !at.isBefore(from) && at.isBefore(to);
            });
    Map<String, Integer> writes = new LinkedHashMap<>();
    int leaseWrites = 0;
    int sourceReads = 0;
    int reads = 0;
    for (AuditLog.Event e : mine) {
      if (e.isWrite()) {
        if ("leases".equals(e.resource())) {
          leaseWrites++;
        } else {
          writes.merge(e.verb() + " " + e.resource(), 1, Integer::sum);
        }
      } else {
        reads++;
        if ("secrets".equals(e.resource()) && "registry-creds".equals(e.name())) {
          sourceReads++;
        }
      }
    }
    int total = writes.values().stream().mapToInt(Integer::intValue).sum();
    results.figure("steady_writes", total);
    results.param("steady_window_s", o.steadySeconds());
    results.param("steady_writes_by_kind", writes.toString());
    results.param("steady_lease_writes", leaseWrites);
    results.param("steady_reads", reads);
    results.param("steady_source_reads", sourceReads);
    log(
        "steady state: "
            + total
            + " writes "
            + writes
            + ", "
            + leaseWrites
            + " lease renewals (not counted), "
            + reads
            + " reads ("
            + sourceReads
            + " of the source), "
            + (Double.isNaN(reconciles) ? "?" : (long) reconciles)
            + " reconciles");
  }

  // ---------------------------------------------------------------- memory

  private void memory() throws Exception {
    double noNoise = settledRss("without noise");
    results.figure("rss_mb_no_noise", noNoise);
    int noise = o.noiseFactor() * o.namespaces();
    log("creating " + noise + " unrelated Secrets (" + o.noiseFactor() + " per namespace)");
    String filler = random(1024);
    List<Callable<Void>> tasks = new ArrayList<>();
    for (String ns : workNs) {
      for (int i = 0; i < o.noiseFactor(); i++) {
        String name = "unrelated-" + i;
        tasks.add(
            () -> {
              admin
                  .secrets()
                  .inNamespace(ns)
                  .resource(
                      new SecretBuilder()
                          .withNewMetadata()
                          .withName(name)
                          .addToLabels("app", "unrelated")
                          .endMetadata()
                          .addToData("payload", b64(filler))
                          .build())
                  .create();
              return null;
            });
      }
    }
    long t = System.nanoTime();
    invokeAll(32, tasks);
    results.param("noise_secrets", noise);
    results.param("noise_create_s", seconds(System.nanoTime() - t));
    double withNoise = settledRss("with " + noise + " unrelated Secrets");
    results.figure("rss_mb", withNoise);
    results.param("operator_threads", operator.threads());
    try {
      results.param("rss_peak_mb", round1(operator.peakRssMb()));
    } catch (IOException e) {
      // not on Linux
    }
  }

  /** Waits, forces a full GC (jcmd GC.run) and reads VmRSS. */
  private double settledRss(String when) throws Exception {
    Thread.sleep(o.settleSeconds() * 1000L);
    operator.jcmd("GC.run");
    Thread.sleep(2000);
    double rss = operator.rssMb();
    double heap = operator.heapUsedMb();
    String key = when.startsWith("without") ? "heap_used_mb_no_noise" : "heap_used_mb";
    results.param(key, round1(heap));
    log(
        String.format(
            "operator RSS %s: %.1f MiB (heap in use after GC %.1f MiB)", when, rss, heap));
    // With -XX:NativeMemoryTracking=summary in BENCH_OPERATOR_JAVA_OPTS: where the RSS goes.
    String nmt = operator.jcmd("VM.native_memory", "summary");
    if (nmt.contains("Native Memory Tracking")) {
      Files.writeString(env.outDir().resolve("nmt-" + key + ".txt"), nmt);
    }
    return round1(rss);
  }

  // ---------------------------------------------------------------- restart: the first write

  /**
   * The operator stopped (SIGTERM), a few namespaces made while it is down, the operator started
   * again: from the start of its process to its first write (the first copy or ServiceAccount entry
   * the watches see in those namespaces), and to all of them. It holds the Lease at once (same
   * identity), so this is its own start-up: JVM, Quarkus, informers' first lists, planning.
   */
  private void restart() throws Exception {
    List<String> names =
        IntStream.rangeClosed(1, RESTART_NAMESPACES)
            .mapToObj(i -> String.format("%s-rs-%05d", run, i))
            .toList();
    operator.close();
    createNamespaces(names, "restart", Duration.ofMinutes(5));
    Convergence<Secret> copies =
        watches.onSecrets(
            new Convergence<>(
                "copies after restart",
                keys(names, target),
                s -> s.getMetadata().getLabels().containsKey(RUN_LABEL)));
    Convergence<ServiceAccount> sas =
        watches.onServiceAccounts(
            new Convergence<>("entries after restart", saKeys(names), sa -> hasEntry(sa, target)));
    log("restarting the operator; " + names.size() + " namespaces are waiting for it");
    Instant wallStart = Instant.now();
    operator = launchOperator("operator-restart.log");
    long started = operator.startedNanos();
    results.param("restart_ready_s", round2(operator.secondsToReady()));
    await(copies, Duration.ofMinutes(3));
    await(sas, Duration.ofMinutes(3));
    watches.remove(copies);
    watches.remove(sas);
    long first = Long.MAX_VALUE;
    for (String k : keys(names, target)) {
      first = Math.min(first, copies.doneAt(k));
    }
    for (String k : saKeys(names)) {
      first = Math.min(first, sas.doneAt(k));
    }
    results.figure("first_write_s", seconds(first - started));
    results.param(
        "restart_converged_s",
        seconds(Math.max(copies.lastDoneNanos(), sas.lastDoneNanos()) - started));
    results.param("restart_cpu_s", operatorCpuUntilIdle(0, "restart"));
    Thread.sleep(3000); // the audit log is written in batches of at most a second
    List<AuditLog.Event> writes =
        new AuditLog(env.auditLog())
            .events(
                e ->
                    operatorUser.equals(e.user())
                        && e.isWrite()
                        && !"leases".equals(e.resource())
                        && !"events".equals(e.resource())
                        && !Instant.parse(e.requestReceived()).isBefore(wallStart));
    writes.stream()
        .map(e -> Instant.parse(e.requestReceived()))
        .min(Instant::compareTo)
        .ifPresent(
            at ->
                results.param(
                    "first_write_audit_s", Duration.between(wallStart, at).toMillis() / 1000.0));
    log(
        String.format(
            "restart: ready after %.2f s, first write after %.2f s, all %d namespaces after %.2f"
                + " s",
            operator.secondsToReady(),
            results.get("first_write_s"),
            names.size(),
            seconds(Math.max(copies.lastDoneNanos(), sas.lastDoneNanos()) - started)));
  }

  // ---------------------------------------------------------------- plugin start-up

  private void pluginStartUp() throws Exception {
    Path kubectl = env.kubectlDir().resolve("kubectl");
    Map<String, String> penv = new LinkedHashMap<>();
    penv.put("KUBECONFIG", env.kubeconfig().toString());
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    penv.put(
        "PATH",
        (env.pluginDir() != null ? env.pluginDir() + ":" : "") + env.kubectlDir() + ":" + path);
    List<String> get = List.of("get", "pullcredentialpolicies");
    List<String> list = List.of("pullpolicy", "list");
    List<String> status = List.of("pullpolicy", "status", policy);
    boolean plugin =
        env.pluginDir() != null
            && Files.isExecutable(env.pluginDir().resolve("kubectl-pullpolicy"));
    if (!plugin) {
      log("plugin start-up: no built plugin (kubectl-plugin/target/bin/kubectl-pullpolicy)");
      results.note("plugin", "not built");
    } else {
      // One unmeasured run that also records the plugin's start-up cache now, as the first run
      // after an install would (in the background) from the user's first command.
      Map<String, String> record = new LinkedHashMap<>(penv);
      record.put("PULLPOLICY_CACHE", "sync");
      CommandTimer.run(kubectl, record, status);
    }
    // Interleaved, so that a busy moment of the machine falls on every command alike.
    List<List<String>> commands = plugin ? List.of(get, list, status) : List.of(get);
    Map<List<String>, List<Double>> ms = timeRuns(kubectl, penv, commands, o.pluginRuns());
    results.figure("kubectl_ms", Stats.percentile(ms.get(get), 50));
    if (!plugin) {
      return;
    }
    results.figure("plugin_ms", Stats.percentile(ms.get(list), 50));
    results.figure("plugin_status_ms", Stats.percentile(ms.get(status), 50));
    results.ratio("plugin_ratio", "plugin_ms", "kubectl_ms");
    results.ratio("plugin_status_ratio", "plugin_status_ms", "kubectl_ms");
    results.param("plugin_list_runs_ms", ms.get(list));
    results.param("plugin_status_runs_ms", ms.get(status));
    results.param("kubectl_get_runs_ms", ms.get(get));
    log(
        String.format(
            "start-up: kubectl pullpolicy list %.0f ms, status %.0f ms, kubectl get %.0f ms"
                + " (medians of %d)",
            results.get("plugin_ms"),
            results.get("plugin_status_ms"),
            results.get("kubectl_ms"),
            o.pluginRuns()));
  }

  private Map<List<String>, List<Double>> timeRuns(
      Path kubectl, Map<String, String> penv, List<List<String>> commands, int n) throws Exception {
    Map<List<String>, List<Double>> ms = new LinkedHashMap<>();
    for (List<String> args : commands) {
      CommandTimer.run(kubectl, penv, args); // warm the page cache
      ms.put(args, new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      for (List<String> args : commands) {
        CommandTimer.Result r = CommandTimer.run(kubectl, penv, args);
        if (r.exitCode() > 1) {
          throw new IllegalStateException(
              "kubectl "
                  + String.join(" ", args)
                  + " failed ("
                  + r.exitCode()
                  + "): "
                  + r.stderr());
        }
        ms.get(args).add(r.millis());
      }
    }
    return ms;
  }

  // ---------------------------------------------------------------- clean-up and helpers

  private void cleanUp() {
    if (operator != null) {
      results.param("operator_alive_at_end", operator.isAlive());
      try {
        double[] t = reconcileTimer();
        results.param("reconciles_total", Double.isNaN(t[0]) ? null : (long) t[0]);
        results.param("reconcile_mean_ms", t[0] > 0 ? t[1] / t[0] * 1000 : null);
        // Micrometer's _max decays: it is the longest reconcile of the last few minutes only.
        results.param(
            "reconcile_recent_max_ms",
            operator.metricSum("pullpolicy_reconcile_duration_seconds_max") * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      operator.close();
    }
    if (watches != null) {
      watches.close();
    }
    if (!env.clusterIsDisposable()) {
      log("deleting this run's namespaces and bindings (the cluster is kept)");
      try {
        admin.resource(policyYaml()).delete();
        admin.namespaces().withLabel(RUN_LABEL, run).delete();
        admin.rbac().clusterRoleBindings().withLabel(RUN_LABEL, run).delete();
      } catch (RuntimeException e) {
        log("clean-up failed: " + e);
      }
    }
    admin.close();
  }

  private int operatorWriteConcurrency() throws IOException {
    String fromEnv = System.getenv("PULLPOLICY_WRITE_CONCURRENCY");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Integer.parseInt(fromEnv.trim());
    }
    // The value the built operator ships with: application.properties inside its jar.
    Path lib = env.operatorApp().resolve("app");
    try (var files = Files.list(lib)) {
      for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
        try (JarFile jf = new JarFile(jar.toFile())) {
          var entry = jf.getEntry("application.properties");
          if (entry != null) {
            Properties p = new Properties();
            try (InputStream in = jf.getInputStream(entry)) {
              p.load(in);
            }
            String v = p.getProperty("pullpolicy.write-concurrency");
            if (v != null) {
              return Integer.parseInt(v.trim());
            }
          }
        }
      }
    }
    log("pullpolicy.write-concurrency not found in the operator's jar; assuming 16");
    return 16;
  }

  private Path tokenKubeconfig(String sa) throws IOException {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(systemNs)
            .withName(sa)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(6 * 3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config admin = Config.fromKubeconfig(Files.readString(env.kubeconfig()));
    String ca =
        admin.getCaCertData() != null
            ? admin.getCaCertData()
            : Base64.getEncoder()
                .encodeToString(Files.readAllBytes(Path.of(admin.getCaCertFile())));
    String yaml =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: bench
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: bench
          context:
            cluster: bench
            user: %s
            namespace: %s
        current-context: bench
        """
            .formatted(admin.getMasterUrl(), ca, sa, token, sa, systemNs);
    Path file = env.outDir().resolve(sa + ".kubeconfig");
    Files.createDirectories(env.outDir());
    Files.writeString(file, yaml);
    return file;
  }

  /** A client like the operator's: bounded concurrent requests (fabric8 has no QPS limiter). */
  static KubernetesClient client(Path kubeconfig, int maxConcurrent) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
    config.setRequestTimeout(60_000);
    config.setMaxConcurrentRequests(maxConcurrent);
    config.setMaxConcurrentRequestsPerHost(maxConcurrent / 2);
    // The HTTP client the operator uses (Quarkus's kubernetes-client brings the Vert.x one);
    // BENCH_FLOOR_HTTP=jdk measures the floor with fabric8 on the JDK's HttpClient instead
    // (HTTP/2).
    HttpClient.Factory http =
        "jdk".equals(System.getenv("BENCH_FLOOR_HTTP"))
            ? new JdkHttpClientFactory()
            : new VertxHttpClientFactory();
    return new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(config).build();
  }

  private static List<String> keys(Collection<String> namespaces, String name) {
    return namespaces.stream().map(n -> n + "/" + name).toList();
  }

  private static List<String> saKeys(Collection<String> namespaces) {
    List<String> keys = new ArrayList<>();
    for (String n : namespaces) {
      keys.add(n + "/default");
      keys.add(n + "/" + EXTRA_SA);
    }
    return keys;
  }

  private static boolean hasEntry(ServiceAccount sa, String secret) {
    return sa.getImagePullSecrets() != null
        && sa.getImagePullSecrets().stream().anyMatch(r -> secret.equals(r.getName()));
  }

  private interface NamespaceTask {
    Void apply(String ns) throws Exception;
  }

  private static void parallel(int threads, List<String> items, NamespaceTask task)
      throws Exception {
    List<Callable<Void>> tasks = new ArrayList<>();
    for (String item : items) {
      tasks.add(() -> task.apply(item));
    }
    invokeAll(threads, tasks);
  }

  private static void invokeAll(int threads, List<Callable<Void>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void await(Convergence<?> c, Duration timeout) throws InterruptedException {
    if (!c.await(timeout)) {
      throw new IllegalStateException(
          "timed out after " + timeout + ": " + c.describe() + ", e.g. " + c.pendingSample());
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  static String random(int n) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static void log(String message) {
    System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
}
