package dev.pullpolicy.systemtest.node;

import static dev.pullpolicy.systemtest.node.NodeFixtures.awaitPullSecrets;
import static dev.pullpolicy.systemtest.node.NodeFixtures.registryPolicy;
import static dev.pullpolicy.systemtest.support.Workloads.awaitPodOf;
import static dev.pullpolicy.systemtest.support.Workloads.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.systemtest.node.NodeFixtures.RegistryPolicy;
import dev.pullpolicy.systemtest.support.AuditLog;
import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.NeedsNode;
import dev.pullpolicy.systemtest.support.OperatorImage;
import dev.pullpolicy.systemtest.support.OperatorProcess;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import dev.pullpolicy.systemtest.support.TestNode;
import dev.pullpolicy.systemtest.support.Workloads;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator as users run it, on the real node. Its image is built by the project's build
 * (Quarkus with Jib, on a base image assembled here) and pushed to the node's private registry; it
 * is installed with {@code kubectl apply -f crds/} and {@code kubectl apply -k} of an overlay that
 * takes {@code deploy/} as it is, points the image at that registry and gives the operator's
 * ServiceAccount a pull Secret for it ({@code src/test/deploy-overlay/}). The Deployment's two
 * replicas then run under the restricted Pod Security profile, as a non-root user on a read-only
 * root filesystem, answer the kubelet's probes, elect one leader, serve their metrics through their
 * Service, and reconcile a policy with the in-cluster ServiceAccount, through the {@code
 * kubernetes} Service (kube-proxy), whose copy then lets a Pod pull the private image.
 *
 * <p>No other operator acts meanwhile: the run's shared operator of the node's control plane is
 * stopped first (the next test that asks for it starts it again), and the installation is removed
 * when the class ends.
 */
@SystemTest
@NeedsNode
class InstalledOperatorIT {

  private static final String NS = "pullpolicy-system";
  private static final String SERVICE_ACCOUNT = "pullpolicy-operator";
  private static final String DEPLOYMENT = "pullpolicy-operator";
  private static final String LEASE = "pullpolicy-operator";
  private static final String METRICS_SERVICE = "pullpolicy-operator-metrics";
  private static final String CONTAINER = "operator";
  private static final String USER = "system:serviceaccount:" + NS + ":" + SERVICE_ACCOUNT;
  private static final String PULL_SECRET = "pullpolicy-node-registry";
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static Path overlay;
  private static OperatorImage image;
  private static final List<String> policies = new ArrayList<>();

  @BeforeAll
  static void buildTheImageAndInstallTheOperator(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    OperatorProcess.stopShared(cluster);
    image = OperatorImage.of(node);
    overlay = writeOverlay(cluster, node, image);

    long t0 = System.nanoTime();
    CommandResult crds =
        cluster.kubectl("apply", "-f", cluster.repoRoot().resolve("crds").toString());
    assertThat(crds.exitCode()).as(crds.describe()).isZero();
    CommandResult applied = cluster.kubectl("apply", "-k", overlay.toString());
    assertThat(applied.exitCode()).as(applied.describe()).isZero();
    assertThat(applied.stdout())
        .contains("deployment.apps/" + DEPLOYMENT + " ")
        .contains("service/" + METRICS_SERVICE + " ")
        .contains("validatingadmissionpolicy.admissionregistration.k8s.io/");
    try {
      await()
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(() -> operatorDeployment(client), InstalledOperatorIT::allReplicasReady);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the Deployment did not get 2 Ready replicas:\n" + diagnosis(cluster, client), e);
    }
    Duration ready = Duration.ofNanos(System.nanoTime() - t0);
    System.err.printf(
        "[deploy] image %s built and pushed in %d s; kubectl apply -> 2 of 2 replicas Ready in %d"
            + " ms; %s%n",
        image.reference(),
        image.buildTime().toSeconds(),
        ready.toMillis(),
        pulledEvent(client).orElse("no Pulled event"));
  }

