package dev.pullpolicy.plugin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.plugin.Main;
import dev.pullpolicy.plugin.transport.LoopbackServer;
import dev.pullpolicy.plugin.transport.LoopbackServer.Answer;
import dev.pullpolicy.plugin.transport.Overrides;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What kubectl's plugin completion gets for what was typed (cobra's __complete protocol). */
class CompletionTest {
  @TempDir Path dir;

  private final LoopbackServer server = new LoopbackServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private String complete(String... words) {
    StringWriter out = new StringWriter();
    new Completion(Main.commandLine(), options -> server.client(new Overrides()))
        .complete(List.of(words), new PrintWriter(out));
    return out.toString();
  }

  private static String names(String items) {
    return "{\"kind\":\"PartialObjectMetadataList\",\"items\":[" + items + "]}";
  }

  @Test
  void offersTheCommandsWithWhatTheyDo() {
    String out = complete("");
    assertThat(out)
        .contains("list\tList every PullCredentialPolicy\n")
        .contains("status\t")
        .contains("doctor\t")
        .doesNotContain(Main.COMPLETE)
        .endsWith(":4\n");
    assertThat(complete("do")).startsWith("doctor\t").endsWith(":4\n");
  }

  @Test
  void offersACommandsFlagsWithKubectlsNames() {
    String out = complete("list", "--as");
    assertThat(out.lines().map(l -> l.split("\t")[0]))
        .containsExactly("--as", "--as-group", "--as-uid", "--as-user-extra", ":4");
  }

  @Test
  void offersTheKubeconfigsContextsForTheKubeconfigTyped() throws IOException {
    Path kc = dir.resolve("config");
    Files.writeString(
        kc,
        """
        contexts:
        - {name: dev, context: {cluster: c}}
        - {name: prod, context: {cluster: c}}
        """);
    assertThat(complete("status", "--kubeconfig", kc.toString(), "--context", ""))
        .isEqualTo("dev\nprod\n:4\n");
    assertThat(complete("status", "--kubeconfig=" + kc, "--context=p"))
        .isEqualTo("--context=prod\n:4\n");
  }

  @Test
  void offersPolicyAndNamespaceNamesFromMetadataOnlyLists() {
    server
        .on(
            "/apis/pullpolicy.dev/v1alpha1/pullcredentialpolicies",
            Answer.ok(
                names("{\"metadata\":{\"name\":\"acme\"}},{\"metadata\":{\"name\":\"beta\"}}")))
        .on(
            "/api/v1/namespaces",
            Answer.ok(
                names("{\"metadata\":{\"name\":\"team-a\"}},{\"metadata\":{\"name\":\"ops\"}}")));
    assertThat(complete("status", "")).isEqualTo("acme\nbeta\n:4\n");
    assertThat(complete("doctor", "-n", "te")).isEqualTo("team-a\n:4\n");
    assertThat(server.requests())
        .allSatisfy(r -> assertThat(r.header("accept")).contains("as=PartialObjectMetadataList"));
  }

  @Test
  void leavesFileNamesToTheShellAndNeverFails() {
    assertThat(complete("explain", "nginx", "--dockerconfig", "")).isEqualTo(":0\n");
    // the server refuses: nothing to offer, and no error either
    server.on("/api/v1/namespaces", Answer.status(403, "Forbidden", "no"));
    assertThat(complete("status", "-n", "")).isEqualTo(":4\n");
  }
}
