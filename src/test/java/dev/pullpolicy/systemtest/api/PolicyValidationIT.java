package dev.pullpolicy.systemtest.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.systemtest.support.CommandResult;
import dev.pullpolicy.systemtest.support.SystemTest;
import dev.pullpolicy.systemtest.support.TestCluster;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An invalid policy is rejected by the API server itself (CRD schema and CEL rules), with a message
 * that names the field: each file in {@code policies/invalid/} says what it expects on its first
 * line ({@code # expect: ...}). The files in {@code policies/valid/} are accepted. Applied through
 * the real kubectl, as a user would, with a server-side dry run.
 */
@SystemTest
class PolicyValidationIT {

  static Stream<Named<Path>> invalidPolicies() throws IOException {
    return files("invalid");
  }

  static Stream<Named<Path>> validPolicies() throws IOException {
    return files("valid");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPolicies")
  void apiServerRejectsInvalidPolicy(Path file, TestCluster cluster) throws IOException {
    String yaml = Files.readString(file);
    String expected = yaml.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "");
    CommandResult result = apply(cluster, yaml);
    assertThat(result.exitCode()).as(result.describe()).isNotZero();
    assertThat(result.stderr()).as(result.describe()).contains("is invalid").contains(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validPolicies")
  void apiServerAcceptsValidPolicy(Path file, TestCluster cluster) throws IOException {
    CommandResult result = apply(cluster, Files.readString(file));
    assertThat(result.exitCode()).as(result.describe()).isZero();
    assertThat(result.stdout()).contains("created (server dry run)");
  }

  private static CommandResult apply(TestCluster cluster, String yaml) throws IOException {
    Path file = Files.createTempFile("policy", ".yaml");
    try {
      Files.writeString(file, yaml.replace("NAME", cluster.uniqueName("validation")));
      return cluster.kubectl("create", "--dry-run=server", "-f", file.toString());
    } finally {
      Files.delete(file);
    }
  }

  private static Stream<Named<Path>> files(String folder) throws IOException {
    Path dir;
    try {
      dir = Path.of(PolicyValidationIT.class.getResource("/policies/" + folder).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s
          .filter(p -> p.toString().endsWith(".yaml"))
          .sorted()
          .map(p -> Named.of(folder + "/" + p.getFileName(), p))
          .toList()
          .stream();
    }
  }
}
