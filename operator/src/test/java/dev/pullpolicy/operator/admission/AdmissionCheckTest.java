package dev.pullpolicy.operator.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.conditions.AdmissionActiveReason;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link AdmissionCheck} makes of the API server's answers. The installed, not installed and
 * unavailable cases are proven against the real API server (AdmissionDiscoveryIT); the answers here
 * are those a real API server gives an operator that may not read the objects, which those tests
 * cannot provoke without refusing the operator's other requests.
 */
class AdmissionCheckTest {
  private static final String PATH = "/apis/admissionregistration.k8s.io/v1";
  private static final String NAME = AdmissionActiveReason.OBJECT_NAME;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private AdmissionCheck check;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init();
    client = server.createClient();
    check = new AdmissionCheck(client, Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  private void served(boolean withMutatingPolicies) {
    APIResourceListBuilder list =
        new APIResourceListBuilder().withGroupVersion("admissionregistration.k8s.io/v1");
    list.addNewResource()
        .withName("validatingadmissionpolicies")
        .withKind("ValidatingAdmissionPolicy")
        .withNamespaced(false)
        .withVerbs("get")
        .endResource();
    if (withMutatingPolicies) {
      list.addNewResource()
          .withName("mutatingadmissionpolicies")
          .withKind("MutatingAdmissionPolicy")
          .withNamespaced(false)
          .withVerbs("get")
          .endResource();
    }
    server.expect().get().withPath(PATH).andReturn(200, list.build()).always();
  }

  private void object(String plural, int code) {
    server
        .expect()
        .get()
        .withPath(PATH + "/" + plural + "/" + NAME)
        .andReturn(
            code,
            code == 200
                ? new GenericKubernetesResourceBuilder()
                    .withApiVersion("admissionregistration.k8s.io/v1")
                    .withKind("MutatingAdmissionPolicy")
                    .withNewMetadata()
                    .withName(NAME)
                    .endMetadata()
                    .build()
                : null)
        .always();
  }

  @Test
  void bothObjectsReadableMeansInstalled() {
    served(true);
    object("mutatingadmissionpolicies", 200);
    object("mutatingadmissionpolicybindings", 200);
    AdmissionState s = check.check();
    assertThat(s.status()).isEqualTo("True");
    assertThat(s.reason()).isEqualTo(AdmissionActiveReason.Installed);
  }

  @Test
  void aMissingBindingIsNotInstalledAndNamed() {
    served(true);
    object("mutatingadmissionpolicies", 200);
    object("mutatingadmissionpolicybindings", 404);
    AdmissionState s = check.check();
    assertThat(s.status()).isEqualTo("False");
    assertThat(s.reason()).isEqualTo(AdmissionActiveReason.NotInstalled);
    assertThat(s.message()).startsWith("MutatingAdmissionPolicyBinding " + NAME + " not installed");
  }

  @Test
  void aGroupVersionWithoutMutatingPoliciesIsUnavailable() {
    served(false);
    assertThat(check.check().reason()).isEqualTo(AdmissionActiveReason.ApiUnavailable);
  }

  @Test
  void anUnservedGroupVersionIsUnavailable() {
    server.expect().get().withPath(PATH).andReturn(404, null).always();
    assertThat(check.check().reason()).isEqualTo(AdmissionActiveReason.ApiUnavailable);
  }

  @Test
  void aRefusedReadIsUnknownWithTheStatusCode() {
    served(true);
    object("mutatingadmissionpolicies", 403);
    object("mutatingadmissionpolicybindings", 403);
    AdmissionState s = check.check();
    assertThat(s.status()).isEqualTo("Unknown");
    assertThat(s.reason()).isEqualTo(AdmissionActiveReason.CheckFailed);
    assertThat(s.message()).contains("HTTP 403");
  }
}