  @Test
  void theNamespaceEnforcesRestrictedPodSecurityAndAdmitsTheOperatorsPods(KubernetesClient client) {
    assertThat(client.namespaces().withName(NS).get().getMetadata().getLabels())
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertThat(operatorPods(client)).hasSize(2).allMatch(p -> "Running".equals(phase(p)));

    // Enforced, not only labelled: a Pod that breaks the profile is refused at admission.
    Pod privileged =
        new PodBuilder()
            .withNewMetadata()
            .withName("breaks-restricted")
            .withNamespace(NS)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(operatorPods(client).get(0).getSpec().getContainers().get(0).getImage())
            .withNewSecurityContext()
            .withPrivileged(true)
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(() -> client.resource(privileged).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("violates PodSecurity \"restricted:latest\"")
        .hasMessageContaining("privileged");
  }

  @Test
  void theOperatorRunsAsANonRootUserOnAReadOnlyRootFilesystem(KubernetesClient client)
      throws IOException {
    for (Pod pod : operatorPods(client)) {
      ContainerStatus status = operatorStatus(pod);
      // What the runtime reports, and what the kernel says of the container's process.
      assertThat(status.getUser().getLinux().getUid()).isEqualTo(185L);
      long pid = processOf(status.getContainerID());
      assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")))
          .as("the operator's process in %s", pod.getMetadata().getName())
          .contains("Uid:\t185\t185\t185\t185");
      String root =
          Files.readAllLines(Path.of("/proc/" + pid + "/mountinfo")).stream()
              .map(l -> l.split(" "))
              .filter(f -> f[4].equals("/"))
              .map(f -> f[5])
              .findFirst()
              .orElseThrow();
      assertThat(root)
          .as("mount options of / in %s", pod.getMetadata().getName())
          .startsWith("ro,");
    }
  }

  /**
   * The image's JVM starts from the AOT cache made with it (JDK 25): both replicas' processes have
   * it mapped, which the JVM keeps only when the cache matches its build, jars and options.
   */
  @Test
  void bothReplicasStartFromTheImagesAotCache(KubernetesClient client) throws IOException {
    Assumptions.assumeFalse(
        image.aotCache().isEmpty(), "the image's runtime is older than Java 25: no AOT cache");
    for (Pod pod : operatorPods(client)) {
      long pid = processOf(operatorStatus(pod).getContainerID());
      // When it does not use the cache the JVM says why in its first lines ("[aot]", "AOT cache").
      String said =
          client
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .getLog()
              .lines()
              .filter(l -> l.toLowerCase(Locale.ROOT).contains("aot"))
              .limit(5)
              .collect(Collectors.joining("\n"));
      assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/maps")))
          .as(
              "the memory map of the operator's process in %s (its log about the cache: %s)",
              pod.getMetadata().getName(), said)
          .anyMatch(l -> l.endsWith(" " + image.aotCache()));
    }
  }

  @Test
  void theKubeletProbesBothReplicasAndTheyAnswer(KubernetesClient client, TestNode node) {
    List<Pod> pods = operatorPods(client);
    assertThat(pods)
        .hasSize(2)
        .allSatisfy(
            p ->
                assertThat(p.getStatus().getConditions())
                    .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")));
    // The liveness probe starts 30 s after the container (initialDelaySeconds): wait for it.
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              String metrics = node.kubeletGet("/metrics/probes");
              for (Pod pod : pods) {
                for (String probe : List.of("Startup", "Readiness", "Liveness")) {
                  assertThat(probeCount(metrics, pod, probe, "successful"))
                      .as("%s probes of %s that succeeded", probe, pod.getMetadata().getName())
                      .isPositive();
                }
              }
            });
    String metrics = node.kubeletGet("/metrics/probes");
    for (Pod pod : pods) {
      assertThat(probeCount(metrics, pod, "Liveness", "failed")).isZero();
      assertThat(probeCount(metrics, pod, "Readiness", "failed")).isZero();
    }
    assertThat(operatorPods(client))
        .allSatisfy(p -> assertThat(operatorStatus(p).getRestartCount()).isZero());
  }

