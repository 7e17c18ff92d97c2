package dev.pullpolicy.api.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pullpolicy.api.ReadmeTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every condition type and reason is documented where users look: the README's table and the CRD's
 * field descriptions ({@code kubectl explain}).
 */
class ReasonsDocumentedTest {

  static List<String> everyName() {
    return Stream.of(
            ConditionType.values(),
            ReadyReason.values(),
            SourceValidReason.values(),
            AdmissionActiveReason.values(),
            FailureReason.values())
        .flatMap(Arrays::stream)
        .map(Enum::name)
        .toList();
  }

  @Test
  void theReadmeNamesEveryTypeAndReason() {
    String readme = ReadmeTables.readme();
    String section =
        readme.substring(readme.indexOf("### Conditions and reasons"), readme.indexOf("## Labels"));
    assertThat(everyName()).allSatisfy(n -> assertThat(section).contains("`" + n + "`"));
  }

  @Test
  void theCrdDescriptionsNameEveryReason() throws IOException {
    String crd = Files.readString(Path.of(System.getProperty("pullpolicy.crdFile")));
    assertThat(everyName()).allSatisfy(n -> assertThat(crd).contains(n));
  }
}
