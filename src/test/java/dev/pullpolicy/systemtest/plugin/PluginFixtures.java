package dev.pullpolicy.systemtest.plugin;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Cluster objects for the plugin's system tests. */
final class PluginFixtures {
  private PluginFixtures() {}

  /** A fake credential; the tests assert that it never appears in the plugin's output. */
  static final String PASSWORD = "s3cr3t-never-printed";

  static String dockerConfigJson(String... registries) {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    String auth = base64("robot:" + PASSWORD);
    for (int i = 0; i < registries.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append('"')
          .append(registries[i])
          .append("\":{\"username\":\"robot\",\"password\":\"")
          .append(PASSWORD)
          .append("\",\"auth\":\"")
          .append(auth)
          .append("\"}");
    }
    return b.append("}}").toString();
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Secret pullSecret(
      KubernetesClient client, String ns, String name, String json, Map<String, String> labels) {
    return client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(ns)
                .withLabels(labels)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .withData(Map.of(".dockerconfigjson", base64(json)))
                .build())
        .create();
  }

  static void addPullSecretToServiceAccount(
      KubernetesClient client, String ns, String sa, String secretName) {
    awaitServiceAccount(client, ns, sa);
    client
        .serviceAccounts()
        .inNamespace(ns)
        .withName(sa)
        .edit(
            s -> {
              List<LocalObjectReference> refs = new ArrayList<>(s.getImagePullSecrets());
              refs.add(new LocalObjectReference(secretName));
              s.setImagePullSecrets(refs);
              return s;
            });
  }

  static void awaitServiceAccount(KubernetesClient client, String ns, String sa) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> client.serviceAccounts().inNamespace(ns).withName(sa).get() != null);
  }

  /**
   * Creates a Pod (nothing schedules it here) and sets its container's status to waiting in {@code
   * reason} through the status subresource, as a kubelet would.
   */
  static Pod failingPod(
      KubernetesClient client,
      String ns,
      String name,
      String image,
      String reason,
      String... pullSecrets) {
    awaitServiceAccount(client, ns, "default");
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec();
    for (String s : pullSecrets) {
      b.editSpec().addNewImagePullSecret(s).endSpec();
    }
    client.pods().inNamespace(ns).resource(b.build()).create();
    return setWaiting(client, ns, name, image, reason);
  }

  /** Sets container app of an existing Pod to waiting in {@code reason}, as a kubelet would. */
  static Pod setWaiting(
      KubernetesClient client, String ns, String name, String image, String reason) {
    return client
        .pods()
        .inNamespace(ns)
        .withName(name)
        .editStatus(
            p -> {
              p.getStatus().setPhase("Pending");
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName("app")
                              .withImage(image)
                              .withImageID("")
                              .withReady(false)
                              .withRestartCount(0)
                              .withNewState()
                              .withNewWaiting()
                              .withReason(reason)
                              .withMessage("Back-off pulling image \"" + image + "\"")
                              .endWaiting()
                              .endState()
                              .build()));
              return p;
            });
  }
}
