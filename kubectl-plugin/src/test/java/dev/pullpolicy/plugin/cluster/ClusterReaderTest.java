package dev.pullpolicy.plugin.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata-only reads of {@code status}, against a loopback HTTP server that answers as the API
 * server does and records what was asked: every request says it wants metadata only, so no Secret
 * data is sent.
 */
class ClusterReaderTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> answers =
      Map.of(
          "/api/v1/secrets",
          "{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
              + "\"metadata\":{},\"items\":[{\"kind\":\"PartialObjectMetadata\","
              + "\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":{\"name\":\"acme\","
              + "\"namespace\":\"team-a\",\"annotations\":{\"pullpolicy.dev/source-hash\":\"h1\"}}}]}",
          "/api/v1/namespaces/team-a/secrets/acme",
          "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
              + "\"metadata\":{\"name\":\"acme\",\"namespace\":\"team-a\"}}");
  private ClusterReader reader;
  private KubernetesClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          requests.add(
              path
                  + (exchange.getRequestURI().getQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getQuery())
                  + " Accept: "
                  + exchange.getRequestHeaders().getFirst("Accept"));
          int code = path.contains("forbidden") ? 403 : answers.containsKey(path) ? 200 : 404;
          String body =
              code == 200
                  ? answers.get(path)
                  : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                      + code
                      + "}";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(code, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
            .withRequestRetryBackoffLimit(0)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    reader = new ClusterReader(() -> client);
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void listsCopiesAsMetadataOnly() {
    var byNamespace = reader.secretsMetadata("acme").orElseThrow();
    assertThat(byNamespace).containsOnlyKeys("team-a");
    assertThat(byNamespace.get("team-a").getAnnotations())
        .containsEntry("pullpolicy.dev/source-hash", "h1");
    assertThat(requests)
        .containsExactly(
            "/api/v1/secrets?fieldSelector=metadata.name=acme Accept: "
                + ClusterReader.PARTIAL_LIST);
  }

  @Test
  void readsOneCopyAsMetadataOnlyAndTellsAbsentFromForbidden() {
    assertThat(reader.secretMetadata("team-a", "acme").metadata().getName()).isEqualTo("acme");
    assertThat(reader.secretMetadata("team-b", "acme"))
        .isEqualTo(new ClusterReader.MetadataRead(null, false));
    assertThat(reader.secretMetadata("forbidden", "acme"))
        .isEqualTo(new ClusterReader.MetadataRead(null, true));
    assertThat(requests)
        .allSatisfy(r -> assertThat(r).endsWith("Accept: " + ClusterReader.PARTIAL));
  }
}
