package dev.pullpolicy.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import org.junit.jupiter.api.Test;

class ClientSerializationTest {
  private static final String SERVICE_ACCOUNT =
      """
      {"apiVersion":"v1","kind":"ServiceAccount",
       "metadata":{"name":"default","namespace":"team-a","uid":"u-1","resourceVersion":"42",
         "labels":{"team":"a"},"annotations":{"pullpolicy.dev/entries":"[\\"registry-creds\\"]"},
         "managedFields":[
           {"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1",
            "time":"2026-11-29T10:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:secrets":{}}},
           {"manager":"pullpolicy-operator","operation":"Update","apiVersion":"v1",
            "time":"2026-11-29T10:00:01Z","fieldsType":"FieldsV1",
            "fieldsV1":{"f:imagePullSecrets":{".":{},"k:{\\"name\\":\\"registry-creds\\"}":{}}}}]},
       "imagePullSecrets":[{"name":"other"},{"name":"registry-creds"}]}
      """;

  @Test
  void objectsAreReadWithoutTheirManagedFieldsAndWithEverythingElse() throws Exception {
    ObjectMapper mapper = ClientSerialization.withoutManagedFields(new ObjectMapper());

    ServiceAccount sa = mapper.readValue(SERVICE_ACCOUNT, ServiceAccount.class);

    assertThat(sa.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(sa.getMetadata().getName()).isEqualTo("default");
    assertThat(sa.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(sa.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(sa.getMetadata().getLabels()).containsEntry("team", "a");
    assertThat(sa.getMetadata().getAnnotations())
        .containsEntry("pullpolicy.dev/entries", "[\"registry-creds\"]");
    assertThat(sa.getImagePullSecrets())
        .extracting(r -> r.getName())
        .containsExactly("other", "registry-creds");
  }

  @Test
  void theSameMapperWithoutTheMixInKeepsThem() throws Exception {
    // the control: what the mix-in removes is there to remove
    ServiceAccount sa = new ObjectMapper().readValue(SERVICE_ACCOUNT, ServiceAccount.class);

    assertThat(sa.getMetadata().getManagedFields()).hasSize(2);
  }

  @Test
  void writtenObjectsCarryNoManagedFields() throws Exception {
    ObjectMapper plain = new ObjectMapper();
    Secret s = plain.readValue(SERVICE_ACCOUNT.replace("ServiceAccount", "Secret"), Secret.class);

    String json =
        ClientSerialization.withoutManagedFields(new ObjectMapper()).writeValueAsString(s);

    assertThat(json).doesNotContain("managedFields").contains("\"resourceVersion\":\"42\"");
  }
}
