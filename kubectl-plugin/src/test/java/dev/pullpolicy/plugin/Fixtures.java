package dev.pullpolicy.plugin;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.FailureReason;
import dev.pullpolicy.api.conditions.ReadyReason;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.NamespaceCounts;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.PullPolicyLabels;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.ServiceAccountCounts;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Objects for tests, built as the API server would return them. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * The hash the operator publishes for the fixtures' sources (any value; copies compare to it).
   */
  public static final String SOURCE_HASH = "4f2c0d9a";

  /**
   * A policy as the operator leaves it: Ready True with reason AllSynced, or False with
   * NotAllSynced (reasons only from the API module's enum, as the operator emits them).
   */
  public static PullCredentialPolicy policy(String name, String ready, int synced, int selected) {
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withCreationTimestamp("2026-11-28T10:00:00Z")
            .build());
    PullCredentialPolicySpec spec = new PullCredentialPolicySpec();
    spec.setSources(List.of(new SecretReference("pullpolicy-system", name + "-creds")));
    p.setSpec(spec);
    PullCredentialPolicyStatus st = new PullCredentialPolicyStatus();
    if (ready != null) {
      st.setConditions(
          List.of(
              new ConditionBuilder()
                  .withType(ConditionType.Ready.name())
                  .withStatus(ready)
                  .withReason(
                      ("True".equals(ready) ? ReadyReason.AllSynced : ReadyReason.NotAllSynced)
                          .name())
                  .withMessage("")
                  .build()));
    }
    st.setRegistries(List.of("registry.acme.io"));
    st.setSourceHash(SOURCE_HASH);
    st.setNamespaces(new NamespaceCounts(selected, synced, selected - synced, 0, 0));
    st.setServiceAccounts(new ServiceAccountCounts());
    st.getServiceAccounts().setSelected(selected);
    st.getServiceAccounts().setPatched(synced);
    p.setStatus(st);
    return p;
  }

  public static PullCredentialPolicy withFailure(
      PullCredentialPolicy p, String ns, FailureReason reason) {
    p.getStatus().setFailures(List.of(new Failure(ns, reason.name(), "a Secret acme exists")));
    return p;
  }

  /** The metadata of a Secret, as a metadata-only read returns it. */
  public static ObjectMeta meta(
      String ns, String name, Map<String, String> labels, Map<String, String> annotations) {
    return new ObjectMetaBuilder()
        .withNamespace(ns)
        .withName(name)
        .withLabels(labels)
        .withAnnotations(annotations)
        .build();
  }

  /** The metadata of the policy's current copy. */
  public static ObjectMeta copyMeta(String policy, String ns, String hash) {
    return meta(
        ns,
        policy,
        Map.of(
            PullPolicyLabels.POLICY,
            policy,
            PullPolicyLabels.MANAGED_BY,
            PullPolicyLabels.MANAGED_BY_VALUE),
        Map.of(PullPolicyLabels.SOURCE_HASH, hash));
  }

  public static Namespace namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  public static Namespace namespace(String name, Map<String, String> annotations) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .build();
  }

  public static ServiceAccount serviceAccount(String ns, String name, String... pullSecrets) {
    ServiceAccountBuilder b =
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata();
    for (String s : pullSecrets) {
      b.addNewImagePullSecret(s);
    }
    return b.build();
  }

  public static Secret pullSecret(String ns, String name, String json, Map<String, String> labels) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .withLabels(labels)
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", base64(json)))
        .build();
  }

  public static String auths(String... registries) {
    StringBuilder b = new StringBuilder("{\"auths\":{");
    for (int i = 0; i < registries.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append('"')
          .append(registries[i])
          .append("\":{\"auth\":\"")
          .append(base64("user:secret-password"))
          .append("\"}");
    }
    return b.append("}}").toString();
  }

  public static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A Pod whose container waits on a failed pull. */
  public static Pod failingPod(String ns, String name, String image, String... pullSecrets) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName("default")
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec()
            .withNewStatus()
            .addNewContainerStatus()
            .withName("app")
            .withImage(image)
            .withNewState()
            .withNewWaiting()
            .withReason("ImagePullBackOff")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus();
    Pod pod = b.build();
    for (String s : pullSecrets) {
      pod.getSpec()
          .getImagePullSecrets()
          .add(new io.fabric8.kubernetes.api.model.LocalObjectReference(s));
    }
    return pod;
  }
}
