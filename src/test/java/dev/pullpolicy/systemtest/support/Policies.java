package dev.pullpolicy.systemtest.support;

import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Policies for system tests, written the way users write them: as YAML. */
public final class Policies {

  private Policies() {}

  /**
   * Creates a policy named {@code name} whose spec is {@code specYaml} (the lines under {@code
   * spec:}, indented two spaces). The API server's rejection propagates as it is.
   */
  public static PullCredentialPolicy create(KubernetesClient client, String name, String specYaml) {
    String yaml =
        "apiVersion: pullpolicy.dev/v1alpha1\nkind: PullCredentialPolicy\nmetadata:\n  name: "
            + name
            + "\nspec:\n"
            + specYaml;
    PullCredentialPolicy p =
        client.getKubernetesSerialization().unmarshal(yaml, PullCredentialPolicy.class);
    return client.resource(p).create();
  }
}
