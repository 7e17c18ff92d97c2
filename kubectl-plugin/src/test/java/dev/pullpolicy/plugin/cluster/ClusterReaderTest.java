package dev.pullpolicy.plugin.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.transport.LoopbackServer;
import dev.pullpolicy.plugin.transport.LoopbackServer.Answer;
import dev.pullpolicy.plugin.transport.Overrides;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reads against a loopback server that answers as the API server does and records what was
 * asked: {@code status}'s reads say they want metadata only, so no Secret data is sent; answers the
 * caller cannot use become the server's own error.
 */
class ClusterReaderTest {
  private LoopbackServer server;
  private ClusterReader reader;

  @BeforeEach
  void start() {
    server = new LoopbackServer();
    server
        .on(
            "/api/v1/secrets",
            Answer.ok(
                "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
                    + "\"metadata\":{},\"items\":[{\"kind\":\"PartialObjectMetadata\","
                    + "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"acme\","
                    + "\"namespace\":\"team-a\",\"annotations\":{\"pullpolicy.dev/source-hash\":\"h1\"}}}]}"))
        .on(
            "/api/v1/namespaces/team-a/secrets/acme",
            Answer.ok(
                "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
                    + "\"metadata\":{\"name\":\"acme\",\"namespace\":\"team-a\"}}"))
        .on(
            "/api/v1/namespaces/forbidden/secrets/acme",
            Answer.status(403, "Forbidden", "secrets \\\"acme\\\" is forbidden"));
    reader = new ClusterReader(() -> server.client(new Overrides()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listsCopiesAsMetadataOnly() {
    var byNamespace = reader.secretsMetadata("acme").orElseThrow();
    assertThat(byNamespace).containsOnlyKeys("team-a");
    assertThat(byNamespace.get("team-a").getAnnotations())
        .containsEntry("pullpolicy.dev/source-hash", "h1");
    assertThat(server.requests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pathAndQuery())
                  .isEqualTo("/api/v1/secrets?fieldSelector=metadata.name%3Dacme");
              assertThat(r.header("accept")).isEqualTo(ClusterReader.PARTIAL_LIST);
            });
  }

  @Test
  void readsOneCopyAsMetadataOnlyAndTellsAbsentFromForbidden() {
    assertThat(reader.secretMetadata("team-a", "acme").metadata().getName()).isEqualTo("acme");
    assertThat(reader.secretMetadata("team-b", "acme"))
        .isEqualTo(new ClusterReader.MetadataRead(null, false));
    assertThat(reader.secretMetadata("forbidden", "acme"))
        .isEqualTo(new ClusterReader.MetadataRead(null, true));
    assertThat(server.requests())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.header("accept")).isEqualTo(ClusterReader.PARTIAL));
  }

  @Test
  void aPolicyThatIsNotThereIsToldApartFromACrdThatIsNotInstalled() {
    server.on(
        ClusterReader.POLICIES + "/gone",
        new Answer(
            404,
            "{\"kind\":\"Status\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
                + "\"details\":{\"name\":\"gone\",\"group\":\"pullpolicy.dev\","
                + "\"kind\":\"pullcredentialpolicies\"},"
                + "\"message\":\"pullcredentialpolicies.pullpolicy.dev \\\"gone\\\" not found\"}",
            java.util.Map.of()));
    assertThatThrownBy(() -> reader.policy("gone"))
        .isInstanceOf(PluginException.class)
        .hasMessage("pullcredentialpolicies.pullpolicy.dev \"gone\" not found");
    assertThatThrownBy(() -> reader.policy("other"))
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("is the pullpolicy CRD installed?");
    assertThatThrownBy(reader::policies)
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("is the pullpolicy CRD installed?");
  }

  @Test
  void aRefusalCarriesTheServersCodeAndStatus() {
    server.on(
        "/api/v1/namespaces",
        Answer.status(403, "Forbidden", "namespaces is forbidden: User \\\"x\\\" cannot list"));
    assertThatThrownBy(reader::namespaces)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
              assertThat(e.getStatus().getMessage())
                  .isEqualTo("namespaces is forbidden: User \"x\" cannot list");
            });
  }

  @Test
  void aNamespaceIsMissingOnlyWhenTheServerSaysSo() {
    server
        .on("/api/v1/namespaces/here", Answer.ok("{\"metadata\":{\"name\":\"here\"}}"))
        .on("/api/v1/namespaces/hidden", Answer.status(403, "Forbidden", "no"));
    assertThat(reader.namespaceMissing("here")).isFalse();
    assertThat(reader.namespaceMissing("hidden")).isFalse();
    assertThat(reader.namespaceMissing("typo")).isTrue();
  }
}
