package dev.pullpolicy.systemtest.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real node of {@code src/test/cluster/node} joined to the test run's local control plane: its
 * private registry (TLS with its own CA, basic auth), the credentials, the test images' references
 * and a way to change the registry's password.
 */
public final class TestNode implements AutoCloseable {

  /** The line the image {@link #helloImage()} prints, up to the Pod's name. */
  public static final String HELLO_LINE = "hello from the private pullpolicy test image (pod ";

  /** How long {@code node up} may take: a new machine compiles the node's tools first. */
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(60);

  /** How long {@code node up} waits while another test run on this machine holds the node. */
  private static final Duration BUSY_WAIT = Duration.ofMinutes(30);

  private static final Duration DOWN_TIMEOUT = Duration.ofMinutes(3);

  private final TestCluster cluster;
  private final Map<String, String> scriptEnv;
  private final Map<String, String> values;
  private final boolean stopAtEnd;

  private TestNode(
      TestCluster cluster,
      Map<String, String> scriptEnv,
      Map<String, String> values,
      boolean stopAtEnd) {
    this.cluster = cluster;
    this.scriptEnv = scriptEnv;
    this.values = values;
    this.stopAtEnd = stopAtEnd;
  }

  /** Why this machine (or this run) cannot have a node, in one line; empty when it can. */
  static Optional<String> unavailable(Path repoRoot) {
    String external = System.getenv("PULLPOLICY_TEST_KUBECONFIG");
    if ((external != null && !external.isBlank())
        || Boolean.parseBoolean(System.getenv("PULLPOLICY_TEST_K3S"))) {
      return Optional.of(
          "the node joins only the local control plane, not a cluster of"
              + " PULLPOLICY_TEST_KUBECONFIG or k3s");
    }
    CommandResult check =
        TestCluster.run(
            repoRoot,
            Map.of("PULLPOLICY_CLUSTER_DIR", TestCluster.nodeClusterDir(repoRoot).toString()),
            script(),
            "check");
    if (check.exitCode() == 0) {
      return Optional.empty();
    }
    if (check.exitCode() == 3) {
      return Optional.of(check.lastLine());
    }
    throw new IllegalStateException("node check failed:\n" + check.describe());
  }

  /**
   * Starts the node for the cluster (or reuses its running one, which then stays up at the end),
   * waiting while another run on this machine holds it. Stopped when the run ends.
   */
  static TestNode start(TestCluster cluster) {
    Map<String, String> env = env(cluster);
    boolean wasRunning =
        TestCluster.run(cluster.repoRoot(), env, script(), "status").exitCode() == 0;
    TestCluster.log((wasRunning ? "reusing" : "starting") + " the real node");
    long t0 = System.nanoTime();
    String out =
        runShowingProgress(
            cluster.repoRoot(),
            env,
            UP_TIMEOUT.plus(BUSY_WAIT),
            script(),
            "up",
            "--wait",
            Long.toString(BUSY_WAIT.toSeconds()));
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("PULLPOLICY_NODE_") && eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    if (!values.containsKey("PULLPOLICY_NODE_REGISTRY")) {
      throw new IllegalStateException("node up printed no registry:\n" + out);
    }
    TestCluster.log(
        "real node "
            + values.get("PULLPOLICY_NODE_NAME")
            + " up after "
            + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
            + " s, registry "
            + values.get("PULLPOLICY_NODE_REGISTRY"));
    TestNode node = new TestNode(cluster, env, values, !wasRunning);
    cluster.closeAtEnd(node);
    return node;
  }

  private static String script() {
    return "src/test/cluster/node";
  }

  private static Map<String, String> env(TestCluster cluster) {
    return Map.of("PULLPOLICY_CLUSTER_DIR", cluster.localStateDir().orElseThrow().toString());
  }

  /** The registry as images name it: {@code localhost:PORT}. */
  public String registry() {
    return values.get("PULLPOLICY_NODE_REGISTRY");
  }

  /** The CA certificate the registry's TLS certificate is signed with. */
  public Path registryCa() {
    return Path.of(values.get("PULLPOLICY_NODE_REGISTRY_CA"));
  }

  /** The registry's user. */
  public String username() {
    return values.get("PULLPOLICY_NODE_REGISTRY_USER");
  }