  @Test
  void exactlyOneReplicaLeadsAndTheOtherWaitsReady(TestCluster cluster, KubernetesClient client) {
    List<String> names = operatorPods(client).stream().map(p -> p.getMetadata().getName()).toList();
    Lease lease =
        await()
            .atMost(TIMEOUT)
            .until(
                () -> client.leases().inNamespace(NS).withName(LEASE).get(),
                l -> l != null && names.contains(l.getSpec().getHolderIdentity()));
    String leader = lease.getSpec().getHolderIdentity();
    String follower = names.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();

    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(log(cluster, leader)).contains("Started event processing");
              // The other one knows the leader, is Ready, and does not process events.
              String waiting = log(cluster, follower);
              assertThat(waiting)
                  .contains("New leader with identity: " + leader)
                  .doesNotContain("Started event processing");
            });
    Pod other = client.pods().inNamespace(NS).withName(follower).get();
    assertThat(other.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  @Test
  void theMetricsServiceServesThePoliciesMetrics(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = policy(cluster, client, node);
    String ns = cluster.newNamespace("installed-metrics", policy.selects());
    awaitPullSecrets(client, ns, "default", List.of(policy.name()));

    // Both Ready replicas stand behind the Service.
    List<String> podIps = operatorPods(client).stream().map(p -> p.getStatus().getPodIP()).toList();
    await()
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(NS)
                            .withLabel("kubernetes.io/service-name", METRICS_SERVICE)
                            .list()
                            .getItems()
                            .stream()
                            .flatMap(s -> s.getEndpoints().stream())
                            .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                            .map(Endpoint::getAddresses)
                            .flatMap(List::stream)
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(podIps));
    // Through the API server's service proxy, as a Prometheus inside the cluster would: the
    // Service picks a replica per request, and only the leader has reconciled the policy.
    String path =
        "/api/v1/namespaces/" + NS + "/services/" + METRICS_SERVICE + ":8080/proxy/q/metrics";
    String metrics =
        await()
            .atMost(TIMEOUT)
            .pollInterval(Duration.ofMillis(300))
            .until(
                () -> client.raw(path),
                m -> m != null && m.contains("policy=\"" + policy.name() + "\""));
    assertThat(metrics.lines())
        .anyMatch(
            l -> l.startsWith("pullpolicy_") && l.contains("policy=\"" + policy.name() + "\""))
        .anyMatch(l -> l.startsWith("jvm_memory_used_bytes"));
  }

  @Test
  void aPolicyIsReconciledFromInsideTheClusterAndAPodPullsThroughTheCopy(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    // The author admission policies came with the same kubectl apply, and admit the admin.
    for (String vap :
        List.of("pullpolicy-author-may-read-sources", "pullpolicy-author-may-adopt")) {
      CommandResult got =
          cluster.kubectl(
              "get",
              "validatingadmissionpolicy,validatingadmissionpolicybinding",
              vap,
              "-o",
              "name");
      assertThat(got.exitCode()).as(got.describe()).isZero();
    }
    RegistryPolicy policy = policy(cluster, client, node);
    String ns = cluster.newNamespace("installed-app", policy.selects());

    awaitPullSecrets(client, ns, "default", List.of(policy.name()));
    assertThat(client.secrets().inNamespace(ns).withName(policy.name()).get().getType())
        .isEqualTo("kubernetes.io/dockerconfigjson");
    // Written by the operator's in-cluster ServiceAccount, and by nobody else.
    AuditLog audit = new AuditLog(cluster.auditLog().orElseThrow());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        audit.events(
                            e ->
                                e.isWrite()
                                    && e.code() < 300
                                    && ns.equals(e.namespace())
                                    && e.resource().equals("secrets")))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.user()).isEqualTo(USER))
                    .anyMatch(e -> e.verb().equals("create") && e.name().equals(policy.name())));
    // The entry came either with the ServiceAccount's creation (the admission policy that came
    // with deploy/, which records it in its annotation) or from the operator's own write; nobody
    // else wrote the ServiceAccount.
    List<AuditLog.Event> saWrites =
        audit.events(
            e ->
                e.isWrite()
                    && e.code() < 300
                    && ns.equals(e.namespace())
                    && e.resource().equals("serviceaccounts")
                    && e.name().equals("default"));
    assertThat(saWrites)
        .allSatisfy(e -> assertThat(e.user()).isIn(USER, "system:kube-controller-manager"));
    Map<String, String> saAnnotations =
        client
            .serviceAccounts()
            .inNamespace(ns)
            .withName("default")
            .get()
            .getMetadata()
            .getAnnotations();
    boolean bornWithIt =
        saAnnotations != null
            && saAnnotations
                .getOrDefault("pullpolicy.dev/image-pull-secrets", "")
                .contains(policy.name());
    if (!bornWithIt) {
      assertThat(saWrites)
          .as("without the admission policy's record, the operator wrote the entry")
          .anyMatch(e -> e.user().equals(USER) && !e.verb().equals("create"));
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () -> client.resources(PullCredentialPolicy.class).withName(policy.name()).get(),
            p ->
                p.getStatus() != null
                    && p.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> c.getType().equals("Ready") && c.getStatus().equals("True")));

    deployment(client, ns, "hello", node.helloImage(), null);
    Pod pod = awaitPodOf(client, ns, "hello", Workloads::running);
    assertThat(pod.getSpec().getImagePullSecrets())
        .singleElement()
        .satisfies(r -> assertThat(r.getName()).isEqualTo(policy.name()));
    CommandResult logs = cluster.kubectl("logs", "-n", ns, "deploy/hello");
    assertThat(logs.exitCode()).as(logs.describe()).isZero();
    assertThat(logs.stdout())
        .startsWith(TestNode.HELLO_LINE + pod.getMetadata().getName() + ") at ");
  }

  /**
   * Deletes this class's policies while the installed operator still runs (it removes their
   * finalizers), then the installation; returns when the operator's Pods are gone.
   */
  @AfterAll
  static void uninstall(TestCluster cluster, KubernetesClient client) {
    for (String name : policies) {
      client.resources(PullCredentialPolicy.class).withName(name).delete();
    }
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                policies.stream()
                    .allMatch(
                        n ->
                            client.resources(PullCredentialPolicy.class).withName(n).get()
                                == null));
    if (overlay != null) {
      CommandResult deleted =
          cluster.kubectl("delete", "-k", overlay.toString(), "--wait=false", "--ignore-not-found");
      assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
      await().atMost(TIMEOUT).until(() -> operatorPods(client).isEmpty());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The run's layer over {@code src/test/deploy-overlay/}: the image in the node's registry, pinned
   * by digest, and the pull Secret with the registry's current credentials. Written under {@code
   * src/test/target/}.
   */
  private static Path writeOverlay(TestCluster cluster, TestNode node, OperatorImage image) {
    try {
      Path dir = cluster.repoRoot().resolve("src/test/target/deploy-overlay");
      Files.createDirectories(dir);
      Path secret = dir.resolve("registry.dockerconfigjson");
      Files.deleteIfExists(secret);
      Files.createFile(
          secret,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(secret, node.dockerConfigJson());
      String base =
          dir.relativize(cluster.repoRoot().resolve("src/test/deploy-overlay")).toString();
      Files.writeString(
          dir.resolve("kustomization.yaml"),
          """
          # Written by InstalledOperatorIT for this run's node: its registry and credentials.
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources:
            - %s
          images:
            - name: pullpolicy/pullpolicy-operator
              newName: %s
              digest: %s
          secretGenerator:
            - name: %s
              namespace: %s
              type: kubernetes.io/dockerconfigjson
              files: [.dockerconfigjson=registry.dockerconfigjson]
          generatorOptions:
            disableNameSuffixHash: true
          """
              .formatted(base, image.name(), image.digest(), PULL_SECRET, NS));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RegistryPolicy policy(
      TestCluster cluster, KubernetesClient client, TestNode node) {
    RegistryPolicy policy = registryPolicy(cluster, client, node);
    policies.add(policy.name());
    return policy;
  }

  private static Deployment operatorDeployment(KubernetesClient client) {
    return client.apps().deployments().inNamespace(NS).withName(DEPLOYMENT).get();
  }

  private static boolean allReplicasReady(Deployment d) {
    return d != null
        && d.getStatus() != null
        && Objects.equals(d.getStatus().getReadyReplicas(), 2)
        && Objects.equals(d.getStatus().getUpdatedReplicas(), 2)
        && Objects.equals(d.getStatus().getReplicas(), 2);
  }

  private static List<Pod> operatorPods(KubernetesClient client) {
    return client
        .pods()
        .inNamespace(NS)
        .withLabel("app.kubernetes.io/component", "operator")
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .toList();
  }

  private static ContainerStatus operatorStatus(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(c -> c.getName().equals(CONTAINER))
        .findFirst()
        .orElseThrow();
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null ? null : pod.getStatus().getPhase();
  }

  private static String log(TestCluster cluster, String pod) {
    CommandResult r = cluster.kubectl("logs", "-n", NS, pod, "-c", CONTAINER);
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return r.stdout();
  }

  /** The process of a container on this machine (the real node), found by its cgroup. */
  private static long processOf(String containerId) throws IOException {
    String id = containerId.substring(containerId.indexOf("://") + 3);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> contains(p.resolve("cgroup"), id) && contains(p.resolve("comm"), "java"))
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no java process in container " + id));
    }
  }

  private static boolean contains(Path file, String text) {
    try {
      return Files.readString(file).contains(text);
    } catch (IOException gone) {
      return false;
    }
  }

  /** {@code prober_probe_total} of the kubelet for a Pod's operator container. */
  private static long probeCount(String metrics, Pod pod, String probe, String result) {
    Pattern line = Pattern.compile("^prober_probe_total\\{([^}]*)\\} (\\d+)", Pattern.MULTILINE);
    Matcher m = line.matcher(metrics);
    long total = 0;
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("pod=\"" + pod.getMetadata().getName() + "\"")
          && labels.contains("namespace=\"" + NS + "\"")
          && labels.contains("container=\"" + CONTAINER + "\"")
          && labels.contains("probe_type=\"" + probe + "\"")
          && labels.contains("result=\"" + result + "\"")) {
        total += Long.parseLong(m.group(2));
      }
    }
    return total;
  }

  /** The kubelet's Pulled event for the operator image: pull time and image size. */
  private static Optional<String> pulledEvent(KubernetesClient client) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Pulled".equals(e.getReason()) && e.getMessage().startsWith("Successfully"))
        .map(e -> e.getMessage())
        .findFirst();
  }

  /** Pods, their states and Events, and the end of the operator's log: why it is not Ready. */
  private static String diagnosis(TestCluster cluster, KubernetesClient client) {
    StringBuilder b = new StringBuilder();
    for (Pod p : operatorPods(client)) {
      b.append(p.getMetadata().getName()).append(' ').append(phase(p)).append('\n');
      if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
        for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
          b.append("  ").append(c.getState()).append('\n');
        }
      }
    }
    client.v1().events().inNamespace(NS).list().getItems().stream()
        .map(e -> "event: " + e.getReason() + ": " + e.getMessage() + "\n")
        .forEach(b::append);
    CommandResult logs =
        cluster.kubectl("logs", "-n", NS, "deploy/" + DEPLOYMENT, "--tail=40", "--all-containers");
    b.append(logs.stdout()).append(logs.stderr());
    return b.toString();
  }
}
