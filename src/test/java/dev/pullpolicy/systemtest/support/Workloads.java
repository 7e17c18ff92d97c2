package dev.pullpolicy.systemtest.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/** Workloads on the real node: Deployments and Pods of a test image, and what the kubelet said. */
public final class Workloads {

  /** Time for a Pod on the node to start, or to fail its pull. */
  public static final Duration POD_TIMEOUT = Duration.ofSeconds(90);

  /** The waiting reasons of a failed pull. */
  public static final Set<String> PULL_FAILURES = Set.of("ErrImagePull", "ImagePullBackOff");

  private Workloads() {}

  /**
   * Creates a one-replica Deployment {@code name} (Pods labelled {@code app=name}, container {@code
   * app}) of {@code image}; {@code pullPolicy} null keeps the default.
   */
  public static Deployment deployment(
      KubernetesClient client, String ns, String name, String image, String pullPolicy) {
    return client
        .apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(2L)
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .withImagePullPolicy(pullPolicy)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  /** Creates a bare Pod {@code name} (container {@code app}) of {@code image}. */
  public static Pod pod(KubernetesClient client, String ns, String name, String image) {
    return client
        .pods()
        .inNamespace(ns)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(2L)
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** Creates or replaces a Secret of type kubernetes.io/dockerconfigjson. */
  public static Secret dockerConfigSecret(
      KubernetesClient client, String ns, String name, String dockerConfigJson) {
    return client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(
                    Map.of(
                        ".dockerconfigjson",
                        Base64.getEncoder()
                            .encodeToString(dockerConfigJson.getBytes(StandardCharsets.UTF_8))))
                .build())
        .createOr(existing -> existing.update());
  }

  /** The Pods of Deployment {@code app} that are not being deleted, newest first. */
  public static List<Pod> podsOf(KubernetesClient client, String ns, String app) {
    return client.pods().inNamespace(ns).withLabel("app", app).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing((Pod p) -> p.getMetadata().getCreationTimestamp()).reversed())
        .toList();
  }

  /** Waits until Deployment {@code app} has a live Pod that satisfies {@code until}. */
  public static Pod awaitPodOf(
      KubernetesClient client, String ns, String app, Predicate<Pod> until) {
    return await()
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> podsOf(client, ns, app).stream().filter(until).findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  /** Waits until Pod {@code name} satisfies {@code until}. */
  public static Pod awaitPod(
      KubernetesClient client, String ns, String name, Predicate<Pod> until) {
    return await()
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> client.pods().inNamespace(ns).withName(name).get(),
            p -> p != null && until.test(p));
  }

  /** True when container {@code app} runs. */
  public static boolean running(Pod pod) {
    return status(pod).map(cs -> cs.getState().getRunning() != null).orElse(false);
  }

  /** True when container {@code app} waits on a failed pull. */
  public static boolean pullFailed(Pod pod) {
    return waiting(pod).map(w -> PULL_FAILURES.contains(w.getReason())).orElse(false);
  }

  /** The waiting state of container {@code app}, if it waits. */
  public static Optional<ContainerStateWaiting> waiting(Pod pod) {
    return status(pod).map(cs -> cs.getState().getWaiting());
  }

  private static Optional<ContainerStatus> status(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(cs -> cs.getName().equals("app") && cs.getState() != null)
        .findFirst();
  }

  /** The Events about a Pod as {@code Type Reason: message} lines, oldest first. */
  public static List<String> events(KubernetesClient client, String ns, String pod) {
    return client
        .v1()
        .events()
        .inNamespace(ns)
        .withField("involvedObject.name", pod)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(Workloads::time))
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }

  private static String time(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return e.getMetadata().getCreationTimestamp();
  }

  /** Waits until the Events about a Pod include one whose line contains {@code text}. */
  public static List<String> awaitEvent(
      KubernetesClient client, String ns, String pod, String text) {
    return await()
        .atMost(POD_TIMEOUT)
        .pollInterval(Duration.ofMillis(300))
        .until(() -> events(client, ns, pod), l -> l.stream().anyMatch(e -> e.contains(text)));
  }
}