  /** The registry's current password (it changes with {@link #changePassword}). */
  public String password() {
    try {
      return Files.readString(Path.of(values.get("PULLPOLICY_NODE_REGISTRY_PASSWORD_FILE")))
          .strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's name. */
  public String nodeName() {
    return values.get("PULLPOLICY_NODE_NAME");
  }

  /**
   * The private image that prints {@link #HELLO_LINE} with its Pod's name, then runs until stopped.
   */
  public String helloImage() {
    return values.get("PULLPOLICY_NODE_HELLO_IMAGE");
  }

  /** A reference to an image of this registry, which need not exist: {@code name:tag}. */
  public String image(String nameAndTag) {
    return registry() + "/pullpolicy/" + nameAndTag;
  }

  /** Everything {@code node up} reported (the output of {@code node env} without the password). */
  public Map<String, String> values() {
    return Map.copyOf(values);
  }

  /** A {@code .dockerconfigjson} with the registry's current credentials. */
  public String dockerConfigJson() {
    return dockerConfigJson(username(), password());
  }

  /** A {@code .dockerconfigjson} for this registry with the given credentials. */
  public String dockerConfigJson(String user, String password) {
    return dockerConfigJson(registry(), user, password);
  }

  /** A {@code .dockerconfigjson} for any registry key with the given credentials. */
  public static String dockerConfigJson(String registryKey, String user, String password) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.putObject("auths")
        .putObject(registryKey)
        .put("username", user)
        .put("password", password)
        .put(
            "auth",
            Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    return root.toString();
  }

  /**
   * Changes the registry's password. Returns when the registry accepts the new password and refuses
   * the old one (it rereads its htpasswd file when the file changes; no restart).
   */
  public void changePassword(String newPassword) {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(script(), "set-password")
              .directory(cluster.repoRoot().toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(scriptEnv);
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write((newPassword + "\n").getBytes(StandardCharsets.UTF_8));
      }
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("node set-password failed: " + err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Removes the image from the node's runtime, so that the next Pod using it must pull it. The
   * kubelet lets a Pod whose credential already pulled an image use it without a pull, so a test
   * that proves a pull starts from here, whatever ran before it.
   */
  public void forgetImage(String image) {
    CommandResult r = script("forget-image", image);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("node forget-image failed:\n" + r.describe());
    }
  }

  /**
   * Runs {@code src/test/cluster/node} with these arguments for this node's state folder (e.g.
   * {@code status}, {@code down}, {@code up}); for tests of the script itself.
   */
  public CommandResult script(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = script();
    System.arraycopy(args, 0, command, 1, args.length);
    return TestCluster.run(cluster.repoRoot(), scriptEnv, UP_TIMEOUT, command);
  }

  /**
   * GETs {@code path} (e.g. {@code /metrics/probes}) from the kubelet's own API, as the API server
   * does: with its kubelet client certificate, checking the kubelet's serving certificate against
   * the cluster CA. (The API server's node proxy refuses the loopback address the kubelet serves
   * on.)
   */
  public String kubeletGet(String path) {
    Path pki = cluster.localStateDir().orElseThrow().resolve("pki");
    CommandResult r =
        TestCluster.run(
            cluster.repoRoot(),
            Map.of(),
            "curl",
            "-fsS",
            "--max-time",
            "20",
            "--cacert",
            pki.resolve("ca.crt").toString(),
            "--cert",
            pki.resolve("apiserver-kubelet-client.crt").toString(),
            "--key",
            pki.resolve("apiserver-kubelet-client.key").toString(),
            "https://127.0.0.1:" + values.get("PULLPOLICY_NODE_KUBELET_PORT") + path);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("GET " + path + " from the kubelet failed:\n" + r.describe());
    }
    return r.stdout();
  }

  /** The state folder of the control plane this node joined ({@code PULLPOLICY_CLUSTER_DIR}). */
  public Path clusterDir() {
    return cluster.localStateDir().orElseThrow();
  }

  /** Stops the node unless it ran before this test run started. */
  @Override
  public void close() {
    if (!stopAtEnd) {
      return;
    }
    TestCluster.log("stopping the real node");
    CommandResult down =
        TestCluster.run(cluster.repoRoot(), scriptEnv, DOWN_TIMEOUT, script(), "down");
    if (down.exitCode() != 0) {
      TestCluster.log("node down failed:\n" + down.describe());
    }
  }

  /** Runs a command whose progress (stderr) goes to the console; returns its stdout. */
  private static String runShowingProgress(
      Path dir, Map<String, String> env, Duration timeout, String... command) {
    try {
      Path out = Files.createTempFile("node", ".out");
      try {
        ProcessBuilder pb =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
          p.destroy();
          throw new IllegalStateException("timed out after " + timeout + ": node up");
        }
        String stdout = Files.readString(out);
        if (p.exitValue() == 4) {
          throw new IllegalStateException(
              "the machine's node stayed busy (another test run holds it) for " + BUSY_WAIT);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(
              "node up failed (exit " + p.exitValue() + "); its messages are above");
        }
        return stdout;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "real node " + nodeName() + " (registry " + registry() + ")";
  }
}
