package dev.pullpolicy.systemtest.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real cluster for one test run: an admin client, the admin kubeconfig, the real kubectl, the API
 * server's audit log (local control plane only) and helpers that keep tests apart.
 */
public final class TestCluster implements AutoCloseable {

  /** Label on every namespace a test creates: the id of this test run. */
  public static final String TEST_RUN_LABEL = "pullpolicy.dev/test-run";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(60);

  private final Path repoRoot;
  private final Path kubeconfig;
  private final Path binDir;
  private final Optional<Path> auditLog;
  private final Optional<Path> localStateDir;
  private final KubernetesClient client;
  private final String runId;
  private final Path workDir;
  private final Deque<AutoCloseable> closeables = new ConcurrentLinkedDeque<>();
  private final AtomicInteger files = new AtomicInteger();
  private final Runnable stop;
  private final Thread shutdownHook;
  private volatile boolean closed;
  private boolean nodeCluster;

  private TestCluster(
      Path repoRoot,
      Path kubeconfig,
      Path binDir,
      Optional<Path> localStateDir,
      Optional<Path> auditLog,
      Runnable stop) {
    this.repoRoot = repoRoot;
    this.kubeconfig = kubeconfig;
    this.binDir = binDir;
    this.localStateDir = localStateDir;
    this.auditLog = auditLog;
    this.stop = stop;
    this.runId = randomSuffix(8);
    this.workDir = repoRoot.resolve("src/test/target/system-test-files");
    this.client = newClient(kubeconfig);
    this.shutdownHook = new Thread(this::close, "test-cluster-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * The state folder of the local control plane that the real node joins: beside the shared one,
   * {@code <PULLPOLICY_CLUSTER_DIR or target/test-cluster>-node}.
   */
  static Path nodeClusterDir(Path root) {
    Path shared = localClusterDir(root);
    return shared.resolveSibling(shared.getFileName() + "-node");
  }

  private static Path localClusterDir(Path root) {
    String dirEnv = System.getenv("PULLPOLICY_CLUSTER_DIR");
    return dirEnv != null && !dirEnv.isBlank()
        ? Path.of(dirEnv).toAbsolutePath()
        : root.resolve("target/test-cluster");
  }

  /**
   * Starts the local control plane of {@link #nodeClusterDir} for the real node ({@code cluster up
   * --node}: Pods reach its API server through the {@code kubernetes} Service) and installs the
   * CRD.
   */
  static TestCluster startForNode() {
    Path root = findRepoRoot();
    Path bin = buildBinaries(root);
    TestCluster cluster = startLocal(root, bin, nodeClusterDir(root), true);
    cluster.installCrd();
    return cluster;
  }

  /**
   * Starts a local control plane of its own, beside the shared one ({@code <shared state
   * folder>-<name>}), with extra kube-apiserver flags ({@code PULLPOLICY_APISERVER_ARGS}), and
   * installs the CRD. The caller closes it (which stops it); for tests of a differently configured
   * API server, e.g. one without an API.
   */
  public static TestCluster startSeparate(String name, String apiServerArgs) {
    Path root = findRepoRoot();
    Path bin = buildBinaries(root);
    Path shared = localClusterDir(root);
    TestCluster cluster =
        startLocal(
            root,
            bin,
            shared.resolveSibling(shared.getFileName() + "-" + name),
            false,
            Map.of("PULLPOLICY_APISERVER_ARGS", apiServerArgs));
    cluster.installCrd();
    return cluster;
  }

  /** Starts (or connects to) the cluster this run uses and installs the CRD. */
  static TestCluster start() {
    Path root = findRepoRoot();
    Path bin = buildBinaries(root);
    TestCluster cluster;
    String external = System.getenv("PULLPOLICY_TEST_KUBECONFIG");
    if (external != null && !external.isBlank()) {
      log("using the cluster of PULLPOLICY_TEST_KUBECONFIG=" + external);
      cluster =
          new TestCluster(
              root, Path.of(external), bin, Optional.empty(), Optional.empty(), () -> {});
    } else if (Boolean.parseBoolean(System.getenv("PULLPOLICY_TEST_K3S"))) {
      cluster = K3sCluster.start(root, bin);
    } else {
      cluster = startLocal(root, bin, localClusterDir(root), false);
    }
    cluster.installCrd();
    return cluster;
  }

  /**
   * The control-plane binaries' folder. On a new machine this compiles them first (minutes): the
   * progress goes straight to the console.
   */
  private static Path buildBinaries(Path root) {
    try {
      Process p =
          new ProcessBuilder("src/test/cluster/cluster", "bin")
              .directory(root.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (!p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("building the control-plane binaries failed");
      }
      return Path.of(out.substring(out.lastIndexOf('\n') + 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static TestCluster create(
      Path root, Path kubeconfig, Path bin, Optional<Path> auditLog, Runnable stop) {
    return new TestCluster(root, kubeconfig, bin, Optional.empty(), auditLog, stop);
  }

  private static TestCluster startLocal(Path root, Path bin, Path state, boolean forNode) {
    return startLocal(root, bin, state, forNode, Map.of());
  }

  private static TestCluster startLocal(
      Path root, Path bin, Path state, boolean forNode, Map<String, String> extraEnv) {
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put("PULLPOLICY_CLUSTER_DIR", state.toString());
    boolean wasRunning = run(root, env, "src/test/cluster/cluster", "status").exitCode() == 0;
    log((wasRunning ? "reusing" : "starting") + " the local control plane in " + state);
    CommandResult up =
        forNode
            ? run(root, env, "src/test/cluster/cluster", "up", "--fresh", "--node")
            : run(root, env, "src/test/cluster/cluster", "up", "--fresh");
    if (up.exitCode() != 0) {
      throw new IllegalStateException("cluster up failed:\n" + up.describe());
    }
    Runnable stop =
        wasRunning
            ? () -> {}
            : () -> {
              log("stopping the local control plane");
              run(root, env, "src/test/cluster/cluster", "down");
            };
    TestCluster cluster =
        new TestCluster(
            root,
            Path.of(up.lastLine()),
            bin,
            Optional.of(state),
            Optional.of(state.resolve("audit.log")),
            stop);
    cluster.nodeCluster = forNode;
    return cluster;
  }

  private void installCrd() {
    Path crd = repoRoot.resolve("crds/pullcredentialpolicies.yaml");
    try (InputStream in = Files.newInputStream(crd)) {
      List<HasMetadata> items = client.load(in).items();
      for (HasMetadata item : items) {
        client.resource(item).forceConflicts().serverSideApply();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(item.getMetadata().getName())
            .waitUntilCondition(
                c ->
                    c != null
                        && c.getStatus() != null
                        && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream()
                            .anyMatch(
                                x ->
                                    "Established".equals(x.getType())
                                        && "True".equals(x.getStatus())),
                60,
                TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin client. */
  public KubernetesClient client() {
    return client;
  }

  /** The admin kubeconfig. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** The repository's root folder. */
  public Path repoRoot() {
    return repoRoot;
  }

  /** The real kubectl, built from source beside the control plane. */
  public Path kubectlBinary() {
    return binDir.resolve("kubectl");
  }

  /**
   * The folder with etcd, kube-apiserver, kube-controller-manager, kubectl, kubelet,
   * kube-scheduler.
   */
  public Path binDir() {
    return binDir;
  }

  /** The API server's audit log (JSON lines, metadata level); only for the local control plane. */
  public Optional<Path> auditLog() {
    return auditLog;
  }

  /** True for the local control plane of {@code src/test/cluster/cluster}, which tests may stop. */
  public boolean isLocal() {
    return localStateDir.isPresent();
  }

  /**
   * Kills the local kube-apiserver (SIGKILL), keeps it down for {@code down}, starts it again with
   * the same arguments and returns when it is ready ({@code cluster restart-apiserver}).
   */
  public void restartApiServer(Duration down) {
    Path state =
        localStateDir.orElseThrow(() -> new IllegalStateException("not the local cluster"));
    CommandResult r =
        run(
            repoRoot,
            Map.of("PULLPOLICY_CLUSTER_DIR", state.toString()),
            "src/test/cluster/cluster",
            "restart-apiserver",
            Long.toString(down.toSeconds()));
    if (r.exitCode() != 0) {
      throw new IllegalStateException("cluster restart-apiserver failed:\n" + r.describe());
    }
  }

  /**
   * The state folder of the local control plane ({@code PULLPOLICY_CLUSTER_DIR}); empty for a
   * cluster of {@code PULLPOLICY_TEST_KUBECONFIG} or k3s.
   */
  public Optional<Path> localStateDir() {
    return localStateDir;
  }

  /** True for the control plane that the real node joins (the tests marked {@link NeedsNode}). */
  public boolean isNodeCluster() {
    return nodeCluster;
  }

  /** The id of this test run, the value of {@link #TEST_RUN_LABEL}. */
  public String runId() {
    return runId;
  }

  /** A name that no other test uses: {@code prefix-xxxxxx}, at most 63 characters. */
  public String uniqueName(String prefix) {
    String p = prefix.length() > 55 ? prefix.substring(0, 55) : prefix;
    return p + "-" + randomSuffix(6);
  }

  /** Creates a uniquely named namespace and returns its name. */
  public String newNamespace(String prefix) {
    return newNamespace(prefix, Map.of());
  }

  /** Creates a uniquely named namespace with extra labels and returns its name. */
  public String newNamespace(String prefix, Map<String, String> labels) {
    return newNamespace(prefix, labels, Map.of());
  }

  /** Creates a uniquely named namespace with extra labels and annotations; returns its name. */
  public String newNamespace(
      String prefix, Map<String, String> labels, Map<String, String> annotations) {
    String name = uniqueName(prefix);
    createNamespace(name, labels, annotations);
    return name;
  }

  /**
   * Creates a namespace with exactly this name (and the test run's label), e.g. one a policy named
   * before it existed.
   */
  public void createNamespace(
      String name, Map<String, String> labels, Map<String, String> annotations) {
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put(TEST_RUN_LABEL, runId);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(all)
                .withAnnotations(annotations.isEmpty() ? null : annotations)
                .endMetadata()
                .build())
        .create();
  }

  /** Writes a file of this run (e.g. manifests for kubectl apply) and returns its path. */
  public Path writeFile(String name, String content) {
    try {
      Files.createDirectories(workDir);
      Path file = workDir.resolve(files.incrementAndGet() + "-" + name);
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the real kubectl with the admin kubeconfig and the built plugin first on PATH. */
  public CommandResult kubectl(String... args) {
    return kubectl(Map.of(), args);
  }

  /** Runs the real kubectl; {@code env} adds to (or overrides, e.g. KUBECONFIG) its environment. */
  public CommandResult kubectl(Map<String, String> env, String... args) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("KUBECONFIG", kubeconfig.toString());
    all.put(
        "PATH",
        repoRoot.resolve("kubectl-plugin/target/bin")
            + ":"
            + binDir
            + ":"
            + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    all.putAll(env);
    List<String> command = new ArrayList<>();
    command.add(kubectlBinary().toString());
    command.addAll(List.of(args));
    return run(repoRoot, all, command.toArray(String[]::new));
  }

  /**
   * Runs a shell command line (e.g. one the plugin printed for users to run) with the environment
   * of {@link #kubectl}: the admin kubeconfig, the matching kubectl and the plugin on PATH.
   */
  public CommandResult shell(String commandLine) {
    return run(
        repoRoot,
        Map.of(
            "KUBECONFIG",
            kubeconfig.toString(),
            "PATH",
            repoRoot.resolve("kubectl-plugin/target/bin")
                + ":"
                + binDir
                + ":"
                + System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
        "sh",
        "-c",
        commandLine);
  }

  /**
   * A kubeconfig that authenticates as a ServiceAccount, with a token from the TokenRequest API
   * (valid for an hour).
   */
  public Path kubeconfigForServiceAccount(String namespace, String name) {
    TokenRequest request =
        client
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(name)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build());
    io.fabric8.kubernetes.api.model.Config config = adminKubeconfig();
    NamedAuthInfo user = currentUser(config);
    user.setName("sa-" + namespace + "-" + name);
    user.setUser(new io.fabric8.kubernetes.api.model.AuthInfo());
    user.getUser().setToken(request.getStatus().getToken());
    config.getContexts().forEach(c -> c.getContext().setUser(user.getName()));
    config.setUsers(List.of(user));
    return writeKubeconfig("sa-" + namespace + "-" + name, config);
  }

  /** A kubeconfig that impersonates a user (and groups) through the admin credentials. */
  public Path kubeconfigAs(String user, String... groups) {
    io.fabric8.kubernetes.api.model.Config config = adminKubeconfig();
    NamedAuthInfo auth = currentUser(config);
    auth.getUser().setAs(user);
    auth.getUser().setAsGroups(List.of(groups));
    return writeKubeconfig("as-" + user, config);
  }

  /**
   * A client for a kubeconfig made by {@link #kubeconfigAs} or {@link
   * #kubeconfigForServiceAccount}.
   */
  public KubernetesClient clientFor(Path kubeconfigFile) {
    KubernetesClient c = newClient(kubeconfigFile);
    closeables.push(c);
    return c;
  }

  /** Closes {@code resource} when the run ends (before the cluster stops). */
  public void closeAtEnd(AutoCloseable resource) {
    closeables.push(resource);
  }

  private io.fabric8.kubernetes.api.model.Config adminKubeconfig() {
    try {
      return Serialization.unmarshal(
          Files.readString(kubeconfig), io.fabric8.kubernetes.api.model.Config.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NamedAuthInfo currentUser(io.fabric8.kubernetes.api.model.Config config) {
    String context = config.getCurrentContext();
    String userName =
        config.getContexts().stream()
            .filter(c -> c.getName().equals(context))
            .findFirst()
            .orElseThrow()
            .getContext()
            .getUser();
    NamedAuthInfo user =
        config.getUsers().stream()
            .filter(u -> u.getName().equals(userName))
            .findFirst()
            .orElseThrow();
    config.setUsers(List.of(user));
    return user;
  }

  private Path writeKubeconfig(String name, io.fabric8.kubernetes.api.model.Config config) {
    try {
      Files.createDirectories(workDir);
      Path file = workDir.resolve(name + "-" + files.incrementAndGet() + ".kubeconfig");
      Files.writeString(file, Serialization.asYaml(config));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // closing from the hook itself
    }
    AutoCloseable c;
    while ((c = closeables.poll()) != null) {
      try {
        c.close();
      } catch (Exception e) {
        log("closing " + c + " failed: " + e);
      }
    }
    if (auditLog.isEmpty()) {
      // A cluster we do not stop keeps running: take our namespaces away.
      client.namespaces().withLabel(TEST_RUN_LABEL, runId).delete();
    }
    client.close();
    stop.run();
  }

  private static KubernetesClient newClient(Path kubeconfig) {
    try {
      String yaml = Files.readString(kubeconfig);
      Config config = Config.fromKubeconfig(yaml);
      config.setRequestTimeout(30_000);
      // kubectl honours a user's "as"/"as-groups"; fabric8's kubeconfig loader does not.
      var user =
          currentUser(Serialization.unmarshal(yaml, io.fabric8.kubernetes.api.model.Config.class))
              .getUser();
      if (user.getAs() != null) {
        config.setImpersonateUsername(user.getAs());
        config.setImpersonateGroups(
            user.getAsGroups() == null ? new String[0] : user.getAsGroups().toArray(String[]::new));
      }
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path findRepoRoot() {
    String root = System.getProperty("pullpolicy.root");
    Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("src/test/cluster/cluster"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the repository root (src/test/cluster/cluster)");
    }
    return p.toAbsolutePath().normalize();
  }

  /** Runs a command in {@code dir} and waits for it, output captured through files. */
  static CommandResult run(Path dir, Map<String, String> env, String... command) {
    return run(dir, env, COMMAND_TIMEOUT, command);
  }

  static CommandResult run(Path dir, Map<String, String> env, Duration timeout, String... command) {
    try {
      Path out = Files.createTempFile("cmd", ".out");
      Path err = Files.createTempFile("cmd", ".err");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(
              "timed out after " + timeout + ": " + String.join(" ", command));
        }
        return new CommandResult(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String randomSuffix(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static void log(String message) {
    System.err.println("[test-cluster] " + message);
  }
}
